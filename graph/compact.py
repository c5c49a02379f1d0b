"""Compaction: rewrite a crawl's edges into files clustered by target domain.

The crawler writes one edges part per batch (``crawler/writer.py``), each sorted by target
domain, so Parquet's row-group statistics already let a backlink query skip most of each
part; but a long crawl has thousands of parts, and every query still opens each one.
``compact`` (``linkgraph compact CRAWL_DIR``) rewrites the committed parts into a few
files, each holding a contiguous range of target domains, sorted by target domain in row
groups of ``ROW_GROUP_ROWS`` rows: a query about one domain then reads one file's footer
statistics and the one or two row groups that hold the domain. It is the classic
clustered layout of a column store (range partitioning, then sorting within the range:
Stonebraker et al., "C-Store: A Column-oriented DBMS", VLDB 2005, section 3).

How compacted files relate to the crawl's parts (the durability rules of
``docs/architecture.md``: a batch's pages part is its commit point):

- Only committed edges parts (those with their pages part) are compacted; a half-written
  batch is left as it is, for a resumed crawl to delete. The pages parts are never
  touched, so a crawl can be resumed after compaction: its new parts are read beside the
  compacted files, and the next ``compact`` folds them in.
- ``edges/compacted.json`` (the manifest) is the commit point of a compaction: it lists the
  compacted files that are live and, until they are deleted, the parts they replace (by
  name, size and modification time). Readers (``live_edge_files``) read the live compacted
  files and every other edges file except those replaced; a ``compacted-*`` file the
  manifest does not list is the leftover of a compaction that was killed, and is ignored.
- So the crawl reads the same at every instant: the new files are renamed into place
  before the manifest names them, and the old parts are deleted only after it does. A
  killed compaction is finished (or its leftovers removed) by the next one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from crawler.atomic import write_json_atomic, write_parquet_atomic
from crawler.errors import InputFileError, LinkgraphError
from crawler.schema import EDGES_SCHEMA

__all__ = [
    "MANIFEST",
    "ROW_GROUP_ROWS",
    "FILE_ROWS",
    "CompactError",
    "CompactResult",
    "compact",
    "live_edge_files",
]

#: The manifest of a compacted crawl, inside ``edges/``.
MANIFEST = "compacted.json"
#: Rows per row group of a compacted file: a domain with a thousand backlinks sits in one
#: or two row groups; the most linked domains span many, all of them its own.
ROW_GROUP_ROWS = 16_384
#: Rows per compacted file (a domain is never split, so a file can hold more).
FILE_ROWS = 1_000_000
_VERSION = 1
_NAME = re.compile(r"^compacted-(\d{6})-(\d{6})\.parquet$")
_STAGING = ".compacting"
#: The order of the rows in a compacted file: by target domain, then as a link's key.
SORT_KEY = [
    ("dst_domain", "ascending"),
    ("src_url", "ascending"),
    ("dst_url", "ascending"),
    ("position", "ascending"),
]


class CompactError(LinkgraphError):
    """A crawl cannot be compacted as asked (message is one line)."""


@dataclass(frozen=True)
class CompactResult:
    """What ``compact`` did."""

    crawl_dir: Path
    #: edges files read (committed parts and earlier compacted files)
    sources: int
    #: compacted files written
    files: int
    rows: int


def _identity(path: Path) -> list:
    stat = path.stat()
    return [path.name, stat.st_size, stat.st_mtime_ns]


def _read_manifest(edges: Path) -> dict:
    try:
        manifest = json.loads((edges / MANIFEST).read_text("utf-8"))
    except FileNotFoundError:
        return {"version": _VERSION, "generation": 0, "files": [], "replaced": []}
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputFileError(edges / MANIFEST, f"cannot read the manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("version") != _VERSION:
        raise InputFileError(edges / MANIFEST, "not a manifest this version can read")
    return manifest


def live_edge_files(edges: Path) -> list[Path]:
    """The edges files of a crawl's ``edges/`` folder that hold its edges, sorted.

    Every ``*.parquet`` file not starting with a dot, except: parts that the manifest says
    a compaction replaced (same name, size and modification time), and ``compacted-*``
    files the manifest does not list. Without a manifest (every crawl never compacted,
    whatever version wrote it) that is every Parquet file, as before.
    """
    if not edges.is_dir():
        return []
    found = [p for p in sorted(edges.glob("*.parquet")) if not p.name.startswith(".")]
    if not (edges / MANIFEST).exists():
        return [p for p in found if not _NAME.match(p.name)]
    manifest = _read_manifest(edges)
    live = set(manifest["files"])
    replaced = {tuple(entry) for entry in manifest["replaced"]}
    result = []
    for path in found:
        if _NAME.match(path.name):
            if path.name in live:
                result.append(path)
        elif not replaced or tuple(_identity(path)) not in replaced:
            result.append(path)
    return result


def _finish_earlier(edges: Path) -> dict:
    """Complete a compaction that was killed: delete what it replaced, and its leftovers."""
    manifest = _read_manifest(edges)
    for entry in manifest["replaced"]:
        path = edges / entry[0]
        if path.exists() and _identity(path) == list(entry):
            path.unlink()
    live = set(manifest["files"])
    for path in edges.glob("compacted-*.parquet"):
        if path.name not in live:
            path.unlink()
    for path in edges.glob(".*.tmp"):
        path.unlink()
    shutil.rmtree(edges / _STAGING, ignore_errors=True)
    if manifest["replaced"]:
        manifest = {**manifest, "replaced": []}
        write_json_atomic(manifest, edges / MANIFEST)
    return manifest


def _committed(folder: Path, edges: Path, manifest: dict) -> list[Path]:
    """The edges files to compact: the live compacted files, and the parts whose batch
    was committed (a pages part of the same name exists; in a directory without
    ``crawl.json``, written by something other than the crawler, every file)."""
    protocol = (folder / "crawl.json").exists()
    live = set(manifest["files"])
    result = []
    for path in live_edge_files(edges):
        if path.name in live or not protocol or (folder / "pages" / path.name).exists():
            result.append(path)
    return result


def _domain_counts(files: Sequence[Path]) -> Counter:
    """Rows per target domain over ``files``, from the dictionary-encoded column."""
    counts: Counter = Counter()
    for path in files:
        source = pq.ParquetFile(path, read_dictionary=["dst_domain"])
        for batch in source.iter_batches(batch_size=1 << 20, columns=["dst_domain"]):
            column = batch.column(0)
            if not pa.types.is_dictionary(column.type):
                column = pc.dictionary_encode(column)
            per_code = np.bincount(
                column.indices.to_numpy(zero_copy_only=False), minlength=len(column.dictionary)
            )
            used = np.flatnonzero(per_code)
            names = column.dictionary.take(pa.array(used)).to_pylist()
            counts.update(dict(zip(names, per_code[used].tolist(), strict=True)))
    return counts


def _ranges(counts: Counter, file_rows: int) -> np.ndarray:
    """The first domain of each output file: contiguous ranges of about ``file_rows``."""
    names = sorted(counts)
    starts, in_range = [], 0
    for name in names:
        if not starts or in_range >= file_rows:
            starts.append(name)
            in_range = 0
        in_range += counts[name]
    return np.array(starts, dtype=object)


def _range_of(domains: pa.Array, starts: np.ndarray) -> np.ndarray:
    """The output range of each row, looked up once per dictionary entry."""
    encoded = domains if pa.types.is_dictionary(domains.type) else pc.dictionary_encode(domains)
    values = np.array(encoded.dictionary.to_pylist(), dtype=object)
    per_value = np.searchsorted(starts, values, side="right") - 1
    return per_value[encoded.indices.to_numpy(zero_copy_only=False)]


def _split(files: Sequence[Path], starts: np.ndarray, staging: Path) -> None:
    """Stream the sources once, appending each row to its range's unsorted file."""
    writers: dict[int, pq.ParquetWriter] = {}
    try:
        for path in files:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=1 << 20):
                table = pa.Table.from_batches([batch]).cast(EDGES_SCHEMA)
                ranges = _range_of(table.column("dst_domain").combine_chunks(), starts)
                order = np.argsort(ranges, kind="stable")
                table = table.take(pa.array(order))
                bounds = np.searchsorted(ranges[order], np.arange(len(starts) + 1))
                for k in np.flatnonzero(np.diff(bounds)):
                    if k not in writers:
                        writers[k] = pq.ParquetWriter(
                            staging / f"range-{k:06d}.parquet", EDGES_SCHEMA, compression="lz4"
                        )
                    lo, hi = int(bounds[k]), int(bounds[k + 1])
                    writers[k].write_table(table.slice(lo, hi - lo))
                del table
    finally:
        for writer in writers.values():
            writer.close()


