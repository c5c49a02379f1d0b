"""Edges laid out for pruning: the writer's sorted parts, ``linkgraph compact``, old layouts.

One synthetic crawl, written by the real ``CrawlWriter`` in small batches, is read in three
layouts that must give the same answers to every command: as an older version wrote it
(each part in page order, one row group), as the writer writes it now (each part sorted by
target domain, small row groups) and compacted (a few files clustered by target domain).
Compaction is then killed at each step and resumed, and the crawl resumed after it.
"""

from __future__ import annotations

import json
import random
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crawler.schema import EDGES_SCHEMA
from crawler.urls import registered_domain
from crawler.writer import CrawlWriter, stored_pages
from graph import compact as compaction
from graph import rank, research
from graph.compact import CompactError, compact, live_edge_files
from graph.linkscan import read_links
from linkgraph.cli import main

DOMAINS = [f"site{i:02d}.{('com', 'org', 'co.uk')[i % 3]}" for i in range(40)]
AT = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp() * 1000)


def _link(url: str, anchor: str, rel: str, placement: str, position: int) -> tuple:
    host = url.split("/")[2]
    flags = [r in rel.split() for r in ("nofollow", "ugc", "sponsored")]
    return (url, host, registered_domain(host), anchor, rel, *flags, "a", placement, position)


def _write_crawl(folder: Path, *, pages: int = 600, seed: int = 3, start: int = 0) -> Path:
    """Pages of 40 domains, each with 0-12 links (some internal, some repeated, some
    nofollow or in comments); some pages answered 404; batches of about 300 edges."""
    rng = random.Random(seed)
    writer = CrawlWriter(folder, "synthetic", batch_edges=300, edges_row_group=64)
    for i in range(start, start + pages):
        domain = DOMAINS[rng.randrange(len(DOMAINS))]
        url = f"https://www.{domain}/p{i}"
        links = []
        for position in range(rng.randrange(13)):
            target = domain if rng.random() < 0.3 else DOMAINS[int(rng.paretovariate(1.2)) % 40]
            href = f"https://www.{target}/p{rng.randrange(start + pages)}"
            rel = rng.choice(["", "", "", "nofollow", "ugc", "sponsored"])
            placement = rng.choice(["content", "nav", "footer", "comment"])
            links.append(_link(href, rng.choice(["home", "read", ""]), rel, placement, position))
            if rng.random() < 0.1:  # the same link again on the page
                links.append(_link(href, links[-1][3], rel, placement, position + 100))
        status = 404 if rng.random() < 0.05 else 200
        page = {"url": url, "host": f"www.{domain}", "domain": domain, "status": status}
        page.update(fetched_at=AT + i * 1000, depth=1, content_type="text/html")
        writer.add_page(page, links)
    writer.close()
    (folder / "crawl.json").write_text(json.dumps({"crawl_id": "synthetic", "status": "finished"}))
    return folder


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    return _write_crawl(tmp_path_factory.mktemp("layouts") / "written")


def _old_layout(written: Path, folder: Path) -> Path:
    """The same crawl as an older version wrote it: each part in page order, one row group."""
    shutil.copytree(written, folder)
    for part in (folder / "edges").glob("*.parquet"):
        table = pq.read_table(part, schema=EDGES_SCHEMA)
        table = table.sort_by([("fetched_at", "ascending"), ("position", "ascending")])
        pq.write_table(table, part, compression="zstd")
        domains = table.column("dst_domain").to_pylist()
        assert domains != sorted(domains) and pq.ParquetFile(part).num_row_groups == 1
    return folder


def _compacted(written: Path, folder: Path, **options) -> Path:
    shutil.copytree(written, folder)
    compact(folder, file_rows=700, row_group_rows=128, **options)
    return folder


def _answers(folder: Path) -> dict:
    """What the commands answer on one crawl: links, ranks, and each research query."""
    links = read_links([folder])
    names = links.names.to_pylist()
    authority = pa.table({"domain": DOMAINS, "authority": [float(i) for i in range(40)]})
    found = {
        "links": sorted(
            zip(
                [names[i] for i in links.src],
                [names[i] for i in links.dst],
                links.flags.tolist(),
                strict=True,
            )
        ),
        "rank": rank([folder]).table().to_pylist(),
        # Edge rows, not links: a file read twice (a part and its compacted copy) shows here.
        "summary": research.crawl_summary([folder]),
        "broken": research.broken(DOMAINS[1], [folder]).to_pylist(),
        "intersect": research.intersect(
            DOMAINS[1:4], [folder], min_competitors=2, authority=authority
        ).domains.to_pylist(),
    }
    for domain in (DOMAINS[0], DOMAINS[7], DOMAINS[39]):
        profile = research.backlinks(domain, [folder], authority=authority)
        found[domain] = (profile.summary, profile.links.to_pylist(), profile.top_anchors)
    return found


@pytest.fixture(scope="module")
def expected(written) -> dict:
    return _answers(written)


