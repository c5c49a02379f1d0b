"""The frontier stores the contract suite runs against (``tests/test_frontier_contract.py``).

A store says where a frontier lives, how to open it again there (a resume), and what a
SIGKILL of the crawling process leaves of it. Today there is one, SQLite in a JOBDIR; a
second store (Redis) adds its class here and to ``STORES``, and must pass the same suite.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.frontier import Frontier


class SqliteStore:
    """A ``Frontier`` in ``JOBDIR/frontier.sqlite``, as a crawl with ``-s JOBDIR`` has it."""

    def __init__(self, root: Path) -> None:
        self.path = root / "job" / "frontier.sqlite"

    def open(self) -> Frontier:
        return Frontier(self.path)

    def kill(self, frontier: Frontier) -> None:
        """What a killed process leaves: its connection gone without a commit (SQLite
        rolls back what was not committed; the other process sees only commits)."""
        frontier._db.close()


STORES = {"sqlite": SqliteStore}


@pytest.fixture(params=sorted(STORES))
def frontier_store(request, tmp_path):
    """Each frontier store in turn, empty."""
    return STORES[request.param](tmp_path)
