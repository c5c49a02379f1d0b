"""The ``CrawlWriter`` contract: batches, the order a batch lands in, and what a resume
finds after a kill (``stored_pages``, ``stored_counts``). Every writer of crawl data (the
crawler, later WARC ingest) relies on it; no Scrapy here."""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, datetime

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from crawler.extract import Link
from crawler.writer import CrawlWriter, stored_counts, stored_pages

FETCHED_MS = 1_790_000_000_000


def _page(url: str, **columns) -> dict:
    host = url.split("/")[2]
    return {
        "url": url,
        "host": host,
        "domain": host.split(".", 1)[1] if host.count(".") > 1 else host,
        "depth": 1,
        "fetched_at": FETCHED_MS,
        "status": 200,
        **columns,
    }


def _links(n: int, dst_host: str = "www.b.com") -> list[Link]:
    return [
        Link(
            f"http://{dst_host}/{i}",
            dst_host,
            "b.com",
            f"a{i}",
            "",
            False,
            False,
            False,
            "a",
            "content",
            i,
        )
        for i in range(n)
    ]


def _rows(path) -> int:
    return pq.read_metadata(path).num_rows


def _parts(out, table: str) -> list[str]:
    return sorted(p.name for p in (out / table).iterdir())


def test_a_batch_is_written_each_time_it_holds_batch_pages_pages(tmp_path):
    writer = CrawlWriter(tmp_path, "c", batch_pages=2, batch_edges=1000, flush_seconds=1e9)
    for i in range(5):
        writer.add_page(_page(f"http://www.a.com/{i}"), _links(1))
        assert len(_parts(tmp_path, "pages")) == (i + 1) // 2
    writer.close()
    assert _parts(tmp_path, "pages") == [f"part-00000{i}.parquet" for i in range(3)]
    assert [_rows(tmp_path / "pages" / n) for n in _parts(tmp_path, "pages")] == [2, 2, 1]
    assert _parts(tmp_path, "edges") == _parts(tmp_path, "pages")


def test_a_batch_is_written_once_it_holds_batch_edges_links(tmp_path):
    writer = CrawlWriter(tmp_path, "c", batch_pages=1000, batch_edges=5, flush_seconds=1e9)
    writer.add_page(_page("http://www.a.com/1"), _links(3))
    assert _parts(tmp_path, "edges") == []
    writer.add_page(_page("http://www.a.com/2"), _links(3))
    assert [_rows(tmp_path / "edges" / n) for n in _parts(tmp_path, "edges")] == [6]
    assert (writer.pages_written, writer.edges_written) == (2, 6)


def test_a_batch_is_written_when_flush_seconds_have_passed(tmp_path):
    writer = CrawlWriter(tmp_path, "c", batch_pages=1000, batch_edges=1000, flush_seconds=0)
    writer.add_page(_page("http://www.a.com/1"), _links(2))
    writer.add_page(_page("http://www.a.com/2"), [])
    assert _parts(tmp_path, "pages") == ["part-000000.parquet", "part-000001.parquet"]
    # A batch without links has no edges part.
    assert _parts(tmp_path, "edges") == ["part-000000.parquet"]


def test_close_writes_what_is_buffered_and_an_empty_flush_writes_nothing(tmp_path):
    writer = CrawlWriter(tmp_path, "c", batch_pages=10, flush_seconds=1e9)
    writer.flush()
    assert _parts(tmp_path, "pages") == []
    writer.add_page(_page("http://www.a.com/1"), _links(1))
    writer.close()
    writer.close()
    assert _parts(tmp_path, "pages") == ["part-000000.parquet"]


def test_a_batch_lands_after_the_frontier_commit_edges_first_and_pages_last(tmp_path, monkeypatch):
    events: list[str] = []
    real_replace = os.replace

    def recording_replace(src, dst):
        events.append(f"rename {os.path.relpath(dst, tmp_path)}")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", recording_replace)
    writer = CrawlWriter(
        tmp_path,
        "c",
        batch_pages=2,
        flush_seconds=1e9,
        before_write=lambda: events.append("commit frontier"),
        after_write=lambda urls: events.append(f"stored {urls}"),
    )
    writer.add_page(_page("http://www.a.com/1"), _links(2))
    writer.add_page(_page("http://www.a.com/2"), _links(1))
    assert events == [
        "commit frontier",
        "rename edges/part-000000.parquet",
        "rename pages/part-000000.parquet",
        "stored ['http://www.a.com/1', 'http://www.a.com/2']",
    ]


