"""Downloader middlewares of the polite bot: robots.txt Crawl-delay and per-domain budgets.

Both sit after Scrapy's RobotsTxtMiddleware (priority 100), so a URL that robots.txt
disallows is never delayed for and never takes budget. See ``docs/crawling.md``.
"""

from __future__ import annotations

import logging
import weakref
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from crawler.frontier import Frontier
from crawler.urls import registered_domain

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

_crawl_delays: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def crawl_delays(crawler: Crawler) -> dict[str, float]:
    """The crawl's robots.txt Crawl-delay per host (download slot key), seconds."""
    return _crawl_delays.setdefault(crawler, {})


class CrawlDelayMiddleware:
    """Apply robots.txt ``Crawl-delay`` per host, which Scrapy does not do by itself.

    The delay is read when Scrapy parses a host's robots.txt (signal ``robots_parsed``) and
    set on that host's download slot before each request to it: one request at a time,
    spaced by at least the delay, with no random jitter below it. ``PoliteAutoThrottle``
    keeps AutoThrottle from lowering it (both read ``crawl_delays(crawler)``).
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
        rules = getattr(robotparser, "rp", None)  # Protego's parser
        if rules is None or not hasattr(rules, "crawl_delay"):
            return
        delay = rules.crawl_delay(self.user_agent)
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


class DomainBudgetMiddleware:
    """Stop fetching from a registered domain once it had ``max_pages_per_domain`` fetches.

    Counted when a request is about to be sent, whatever the answer turns out to be; the
    robots.txt fetch and retries of a counted request are not counted again. The counts live
    in the crawl's ``Frontier`` (so they resume with it, and can move to a shared store).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.frontier = Frontier.for_crawler(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DomainBudgetMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        meta = request.meta
        if meta.get("dont_obey_robotstxt") or meta.get("retry_times"):
            return
        options = getattr(self.crawler.spider, "options", None)
        if options is None:
            return
        domain = registered_domain(urlparse_cached(request).hostname or "")
        if not self.frontier.take_budget(domain, options.max_pages_per_domain):
            self.crawler.stats.inc_value("linkgraph/budget_exhausted")
            raise IgnoreRequest(f"page budget of {domain} spent")
