"""Open crawl directories: the ``pages`` and ``edges`` Parquet datasets of one or more crawls.

A crawl directory holds ``pages/*.parquet`` and ``edges/*.parquet`` in the columns of
``crawler.schema`` (``docs/data-contract.md``); a sandbox ground-truth export has the same
layout. Several crawls are read as one dataset. Readers should ask for the columns they
need only, and stream batches (``dataset.to_batches(columns=[...])``): edges can be tens
of millions of rows.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyarrow.dataset as ds

from crawler.errors import LinkgraphError
from crawler.schema import EDGES_SCHEMA, PAGES_SCHEMA

__all__ = ["CrawlDirError", "crawl_files", "edges_dataset", "pages_dataset", "crawl_dirs"]


class CrawlDirError(LinkgraphError):
    """A path given as a crawl directory is not one (message is one line)."""


def crawl_dirs(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Check that each path is a crawl directory; return them as Paths, in order."""
    result = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            raise CrawlDirError(f"{raw}: no such crawl directory")
        if not (path / "edges").is_dir() and not (path / "pages").is_dir():
            raise CrawlDirError(f"{raw}: not a crawl directory (no pages/ or edges/ inside)")
        result.append(path)
    if not result:
        raise CrawlDirError("no crawl directory given")
    return result


def crawl_files(paths: Sequence[str | os.PathLike[str]], table: str) -> list[str]:
    """The finished Parquet files of ``table`` (``pages`` or ``edges``) in the crawls, sorted.

    Temporary files of a crawl still being written (``.*.tmp``) are never included.
    """
    files: list[str] = []
    for path in crawl_dirs(paths):
        folder = path / table
        if folder.is_dir():
            files.extend(
                str(p) for p in sorted(folder.glob("*.parquet")) if not p.name.startswith(".")
            )
    return files


def edges_dataset(paths: Sequence[str | os.PathLike[str]]) -> ds.Dataset:
    """The edges of the crawls as one pyarrow dataset (empty when they have none)."""
    return ds.dataset(crawl_files(paths, "edges"), schema=EDGES_SCHEMA, format="parquet")


def pages_dataset(paths: Sequence[str | os.PathLike[str]]) -> ds.Dataset:
    """The pages of the crawls as one pyarrow dataset (empty when they have none)."""
    return ds.dataset(crawl_files(paths, "pages"), schema=PAGES_SCHEMA, format="parquet")