def test_rows_carry_the_crawl_id_outlinks_internal_flag_and_page_columns(tmp_path):
    writer = CrawlWriter(tmp_path, "crawl-7", flush_seconds=1e9)
    writer.add_page(_page("http://www.b.com/home", title="Home"), _links(2, "www.b.com"))
    writer.add_page(_page("http://www.a.com/x", status=404), _links(1))
    writer.close()
    pages = ds.dataset(str(tmp_path / "pages")).to_table()
    edges = ds.dataset(str(tmp_path / "edges")).to_table()
    assert pages.select(["crawl_id", "url", "status", "title", "outlinks"]).to_pylist() == [
        {
            "crawl_id": "crawl-7",
            "url": "http://www.b.com/home",
            "status": 200,
            "title": "Home",
            "outlinks": 2,
        },
        {
            "crawl_id": "crawl-7",
            "url": "http://www.a.com/x",
            "status": 404,
            "title": None,
            "outlinks": 1,
        },
    ]
    assert edges.select(["src_url", "dst_url", "internal", "position"]).to_pylist() == [
        # In the writer's order: by target domain, then source page (tests/test_compact.py).
        {
            "src_url": "http://www.a.com/x",
            "dst_url": "http://www.b.com/0",
            "internal": False,
            "position": 0,
        },
        {
            "src_url": "http://www.b.com/home",
            "dst_url": "http://www.b.com/0",
            "internal": True,
            "position": 0,
        },
        {
            "src_url": "http://www.b.com/home",
            "dst_url": "http://www.b.com/1",
            "internal": True,
            "position": 1,
        },
    ]
    fetched = datetime.fromtimestamp(FETCHED_MS / 1000, UTC)
    assert set(edges.column("fetched_at").to_pylist()) == {fetched}
    assert set(edges.column("crawl_id").to_pylist()) == {"crawl-7"}


def _two_batches(out):
    writer = CrawlWriter(out, "c", batch_pages=2, flush_seconds=1e9)
    for url in ("http://www.a.com/1", "http://www.a.com/2", "http://x.b.com/3", "http://y.b.com/4"):
        writer.add_page(_page(url), _links(3))
    return writer


def test_stored_pages_lists_the_stored_urls_and_their_count_per_domain(tmp_path):
    _two_batches(tmp_path)
    urls, per_domain = stored_pages(tmp_path)
    assert urls == [
        "http://www.a.com/1",
        "http://www.a.com/2",
        "http://x.b.com/3",
        "http://y.b.com/4",
    ]
    assert per_domain == Counter({"a.com": 2, "b.com": 2})
    assert stored_counts(tmp_path) == (4, 12)


def test_a_kill_between_the_two_renames_leaves_an_edges_part_that_resume_removes(tmp_path):
    _two_batches(tmp_path)
    # The second batch's edges part landed, its pages part never did.
    (tmp_path / "pages" / "part-000001.parquet").unlink()
    assert stored_counts(tmp_path) == (2, 6), "an edges part without pages is not stored"
    urls, per_domain = stored_pages(tmp_path)
    assert urls == ["http://www.a.com/1", "http://www.a.com/2"]
    assert per_domain == Counter({"a.com": 2})
    assert _parts(tmp_path, "edges") == ["part-000000.parquet"]
    # The resumed run's first batch takes the free number, and the datasets read whole.
    writer = CrawlWriter(tmp_path, "c", batch_pages=1, flush_seconds=1e9)
    writer.add_page(_page("http://x.b.com/3"), _links(3))
    assert _parts(tmp_path, "pages") == ["part-000000.parquet", "part-000001.parquet"]
    assert ds.dataset(str(tmp_path / "edges")).count_rows() == 9


@pytest.mark.parametrize("table", ["pages", "edges"])
def test_temporary_files_are_ignored_by_readers_and_removed_on_resume(tmp_path, table):
    _two_batches(tmp_path)
    leftover = tmp_path / table / ".part-000002.parquet.k2j4.tmp"
    leftover.write_bytes(b"PAR1 half a file")
    assert ds.dataset(str(tmp_path / table)).count_rows() == {"pages": 4, "edges": 12}[table]
    assert stored_counts(tmp_path) == (4, 12)
    stored_pages(tmp_path)
    assert not leftover.exists()
    assert len(_parts(tmp_path, table)) == 2


def test_an_empty_or_missing_crawl_directory_has_nothing_stored(tmp_path):
    assert stored_pages(tmp_path / "missing") == ([], Counter())
    assert stored_counts(tmp_path / "missing") == (0, 0)
    CrawlWriter(tmp_path / "new", "c").close()
    assert stored_pages(tmp_path / "new") == ([], Counter())
