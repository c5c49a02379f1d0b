"""The backlink index: same answers as a full scan, fewer files read, never stale."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crawler.schema import EDGES_SCHEMA
from graph import research
from linkgraph.cli import main
from tests.fixtures_research import (
    AUTHORITY,
    FEB,
    JAN,
    NEW_LINKS,
    NEW_PAGES,
    OLD_LINKS,
    OLD_PAGES,
    T,
    link,
    write_crawl,
)


@pytest.fixture()
def crawls(tmp_path):
    return (
        write_crawl(tmp_path / "jan", "jan", JAN, OLD_LINKS, OLD_PAGES),
        write_crawl(tmp_path / "feb", "feb", FEB, NEW_LINKS, NEW_PAGES),
    )


def test_the_bucket_of_a_domain_is_fixed_by_the_index_format():
    # CRC-32 of the UTF-8 bytes: an index written by one install reads the same in another.
    assert research.index_bucket("example.com") == 0xB6FA4EB9 % 64 == 57
    assert research.index_bucket("target.com", 4) == 2


def test_indexed_queries_answer_exactly_as_full_scans(crawls):
    old, new = crawls
    before = (
        research.backlinks("target.com", [old, new], authority=AUTHORITY),
        research.intersect(
            ["comp1.com", "comp2.com", "comp3.com"],
            [old],
            not_domain="mine.com",
            min_competitors=1,
            authority=AUTHORITY,
        ),
        research.diff(
            [old], [new], domain="target.com", authority_old=AUTHORITY, authority_new=AUTHORITY
        ),
    )
    for folder in crawls:
        research.build_index(folder, buckets=4, batch_rows=7)
    after = (
        research.backlinks("target.com", [old, new], authority=AUTHORITY),
        research.intersect(
            ["comp1.com", "comp2.com", "comp3.com"],
            [old],
            not_domain="mine.com",
            min_competitors=1,
            authority=AUTHORITY,
        ),
        research.diff(
            [old], [new], domain="target.com", authority_old=AUTHORITY, authority_new=AUTHORITY
        ),
    )
    assert after[0].links.equals(before[0].links)
    assert after[0].referring_domains.equals(before[0].referring_domains)
    assert after[0].by_placement.equals(before[0].by_placement)
    assert after[1].domains.equals(before[1].domains)
    assert after[1].links.equals(before[1].links)
    assert after[2].links.equals(before[2].links)
    assert after[0].links.num_rows == 8 and after[1].domains.num_rows == 3


def test_an_indexed_query_reads_only_its_bucket(crawls):
    old, _ = crawls
    research.build_index(old, buckets=4)
    manifest = json.loads((old / research.INDEX_DIR / "manifest.json").read_text())
    assert manifest["buckets"] == 4
    assert [f[0] for f in manifest["edges_files"]] == ["part-000000.parquet"]
    with research.connect([old], dst_domains=["target.com"]) as con:
        seen = {r[0] for r in con.execute("SELECT DISTINCT dst_domain FROM edges").fetchall()}
        indexed = con.execute("SELECT count(*) FROM edges").fetchall()[0][0]
    assert "target.com" in seen
    assert {research.index_bucket(d, 4) for d in seen} == {research.index_bucket("target.com", 4)}
    total = pq.read_table(old / "edges").num_rows
    assert 0 < indexed < total
    with research.connect([old], dst_domains=["target.com", "comp1.com", "news.net"]) as con:
        assert con.execute("SELECT count(*) FROM edges").fetchall()[0][0] > indexed


def test_an_index_is_not_used_once_the_crawl_has_new_edges(crawls):
    old, _ = crawls
    research.build_index(old, buckets=4)
    extra = [link("https://late.org/", f"{T}/", "late link")]
    rows = [{**r, "crawl_id": "jan", "fetched_at": JAN} for r in extra]
    pq.write_table(
        pa.Table.from_pylist(rows, schema=EDGES_SCHEMA), old / "edges" / "part-000001.parquet"
    )
    profile = research.backlinks("target.com", [old], authority=AUTHORITY)
    assert "https://late.org/" in profile.links["src_url"].to_pylist()


def test_a_crawl_without_the_index_is_scanned_whole_when_another_has_one(crawls):
    old, new = crawls
    research.build_index(old, buckets=4)
    profile = research.backlinks("target.com", [old, new], authority=AUTHORITY)
    assert profile.links.num_rows == 8


def test_index_command_reports_each_crawl(crawls, capsys):
    assert main(["index", *map(str, crawls)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" in ")[0] for line in lines] == [f"indexed {c}" for c in crawls]
    assert all((c / research.INDEX_DIR / "manifest.json").is_file() for c in crawls)
