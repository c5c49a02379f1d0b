"""The crawl frontier: queue, seen set and per-domain budgets in one store, and the Scrapy
scheduler that serves requests from it.

Why not Scrapy's own scheduler and dupefilter: with ``JOBDIR`` they keep their state in
pickled disk queues whose head and tail pointers are written only on a clean shutdown, so a
crawl killed with SIGKILL cannot resume; and their state is private to one process. Here
the three pieces of crawl state that must survive a kill and, later, be shared between
machines live behind one small interface (``Frontier``): ``add`` (the seen set and the
queue), ``is_seen``, ``pop``, ``mark``, ``take_budget``, ``reconcile``, ``commit``,
``pending``, ``domains``, ``close``. Today's store is SQLite, in ``JOBDIR`` when given
(resumable) or in a temporary directory (still disk-backed, so memory does not grow with
the frontier); a Redis store implements the same methods and must pass the same contract
suite (``tests/test_frontier_contract.py``).

Durability rule (``docs/architecture.md``, "Stopping and resuming"): the Parquet files are the
truth about which pages were stored. The writer commits the frontier *before* it renames a
batch into place, so the outlinks of every stored page are in the committed frontier; on
resume, URLs taken but not stored go back to the queue, stored URLs are marked done, and
budgets are recounted from the stored pages. A URL is therefore stored exactly once.
"""

from __future__ import annotations

import logging
import sqlite3
import tempfile
import weakref
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import Request

from crawler.joblock import lock_jobdir

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.spiders import Spider

__all__ = ["Frontier", "FrontierScheduler", "QUEUED", "TAKEN", "DONE", "DROPPED"]

logger = logging.getLogger(__name__)

QUEUED, TAKEN, DONE, DROPPED = 0, 1, 2, 3
_POP_BATCH = 64


