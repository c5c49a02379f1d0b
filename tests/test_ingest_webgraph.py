"""Common Crawl's link data: WAT link metadata as edges like the crawler's (placement
unknown), the host and domain graphs as crawl directories the graph commands read, and
their ranks files as authority."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from crawler.archive.ingest import ingest
from linkgraph.cli import main

WEBGRAPH = Path(__file__).parent / "data" / "webgraph"
RANKS = WEBGRAPH / "cc-main-2026-apr-may-jun-domain-ranks.top1000.txt.gz"


def wat_record(envelope_first: bool) -> bytes:
    """One WAT metadata record as Common Crawl writes it (key order as in older files when
    ``envelope_first``)."""
    html = {
        "Head": {
            "Title": " A  page ",
            "Base": "/base/",
            "Metas": [{"name": "robots", "content": "noarchive"}],
            "Link": [{"path": "LINK@/href", "url": "/canon?b=2&amp;a=1", "rel": "canonical"}],
        },
        "Links": [
            {"path": "A@/href", "url": "x.html?p=1&amp;q=2", "text": " first  link "},
            {"path": "IMG@/src", "url": "/img.png", "alt": "an image"},
            {"path": "A@/href", "url": "#top", "text": "top"},
            {"path": "A@/href", "url": "javascript:void(0)", "text": "js"},
            {"path": "AREA@/href", "url": "http://other.org/map", "alt": "map"},
            {"path": "A@/href", "url": "https://ads.example/", "text": "ad", "rel": "Sponsored"},
        ],
    }
    envelope = {
        "WARC-Header-Metadata": {
            "WARC-Type": "response",
            "WARC-Target-URI": "http://www.site.com/dir/page.html",
            "WARC-Date": "2024-05-18T01:58:10Z",
            "WARC-IP-Address": "198.51.100.7",
        },
        "Payload-Metadata": {
            "HTTP-Response-Metadata": {
                "Response-Message": {"Version": "HTTP/1.1", "Status": "200", "Reason": "OK"},
                "Headers": {"Content-Type": "text/html; charset=UTF-8"},
                "Entity-Length": "5120",
                "HTML-Metadata": html,
            }
        },
    }
    container = {"Filename": "x.warc.gz", "Compressed": True, "Offset": "0"}
    doc = {"Envelope": envelope, "Container": container}
    if not envelope_first:
        doc = {"Container": container, "Envelope": envelope}
    body = json.dumps(doc).encode()
    head = (
        "WARC/1.0\r\nWARC-Type: metadata\r\nWARC-Target-URI: http://www.site.com/dir/page.html\r\n"
        "WARC-Date: 2024-05-31T01:17:49Z\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return gzip.compress(head.encode() + body + b"\r\n\r\n")


def test_wat_links_are_edges_like_the_crawlers_with_placement_unknown(tmp_path):
    (tmp_path / "a.warc.wat.gz").write_bytes(wat_record(True) + wat_record(False))
    meta = ingest([str(tmp_path / "a.warc.wat.gz")], tmp_path / "w", "w")
    assert meta["inputs"][0]["format"] == "wat"
    edges = ds.dataset(str(tmp_path / "w" / "edges")).to_table().to_pylist()
    columns = ("dst_url", "anchor", "rel", "nofollow", "sponsored", "kind", "placement", "position")
    expected = [
        ("http://www.site.com/base/x.html?p=1&q=2", "first link", "", False, False, "a"),
        ("http://www.site.com/base/", "top", "", False, False, "a"),
        ("http://other.org/map", "map", "", False, False, "area"),
        ("https://ads.example/", "ad", "sponsored", True, True, "a"),
    ]
    # As a multiset: the writer orders a batch's edges by target domain, not page order.
    assert sorted(tuple(e[c] for c in columns) for e in edges) == sorted(
        (*row, "unknown", i) for _ in range(2) for i, row in enumerate(expected)
    )
    page = ds.dataset(str(tmp_path / "w" / "pages")).to_table().to_pylist()[0]
    assert {k: page[k] for k in ("url", "title", "canonical", "robots", "bytes", "ip")} == {
        "url": "http://www.site.com/dir/page.html",
        "title": "A page",
        "canonical": "http://www.site.com/canon?a=1&b=2",
        "robots": "noarchive",
        "bytes": 5120,
        "ip": "198.51.100.7",
    }


def write_graph(folder: Path, level: str) -> tuple[str, str]:
    """A small graph in the published format: vertices in two parts listed by a
    ``*.paths.gz``, edges in a folder of ``part-*.txt.gz``."""
    hosts = ["com.example", "com.example.blog", "com.example.www", "org.other", "org.third"]
    rows = [f"{i}\t{h}" + ("\t2" if level == "domain" else "") for i, h in enumerate(hosts)]
    (folder / "vertices").mkdir(parents=True)
    for n, chunk in enumerate((rows[:2], rows[2:])):
        with gzip.open(folder / "vertices" / f"part-{n:05d}.txt.gz", "wt") as out:
            out.write("\n".join(chunk) + "\n")
    with gzip.open(folder / "vertices.paths.gz", "wt") as out:
        out.write("vertices/part-00000.txt.gz\nvertices/part-00001.txt.gz\n")
    (folder / "edges").mkdir()
    parts = ["0\t3\n1\t3\n2\t3\n", "3\t0\n3\t4\n4\t0\n"]
    for n, text in enumerate(parts):
        with gzip.open(folder / "edges" / f"part-{n:05d}.txt.gz", "wt") as out:
            out.write(text)
    return str(folder / "vertices.paths.gz"), str(folder / "edges")


def test_a_host_graph_is_a_crawl_directory_with_one_link_per_pair_of_hosts(tmp_path, capsys):
    vertices, edges = write_graph(tmp_path / "src", "host")
    args = ["ingest-webgraph", vertices, edges, "--crawl-id", "g", "--data-dir", str(tmp_path)]
    assert main(args) == 0
    assert "unknown for these edges: URLs (src_url/dst_url hold the node names)" in (
        capsys.readouterr().err
    )
    rows = ds.dataset(str(tmp_path / "g" / "edges")).to_table().to_pylist()
    assert {
        (r["src_url"], r["dst_url"], r["src_domain"], r["kind"], r["placement"]) for r in rows
    } >= {
        ("blog.example.com", "other.org", "example.com", "graph", "unknown"),
    }
    assert {(r["anchor"], r["rel"], r["fetched_at"]) for r in rows} == {("", "", None)}
    assert main(["rank", str(tmp_path / "g"), "--out", str(tmp_path / "r.csv")]) == 0
    ranked = (tmp_path / "r.csv").read_text().splitlines()
    header = ranked[0].split(",")
    table = {r.split(",")[0]: dict(zip(header, r.split(","), strict=True)) for r in ranked[1:]}
    # Three hosts of example.com link to other.org: three links, one referring domain.
    assert (table["other.org"]["backlinks"], table["other.org"]["referring_domains"]) == ("3", "1")
    assert main(["backlinks", "other.org", str(tmp_path / "g")]) == 0


def test_a_domain_graph_has_no_hosts_so_its_host_level_graph_is_empty(tmp_path):
    vertices, edges = write_graph(tmp_path / "src", "domain")
    from crawler.archive.webgraph import ingest_webgraph
    from graph.ranking import rank

    meta = ingest_webgraph(vertices, edges, tmp_path / "d", "d")
    assert (meta["level"], meta["vertices"]["count"], meta["vertices"]["hosts"]) == (
        "domain", 5, 10,
    )  # fmt: skip
    assert rank([tmp_path / "d"], level="host").table().num_rows == 0
    names = rank([tmp_path / "d"], level="domain").table().column("domain").to_pylist()
    assert set(names) == {"example.com", "blog.example.com", "www.example.com", "other.org",
                          "third.org"}  # fmt: skip


@pytest.mark.parametrize(
    "path", sorted(WEBGRAPH.glob("*Graph*.vertices.txt.gz")), ids=lambda p: p.name
)
def test_common_crawls_own_fixtures_read_or_are_rejected_as_unsorted(path, tmp_path, capsys):
    (tmp_path / "e.txt").write_text("0\t0\n")
    args = ["ingest-webgraph", str(path), str(tmp_path / "e.txt"), "--crawl-id", "x"]
    status = main([*args, "--data-dir", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()[-1]
    if path.name.startswith("hostGraphNamesNotSorted"):
        assert (status, err) == (
            2,
            f"linkgraph ingest-webgraph: error: {path}: vertices not sorted by reversed name "
            "in byte order: line 3 ('com.example.www,') does not come after 'com.example.xyz,'",
        )
    else:
        assert status == 0, err


def test_common_crawls_ranks_are_an_authority_source(tmp_path, capsys):
    vertices, edges = write_graph(tmp_path / "src", "domain")
    main(["ingest-webgraph", vertices, edges, "--crawl-id", "d", "--data-dir", str(tmp_path)])
    from linkgraph.commands.common import read_authority

    authority = read_authority(str(RANKS))
    assert authority.num_rows == 1000
    first = authority.slice(0, 1).to_pylist()[0]
    assert (first["domain"], first["authority"]) == ("googleapis.com", 100.0)
    status = main(["backlinks", "other.org", str(tmp_path / "d"), "--authority", str(RANKS)])
    assert status == 0
    host_ranks = str(WEBGRAPH / "cc-main-2026-apr-may-jun-host-ranks.top1000.txt.gz")
    assert main(["backlinks", "other.org", str(tmp_path / "d"), "--authority", host_ranks]) == 2
    assert "host-level ranks; authority is joined by domain" in capsys.readouterr().err
