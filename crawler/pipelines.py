"""Item pipeline: write ``PageRecord`` items to the crawl's Parquet datasets and crawl.json.

Thin Scrapy wrapper over ``crawler.writer.CrawlWriter`` (batched, atomic writes) and
``crawler.record.CrawlRecord`` (crawl.json across runs). It commits the frontier before
each batch lands, which is what makes kill-and-resume exact (``crawler/frontier/``), and
records the run's progress in crawl.json after each batch, so even a killed run leaves
its figures behind. A timer writes what is buffered every ``LINKGRAPH_FLUSH_SECONDS``
while no page arrives (a crawl waiting on slow hosts), and crawl.json keeps what each
site's robots.txt said (``crawler.robots.robots_records``).
"""

from __future__ import annotations

import logging
import socket
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.reactor import is_reactor_installed

from crawler.frontier import DONE, Frontier, part_prefix
from crawler.items import PageRecord
from crawler.record import KILLED, CrawlRecord, seeds_summary
from crawler.robots import robots_records
from crawler.writer import CrawlWriter, stored_counts

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

#: Signal sent while a batch is committed, between its edges part and its pages part (the
#: commit point), with ``part`` (its number) and ``urls`` (its pages): components with
#: files of their own for the batch (WARC output, ``crawler/warcout.py``) commit them then.
batch_committing = object()

# Settings recorded in crawl.json: the ones that change what a crawl fetches or how fast.
_SETTINGS_RECORDED = (
    "USER_AGENT",
    "ROBOTSTXT_OBEY",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED",
    "DOWNLOAD_TIMEOUT",
    "DOWNLOAD_MAXSIZE",
    "LINKGRAPH_MAX_CRAWL_DELAY",
    "LINKGRAPH_ROBOTS_MAX_BYTES",
    "LINKGRAPH_ROBOTS_RETRY_SECONDS",
    "RETRY_TIMES",
    "RETRY_HTTP_CODES",
    "DATA_DIR",
    "JOBDIR",
    "LINKGRAPH_FRONTIER",
    "LINKGRAPH_LEASE_SECONDS",
)
# Options that are not arguments of the run as such: crawl.json summarises the seeds.
_NOT_ARGUMENTS = ("seeds", "skipped_seed_lines")
#: The flush timer looks this often (seconds) whether a write is due.
FLUSH_CHECK_SECONDS = 1.0


class ParquetPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.writer: CrawlWriter | None = None
        self.record: CrawlRecord | None = None
        self.frontier: Frontier | None = None
        self.robots = robots_records(crawler)
        self._shutdown_trigger = None
        self._flush_timer = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParquetPipeline:
        pipeline = cls(crawler)
        # crawl.json is finished on spider_closed, the first moment the reason is known.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        spider = self.crawler.spider
        settings = self.crawler.settings
        options = spider.options
        self.frontier = Frontier.for_crawler(self.crawler)
        # The scheduler tidied the directory when the frontier opened (before this). In a
        # shared crawl each process names its parts after its worker id and counts its own.
        prefix = part_prefix(self.frontier)
        pages, edges = stored_counts(spider.output_dir, prefix if self.frontier.shared else None)
        self.writer = CrawlWriter(
            spider.output_dir,
            options.crawl_id,
            batch_edges=settings.getint("LINKGRAPH_BATCH_EDGES"),
            batch_pages=settings.getint("LINKGRAPH_BATCH_PAGES"),
            flush_seconds=settings.getfloat("LINKGRAPH_FLUSH_SECONDS"),
            before_write=self.frontier.commit,
            after_write=self._batch_written,
            on_batch=self._batch_committing,
            prefix=prefix,
        )
        self.record = CrawlRecord(
            spider.output_dir,
            crawl_id=options.crawl_id,
            arguments={k: v for k, v in options.as_dict().items() if k not in _NOT_ARGUMENTS},
            seeds=seeds_summary(options.seeds, options.seeds_source, options.skipped_seed_lines),
            settings={name: settings.get(name) for name in _SETTINGS_RECORDED},
            resume_command=settings.get("LINKGRAPH_RESUME_COMMAND"),
            stored_pages=pages,
            stored_edges=edges,
            worker=(
                {"id": self.frontier.worker, "host": socket.gethostname()}
                if self.frontier.shared
                else None
            ),
        )
        if self.writer.flush_seconds > 0:  # at 0 every page is written as it comes
            self._flush_timer = create_looping_call(self.writer.flush_if_due)
            self._flush_timer.start(min(FLUSH_CHECK_SECONDS, self.writer.flush_seconds), now=False)
        if is_reactor_installed():
            from twisted.internet import reactor

            # A forced shutdown (a second Ctrl-C) stops the reactor before spider_closed
            # is sent: crawl.json must not stay "running" for a run that is over.
            self._shutdown_trigger = reactor.addSystemEventTrigger(
                "during", "shutdown", self._reactor_stopping
            )

    def process_item(self, item):
        if isinstance(item, PageRecord):
            self.writer.add_page(item.page, item.links, item.rendered_only)
            stats = self.crawler.stats
            stats.inc_value("linkgraph/pages")
            stats.inc_value("linkgraph/edges", len(item.links))
            if item.page.get("error"):
                stats.inc_value("linkgraph/errors")
        return item

    def close_spider(self) -> None:
        if self._flush_timer is not None and self._flush_timer.running:
            self._flush_timer.stop()
        self.writer.close()

    def _stats(self) -> dict:
        # Crawl-delays are per-host settings, not counters.
        stats = self.crawler.stats.get_stats()
        return {k: v for k, v in stats.items() if not k.startswith("linkgraph/crawl_delay")}

    def _batch_committing(self, part: int, urls: list[str]) -> None:
        from twisted.python.failure import Failure

        sent = self.crawler.signals.send_catch_log(batch_committing, part=part, urls=urls)
        for _, result in sent:
            if isinstance(result, Failure):  # the batch must not commit without its files
                result.raiseException()

    def _batch_written(self, urls: list[str]) -> None:
        self.frontier.mark(urls, DONE)
        self.record.checkpoint(
            self._stats(), self.writer.pages_written, self.writer.edges_written, self.robots
        )

    def _finish(self, reason: str) -> None:
        self.record.finish(
            reason, self._stats(), self.writer.pages_written, self.writer.edges_written, self.robots
        )

    def spider_closed(self, spider, reason: str) -> None:
        if self.record is None:
            return
        self._finish(reason)
        if self._shutdown_trigger is not None:
            from twisted.internet import reactor

            reactor.removeSystemEventTrigger(self._shutdown_trigger)
            self._shutdown_trigger = None

    def _reactor_stopping(self) -> None:
        if not self.record.finished:
            logger.warning(
                "Crawl %s stopped before it could close: interrupted (%s)",
                self.record.meta["crawl_id"],
                KILLED,
            )
            self._finish(KILLED)
