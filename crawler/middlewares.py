"""Downloader middlewares of the polite bot: robots.txt Crawl-delay, a prompt stop and
per-domain budgets.

All sit after ``crawler.robots.RobotsTxtMiddleware`` (priority 100), so a URL that
robots.txt disallows is never delayed for and never takes budget. See ``docs/crawling.md``.
"""

from __future__ import annotations

import logging
import weakref
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.httpobj import urlparse_cached
from twisted.python.failure import Failure

from crawler.frontier import Frontier
from crawler.urls import registered_domain

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

#: Request meta: not a page (a sitemap, a rendered page's subresource): no page budget.
NOT_A_PAGE = "lg_not_a_page"

_crawl_delays: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def crawl_delays(crawler: Crawler) -> dict[str, float]:
    """The crawl's robots.txt Crawl-delay per host (download slot key), seconds."""
    return _crawl_delays.setdefault(crawler, {})


class CrawlDelayMiddleware:
    """Apply robots.txt ``Crawl-delay`` per host, which Scrapy does not do by itself.

    The delay is read when a host's robots.txt is parsed (signal ``robots_parsed``, sent
    by ``crawler.robots.RobotsTxtMiddleware`` with the delay in force, capped at
    ``LINKGRAPH_MAX_CRAWL_DELAY``) and set on that host's download slot before each
    request to it: one request at a time, spaced by at least the delay, with no random
    jitter below it. ``PoliteAutoThrottle`` keeps AutoThrottle from lowering it (both read
    ``crawl_delays(crawler)``).
    """

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        self.crawler = crawler
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get(
            "USER_AGENT"
        )
        self.delays = crawl_delays(crawler)
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelayMiddleware:
        return cls(crawler)

    def robots_parsed(self, robotparser, request: Request) -> None:
        delay = robotparser.crawl_delay(self.user_agent)  # Scrapy's RobotParser interface
        if delay:
            host = urlparse_cached(request).hostname or ""
            self.delays[host] = float(delay)
            self.crawler.stats.set_value(f"linkgraph/crawl_delay/{host}", float(delay))

    def process_request(self, request: Request) -> None:
        if not self.delays:
            return
        delay = self.delays.get(urlparse_cached(request).hostname or "")
        if delay is None:
            return
        downloader = self.crawler.engine.downloader
        _, slot = downloader._get_slot(request)
        slot.concurrency = 1
        slot.jitter = 0
        if slot.delay < delay:
            slot.delay = delay


class NotSent(IgnoreRequest):
    """A request the crawl stopped before sending: its URL stays taken in the frontier,
    so a resumed crawl queues it again (it is neither a page nor dropped)."""


class PromptStopMiddleware:
    """Once the crawl is stopping (the first Ctrl-C or SIGTERM), send nothing more.

    Scrapy's graceful stop waits for every request it holds, and a request waiting in a
    host's download slot for its delay (``Crawl-delay``, AutoThrottle) is held until the
    delay has passed: minutes, or for ever. Here those requests end at once as ``NotSent``,
    and so does any request that reaches the downloader after the stop began; what is on
    the wire finishes (or times out, ``DOWNLOAD_TIMEOUT``) and is stored.
    """

    #: Seconds between two looks at whether the crawl is stopping.
    POLL_SECONDS = 0.25

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stopping = False
        self._loop = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PromptStopMiddleware:
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        # Scrapy sends no signal when a stop begins; Crawler.crawling turns False then.
        self._loop = create_looping_call(self._check)
        self._loop.start(self.POLL_SECONDS, now=False)

    def spider_closed(self, spider) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()

    def _check(self) -> None:
        if self.crawler.crawling or self.stopping:
            return
        self.stopping = True
        waiting = 0
        for slot in self.crawler.engine.downloader.slots.values():
            while slot.queue:
                request, deferred = slot.queue.popleft()
                deferred.errback(Failure(NotSent(f"not sent: the crawl stopped ({request.url})")))
                waiting += 1
        if waiting:
            self.crawler.stats.inc_value("linkgraph/not_sent", waiting)
            logger.info(
                "Stopping: %d requests waiting for their host's delay are not sent", waiting
            )

    def process_request(self, request: Request) -> None:
        if self.stopping:
            self.crawler.stats.inc_value("linkgraph/not_sent")
            raise NotSent(f"not sent: the crawl stopped ({request.url})")


class BudgetSpent(IgnoreRequest):
    """A URL of a registered domain whose page budget is spent (dropped, not a page)."""


class DomainBudgetMiddleware:
    """Stop fetching from a registered domain once it had ``max_pages_per_domain`` fetches.

    Counted when a request is about to be sent, whatever the answer turns out to be; the
    robots.txt fetch, requests that are not pages (meta ``NOT_A_PAGE``: sitemaps, what a
    rendered page asks for) and retries of a counted request are not counted. The counts live
    in the crawl's frontier (so they resume with it, and a shared store shares them), which
    drops a domain's queued URLs at once when its budget is spent.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.frontier = Frontier.for_crawler(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DomainBudgetMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        meta = request.meta
        if meta.get("dont_obey_robotstxt") or meta.get("retry_times") or meta.get(NOT_A_PAGE):
            return
        options = getattr(self.crawler.spider, "options", None)
        if options is None:
            return
        domain = registered_domain(urlparse_cached(request).hostname or "")
        if not self.frontier.take_budget(domain, options.max_pages_per_domain):
            self.crawler.stats.inc_value("linkgraph/budget_exhausted")
            raise BudgetSpent(f"page budget of {domain} spent")
