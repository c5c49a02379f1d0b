"""Rendering pages in headless Chromium, from the answer the crawl already fetched.

``Renderer.render`` opens the page in a fresh browser context of one shared headless
Chromium (Debian's ``/usr/bin/chromium`` by default, ``LINKGRAPH_RENDER_BROWSER``; never
a browser Playwright downloads) and intercepts every request the page makes:

- the page itself is answered with the served response (status, headers, body): the page
  is fetched once, and the served HTML and the rendered DOM come from that one visit;
- a request to the page's own host (scripts, ``fetch``/XHR, frames, stylesheets) is sent
  through Scrapy's downloader like any request of the crawl (``engine.download_async``):
  robots.txt, Crawl-delay, AutoThrottle and the host's download slot hold for it, it takes
  no page budget and is no ``pages`` row; a script or stylesheet is fetched once a crawl;
- a request to any other host is blocked, unless the host is in
  ``LINKGRAPH_RENDER_ALLOW_HOSTS`` (then it goes through the downloader too); images,
  media and fonts are never fetched (``LINKGRAPH_RENDER_SKIP_TYPES``): links do not need
  them.

A page has settled when its ``load`` event fired and none of its requests has been open
for ``LINKGRAPH_RENDER_IDLE`` seconds (0.25); one that has not within ``LINKGRAPH_RENDER_TIMEOUT``
seconds keeps its served HTML's links and ``error`` says ``render timeout``. At most
``LINKGRAPH_RENDER_CONCURRENCY`` pages render at a time. Users' documentation:
``docs/crawling.md``, "Rendering"; the rules without a browser: ``crawler.rendering``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.http.request import NO_CALLBACK

from crawler.middlewares import NOT_A_PAGE
from crawler.rendering import RENDER_TIMEOUT
from crawler.rows import media_type

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["RENDER_META", "Rendered", "Renderer"]

logger = logging.getLogger(__name__)

#: Request meta of a request a rendered page made (its value: the page's URL).
RENDER_META = "lg_render_for"
#: Resource types whose answers are kept for the rest of the crawl.
_CACHED_TYPES = frozenset({"script", "stylesheet"})
_CACHE_SIZE = 256
#: How often a rendering page is looked at for open requests, seconds.
_POLL_SECONDS = 0.02
#: Response meta: the served answer was given to the browser already.
_SERVED_KEY = "lg_render_served"
#: Answer headers not passed on to the browser: the body is already decoded.
_DROPPED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
#: Request headers passed on from the browser (the crawl's own User-Agent is kept).
_PASSED_HEADERS = ("accept", "content-type", "referer")


@dataclass
class Rendered:
    """The DOM of a rendered page as HTML (None when rendering did not finish: ``error``)."""

    html: bytes | None
    error: str | None = None
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)


class Renderer:
    """One headless Chromium for the crawl; pages rendered in their own contexts."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.executable = settings.get("LINKGRAPH_RENDER_BROWSER")
        self.timeout = settings.getfloat("LINKGRAPH_RENDER_TIMEOUT")
        self.idle = settings.getfloat("LINKGRAPH_RENDER_IDLE")
        self.concurrency = max(1, settings.getint("LINKGRAPH_RENDER_CONCURRENCY"))
        self.allow_hosts = {h.lower() for h in settings.getlist("LINKGRAPH_RENDER_ALLOW_HOSTS")}
        self.skip_types = set(settings.getlist("LINKGRAPH_RENDER_SKIP_TYPES"))
        self.html_types = set(settings.getlist("LINKGRAPH_HTML_TYPES"))
        self._slots: asyncio.Semaphore | None = None
        self._starting: asyncio.Lock | None = None
        self._playwright = None
        self._browser = None
        self._broken: str | None = None
        self._cache: OrderedDict[str, tuple[int, dict, bytes]] = OrderedDict()
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Renderer:
        return cls(crawler)

    def wants(self, page: dict, status: int) -> bool:
        """Is this answer a page to render: 2xx HTML that is not a meta refresh?"""
        return (
            200 <= status < 300
            and page.get("content_type") in self.html_types
            and not page.get("redirect_to")
        )

    def _inc(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"linkgraph/render/{key}", count)

    # -- the browser ---------------------------------------------------------------------
    async def _ensure_browser(self):
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.concurrency)
            self._starting = asyncio.Lock()
        async with self._starting:
            if self._browser is None and self._broken is None:
                try:
                    from playwright.async_api import async_playwright

                    self._playwright = await async_playwright().start()
                    self._browser = await self._playwright.chromium.launch(
                        executable_path=self.executable,
                        headless=True,
                        args=["--no-proxy-server", "--dns-prefetch-disable", "--disable-gpu"],
                    )
                except Exception as exc:  # no browser: every page keeps its served links
                    self._broken = f"render failed: {type(exc).__name__}"
                    logger.error("Chromium (%s) cannot start: %s", self.executable, exc)
        return self._browser

    async def spider_closed(self, spider) -> None:
        if self._browser is not None:
            await self._browser.close()
            self._browser = None
        if self._playwright is not None:
            await self._playwright.stop()
            self._playwright = None

    # -- rendering -----------------------------------------------------------------------
    async def render(self, response: Response) -> Rendered:
        """The DOM of ``response``'s page once it settled, from that answer (see module)."""
        browser = await self._ensure_browser()
        if browser is None:
            return Rendered(None, self._broken)
        async with self._slots:
            self._inc("pages")
            context = await browser.new_context(service_workers="block")
            try:
                page = await context.new_page()
                url = response.meta.get("lg_url", response.url)
                await page.route(
                    "**/*", lambda route, request: self._route(url, response, route, request)
                )
                try:
                    await asyncio.wait_for(self._settle(page, url), self.timeout)
                except TimeoutError:
                    self._inc("timeouts")
                    return Rendered(None, RENDER_TIMEOUT)
                except Exception as exc:  # the browser gave up on the page
                    self._inc("failed")
                    logger.warning("Rendering %s failed: %s", url, exc)
                    return Rendered(None, f"render failed: {type(exc).__name__}")
                html = (await page.content()).encode("utf-8")
            finally:
                await context.close()
        headers = [(b"Content-Type", b"text/html; charset=utf-8")]
        headers += [(b"X-Robots-Tag", v) for v in response.headers.getlist(b"X-Robots-Tag")]
        return Rendered(html, None, headers)

    async def _settle(self, page, url: str) -> None:
        """Until the page's ``load`` event fired and no request of it has been open for
        ``idle`` seconds (Playwright's ``networkidle`` waits 500 ms even for a page that
        makes no request at all: most pages)."""
        open_requests: set = set()
        page.on("request", lambda request: open_requests.add(request))
        page.on("requestfinished", lambda request: open_requests.discard(request))
        page.on("requestfailed", lambda request: open_requests.discard(request))
        await page.goto(url, wait_until="load", timeout=self.timeout * 1000)
        loop = asyncio.get_running_loop()
        quiet_since = loop.time()
        while True:
            if open_requests:
                quiet_since = loop.time()
            elif loop.time() - quiet_since >= self.idle:
                return
            await asyncio.sleep(_POLL_SECONDS)

    async def _route(self, page_url: str, served: Response, route, request) -> None:
        try:
            await self._answer(page_url, served, route, request)
        except Exception as exc:  # the page or context closed while a request was open
            logger.debug("Render request %s of %s ended: %s", request.url, page_url, exc)

    async def _answer(self, page_url: str, served: Response, route, request) -> None:
        url = request.url
        if request.is_navigation_request() and request.frame.parent_frame is None:
            # The page itself, from the served answer; it may not navigate elsewhere.
            if served.meta.get(_SERVED_KEY):
                self._inc("blocked_navigation")
                await route.abort("blockedbyclient")
                return
            served.meta[_SERVED_KEY] = True
            await route.fulfill(
                status=served.status, headers=_headers(served.headers), body=served.body
            )
            return
        host = (urlsplit(url).hostname or "").lower()
        own = host == (urlsplit(page_url).hostname or "").lower()
        if request.resource_type in self.skip_types:
            self._inc("skipped")
            await route.abort("blockedbyclient")
            return
        if not own and host not in self.allow_hosts:
            self._inc("blocked_other_host")
            await route.abort("blockedbyclient")
            return
        cached = self._cache.get(url) if request.method == "GET" else None
        if cached is None:
            fetched = await self._fetch(page_url, request)
            if fetched is None:
                await route.abort("blockedbyclient")
                return
            cached = fetched
            if request.method == "GET" and request.resource_type in _CACHED_TYPES:
                self._cache[url] = cached
                if len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
        status, headers, body = cached
        await route.fulfill(status=status, headers=headers, body=body)

    async def _fetch(self, page_url: str, request) -> tuple[int, dict, bytes] | None:
        """One browser request through Scrapy's downloader; None when it may not be made
        (robots.txt) or got no answer."""
        headers = {k: v for k, v in request.headers.items() if k.lower() in _PASSED_HEADERS}
        scrapy_request = scrapy.Request(
            request.url,
            method=request.method,
            headers=headers,
            body=request.post_data_buffer,
            callback=NO_CALLBACK,
            dont_filter=True,
            meta={
                NOT_A_PAGE: True,
                RENDER_META: page_url,
                "dont_redirect": True,
                "handle_httpstatus_all": True,
            },
        )
        self._inc("requests")
        try:
            response = await self.crawler.engine.download_async(scrapy_request)
        except Exception as exc:  # robots.txt said no, the crawl stops, no answer
            self._inc(f"refused/{type(exc).__name__}")
            logger.debug("Render request %s of %s not made: %s", request.url, page_url, exc)
            return None
        return response.status, _headers(response.headers), response.body


def _headers(headers) -> dict[str, str]:
    """Scrapy's answer headers for ``route.fulfill``: one string a name."""
    out: dict[str, str] = {}
    for name, values in headers.items():
        key = name.decode("latin-1")
        if key.lower() in _DROPPED_HEADERS or key.lower() == "set-cookie":
            continue
        out[key] = ", ".join(v.decode("latin-1") for v in values)
    if "Content-Type" not in out and media_type(out.get("content-type")) is None:
        out.setdefault("Content-Type", "application/octet-stream")
    return out
