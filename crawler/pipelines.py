"""Item pipeline: write ``PageRecord`` items to the crawl's Parquet datasets and crawl.json.

Thin Scrapy wrapper over ``crawler.writer.CrawlWriter`` (batched, atomic writes); it commits
the frontier before each batch lands, which is what makes kill-and-resume exact
(``crawler/frontier.py``).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scrapy import signals

from crawler.atomic import write_json_atomic
from crawler.frontier import DONE, Frontier
from crawler.items import PageRecord
from crawler.writer import CrawlWriter

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

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
    "RETRY_TIMES",
    "RETRY_HTTP_CODES",
    "DATA_DIR",
    "JOBDIR",
)


class ParquetPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.writer: CrawlWriter | None = None
        self.meta: dict = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParquetPipeline:
        pipeline = cls(crawler)
        # crawl.json is finished on spider_closed, the first moment the reason is known.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        spider = self.crawler.spider
        settings = self.crawler.settings
        frontier = Frontier.for_crawler(self.crawler)
        self.writer = CrawlWriter(
            spider.output_dir,
            spider.options.crawl_id,
            batch_edges=settings.getint("LINKGRAPH_BATCH_EDGES"),
            batch_pages=settings.getint("LINKGRAPH_BATCH_PAGES"),
            flush_seconds=settings.getfloat("LINKGRAPH_FLUSH_SECONDS"),
            before_write=frontier.commit,
            after_write=lambda urls: frontier.mark(urls, DONE),
        )
        path = spider.output_dir / "crawl.json"
        previous = {}
        if path.exists():
            try:
                previous = json.loads(path.read_text())
            except ValueError:
                previous = {}
        now = datetime.now(UTC).isoformat()
        self.meta = {
            "crawl_id": spider.options.crawl_id,
            "status": "running",
            "arguments": {k: v for k, v in spider.options.as_dict().items() if k != "seeds"},
            "seeds": spider.options.seeds,
            "settings": {name: settings.get(name) for name in _SETTINGS_RECORDED},
            "started_at": previous.get("started_at", now),
            "resumed_at": previous.get("resumed_at", [])
            + ([now] if previous and previous.get("status") != "finished" else []),
            "finished_at": None,
            "stats": {},
        }
        write_json_atomic(self.meta, path)

    def process_item(self, item):
        if isinstance(item, PageRecord):
            self.writer.add_page(item.page, item.links)
            stats = self.crawler.stats
            stats.inc_value("linkgraph/pages")
            stats.inc_value("linkgraph/edges", len(item.links))
            if item.page.get("error"):
                stats.inc_value("linkgraph/errors")
        return item

    def close_spider(self) -> None:
        self.writer.close()

    def spider_closed(self, spider, reason: str) -> None:
        if self.writer is None:
            return
        stats = self.crawler.stats.get_stats()
        self.meta.update(
            status="finished" if reason == "finished" else f"stopped ({reason})",
            finished_at=datetime.now(UTC).isoformat(),
            stats={k: v for k, v in stats.items() if not k.startswith("linkgraph/crawl_delay")},
            output={
                "pages_written_this_run": self.writer.pages_written,
                "edges_written_this_run": self.writer.edges_written,
            },
        )
        write_json_atomic(self.meta, spider.output_dir / "crawl.json")
