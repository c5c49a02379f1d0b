"""The frontier interface every store implements, and the choice of store for a crawl.

A frontier holds the three pieces of crawl state that must survive a kill and can be shared
between processes: the queue (one queue per host, breadth-first within it), the seen set and
the per-domain budgets, plus each host's politeness (when it may next be fetched, how many of
its URLs are out). The scheduler, the budget middleware and the writer use only the methods
below; ``tests/test_frontier_contract.py`` is the specification every store passes.

Stores: ``sqlite`` (the default; one process; resumable with ``JOBDIR``) and ``redis``
(shared by every process with the same ``crawl_id`` and ``REDIS_URL``), chosen by the
setting ``LINKGRAPH_FRONTIER`` (default: ``redis`` when ``REDIS_URL`` is set, else
``sqlite``). See ``docs/architecture.md`` ("The frontier").
"""

from __future__ import annotations

import os
import re
import socket
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.errors import LinkgraphError

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["BaseFrontier", "DONE", "DROPPED", "QUEUED", "TAKEN", "FrontierSettingError"]

QUEUED, TAKEN, DONE, DROPPED = 0, 1, 2, 3


class FrontierSettingError(LinkgraphError):
    """A frontier setting that cannot be used (an unknown store, a bad REDIS_URL)."""


def worker_id(configured: str | None = None) -> str:
    """This process's worker id: ``LINKGRAPH_WORKER_ID`` when set, else host name and
    process id; only letters, digits, ``.``, ``_`` and ``-`` (it is part of file names).

    >>> worker_id("crawler 1/a")
    'crawler_1_a'
    """
    raw = configured or f"{socket.gethostname()}-{os.getpid()}"
    return re.sub(r"[^A-Za-z0-9._-]", "_", raw)


class BaseFrontier:
    """What every store provides. ``pop`` hands out only URLs whose host is ready:
    its delay since the last fetch has passed and fewer than its concurrency are out."""

    _by_crawler: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
    #: True when the store already held this crawl's state when opened.
    resumed: bool = False
    #: True when other processes may share the store (part names carry the worker id).
    shared: bool = False
    worker: str = ""

    # -- the queue, the seen set, the budgets -------------------------------------------
    def add(self, url: str, depth: int, kind: str = "link") -> bool:
        """Queue ``url`` unless it was ever seen (or its domain's budget is spent); True
        when it was queued."""
        raise NotImplementedError

    def is_seen(self, url: str) -> bool:
        raise NotImplementedError

    def claim(self, key: str) -> bool:
        """True the first time ``key`` is claimed in this crawl by any process sharing the
        store: a fetch that is not a page (a site's sitemap) is made by one worker only.
        This default holds for a store no other process shares; a shared store overrides it."""
        claimed = self.__dict__.setdefault("_claims", set())
        if key in claimed:
            return False
        claimed.add(key)
        return True

    def pop(self) -> tuple[str, int, str] | None:
        """The next URL of a ready host as (url, depth, kind), taken (leased); None when no
        host is ready. Fair across hosts (the one waiting longest goes first), lowest depth
        first within a host."""
        raise NotImplementedError

    def release(self, url: str) -> None:
        """The fetch of ``url`` (handed out by ``pop``) is over: its host may have another
        URL out, once its delay has passed from now."""
        raise NotImplementedError

    def mark(self, urls: Iterable[str], state: int) -> None:
        """``DONE`` (stored: the lease is acknowledged) or ``DROPPED`` (robots.txt or the
        budget said no); never handed out again."""
        raise NotImplementedError

    def take_budget(self, domain: str, limit: int) -> bool:
        """Count one fetch for ``domain``; False (and nothing counted) once it had
        ``limit``. When a domain's budget is spent its queued URLs are dropped at once."""
        raise NotImplementedError

    # -- politeness ---------------------------------------------------------------------
    def set_host_policy(
        self, host: str, delay: float, concurrency: int, keep: bool = False
    ) -> None:
        """``host`` is fetched at most ``concurrency`` at a time, ``delay`` seconds apart
        (with ``keep``: unless it has a policy already)."""
        raise NotImplementedError

    def backoff(self, host: str, seconds: float) -> None:
        """Nothing more of ``host`` for ``seconds`` (429, 503, timeouts)."""
        raise NotImplementedError

    def wait_seconds(self) -> float | None:
        """Seconds until a queued URL's host may be ready; None when nothing is queued."""
        raise NotImplementedError

    # -- leases and the end of a crawl ---------------------------------------------------
    @property
    def pending(self) -> int:
        """URLs queued and not yet handed out (by any process)."""
        raise NotImplementedError

    def leased_elsewhere(self) -> int:
        """URLs other processes hold (the crawl is not over while they do)."""
        return 0

    def heartbeat(self) -> list[tuple[str, str]]:
        """Renew this process's leases; return the expired leases of others as (url,
        worker), for ``reclaim``."""
        return []

    def reclaim(self, leases: Iterable[tuple[str, str]], stored: set[str]) -> int:
        """Queue again the expired leases not in ``stored`` (acknowledge those in it);
        returns how many were queued."""
        return 0

    # -- resuming and durability ---------------------------------------------------------
    def reconcile(self, stored_urls: Iterable[str], stored_per_domain: dict[str, int]) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        raise NotImplementedError

    @property
    def domains(self) -> int:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # -- one per crawl -------------------------------------------------------------------
    @classmethod
    def for_crawler(cls, crawler: Crawler, crawl_id: str | None = None) -> BaseFrontier:
        """The crawl's one frontier, shared by the scheduler, the budget middleware and
        the writer (as ``crawler.stats`` is shared), in the store the settings choose.
        The first call (the spider's) names the crawl: a shared store keys on it."""
        frontier = BaseFrontier._by_crawler.get(crawler)
        if frontier is None:
            frontier = _open_for(crawler, crawl_id)
            BaseFrontier._by_crawler[crawler] = frontier
        return frontier


