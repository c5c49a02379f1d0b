"""Competitor link research: backlinks, intersect, diff, broken, outlinks and SQL over crawls.

The questions an SEO asks of Ahrefs or Semrush, answered from your own crawls: who links to
a domain (its backlink profile), who links to my competitors and not to me (Ahrefs' Link
Intersect, Semrush's Backlink Gap), what changed between two crawls, which backlinks point
at pages that are gone (link reclamation), where a domain links to, and anything else in
SQL. Every function here takes crawl directories (``graph.store``) and returns pyarrow
Tables or small dataclasses of Tables; the ``linkgraph`` commands are a thin layer over
them. Definitions (what "a link", "first seen" and "broken" mean) are in
``docs/research.md`` and ``graph.links``.

One module per query family, over one DuckDB session (``graph.research.session``):
queries run straight over the Parquet files, reading only the columns they need, with
the domain filters pushed down into the scan; with a research index (``graph.index``,
``linkgraph index``) a backlink query reads little more than its own rows (figures in
``docs/benchmarks.md``, "Research queries").
"""

from graph.index import INDEX_DIR, build_index, index_bucket
from graph.research.backlinks import BacklinkProfile, backlinks
from graph.research.broken import broken
from graph.research.diff import DiffResult, diff
from graph.research.intersect import IntersectResult, intersect
from graph.research.outlinks import OutlinkProfile, outlinks
from graph.research.session import (
    LINK_COLUMNS,
    ResearchError,
    connect,
    domain_of,
    load_authority,
)
from graph.research.sql import sql
from graph.research.summary import backlink_changes, crawl_summary, links_among, page_titles

__all__ = [
    "LINK_COLUMNS",
    "BacklinkProfile",
    "IntersectResult",
    "DiffResult",
    "OutlinkProfile",
    "ResearchError",
    "domain_of",
    "load_authority",
    "backlinks",
    "intersect",
    "diff",
    "broken",
    "outlinks",
    "sql",
    "connect",
    "build_index",
    "index_bucket",
    "INDEX_DIR",
    "crawl_summary",
    "backlink_changes",
    "page_titles",
    "links_among",
]
