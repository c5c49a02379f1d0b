"""The crawl's sitemap reading: which sitemap to request when, and what its answer schedules.

The spider asks :meth:`SitemapFetcher.first_visit` for the sitemap requests of a site the
first time one of its URLs is fetched; every sitemap request goes through the scheduler
and the downloader like a page (robots.txt, Crawl-delay, AutoThrottle, the download
slots), does not take page budget, and is not a ``pages`` row. :meth:`SitemapFetcher.read`
turns an answer into requests: the child sitemaps of an index, or the pages of a urlset,
scheduled by the spider with ``discovered_by = sitemap``. Rules: ``crawler.sitemaps``;
for users: ``docs/crawling.md``, "Sitemaps".
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import scrapy
from scrapy import signals

from crawler.frontier.base import BaseFrontier
from crawler.middlewares import NOT_A_PAGE
from crawler.sitemaps import SitemapError, declared_sitemaps, listed, read_sitemap, site_of
from crawler.urls import normalize_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["SITEMAP_META", "SitemapFetcher"]

logger = logging.getLogger(__name__)

#: Request meta of a sitemap request: the site whose sitemap it is (its pages may be listed).
SITEMAP_META = "lg_sitemap"


class SitemapFetcher:
    """Which sitemaps the crawl reads (each once a run), and what they schedule.

    Settings (read once): ``LINKGRAPH_SITEMAP_MAX_BYTES``, ``LINKGRAPH_SITEMAP_MAX_URLS``,
    ``LINKGRAPH_SITEMAP_MAX_FILES``. Stats: ``linkgraph/sitemaps/requested``, ``.../read``,
    ``.../urls``, ``.../failed``, ``.../skipped_files``, ``.../truncated``.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.max_bytes = settings.getint("LINKGRAPH_SITEMAP_MAX_BYTES")
        self.max_urls = settings.getint("LINKGRAPH_SITEMAP_MAX_URLS")
        self.max_files = settings.getint("LINKGRAPH_SITEMAP_MAX_FILES")
        self._declared: dict[str, list[str]] = {}
        self._sites: set[str] = set()
        self._requested: set[str] = set()
        self._files: dict[str, int] = {}
        #: The crawl's frontier (the one the spider opened): in a shared crawl one worker
        #: reads a sitemap (``BaseFrontier.claim``).
        self.frontier = BaseFrontier.for_crawler(crawler)
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SitemapFetcher:
        return cls(crawler)

    def robots_parsed(self, robotparser, request: scrapy.Request) -> None:
        """A site's robots.txt was read: keep the sitemaps it declares."""
        url = normalize_url(request.url)
        sitemaps = getattr(robotparser, "sitemaps", None)
        if url is not None and sitemaps is not None:
            self._declared[site_of(url)] = list(sitemaps)

    def first_visit(self, url: str, depth: int, callback, errback) -> list[scrapy.Request]:
        """The sitemap requests of ``url``'s site, the first time the site is fetched."""
        site = site_of(url)
        if site in self._sites:
            return []
        self._sites.add(site)
        # No robots_parsed for a site: its robots.txt answered 4xx (allow all; a failed
        # one disallows the site, and its sitemap request is refused like any URL).
        urls = declared_sitemaps(site, self._declared.get(site, []))
        return [r for u in urls if (r := self._request(u, site, depth, callback, errback))]

    def _request(self, url: str, site: str, depth: int, callback, errback):
        if url in self._requested:
            return None
        if not self.frontier.claim(f"sitemap {url}"):
            # Another worker of a shared crawl reads this sitemap.
            self._requested.add(url)
            return None
        if self._files.get(site, 0) >= self.max_files:
            self.crawler.stats.inc_value("linkgraph/sitemaps/skipped_files")
            return None
        self._requested.add(url)
        self._files[site] = self._files.get(site, 0) + 1
        self.crawler.stats.inc_value("linkgraph/sitemaps/requested")
        return scrapy.Request(
            url,
            callback=callback,
            errback=errback,
            dont_filter=True,  # not a page: outside the frontier's seen set
            meta={
                SITEMAP_META: site,
                NOT_A_PAGE: True,
                "depth": depth,
                "lg_url": url,
                "download_maxsize": self.max_bytes,
            },
        )

    def read(
        self, response: Response, follow: Callable[[str, int], scrapy.Request | None]
    ) -> Iterator[scrapy.Request]:
        """The requests a sitemap answer makes: child sitemaps, or pages through ``follow``
        (the spider's scheduling rule, called with the URL and its depth)."""
        meta = response.meta
        site, depth = meta[SITEMAP_META], meta["depth"]
        if response.status != 200:
            self.crawler.stats.inc_value("linkgraph/sitemaps/failed")
            logger.debug("Sitemap %s answered %s", response.url, response.status)
            return
        try:
            listing = read_sitemap(response.body, max_bytes=self.max_bytes, max_urls=self.max_urls)
        except SitemapError as exc:
            self.crawler.stats.inc_value("linkgraph/sitemaps/failed")
            logger.info("Sitemap %s cannot be read: %s", response.url, exc)
            return
        self.crawler.stats.inc_value("linkgraph/sitemaps/read")
        if listing.truncated:
            self.crawler.stats.inc_value("linkgraph/sitemaps/truncated")
        urls = listed(site, listing.locs)
        if listing.index:
            callback, errback = response.request.callback, response.request.errback
            for url in urls:
                request = self._request(url, site, depth, callback, errback)
                if request is not None:
                    yield request
            return
        self.crawler.stats.inc_value("linkgraph/sitemaps/urls", len(urls))
        for url in urls:
            request = follow(url, depth + 1)
            if request is not None:
                yield request

    def failed(self, failure) -> None:
        """A sitemap request that got no answer (robots.txt said no, a timeout, ...)."""
        self.crawler.stats.inc_value("linkgraph/sitemaps/failed")
        logger.debug("Sitemap %s not read: %s", failure.request.url, failure.value)
