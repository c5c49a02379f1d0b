"""The SQLite frontier store: one process, on disk, resumable with ``JOBDIR``.

Why not Scrapy's own scheduler and dupefilter: with ``JOBDIR`` they keep their state in
pickled disk queues whose head and tail pointers are written only on a clean shutdown, so a
crawl killed with SIGKILL cannot resume. Here the queue and the seen set are one table
(``url`` unique, a state per URL), in ``JOBDIR/frontier.sqlite`` when given or in a
temporary directory (still on disk, so memory does not grow with the frontier: only one
small record per *host* is kept in memory, ``crawler.frontier.hosts.HostClock``).

Durability rule (``docs/architecture.md``, "Stopping and resuming"): the Parquet files are the
truth about which pages were stored. The writer commits the frontier *before* it renames a
batch into place, so the outlinks of every stored page are in the committed frontier; on
resume, URLs taken but not stored go back to the queue, stored URLs are marked done, and
budgets are recounted from the stored pages. A URL is therefore stored exactly once.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from crawler.frontier.base import DONE, DROPPED, QUEUED, TAKEN, BaseFrontier
from crawler.frontier.hosts import HostClock
from crawler.urls import host_of, registered_domain

__all__ = ["SqliteFrontier"]


class SqliteFrontier(BaseFrontier):
    """Per-host queues (breadth-first within a host: lowest depth first, then first come),
    seen set and per-registered-domain fetch budgets of one crawl, in SQLite."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        worker: str = "local",
        delay: float = 0.0,
        concurrency: int = 0,
    ) -> None:
        self._tmpdir = None
        if path is None:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="linkgraph-frontier-")
            path = Path(self._tmpdir.name) / "frontier.sqlite"
        self.path = Path(path)
        self.worker = worker
        self.resumed = self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level="DEFERRED", check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS frontier ("
            " id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, depth INTEGER NOT NULL,"
            " kind TEXT NOT NULL, state INTEGER NOT NULL DEFAULT 0, host TEXT)"
        )
        self._migrate()
        self._db.execute(
            "CREATE INDEX IF NOT EXISTS frontier_host_queue ON frontier(host, depth, id)"
            " WHERE state = 0"
        )
        self._db.commit()
        self.clock = HostClock(delay, concurrency)
        self._budgets: dict[str, int] = {}
        self._spent: set[str] = set()
        self._domain_hosts: dict[str, set[str]] = defaultdict(set)
        self._load_queue()

    def _migrate(self) -> None:
        """A frontier from before per-host queues: give its queued URLs their host."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(frontier)")}
        if "host" not in columns:
            self._db.execute("ALTER TABLE frontier ADD COLUMN host TEXT")
        self._db.create_function("lg_host", 1, host_of, deterministic=True)
        self._db.execute("UPDATE frontier SET host = lg_host(url) WHERE host IS NULL")
        self._db.execute("DROP INDEX IF EXISTS frontier_queue")

    def _load_queue(self) -> None:
        self.clock = HostClock(self.clock.delay, self.clock.concurrency)
        now = time.monotonic()
        self._pending = 0
        query = "SELECT host, COUNT(*) FROM frontier WHERE state = ? GROUP BY host"
        for host, count in self._db.execute(query, (QUEUED,)):
            self._domain_hosts[registered_domain(host)].add(host)
            self.clock.queue(host, count, now)
            self._pending += count

    # -- resuming ----------------------------------------------------------------------
    def reconcile(self, stored_urls: Iterable[str], stored_per_domain: dict[str, int]) -> None:
        """Bring the store in line with what was written: taken-but-unstored URLs are queued
        again, stored ones are done, budgets count the stored pages."""
        db = self._db
        db.execute("UPDATE frontier SET state = ? WHERE state = ?", (QUEUED, TAKEN))
        db.executemany(
            "INSERT INTO frontier(url, depth, kind, state, host) VALUES (?, 0, 'stored', ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET state = excluded.state",
            ((url, DONE, host_of(url)) for url in stored_urls),
        )
        db.commit()
        self._budgets = dict(stored_per_domain)
        self._spent.clear()
        self._load_queue()

    # -- the queue and the seen set ----------------------------------------------------
    def add(self, url: str, depth: int, kind: str = "link") -> bool:
        host = host_of(url)
        domain = registered_domain(host)
        spent = domain in self._spent
        cur = self._db.execute(
            "INSERT OR IGNORE INTO frontier(url, depth, kind, state, host) VALUES (?, ?, ?, ?, ?)",
            (url, depth, kind, DROPPED if spent else QUEUED, host),
        )
        if not cur.rowcount or spent:
            return False
        self._domain_hosts[domain].add(host)
        self.clock.queue(host, 1, time.monotonic())
        self._pending += 1
        return True

    def is_seen(self, url: str) -> bool:
        return (
            self._db.execute("SELECT 1 FROM frontier WHERE url = ?", (url,)).fetchone() is not None
        )

    def pop(self) -> tuple[str, int, str] | None:
        host = self.clock.take(time.monotonic())
        if host is None:
            return None
        row = self._db.execute(
            "SELECT id, url, depth, kind FROM frontier WHERE state = ? AND host = ?"
            " ORDER BY depth, id LIMIT 1",
            (QUEUED, host),
        ).fetchone()
        self._db.execute("UPDATE frontier SET state = ? WHERE id = ?", (TAKEN, row[0]))
        self._pending -= 1
        return row[1], row[2], row[3]

    def release(self, url: str) -> None:
        self.clock.release(host_of(url), time.monotonic())

    @property
    def pending(self) -> int:
        return self._pending

    def mark(self, urls: Iterable[str], state: int) -> None:
        self._db.executemany(
            "UPDATE frontier SET state = ? WHERE url = ?", ((state, u) for u in urls)
        )

    # -- politeness ---------------------------------------------------------------------
    def set_host_policy(
        self, host: str, delay: float, concurrency: int, keep: bool = False
    ) -> None:
        if not (keep and self.clock.has_policy(host)):
            self.clock.set_policy(host, delay, concurrency, time.monotonic())

    def backoff(self, host: str, seconds: float) -> None:
        self.clock.backoff(host, seconds, time.monotonic())

    def wait_seconds(self) -> float | None:
        return self.clock.wait_seconds(time.monotonic())

    # -- budgets -------------------------------------------------------------------------
    def take_budget(self, domain: str, limit: int) -> bool:
        used = self._budgets.get(domain, 0)
        if used >= limit:
            self._spend(domain)
            return False
        self._spent.discard(domain)
        self._budgets[domain] = used + 1
        if used + 1 >= limit:
            self._spend(domain)
        return True

    def _spend(self, domain: str) -> None:
        """Drop the queued URLs of a domain whose budget is spent, all at once."""
        if domain in self._spent:
            return
        self._spent.add(domain)
        now = time.monotonic()
        for host in self._domain_hosts.get(domain, ()):
            cur = self._db.execute(
                "UPDATE frontier SET state = ? WHERE state = ? AND host = ?",
                (DROPPED, QUEUED, host),
            )
            if cur.rowcount:
                self._pending -= cur.rowcount
                self.clock.queue(host, -cur.rowcount, now)

    @property
    def domains(self) -> int:
        return len(self._budgets)

    # -- durability ----------------------------------------------------------------------
    def commit(self) -> None:
        """Make every change so far survive a kill (the writer calls it before each batch)."""
        self._db.commit()

    def close(self) -> None:
        """Commit and let go of the store; a frontier opened on it again resumes it."""
        if self._db is not None:
            self._db.commit()
            self._db.close()
            self._db = None
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None
