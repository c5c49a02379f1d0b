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

Run from the repository root::

    python3 benchmarks/bench_placement.py [--boilerplate-words-everywhere]
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--boilerplate-words-everywhere",
        action="store_true",
        help="let share/related/promo/ad/sponsor/bottom and <aside> mark boilerplate inside "
        "the main content too (the rule docs/extraction.md explains why not)",
    )
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
    return 0 if score.precision >= 0.70 and score.recall >= 0.90 else 1


if __name__ == "__main__":
    sys.exit(main())
