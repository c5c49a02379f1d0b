"""The sandbox web: an offline, deterministic, realistic multi-domain web and its truth.

``SandboxWeb`` generates the web page by page from a seed; ``SandboxServer`` serves it as an
HTTP proxy on loopback, so a crawler reaches ``http://www.rosegarden.co.uk/...`` by setting
``http_proxy``; ``crawl_truth`` computes which pages and links a polite crawl from the
default seeds finds, in the crawler's own Parquet columns. No Scrapy here: tests, benchmarks
and the CLI use it without it. The web's feature sites are site families, one module each
under ``crawler.sandbox.families``, behind the interface in ``crawler.sandbox.family``.
Documented in ``docs/sandbox.md``.
"""

from crawler.sandbox.render import Link, PageModel
from crawler.sandbox.server import SandboxServer, serve
from crawler.sandbox.truth import DEFAULT_FETCHED_AT, Truth, crawl_truth, write_truth
from crawler.sandbox.web import MIN_PAGES, SandboxResponse, SandboxWeb

__all__ = [
    "DEFAULT_FETCHED_AT",
    "MIN_PAGES",
    "Link",
    "PageModel",
    "SandboxResponse",
    "SandboxServer",
    "SandboxWeb",
    "Truth",
    "crawl_truth",
    "serve",
    "write_truth",
]
