"""Batched, atomic Parquet writing of a crawl's ``pages`` and ``edges`` (no Scrapy).

Rows are gathered in column lists and written as one Parquet file per table and batch
(zstd, dictionary-encoded strings). Each batch is a pair ``edges/part-N.parquet`` +
``pages/part-N.parquet``; the edges file is renamed into place first and the pages file
last, so the pages file is the commit point: on resume an edges part without its pages
part is a half-written batch and is deleted, and the URLs in the pages files are exactly
the pages stored. See ``crawler/frontier/`` for how this makes kill-and-resume exact.

A batch's edges are sorted by target domain and written in row groups of
``EDGES_ROW_GROUP`` rows, so each row group's ``dst_domain`` statistics (min/max) cover a
narrow range of domains and a backlink query skips the row groups that cannot hold its
domain (``docs/research.md``, "Fast on the crawl as written").

Also used by anything else that produces crawl data (the sandbox truth export, later
WARC ingest).
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from crawler.atomic import write_parquet_atomic
from crawler.schema import EDGES_SCHEMA, PAGES_SCHEMA

__all__ = [
    "EDGES_ROW_GROUP",
    "EDGES_SORT",
    "CrawlWriter",
    "stored_counts",
    "stored_pages",
    "stored_urls_of",
]

#: Rows per row group of an edges part: small enough that the row groups of a 50,000-edge
#: batch sorted by target domain each cover a few hundred domains, large enough that the
#: per-row-group dictionaries and statistics stay a small part of the file.
EDGES_ROW_GROUP = 8_192
#: The order of the rows in an edges part: by target domain, then by source page (a page's
#: links to one domain stay together).
EDGES_SORT = [("dst_domain", "ascending"), ("src_url", "ascending"), ("position", "ascending")]

_PAGE_FIELDS = [f.name for f in PAGES_SCHEMA]
# Link fields as produced by crawler.extract.Link, in that order.
_LINK_FIELDS = (
    "dst_url",
    "dst_host",
    "dst_domain",
    "anchor",
    "rel",
    "nofollow",
    "ugc",
    "sponsored",
    "kind",
    "placement",
    "position",
)


#: Edges files ``linkgraph compact`` writes (``graph.compact``): the edges of committed
#: batches rewritten together, never a batch cut short, so resume's tidying leaves them.
COMPACTED_PREFIX = "compacted-"


def _parts(folder: Path, prefix: str = "part") -> dict[int, Path]:
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d{{6,}})\.parquet$")
    found = {}
    if folder.is_dir():
        for p in folder.iterdir():
            m = pattern.match(p.name)
            if m:
                found[int(m.group(1))] = p
    return found


def _all_parts(folder: Path) -> dict[str, Path]:
    """Every committed part of a table, by file name: those of every writer (one crawl
    directory can have many, each with its own prefix: ``crawler.frontier``)."""
    if not folder.is_dir():
        return {}
    return {p.name: p for p in folder.glob("*.parquet") if not p.name.startswith(".")}


def stored_pages(out_dir: Path, prefix: str | None = None) -> tuple[list[str], Counter]:
    """Tidy a crawl directory after a stop and say what it stored.

    Deletes temporary files and edges parts whose pages part never appeared (a batch cut
    short by a kill) — only those named ``PREFIX-*`` when ``prefix`` is given (a shared
    crawl: other processes are writing beside this one) — then returns the stored page
    URLs of every part and their count per registered domain.
    """
    pages_dir, edges_dir = out_dir / "pages", out_dir / "edges"
    mine = f".{prefix}-" if prefix else "."
    for folder in (pages_dir, edges_dir):
        if folder.is_dir():
            for p in folder.glob(".*.tmp"):
                if p.name.startswith(mine):
                    p.unlink(missing_ok=True)
    pages = _all_parts(pages_dir)
    for name, path in _all_parts(edges_dir).items():
        if name.startswith(COMPACTED_PREFIX):
            continue  # a compacted file (linkgraph compact) holds committed batches' edges
        if name not in pages and (prefix is None or name.startswith(f"{prefix}-")):
            path.unlink(missing_ok=True)
    urls: list[str] = []
    per_domain: Counter = Counter()
    for name in sorted(pages):
        table = pq.read_table(pages[name], columns=["url", "domain"])
        urls.extend(table.column("url").to_pylist())
        per_domain.update(table.column("domain").to_pylist())
    return urls, per_domain


def stored_urls_of(out_dir: Path, prefix: str) -> set[str]:
    """The page URLs one writer (``prefix``) stored: what a dead worker's expired leases
    are checked against before they go back to the queue."""
    urls: set[str] = set()
    for name, path in _all_parts(out_dir / "pages").items():
        if name.startswith(f"{prefix}-"):
            urls.update(pq.read_table(path, columns=["url"]).column("url").to_pylist())
    return urls


def stored_counts(out_dir: Path, prefix: str | None = None) -> tuple[int, int]:
    """(pages, edges) stored in a crawl directory's committed batches (of the writer
    ``prefix`` only, when given), from the Parquet footers only; an edges part without its
    pages part is not counted (it is not stored)."""
    pages = _all_parts(out_dir / "pages")
    if prefix is not None:
        pages = {n: p for n, p in pages.items() if n.startswith(f"{prefix}-")}
    n_pages = sum(pq.read_metadata(path).num_rows for path in pages.values())
    n_edges = sum(
        pq.read_metadata(path).num_rows
        for name, path in _all_parts(out_dir / "edges").items()
        if name in pages
    )
    return n_pages, n_edges


class CrawlWriter:
    """Gather pages and their links; write them in batches, atomically.

    ``before_write`` runs before a batch is renamed into place (the frontier commits its
    queue there); ``on_batch`` gets the batch's part number and page URLs between its
    edges part and its pages part (WARC output commits its files there, so they are part
    of the batch: ``crawler/warcout.py``); ``after_write`` gets the URLs of the pages
    just stored. ``prefix`` names the parts (``PREFIX-NNNNNN.parquet``): archive ingest
    gives each input file its own, so re-running it replaces that file's parts only.
    ``edges_row_group``: rows per row group of an edges part (``EDGES_ROW_GROUP``).
    """

    def __init__(
        self,
        out_dir: str | os.PathLike[str],
        crawl_id: str,
        *,
        batch_edges: int = 50_000,
        batch_pages: int = 5_000,
        flush_seconds: float = 30.0,
        before_write: Callable[[], None] | None = None,
        after_write: Callable[[list[str]], None] | None = None,
        on_batch: Callable[[int, list[str]], None] | None = None,
        prefix: str = "part",
        edges_row_group: int = EDGES_ROW_GROUP,
    ) -> None:
        self.out_dir = Path(out_dir)
        self.crawl_id = crawl_id
        self.batch_edges = batch_edges
        self.batch_pages = batch_pages
        self.flush_seconds = flush_seconds
        self.before_write = before_write
        self.after_write = after_write
        self.on_batch = on_batch
        self.prefix = prefix
        self.edges_row_group = edges_row_group
        (self.out_dir / "pages").mkdir(parents=True, exist_ok=True)
        (self.out_dir / "edges").mkdir(parents=True, exist_ok=True)
        existing = set(_parts(self.out_dir / "pages", prefix)) | set(
            _parts(self.out_dir / "edges", prefix)
        )
        self._next_part = max(existing, default=-1) + 1
        self._last_write = time.monotonic()
        self.pages_written = 0
        self.edges_written = 0
        self._reset()

    def _reset(self) -> None:
        self._pages: dict[str, list] = {name: [] for name in _PAGE_FIELDS}
        self._src: list[tuple[str, str, str, int, int]] = []  # src_url, host, domain, ms, n
        self._links: list[Sequence] = []
        self._rendered_only: list[bool] = []

    @property
    def buffered_pages(self) -> int:
        return len(self._pages["url"])

    def add_page(
        self,
        page: dict,
        links: Sequence[Sequence] = (),
        rendered_only: Sequence[bool] | None = None,
    ) -> None:
        """Buffer one page row (a dict of ``PAGES_SCHEMA`` columns; ``crawl_id`` and
        ``outlinks`` are filled in) and its links (``crawler.extract.Link`` tuples);
        ``rendered_only`` flags each link of a rendered page (None: all false)."""
        page["crawl_id"] = self.crawl_id
        page["outlinks"] = len(links)
        for name in _PAGE_FIELDS:
            self._pages[name].append(page.get(name))
        if links:
            fetched_ms = page["fetched_at"]
            self._src.append((page["url"], page["host"], page["domain"], fetched_ms, len(links)))
            self._links.extend(links)
            if rendered_only is None:
                self._rendered_only.extend([False] * len(links))
            else:
                if len(rendered_only) != len(links):
                    raise ValueError("rendered_only needs one flag per link")
                self._rendered_only.extend(bool(f) for f in rendered_only)
        if len(self._links) >= self.batch_edges or self.buffered_pages >= self.batch_pages:
            self.flush()
        else:
            self.flush_if_due()

    def flush_if_due(self) -> None:
        """Write what is buffered once ``flush_seconds`` passed since the last write; a
        timer calls it too, so pages are written while no new page arrives."""
        if time.monotonic() - self._last_write >= self.flush_seconds:
            self.flush()

    def _edges_table(self) -> pa.Table:
        n = len(self._links)
        src_url: list[str] = []
        src_host: list[str] = []
        src_domain: list[str] = []
        fetched: list[int] = []
        for url, host, domain, ms, count in self._src:
            src_url.extend([url] * count)
            src_host.extend([host] * count)
            src_domain.extend([domain] * count)
            fetched.extend([ms] * count)
        cols = list(zip(*self._links, strict=True)) if n else [[] for _ in _LINK_FIELDS]
        link = dict(zip(_LINK_FIELDS, cols, strict=True))
        internal = [a == b for a, b in zip(src_domain, link["dst_domain"], strict=True)]
        arrays = {
            "crawl_id": pa.array([self.crawl_id] * n, pa.string()),
            "src_url": pa.array(src_url, pa.string()),
            "dst_url": pa.array(link["dst_url"], pa.string()),
            "src_host": pa.array(src_host, pa.string()),
            "dst_host": pa.array(link["dst_host"], pa.string()),
            "src_domain": pa.array(src_domain, pa.string()),
            "dst_domain": pa.array(link["dst_domain"], pa.string()),
            "anchor": pa.array(link["anchor"], pa.string()),
            "rel": pa.array(link["rel"], pa.string()),
            "nofollow": pa.array(link["nofollow"], pa.bool_()),
            "ugc": pa.array(link["ugc"], pa.bool_()),
            "sponsored": pa.array(link["sponsored"], pa.bool_()),
            "kind": pa.array(link["kind"], pa.string()),
            "placement": pa.array(link["placement"], pa.string()),
            "internal": pa.array(internal, pa.bool_()),
            "position": pa.array(link["position"], pa.int32()),
            "fetched_at": pa.array(fetched, pa.int64()).cast(EDGES_SCHEMA.field("fetched_at").type),
            "rendered_only": pa.array(self._rendered_only, pa.bool_()),
        }
        return pa.Table.from_pydict(arrays, schema=EDGES_SCHEMA)

    def _pages_table(self) -> pa.Table:
        cols = dict(self._pages)
        cols["fetched_at"] = pa.array(cols["fetched_at"], pa.int64()).cast(
            PAGES_SCHEMA.field("fetched_at").type
        )
        return pa.Table.from_pydict(cols, schema=PAGES_SCHEMA)

    def flush(self) -> None:
        """Write what is buffered: edges part, then pages part (the commit point)."""
        self._last_write = time.monotonic()
        if not self.buffered_pages:
            return
        pages = self._pages_table()
        edges = self._edges_table()
        urls = list(self._pages["url"])
        self._reset()
        if self.before_write is not None:
            self.before_write()
        number = self._next_part
        name = f"{self.prefix}-{number:06d}.parquet"
        self._next_part += 1
        if edges.num_rows:
            write_parquet_atomic(
                edges.sort_by(EDGES_SORT),
                self.out_dir / "edges" / name,
                row_group_size=self.edges_row_group,
            )
        if self.on_batch is not None:
            self.on_batch(number, urls)
        write_parquet_atomic(pages, self.out_dir / "pages" / name)
        self.pages_written += pages.num_rows
        self.edges_written += edges.num_rows
        if self.after_write is not None:
            self.after_write(urls)

    def close(self) -> None:
        self.flush()
