"""Downloader middleware: robots.txt as RFC 9309 says, in place of Scrapy's
``RobotsTxtMiddleware``. Rules for users: ``docs/crawling.md`` ("robots.txt").

What it does differently from Scrapy's (2.19), and why:

- **Failures are not "allow all".** A 5xx or 429 answer, or none at all (refused,
  dropped, timed out, no such host), disallows the whole site; a 4xx allows it (RFC 9309
  section 2.3.1; ``crawler.robotstxt`` holds the table). Scrapy parses a 500's body as
  rules and reads a failed download as no rules.
- **Redirects are followed** (up to ``LINKGRAPH_ROBOTS_MAX_REDIRECTS``, 5, to any host),
  since the crawl's ``REDIRECT_ENABLED`` is off; past that the file is unavailable.
- **A large file is read, up to 500 KiB** (``LINKGRAPH_ROBOTS_MAX_BYTES``), with a size cap
  of its own (``crawler.bodysize``) instead of ``DOWNLOAD_MAXSIZE``, which would cancel
  it and leave no rules at all; a compressed file is decoded up to the same cap
  (``RobotsCompressionMiddleware`` leaves it undecoded for this).
- **Every waiting request is checked.** Requests of a site whose robots.txt is in flight
  each wait on a Deferred of their own and read the result from the cache when woken.
  Scrapy hands all waiters one Deferred, and converting it to a future a second time
  yields ``None``, read as "allowed": only the first two waiters were checked.
- **Results expire**: a site's rules are fetched again after ``LINKGRAPH_ROBOTS_MAX_AGE``
  (24 h, the RFC's limit), a site disallowed for a failure after
  ``LINKGRAPH_ROBOTS_RETRY_SECONDS``. Each site's outcome is kept for crawl.json
  (``robots_records``) and its ``Crawl-delay``, capped at ``LINKGRAPH_MAX_CRAWL_DELAY``,
  reaches ``CrawlDelayMiddleware`` through Scrapy's ``robots_parsed`` signal.
"""

from __future__ import annotations

import logging
import time
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scrapy import Request, signals
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from crawler.bodysize import MAX_BYTES
from crawler.failures import describe
from crawler.robotstxt import (
    DISALLOW_ALL,
    ENCODINGS,
    RULES,
    RobotsRules,
    decode_body,
    outcome_of_status,
    product_token,
    robots_text,
)
from crawler.rows import REDIRECT_CODES
from crawler.urls import resolve_href

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = [
    "ROBOTS_META",
    "RobotsCompressionMiddleware",
    "RobotsDisallowed",
    "RobotsTxtMiddleware",
    "robots_records",
]

logger = logging.getLogger(__name__)

#: Request meta: this request fetches a robots.txt (or follows its redirect).
ROBOTS_META = "lg_robots"

_records: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def robots_records(crawler: Crawler) -> dict[str, dict]:
    """What the crawl found in each site's robots.txt, by site (``scheme://host[:port]``):
    the JSON-ready entries crawl.json keeps under ``robots``."""
    return _records.setdefault(crawler, {})


class RobotsDisallowed(IgnoreRequest):
    """A URL robots.txt does not let the bot fetch (its URL is dropped, not a page)."""


@dataclass
class _Site:
    rules: RobotsRules | None = None
    valid_until: float = 0.0  # time.monotonic()
    waiters: list[Deferred] | None = None  # a list while the fetch is in flight
    fetches: int = 0
    refused: int = 0
    record: dict = field(default_factory=dict)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


