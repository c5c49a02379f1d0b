"""The ``seeds`` spider: crawl from seed URLs like a polite search bot.

It decides what to request next and nothing else: link extraction is
``crawler.extract.parse_html`` (a pure function), queueing and de-duplication are the
``Frontier``, politeness is in middlewares and settings, writing is the Parquet pipeline.
Rules: ``docs/crawling.md``; columns: ``docs/data-contract.md``.
"""

from __future__ import annotations

import time
from pathlib import Path

import scrapy
from scrapy.exceptions import IgnoreRequest

from crawler.extract import Link, parse_html, parse_robots
from crawler.frontier import DROPPED, Frontier
from crawler.items import PageRecord
from crawler.options import CrawlOptions, parse_options
from crawler.urls import host_of, registered_domain, resolve_href
from crawler.writer import stored_pages

_REDIRECT_CODES = {301, 302, 303, 307, 308}


def _media_type(value: bytes | None) -> str | None:
    if not value:
        return None
    return value.decode("latin-1").split(";", 1)[0].strip().lower() or None


def _describe(failure) -> str:
    """A short, stable description of a download failure for the ``error`` column."""
    exc = failure.value
    name = type(exc).__name__
    text = str(exc).splitlines()[0] if str(exc) else ""
    if "Timeout" in name or "timed out" in text.lower():
        return "timeout"
    if "ConnectionRefused" in name:
        return "connection refused"
    if "DNSLookup" in name:
        return "dns lookup failed"
    if "maxsize" in text.lower() or "max size" in text.lower():
        return "too large"
    if name in ("ResponseNeverReceived", "ConnectionLost", "ConnectionDone", "ResponseFailed"):
        return "connection lost"
    return f"{name}: {text}"[:200] if text else name


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
        spider.html_types = set(settings.getlist("LINKGRAPH_HTML_TYPES"))
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
    def _page_row(self, url: str, depth: int) -> dict:
        host = host_of(url)
        return {
            "url": url,
            "host": host,
            "domain": registered_domain(host),
            "depth": depth,
            "fetched_at": int(time.time() * 1000),
        }

    def parse(self, response):
        meta = response.meta
        url, depth = meta["lg_url"], meta["depth"]
        page = self._page_row(url, depth)
        headers = response.headers
        status = response.status
        content_type = _media_type(headers.get(b"Content-Type"))
        page.update(
            status=status,
            content_type=content_type,
            ip=str(response.ip_address) if response.ip_address else None,
            bytes=len(response.body),
        )
        # One header line each: a bot prefix ("googlebot: noindex") covers its own line only.
        x_robots = b"\n".join(headers.getlist(b"X-Robots-Tag")).decode("latin-1") or None
        links: list[Link] = []
        requests = []
        if status in _REDIRECT_CODES and headers.get(b"Location"):
            target = resolve_href(url, headers[b"Location"].decode("latin-1"))
            if target is None:
                page["error"] = "bad redirect location"
            else:
                page["redirect_to"] = target
                dst_host = host_of(target)
                links.append(
                    Link(
                        target,
                        dst_host,
                        registered_domain(dst_host),
                        "",
                        "",
                        False,
                        False,
                        False,
                        "redirect",
                        "content",
                        0,
                    )
                )
        elif content_type in self.html_types and (200 <= status < 300 or status >= 400):
            parsed = parse_html(
                response.body,
                url,
                x_robots_tag=x_robots,
                content_type=headers.get(b"Content-Type", b"").decode("latin-1") or None,
            )
            page.update(
                title=parsed.title,
                lang=parsed.lang,
                canonical=parsed.canonical,
                robots=parsed.robots,
            )
            # An error page's title and robots are worth keeping (soft 404s, reclamation);
            # its links are not links of the site.
            if status < 300:
                page["redirect_to"] = parsed.refresh_url
                links = parsed.links
        elif x_robots:
            page["robots"] = ",".join(parse_robots([], x_robots)) or None
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
        yield from requests
        yield PageRecord(page, links)

    def on_error(self, failure):
        request = failure.request
        meta = request.meta
        url = meta.get("lg_url", request.url)
        if failure.check(IgnoreRequest):
            # robots.txt or the domain budget said no: not fetched, not a page.
            self.frontier.mark([url], DROPPED)
            return
        page = self._page_row(url, meta.get("depth", 0))
        page["error"] = _describe(failure)
        self.crawler.stats.inc_value(f"linkgraph/error/{page['error'].split(':')[0]}")
        yield PageRecord(page, [])