def store_name(settings) -> str:
    name = (settings.get("LINKGRAPH_FRONTIER") or "").strip().lower()
    if not name:
        name = "redis" if settings.get("REDIS_URL") else "sqlite"
    if name not in ("sqlite", "redis"):
        raise FrontierSettingError(f"-s LINKGRAPH_FRONTIER={name!r}: expected sqlite or redis")
    return name


def _open_for(crawler: Crawler, crawl_id: str | None) -> BaseFrontier:
    settings = crawler.settings
    # Under robots.txt a host's first URL goes alone: its robots.txt may ask for a
    # Crawl-delay (crawler.frontier.politeness sets the host's policy after it).
    policy = {
        "delay": settings.getfloat("DOWNLOAD_DELAY"),
        "concurrency": 1
        if settings.getbool("ROBOTSTXT_OBEY")
        else settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
    }
    if store_name(settings) == "redis":
        from crawler.frontier.redis_store import RedisFrontier

        return RedisFrontier(
            settings.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
            crawl_id or _crawl_id(crawler),
            worker=worker_id(settings.get("LINKGRAPH_WORKER_ID")),
            lease_seconds=settings.getfloat("LINKGRAPH_LEASE_SECONDS"),
            **policy,
        )
    from crawler.frontier.sqlite import SqliteFrontier
    from crawler.joblock import lock_jobdir

    jobdir = settings.get("JOBDIR")
    if jobdir:
        # One process per JOBDIR (the crawl commands took the lock already).
        Path(jobdir).mkdir(parents=True, exist_ok=True)
        lock_jobdir(jobdir)
    return SqliteFrontier(
        Path(jobdir) / "frontier.sqlite" if jobdir else None,
        worker=worker_id(settings.get("LINKGRAPH_WORKER_ID")),
        **policy,
    )


def _crawl_id(crawler: Crawler) -> str:
    spider = getattr(crawler, "spider", None)
    options = getattr(spider, "options", None)
    if options is None:
        raise FrontierSettingError("the Redis frontier needs the crawl's crawl_id")
    return options.crawl_id
