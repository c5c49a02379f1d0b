"""Downloader middlewares that tell the frontier how each fetch went.

``FrontierReleaseMiddleware`` (outermost, priority 50) gives a URL handed out by the
frontier back when its fetch is over, whatever the outcome, so its host may have another
URL out once its delay has passed. A retry is not over: the retried request keeps the
host's place until it ends. Under robots.txt a host's first URL goes alone; once it is
back, the robots.txt has been read and the host gets its policy: its ``Crawl-delay``
(set by the scheduler when the file is parsed) or ``CONCURRENT_REQUESTS_PER_DOMAIN`` at
``DOWNLOAD_DELAY``.

``HostBackoffMiddleware`` (priority 560, before Scrapy's retries see the answer) backs off
a host that answers 429 or 503 or times out: nothing more of it for ``Retry-After``
seconds when the answer says (capped at ``LINKGRAPH_BACKOFF_MAX_SECONDS``), else for
``LINKGRAPH_BACKOFF_SECONDS`` doubled at each failure in a row (up to the cap); an answer
of any other kind starts the count again. In a shared crawl the backoff holds for every
process (it is the host's next-fetch time in the frontier). See ``docs/crawling.md``.
"""

from __future__ import annotations

import email.utils
import time
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured
from twisted.internet.error import TCPTimedOutError
from twisted.internet.error import TimeoutError as TwistedTimeoutError

from crawler.frontier.base import BaseFrontier
from crawler.urls import host_of

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["FrontierReleaseMiddleware", "HostBackoffMiddleware", "retry_after_seconds"]

_BACKOFF_STATUSES = (429, 503)


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date, RFC 9110
    section 10.2.3); None when absent or unreadable.

    >>> retry_after_seconds(b"120")
    120.0
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0)
    10.0
    >>> retry_after_seconds("soon") is None
    True
    """
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)


class FrontierReleaseMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.frontier = BaseFrontier.for_crawler(crawler)
        settings = crawler.settings
        self.delay = settings.getfloat("DOWNLOAD_DELAY")
        self.concurrency = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        self._known: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierReleaseMiddleware:
        return cls(crawler)

    def _release(self, request: Request) -> None:
        if request.meta.pop("lg_out", False):
            url = request.meta.get("lg_url") or request.url
            host = host_of(url)
            if host not in self._known:
                self._known.add(host)
                self.frontier.set_host_policy(host, self.delay, self.concurrency, keep=True)
            self.frontier.release(url)

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)


class HostBackoffMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.base = settings.getfloat("LINKGRAPH_BACKOFF_SECONDS")
        self.cap = settings.getfloat("LINKGRAPH_BACKOFF_MAX_SECONDS")
        if self.base <= 0:
            raise NotConfigured
        self.stats = crawler.stats
        self.frontier = BaseFrontier.for_crawler(crawler)
        self._failures: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostBackoffMiddleware:
        return cls(crawler)

    def _back_off(self, request: Request, asked: float | None) -> None:
        host = host_of(request.meta.get("lg_url") or request.url)
        failures = self._failures.get(host, 0) + 1
        self._failures[host] = failures
        seconds = asked if asked is not None else self.base * 2 ** (failures - 1)
        seconds = min(seconds, self.cap)
        self.frontier.backoff(host, seconds)
        # A retry of this request waits as long (the scheduler holds it until then).
        request.meta["lg_backoff"] = seconds
        self.stats.inc_value("linkgraph/backoff")

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("dont_obey_robotstxt"):
            return response  # robots.txt fetches have their own rules (crawler/robots.py)
        if response.status in _BACKOFF_STATUSES:
            self._back_off(request, retry_after_seconds(response.headers.get("Retry-After")))
        else:
            self._failures.pop(host_of(request.meta.get("lg_url") or request.url), None)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, TwistedTimeoutError | TCPTimedOutError):
            self._back_off(request, None)