def test_the_writer_sorts_each_part_by_target_domain_in_small_row_groups(written):
    parts = sorted((written / "edges").glob("part-*.parquet"))
    assert len(parts) > 5
    for part in parts:
        meta = pq.ParquetFile(part).metadata
        column = meta.schema.names.index("dst_domain")
        stats = [meta.row_group(i).column(column).statistics for i in range(meta.num_row_groups)]
        assert meta.num_row_groups == -(-meta.num_rows // 64)
        assert all(a.max <= b.min for a, b in zip(stats, stats[1:], strict=False))
        domains = pq.read_table(part, columns=["dst_domain"]).column(0).to_pylist()
        assert domains == sorted(domains)


def test_a_crawl_in_the_old_layout_answers_the_same(written, expected, tmp_path):
    assert _answers(_old_layout(written, tmp_path / "old")) == expected


def test_a_compacted_crawl_answers_the_same(written, expected, tmp_path):
    folder = _compacted(written, tmp_path / "compacted")
    files = live_edge_files(folder / "edges")
    assert [f.name for f in files] == [
        f"compacted-000001-{k:06d}.parquet" for k in range(len(files))
    ]
    assert not list((folder / "edges").glob("part-*.parquet")), "the parts are replaced"
    assert sorted((folder / "pages").iterdir()) != [], "pages are untouched"
    assert _answers(folder) == expected


def test_compacted_files_hold_ranges_of_target_domains_so_statistics_prune(written, tmp_path):
    folder = _compacted(written, tmp_path / "compacted")
    spans = []
    for path in live_edge_files(folder / "edges"):
        meta = pq.ParquetFile(path).metadata
        column = meta.schema.names.index("dst_domain")
        for i in range(meta.num_row_groups):
            stats = meta.row_group(i).column(column).statistics
            spans.append((stats.min, stats.max))
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    # A domain with a few dozen backlinks lives in one or two row groups of all of them.
    holding = [s for s in spans if s[0] <= DOMAINS[39] <= s[1]]
    assert 1 <= len(holding) <= 2 < len(spans)


def test_compacting_twice_and_an_old_layout_give_the_same(written, expected, tmp_path):
    folder = _old_layout(written, tmp_path / "old")
    compact(folder, file_rows=500, row_group_rows=100)
    compact(folder, file_rows=2000, row_group_rows=300)
    assert [f.name[:17] for f in live_edge_files(folder / "edges")] == ["compacted-000002-"] * len(
        live_edge_files(folder / "edges")
    )
    assert _answers(folder) == expected


def test_a_compaction_killed_before_its_manifest_leaves_the_crawl_as_it_was(
    written, expected, tmp_path, monkeypatch
):
    folder = tmp_path / "killed"
    shutil.copytree(written, folder)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(compaction, "write_json_atomic", killed)
        with pytest.raises(KeyboardInterrupt):
            compact(folder, file_rows=700)
    assert list((folder / "edges").glob("compacted-*.parquet")), "new files were in place"
    assert _answers(folder) == expected, "but not yet the crawl's edges"
    compact(folder, file_rows=700)
    assert _answers(folder) == expected


def test_a_compaction_killed_after_its_manifest_is_finished_by_the_next(
    written, expected, tmp_path, monkeypatch
):
    folder = tmp_path / "killed"
    shutil.copytree(written, folder)
    finish = compaction._finish_earlier
    calls = []

    def killed_on_second_call(edges):
        calls.append(edges)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return finish(edges)

    with monkeypatch.context() as patch:
        patch.setattr(compaction, "_finish_earlier", killed_on_second_call)
        with pytest.raises(KeyboardInterrupt):
            compact(folder, file_rows=700)
    assert list((folder / "edges").glob("part-*.parquet")), "the old parts are still there"
    assert _answers(folder) == expected, "but replaced"
    compact(folder, file_rows=700)
    assert not list((folder / "edges").glob("part-*.parquet"))
    assert _answers(folder) == expected


def test_a_crawl_resumed_after_compaction_adds_parts_that_the_next_compaction_folds_in(
    written, tmp_path
):
    folder = _compacted(written, tmp_path / "resumed")
    before = len(read_links([folder]))
    urls, _ = stored_pages(folder)  # what a resumed crawl does first
    assert len(urls) == 600 and live_edge_files(folder / "edges")
    _write_crawl(folder, pages=100, seed=4, start=600)
    new_parts = sorted(p.name for p in (folder / "edges").glob("part-*.parquet"))
    old_parts = sorted(p.name for p in (written / "pages").glob("part-*.parquet"))
    assert new_parts and new_parts[0] > old_parts[-1], "part numbers go on, none reused"
    grown = _answers(folder)
    assert len(grown["links"]) > before
    compact(folder, file_rows=700)
    assert not list((folder / "edges").glob("part-*.parquet"))
    assert _answers(folder) == grown


def test_an_edges_part_without_its_pages_part_is_not_compacted(written, tmp_path):
    folder = tmp_path / "half"
    shutil.copytree(written, folder)
    last = sorted((folder / "pages").glob("part-*.parquet"))[-1]
    last.unlink()  # a batch cut short by a kill: its edges part is no stored data
    compact(folder, file_rows=700)
    assert [p.name for p in (folder / "edges").glob("part-*.parquet")] == [last.name]
    stored_pages(folder)  # the resumed crawl deletes it, as without compaction
    assert not list((folder / "edges").glob("part-*.parquet"))


def test_a_running_crawl_is_not_compacted_unless_forced(written, tmp_path, capsys):
    folder = tmp_path / "running"
    shutil.copytree(written, folder)
    (folder / "crawl.json").write_text(json.dumps({"crawl_id": "x", "status": "running"}))
    with pytest.raises(CompactError, match="running"):
        compact(folder)
    assert main(["compact", str(folder)]) == 2
    assert "is running" in capsys.readouterr().err
    assert main(["compact", "--force", str(folder)]) == 0
    assert "compacted" in capsys.readouterr().out
    assert live_edge_files(folder / "edges")[0].name.startswith("compacted-")
