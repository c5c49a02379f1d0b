"""Extensions: AutoThrottle that respects Crawl-delay, and the crawl's progress display."""

from __future__ import annotations

import logging
import sys
import time
from collections import deque
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.extensions.throttle import AutoThrottle
from twisted.internet import task

from crawler.frontier import Frontier
from crawler.middlewares import crawl_delays

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings

logger = logging.getLogger(__name__)


class PoliteAutoThrottle(AutoThrottle):
    """Scrapy's AutoThrottle, never going below a host's robots.txt ``Crawl-delay``.

    AutoThrottle lowers a slot's delay when the server answers fast; a host that asked for a
    Crawl-delay must still get it (``CrawlDelayMiddleware`` records it per slot key).
    """

    def _response_downloaded(self, response, request, spider=None) -> None:
        super()._response_downloaded(response, request, spider)
        key = request.meta.get("download_slot")
        floor = crawl_delays(self.crawler).get(key)
        slot = self.crawler.engine.downloader.slots.get(key) if floor else None
        if slot is not None and slot.delay < floor:
            slot.delay = floor


def live_display(settings: Settings) -> bool:
    """Does ``LINKGRAPH_PROGRESS`` ask for the live display here? ("auto": when stderr is a
    terminal.) The crawl commands ask too, to keep Scrapy's start-up log quiet under it."""
    mode = settings.get("LINKGRAPH_PROGRESS", "auto")
    return mode == "live" or (mode == "auto" and sys.stderr.isatty())


class CrawlProgress:
    """What the crawl is doing: pages, edges, domains, queue, pages per minute, errors.

    On a terminal a live display (rich) that log lines scroll above; otherwise a plain log
    line every ``LINKGRAPH_PROGRESS_INTERVAL`` seconds. A summary at the end either way.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.live_mode = live_display(crawler.settings)
        # "print": plain lines straight to stderr, whatever the log level (the demo).
        self.print_mode = crawler.settings.get("LINKGRAPH_PROGRESS") == "print"
        self.interval = crawler.settings.getfloat("LINKGRAPH_PROGRESS_INTERVAL", 10.0)
        self._history: deque[tuple[float, int]] = deque()
        self._loop: task.LoopingCall | None = None
        self._live = None
        self._handlers: list = []
        self.started = time.monotonic()
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        return cls(crawler)

    def snapshot(self) -> dict:
        now = time.monotonic()
        pages = self.stats.get_value("linkgraph/pages", 0)
        self._history.append((now, pages))
        while len(self._history) > 2 and now - self._history[0][0] > 60:
            self._history.popleft()
        t0, p0 = self._history[0]
        if len(self._history) == 1:  # no window yet: the rate since the start
            t0, p0 = self.started, 0
        per_min = (pages - p0) / (now - t0) * 60 if now > t0 else 0.0
        frontier = Frontier.for_crawler(self.crawler)
        return {
            "pages": pages,
            "edges": self.stats.get_value("linkgraph/edges", 0),
            "domains": frontier.domains,
            "queue": frontier.pending,
            "pages_per_min": per_min,
            "errors": self.stats.get_value("linkgraph/errors", 0),
            "elapsed": now - self.started,
        }

    def _render(self):
        from rich.table import Table

        s = self.snapshot()
        grid = Table.grid(padding=(0, 2))
        for _ in range(6):
            grid.add_column(justify="right")
        grid.add_row("pages", "edges", "domains", "queue", "pages/min", "errors")
        grid.add_row(
            f"[bold]{s['pages']:,}",
            f"{s['edges']:,}",
            f"{s['domains']:,}",
            f"{s['queue']:,}",
            f"{s['pages_per_min']:,.0f}",
            f"[red]{s['errors']:,}" if s["errors"] else "0",
        )
        return grid

    def _tick(self) -> None:
        if self._live is not None:
            self._live.update(self._render())
        else:
            self._say(
                "Crawled %(pages)d pages, %(edges)d edges, %(domains)d domains; queue "
                "%(queue)d; %(pages_per_min).0f pages/min; %(errors)d errors",
                self.snapshot(),
            )

    def _say(self, message: str, values: dict | tuple) -> None:
        if self.print_mode:
            print(message % values, file=sys.stderr, flush=True)
        elif isinstance(values, dict):
            logger.info(message, values)
        else:
            logger.info(message, *values)

    def spider_opened(self, spider) -> None:
        self.started = time.monotonic()
        if self.live_mode:
            from rich.console import Console
            from rich.live import Live

            self._live = Live(
                self._render(),
                console=Console(file=sys.stderr),
                refresh_per_second=4,
                redirect_stderr=True,
                transient=False,
            )
            self._live.start()
            # Scrapy's log handler holds the real stderr: point it at rich's proxy so log
            # lines scroll above the display instead of tearing it.
            for handler in logging.getLogger().handlers:
                if isinstance(handler, logging.StreamHandler) and handler.stream is sys.__stderr__:
                    handler.setStream(sys.stderr)
                    self._handlers.append(handler)
        self._loop = task.LoopingCall(self._tick)
        self._loop.start(0.5 if self._live is not None else self.interval, now=False)

    def spider_closed(self, spider, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self._live is not None:
            self._live.update(self._render())
            self._live.stop()
            if not self._live.console.is_terminal:  # rich ends the last frame on terminals only
                self._live.console.line()
            for handler in self._handlers:
                handler.setStream(sys.__stderr__)
        s = self.snapshot()
        self._say(
            "Crawl %s (%s): %d pages, %d edges, %d domains, %d errors in %.1f s; data in %s",
            (
                getattr(getattr(spider, "options", None), "crawl_id", "?"),
                reason,
                s["pages"],
                s["edges"],
                s["domains"],
                s["errors"],
                s["elapsed"],
                getattr(spider, "output_dir", None),
            ),
        )
