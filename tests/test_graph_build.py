"""The domain/host graph: which link rows make edges and nodes, and the per-node counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crawler.schema import EDGES_SCHEMA
from graph.build import build_graph, graph_from_arrays

_WHEN = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)


def edge(src: str, dst: str, **overrides: object) -> dict:
    """One edges row from ``src`` to ``dst`` (``host/path`` strings; host = domain here
    unless the host has a subdomain, in which case the domain is its last two labels)."""
    src_host, dst_host = src.split("/")[0], dst.split("/")[0]
    row = {
        "crawl_id": "test",
        "src_url": f"http://{src if '/' in src else src + '/'}",
        "dst_url": f"http://{dst if '/' in dst else dst + '/'}",
        "src_host": src_host,
        "dst_host": dst_host,
        "src_domain": ".".join(src_host.split(".")[-2:]),
        "dst_domain": ".".join(dst_host.split(".")[-2:]),
        "anchor": "",
        "rel": "",
        "nofollow": False,
        "ugc": False,
        "sponsored": False,
        "kind": "a",
        "placement": "content",
        "position": 0,
        "fetched_at": _WHEN,
    }
    row.update(overrides)
    row["internal"] = row["src_domain"] == row["dst_domain"]
    return row


def write_crawl(folder: Path, rows: list[dict], parts: int = 1) -> Path:
    """A crawl directory whose edges are ``rows``, split over ``parts`` Parquet files."""
    (folder / "edges").mkdir(parents=True)
    (folder / "pages").mkdir()
    step = max(1, -(-len(rows) // parts))
    for i in range(parts):
        chunk = rows[i * step : (i + 1) * step]
        table = pa.Table.from_pylist(chunk, schema=EDGES_SCHEMA)
        pq.write_table(table, folder / "edges" / f"part-{i:06d}.parquet")
    return folder


def edge_set(graph) -> set[tuple[str, str]]:
    names = graph.names.to_pylist()
    return {(names[s], names[d]) for s, d in zip(graph.src, graph.dst, strict=True)}


def test_only_followable_cross_domain_links_make_edges(tmp_path):
    rows = [
        edge("a.com/1", "b.com/x"),
        edge("a.com/2", "b.com/y"),  # a second link: still one edge
        edge("a.com/1", "a.com/2"),  # internal: no edge
        edge("b.com/x", "c.com/", nofollow=True, rel="nofollow"),  # nofollow: no edge
        edge("c.com/", "d.com/", kind="redirect"),  # redirects pass authority
        edge("d.com/", "e.com/", kind="area"),
        edge("e.com/", "f.com/", kind="img"),  # not a link kind that passes authority
    ]
    graph = build_graph([write_crawl(tmp_path / "c", rows)])
    assert graph.names.to_pylist() == ["a.com", "b.com", "c.com", "d.com", "e.com"]
    assert edge_set(graph) == {("a.com", "b.com"), ("c.com", "d.com"), ("d.com", "e.com")}


def test_a_domain_reached_only_by_nofollow_is_a_node_only_with_include_nofollow(tmp_path):
    rows = [edge("a.com/", "b.com/"), edge("b.com/", "spam.com/", nofollow=True, ugc=True)]
    crawl = write_crawl(tmp_path / "c", rows)
    assert "spam.com" not in build_graph([crawl]).names.to_pylist()
    graph = build_graph([crawl], include_nofollow=True)
    assert edge_set(graph) == {("a.com", "b.com"), ("b.com", "spam.com")}


def test_counts_are_links_and_degrees_are_the_graphs(tmp_path):
    rows = [
        *(edge(f"a.com/{i}", "t.com/") for i in range(5)),  # sitewide: 5 links, one vote
        edge("b.com/", "t.com/"),
        edge("b.com/", "t.com/", anchor="again", nofollow=True),  # a backlink, no vote
        edge("n.com/", "t.com/", nofollow=True),  # nofollow only: refers, passes nothing
        edge("t.com/", "a.com/"),
        edge("t.com/", "c.com/"),
        edge("t.com/1", "c.com/2"),
    ]
    graph = build_graph([write_crawl(tmp_path / "c", rows)])
    counts = {r["domain"]: r for r in graph.counts.to_pylist()}
    t = graph.names.to_pylist().index("t.com")
    assert graph.in_degree()[t] == 2
    assert graph.out_degree()[t] == 2
    assert counts["t.com"] == {
        "domain": "t.com",
        "referring_domains": 3,
        "backlinks": 8,
        "dofollow": 6,
        "nofollow": 2,
        "ugc": 0,
        "sponsored": 0,
    }
    assert counts["c.com"]["backlinks"] == 2


def test_a_link_seen_twice_on_a_page_is_one_link_with_its_latest_flags(tmp_path):
    rows = [
        edge("a.com/", "b.com/", anchor="home", position=0, nofollow=True),
        edge("a.com/", "b.com/", anchor="home", position=7, placement="footer"),
        edge("a.com/", "b.com/", anchor="other", position=9, nofollow=True),
    ]
    graph = build_graph([write_crawl(tmp_path / "c", rows)])
    assert graph.counts.to_pylist()[1]["backlinks"] == 2
    assert graph.counts.to_pylist()[1]["dofollow"] == 1
    assert graph.links.tolist() == [1]


def test_each_edge_counts_its_links_and_those_outside_comments(tmp_path):
    rows = [
        edge("a.com/1", "b.com/"),
        edge("a.com/2", "b.com/", placement="comment"),
        edge("a.com/3", "b.com/", placement="footer"),
        edge("c.com/", "b.com/", placement="comment"),
    ]
    graph = build_graph([write_crawl(tmp_path / "c", rows)])
    names = graph.names.to_pylist()
    by_edge = {
        (names[s], names[d]): (int(k), int(e))
        for s, d, k, e in zip(graph.src, graph.dst, graph.links, graph.editorial_links, strict=True)
    }
    assert by_edge == {("a.com", "b.com"): (3, 2), ("c.com", "b.com"): (1, 0)}
    editorial = graph.editorial()
    assert editorial.names.to_pylist() == names
    assert edge_set(editorial) == {("a.com", "b.com")}


def test_several_crawls_and_files_merge_into_one_graph(tmp_path):
    first = write_crawl(tmp_path / "one", [edge("a.com/", "b.com/"), edge("b.com/", "c.com/")], 2)
    second = write_crawl(tmp_path / "two", [edge("c.com/", "a.com/"), edge("a.com/", "b.com/")])
    graph = build_graph([first, second])
    assert edge_set(graph) == {("a.com", "b.com"), ("b.com", "c.com"), ("c.com", "a.com")}
    # a.com/ -> b.com/ is in both crawls: one link.
    assert graph.counts.column("backlinks").to_pylist() == [1, 1, 1]


def test_host_level_links_between_hosts_of_one_domain_are_edges(tmp_path):
    rows = [
        edge("blog.x.com/", "www.x.com/"),
        edge("www.x.com/", "y.com/"),
        edge("www.x.com/a", "www.x.com/b"),
    ]
    crawl = write_crawl(tmp_path / "c", rows)
    hosts = build_graph([crawl], level="host")
    assert edge_set(hosts) == {("blog.x.com", "www.x.com"), ("www.x.com", "y.com")}
    assert edge_set(build_graph([crawl])) == {("x.com", "y.com")}


def test_a_crawl_without_edges_gives_an_empty_graph(tmp_path):
    graph = build_graph([write_crawl(tmp_path / "c", [])])
    assert (graph.n, graph.m) == (0, 0)


def test_unknown_level_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown graph level 'page'"):
        build_graph([write_crawl(tmp_path / "c", [])], level="page")


def test_graph_from_arrays_drops_self_links_and_numbers_nodes_by_name():
    graph = graph_from_arrays(["z.com", "y.com", "x.com", "w.com"], [0, 0, 1, 2], [1, 1, 1, 0])
    assert graph.names.to_pylist() == ["x.com", "y.com", "z.com"]
    assert list(zip(graph.src.tolist(), graph.dst.tolist(), strict=True)) == [(2, 1), (0, 2)]
    assert graph.counts.column("backlinks").to_pylist() == [0, 2, 1]


def test_transpose_csr_rows_are_targets_and_columns_sources():
    graph = graph_from_arrays(["a", "b", "c"], [0, 0, 1], [1, 2, 2])
    at = graph.transpose_csr().toarray()
    np.testing.assert_array_equal(at, [[0, 0, 0], [1, 0, 0], [1, 1, 0]])
