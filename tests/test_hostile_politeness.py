"""Politeness that always ends: a ``Crawl-delay`` of 100000 s is crawled at
``LINKGRAPH_MAX_CRAWL_DELAY``; a crawl waiting on a host's delay still writes its pages
(on a timer) and stops at the first Ctrl-C or SIGTERM, with what it fetched stored,
crawl.json saying ``interrupted`` and the URLs it did not send queued again on resume.
Through ``tests/hostile_server.py``, asserted at the server and in the Parquet."""

from __future__ import annotations

import json
import signal

import pytest

from tests.fixtures_crawl import read_crawl, run_crawl, start_crawl, wait_until
from tests.hostile_server import HostileServer, links, page, robots

pytestmark = pytest.mark.slow

FOREVER = robots("User-agent: *\nCrawl-delay: 100000\n")


def _meta(crawl_dir) -> dict:
    return json.loads((crawl_dir / "crawl.json").read_text())


def test_a_crawl_delay_over_the_cap_is_crawled_at_the_cap_and_the_crawl_ends(tmp_path):
    urls = [f"http://delay.test/{i}" for i in range(1, 4)]
    with HostileServer() as server:
        server.route("http://delay.test/robots.txt", FOREVER)
        for url in urls:
            server.route(url, page("<html></html>"))
        run_crawl(
            server.env,
            tmp_path,
            "-a",
            "seeds=" + ",".join(urls),
            "-a",
            "crawl_id=capped",
            "-s",
            "LINKGRAPH_MAX_CRAWL_DELAY=1",
            timeout=120,
        )
    times = [t for t, _, url in server.log if url in urls]
    assert len(times) == 3
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.95
    meta = _meta(tmp_path / "capped")
    record = meta["robots"]["http://delay.test"]
    assert (meta["status"], record["crawl_delay"], record["delay"]) == ("finished", 100000.0, 1.0)
    assert meta["stats"]["linkgraph/robots/delay_capped"] == 1
    assert meta["settings"]["LINKGRAPH_MAX_CRAWL_DELAY"] == "1"


def _waiting_web(server: HostileServer) -> None:
    """seed.test links its /b and two pages of wait.test, which asks for 100000 s between
    requests: once its robots.txt is read, its pages wait their turn for ever."""
    server.route("http://seed.test/", links("/b", "http://wait.test/1", "http://wait.test/2"))
    server.route("http://seed.test/b", page("<html></html>"))
    server.route("http://wait.test/robots.txt", FOREVER)
    server.route("http://wait.test/1", page("<html></html>"))
    server.route("http://wait.test/2", page("<html></html>"))


def _stored(crawl_dir) -> list[str]:
    if not list((crawl_dir / "pages").glob("part-*.parquet")):
        return []
    return sorted(read_crawl(crawl_dir)[0].column("url").to_pylist())


SEED_PAGES = ["http://seed.test/", "http://seed.test/b"]
ALL_PAGES = [*SEED_PAGES, "http://wait.test/1", "http://wait.test/2"]


def test_pages_are_written_on_a_timer_while_no_page_arrives(tmp_path):
    crawl_dir = tmp_path / "timer"
    args = ["-a", "seeds=http://seed.test/", "-a", "crawl_id=timer"]
    with HostileServer() as server:
        _waiting_web(server)
        proc = start_crawl(
            server.env,
            tmp_path,
            *args,
            "-s",
            "LINKGRAPH_FLUSH_SECONDS=2",
            "-s",
            "LINKGRAPH_MAX_CRAWL_DELAY=100000",
        )
        try:
            # Both seed pages come within 2 s of the crawl's start, then no page comes.
            wait_until(lambda: _stored(crawl_dir) == SEED_PAGES or proc.poll() is not None, 60)
            assert proc.poll() is None, "the crawl is still waiting on wait.test's delay"
        finally:
            proc.kill()
            proc.wait()
    assert _meta(crawl_dir)["output"]["pages_written"] == 2


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_first_signal_stops_a_crawl_waiting_on_a_delay_and_resuming_sends_the_rest(
    tmp_path, signum
):
    crawl_dir = tmp_path / "wait"
    args = [
        "-a",
        "seeds=http://seed.test/",
        "-a",
        "crawl_id=wait",
        "-s",
        f"JOBDIR={tmp_path / 'job'}",
    ]
    with HostileServer() as server:
        _waiting_web(server)
        proc = start_crawl(server.env, tmp_path, *args, "-s", "LINKGRAPH_MAX_CRAWL_DELAY=100000")
        try:
            # Both seed pages fetched, wait.test's waiting for their turn.
            wanted = ("http://wait.test/robots.txt", "http://seed.test/b")
            wait_until(lambda: all(server.requested(url) for url in wanted), 60)
            proc.send_signal(signum)
            assert proc.wait(timeout=60) == 1
        finally:
            proc.kill()
        meta = _meta(crawl_dir)
        assert (meta["status"], meta["reason"]) == ("interrupted", "shutdown")
        assert server.requests_to("wait.test") == ["http://wait.test/robots.txt"]
        assert _stored(crawl_dir) == SEED_PAGES
        # What was not sent is queued again: the resumed crawl fetches it, and only it.
        run_crawl(server.env, tmp_path, *args, "-s", "LINKGRAPH_MAX_CRAWL_DELAY=0.1", timeout=120)
    assert _stored(crawl_dir) == ALL_PAGES
    assert [server.requested(u) for u in ALL_PAGES] == [1, 1, 1, 1]
    assert _meta(crawl_dir)["status"] == "finished"
