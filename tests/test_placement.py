"""Placement agrees with people, and extraction misses no link Scrapy finds, on real pages.

- 91 real article pages with the article text people marked (scrapinghub's
  article-extraction benchmark, ``tests/data/articles/``): links labelled ``content`` must
  be in the article (precision >= 70%) and links in the article must be labelled
  ``content`` (recall >= 90%); the scoring is in ``tests/placement_eval.py``.
- Real Python documentation pages (``tests/data/python-docs/``): every http(s) link Scrapy's
  ``LinkExtractor`` finds, ``parse_html`` finds too, as multisets after normalisation.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor
from selectolax.lexbor import LexborHTMLParser

from crawler.extract import parse_html
from crawler.urls import normalize_url
from tests.placement_eval import article_element, article_link_flags, load_articles, score_placement

PYTHON_DOCS = Path(__file__).parent / "data" / "python-docs"
# File in tests/data/python-docs -> the URL it was published at.
PYTHON_DOC_PAGES = {
    "glossary.html": "https://docs.python.org/3.11/glossary.html",
    "howto_urllib2.html": "https://docs.python.org/3.11/howto/urllib2.html",
    "library_index.html": "https://docs.python.org/3.11/library/index.html",
    "library_urllib.parse.html": "https://docs.python.org/3.11/library/urllib.parse.html",
    "license.html": "https://docs.python.org/3.11/license.html",
    "tutorial_index.html": "https://docs.python.org/3.11/tutorial/index.html",
}


def test_the_evaluator_finds_the_element_whose_words_best_match_the_marked_text():
    tree = LexborHTMLParser(
        "<body><div id=menu>Home News Sport Weather</div>"
        "<div id=story><h1>Roses in the garden</h1><div id=text><p>Roses need sun and water.</p>"
        "<p>Prune them in winter.</p></div><div id=share>Share Tweet</div></div></body>"
    )
    best = article_element(tree, "Roses need sun and water. Prune them in winter.")
    assert best is not None and best.attributes["id"] == "text"
    best = article_element(
        tree, "Roses in the garden. Roses need sun and water. Prune them in winter."
    )
    assert best is not None and best.attributes["id"] == "story"


def test_the_evaluator_flags_links_inside_the_article_in_document_order():
    html = (
        '<a href="/nav">nav</a><div id=a><p>Roses need sun, <a href="/sun">sun</a>.</p>'
        '<a href="mailto:x@y.z">mail</a></div><a href="/foot">foot</a>'
    )
    assert article_link_flags(html, "http://example.com/", "Roses need sun, sun.") == [
        ("http://example.com/nav", False),
        ("http://example.com/sun", True),
        ("http://example.com/foot", False),
    ]


def test_placement_agrees_with_the_article_text_people_marked():
    pages = load_articles()
    assert len(pages) == 91
    score = score_placement(pages)
    assert score.links > 10_000 and score.in_article > 500
    assert score.precision >= 0.70, score
    assert score.recall >= 0.90, score


@pytest.mark.parametrize("name", sorted(PYTHON_DOC_PAGES))
def test_every_link_scrapy_finds_on_a_real_page_is_found(name):
    url = PYTHON_DOC_PAGES[name]
    body = (PYTHON_DOCS / name).read_bytes()
    response = HtmlResponse(url, body=body, headers={"Content-Type": "text/html; charset=utf-8"})
    extractor = LinkExtractor(deny_extensions=[], unique=False)
    theirs = Counter(
        normalized
        for link in extractor.extract_links(response)
        if (normalized := normalize_url(link.url)) is not None
    )
    ours = Counter(link.dst_url for link in parse_html(body, url, content_type="text/html").links)
    assert sum(theirs.values()) > 100
    assert theirs - ours == Counter()
