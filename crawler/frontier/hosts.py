"""Which host may be fetched next: per-host politeness for a store in one process.

A host with queued URLs is either *timed* (in a heap by the time it may next be fetched:
the one ready longest goes first, so ready hosts take turns and a host whose delay just
passed is not put behind the hosts served meanwhile) or *blocked* (as many of its URLs
out as it may have; timed again when one comes back). This is the "workbench" of a search engine's frontier
(Heritrix's per-host queues with a wake-up time; BUbiNG, Boldi et al. 2016, section 4):
a slow or delayed host waits on its own and never holds up the others. The Redis store
keeps the same state in Redis (``crawler/frontier/redis_store.py``).
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter

__all__ = ["HostClock"]

_IDLE, _TIMED, _BLOCKED = 0, 1, 2


class HostClock:
    """Per-host next-fetch times, URLs out and queued counts; ``take`` picks a host."""

    def __init__(self, delay: float = 0.0, concurrency: int = 0) -> None:
        #: Defaults for hosts without a policy of their own; concurrency 0 is unlimited.
        self.delay = delay
        self.concurrency = concurrency
        self._policy: dict[str, tuple[float, int]] = {}
        self._next_at: dict[str, float] = {}
        self.out: Counter = Counter()
        self.queued: Counter = Counter()
        self._place: dict[str, int] = {}
        # Hosts with queued URLs and a URL to spare, by the time they may next be fetched
        # (the one ready longest first; the sequence number keeps arrival order on ties).
        self._heap: list[tuple[float, int, str]] = []
        self._at: dict[str, float] = {}
        self._seq = itertools.count()

    def policy(self, host: str) -> tuple[float, int]:
        return self._policy.get(host, (self.delay, self.concurrency))

    def has_policy(self, host: str) -> bool:
        return host in self._policy

    def set_policy(self, host: str, delay: float, concurrency: int, now: float) -> None:
        self._policy[host] = (delay, concurrency)
        self._settle(host)

    def queue(self, host: str, n: int, now: float) -> None:
        """``n`` URLs of ``host`` were queued (negative: dropped)."""
        self.queued[host] += n
        if self.queued[host] <= 0:
            del self.queued[host]
        self._settle(host)

    def _settle(self, host: str) -> None:
        """Put ``host`` where it belongs now."""
        _, concurrency = self.policy(host)
        if not self.queued.get(host):
            self._place[host] = _IDLE
        elif concurrency and self.out[host] >= concurrency:
            self._place[host] = _BLOCKED
        else:
            at = self._next_at.get(host, 0.0)
            if self._place.get(host) == _TIMED and self._at.get(host) == at:
                return
            self._place[host] = _TIMED
            self._at[host] = at
            heapq.heappush(self._heap, (at, next(self._seq), host))

    def _top(self) -> tuple[float, str] | None:
        """The earliest valid entry, stale ones dropped."""
        while self._heap:
            at, _, host = self._heap[0]
            if self._place.get(host) == _TIMED and self._at.get(host) == at:
                return at, host
            heapq.heappop(self._heap)
        return None

    def take(self, now: float) -> str | None:
        """The host ready longest, counted as having one more URL out; None when none is."""
        top = self._top()
        if top is None or top[0] > now:
            return None
        host = top[1]
        heapq.heappop(self._heap)
        self._place[host] = _IDLE
        delay, _ = self.policy(host)
        self.out[host] += 1
        self.queued[host] -= 1
        if self.queued[host] <= 0:
            del self.queued[host]
        self._next_at[host] = now + delay
        self._settle(host)
        return host

    def release(self, host: str, now: float) -> None:
        """One URL of ``host`` came back: its next fetch is a delay from now."""
        if self.out[host] > 0:
            self.out[host] -= 1
        delay, _ = self.policy(host)
        self._next_at[host] = max(self._next_at.get(host, 0.0), now + delay)
        self._settle(host)

    def backoff(self, host: str, seconds: float, now: float) -> None:
        self._next_at[host] = max(self._next_at.get(host, 0.0), now + seconds)
        self._settle(host)

    def wait_seconds(self, now: float) -> float | None:
        """Seconds until some host with queued URLs may be ready (0: one is); None when
        no host has URLs queued, or all that have are blocked."""
        top = self._top()
        return None if top is None else max(top[0] - now, 0.0)
