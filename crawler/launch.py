"""Running the ``seeds`` spider from a command line: the checks before the reactor starts
and what to say when the crawl ends.

Shared by ``scrapy crawl seeds`` (``crawler/commands/crawl.py``) and ``linkgraph crawl``
(``linkgraph/commands/crawl.py``), so both refuse the same mistakes in the same words and
end the same way: exit status 0 when the crawl finished, 1 with one line saying how to
resume it when it did not, 2 (before anything is fetched) for input the user must fix.
"""

from __future__ import annotations

import json
import logging
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.atomic import write_json_atomic
from crawler.errors import InputFileError, LinkgraphError
from crawler.extensions import live_display
from crawler.frontier.base import store_name, worker_id
from crawler.joblock import lock_jobdir
from crawler.options import CrawlOptions, parse_options, path_problem, shown
from crawler.record import SKIPPED_EXAMPLES, read_crawl_json, status_of

if TYPE_CHECKING:
    from scrapy.settings import Settings

__all__ = [
    "CrawlStateError",
    "JOB_FILE",
    "finish",
    "prepare",
    "process_for",
    "quiet_startup_log",
    "resume_command",
    "skipped_lines",
    "start",
]

_ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
#: In ``JOBDIR``: which crawl the job directory belongs to, written when it is first used.
JOB_FILE = "job.json"

# Scrapy's INFO lines before the first page (version, settings, enabled components) and the
# stats dump at the end: the live display and crawl.json say the same, better.
_STARTUP_LOGGERS = (
    "scrapy.utils.log",
    "scrapy.addons",
    "scrapy.middleware",
    "scrapy.extensions.telnet",
    "scrapy.core.engine",
    "scrapy.statscollectors",
)


class CrawlStateError(LinkgraphError):
    """A ``crawl_id`` / ``JOBDIR`` / ``DATA_DIR`` combination that would damage a crawl."""


