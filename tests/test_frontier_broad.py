"""Per-host queues on a broad web: a host with a ``Crawl-delay`` and hundreds of pages, a host
whose every answer takes seconds, and dozens of fast sites. The fast sites are crawled in
about the time they take alone, the delayed host keeps its delay (measured at the server),
and no URL is fetched twice. Through ``tests/hostile_server.py`` (``tests/broad_web.py``)."""

from __future__ import annotations

import signal
import time
from collections import Counter

import pytest

from tests.broad_web import BroadWeb, request_times
from tests.fixtures_crawl import read_crawl, start_crawl, wait_until
from tests.hostile_server import HostileServer

pytestmark = pytest.mark.slow

FAST = BroadWeb(fast=30, pages=20)
BROAD = BroadWeb(fast=30, pages=20, delayed=200, delay=1.0, slow=10, slow_seconds=3.0)


def _crawl_until_fast_sites_are_done(web: BroadWeb, data_dir, crawl_id: str):
    """Crawl ``web`` until every fast page was requested, then stop with Ctrl-C. Returns
    (seconds from the first request to the last fast page's, the server, the crawl dir)."""
    with HostileServer() as server:
        web.serve(server)
        proc = start_crawl(
            server.env,
            data_dir,
            "-a",
            "seeds=" + ",".join(web.seeds()),
            "-a",
            f"crawl_id={crawl_id}",
            "-a",
            "max_depth=100",  # which path finds a page first depends on timing
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "LINKGRAPH_FLUSH_SECONDS=0.5",
        )
        fast = set(web.fast_urls())
        try:
            wait_until(lambda: fast <= {url for _, _, url in server.log}, timeout=240)
            # The delayed host keeps going meanwhile: a few more of its gaps.
            time.sleep(3)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=120)
        times = request_times(server, fast)
        first = min(t for t, _, _ in server.log)
    return max(times) - first, server, data_dir / crawl_id


@pytest.fixture(scope="module")
def broad_crawl(tmp_path_factory):
    alone, _, _ = _crawl_until_fast_sites_are_done(FAST, tmp_path_factory.mktemp("alone"), "alone")
    broad, server, crawl_dir = _crawl_until_fast_sites_are_done(
        BROAD, tmp_path_factory.mktemp("broad"), "broad"
    )
    return alone, broad, server, crawl_dir


def test_fast_sites_are_crawled_in_about_the_time_they_take_alone(broad_crawl):
    alone, broad, _, _ = broad_crawl
    assert broad <= 1.5 * alone + 2.0, (alone, broad)


def test_the_delayed_host_keeps_its_crawl_delay_at_the_server(broad_crawl):
    _, broad, server, _ = broad_crawl
    times = request_times(server, BROAD.delayed_urls())
    assert len(times) >= broad / 2  # it was crawled all along, not starved
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.95


def test_the_slow_host_has_no_more_than_its_concurrency_out(broad_crawl):
    _, _, server, _ = broad_crawl
    times = request_times(server, BROAD.slow_urls())
    # At most two at a time, each answered after 3 s: never a third within 3 s.
    assert all(b - a >= 2.9 for a, b in zip(times, times[2:], strict=False))


def test_no_url_is_fetched_twice_and_what_was_fetched_is_stored_once(broad_crawl):
    _, _, server, crawl_dir = broad_crawl
    counts = Counter(url for _, _, url in server.log)
    assert max(counts.values()) == 1
    pages, _ = read_crawl(crawl_dir)
    stored = Counter(pages.column("url").to_pylist())
    assert max(stored.values()) == 1
    assert set(FAST.fast_urls()) <= set(stored)
