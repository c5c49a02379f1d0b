"""``linkgraph ingest``: WARC and WAT files into the pages and edges of a crawl, the same
rows as the crawler makes from the same bytes, idempotently, damaged records counted."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from crawler.archive.ingest import ingest, part_prefix
from crawler.archive.sources import describe
from crawler.rows import page_record
from crawler.writer import CrawlWriter
from linkgraph.cli import main

DATA = Path(__file__).parent / "data"
REAL = [
    DATA / "warc" / "resiliparse-CC-MAIN-2020-34-sample.warc.gz",
    DATA / "warc" / "whirlwind.warc.gz",
    DATA / "warc-archives" / "aut-example-archive.org-2008.warc.gz",
    DATA / "warc-archives" / "whirlwind.warc.wat.gz",
    DATA / "warc-archives" / "whirlwind.warc.wet.gz",
]
URL = "http://www.example.cn/news/index.html"
GB_PAGE = (
    "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
    "<title>新闻</title></head><body><main><p>正文内容足够长，可以当作正文。"
    "<a href='/a.html'>第一条</a> and <a href='http://other.org/' rel='nofollow'>外链</a>"
    "</p></main><footer><a href='../about/'>关于</a></footer></body></html>"
).encode("gb2312")


def warc_record(warc_type: str, uri: str, block: bytes, content_type: str, **fields) -> bytes:
    """One WARC/1.0 record, written out by hand (as any WARC writer does)."""
    head = [
        "WARC/1.0",
        f"WARC-Type: {warc_type}",
        f"WARC-Target-URI: {uri}",
        "WARC-Date: 2020-08-08T17:05:36Z",
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000000>",
        *(f"{k.replace('_', '-')}: {v}" for k, v in fields.items()),
        f"Content-Type: {content_type}",
        f"Content-Length: {len(block)}",
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def http_response(headers: list[tuple[str, str]], body: bytes, status: str = "200 OK") -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def response(uri: str, headers, body: bytes, status: str = "200 OK") -> bytes:
    block = http_response(headers, body, status)
    return warc_record(
        "response", uri, block, "application/http; msgtype=response", WARC_IP_Address="10.1.2.3"
    )


def rows(folder: Path, table: str) -> list[dict]:
    data = ds.dataset(str(folder / table), format="parquet").to_table().to_pylist()
    if table == "pages":
        return sorted(data, key=lambda r: (r["url"], r["fetched_at"]))
    return sorted(data, key=lambda r: (r["src_url"], r["position"]))


def test_a_warc_record_and_a_live_response_of_the_same_bytes_give_the_same_rows(tmp_path):
    headers = [("Content-Type", "text/html"), ("X-Robots-Tag", "noarchive")]
    (tmp_path / "one.warc").write_bytes(response(URL, headers, GB_PAGE))
    ingest([str(tmp_path / "one.warc")], tmp_path / "a", "a")
    live = CrawlWriter(tmp_path / "live", "a")
    page, links = page_record(
        URL, 200, headers, GB_PAGE, depth=None, fetched_at=1596906336000, ip="10.1.2.3"
    )
    live.add_page(page, links)
    live.close()
    assert rows(tmp_path / "a", "pages") == rows(tmp_path / "live", "pages")
    assert rows(tmp_path / "a", "edges") == rows(tmp_path / "live", "edges")
    assert [(e["dst_url"], e["anchor"], e["nofollow"]) for e in rows(tmp_path / "a", "edges")] == [
        ("http://www.example.cn/a.html", "第一条", False),
        ("http://other.org/", "外链", True),
        ("http://www.example.cn/about/", "关于", False),
    ]


def test_framing_is_undone_only_where_the_headers_still_say_so(tmp_path):
    html = b"<html><body><a href='/x'>x</a></body></html>"
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(html), html)
    records = [
        # Common Crawl: already decoded, the original headers renamed.
        response(
            "http://cc.example/",
            [("Content-Type", "text/html"), ("X-Crawler-Content-Encoding", "gzip"),
             ("X-Crawler-Transfer-Encoding", "chunked")],
            html,
        ),
        # As received from the wire: chunked, gzipped.
        response(
            "http://wire.example/",
            [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked"),
             ("Content-Encoding", "gzip")],
            b"%x\r\n%s\r\n0\r\n\r\n" % (len(gzip.compress(html)), gzip.compress(html)),
        ),
        response("http://chunks.example/", [("Content-Type", "text/html"),
                                            ("Transfer-Encoding", "chunked")], chunked),
        # Claims to be chunked but is not: read as it is, as a browser does.
        response("http://liar.example/", [("Content-Type", "text/html"),
                                          ("Transfer-Encoding", "chunked")], html),
    ]  # fmt: skip
    (tmp_path / "f.warc.gz").write_bytes(b"".join(gzip.compress(r) for r in records))
    meta = ingest([str(tmp_path / "f.warc.gz")], tmp_path / "out", "out")
    assert meta["records"]["malformed"] == 0
    assert sorted((e["src_url"], e["dst_url"]) for e in rows(tmp_path / "out", "edges")) == [
        (f"http://{h}.example/", f"http://{h}.example/x") for h in ("cc", "chunks", "liar", "wire")
    ]
    assert {p["bytes"] for p in rows(tmp_path / "out", "pages")} == {len(html)}


def test_a_damaged_record_is_counted_and_the_records_after_it_are_read(tmp_path):
    good = response(URL, [("Content-Type", "text/html")], b"<a href='/ok'>ok</a>")
    damaged = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: nonsense\r\n\r\nxx\r\n\r\n"
    later = response("http://later.example/", [("Content-Type", "text/html")], b"<a href=/b>b</a>")
    (tmp_path / "d.warc.gz").write_bytes(b"".join(gzip.compress(r) for r in (good, damaged, later)))
    meta = ingest([str(tmp_path / "d.warc.gz")], tmp_path / "out", "out")
    # FastWARC reads the damaged header as a record without a URI, then fails on its body.
    records = meta["records"]
    assert (records["read"], records["pages"], records["malformed"]) == (3, 2, 1)
    assert meta["inputs"][0]["records"]["malformed_examples"] == [
        "at byte 255: Invalid WARC header"
    ]
    assert [p["url"] for p in rows(tmp_path / "out", "pages")] == [
        "http://later.example/",
        URL,
    ]


def test_the_real_archives_ingest_without_error_and_say_what_they_held(tmp_path):
    meta = ingest([str(p) for p in REAL], tmp_path / "real", "real", jobs=2)
    assert meta["status"] == "finished"
    assert (meta["records"]["read"], meta["records"]["pages"], meta["records"]["malformed"]) == (
        880,
        278,
        0,
    )
    assert meta["records"]["skipped"] == {
        "WAT entry of a request record": 1,
        "conversion (text, no links)": 1,
        "metadata (not WAT)": 278,
        "not an http(s) URL": 38,
        "request": 279,
        "warcinfo": 5,
    }
    assert meta["output"] == {"pages_written": 278, "edges_written": 39_397}
    by_name = {Path(e["source"]).name: e for e in meta["inputs"]}
    assert by_name["whirlwind.warc.gz"]["sha256"] == describe(str(REAL[1])).sha256
    assert by_name["whirlwind.warc.wat.gz"]["format"] == "warc"  # a WAT of requests only
    titles = {p["url"]: p["title"] for p in rows(tmp_path / "real", "pages")}
    # Charsets declared in HTTP (windows-1251, gb2312) and in <meta> only (gbk).
    assert titles["http://01spb.ru/company/"] == "О компании - Стратегия пожарной безопасности"
    assert titles["http://0760.jxtdw.com/area/sanxiang/"].startswith("三乡招聘|三乡人才市场")
    assert titles["http://041696.com/15477/list_6_4.html"].endswith("_主页")


def test_ingesting_the_same_files_again_stores_no_row_twice(tmp_path, capsys):
    files = [str(p) for p in REAL[:2]]
    first = ingest(files, tmp_path / "x", "x")
    pages, edges = rows(tmp_path / "x", "pages"), rows(tmp_path / "x", "edges")
    # A killed run leaves a file's parts without its crawl.json entry: redone whole.
    crawl_json = tmp_path / "x" / "crawl.json"
    meta = json.loads(crawl_json.read_text())
    meta["inputs"] = meta["inputs"][:1]
    crawl_json.write_text(json.dumps(meta))
    assert main(["ingest", *files, files[0], "--crawl-id", "x", "--data-dir", str(tmp_path)]) == 0
    assert (rows(tmp_path / "x", "pages"), rows(tmp_path / "x", "edges")) == (pages, edges)
    again = json.loads(crawl_json.read_text())
    assert again["output"] == first["output"]
    assert "1 of 2 files already ingested here" in capsys.readouterr().err
    assert len(list((tmp_path / "x" / "pages").glob(f"{part_prefix(first['inputs'][1]['key'])}-*")))


def test_ingest_refuses_a_directory_that_holds_a_crawl(tmp_path, capsys):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "crawl.json").write_text('{"crawl_id": "c", "runs": []}')
    status = main(["ingest", str(REAL[1]), "--crawl-id", "c", "--data-dir", str(tmp_path)])
    assert status == 2
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("already holds a crawl, not archives ingest; choose another --crawl-id")
    )


def test_a_missing_input_is_one_line_naming_it(tmp_path, capsys):
    status = main(["ingest", "/no/such.warc.gz", "--crawl-id", "m", "--data-dir", str(tmp_path)])
    assert (status, capsys.readouterr().err.strip()) == (
        2,
        "linkgraph ingest: error: /no/such.warc.gz: no such file",
    )


@pytest.mark.parametrize("level", ["host", "domain"])
def test_placement_unknown_is_its_own_placement_in_the_graph_code(level):
    import pyarrow as pa

    from graph.links import Links, flags_from_columns, placements_of

    flags = flags_from_columns(
        *(pa.array(v) for v in (["a", "a"], [False, False], [False] * 2, [False] * 2,
                                ["unknown", "content"]))
    )  # fmt: skip
    assert placements_of(flags).tolist() == ["unknown", "content"]
    assert len(Links.from_codes(["a", "b"], [0, 1], [1, 0], flags, level=level)) == 2