def _check_jobdir(jobdir: Path, crawl_id: str, crawl_dir: Path) -> bool:
    """Refuse a JOBDIR that belongs to another crawl; True when it names its owner.

    The frontier in a JOBDIR says which URLs its crawl already stored; under another
    crawl_id (or written elsewhere) those URLs would be skipped and never stored there.
    """
    path = jobdir / JOB_FILE
    if not path.exists():
        return False
    try:
        owner = json.loads(path.read_text(encoding="utf-8"))
        owner_id, owner_dir = owner["crawl_id"], owner["crawl_dir"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputFileError(path, f"not a linkgraph job file ({exc})") from None
    if owner_id != crawl_id:
        raise CrawlStateError(
            f"JOBDIR {jobdir} belongs to crawl {owner_id!r}, not {crawl_id!r}; resume "
            f"that crawl with -a crawl_id={owner_id}, or give this one another -s JOBDIR"
        )
    here = str(crawl_dir.resolve())
    if owner_dir != here:
        raise CrawlStateError(
            f"JOBDIR {jobdir} belongs to crawl {crawl_id!r} written to {owner_dir}, not "
            f"{here}; resume it with -s DATA_DIR={Path(owner_dir).parent}"
        )
    return True


def _claim_jobdir(jobdir: Path, crawl_id: str, crawl_dir: Path) -> None:
    """Record in a new JOBDIR which crawl it belongs to."""
    try:
        write_json_atomic(
            {"crawl_id": crawl_id, "crawl_dir": str(crawl_dir.resolve())}, jobdir / JOB_FILE
        )
    except OSError as exc:
        raise InputFileError(jobdir, f"cannot be used as JOBDIR ({exc.strerror or exc})") from None


def _lock(jobdir: Path, *, create: bool) -> None:
    """Take the JOBDIR's lock (``crawler.joblock``), making the directory first if asked."""
    try:
        if create:
            jobdir.mkdir(parents=True, exist_ok=True)
        lock_jobdir(jobdir)
    except OSError as exc:
        raise InputFileError(jobdir, f"cannot be used as JOBDIR ({exc.strerror or exc})") from None


def _check_path(path: Path, what: str) -> None:
    """A path the file system cannot take is one line, not an OSError deep in the crawl."""
    problem = path_problem(str(path))
    if problem is not None:
        raise CrawlStateError(f"-s {what}={shown(str(path))}: {problem}")


def prepare(settings: Settings, spargs: dict[str, str]) -> CrawlOptions:
    """Check the spider arguments and the crawl's state before the crawl starts.

    Raises ``CrawlArgError`` (a bad ``-a``), ``CrawlStateError`` (a JOBDIR of another
    crawl; a crawl_id that has data but no frontier to resume from; a path the file system
    cannot take), ``JobdirBusy`` (another process crawls from the JOBDIR) or
    ``InputFileError`` (an unreadable job file, a JOBDIR that cannot be written). The
    JOBDIR's lock is taken before anything in it is read, and held until the process
    exits; a new JOBDIR is made and claimed only when every check passed.
    """
    options = parse_options(spargs, settings)
    data_dir = Path(settings.get("DATA_DIR"))
    _check_path(data_dir, "DATA_DIR")
    crawl_dir = data_dir / options.crawl_id
    jobdir = Path(settings.get("JOBDIR")) if settings.get("JOBDIR") else None
    if jobdir is not None:
        _check_path(jobdir, "JOBDIR")
        if jobdir.is_dir():
            _lock(jobdir, create=False)
    owned = jobdir is not None and _check_jobdir(jobdir, options.crawl_id, crawl_dir)
    resumable = jobdir is not None and (jobdir / "frontier.sqlite").exists()
    # A shared frontier (Redis) holds the queue whichever process stored the data.
    shared = store_name(settings) == "redis"
    if shared:
        from crawler.frontier.redis_store import check_redis

        check_redis(settings.get("REDIS_URL"))
    resumable = resumable or shared
    if any((crawl_dir / "pages").glob("part-*.parquet")) and not resumable:
        # Without the frontier the queue is gone: starting again would fetch only the
        # seeds' unstored neighbours and call the crawl finished.
        raise CrawlStateError(
            f"crawl {options.crawl_id!r} already has data in {crawl_dir}; resume it with "
            "the -s JOBDIR it ran with, or choose another crawl_id"
        )
    if jobdir is not None and not owned:
        _lock(jobdir, create=True)
        # Another process may have claimed it between the check and the lock.
        if not _check_jobdir(jobdir, options.crawl_id, crawl_dir):
            _claim_jobdir(jobdir, options.crawl_id, crawl_dir)
    return options


def skipped_lines(options: CrawlOptions) -> list[str]:
    """The seed lines that were skipped, the first few and a count of the rest.

    >>> o = CrawlOptions([], "s.txt", "c", 1, 1, True, False, [f"s.txt line {i}: bad" for i in range(9)])
    >>> skipped_lines(o)[-1]
    'skipped 4 more lines that are not http(s) URLs (9 in all; counted in crawl.json)'
    """
    problems = options.skipped_seed_lines
    lines = [f"skipped {problem}" for problem in problems[:SKIPPED_EXAMPLES]]
    if len(problems) > SKIPPED_EXAMPLES:
        lines.append(
            f"skipped {len(problems) - SKIPPED_EXAMPLES:,} more lines that are not http(s) "
            f"URLs ({len(problems):,} in all; counted in crawl.json)"
        )
    return lines


def resume_command(prog: str, spargs: dict[str, str], set_args: list[str]) -> str:
    """The command line that runs the crawl again with the same ``-a`` and ``-s``.

    >>> resume_command("scrapy crawl seeds", {"crawl_id": "a b"}, ["JOBDIR=job"])
    "scrapy crawl seeds -a 'crawl_id=a b' -s JOBDIR=job"
    """
    args = shlex.split(prog)
    for name, value in spargs.items():
        args += ["-a", f"{name}={value}"]
    for item in set_args:
        args += ["-s", item]
    return shlex.join(args)


def _level(value: object) -> int:
    if isinstance(value, int):
        return value
    return logging.getLevelNamesMapping().get(str(value).upper(), logging.INFO)


def quiet_startup_log(settings: Settings) -> None:
    """Under the live display at the default log level, keep only Scrapy's warnings: the
    start-up INFO lines would scroll the display away before the first page. Our own
    messages (resuming, the summary) and every warning stay; ``-s LOG_LEVEL=DEBUG``, or a
    log that is not a terminal, keeps everything."""
    if not live_display(settings) or _level(settings.get("LOG_LEVEL")) != logging.INFO:
        return
    # Filters on the loggers themselves: Scrapy's logging set-up resets the levels of its
    # loggers (dictConfig) and replaces the root handler, but leaves their filters.
    for name in _STARTUP_LOGGERS:
        logging.getLogger(name).addFilter(_warnings_only)
    # Its "Received SIGINT, shutting down gracefully" line is worth keeping.
    logging.getLogger("scrapy.crawler").addFilter(_not_overridden_settings)


def _warnings_only(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING


def _not_overridden_settings(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("Overridden settings")


def start(settings: Settings, spargs: dict[str, str], set_args: list[str], prog: str) -> str:
    """Everything before the crawl process is made: check (raises as ``prepare``), print
    the skipped seed lines on stderr, fix the crawl_id for the whole run, record how to
    resume, quiet the start-up log. Returns the crawl_id."""
    options = prepare(settings, spargs)
    for line in skipped_lines(options):
        print(f"{prog}: {line}", file=sys.stderr)
    # The same id for the whole run and its resumption (the default is a timestamp).
    spargs["crawl_id"] = options.crawl_id
    if settings.get("JOBDIR"):
        settings.set(
            "LINKGRAPH_RESUME_COMMAND", resume_command(prog, spargs, set_args), priority="cmdline"
        )
    quiet_startup_log(settings)
    return options.crawl_id


def finish(settings: Settings, crawl_id: str, prog: str) -> int:
    """After the crawl process ended: 0 when crawl.json says finished; else one line on
    stderr saying how to resume, and 1."""
    meta = read_crawl_json(Path(settings.get("DATA_DIR")) / crawl_id)
    if meta is None:
        return 1
    status, reason = status_of(meta)
    if meta.get("workers"):
        # A shared crawl: this process is done when its own run finished (the others may
        # still be crawling).
        me = worker_id(settings.get("LINKGRAPH_WORKER_ID"))
        mine = [r for r in meta.get("runs") or [] if (r.get("worker") or {}).get("id") == me]
        if mine:
            status, reason = status_of(mine[-1])
    if status == "finished":
        return 0
    command = meta.get("resume_command")
    why = f"{status} ({reason})" if reason else status
    if command:
        print(f"{prog}: crawl {crawl_id!r} is {why}; resume it with: {command}", file=sys.stderr)
    else:
        print(
            f"{prog}: crawl {crawl_id!r} is {why}; it ran without -s JOBDIR, so it cannot be "
            "resumed: run it again with another crawl_id and -s JOBDIR=DIR",
            file=sys.stderr,
        )
    return 1


def process_for(settings: Settings):
    """The crawler process ``scrapy crawl`` would make for these settings."""
    from scrapy.crawler import AsyncCrawlerProcess, CrawlerProcess

    if (
        settings["TWISTED_REACTOR"] == _ASYNCIO_REACTOR
        and not settings.getbool("FORCE_CRAWLER_PROCESS")
    ) or not settings.getbool("TWISTED_REACTOR_ENABLED"):
        return AsyncCrawlerProcess(settings)
    return CrawlerProcess(settings)