def compact(
    crawl_dir: str | os.PathLike[str],
    *,
    file_rows: int = FILE_ROWS,
    row_group_rows: int = ROW_GROUP_ROWS,
    force: bool = False,
) -> CompactResult:
    """Rewrite the crawl's committed edges into files clustered by target domain.

    Streams the edges twice (the target domains, then every column into one unsorted
    file per range), then sorts one range at a time: memory is one range of about
    ``file_rows`` rows, whatever the crawl's size. The crawl reads the same before,
    during and after (``live_edge_files``); a killed compaction is completed by the next.

    Raises ``CompactError`` when the crawl is still running (``crawl.json`` says so: a
    crawl that was killed says so too; resume and stop it, or pass ``force``), and the
    errors of ``graph.store.crawl_dirs`` for paths that are not crawls.
    """
    from graph.store import crawl_dirs, crawl_status, reading

    folder = crawl_dirs([crawl_dir])[0]
    meta = crawl_status(folder) or {}
    if meta.get("status") == "running" and not force:
        raise CompactError(
            f"{crawl_dir}: the crawl is running (or was killed while running); let it finish "
            "or resume and stop it first, or pass --force if no crawler writes to it"
        )
    edges = folder / "edges"
    if not edges.is_dir():
        return CompactResult(folder, 0, 0, 0)
    try:
        manifest = _finish_earlier(edges)
        sources = _committed(folder, edges, manifest)
        staging = edges / _STAGING
        staging.mkdir()
    except OSError as exc:
        raise InputFileError(edges, f"cannot compact here ({exc.strerror or exc})") from None
    try:
        with reading([str(p) for p in sources]):
            counts = _domain_counts(sources)
            starts = _ranges(counts, file_rows)
            _split(sources, starts, staging)
        generation = int(manifest["generation"]) + 1
        written, rows = [], 0
        for k in range(len(starts)):
            unsorted = staging / f"range-{k:06d}.parquet"
            if not unsorted.exists():
                continue
            table = pq.read_table(unsorted, schema=EDGES_SCHEMA).sort_by(SORT_KEY)
            name = f"compacted-{generation:06d}-{len(written):06d}.parquet"
            write_parquet_atomic(table, edges / name, row_group_size=row_group_rows)
            rows += table.num_rows
            written.append(name)
            del table
            unsorted.unlink()
        # The commit point: from here the new files are the crawl's edges, the old ones
        # are replaced (deleted next; a kill before that leaves them to the next run).
        replaced = [_identity(p) for p in sources]
        committed = {
            "version": _VERSION,
            "generation": generation,
            "files": written,
            "replaced": replaced,
            "rows": rows,
            "order": [column for column, _ in SORT_KEY],
            "row_group_rows": row_group_rows,
        }
        write_json_atomic(committed, edges / MANIFEST)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _finish_earlier(edges)
    return CompactResult(folder, len(sources), len(written), rows)
