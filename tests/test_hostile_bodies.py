"""Bodies a hostile server sends: too large, endless, a gzip bomb, a lying Content-Length,
a byte at a time. Every URL the crawl tried leaves a ``pages`` row saying what happened
(only robots.txt and the domain budget drop a URL without one), asserted at the server
and in the Parquet. One crawl through ``tests/hostile_server.py`` with a 100 kB cap."""

from __future__ import annotations

import json

import pytest

from tests.fixtures_crawl import read_crawl, run_crawl
from tests.hostile_server import Answer, HostileServer, gzip_bomb, page

pytestmark = pytest.mark.slow

CAP = 100_000
HTML = (("Content-Type", "text/html"),)
BOMB = gzip_bomb(20_000_000)
BODIES = {
    "http://body.test/declared": page("<p>" + "x" * 300_000 + "</p>"),
    "http://body.test/endless": Answer(200, HTML, b"<p>and on </p>", endless=True),
    "http://body.test/bomb": BOMB,
    "http://body.test/short": Answer(200, HTML, b"<p>cut</p>", declared_length=1_000),
    "http://body.test/long": Answer(200, HTML, b"<p>ok</p>" + b"x" * 1_000, declared_length=9),
    "http://body.test/trickle": Answer(200, HTML, b"<p>" + b"x" * 1_000 + b"</p>", trickle=0.01),
    "http://body.test/dropped": Answer(drop=True),
    "http://body.test/fine": page("<html><title>fine</title></html>"),
    "http://body.test/binary": Answer(
        200,
        (("Content-Type", "text/html; charset=utf-8"),),
        b"<html><title>caf\xe9\x00 \xff</title><a href='/fine'>a\x00b\xfe</a></html>",
    ),
    "http://body.test/schemes": page(
        "<a href='ftp://body.test/f'>f</a><a href='file:///etc/passwd'>p</a>"
        "<a href='data:text/html,hi'>d</a><a href='javascript:alert(1)'>j</a>"
        "<a href='mailto:a@body.test'>m</a>"
    ),
}


@pytest.fixture(scope="module")
def bodies_crawl(tmp_path_factory):
    """(server, pages rows by URL, crawl.json with the edges rows under "edges") of one
    crawl of every body case."""
    data_dir = tmp_path_factory.mktemp("bodies")
    with HostileServer() as server:
        for url, answer in BODIES.items():
            server.route(url, answer)
        run_crawl(
            server.env,
            data_dir,
            "-a",
            "seeds=" + ",".join(BODIES),
            "-a",
            "crawl_id=bodies",
            "-s",
            f"DOWNLOAD_MAXSIZE={CAP}",
            "-s",
            "DOWNLOAD_TIMEOUT=1",
            "-s",
            "RETRY_TIMES=0",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            timeout=120,
        )
    pages, edges = read_crawl(data_dir / "bodies")
    meta = json.loads((data_dir / "bodies" / "crawl.json").read_text())
    meta["edges"] = edges.to_pylist()
    return server, {r["url"]: r for r in pages.to_pylist()}, meta


def _row(pages: dict, url: str) -> tuple:
    row = pages[url]
    return row["status"], row["error"], row["bytes"]


def test_every_url_tried_has_one_row(bodies_crawl):
    server, pages, meta = bodies_crawl
    assert sorted(pages) == sorted(BODIES)
    assert {url: server.requested(url) >= 1 for url in BODIES} == dict.fromkeys(BODIES, True)
    assert meta["stats"]["linkgraph/pages"] == len(BODIES)


def test_a_body_declared_over_the_cap_is_too_large_and_not_read(bodies_crawl):
    _, pages, _ = bodies_crawl
    assert _row(pages, "http://body.test/declared") == (None, "too large", 0)


def test_an_endless_body_without_content_length_is_too_large_with_the_bytes_received(
    bodies_crawl,
):
    _, pages, _ = bodies_crawl
    status, error, received = _row(pages, "http://body.test/endless")
    assert (status, error) == (None, "too large")
    assert CAP <= received < CAP + 256 * 1024


def test_a_gzip_bomb_is_a_too_large_row_with_the_compressed_bytes_received(bodies_crawl):
    server, pages, _ = bodies_crawl
    assert _row(pages, "http://body.test/bomb") == (None, "too large", len(BOMB.body))
    assert len(BOMB.body) < CAP < 20_000_000
    assert server.requested("http://body.test/bomb") == 1


def test_a_body_shorter_than_its_content_length_is_a_lost_connection(bodies_crawl):
    _, pages, _ = bodies_crawl
    assert _row(pages, "http://body.test/short") == (None, "connection lost", None)


def test_a_body_longer_than_its_content_length_is_read_as_long_as_declared(bodies_crawl):
    _, pages, _ = bodies_crawl
    assert _row(pages, "http://body.test/long") == (200, None, 9)


def test_a_body_sent_a_byte_at_a_time_times_out(bodies_crawl):
    _, pages, _ = bodies_crawl
    assert _row(pages, "http://body.test/trickle") == (None, "timeout", None)


def test_a_dropped_connection_is_a_lost_connection(bodies_crawl):
    _, pages, _ = bodies_crawl
    assert _row(pages, "http://body.test/dropped") == (None, "connection lost", None)


def test_the_errors_are_counted_in_crawl_json(bodies_crawl):
    _, _, meta = bodies_crawl
    stats = meta["stats"]
    assert (stats["linkgraph/error/too large"], stats["linkgraph/error/connection lost"]) == (3, 2)
    assert (stats["linkgraph/error/timeout"], stats["linkgraph/errors"]) == (1, 6)


def test_invalid_utf8_and_nul_bytes_are_stored_replaced(bodies_crawl):
    _, pages, meta = bodies_crawl
    assert pages["http://body.test/binary"]["title"] == "caf\ufffd\ufffd \ufffd"
    anchors = [e["anchor"] for e in meta["edges"] if e["src_url"] == "http://body.test/binary"]
    assert anchors == ["ab\ufffd"]


def test_links_to_other_schemes_are_never_requested(bodies_crawl):
    server, pages, meta = bodies_crawl
    assert [url for _, _, url in server.log if not url.startswith("http://")] == []
    assert [url for url in pages if not url.startswith("http://")] == []
    assert pages["http://body.test/schemes"]["outlinks"] == 0
