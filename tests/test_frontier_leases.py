"""Leases of the shared (Redis) frontier: what a worker takes is its own until it stores it
or its lease expires; the crawl is over only when nothing is queued and nobody holds a
lease; a worker restarted with the same id takes its leases back at once."""

from __future__ import annotations

import time

import pytest

from crawler.frontier import DONE
from crawler.frontier.redis_store import RedisFrontier, fingerprint


@pytest.fixture
def shared(redis_url, request):
    """Open workers of one fresh shared crawl: ``shared("w1", lease_seconds=...)``."""
    crawl_id = f"leases-{request.node.name}"
    RedisFrontier(redis_url, crawl_id, worker="cleanup").drop_crawl()
    opened: list[RedisFrontier] = []

    def open_worker(worker: str, **options) -> RedisFrontier:
        frontier = RedisFrontier(redis_url, crawl_id, worker=worker, **options)
        opened.append(frontier)
        return frontier

    yield open_worker
    for frontier in opened:
        frontier.close()


def test_two_workers_share_one_queue_and_one_seen_set(shared):
    one, two = shared("w1"), shared("w2")
    assert one.add("http://a.com/1", 0) and two.add("http://a.com/2", 0)
    assert two.add("http://a.com/1", 3) is False and one.is_seen("http://a.com/2")
    assert {one.pop()[0], two.pop()[0]} == {"http://a.com/1", "http://a.com/2"}
    assert one.pop() is None and two.pop() is None


def test_a_crawl_delay_holds_across_workers(shared):
    one, two = shared("w1"), shared("w2")
    one.set_host_policy("slow.com", 0.5, 1)
    for i in range(3):
        one.add(f"http://slow.com/{i}", 0)
    assert one.pop()[0] == "http://slow.com/0"
    assert two.pop() is None  # one URL of slow.com out, whoever holds it
    one.release("http://slow.com/0")
    assert two.pop() is None  # and half a second between fetches
    time.sleep(0.55)
    assert two.pop()[0] == "http://slow.com/1"


def test_the_crawl_is_not_over_while_another_worker_holds_a_lease(shared):
    one, two = shared("w1"), shared("w2")
    one.add("http://a.com/", 0)
    one.pop()
    assert (two.pending, two.leased_elsewhere()) == (0, 1)
    one.mark(["http://a.com/"], DONE)
    assert two.leased_elsewhere() == 0


def test_a_dead_workers_leases_return_to_the_queue_once_expired_except_what_it_stored(shared):
    dead = shared("dead", lease_seconds=0.3)
    for i in range(3):
        dead.add(f"http://a.com/{i}", 0)
    taken = [dead.pop()[0] for _ in range(3)]
    dead.close()  # SIGKILL: no acknowledgement, no heartbeat
    alive = shared("alive", lease_seconds=0.3)
    assert alive.heartbeat() == []
    time.sleep(0.35)
    expired = alive.heartbeat()
    assert sorted(expired) == [(url, "dead") for url in taken]
    # Its parts show it stored /0 before it died: that one is acknowledged, not fetched again.
    assert alive.reclaim(expired, {"http://a.com/0"}) == 2
    assert alive.leased_elsewhere() == 0
    again = [alive.pop()[0] for _ in range(2)]
    assert again == ["http://a.com/1", "http://a.com/2"] and alive.pop() is None


def test_a_live_workers_heartbeat_keeps_its_leases(shared):
    one = shared("w1", lease_seconds=0.3)
    two = shared("w2", lease_seconds=0.3)
    one.add("http://a.com/", 0)
    one.pop()
    for _ in range(3):
        time.sleep(0.15)
        one.heartbeat()
        assert two.heartbeat() == []


def test_a_worker_restarted_with_the_same_id_takes_its_leases_back_at_once(shared):
    first = shared("w1", lease_seconds=60)
    for i in range(3):
        first.add(f"http://a.com/{i}", 0)
    [first.pop() for _ in range(3)]
    first.close()
    restarted = shared("w1", lease_seconds=60)
    restarted.reconcile(["http://a.com/0"], {"a.com": 1})
    assert restarted.pending == 2 and restarted.leased_elsewhere() == 0
    assert [restarted.pop()[0] for _ in range(2)] == ["http://a.com/1", "http://a.com/2"]


def test_the_seen_set_holds_8_byte_fingerprints_as_integers(shared, redis_url):
    import redis

    one = shared("w1")
    for i in range(1000):
        one.add(f"http://a.com/{i}", 0)
    bucket, fp = fingerprint("http://a.com/7")
    r = redis.Redis.from_url(redis_url)
    key = f"{one.prefix}seen:{bucket}"
    assert r.object("encoding", key) == b"intset"
    assert r.sismember(key, fp)
