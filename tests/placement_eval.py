"""Scoring link placement against article text marked by people.

The article-extraction benchmark (``tests/data/articles/``, from
scrapinghub/article-extraction-benchmark) gives, for real article pages, the article text
people marked (``articleBody``). It does not say which element holds the article, so this
module finds it independently of the link extractor: the element whose visible text best
matches the marked text, scored by the F1 of their word multisets (a bag-of-words overlap,
as the benchmark itself scores extractors). A link is *in the article* when it lies inside
that element.

Then ``crawler.extract.parse_html`` is scored the way the issue states its target:

- precision: of the links labelled ``content``, the share in the article;
- recall: of the links in the article, the share labelled ``content``.

Both are micro-averaged (counted over all links of all pages), so a page with many links
weighs more than a page with few. The benchmark script and ``tests/test_placement.py`` share
this code.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.extract import parse_html
from crawler.urls import normalize_url, resolve_href

__all__ = [
    "ARTICLES_DIR",
    "PlacementScore",
    "article_element",
    "article_link_flags",
    "load_articles",
    "score_placement",
]

ARTICLES_DIR = Path(__file__).parent / "data" / "articles"

_WORD = re.compile(r"\w+")
# Elements whose text a reader never sees as article text.
_INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "title", "-comment"})


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def article_element(tree: LexborHTMLParser, article_body: str) -> LexborNode | None:
    """The element whose text's words best match ``article_body`` (highest F1).

    Word counts are summed bottom-up over the tree in one pass, so every element is scored
    without re-reading the text below it. Only words of the marked text are counted per
    element (others only add to its length), which keeps the pass linear in practice.
    """
    truth = Counter(_words(article_body))
    truth_total = sum(truth.values())
    root = tree.body or tree.root
    if root is None or not truth_total:
        return None
    best: tuple[float, LexborNode | None] = (0.0, None)
    # Iterative post-order walk: (node, children already pushed?).
    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    results: list[tuple[dict[str, int], int]] = []
    pending: list[int] = []  # index into results where each open element's children start
    while stack:
        node, expanded = stack.pop()
        if not expanded:
            if node.is_text_node:
                words = _words(node.text_content or "")
                counts: dict[str, int] = {}
                for word in words:
                    if word in truth:
                        counts[word] = counts.get(word, 0) + 1
                results.append((counts, len(words)))
                continue
            if not node.is_element_node or node.tag in _INVISIBLE:
                results.append(({}, 0))
                continue
            stack.append((node, True))
            pending.append(len(results))
            children = list(node.iter(include_text=True))
            for child in reversed(children):
                stack.append((child, False))
            continue
        start = pending.pop()
        merged: dict[str, int] = {}
        total = 0
        for counts, n in results[start:]:
            total += n
            for word, c in counts.items():
                merged[word] = merged.get(word, 0) + c
        del results[start:]
        results.append((merged, total))
        if total:
            overlap = sum(min(c, truth[w]) for w, c in merged.items())
            f1 = 2 * overlap / (total + truth_total)
            if f1 > best[0]:
                best = (f1, node)
    return best[1]


def _base_url(tree: LexborHTMLParser, url: str) -> str:
    base = tree.css_first("base[href]")
    if base is not None:
        resolved = resolve_href(url, base.attributes.get("href") or "")
        if resolved is not None:
            return resolved
    return url


def article_link_flags(html: str, url: str, article_body: str) -> list[tuple[str, bool]]:
    """Every http(s) ``<a>``/``<area>`` link of the page, in document order, with whether it
    lies inside the article element (see ``article_element``)."""
    tree = LexborHTMLParser(html)
    article = article_element(tree, article_body)
    inside: set[int] = set()
    if article is not None:
        inside = {node.mem_id for node in article.css("a[href], area[href]")}
    base = _base_url(tree, url)
    flags = []
    for node in tree.css("a[href], area[href]"):
        dst = resolve_href(base, node.attributes.get("href") or "")
        if dst is not None:
            flags.append((dst, node.mem_id in inside))
    return flags


@dataclass
class PlacementScore:
    """Micro-averaged agreement of ``placement == "content"`` with the marked article."""

    pages: int
    links: int
    labelled_content: int
    in_article: int
    both: int
    seconds_per_page: float  # CPU time of parse_html

    @property
    def precision(self) -> float:
        return self.both / self.labelled_content if self.labelled_content else 0.0

    @property
    def recall(self) -> float:
        return self.both / self.in_article if self.in_article else 0.0


def load_articles(directory: Path = ARTICLES_DIR) -> list[tuple[str, str, str]]:
    """(html, url, articleBody) for every page of the benchmark copy, in file-hash order."""
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        raw = gzip.decompress((directory / "html" / f"{key}.html.gz").read_bytes())
        url = normalize_url(truth[key]["url"])
        assert url is not None, truth[key]["url"]
        pages.append((raw.decode("utf-8", "replace"), url, truth[key]["articleBody"]))
    return pages


def score_placement(pages: list[tuple[str, str, str]]) -> PlacementScore:
    """Score ``parse_html``'s placement on ``pages`` (from ``load_articles``).

    The extractor's ``a``/``area`` edges are matched to the evaluator's links by document
    order; a mismatch in their destinations is an error, not a silent skip, because it
    would mean the two do not see the same links.
    """
    labelled = in_article = both = links = 0
    elapsed = 0.0
    for html, url, body in pages:
        flags = article_link_flags(html, url, body)
        started = time.process_time()
        parsed = parse_html(html, url)
        elapsed += time.process_time() - started
        edges = [link for link in parsed.links if link.kind != "redirect"]
        if [link.dst_url for link in edges] != [dst for dst, _ in flags]:
            raise AssertionError(f"{url}: extractor and evaluator see different links")
        for link, (_, inside) in zip(edges, flags, strict=True):
            is_content = link.placement == "content"
            labelled += is_content
            in_article += inside
            both += is_content and inside
        links += len(edges)
    return PlacementScore(
        pages=len(pages),
        links=links,
        labelled_content=labelled,
        in_article=in_article,
        both=both,
        seconds_per_page=elapsed / len(pages) if pages else 0.0,
    )
