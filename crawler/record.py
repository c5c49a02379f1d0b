"""``crawl.json``: the life of one crawl across its runs (no Scrapy).

A crawl (one ``crawl_id``) can take several runs: stopped, killed, resumed, or run again
once finished. ``crawl.json`` says where it stands (``status``: ``running``, ``finished``
or ``interrupted`` with a ``reason``), keeps one entry per run under ``runs`` and the
stats of all runs summed under ``stats``, and what each site's robots.txt said under
``robots`` (the latest reading of each site, over all runs). Layout and field meanings:
``docs/data-contract.md`` ("crawl.json").

Why the counts are exact after a kill: a run rewrites its entry after every batch it
commits, and a run that never closed its entry (SIGKILL, power loss) is closed by the
next run, which credits it with what the crawl directory holds beyond the other runs'
counts. The pages files are the truth about what was stored (``crawler/writer.py``).

In a shared crawl (several processes on one Redis frontier, ``docs/crawling.md``) every
run carries its ``worker`` (id and host); each write re-reads the file under a lock and
keeps the other workers' runs as they are there, so no worker overwrites another, and
``workers`` sums up each worker (id, host, start, end, status, stats, rows stored). A run
left ``running`` is closed only by a later run of the same worker.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from crawler.atomic import write_json_atomic

__all__ = [
    "CRAWL_JSON",
    "CrawlRecord",
    "KILLED",
    "read_crawl_json",
    "seeds_summary",
    "status_of",
    "sum_stats",
    "SKIPPED_EXAMPLES",
    "workers_summary",
]

logger = logging.getLogger(__name__)

CRAWL_JSON = "crawl.json"
#: How many bad seed lines crawl.json (and the command's output) show; the rest are counted.
SKIPPED_EXAMPLES = 5
#: The reason a run gets when it ended without closing the crawl (SIGKILL, a forced
#: second Ctrl-C, a crash).
KILLED = "killed"


def _now() -> str:
    return datetime.now(UTC).isoformat()


def seeds_summary(seeds: list[str], source: str, problems: list[str]) -> dict:
    """What crawl.json says about the seeds: not the list (a seeds file can hold millions
    of URLs) but its size and a digest that tells whether two runs had the same seeds.

    ``sha256`` is over the normalised seeds in order, each followed by a newline.

    >>> seeds_summary(["http://a.com/"], "seeds.txt", [])["sha256"][:12]
    'a8ab4d6f6135'
    """
    digest = hashlib.sha256()
    for url in seeds:
        digest.update(url.encode("utf-8") + b"\n")
    return {
        "count": len(seeds),
        "sha256": digest.hexdigest(),
        "source": source,
        "skipped": len(problems),
        "skipped_examples": problems[:SKIPPED_EXAMPLES],
    }


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def sum_stats(runs: Iterable[dict]) -> dict:
    """Scrapy stats of several runs as one: counters summed (``elapsed_time_seconds`` is
    the total time spent crawling), gauges (``memusage/*``) their largest value,
    ``start_time`` the first run's and any other non-number the last run's.

    >>> sum_stats([{"a": 1, "memusage/max": 9, "finish_reason": "shutdown"},
    ...            {"a": 2, "memusage/max": 7, "finish_reason": "finished"}])
    {'a': 3, 'memusage/max': 9, 'finish_reason': 'finished'}
    """
    total: dict = {}
    for stats in runs:
        for key, value in stats.items():
            before = total.get(key)
            if key not in total:
                total[key] = value
            elif _is_number(value) and _is_number(before):
                total[key] = max(before, value) if key.startswith("memusage/") else before + value
            elif key != "start_time":
                total[key] = value
    return total


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        logger.warning("%s cannot be read (%s); its earlier runs are not counted", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def status_of(meta: dict) -> tuple[str, str | None]:
    """(status, reason) of a crawl.json, older layouts included: before runs were kept, an
    unfinished crawl said ``"stopped (REASON)"``.

    >>> status_of({"status": "stopped (shutdown)"})
    ('interrupted', 'shutdown')
    >>> status_of({"status": "interrupted", "reason": "killed"})
    ('interrupted', 'killed')
    """
    status = meta.get("status")
    if status in ("running", "finished"):
        return status, None
    if status == "interrupted":
        return status, meta.get("reason")
    if isinstance(status, str) and status.startswith("stopped (") and status.endswith(")"):
        return "interrupted", status[len("stopped (") : -1]
    return "interrupted", str(status) if status else None


def read_crawl_json(crawl_dir: str | os.PathLike[str]) -> dict | None:
    """A crawl directory's crawl.json; None when it has none ({} when it is unreadable).

    >>> read_crawl_json("/nonexistent") is None
    True
    """
    path = Path(crawl_dir) / CRAWL_JSON
    return _read(path) if path.exists() else None


def _earlier_runs(previous: dict) -> list[dict]:
    """The runs of a crawl.json; one run standing for all of them in an older layout."""
    runs = previous.get("runs")
    if isinstance(runs, list):
        return [dict(r) for r in runs if isinstance(r, dict)]
    if not previous:
        return []
    status, reason = status_of(previous)
    return [
        {
            "started_at": previous.get("started_at"),
            "finished_at": previous.get("finished_at"),
            "status": status,
            "reason": reason,
            "stats": previous.get("stats") or {},
            # Credited from the crawl directory when the record is opened.
            "pages_written": None,
            "edges_written": None,
        }
    ]


class CrawlRecord:
    """``crawl.json`` of one crawl directory, for the run that opens it.

    Opening closes a run left ``running`` by a process that died (as ``interrupted``,
    reason ``killed``, credited with the stored pages and edges no other run accounts
    for) and starts a new run. ``checkpoint`` after each committed batch and ``finish``
    once at the end rewrite the file atomically.
    """

    def __init__(
        self,
        crawl_dir: str | os.PathLike[str],
        *,
        crawl_id: str,
        arguments: dict,
        seeds: dict,
        settings: dict,
        resume_command: str | None,
        stored_pages: int,
        stored_edges: int,
        worker: dict | None = None,
    ) -> None:
        self.path = Path(crawl_dir) / CRAWL_JSON
        #: {"id", "host"} in a shared crawl: only this worker's runs are this record's.
        self.worker = worker
        with self._locked():
            previous = _read(self.path)
            self._open(previous, stored_pages, stored_edges)
        self.meta: dict = {
            "crawl_id": crawl_id,
            "arguments": arguments,
            "seeds": seeds,
            "settings": settings,
            "resume_command": resume_command,
        }
        self._save()

    def _open(self, previous: dict, stored_pages: int, stored_edges: int) -> None:
        runs = [r for r in _earlier_runs(previous) if self._mine(r)]
        # Sites this run does not meet keep what an earlier run read.
        robots = previous.get("robots")
        self.robots: dict = dict(robots) if isinstance(robots, dict) else {}
        for run in runs:
            if run.get("status") == "running":
                run.update(
                    status="interrupted",
                    reason=KILLED,
                    finished_at=run.pop("updated_at", None) or run.get("started_at"),
                    pages_written=None,
                    edges_written=None,
                )
        for key, stored in (("pages_written", stored_pages), ("edges_written", stored_edges)):
            unknown = [run for run in runs if run.get(key) is None]
            known = sum(run.get(key) or 0 for run in runs)
            for i, run in enumerate(unknown):
                # Only the last run can be unknown in practice; any others get 0.
                run[key] = max(stored - known, 0) if i == len(unknown) - 1 else 0
        self.run: dict = {
            "started_at": _now(),
            "finished_at": None,
            "status": "running",
            "reason": None,
            "stats": {},
            "pages_written": 0,
            "edges_written": 0,
        }
        if self.worker is not None:
            self.run["worker"] = dict(self.worker)
        self.runs = [*runs, self.run]

    def _mine(self, run: dict) -> bool:
        if self.worker is None:
            return True
        return (run.get("worker") or {}).get("id") == self.worker["id"]

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the crawl directory's crawl.json lock (shared crawls only)."""
        if self.worker is None:
            yield
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.parent / ".crawl.json.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @property
    def finished(self) -> bool:
        """Has this run been closed (``finish``)?"""
        return self.run["status"] != "running"

    def checkpoint(
        self,
        stats: dict,
        pages_written: int,
        edges_written: int,
        robots: Mapping[str, dict] | None = None,
    ) -> None:
        """Record this run's progress (called after each committed batch), with what the
        run read in each site's robots.txt so far."""
        if self.finished:
            return
        self.robots.update(robots or {})
        self.run.update(
            stats=stats,
            pages_written=pages_written,
            edges_written=edges_written,
            updated_at=_now(),
        )
        self._save()

    def finish(
        self,
        reason: str,
        stats: dict,
        pages_written: int,
        edges_written: int,
        robots: Mapping[str, dict] | None = None,
    ) -> None:
        """Close this run: ``finished`` for Scrapy's close reason ``"finished"``, else
        ``interrupted`` with the reason (``shutdown``, ``closespider_pagecount``,
        ``killed``...). Only the first call counts."""
        if self.finished:
            return
        self.robots.update(robots or {})
        self.run.pop("updated_at", None)
        self.run.update(
            status="finished" if reason == "finished" else "interrupted",
            reason=None if reason == "finished" else reason,
            finished_at=_now(),
            stats=stats,
            pages_written=pages_written,
            edges_written=edges_written,
        )
        self._save()

    def _save(self) -> None:
        with self._locked():
            self._write(_read(self.path) if self.worker is not None else None)

    def _write(self, on_disk: dict | None) -> None:
        runs, last = self.runs, self.run
        if self.worker is not None and on_disk:
            others = [r for r in _earlier_runs(on_disk) if not self._mine(r)]
            runs = sorted([*others, *self.runs], key=lambda r: r.get("started_at") or "")
            robots = on_disk.get("robots")
            if isinstance(robots, dict):
                self.robots = {**robots, **self.robots}
        pages = sum(r["pages_written"] or 0 for r in runs)
        edges = sum(r["edges_written"] or 0 for r in runs)
        status, reason = last["status"], last["reason"]
        if self.worker is not None:
            status, reason = _shared_status(runs)
        meta = {
            "crawl_id": self.meta["crawl_id"],
            "status": status,
            "reason": reason,
            **{k: v for k, v in self.meta.items() if k != "crawl_id"},
            "started_at": runs[0]["started_at"],
            "resumed_at": [r["started_at"] for r in runs[1:]],
            "finished_at": last["finished_at"],
            "stats": sum_stats(r.get("stats") or {} for r in runs),
            "output": {
                "pages_written": pages,
                "edges_written": edges,
                "pages_written_this_run": last["pages_written"],
                "edges_written_this_run": last["edges_written"],
            },
            "robots": dict(sorted(self.robots.items())),
            "runs": runs,
        }
        if self.worker is not None:
            meta["workers"] = workers_summary(runs)
        write_json_atomic(meta, self.path)


def _shared_status(runs: list[dict]) -> tuple[str, str | None]:
    """A shared crawl runs while any worker runs; then it is what its last run to end
    says."""
    if any(r.get("status") == "running" for r in runs):
        return "running", None
    last = max(runs, key=lambda r: r.get("finished_at") or "")
    return last.get("status") or "interrupted", last.get("reason")


def workers_summary(runs: Iterable[dict]) -> list[dict]:
    """One entry per worker of a shared crawl: ``id``, ``host``, ``started_at`` (its first
    run's), ``finished_at`` and ``status`` (its last run's), ``stats`` (summed over its
    runs), ``pages_written``, ``edges_written``.

    >>> workers_summary([{"worker": {"id": "w1", "host": "h"}, "started_at": "1",
    ...   "finished_at": "2", "status": "finished", "stats": {"a": 1},
    ...   "pages_written": 3, "edges_written": 4}])[0]["pages_written"]
    3
    """
    by_id: dict[str, list[dict]] = {}
    for run in runs:
        worker = run.get("worker") or {}
        by_id.setdefault(worker.get("id", ""), []).append(run)
    summary = []
    for wid, own in by_id.items():
        summary.append(
            {
                "id": wid,
                "host": (own[-1].get("worker") or {}).get("host"),
                "started_at": own[0].get("started_at"),
                "finished_at": own[-1].get("finished_at"),
                "status": own[-1].get("status"),
                "stats": sum_stats(r.get("stats") or {} for r in own),
                "pages_written": sum(r.get("pages_written") or 0 for r in own),
                "edges_written": sum(r.get("edges_written") or 0 for r in own),
            }
        )
    return summary