class Frontier:
    """URL queue (breadth-first: lowest depth first, first come first served within a depth),
    seen set and per-registered-domain fetch budgets of one crawl."""

    _by_crawler: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __init__(self, path: str | Path | None = None) -> None:
        self._tmpdir = None
        if path is None:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="linkgraph-frontier-")
            path = Path(self._tmpdir.name) / "frontier.sqlite"
        self.path = Path(path)
        self.resumed = self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level="DEFERRED", check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS frontier ("
            " id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, depth INTEGER NOT NULL,"
            " kind TEXT NOT NULL, state INTEGER NOT NULL DEFAULT 0)"
        )
        self._db.execute(
            "CREATE INDEX IF NOT EXISTS frontier_queue ON frontier(depth, id) WHERE state = 0"
        )
        self._db.commit()
        self._ready: deque[tuple[str, int, str]] = deque()
        self._budgets: dict[str, int] = {}
        self._pending = self._count(QUEUED)

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> Frontier:
        """The crawl's one frontier, shared by the scheduler, the budget middleware and the
        writer (as ``crawler.stats`` is shared)."""
        frontier = cls._by_crawler.get(crawler)
        if frontier is None:
            jobdir = crawler.settings.get("JOBDIR")
            if jobdir:
                # One process per JOBDIR (the crawl commands took the lock already).
                Path(jobdir).mkdir(parents=True, exist_ok=True)
                lock_jobdir(jobdir)
            frontier = cls(Path(jobdir) / "frontier.sqlite" if jobdir else None)
            cls._by_crawler[crawler] = frontier
        return frontier

    # -- resuming ----------------------------------------------------------------------
    def reconcile(self, stored_urls: Iterable[str], stored_per_domain: dict[str, int]) -> None:
        """Bring the store in line with what was written: taken-but-unstored URLs are queued
        again, stored ones are done, budgets count the stored pages."""
        db = self._db
        db.execute("UPDATE frontier SET state = ? WHERE state = ?", (QUEUED, TAKEN))
        db.executemany(
            "INSERT INTO frontier(url, depth, kind, state) VALUES (?, 0, 'stored', ?)"
            " ON CONFLICT(url) DO UPDATE SET state = excluded.state",
            ((url, DONE) for url in stored_urls),
        )
        db.commit()
        # Handed out of the store but not yet to the crawl: queued again just above.
        self._ready.clear()
        self._budgets = dict(stored_per_domain)
        self._pending = self._count(QUEUED)

    def _count(self, state: int) -> int:
        query = "SELECT COUNT(*) FROM frontier WHERE state = ?"
        return self._db.execute(query, (state,)).fetchone()[0]

    # -- the queue and the seen set ----------------------------------------------------
    def add(self, url: str, depth: int, kind: str = "link") -> bool:
        """Queue ``url`` unless it was ever seen; True when it was new."""
        cur = self._db.execute(
            "INSERT OR IGNORE INTO frontier(url, depth, kind) VALUES (?, ?, ?)", (url, depth, kind)
        )
        if cur.rowcount:
            self._pending += 1
            return True
        return False

    def is_seen(self, url: str) -> bool:
        """Was ``url`` ever added (or stored), whatever its state?"""
        return (
            self._db.execute("SELECT 1 FROM frontier WHERE url = ?", (url,)).fetchone() is not None
        )

    def pop(self) -> tuple[str, int, str] | None:
        """The next URL to fetch as (url, depth, kind), marked taken; None when empty."""
        if not self._ready:
            rows = self._db.execute(
                "SELECT id, url, depth, kind FROM frontier WHERE state = ?"
                " ORDER BY depth, id LIMIT ?",
                (QUEUED, _POP_BATCH),
            ).fetchall()
            if not rows:
                return None
            self._db.executemany(
                "UPDATE frontier SET state = ? WHERE id = ?", ((TAKEN, r[0]) for r in rows)
            )
            self._ready.extend((r[1], r[2], r[3]) for r in rows)
        self._pending -= 1
        return self._ready.popleft()

    @property
    def pending(self) -> int:
        """URLs queued and not yet handed out."""
        return self._pending

    def mark(self, urls: Iterable[str], state: int) -> None:
        """Set the state of URLs handed out: ``DONE`` (stored) or ``DROPPED`` (robots.txt or
        the budget said no). Neither is ever handed out again."""
        self._db.executemany(
            "UPDATE frontier SET state = ? WHERE url = ?", ((state, u) for u in urls)
        )

    # -- budgets -------------------------------------------------------------------------
    def take_budget(self, domain: str, limit: int) -> bool:
        """Count one fetch for ``domain``; False (and nothing counted) once it had ``limit``."""
        used = self._budgets.get(domain, 0)
        if used >= limit:
            return False
        self._budgets[domain] = used + 1
        return True

    @property
    def domains(self) -> int:
        """Registered domains fetched from so far."""
        return len(self._budgets)

    # -- durability ----------------------------------------------------------------------
    def commit(self) -> None:
        """Make every change so far survive a kill (the writer calls it before each batch)."""
        self._db.commit()

    def close(self) -> None:
        """Commit and let go of the store; a frontier opened on it again resumes it."""
        if self._db is not None:
            # Taken from the store in a batch but never handed out: still queued.
            self._db.executemany(
                "UPDATE frontier SET state = ? WHERE url = ? AND state = ?",
                ((QUEUED, url, TAKEN) for url, _, _ in self._ready),
            )
            self._ready.clear()
            self._db.commit()
            self._db.close()
            self._db = None
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None


class FrontierScheduler:
    """Scrapy scheduler over a ``Frontier`` (setting ``SCHEDULER``).

    Requests are stored as (normalised URL, depth, kind) and rebuilt on the way out, so the
    frontier holds strings, not pickled objects, and a different store can hold it.
    Requests with ``dont_filter`` (retries) stay in memory: if the crawl dies, their URL is
    still taken in the frontier and goes back to the queue on resume.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.frontier = Frontier.for_crawler(crawler)
        self._retries: deque[Request] = deque()
        self.spider: Spider | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        return cls(crawler)

    def open(self, spider: Spider) -> None:
        self.spider = spider
        prepare = getattr(spider, "prepare_frontier", None)
        if prepare is not None:
            prepare(self.frontier)

    def close(self, reason: str) -> None:
        self.frontier.close()

    def has_pending_requests(self) -> bool:
        return bool(self._retries) or self.frontier.pending > 0

    def __len__(self) -> int:
        return len(self._retries) + self.frontier.pending

    def enqueue_request(self, request: Request) -> bool:
        if request.dont_filter:
            self._retries.append(request)
            self.stats.inc_value("scheduler/enqueued/memory")
            return True
        meta = request.meta
        url = meta.get("lg_url") or request.url
        if not self.frontier.add(url, meta.get("depth", 0), meta.get("lg_kind", "link")):
            self.stats.inc_value("dupefilter/filtered")
            return False
        self.stats.inc_value("scheduler/enqueued/frontier")
        return True

    def next_request(self) -> Request | None:
        if self._retries:
            return self._retries.popleft()
        item = self.frontier.pop()
        if item is None:
            return None
        url, depth, kind = item
        self.stats.inc_value("scheduler/dequeued/frontier")
        return self.spider.make_request(url, depth, kind)
