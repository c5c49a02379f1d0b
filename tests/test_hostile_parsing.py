"""Pages that freeze a parser: deeply nested markup and a page of 200,000 links. Parsing runs
off the event loop with a time budget, so other pages are fetched meanwhile, and the
``pages`` rows say what was cut. One crawl through ``tests/hostile_server.py``."""

from __future__ import annotations

import json

import pytest

from tests.fixtures_crawl import read_crawl, run_crawl
from tests.hostile_server import HostileServer, links, page

pytestmark = pytest.mark.slow

DEEP = "http://deep.test/nested.html"
WIDE = "http://wide.test/links.html"
SLOW = [f"http://slow.test/{n}.html" for n in range(30)]
NESTING = 100_000  # lexbor's own tree building takes over 20 s on it
DEEP_HTML = "<html><body>" + '<div><a href="/x">x</a>' * NESTING
WIDE_HTML = (
    "<html><body><p>"
    + "".join(f'<a href="http://other.test/{n}">{n}</a>' for n in range(200_000))
    + "</p></body></html>"
)
BUDGET = 8.0


@pytest.fixture(scope="module")
def parse_crawl(tmp_path_factory):
    """(the pages rows by URL, crawl.json)."""
    data_dir = tmp_path_factory.mktemp("parsing")
    with HostileServer() as server:
        server.route(DEEP, page(DEEP_HTML))
        server.route(WIDE, page(WIDE_HTML))
        # Pages of a slow host: two at a time, 0.3 s each, so they take seconds to fetch.
        for url in SLOW:
            server.route(url, links("http://elsewhere.test/", delay=0.3))
        run_crawl(
            server.env,
            data_dir,
            "-a",
            "seeds=" + ",".join([DEEP, WIDE, *SLOW]),
            "-a",
            "crawl_id=parsing",
            "-a",
            "follow_external=false",
            "-s",
            f"LINKGRAPH_PARSE_TIMEOUT={BUDGET}",
            "-s",
            "LINKGRAPH_PARSE_WORKERS=2",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            timeout=240,
        )
    pages, _ = read_crawl(data_dir / "parsing")
    meta = json.loads((data_dir / "parsing" / "crawl.json").read_text())
    return {r["url"]: r for r in pages.to_pylist()}, meta


def test_other_pages_are_fetched_while_a_nested_page_is_parsed(parse_crawl):
    pages, _ = parse_crawl
    assert set(SLOW) <= set(pages)
    # The nested page's parse ran out of its budget: it took BUDGET seconds at least.
    assert "time budget" in pages[DEEP]["error"]
    started = pages[DEEP]["fetched_at"].timestamp()
    during = [
        url for url in SLOW if started < pages[url]["fetched_at"].timestamp() < started + BUDGET
    ]
    # Parsed on the event loop, no answer would be taken in while the nested page is parsed.
    assert len(during) >= 3, during


def test_a_nested_page_past_its_time_budget_says_so(parse_crawl):
    pages, _ = parse_crawl
    row = pages[DEEP]
    assert row["status"] == 200
    assert row["error"].startswith(f"parse time budget ({BUDGET:g} s) exceeded")


def test_a_page_of_200000_links_keeps_10000_and_counts_the_rest(parse_crawl):
    pages, _ = parse_crawl
    row = pages[WIDE]
    assert (row["outlinks"], row["links_dropped"], row["error"]) == (10_000, 190_000, None)


def test_ordinary_pages_have_nothing_cut(parse_crawl):
    pages, _ = parse_crawl
    for url in SLOW:
        row = pages[url]
        assert (row["links_dropped"], row["title_length"], row["anchors_truncated"]) == (
            None,
            None,
            None,
        )
        assert row["error"] is None and row["outlinks"] == 1


def test_crawl_json_counts_the_pages_cut(parse_crawl):
    _, meta = parse_crawl
    stats = meta["stats"]
    assert (stats["linkgraph/parse/over budget"], stats["linkgraph/parse/links capped"]) == (1, 1)
