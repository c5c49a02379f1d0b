"""The research index of a crawl: its edges again, split by target domain into buckets.

A backlink query must find the few edges into one domain among all of them. The crawler
writes edges page by page, so the target domain is in no order, Parquet row-group
statistics cannot skip anything, and every query decompresses the whole ``dst_domain``
and ``dst_url`` columns. ``build_index`` (``linkgraph index``) writes the edges again,
split by a hash of the target domain (hash partitioning, as a distributed database would
do it), each bucket sorted by target domain in small row groups: a query about a domain
opens one bucket file (1/``buckets`` of the edges) and the row-group statistics of
``dst_domain`` narrow it to that domain's rows. ``indexed_files`` tells a reader which
bucket files to open, or that it must scan the crawl (no index, or an out-of-date one).
Figures in ``docs/benchmarks.md`` ("Research queries").
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from crawler.atomic import write_json_atomic
from crawler.errors import InputFileError
from crawler.schema import EDGES_SCHEMA
from graph.store import crawl_dirs, crawl_files, reading

__all__ = ["INDEX_DIR", "INDEX_BUCKETS", "index_bucket", "indexed_files", "build_index"]

logger = logging.getLogger(__name__)

#: Where ``build_index`` writes, inside a crawl directory.
INDEX_DIR = "research-index"
INDEX_BUCKETS = 64
_INDEX_VERSION = 1
_INDEX_ROW_GROUP = 16_384


def index_bucket(domain: str, buckets: int = INDEX_BUCKETS) -> int:
    """The index bucket of a registered domain: CRC-32 of its UTF-8 bytes, modulo ``buckets``.

    CRC-32 (``zlib.crc32``) rather than Python's ``hash``, which is salted per process, or
    DuckDB's ``hash``, which may change between versions: an index must mean the same
    thing to every reader.
    """
    return zlib.crc32(domain.encode("utf-8")) % buckets


def _edge_files_state(folder: Path) -> list[list]:
    return [
        [Path(f).name, os.stat(f).st_size, int(os.stat(f).st_mtime)]
        for f in crawl_files([folder], "edges")
    ]


def _index_manifest(folder: Path) -> dict | None:
    """The crawl's index manifest if the index matches the crawl's edge files, else None."""
    try:
        manifest = json.loads((folder / INDEX_DIR / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("version") != _INDEX_VERSION:
        return None
    if manifest.get("edges_files") != _edge_files_state(folder):
        logger.warning("%s: the research index is out of date; not used", folder)
        return None
    return manifest


def indexed_files(folders: Sequence[Path], domains: Sequence[str]) -> list[str] | None:
    """The index bucket files holding edges into ``domains``, or None to scan everything.

    ``LINKGRAPH_RESEARCH_INDEX=0`` in the environment turns the index off (for measuring).
    """
    if os.environ.get("LINKGRAPH_RESEARCH_INDEX", "1") == "0":
        return None
    files: list[str] = []
    for folder in folders:
        manifest = _index_manifest(folder)
        if manifest is None:
            return None
        buckets = sorted({index_bucket(d, manifest["buckets"]) for d in domains})
        for bucket in buckets:
            path = folder / INDEX_DIR / f"dst-{bucket:03d}.parquet"
            if path.exists():
                files.append(str(path))
    return files


def _split(table: pa.Table, buckets: int, write) -> None:
    """Hand each bucket's rows of ``table`` to ``write(bucket, rows)``."""
    domains = pc.dictionary_encode(table["dst_domain"]).combine_chunks()
    by_value = np.fromiter(
        (index_bucket(d, buckets) for d in domains.dictionary.to_pylist()),
        dtype=np.int32,
        count=len(domains.dictionary),
    )
    row_bucket = by_value[domains.indices.to_numpy(zero_copy_only=False)]
    order = np.argsort(row_bucket, kind="stable")
    table = table.take(pa.array(order))
    starts = np.searchsorted(row_bucket[order], np.arange(buckets + 1))
    for bucket in range(buckets):
        lo, hi = int(starts[bucket]), int(starts[bucket + 1])
        if hi > lo:
            write(bucket, table.slice(lo, hi - lo))


def build_index(
    crawl_dir: str | os.PathLike[str],
    *,
    buckets: int = INDEX_BUCKETS,
    batch_rows: int = 1_000_000,
) -> Path:
    """Write the crawl's edges again, split by target domain into ``buckets`` files.

    The index lives in ``CRAWL_DIR/research-index/`` with a manifest of the edge files it
    was built from; when they change, queries stop using it (and say so in the log) until
    it is built again. Streams one file's batches of ``batch_rows`` rows at a time, and
    appears whole or not at all (built in a hidden folder, then renamed into place).
    """
    folder = crawl_dirs([crawl_dir])[0]
    state = _edge_files_state(folder)
    target = folder / INDEX_DIR
    try:
        staging = Path(tempfile.mkdtemp(prefix=".research-index.", dir=folder))
    except OSError as exc:
        raise InputFileError(
            folder, f"cannot write the index here ({exc.strerror or exc})"
        ) from None
    writers: dict[int, pq.ParquetWriter] = {}

    def write(bucket: int, rows: pa.Table) -> None:
        if bucket not in writers:
            writers[bucket] = pq.ParquetWriter(
                staging / f".unsorted-{bucket:03d}.parquet", EDGES_SCHEMA, compression="zstd"
            )
        writers[bucket].write_table(rows)

    try:
        # One file's batches at a time, no read-ahead: memory stays at a few batches.
        files = crawl_files([folder], "edges")
        with reading(files):
            for name in files:
                for batch in pq.ParquetFile(name).iter_batches(batch_size=batch_rows):
                    _split(pa.Table.from_batches([batch]).cast(EDGES_SCHEMA), buckets, write)
        for writer in writers.values():
            writer.close()
        writers.clear()
        # Second pass, one bucket at a time: sorted by target domain, in small row groups,
        # so the row-group statistics of dst_domain let a reader skip all but one domain's.
        for bucket in range(buckets):
            unsorted = staging / f".unsorted-{bucket:03d}.parquet"
            if unsorted.exists():
                table = pq.read_table(unsorted, schema=EDGES_SCHEMA)
                table = table.sort_by([("dst_domain", "ascending"), ("src_url", "ascending")])
                pq.write_table(
                    table,
                    staging / f"dst-{bucket:03d}.parquet",
                    compression="zstd",
                    row_group_size=_INDEX_ROW_GROUP,
                )
                del table
                unsorted.unlink()
        manifest = {
            "version": _INDEX_VERSION,
            "buckets": buckets,
            "hash": "crc32(utf-8 dst_domain) % buckets",
            "edges_files": state,
        }
        write_json_atomic(manifest, staging / "manifest.json")
        os.chmod(staging, 0o755)
        if target.exists():
            old = folder / f".research-index.old.{os.getpid()}"
            os.replace(target, old)
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        for writer in writers.values():
            writer.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
