"""Which host may be fetched next: per-host politeness for a store in one process.

A host with queued URLs is in one of three places: *ready* (a rotation, so ready hosts
take turns: the one that waited longest goes first), *waiting* (a heap by the time its
delay has passed) or *blocked* (as many of its URLs out as it may have; back in the
rotation when one comes back). This is the "workbench" of a search engine's frontier
(Heritrix's per-host queues with a wake-up time; BUbiNG, Boldi et al. 2016, section 4):
a slow or delayed host waits on its own and never holds up the others. The Redis store
keeps the same state in Redis (``crawler/frontier/redis_store.py``).
"""

from __future__ import annotations

import heapq
from collections import Counter, deque

__all__ = ["HostClock"]

_IDLE, _READY, _WAITING, _BLOCKED = 0, 1, 2, 3


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
        self._ready: deque[str] = deque()
        self._waiting: list[tuple[float, str]] = []

    def policy(self, host: str) -> tuple[float, int]:
        return self._policy.get(host, (self.delay, self.concurrency))

    def has_policy(self, host: str) -> bool:
        return host in self._policy

    def set_policy(self, host: str, delay: float, concurrency: int, now: float) -> None:
        self._policy[host] = (delay, concurrency)
        self._settle(host, now)

    def queue(self, host: str, n: int, now: float) -> None:
        """``n`` URLs of ``host`` were queued (negative: dropped)."""
        self.queued[host] += n
        if self.queued[host] <= 0:
            del self.queued[host]
        self._settle(host, now)

    def _settle(self, host: str, now: float) -> None:
        """Put ``host`` where it belongs now."""
        _, concurrency = self.policy(host)
        place = self._place.get(host, _IDLE)
        if not self.queued.get(host):
            new = _IDLE
        elif concurrency and self.out[host] >= concurrency:
            new = _BLOCKED
        elif self._next_at.get(host, 0.0) > now:
            new = _WAITING
        else:
            new = _READY
        if new == place and new != _WAITING:
            return
        self._place[host] = new
        if new == _READY:
            self._ready.append(host)
        elif new == _WAITING:
            heapq.heappush(self._waiting, (self._next_at[host], host))

    def _wake(self, now: float) -> None:
        while self._waiting and self._waiting[0][0] <= now:
            at, host = heapq.heappop(self._waiting)
            if self._place.get(host) == _WAITING and self._next_at.get(host) == at:
                self._place[host] = _READY
                self._ready.append(host)

    def take(self, now: float) -> str | None:
        """The next ready host, counted as having one more URL out; None when none is."""
        self._wake(now)
        while self._ready:
            host = self._ready.popleft()
            if self._place.get(host) != _READY:
                continue  # stale entry: moved since
            self._place[host] = _IDLE
            delay, _ = self.policy(host)
            self.out[host] += 1
            self.queued[host] -= 1
            if self.queued[host] <= 0:
                del self.queued[host]
            self._next_at[host] = now + delay
            self._settle(host, now)
            return host
        return None

    def release(self, host: str, now: float) -> None:
        """One URL of ``host`` came back: its next fetch is a delay from now."""
        if self.out[host] > 0:
            self.out[host] -= 1
        delay, _ = self.policy(host)
        self._next_at[host] = max(self._next_at.get(host, 0.0), now + delay)
        self._resettle(host, now)

    def backoff(self, host: str, seconds: float, now: float) -> None:
        self._next_at[host] = max(self._next_at.get(host, 0.0), now + seconds)
        self._resettle(host, now)

    def _resettle(self, host: str, now: float) -> None:
        self._place[host] = _IDLE  # entries elsewhere are stale now
        self._settle(host, now)

    def wait_seconds(self, now: float) -> float | None:
        """Seconds until some host with queued URLs may be ready (0: one is); None when
        no host has URLs queued, or all that have are blocked."""
        self._wake(now)
        if any(self._place.get(h) == _READY for h in self._ready):
            return 0.0
        while self._waiting:
            at, host = self._waiting[0]
            if self._place.get(host) == _WAITING and self._next_at.get(host) == at:
                return max(at - now, 0.0)
            heapq.heappop(self._waiting)
        return None
