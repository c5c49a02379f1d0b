"""The Scrapy scheduler over the crawl's frontier (setting ``SCHEDULER``).

It hands Scrapy a URL only when the URL's host is ready (``BaseFrontier.pop``), so Scrapy's
downloader never holds more requests for a host than the host may have in flight: a host
with a ``Crawl-delay`` or slow answers waits on its own while the others are crawled
(Scrapy's engine stops asking for requests once ``CONCURRENT_REQUESTS`` are "active", and a
request waiting in a download slot for its delay counts as active: one queue for every
host filled every slot with the delayed host's URLs). A host's policy is set from its
robots.txt (``Crawl-delay``: one at a time, that far apart) or the settings
(``CONCURRENT_REQUESTS_PER_DOMAIN``, ``DOWNLOAD_DELAY``); ``crawler.frontier.politeness``
gives each fetched URL back to the frontier and backs off hosts that ask for it.

Requests are stored as (normalised URL, depth, kind) and rebuilt on the way out, so the
frontier holds strings, not pickled objects, and a shared store can hold it. Requests with
``dont_filter`` (retries) stay in memory, holding their host's place, until their host
is ready again: if the crawl dies their URL is still taken (leased) in the frontier and
goes back to the queue on resume (or when its lease expires).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from typing import TYPE_CHECKING

from scrapy import Request, signals
from scrapy.utils.asyncio import create_looping_call

from crawler.frontier.base import BaseFrontier
from crawler.urls import host_of
from crawler.writer import stored_pages, stored_urls_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.spiders import Spider

__all__ = ["FrontierScheduler", "part_prefix"]

logger = logging.getLogger(__name__)

#: The engine asks for requests on its own every 5 s; the scheduler wakes it sooner when
#: a host becomes ready, but not more often than this (seconds).
_MIN_WAKE = 0.05
_MAX_WAKE = 5.0


def part_prefix(frontier: BaseFrontier) -> str:
    """How this process's Parquet parts are named: ``part`` alone, or with the worker id
    in a shared crawl (many processes write into one crawl directory)."""
    return f"part-{frontier.worker}" if frontier.shared else "part"


class FrontierScheduler:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.frontier = BaseFrontier.for_crawler(crawler)
        self.lease_seconds = crawler.settings.getfloat("LINKGRAPH_LEASE_SECONDS")
        self._retries: deque[Request] = deque()
        self._heartbeat = None
        self._wake = None
        self.spider: Spider | None = None
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        return cls(crawler)

    # -- opening and closing -------------------------------------------------------------
    def open(self, spider: Spider) -> None:
        self.spider = spider
        self._resume(spider)
        if self.frontier.shared:
            self._heartbeat = create_looping_call(self.heartbeat)
            self._heartbeat.start(max(self.lease_seconds / 4, 0.2), now=True)

    def _resume(self, spider: Spider) -> None:
        """Bring the frontier in line with what the crawl directory holds (the truth)."""
        out_dir = getattr(spider, "output_dir", None)
        if out_dir is None:
            return
        prefix = part_prefix(self.frontier) if self.frontier.shared else None
        urls, per_domain = stored_pages(out_dir, prefix) if out_dir.exists() else ([], {})
        if urls or self.frontier.resumed:
            self.frontier.reconcile(urls, per_domain)
            logger.info(
                "Resuming crawl %s: %d pages stored, %d URLs queued",
                spider.options.crawl_id,
                len(urls),
                self.frontier.pending,
            )

    def close(self, reason: str) -> None:
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        if self._wake is not None and self._wake.active():
            self._wake.cancel()
        self.frontier.close()

    def heartbeat(self) -> None:
        """Renew this worker's leases; give back to the queue the expired leases of
        workers that died, except what their parts show they stored."""
        expired = self.frontier.heartbeat()
        if not expired:
            return
        out_dir = self.spider.output_dir
        stored: set[str] = set()
        for worker in {w for _, w in expired}:
            prefix = f"part-{worker}"
            stored_pages(out_dir, prefix)  # the dead worker's half-written batch goes
            stored |= stored_urls_of(out_dir, prefix)
        queued = self.frontier.reclaim(expired, stored)
        self.stats.inc_value("linkgraph/leases/reclaimed", queued)
        logger.info("Queued again %d URLs whose worker's lease expired", queued)

    # -- politeness ----------------------------------------------------------------------
    def robots_parsed(self, robotparser, request: Request) -> None:
        """A host's robots.txt asks for a Crawl-delay: its URLs one at a time, that far
        apart, in every process sharing the frontier (``crawler.robots`` capped it)."""
        agent = self.crawler.settings.get("ROBOTSTXT_USER_AGENT") or self.crawler.settings.get(
            "USER_AGENT"
        )
        delay = robotparser.crawl_delay(agent)
        if delay:
            host = host_of(request.url)
            self.frontier.set_host_policy(host, float(delay), 1)

    # -- Scrapy's scheduler interface ----------------------------------------------------
    def has_pending_requests(self) -> bool:
        return (
            bool(self._retries) or self.frontier.pending > 0 or self.frontier.leased_elsewhere() > 0
        )

    def __len__(self) -> int:
        return len(self._retries) + self.frontier.pending

    def enqueue_request(self, request: Request) -> bool:
        if request.dont_filter:
            request.meta["lg_not_before"] = time.monotonic() + request.meta.get("lg_backoff", 0)
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
        if self._retries and self._retries[0].meta.get("lg_not_before", 0) <= time.monotonic():
            return self._retries.popleft()
        item = self.frontier.pop()
        if item is None:
            self._wake_engine_later()
            return None
        url, depth, kind = item
        self.stats.inc_value("scheduler/dequeued/frontier")
        request = self.spider.make_request(url, depth, kind)
        request.meta["lg_out"] = True
        return request

    def _wake_engine_later(self) -> None:
        """Ask the engine again once the next host (or retry) is due, instead of at its
        5-second heartbeat: a Crawl-delay of 1 s must not become 5 s. A timer of our own
        (never the engine's ``nextcall`` with a delay, which would hold back the engine's
        own calls until it fires)."""
        waits = [self.frontier.wait_seconds()]
        if self._retries:
            waits.append(self._retries[0].meta.get("lg_not_before", 0) - time.monotonic())
        due = [w for w in waits if w is not None]
        if not due:
            return
        delay = min(max(min(due), _MIN_WAKE), _MAX_WAKE)
        from twisted.internet import reactor

        if self._wake is not None and self._wake.active():
            if self._wake.getTime() <= reactor.seconds() + delay:
                return
            self._wake.cancel()
        self._wake = reactor.callLater(delay, self._wake_engine)

    def _wake_engine(self) -> None:
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and getattr(slot, "nextcall", None) is not None:
            slot.nextcall.schedule()
