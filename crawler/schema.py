"""The Parquet data contract: the columns of the ``pages`` and ``edges`` datasets.

This module is the only thing ``graph/`` knows about ``crawler/``: the crawler, the
sandbox's ground-truth export and (later) WARC ingest all write these schemas, and every
analysis reads them. Documented column by column in ``docs/data-contract.md``.
Pure pyarrow, no Scrapy.
"""

from __future__ import annotations

import pyarrow as pa

__all__ = [
    "PAGES_SCHEMA",
    "EDGES_SCHEMA",
    "EDGE_KINDS",
    "PLACEMENTS",
    "TIMESTAMP",
    "DISCOVERED_BY",
    "LATER_COLUMNS",
]

TIMESTAMP = pa.timestamp("ms", tz="UTC")

#: ``kind`` values: an ``<a href>``, an image-map ``<area href>``, a redirect (an HTTP
#: 3xx answer with a Location, or a ``<meta http-equiv="refresh">`` with a URL), or
#: ``graph``: a link known only as a pair of nodes from a published web graph (Common
#: Crawl's host or domain graphs), whose URLs, anchor and rel are unknown
#: (``docs/archives.md``).
EDGE_KINDS = ("a", "area", "redirect", "graph")

#: ``placement`` values: where on the page the link sits; ``unknown`` where the source
#: cannot say (WAT link metadata, web graphs), never guessed as ``content``.
PLACEMENTS = ("content", "nav", "header", "footer", "sidebar", "comment", "unknown")

#: Columns added to the contract after crawls were made without them: a file that lacks
#: one is still a crawl file, and readers see the column as null.
LATER_COLUMNS = frozenset(
    {"discovered_by", "rendered_only", "links_dropped", "title_length", "anchors_truncated"}
)

#: ``discovered_by`` values: how a page's URL was first found.
DISCOVERED_BY = ("seed", "link", "redirect", "sitemap")

PAGES_SCHEMA = pa.schema(
    [
        pa.field("crawl_id", pa.string(), nullable=False),
        pa.field("url", pa.string(), nullable=False),  # normalised requested URL
        pa.field("host", pa.string(), nullable=False),
        pa.field("domain", pa.string(), nullable=False),  # registered domain of host
        pa.field("status", pa.int32()),  # null when no HTTP answer came (see error)
        pa.field("content_type", pa.string()),
        pa.field("fetched_at", TIMESTAMP, nullable=False),
        pa.field("depth", pa.int32()),  # null where unknown (pages read from archives)
        pa.field("title", pa.string()),
        pa.field("lang", pa.string()),
        pa.field("canonical", pa.string()),  # normalised absolute rel=canonical
        pa.field("robots", pa.string()),  # meta robots + X-Robots-Tag, lower-case, "," joined
        pa.field("redirect_to", pa.string()),  # normalised Location or meta refresh target
        pa.field("ip", pa.string()),  # peer address of the connection (the proxy, if any)
        pa.field("bytes", pa.int64()),
        pa.field("outlinks", pa.int32(), nullable=False),  # edges recorded from this page
        pa.field("error", pa.string()),  # null, or what went wrong
        # How the URL was first found: seed, link, redirect or sitemap (docs/crawling.md,
        # "Sitemaps"); null where unknown (archives, crawls made before the column).
        pa.field("discovered_by", pa.string()),
        # Parsing caps (docs/data-contract.md); null when nothing was cut, and in crawls
        # written before these columns existed.
        pa.field("links_dropped", pa.int32()),  # links past LINKGRAPH_MAX_LINKS or the time budget
        pa.field("title_length", pa.int32()),  # the title's full length when it was cut
        pa.field("anchors_truncated", pa.int32()),  # anchors stored cut to the cap
    ]
)

EDGES_SCHEMA = pa.schema(
    [
        pa.field("crawl_id", pa.string(), nullable=False),
        pa.field("src_url", pa.string(), nullable=False),
        pa.field("dst_url", pa.string(), nullable=False),
        pa.field("src_host", pa.string(), nullable=False),
        pa.field("dst_host", pa.string(), nullable=False),
        pa.field("src_domain", pa.string(), nullable=False),
        pa.field("dst_domain", pa.string(), nullable=False),
        pa.field("anchor", pa.string(), nullable=False),
        pa.field("rel", pa.string(), nullable=False),
        pa.field("nofollow", pa.bool_(), nullable=False),
        pa.field("ugc", pa.bool_(), nullable=False),
        pa.field("sponsored", pa.bool_(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("placement", pa.string(), nullable=False),
        pa.field("internal", pa.bool_(), nullable=False),
        pa.field("position", pa.int32(), nullable=False),
        # Null where unknown: links from a web graph (kind ``graph``) were seen at some
        # time in the crawl the graph was made from.
        pa.field("fetched_at", TIMESTAMP),
        # True for a link only the rendered DOM has (docs/crawling.md, "Rendering"), false
        # for the links of the served HTML and every edge of an unrendered page (archived
        # pages too); null where unknown (web graphs, crawls made before the column).
        pa.field("rendered_only", pa.bool_()),
    ]
)
