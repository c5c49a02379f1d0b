"""The hand-built January and February crawls the research tests work out by hand.

target.com is the domain under study, comp1/comp2/comp3.com its competitors, mine.com the
user's own site; ``old_crawl`` (January) and ``new_crawl`` (February) write them in crawl
layout. The expected answers are in ``tests/test_research_core.py`` and
``tests/test_research_queries.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crawler.schema import EDGES_SCHEMA, PAGES_SCHEMA
from crawler.urls import host_of, registered_domain

JAN = datetime(2026, 1, 1, tzinfo=UTC)
FEB = datetime(2026, 2, 1, tzinfo=UTC)

AUTHORITY = pa.table(
    {
        "domain": ["blog.org", "news.net", "forum.io", "spam.biz", "directory.co.uk", "target.com"],
        "authority": [80.0, 60.0, 40.0, 5.0, 70.0, 50.0],
    }
)


def link(src: str, dst: str, anchor: str = "", rel: str = "", **kw) -> dict:
    tokens = rel.split()
    src_host, dst_host = host_of(src), host_of(dst)
    row = {
        "src_url": src,
        "dst_url": dst,
        "src_host": src_host,
        "dst_host": dst_host,
        "src_domain": registered_domain(src_host),
        "dst_domain": registered_domain(dst_host),
        "anchor": anchor,
        "rel": rel,
        "nofollow": bool({"nofollow", "ugc", "sponsored"} & set(tokens)),
        "ugc": "ugc" in tokens,
        "sponsored": "sponsored" in tokens,
        "kind": "a",
        "placement": "content",
        "position": 0,
    }
    row.update(kw)
    row["internal"] = row["src_domain"] == row["dst_domain"]
    return row


def page(url: str, status: int = 200, redirect_to: str | None = None, ip: str | None = None):
    host = host_of(url)
    return {
        "url": url,
        "host": host,
        "domain": registered_domain(host),
        "status": status,
        "redirect_to": redirect_to,
        "ip": ip,
        "depth": 1,
        "outlinks": 0,
    }


def write_crawl(folder: Path, crawl_id: str, at: datetime, links: list[dict], pages: list[dict]):
    """A crawl directory in the contract's layout from plain rows."""
    (folder / "edges").mkdir(parents=True)
    (folder / "pages").mkdir(parents=True)
    edges = [{**r, "crawl_id": crawl_id, "fetched_at": at} for r in links]
    rows = [{**p, "crawl_id": crawl_id, "fetched_at": at} for p in pages]
    pq.write_table(
        pa.Table.from_pylist(edges, schema=EDGES_SCHEMA), folder / "edges" / "part-000000.parquet"
    )
    pq.write_table(
        pa.Table.from_pylist(rows, schema=PAGES_SCHEMA), folder / "pages" / "part-000000.parquet"
    )
    return folder


T = "https://target.com"
OLD_LINKS = [
    # backlinks of target.com
    link("https://blog.org/post1", f"{T}/", "Target home", position=3),
    link("https://blog.org/post1", f"{T}/", "Target home", position=9),  # same link again
    link("https://blog.org/post2", f"{T}/pricing", "pricing", "nofollow", placement="sidebar"),
    link("https://www.blog.org/", f"{T}/", "", placement="footer"),
    link("https://news.net/a", f"{T}/", "=HYPERLINK(1)", "sponsored"),
    link("https://news.net/b", f"{T}/moved", "moved page"),
    link("https://forum.io/t/1", f"{T}/old", "<script>x</script>", "ugc", placement="comment"),
    link("http://shop.target.com/", f"{T}/", "shop home", placement="nav"),  # internal
    # target.com's own links
    link(f"{T}/", f"{T}/pricing", "Pricing", placement="nav"),
    link(f"{T}/", "https://news.net/a", "press"),
    link(f"{T}/pricing", "https://gone.example/x", "partner"),
    link(f"{T}/pricing", f"{T}/old", "old offer"),
    # competitors
    link("https://blog.org/post1", "https://comp1.com/", "c1"),
    link("https://blog.org/post3", "https://comp2.com/", "c2"),
    link("https://blog.org/post3", "https://comp3.com/", "c3"),
    link("https://news.net/a", "https://comp1.com/", "c1"),
    link("https://news.net/c", "https://comp2.com/x", "c2", "nofollow"),
    link("https://directory.co.uk/list", "https://comp1.com/", "c1"),
    link("https://directory.co.uk/list", "https://comp2.com/", "c2"),
    link("https://directory.co.uk/list", "https://comp3.com/", "c3"),
    link("https://directory.co.uk/list", "https://mine.com/", "me"),
    link("https://spam.biz/", "https://comp1.com/", "c1"),
    link("https://mine.com/", "https://comp1.com/", "c1"),
    link("https://mine.com/", "https://comp2.com/", "c2"),
    link("https://mine.com/", "https://comp3.com/", "c3"),
]
OLD_PAGES = [
    page("https://blog.org/post1", ip="10.0.1.5"),
    page("https://blog.org/post2", ip="10.0.1.5"),
    page("https://www.blog.org/", ip="10.0.1.6"),
    page("https://news.net/a", ip="10.0.1.9"),
    page("https://news.net/b", ip="10.0.1.9"),
    page("https://forum.io/t/1", ip="192.168.7.1"),
    page(f"{T}/"),
    page(f"{T}/pricing"),
    page(f"{T}/old", 404),
    page(f"{T}/moved", 301, f"{T}/old"),
    page("https://gone.example/x", 503),
]

NEW_LINKS = [
    link("https://blog.org/post1", f"{T}/", "Target home", position=3),
    link("https://blog.org/post2", f"{T}/pricing", "pricing", placement="sidebar"),  # now followed
    link("https://news.net/a", "https://comp1.com/", "c1"),  # the target.com link is gone
    link("https://forum.io/t/2", f"{T}/", "great tool", "ugc", placement="comment"),
    link("https://spam.biz/", f"{T}/", "cheap"),
]
NEW_PAGES = [
    page("https://blog.org/post1"),
    page("https://blog.org/post2"),
    page("https://news.net/a"),
    page("https://news.net/b", 410),
    page("https://forum.io/t/2"),
    page("https://spam.biz/"),
    page(f"{T}/"),
]


def rows(table: pa.Table, *columns: str) -> list[tuple]:
    return [tuple(r[c] for c in columns) for r in table.to_pylist()]


@pytest.fixture()
def old_crawl(tmp_path):
    return write_crawl(tmp_path / "jan", "jan", JAN, OLD_LINKS, OLD_PAGES)


@pytest.fixture()
def new_crawl(tmp_path):
    return write_crawl(tmp_path / "feb", "feb", FEB, NEW_LINKS, NEW_PAGES)
