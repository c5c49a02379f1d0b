"""The ``seeds`` spider: crawl from seed URLs like a polite search bot.

It decides what to request next and nothing else: a response becomes its page row and
links in ``crawler.rows.page_record`` (a pure function, shared with WARC ingest), queueing and de-duplication are the
``Frontier``, politeness is in middlewares and settings, writing is the Parquet pipeline.
Rules: ``docs/crawling.md``; columns: ``docs/data-contract.md``.
"""

from __future__ import annotations

import time
from pathlib import Path

import scrapy

from crawler.bodysize import RECEIVED
from crawler.failures import TOO_LARGE, describe
from crawler.frontier import DROPPED, Frontier
from crawler.items import PageRecord
from crawler.middlewares import BudgetSpent, NotSent
from crawler.options import CrawlOptions, parse_options
from crawler.parsing import PageParser
from crawler.robots import RobotsDisallowed
from crawler.rows import error_row
from crawler.urls import host_of, registered_domain
from crawler.writer import stored_pages


class SeedsSpider(scrapy.Spider):
    """Crawl from ``-a seeds=FILE_OR_URLS`` and keep every link (see ``docs/crawling.md``)."""

    name = "seeds"

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.options = parse_options(kwargs, settings)
        spider.output_dir = Path(settings.get("DATA_DIR")) / spider.options.crawl_id
        spider.frontier = Frontier.for_crawler(crawler)
        spider.parser = PageParser.from_crawler(crawler)  # off the event loop, time-boxed
        spider.seed_domains = {registered_domain(host_of(u)) for u in spider.options.seeds}
        return spider

    def __init__(self, *args, **kwargs) -> None:
        # Arguments are parsed in from_crawler, against the crawler's settings.
        super().__init__(name=self.name)

    options: CrawlOptions

    # -- frontier --------------------------------------------------------------------------
    def prepare_frontier(self, frontier: Frontier) -> None:
        """Called by the scheduler when the crawl opens: resume from what was stored."""
        urls, per_domain = stored_pages(self.output_dir) if self.output_dir.exists() else ([], {})
        if urls or frontier.resumed:
            frontier.reconcile(urls, per_domain)
            self.logger.info(
                "Resuming crawl %s: %d pages stored, %d URLs queued",
                self.options.crawl_id,
                len(urls),
                frontier.pending,
            )

    def make_request(self, url: str, depth: int, kind: str) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse,
            errback=self.on_error,
            meta={"depth": depth, "lg_url": url, "lg_kind": kind},
        )

    async def start(self):
        for url in self.options.seeds:
            yield self.make_request(url, 0, "seed")

    def _follow(self, url: str, domain: str, depth: int, kind: str):
        if depth > self.options.max_depth:
            return None
        if not self.options.follow_external and domain not in self.seed_domains:
            return None
        if self.frontier.is_seen(url):
            return None
        return self.make_request(url, depth, kind)

    # -- callbacks -------------------------------------------------------------------------
    async def parse(self, response):
        meta = response.meta
        url, depth = meta["lg_url"], meta["depth"]
        page, links = await self.parser.record(
            url,
            response.status,
            response.headers,
            response.body,
            depth=depth,
            fetched_at=int(time.time() * 1000),
            ip=str(response.ip_address) if response.ip_address else None,
        )
        requests = []
        follow_nofollow = self.options.follow_nofollow
        for link in links:
            if link.nofollow and not follow_nofollow:
                continue
            if link.kind == "redirect":
                request = self._follow(link.dst_url, link.dst_domain, depth, "redirect")
            else:
                request = self._follow(link.dst_url, link.dst_domain, depth + 1, "link")
            if request is not None:
                requests.append(request)
        # Requests first: the frontier then holds a page's outlinks before its batch is
        # written, which is what makes a resume after a kill lose nothing.
        for request in requests:
            yield request
        yield PageRecord(page, links, response)

    def on_error(self, failure):
        request = failure.request
        meta = request.meta
        url = meta.get("lg_url", request.url)
        if failure.check(NotSent):
            # The crawl stopped first: still taken in the frontier, queued again on resume.
            return
        if failure.check(RobotsDisallowed, BudgetSpent):
            # robots.txt or the domain budget said no: not fetched, not a page.
            self.frontier.mark([url], DROPPED)
            return
        # Anything else was tried: a row says what happened (a body cut by the size cap,
        # or inflating past it, included: then with the bytes received).
        error = describe(failure.value)
        page = error_row(url, error, depth=meta.get("depth", 0), fetched_at=int(time.time() * 1000))
        if error == TOO_LARGE:
            page["bytes"] = meta.get(RECEIVED, 0)
        self.crawler.stats.inc_value(f"linkgraph/error/{error.split(':')[0]}")
        yield PageRecord(page, [])
