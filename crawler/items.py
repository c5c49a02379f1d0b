"""Items: one ``PageRecord`` a fetched URL, carrying its page row and its links.

One item a page (not one a link) keeps Scrapy's per-item overhead off the hot path: a page
has about thirty links.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class PageRecord:
    page: dict  # PAGES_SCHEMA columns; fetched_at as epoch milliseconds
    links: list = field(default_factory=list)  # crawler.extract.Link tuples
    # The Scrapy response the page came from (None for a URL that gave no answer): WARC
    # output archives it (crawler/warcout.py); not written to Parquet.
    response: object = None
    # One flag per link of a rendered page: only the rendered DOM has it (None: all false).
    rendered_only: list | None = None
