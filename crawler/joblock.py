"""One process per ``JOBDIR``: an exclusive lock on ``JOBDIR/crawl.lock`` for the life of
the process that crawls from it.

Two crawls on one frontier would each put the other's in-flight URLs back in the queue
and store pages twice. ``fcntl.flock`` is the lock: the kernel releases it when its
holder dies however it dies (SIGKILL included), so a lock left by a dead process is
simply taken by the next one, and there is no stale lock file to clean up. The file holds
the holder's process id, for the message a second process gets.

Taken by the crawl commands before anything in the JOBDIR is read (``crawler.launch``),
and by the frontier when it opens its store there (``crawler.frontier``); a process
that holds it already takes it again at no cost.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from crawler.errors import LinkgraphError

__all__ = ["LOCK_FILE", "JobdirBusy", "lock_jobdir"]

#: In ``JOBDIR``: the lock file (its content is the holder's process id).
LOCK_FILE = "crawl.lock"

# Locks this process holds, by resolved JOBDIR: file descriptors kept open until exit.
_held: dict[str, int] = {}


class JobdirBusy(LinkgraphError):
    """Another live process crawls from this JOBDIR."""


def lock_jobdir(jobdir: str | os.PathLike[str]) -> None:
    """Hold ``jobdir``'s lock until this process exits; ``JobdirBusy`` when another
    process holds it. ``jobdir`` must exist."""
    key = str(Path(jobdir).resolve())
    if key in _held:
        return
    path = Path(jobdir) / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
        os.close(fd)
        raise JobdirBusy(
            f"JOBDIR {jobdir} is in use by another crawl (process {holder}); wait for it to "
            "end or stop it, or give this crawl another -s JOBDIR"
        ) from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode("ascii"))
    _held[key] = fd
