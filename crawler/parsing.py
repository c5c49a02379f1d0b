"""Parsing off the event loop, with a time budget per page.

Scrapy fetches on one event loop, and a callback that parses a page holds that loop: a page
that takes seconds to parse stops every download meanwhile. ``PageParser`` runs
``crawler.rows.page_record`` in a worker pool instead (processes by default: parsing is
mostly Python, so threads would share one interpreter lock; ``benchmarks/bench_crawl.py``
and ``docs/benchmarks.md`` compare them), so fetching goes on, and the second core parses.

Each page has a time budget (``LINKGRAPH_PARSE_TIMEOUT``): ``parse_html`` watches a
deadline and, past it, stops reading links; the page is recorded with the links read so far
and an ``error`` saying so. A worker stuck inside the HTML parser itself (C code no
deadline can interrupt) is abandoned after twice the budget: the page is recorded without
links, and its worker finishes in the background. Settings are read once, in
``from_crawler``; the pool is shut down when the spider closes.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Iterable, Mapping
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from scrapy import signals

from crawler.errors import LinkgraphError
from crawler.extract import Link
from crawler.rows import DEFAULT_HTML_TYPES, Caps, Headers, page_record

__all__ = ["POOLS", "PageParser"]

POOLS = ("process", "thread", "inline")
_CRAWL_CAPS = Caps(timeout=10.0)


class PageParser:
    """``page_record`` off the event loop (``record``), in a ``pool`` of ``workers``.

    At most ``workers`` pages are handed to the pool at once (the others wait here), so a
    page's time counts from when a worker takes it, not from when it was queued.
    """

    def __init__(
        self,
        pool: str = "process",
        workers: int = 1,
        caps: Caps = _CRAWL_CAPS,
        html_types: Iterable[str] = DEFAULT_HTML_TYPES,
    ) -> None:
        if pool not in POOLS:
            raise LinkgraphError(f"LINKGRAPH_PARSE_POOL must be one of {', '.join(POOLS)}")
        self.pool = pool
        self.workers = max(1, workers)
        self.caps = caps
        self.html_types = frozenset(html_types)
        self._slots: asyncio.Semaphore | None = None
        self._executor: Executor | None = None
        self._ready: Future | None = None
        #: Scrapy's stats collector, when run by a crawler: pages cut by a cap or the budget.
        self.stats = None
        self._start()

    def _start(self) -> None:
        if self.pool == "process":
            # forkserver: a fork of a process running an event loop and threads is unsafe.
            context = multiprocessing.get_context("forkserver")
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context)
        elif self.pool == "thread":
            self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="parse")
        if self._executor is not None:
            # Start the workers now (imports take a second), not on the first page.
            self._ready = self._executor.submit(_warm_up)

    @classmethod
    def from_crawler(cls, crawler) -> PageParser:
        settings = crawler.settings
        timeout = settings.getfloat("LINKGRAPH_PARSE_TIMEOUT", 10.0)
        parser = cls(
            settings.get("LINKGRAPH_PARSE_POOL", "process"),
            settings.getint("LINKGRAPH_PARSE_WORKERS", 1),
            Caps(
                settings.getint("LINKGRAPH_MAX_LINKS", 10_000),
                settings.getint("LINKGRAPH_MAX_ANCHOR_CHARS", 1_000),
                settings.getint("LINKGRAPH_MAX_TITLE_CHARS", 1_000),
                timeout if timeout > 0 else None,
            ),
            settings.getlist("LINKGRAPH_HTML_TYPES") or DEFAULT_HTML_TYPES,
        )
        crawler.signals.connect(parser.close, signal=signals.spider_closed)
        crawler.signals.connect(
            lambda: setattr(parser, "stats", crawler.stats),
            signal=signals.spider_opened,
            weak=False,
        )
        return parser

    def close(self) -> None:
        """Stop the workers (a stuck one is not waited for)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            _stop(executor)

    def _abandon(self) -> None:
        """A worker is stuck past the hard limit: stop that pool, start a fresh one (pages
        in flight in the old one are parsed again in the new one)."""
        if self._executor is not None:
            _stop(self._executor)
            self._start()

    async def record(self, *args, **kwargs) -> tuple[dict, list[Link]]:
        """``page_record`` of one answer, off the event loop (see ``_record_off_loop``);
        counts the pages a cap or the time budget cut in the crawl's stats
        (``linkgraph/parse/...``, in crawl.json)."""
        page, links = await self._record_off_loop(*args, **kwargs)
        if self.stats is not None:
            if (page.get("error") or "").startswith("parse"):
                # Its unread links are in links_dropped too: cut by time, not by the cap.
                self.stats.inc_value("linkgraph/parse/over budget")
            elif page.get("links_dropped"):
                self.stats.inc_value("linkgraph/parse/links capped")
        return page, links

    async def _record_off_loop(
        self,
        url: str,
        status: int,
        headers: Headers,
        body: bytes,
        **row: object,
    ) -> tuple[dict, list[Link]]:
        """``page_record`` of one answer (``row``: its keyword arguments), in the pool."""
        pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
        job = (url, status, pairs, body, self.caps, self.html_types, row)
        if self._executor is None:
            return _record(job)
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers)
        async with self._slots:
            if self._ready is not None:
                await asyncio.wrap_future(self._ready)
            error = "the HTML parser did not finish"
            for _ in range(2):
                executor = self._executor
                if executor is None:  # closed meanwhile
                    return _record(job)
                future = asyncio.wrap_future(executor.submit(_record, job))
                try:
                    if self.caps.timeout is None:
                        return await future
                    return await asyncio.wait_for(future, 2 * self.caps.timeout + 1)
                except TimeoutError:
                    self._abandon()
                    break
                except BrokenProcessPool:
                    if self._executor is executor:  # its worker died on this page
                        self._abandon()
                        error = "the HTML parser crashed"
                        break
                    # else: the pool was replaced while this page was in it; again.
        page, _ = page_record(url, status, pairs, b"", html_types=(), **row)
        page["bytes"] = len(body)
        if error.endswith("crashed"):
            page["error"] = f"parse failed: {error}, no links kept"
        else:
            page["error"] = (
                f"parse time budget ({self.caps.timeout:g} s) exceeded: {error}, no links kept"
            )
        return page, []


def _stop(executor: Executor) -> None:
    if isinstance(executor, ProcessPoolExecutor):
        # No public way to stop a busy worker: terminate them, as shutdown would not.
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.terminate()
    executor.shutdown(wait=False, cancel_futures=True)


def _warm_up() -> bool:
    return True


def _record(job: tuple) -> tuple[dict, list[Link]]:
    url, status, headers, body, caps, html_types, row = job
    return page_record(url, status, headers, body, caps=caps, html_types=html_types, **row)
