"""``PageParser``: the same page rows and links whichever pool parses (process, thread,
inline), the caps and the time budget applied in each."""

from __future__ import annotations

import asyncio

import pytest

from crawler.errors import LinkgraphError
from crawler.parsing import POOLS, PageParser
from crawler.rows import Caps, page_record
from tests.extract_helpers import PAGE, PARA

HEADERS = {b"Content-Type": [b"text/html; charset=utf-8"]}
ROW = {"depth": 1, "fetched_at": 1_700_000_000_000, "ip": None}
HTML = (
    f"<html><title>Roses</title><body><nav><a href='/'>Home</a></nav><main>{PARA}"
    "<p><a href='/b.html'>more roses</a></p></main></body></html>"
).encode()
MANY = ("<p>" + "".join(f'<a href="/p{n}">p{n}</a>' for n in range(300)) + "</p>").encode()


def _record(pool: str, body: bytes, caps: Caps) -> tuple[dict, list]:
    async def run():
        parser = PageParser(pool, 1, caps)
        try:
            return await parser.record(PAGE, 200, HEADERS, body, **ROW)
        finally:
            parser.close()

    return asyncio.run(run())


@pytest.mark.parametrize("pool", POOLS)
def test_every_pool_gives_the_rows_page_record_gives(pool):
    caps = Caps(timeout=30.0)
    expected = page_record(PAGE, 200, list(HEADERS.items()), HTML, caps=caps, **ROW)
    assert _record(pool, HTML, caps) == expected
    assert [link.placement for link in expected[1]] == ["nav", "content"]


@pytest.mark.parametrize("pool", POOLS)
def test_every_pool_applies_the_link_cap(pool):
    page, links = _record(pool, MANY, Caps(links=100, timeout=30.0))
    assert (len(links), page["links_dropped"], page.get("error")) == (100, 200, None)


@pytest.mark.parametrize("pool", POOLS)
def test_a_page_past_its_budget_keeps_what_was_read_and_says_so(pool):
    page, links = _record(pool, MANY, Caps(timeout=1e-9))
    assert page["status"] == 200 and links == []
    assert page["error"] == "parse time budget (1e-09 s) exceeded: 0 links kept, 300 not read"
    assert page["links_dropped"] == 300


def test_an_unknown_pool_is_a_one_line_error():
    with pytest.raises(LinkgraphError, match="LINKGRAPH_PARSE_POOL must be one of"):
        PageParser("fork")
