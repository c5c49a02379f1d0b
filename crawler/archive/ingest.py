"""WARC and WAT files -> a crawl directory: in parallel, idempotent, bounded in memory.

Each input file is read by one process (``jobs`` at a time, one per core by default) that
streams its records (``crawler.archive.warc``) into a ``crawler.writer.CrawlWriter`` of
its own: batches of at most 5,000 pages or 50,000 links in memory, each written edges
part first, pages part last, atomically. A file's parts are named after its identity
(``archive-KEY-NNNNNN.parquet``, ``crawler.archive.sources``), and ``crawl.json`` lists
the files done. So a second run on the same files skips those done and rewrites the
parts of any it had not finished (a killed run): no row is ever stored twice. The
layout and columns are a crawl's (``docs/data-contract.md``); what an archive cannot say
is in ``docs/archives.md``.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import queue as queues
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from crawler.archive.sources import Source, describe
from crawler.archive.warc import Counts, archive_rows
from crawler.atomic import write_json_atomic
from crawler.errors import LinkgraphError, one_line
from crawler.record import CRAWL_JSON, read_crawl_json
from crawler.rows import DEFAULT_HTML_TYPES
from crawler.writer import CrawlWriter

__all__ = [
    "ARCHIVE_KIND",
    "ingest",
    "ingest_source",
    "now",
    "part_prefix",
    "prepare_dir",
    "record_meta",
]

#: ``kind`` of the crawl.json of a directory made from archives.
ARCHIVE_KIND = "archives"
#: Seconds between progress reports from a worker.
_REPORT_EVERY = 0.25

Progress = Callable[[str, int, int], None]  # (key, bytes read, records read)
_queue: multiprocessing.Queue | None = None


def now() -> str:
    """The time, for crawl.json."""
    return datetime.now(UTC).isoformat()


def record_meta(crawl_id: str, kind: str, tool: str) -> dict:
    """The start of the crawl.json of a directory made by ingest (``kind``)."""
    return {
        "crawl_id": crawl_id,
        "kind": kind,
        "status": "running",
        "reason": None,
        "started_at": now(),
        "updated_at": now(),
        "finished_at": None,
        "tool": {
            "name": tool,
            "version": _version("linkgraph"),
            "warc_reader": f"fastwarc {_version('fastwarc')}",
        },
    }


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def part_prefix(key: str) -> str:
    """The name prefix of an input file's Parquet parts."""
    return f"archive-{key}"


def _remove_parts(out_dir: Path, prefix: str) -> None:
    # Pages parts first: they are the commit point, so no edges are left looking stored.
    for table in ("pages", "edges"):
        folder = out_dir / table
        if folder.is_dir():
            for path in folder.glob(f"{prefix}-*.parquet"):
                path.unlink()


def ingest_source(
    source: Source,
    out_dir: str | os.PathLike[str],
    crawl_id: str,
    *,
    html_types: Iterable[str] = DEFAULT_HTML_TYPES,
    progress: Progress | None = None,
) -> dict:
    """Read one input file into ``out_dir`` (replacing any parts of it already there) and
    return its ``crawl.json`` entry: the file, what was read, skipped and malformed."""
    out_dir = Path(out_dir)
    prefix = part_prefix(source.key)
    _remove_parts(out_dir, prefix)
    counts = Counts()
    writer = CrawlWriter(out_dir, crawl_id, prefix=prefix, flush_seconds=math.inf)
    started = last = time.monotonic()
    for page, links in archive_rows(source, counts, html_types=html_types):
        writer.add_page(page, links)
        if progress is not None and time.monotonic() - last >= _REPORT_EVERY:
            last = time.monotonic()
            progress(source.key, counts.position, counts.records)
    writer.close()
    if progress is not None:
        progress(source.key, source.size or counts.position, counts.records)
    return {
        **source.manifest(),
        "status": "done",
        "format": "wat" if counts.wat_pages else "warc",
        "records": counts.as_dict(),
        "pages_written": writer.pages_written,
        "edges_written": writer.edges_written,
        "seconds": round(time.monotonic() - started, 3),
    }


def _init_worker(progress_queue: multiprocessing.Queue) -> None:
    global _queue
    _queue = progress_queue


def _report(key: str, position: int, records: int) -> None:
    if _queue is not None:
        _queue.put((key, position, records))


def _work(source: Source, out_dir: str, crawl_id: str, html_types: list[str]) -> dict:
    """One file in a worker process; user errors come back as a failed entry (a
    ``LinkgraphError`` does not survive pickling with its message intact)."""
    try:
        return ingest_source(source, out_dir, crawl_id, html_types=html_types, progress=_report)
    except LinkgraphError as exc:
        return {**source.manifest(), "status": "failed", "error": one_line(exc)}


