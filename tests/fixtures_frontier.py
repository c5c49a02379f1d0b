"""The frontier stores the contract suite runs against (``tests/test_frontier_contract.py``).

A store says where a frontier lives, how to open it again there (a resume), and what a
SIGKILL of the crawling process leaves of it: SQLite in a JOBDIR, and Redis (a real
``redis-server``, fixture ``redis_url``), each passing the same suite.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from crawler.frontier import BaseFrontier, Frontier
from crawler.frontier.redis_store import RedisFrontier

_crawls = itertools.count()


class SqliteStore:
    """A ``Frontier`` in ``JOBDIR/frontier.sqlite``, as a crawl with ``-s JOBDIR`` has it."""

    def __init__(self, root: Path, request) -> None:
        self.path = root / "job" / "frontier.sqlite"

    def open(self, **policy) -> BaseFrontier:
        return Frontier(self.path, **policy)

    def kill(self, frontier: Frontier) -> None:
        """What a killed process leaves: its connection gone without a commit (SQLite
        rolls back what was not committed; the other process sees only commits)."""
        frontier._db.close()


class RedisStore:
    """A ``RedisFrontier`` of a crawl of its own in the test Redis, as worker ``w1``."""

    def __init__(self, root: Path, request) -> None:
        self.url = request.getfixturevalue("redis_url")
        self.crawl_id = f"contract-{next(_crawls)}"
        RedisFrontier(self.url, self.crawl_id, worker="w0").drop_crawl()

    def open(self, worker: str = "w1", **policy) -> BaseFrontier:
        return RedisFrontier(self.url, self.crawl_id, worker=worker, **policy)

    def kill(self, frontier: RedisFrontier) -> None:
        """What a killed process leaves: every step it took is in Redis already; its
        connection is gone and its leases stay until they expire."""
        frontier._r.close()


STORES = {"sqlite": SqliteStore, "redis": RedisStore}


@pytest.fixture(params=sorted(STORES))
def frontier_store(request, tmp_path):
    """Each frontier store in turn, empty."""
    return STORES[request.param](tmp_path, request)
