"""The Redis frontier store: one frontier shared by every crawler process, on any machine,
started with the same ``crawl_id`` and ``-s REDIS_URL=redis://HOST:PORT/DB``.

Queue, seen set, budgets and per-host politeness live in Redis (layout and the Lua scripts
that change them atomically: ``crawler/frontier/redis_scripts.py``), so a host's
``Crawl-delay`` holds across all processes together. A URL a process takes is *leased* to
it (``LINKGRAPH_WORKER_ID``, expiring after ``LINKGRAPH_LEASE_SECONDS``, renewed by the
scheduler's heartbeat) and acknowledged when its page is stored (``mark(urls, DONE)``);
the leases of a process that died expire and go back to the queue, except the URLs its
Parquet parts show it stored. The seen set keeps 8-byte fingerprints (BLAKE2b), not URLs:
about 12 bytes a URL at 10M (``benchmarks/bench_frontier.py``); two URLs sharing one are a chance
of about n**2 / 2**65 (3e-6 at 10M URLs). Why not scrapy-redis: ``docs/crawling.md``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from crawler.frontier.base import DONE, BaseFrontier, FrontierSettingError
from crawler.frontier.redis_scripts import (
    ACK,
    ADD,
    BLOCKED,
    BUDGET,
    HEARTBEAT,
    POLICY,
    POP,
    REQUEUE,
    SETTLE,
)
from crawler.urls import host_of, registered_domain

__all__ = ["RedisFrontier", "check_redis", "fingerprint"]

_BUCKET_BITS = 18
#: Fingerprints this process knows are seen, kept to spare a round trip for the links
#: every page repeats (navigation); emptied when full, so memory stays bounded (~15 MB).
_KNOWN_MAX = 200_000
_DEPTH_SCALE = 2**32


def fingerprint(url: str) -> tuple[int, int]:
    """(bucket, fingerprint) of a URL: 8 bytes of BLAKE2b as a signed integer (Redis keeps
    sets of integers as compact intsets) and its bucket, from its top bits.

    >>> fingerprint("http://a.com/")[0] < 2**18
    True
    """
    value = int.from_bytes(hashlib.blake2b(url.encode(), digest_size=8).digest(), "big")
    return value >> (64 - _BUCKET_BITS), value - 2**63


def check_redis(url: str | None) -> None:
    """Raise ``FrontierSettingError`` (one line) unless a Redis answers at ``url``."""
    import redis

    if not url:
        raise FrontierSettingError(
            "-s LINKGRAPH_FRONTIER=redis needs -s REDIS_URL=redis://HOST:PORT/DB"
        )
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5)
        client.ping()
        client.close()
    except ValueError as exc:
        raise FrontierSettingError(f"-s REDIS_URL={url!r}: {exc}") from None
    except redis.RedisError as exc:
        raise FrontierSettingError(f"-s REDIS_URL={url!r}: cannot reach Redis ({exc})") from None


class RedisFrontier(BaseFrontier):
    """The frontier of crawl ``crawl_id`` in the Redis at ``url``, for worker ``worker``."""

    shared = True

    def __init__(
        self,
        url: str,
        crawl_id: str,
        *,
        worker: str,
        lease_seconds: float = 120.0,
        delay: float = 0.0,
        concurrency: int = 0,
    ) -> None:
        import redis

        try:
            self._r = redis.Redis.from_url(url)
            self._r.ping()
        except ValueError as exc:
            raise FrontierSettingError(f"-s REDIS_URL={url!r}: {exc}") from None
        except redis.RedisError as exc:
            raise FrontierSettingError(
                f"-s REDIS_URL={url!r}: cannot reach Redis ({exc})"
            ) from None
        self.url, self.crawl_id, self.worker = url, crawl_id, worker
        self.lease_seconds = lease_seconds
        self.delay, self.concurrency = delay, concurrency
        self.prefix = f"linkgraph:{crawl_id}:"
        self._known: set[int] = set()
        self.resumed = bool(self._r.exists(self.prefix + "seq", self.prefix + "budget"))
        self._scripts = {
            name: self._r.register_script(src)
            for name, src in {
                "add": ADD,
                "pop": POP,
                "settle": SETTLE,
                "policy": POLICY,
                "ack": ACK,
                "requeue": REQUEUE,
                "budget": BUDGET,
                "heartbeat": HEARTBEAT,
            }.items()
        }

    def _run(self, name: str, *args) -> object:
        return self._scripts[name](args=[self.prefix, *args])

    # -- the queue and the seen set ----------------------------------------------------
    def _know(self, fp: int) -> None:
        if len(self._known) >= _KNOWN_MAX:
            self._known.clear()
        self._known.add(fp)

    def add(self, url: str, depth: int, kind: str = "link") -> bool:
        bucket, fp = fingerprint(url)
        if fp in self._known:
            return False
        host = host_of(url)
        new = self._run("add", url, host, registered_domain(host), depth, kind, bucket, fp)
        self._know(fp)
        return bool(new)

    def is_seen(self, url: str) -> bool:
        bucket, fp = fingerprint(url)
        if fp in self._known:
            return True
        seen = bool(self._r.sismember(f"{self.prefix}seen:{bucket}", fp))
        if seen:
            self._know(fp)
        return seen

    def claim(self, key: str) -> bool:
        return bool(self._r.sadd(self.prefix + "claims", key))

    def pop(self) -> tuple[str, int, str] | None:
        item = self._run("pop", self.worker, self.lease_seconds, self.delay, self.concurrency)
        if not item:
            return None
        url, score, kind = (x.decode() for x in item)
        return url, int(float(score)) // _DEPTH_SCALE, kind

    def release(self, url: str) -> None:
        self._run("settle", host_of(url), -1, 1, self.delay)

    def mark(self, urls: Iterable[str], state: int) -> None:
        urls = list(urls)
        for start in range(0, len(urls), 1000):
            self._run("ack", *urls[start : start + 1000])

    @property
    def pending(self) -> int:
        return int(self._r.get(self.prefix + "pending") or 0)

    # -- politeness ---------------------------------------------------------------------
    def set_host_policy(
        self, host: str, delay: float, concurrency: int, keep: bool = False
    ) -> None:
        self._run("policy", host, delay, concurrency, int(keep))

    def backoff(self, host: str, seconds: float) -> None:
        self._run("settle", host, seconds, 0, self.delay)

    def wait_seconds(self) -> float | None:
        first = self._r.zrangebyscore(
            self.prefix + "hosts", "-inf", f"({BLOCKED!r}", start=0, num=1, withscores=True
        )
        if not first:
            return None
        seconds, micro = self._r.time()
        return max(first[0][1] - (seconds + micro / 1e6), 0.0)

    # -- budgets -------------------------------------------------------------------------
    def take_budget(self, domain: str, limit: int) -> bool:
        return bool(self._run("budget", domain, limit))

    @property
    def domains(self) -> int:
        return int(self._r.hlen(self.prefix + "budget"))

    # -- leases --------------------------------------------------------------------------
    def leased_elsewhere(self) -> int:
        return int(self._r.hlen(self.prefix + "leases")) - int(
            self._r.scard(f"{self.prefix}wl:{self.worker}")
        )

    def heartbeat(self) -> list[tuple[str, str]]:
        flat = [x.decode() for x in self._run("heartbeat", self.worker, self.lease_seconds)]
        return list(zip(flat[::2], flat[1::2], strict=True))

    def reclaim(self, leases: Iterable[tuple[str, str]], stored: set[str]) -> int:
        urls = [url for url, _ in leases]
        done = [u for u in urls if u in stored]
        if done:
            self.mark(done, DONE)
        again = [u for u in urls if u not in stored]
        return int(self._run("requeue", 1, *again)) if again else 0

    # -- resuming and durability ---------------------------------------------------------
    def reconcile(self, stored_urls: Iterable[str], stored_per_domain: dict[str, int]) -> None:
        """Stored URLs are seen and their leases acknowledged; this worker's other leases
        (a restart with the same id) go back to the queue at once; budgets are recounted
        from the stored pages when no other process holds a lease (one that does may be
        counting fetches in flight)."""
        stored = set(stored_urls)
        pipe = self._r.pipeline(transaction=False)
        for url in stored:
            bucket, fp = fingerprint(url)
            pipe.sadd(f"{self.prefix}seen:{bucket}", fp)
        pipe.execute()
        leased = {u.decode() for u in self._r.hkeys(self.prefix + "leases")}
        self.mark(leased & stored, DONE)
        own = [u.decode() for u in self._r.smembers(f"{self.prefix}wl:{self.worker}")]
        again = [u for u in own if u not in stored]
        if again:
            self._run("requeue", 0, *again)
        if self.leased_elsewhere() == 0:
            pipe = self._r.pipeline()
            pipe.delete(self.prefix + "budget", self.prefix + "spent")
            if stored_per_domain:
                pipe.hset(self.prefix + "budget", mapping=dict(stored_per_domain))
            pipe.execute()

    def commit(self) -> None:
        """Every change is in Redis already; its own persistence (RDB/AOF) keeps it."""

    def close(self) -> None:
        self._r.close()

    def drop_crawl(self) -> None:
        """Delete the crawl's keys (tests and benchmarks start from nothing)."""
        keys = list(self._r.scan_iter(match=self.prefix + "*", count=10_000))
        for start in range(0, len(keys), 10_000):
            self._r.delete(*keys[start : start + 10_000])