def prepare_dir(out_dir: Path, kind: str) -> dict:
    """The crawl.json of ``out_dir`` if it was made by ``kind`` ingest before, or {} for a
    new directory; a ``LinkgraphError`` for a directory that holds other data (a crawl),
    which ingest must not mix with."""
    meta = read_crawl_json(out_dir)
    if meta is not None:
        if meta.get("kind") != kind:
            made = meta.get("kind") or "a crawl"
            raise LinkgraphError(
                f"{out_dir}: already holds {made}, not {kind} ingest; choose another --crawl-id"
            )
        return meta
    stored = [p for t in ("pages", "edges") for p in (out_dir / t).glob("*.parquet")]
    if stored:
        raise LinkgraphError(f"{out_dir}: already holds data; choose another --crawl-id")
    return {}


def _totals(entries: Sequence[dict]) -> dict:
    skipped: Counter = Counter()
    totals = {"read": 0, "pages": 0, "malformed": 0}
    for entry in entries:
        records = entry.get("records") or {}
        for name in totals:
            totals[name] += records.get(name, 0)
        skipped.update(records.get("skipped") or {})
    return {**totals, "skipped": dict(sorted(skipped.items()))}


def ingest(
    names: Sequence[str],
    out_dir: str | os.PathLike[str],
    crawl_id: str,
    *,
    jobs: int = 0,
    html_types: Iterable[str] = DEFAULT_HTML_TYPES,
    progress: Progress | None = None,
    planned: Callable[[list[Source], list[Source]], None] | None = None,
) -> dict:
    """Ingest WARC/WAT files (paths or URLs) into ``out_dir``; returns its crawl.json.

    ``jobs`` processes read files in parallel (0: one per core); ``planned`` is told the
    inputs and those still to do before work starts, ``progress`` how far each has got.
    Files already done in ``out_dir`` are skipped. A file that cannot be read is listed as
    failed, the others go on, and a ``LinkgraphError`` then says which failed.
    """
    out_dir = Path(out_dir)
    previous = prepare_dir(out_dir, ARCHIVE_KIND)
    sources = list({s.key: s for s in map(describe, names)}.values())
    entries = {e["key"]: e for e in previous.get("inputs") or [] if e.get("status") == "done"}
    todo = [s for s in sources if s.key not in entries]
    if planned is not None:
        planned(sources, todo)
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = record_meta(crawl_id, ARCHIVE_KIND, "linkgraph ingest")
    meta["started_at"] = previous.get("started_at") or meta["started_at"]
    meta["unknown"] = ["depth"]

    def save(status: str = "running", reason: str | None = None) -> None:
        done = list(entries.values())
        meta.update(
            status=status,
            reason=reason,
            updated_at=now(),
            inputs=done,
            records=_totals(done),
            output={
                "pages_written": sum(e.get("pages_written", 0) for e in done),
                "edges_written": sum(e.get("edges_written", 0) for e in done),
            },
        )
        if status != "running":
            meta["finished_at"] = now()
        write_json_atomic(meta, out_dir / CRAWL_JSON)

    save()
    try:
        for entry in _run(todo, out_dir, crawl_id, jobs, list(html_types), progress):
            entries[entry["key"]] = entry
            save()
    except BaseException:
        save("interrupted", "interrupted")
        raise
    failed = [e for e in entries.values() if e.get("status") == "failed"]
    save("finished" if not failed else "interrupted", None if not failed else "unreadable input")
    if failed:
        first = failed[0]
        raise LinkgraphError(
            f"{len(failed)} of {len(sources)} input files could not be read; "
            f"the others were ingested; first: {first['error']}"
        )
    return meta


def _run(todo: list[Source], out_dir: Path, crawl_id: str, jobs: int, html_types, progress):
    """Each input's entry as it is done: in this process for one job or one file."""
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(todo) <= 1:
        for source in todo:
            try:
                yield ingest_source(
                    source, out_dir, crawl_id, html_types=html_types, progress=progress
                )
            except LinkgraphError as exc:
                yield {**source.manifest(), "status": "failed", "error": one_line(exc)}
        return
    context = multiprocessing.get_context("spawn")  # no fork under a live display thread
    reports = context.Queue()
    with ProcessPoolExecutor(
        min(jobs, len(todo)), mp_context=context, initializer=_init_worker, initargs=(reports,)
    ) as pool:
        pending = {pool.submit(_work, s, str(out_dir), crawl_id, html_types) for s in todo}
        while pending:
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            _drain(reports, progress)
            for future in done:
                yield future.result()
        _drain(reports, progress)


def _drain(reports: multiprocessing.Queue, progress: Progress | None) -> None:
    while True:
        try:
            report = reports.get_nowait()
        except queues.Empty:
            return
        if progress is not None:
            progress(*report)