class RobotsTxtMiddleware:
    """Fetch, cache and apply each site's robots.txt (see the module docstring)."""

    #: Scheduling priority of robots.txt requests: before any page.
    DOWNLOAD_PRIORITY = 1000

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        self.crawler = crawler
        self.stats = crawler.stats
        agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        self.token = product_token(agent)
        self.max_bytes = settings.getint("LINKGRAPH_ROBOTS_MAX_BYTES")
        self.max_redirects = settings.getint("LINKGRAPH_ROBOTS_MAX_REDIRECTS")
        self.max_age = settings.getfloat("LINKGRAPH_ROBOTS_MAX_AGE")
        self.retry_after = settings.getfloat("LINKGRAPH_ROBOTS_RETRY_SECONDS")
        self.max_delay = settings.getfloat("LINKGRAPH_MAX_CRAWL_DELAY")
        self.records = robots_records(crawler)
        self._sites: dict[str, _Site] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsTxtMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt"):
            return
        parts = urlparse_cached(request)
        if parts.scheme not in ("http", "https"):
            return
        key = f"{parts.scheme}://{parts.netloc}"
        site = self._sites.setdefault(key, _Site())
        rules = await self._rules(key, site, request)
        if not rules.allowed(request.url):
            site.refused += 1
            site.record["refused"] = site.refused
            self.stats.inc_value("linkgraph/robots/disallowed")
            raise RobotsDisallowed(f"forbidden by robots.txt ({rules.outcome})")

    async def _rules(self, key: str, site: _Site, request: Request) -> RobotsRules:
        """The site's rules in force, fetching them when there are none or they expired.
        Requests that come while a fetch is in flight wait for it, each on its own."""
        while site.waiters is not None:
            woken: Deferred = Deferred()
            site.waiters.append(woken)
            await maybe_deferred_to_future(woken)
            if site.rules is not None:  # what the fetch it waited for found, even if
                return site.rules  # LINKGRAPH_ROBOTS_RETRY_SECONDS is 0
        if site.rules is not None and time.monotonic() < site.valid_until:
            return site.rules
        site.waiters = []
        try:
            site.rules = await self._fetch(key, site, request)
        except Exception:  # a bug must not leave the waiters hanging, nor allow anything
            logger.exception("robots.txt of %s could not be read", key)
            site.rules = RobotsRules.everything(DISALLOW_ALL, self.token)
            site.valid_until = time.monotonic() + self.retry_after
        finally:
            waiters, site.waiters = site.waiters, None
            for woken in waiters:
                woken.callback(None)
        return site.rules

    def _request(self, url: str) -> Request:
        return Request(
            url,
            priority=self.DOWNLOAD_PRIORITY,
            callback=NO_CALLBACK,
            dont_filter=True,
            headers={"Accept-Encoding": ", ".join(ENCODINGS)},
            meta={
                "dont_obey_robotstxt": True,
                ROBOTS_META: True,
                "dont_redirect": True,
                "handle_httpstatus_all": True,
                # Scrapy's cap would cancel a large file outright: cut it at ours instead.
                "download_maxsize": 0,
                MAX_BYTES: self.max_bytes,
            },
        )

    async def _fetch(self, key: str, site: _Site, request: Request) -> RobotsRules:
        url = f"{key}/robots.txt"
        record: dict = {"url": url, "status": None, "error": None, "redirects": 0}
        started = time.time()
        rules = None
        while rules is None:
            self.stats.inc_value("linkgraph/robots/fetches")
            try:
                response = await self.crawler.engine.download_async(self._request(url))
            except Exception as exc:  # no answer at all: the site may be down
                record["error"] = describe(exc)
                rules = RobotsRules.everything(DISALLOW_ALL, self.token)
                break
            record["status"] = response.status
            target = self._redirect(url, response, record)
            if target is not None:
                url = target
                continue
            rules = self._read(response, record)
        site.fetches += 1
        failed = rules.outcome == DISALLOW_ALL
        site.valid_until = time.monotonic() + (self.retry_after if failed else self.max_age)
        record.update(rules.summary())
        record.update(
            fetched_at=_iso(started),
            expires_at=_iso(started + (self.retry_after if failed else self.max_age)),
            fetches=site.fetches,
            refused=site.refused,
        )
        site.record = self.records[key] = record
        self.stats.inc_value(f"linkgraph/robots/outcome/{rules.outcome}")
        if record["error"]:
            self.stats.inc_value(f"linkgraph/robots/error/{record['error'].split(':')[0]}")
        if rules.asked_delay is not None and rules.delay != rules.asked_delay:
            self.stats.inc_value("linkgraph/robots/delay_capped")
            logger.warning(
                "%s asks for Crawl-delay %s s: crawled at LINKGRAPH_MAX_CRAWL_DELAY, %s s",
                key,
                rules.asked_delay,
                rules.delay,
            )
        if rules.outcome == RULES:
            await self.crawler.signals.send_catch_log_async(
                signal=signals.robots_parsed, robotparser=rules, request=request
            )
        return rules

    def _redirect(self, url: str, response: Response, record: dict) -> str | None:
        """The next URL of a redirect to follow; None when the answer is the file's (or a
        redirect that cannot be followed, which ``record`` then says)."""
        location = response.headers.get(b"Location")
        if response.status not in REDIRECT_CODES or not location:
            return None
        target = resolve_href(url, location.decode("latin-1"))
        if target is None:
            record["error"] = "bad redirect location"
            return None
        if record["redirects"] >= self.max_redirects:
            record["error"] = "too many redirects"
            return None
        record["redirects"] += 1
        record["url"] = target
        self.stats.inc_value("linkgraph/robots/redirects")
        return target

    def _read(self, response: Response, record: dict) -> RobotsRules:
        """The rules of a final (non-redirect) answer."""
        outcome = outcome_of_status(response.status)
        if outcome != RULES:
            return RobotsRules.everything(outcome, self.token)
        codings = [v.decode("latin-1") for v in response.headers.getlist(b"Content-Encoding")]
        body = decode_body(response.body, codings, self.max_bytes)
        if body is None:
            record["error"] = "cannot be decoded"
            return RobotsRules.everything(DISALLOW_ALL, self.token)
        text, truncated = robots_text(
            body, self.max_bytes, cut="download_stopped" in response.flags
        )
        record.update(bytes=min(len(body), self.max_bytes), truncated=truncated)
        if truncated:
            self.stats.inc_value("linkgraph/robots/truncated")
        return RobotsRules.parse(text, self.token, max_delay=self.max_delay)


class RobotsCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's ``HttpCompressionMiddleware`` for every answer but robots.txt files, which
    ``RobotsTxtMiddleware`` decodes itself, only as far as it reads them (a compressed
    file can decode to gigabytes, and Scrapy's cap would throw all of it away)."""

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        if request.meta.get(ROBOTS_META):
            return response
        return super().process_response(request, response)
