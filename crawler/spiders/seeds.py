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
from crawler.browser import Renderer
from crawler.failures import TOO_LARGE, describe
from crawler.frontier import DROPPED, Frontier
from crawler.items import PageRecord
from crawler.middlewares import BudgetSpent, NotSent
from crawler.options import CrawlOptions, parse_options
from crawler.parsing import PageParser
from crawler.rendering import link_key, rendered_only_flags, renders
from crawler.robots import RobotsDisallowed
from crawler.rows import error_row
from crawler.schema import DISCOVERED_BY
from crawler.sitemapfetch import SitemapFetcher
from crawler.urls import host_of, registered_domain


class SeedsSpider(scrapy.Spider):
    """Crawl from ``-a seeds=FILE_OR_URLS`` and keep every link (see ``docs/crawling.md``)."""

    name = "seeds"

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.options = parse_options(kwargs, settings)
        spider.output_dir = Path(settings.get("DATA_DIR")) / spider.options.crawl_id
        spider.frontier = Frontier.for_crawler(crawler, spider.options.crawl_id)
        spider.parser = PageParser.from_crawler(crawler)  # off the event loop, time-boxed
        spider.seed_domains = {registered_domain(host_of(u)) for u in spider.options.seeds}
        spider.sitemaps = SitemapFetcher.from_crawler(crawler) if spider.options.sitemaps else None
        spider.renderer = Renderer.from_crawler(crawler) if spider.options.render else None
        return spider

    def __init__(self, *args, **kwargs) -> None:
        # Arguments are parsed in from_crawler, against the crawler's settings.
        super().__init__(name=self.name)

    options: CrawlOptions

    def make_request(self, url: str, depth: int, kind: str) -> scrapy.Request:
        host = host_of(url)
        rendered = self.renderer is not None and renders(
            self.options.render, registered_domain(host), host
        )
        return scrapy.Request(
            url,
            callback=self.parse_rendered if rendered else self.parse,
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

    def _visited(self, url: str, depth: int) -> list[scrapy.Request]:
        """The sitemap requests of ``url``'s site when it is the site's first fetch."""
        if self.sitemaps is None:
            return []
        return self.sitemaps.first_visit(url, depth, self.parse_sitemap, self.sitemaps.failed)

    # -- callbacks -------------------------------------------------------------------------
    def parse_sitemap(self, response):
        """A sitemap's answer: its child sitemaps, or its pages (``discovered_by`` sitemap)."""

        def follow(url: str, depth: int):
            return self._follow(url, registered_domain(host_of(url)), depth, "sitemap")

        yield from self.sitemaps.read(response, follow)

    async def parse(self, response):
        page, links = await self._record(response, response.body)
        for output in self._emit(response, page, links):
            yield output

    async def parse_rendered(self, response):
        """A page of a rendered domain (``-a render``): its links are the rendered DOM's,
        each marked ``rendered_only`` or not; the row is the served answer's."""
        page, links = await self._record(response, response.body)
        flags = None
        if self.renderer.wants(page, response.status):
            rendered = await self.renderer.render(response)
            if rendered.html is None:
                page["error"] = rendered.error  # the served HTML's links are kept
            else:
                _, dom_links = await self._record(response, rendered.html, rendered.headers)
                flags = rendered_only_flags(
                    [link_key(x) for x in links], [link_key(x) for x in dom_links]
                )
                links = dom_links
        for output in self._emit(response, page, links, flags):
            yield output

    async def _record(self, response, body: bytes, headers=None):
        """The page row and links of an answer (or of its rendered DOM), parsed off the
        event loop within the time budget (``crawler.parsing``)."""
        meta = response.meta
        page, links = await self.parser.record(
            meta["lg_url"],
            response.status,
            response.headers if headers is None else headers,
            body,
            depth=meta["depth"],
            fetched_at=int(time.time() * 1000),
            ip=str(response.ip_address) if response.ip_address else None,
        )
        page["discovered_by"] = _discovered_by(meta)
        return page, links

    def _emit(self, response, page: dict, links: list, rendered_only: list | None = None):
        url, depth = page["url"], page["depth"]
        requests = self._visited(url, depth)
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
        yield PageRecord(page, links, response, rendered_only)

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
        page["discovered_by"] = _discovered_by(meta)
        yield from self._visited(url, meta.get("depth", 0))
        if error == TOO_LARGE:
            page["bytes"] = meta.get(RECEIVED, 0)
        self.crawler.stats.inc_value(f"linkgraph/error/{error.split(':')[0]}")
        yield PageRecord(page, [])


def _discovered_by(meta: dict) -> str | None:
    """How the request's URL was first found (``discovered_by``), when the frontier knows."""
    kind = meta.get("lg_kind")
    return kind if kind in DISCOVERED_BY else None
