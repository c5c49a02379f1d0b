"""``scrapy crawl seeds -s WARC_OUTPUT=true``: the crawl also keeps what it fetched as WARC,
committed with its Parquet batches, so that ingesting those WARC files gives the crawl's
own pages and edges, even after the crawl was killed with SIGKILL and resumed."""

from __future__ import annotations

import gzip
from collections import Counter

import pyarrow.dataset as ds
import pytest
from fastwarc.warc import ArchiveIterator, WarcRecordType

from crawler.archive.ingest import ingest
from crawler.sandbox import SandboxServer, SandboxWeb
from tests.fixtures_crawl import (
    EDGE_COLUMNS,
    read_crawl,
    run_crawl,
    start_crawl,
    stored_parts,
    wait_until,
)

pytestmark = pytest.mark.slow

# Columns a WARC record cannot hold: the link distance from the seeds, the crawl's name.
PAGE_COLUMNS = [
    "url",
    "host",
    "domain",
    "status",
    "content_type",
    "fetched_at",
    "title",
    "lang",
    "canonical",
    "robots",
    "redirect_to",
    "ip",
    "bytes",
    "outlinks",
    "error",
]


@pytest.fixture(scope="module")
def killed_crawl(tmp_path_factory):
    """A crawl with WARC output killed with SIGKILL after four batches, resumed to the
    end; then its WARC files ingested into a directory of their own."""
    data_dir = tmp_path_factory.mktemp("warcout")
    web = SandboxWeb(pages=400, seed=5)
    args = [
        "-a", "seeds=" + ",".join(web.default_seeds()),
        "-a", "crawl_id=w",
        "-s", f"JOBDIR={data_dir / 'job'}",
        "-s", "WARC_OUTPUT=true",
        "-s", "WARC_MAX_SIZE=20000",
        "-s", "LINKGRAPH_FLUSH_SECONDS=0.3",
        "-s", "LINKGRAPH_BATCH_PAGES=20",
        "-s", "AUTOTHROTTLE_ENABLED=False",
    ]  # fmt: skip
    crawl_dir = data_dir / "w"
    with SandboxServer(web) as server:
        env = {"http_proxy": server.proxy_url, "https_proxy": server.proxy_url, "no_proxy": ""}
        proc = start_crawl(env, data_dir, *args)
        wait_until(lambda: stored_parts(crawl_dir) >= 4)
        proc.kill()
        proc.wait()
        run_crawl(env, data_dir, *args)
    warcs = sorted(str(p) for p in (crawl_dir / "warc").glob("*.warc.gz"))
    ingest(warcs, data_dir / "again", "again", jobs=2)
    return crawl_dir, data_dir / "again", warcs


def _rows(folder, table, columns):
    data = ds.dataset(str(folder / table), format="parquet").to_table(columns=columns)
    return Counter(tuple(r[c] for c in columns) for r in data.to_pylist())


def test_ingesting_the_warc_of_a_killed_and_resumed_crawl_gives_its_own_edges(killed_crawl):
    crawl_dir, again, _ = killed_crawl
    edges = _rows(crawl_dir, "edges", EDGE_COLUMNS + ["fetched_at"])
    assert edges and _rows(again, "edges", EDGE_COLUMNS + ["fetched_at"]) == edges


def test_and_its_pages_but_for_depth_and_the_urls_that_gave_no_answer(killed_crawl):
    crawl_dir, again, _ = killed_crawl
    pages, _ = read_crawl(crawl_dir)
    answered = pages.filter(ds.field("status").is_valid())
    got = ds.dataset(str(again / "pages"), format="parquet").to_table()
    assert Counter(tuple(r[c] for c in PAGE_COLUMNS) for r in answered.to_pylist()) == Counter(
        tuple(r[c] for c in PAGE_COLUMNS) for r in got.to_pylist()
    )
    assert set(got.column("depth").to_pylist()) == {None}


def test_each_stored_page_has_one_request_and_one_response_record_with_digests(killed_crawl):
    crawl_dir, _, warcs = killed_crawl
    pages, _ = read_crawl(crawl_dir)
    responses, requests = Counter(), Counter()
    for path in warcs:
        # verify_digests: a record whose block or payload digest is wrong is left out.
        for rec in ArchiveIterator(path, verify_digests=True):
            uri = rec.headers.get("WARC-Target-URI")
            if rec.record_type == WarcRecordType.response:
                responses[uri] += 1
                assert rec.headers.get("WARC-IP-Address")
            elif rec.record_type == WarcRecordType.request:
                requests[uri] += 1
    answered = [r["url"] for r in pages.to_pylist() if r["status"] is not None]
    assert responses == requests == Counter(answered)


def test_warc_files_are_rolled_over_by_size_and_named_after_their_batch(killed_crawl):
    crawl_dir, _, warcs = killed_crawl
    parts = {p.name.removesuffix(".parquet") for p in (crawl_dir / "pages").glob("*.parquet")}
    names = [w.rsplit("/", 1)[1] for w in warcs]
    assert {n[: len("part-000000")] for n in names} <= parts
    assert any(not n.endswith("-000.warc.gz") for n in names), "a batch over WARC_MAX_SIZE"
    assert not list((crawl_dir / "warc").glob(".*")), "no temporary file left"
    for path in warcs:
        with gzip.open(path) as warc:
            assert warc.read(10) == b"WARC/1.1\r\n"
