"""Placement against the article text people marked, on 91 real article pages.

Data: ``tests/data/articles/`` (scrapinghub/article-extraction-benchmark, MIT): each page
with the article text people marked. A link is *in the article* when it lies inside the
element whose words best match that text (``tests/placement_eval.py``, independent of the
extractor). Reported, micro-averaged over all links:

- precision: of the links ``parse_html`` labels ``content``, the share in the article
  (target >= 70%);
- content outside the article: of the links outside the article, the share labelled
  ``content`` anyway;
- recall: of the links in the article, the share labelled ``content`` (target >= 90%);
- the per-page time of ``parse_html`` (the whole extraction, placement included).

Peer, in the same run: labelling by ancestor tags alone (``content`` unless inside ``nav``,
``header``, ``footer``, ``aside`` or an element whose class or id says ``comment``), the
common rule this extractor replaces.

Halves: the pages in file-hash order split into ``A`` (even positions, the half rules are
tuned on) and ``B`` (odd positions, never tuned on); every figure is given for both.

``--candidates``: main-content extractors measured the same way (a link is ``content`` when
the extractor's main content keeps it: ``benchmarks/placement_candidates.py``), with their
CPU time per page: trafilatura, readability-lxml, jusText (``pip install trafilatura
readability-lxml justext``).

Run from the repository root::

    python3 benchmarks/bench_placement.py [--candidates] [--boilerplate-words-everywhere]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from crawler import placement  # noqa: E402
from crawler.urls import resolve_href  # noqa: E402
from tests.placement_eval import article_link_flags, load_articles, score_placement  # noqa: E402

_BOILERPLATE_TAGS = {"nav", "header", "footer", "aside"}


def tags_only_content(html: str, url: str) -> list[bool]:
    """For each http(s) ``a``/``area`` link (document order): is it ``content`` by tags alone?"""
    tree = LexborHTMLParser(html)
    base = url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        base = resolve_href(url, base_node.attributes.get("href") or "") or url
    flags = []
    for node in tree.css("a[href], area[href]"):
        if resolve_href(base, node.attributes.get("href") or "") is None:
            continue
        content = True
        parent = node.parent
        while parent is not None and parent.is_element_node:
            attrs = parent.attributes
            names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()
            if parent.tag in _BOILERPLATE_TAGS or "comment" in names:
                content = False
                break
            parent = parent.parent
        flags.append(content)
    return flags


def tags_only_score(pages) -> tuple[float, float, float]:
    """(precision, recall, share of the links outside the article called content) of the
    tags-only rule."""
    labelled = in_article = both = links = 0
    for html, url, body in pages:
        flags = article_link_flags(html, url, body)
        content = tags_only_content(html, url)
        for is_content, (_, inside) in zip(content, flags, strict=True):
            labelled += is_content
            in_article += inside
            both += is_content and inside
        links += len(flags)
    return both / labelled, both / in_article, (labelled - both) / (links - in_article)


def halves(pages: list) -> dict[str, list]:
    """The two halves: ``A`` (tuned on) and ``B`` (held out), alternating in hash order."""
    return {"A": pages[0::2], "B": pages[1::2]}


def candidate_score(name: str, pages) -> tuple[float, float, float]:
    """(precision, recall, CPU seconds a page) of one extractor's main content."""
    from placement_candidates import candidate_flags

    labelled = in_article = both = 0
    seconds = 0.0
    for html, url, body in pages:
        flags = article_link_flags(html, url, body)
        content, took = candidate_flags(name, html, url, [dst for dst, _ in flags])
        seconds += took
        for is_content, (_, inside) in zip(content, flags, strict=True):
            labelled += is_content
            in_article += inside
            both += is_content and inside
    precision = both / labelled if labelled else 0.0
    return precision, both / in_article if in_article else 0.0, seconds / len(pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--boilerplate-words-everywhere",
        action="store_true",
        help="let share/related/promo/ad/sponsor/bottom and <aside> mark boilerplate inside "
        "the main content too (the rule docs/extraction.md explains why not)",
    )
    parser.add_argument("--candidates", action="store_true", help="also measure extractors")
    args = parser.parse_args()
    if args.boilerplate_words_everywhere:
        placement._OUTSIDE_ONLY = frozenset()
    pages = load_articles()
    started = time.perf_counter()
    score = score_placement(pages)
    total = time.perf_counter() - started
    precision, recall, outside = tags_only_score(pages)
    print(f"pages: {score.pages}, links: {score.links}, in the article: {score.in_article}")
    ours_outside = (score.labelled_content - score.both) / (score.links - score.in_article)
    print(
        f"crawler.extract : precision {score.precision:6.1%}  recall {score.recall:6.1%}  "
        f"content outside the article {ours_outside:6.1%}  "
        f"{score.seconds_per_page * 1e3:.2f} ms/page for parse_html"
    )
    print(
        f"tags only       : precision {precision:6.1%}  recall {recall:6.1%}  "
        f"content outside the article {outside:6.1%}"
    )
    print(f"evaluation took {total:.1f} s (the evaluator's own tree walk included)")
    for half, subset in halves(pages).items():
        part = score_placement(subset)
        p, r, _ = tags_only_score(subset)
        print(
            f"half {half} ({len(subset)} pages): crawler.extract precision {part.precision:6.1%}"
            f"  recall {part.recall:6.1%}; tags only precision {p:6.1%}  recall {r:6.1%}"
        )
    if args.candidates:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from placement_candidates import CANDIDATES

        for name in CANDIDATES:
            for half, subset in halves(pages).items():
                p, r, seconds = candidate_score(name, subset)
                print(
                    f"{name:<17} half {half}: precision {p:6.1%}  recall {r:6.1%}  "
                    f"{seconds * 1e3:6.1f} ms/page"
                )
    return 0 if score.precision >= 0.70 and score.recall >= 0.90 else 1


if __name__ == "__main__":
    sys.exit(main())
