"""Shared crawls: several ``scrapy crawl seeds`` processes with the same ``crawl_id`` and
``-s REDIS_URL`` share one frontier. Together they crawl what one process crawls, no URL
twice, with a host's ``Crawl-delay`` held across all of them (measured at the server); one
killed with SIGKILL loses nothing and stores nothing twice; one restarted with the same
worker id takes its URLs back at once. A real ``redis-server`` (fixture ``redis_url``)."""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest

from crawler.frontier.redis_store import RedisFrontier
from tests.broad_web import BroadWeb, request_times
from tests.fixtures_crawl import edge_keys, read_crawl, run_crawl, start_crawl, wait_until
from tests.hostile_server import HostileServer

pytestmark = pytest.mark.slow

# Fast pages answer in 0.1 s and each worker has 4 requests in flight at most, so one worker
# cannot take the whole web before the other has started: both share the work.
WEB = BroadWeb(fast=8, pages=15, delayed=15, delay=0.5, page_delay=0.1)
SLOW_WEB = BroadWeb(fast=6, pages=21, page_delay=0.4)
# A deep max_depth: which path finds a page first (its depth) depends on timing.
FAST = (
    "-a",
    "max_depth=100",
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "LINKGRAPH_FLUSH_SECONDS=0.3",
)
BATCHES = ("-s", "LINKGRAPH_BATCH_PAGES=10")


def _args(web: BroadWeb, crawl_id: str, *more: str) -> list[str]:
    return ["-a", "seeds=" + ",".join(web.seeds()), "-a", f"crawl_id={crawl_id}", *FAST, *more]


def _worker(redis_url: str, worker: str, *more: str) -> list[str]:
    return ["-s", f"REDIS_URL={redis_url}", "-s", f"LINKGRAPH_WORKER_ID={worker}", *more]


def _fresh(redis_url: str, crawl_id: str) -> None:
    RedisFrontier(redis_url, crawl_id, worker="cleanup").drop_crawl()


def _stored(crawl_dir) -> Counter:
    pages, _ = read_crawl(crawl_dir)
    return Counter(pages.column("url").to_pylist())


def _fetched(server: HostileServer) -> Counter:
    return Counter(url for _, _, url in server.log if not url.endswith("/robots.txt"))


def _parts_of(crawl_dir, worker: str) -> int:
    return len(list((crawl_dir / "pages").glob(f"part-{worker}-*.parquet")))


@pytest.fixture(scope="module")
def one_process(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("one")
    with HostileServer() as server:
        WEB.serve(server)
        run_crawl(server.env, data_dir, *_args(WEB, "one"), timeout=240)
    return read_crawl(data_dir / "one")


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory, redis_url):
    data_dir = tmp_path_factory.mktemp("two")
    _fresh(redis_url, "two")
    with HostileServer() as server:
        WEB.serve(server)
        procs = [
            start_crawl(
                server.env,
                data_dir,
                *_args(WEB, "two"),
                *_worker(redis_url, w, "-s", "CONCURRENT_REQUESTS=4"),
            )
            for w in ("w1", "w2")
        ]
        statuses = [proc.wait(timeout=240) for proc in procs]
    return statuses, server, data_dir / "two"


def test_two_processes_crawl_what_one_process_crawls(one_process, two_processes):
    statuses, _, crawl_dir = two_processes
    assert statuses == [0, 0], (crawl_dir.parent / "crawl.log").read_text()[-3000:]
    pages, edges = read_crawl(crawl_dir)
    one_pages, one_edges = one_process
    assert sorted(pages.column("url").to_pylist()) == sorted(one_pages.column("url").to_pylist())
    assert edge_keys(edges) == edge_keys(one_edges)
    assert _parts_of(crawl_dir, "w1") and _parts_of(crawl_dir, "w2")


def test_no_url_is_fetched_twice_by_the_two(two_processes):
    _, server, _ = two_processes
    assert max(_fetched(server).values()) == 1


def test_the_crawl_delay_holds_across_both_processes(two_processes):
    _, server, _ = two_processes
    times = request_times(server, WEB.delayed_urls())
    assert len(times) == len(WEB.delayed_urls())
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.475


def test_crawl_json_records_both_workers_without_one_overwriting_the_other(two_processes):
    _, _, crawl_dir = two_processes
    meta = json.loads((crawl_dir / "crawl.json").read_text())
    workers = {w["id"]: w for w in meta["workers"]}
    assert sorted(workers) == ["w1", "w2"]
    assert all(w["status"] == "finished" and w["host"] for w in workers.values())
    assert meta["status"] == "finished"
    stored = sum(_stored(crawl_dir).values())
    assert sum(w["pages_written"] for w in workers.values()) == stored
    assert meta["output"]["pages_written"] == stored


def test_a_worker_killed_mid_crawl_loses_nothing_and_nothing_is_stored_twice(tmp_path, redis_url):
    _fresh(redis_url, "killed")
    crawl_dir = tmp_path / "killed"
    lease = ("-s", "LINKGRAPH_LEASE_SECONDS=2", *BATCHES)
    with HostileServer() as server:
        SLOW_WEB.serve(server)
        args = _args(SLOW_WEB, "killed", *lease)
        doomed = start_crawl(server.env, tmp_path, *args, *_worker(redis_url, "doomed"))
        wait_until(lambda: _parts_of(crawl_dir, "doomed") >= 2)
        survivor = start_crawl(server.env, tmp_path, *args, *_worker(redis_url, "survivor"))
        time.sleep(0.5)
        assert doomed.poll() is None  # killed mid-crawl, holding leases
        doomed.kill()
        doomed.wait()
        assert survivor.wait(timeout=240) == 0
    stored = _stored(crawl_dir)
    assert _parts_of(crawl_dir, "survivor")
    assert set(stored) == set(SLOW_WEB.fast_urls())  # every page, counted at the server too
    pages_fetched = {u for u in _fetched(server) if not u.endswith("/sitemap.xml")}
    assert pages_fetched == set(SLOW_WEB.fast_urls())
    assert max(stored.values()) == 1


def test_a_worker_restarted_with_the_same_id_takes_its_urls_back_at_once(tmp_path, redis_url):
    _fresh(redis_url, "restarted")
    crawl_dir = tmp_path / "restarted"
    # Leases far longer than the test: only taking them back at once lets it finish.
    lease = ("-s", "LINKGRAPH_LEASE_SECONDS=600", *BATCHES)
    with HostileServer() as server:
        SLOW_WEB.serve(server)
        args = [*_args(SLOW_WEB, "restarted", *lease), *_worker(redis_url, "w1")]
        first = start_crawl(server.env, tmp_path, *args)
        wait_until(lambda: _parts_of(crawl_dir, "w1") >= 2)
        first.kill()
        first.wait()
        run_crawl(server.env, tmp_path, *args, timeout=120)
    stored = _stored(crawl_dir)
    assert set(stored) == set(SLOW_WEB.fast_urls()) and max(stored.values()) == 1
    meta = json.loads((crawl_dir / "crawl.json").read_text())
    assert [r["status"] for r in meta["runs"]] == ["interrupted", "finished"]
    assert meta["status"] == "finished"


def test_a_redis_that_does_not_answer_is_one_line_and_exit_status_2(tmp_path):
    from tests.fixtures_crawl import crawl_output

    proc = crawl_output(
        tmp_path, "-a", "seeds=http://a.test/", "-s", "REDIS_URL=redis://127.0.0.1:9/0"
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith("scrapy crawl seeds: error: -s REDIS_URL='redis://127.0.0.1:9/0'")
    assert "Traceback" not in proc.stderr
