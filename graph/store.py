"""Open crawl directories: the ``pages`` and ``edges`` Parquet datasets of one or more crawls.

A crawl directory holds ``pages/*.parquet`` and ``edges/*.parquet`` in the columns of
``crawler.schema`` (``docs/data-contract.md``) and, when the crawler wrote it,
``crawl.json``; a sandbox ground-truth export has the same layout. Several crawls are read
as one dataset. Readers should ask for the columns they need only, and stream batches
(``dataset.to_batches(columns=[...])``): edges can be tens of millions of rows.

This module is the one place where unreadable input becomes a user's error: opening a
crawl checks each Parquet file's footer and columns once (a truncated or foreign file is
an ``InputFileError`` naming it), reads ``crawl.json`` (a crawl that is still running or
was interrupted is a one-line warning, and the command goes on with what was stored), and
``reading`` turns a read error in the middle of a file (corrupt pages) into an
``InputFileError`` naming the file, whichever library hit it.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from crawler.errors import InputFileError, LinkgraphError, one_line
from crawler.schema import EDGES_SCHEMA, LATER_COLUMNS, PAGES_SCHEMA

__all__ = [
    "CrawlDirError",
    "crawl_dirs",
    "crawl_files",
    "crawl_status",
    "edges_dataset",
    "file_error",
    "pages_dataset",
    "reading",
]

logger = logging.getLogger(__name__)

_SCHEMAS = {"pages": PAGES_SCHEMA, "edges": EDGES_SCHEMA}
# Files already checked in this process, by (path, size, mtime): a command opens the same
# crawl several times, and a footer read is a file open.
_checked: set[tuple[str, int, int]] = set()
_warned: set[str] = set()


class CrawlDirError(LinkgraphError):
    """A path given as a crawl directory is not one (message is one line)."""


def crawl_status(path: str | os.PathLike[str]) -> dict | None:
    """The crawl's ``crawl.json`` as a dict, or None when it has none (truth exports, old
    data); ``InputFileError`` when it is there but unreadable."""
    meta_path = Path(path) / "crawl.json"
    if not meta_path.exists():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputFileError(meta_path, f"cannot read crawl.json ({one_line(exc)})") from None
    if not isinstance(meta, dict):
        raise InputFileError(meta_path, "crawl.json does not hold a JSON object")
    return meta


def _warn_unfinished(path: Path, meta: dict) -> None:
    """One warning per crawl and process for a crawl that is running or interrupted."""
    status = str(meta.get("status") or "")
    reason = meta.get("reason")
    if status.startswith("stopped (") and status.endswith(")"):  # written by older crawls
        status, reason = "interrupted", status[len("stopped (") : -1]
    if status not in ("running", "interrupted") or str(path) in _warned:
        return
    _warned.add(str(path))
    state = "still running, or was killed" if status == "running" else "interrupted"
    if status == "interrupted" and reason:
        state += f" ({reason})"
    jobdir = (meta.get("settings") or {}).get("JOBDIR")
    crawl_id = meta.get("crawl_id") or path.name
    if jobdir:
        how = f"resume it with: scrapy crawl seeds -a crawl_id={crawl_id} -s JOBDIR={jobdir}"
    else:
        how = "it ran without JOBDIR, so crawl it again to complete it"
    logger.warning("%s: crawl is %s; figures cover what was stored; %s", path, state, how)


def crawl_dirs(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Open the crawls: check that each path is a crawl directory whose ``crawl.json`` (if
    any) and Parquet footers are readable, warn about crawls that did not finish, and
    return them as Paths, in order. The checks run once per file and process."""
    result = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            what = (
                "is a file, not a crawl directory" if path.exists() else "no such crawl directory"
            )
            raise CrawlDirError(f"{raw}: {what}")
        if not (path / "edges").is_dir() and not (path / "pages").is_dir():
            raise CrawlDirError(f"{raw}: not a crawl directory (no pages/ or edges/ inside)")
        meta = crawl_status(path)
        if meta is not None:
            _warn_unfinished(path, meta)
        for table, schema in _SCHEMAS.items():
            for file in _parquet_files(path / table):
                _check_file(file, schema)
        result.append(path)
    if not result:
        raise CrawlDirError("no crawl directory given")
    return result


def _check_file(path: Path, schema: pa.Schema) -> None:
    """A readable Parquet footer with the contract's columns, or ``InputFileError``."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key in _checked:
        return
    try:
        names = set(pq.read_schema(path).names)
    except (OSError, pa.ArrowException) as exc:
        raise InputFileError(path, f"not a readable Parquet file ({one_line(exc)})") from None
    missing = [n for n in schema.names if n not in names and n not in LATER_COLUMNS]
    if missing:
        raise InputFileError(path, f"not a crawl file: no column {', '.join(missing)}")
    _checked.add(key)


def _parquet_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [p for p in sorted(folder.glob("*.parquet")) if not p.name.startswith(".")]


def crawl_files(paths: Sequence[str | os.PathLike[str]], table: str) -> list[str]:
    """The finished Parquet files of ``table`` (``pages`` or ``edges``) in the crawls, sorted.

    Temporary files of a crawl still being written (``.*.tmp``) are never included. Of a
    compacted crawl's edges, the compacted files and the parts written since
    (``graph.compact.live_edge_files``), never both a part and its compacted copy. Opening
    the crawls (``crawl_dirs``) has checked every file's footer: ``InputFileError`` names
    a file that is truncated, not Parquet, or lacks the contract's columns.
    """
    if table == "edges":
        from graph.compact import live_edge_files

        return [str(p) for path in crawl_dirs(paths) for p in live_edge_files(path / table)]
    return [str(p) for path in crawl_dirs(paths) for p in _parquet_files(path / table)]


def _culprit(files: Sequence[str], message: str) -> str | None:
    """The file a read error is about: named in the message, else the first that fails
    to read in full (only ever run after an error, so its cost does not matter)."""
    for name in files:
        if name in message:
            return name
    for name in files:
        try:
            pq.read_table(name)
        except (OSError, pa.ArrowException):
            return name
    return None


def file_error(files: Sequence[str], error: BaseException) -> InputFileError | None:
    """The ``InputFileError`` for a read error in one of ``files``, or None when no file
    is to blame."""
    culprit = _culprit(files, str(error))
    if culprit is None:
        return None
    return InputFileError(culprit, f"cannot read this Parquet file ({one_line(error)})")


@contextmanager
def reading(files: Sequence[str], errors: tuple[type[BaseException], ...] = ()) -> Iterator[None]:
    """Turn a read error in ``files`` (Arrow's, or one of ``errors``, e.g. DuckDB's) into an
    ``InputFileError`` naming the file. Errors not caused by a file go on unchanged."""
    try:
        yield
    except LinkgraphError:
        raise
    except (OSError, pa.ArrowException, *errors) as exc:
        mapped = file_error(files, exc)
        if mapped is None:
            raise
        raise mapped from None


def edges_dataset(paths: Sequence[str | os.PathLike[str]]) -> ds.Dataset:
    """The edges of the crawls as one pyarrow dataset (empty when they have none)."""
    return ds.dataset(crawl_files(paths, "edges"), schema=EDGES_SCHEMA, format="parquet")


def pages_dataset(paths: Sequence[str | os.PathLike[str]]) -> ds.Dataset:
    """The pages of the crawls as one pyarrow dataset (empty when they have none)."""
    return ds.dataset(crawl_files(paths, "pages"), schema=PAGES_SCHEMA, format="parquet")
