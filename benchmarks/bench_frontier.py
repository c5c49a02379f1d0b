"""Frontier stores: operations per second and bytes per seen URL, SQLite against Redis.

* ops/s: a crawl's frontier traffic, one page at a time: ``pop``, then ``add`` of its
  outlinks (``--links`` a page, half of them new), ``release``, and ``mark`` done in
  batches, over ``--hosts`` hosts; one process, the store's own client (SQLite file on
  disk; Redis over loopback with its Lua scripts). Reported as pages a second the store
  could serve: the crawl's own pages/s (``bench_workers.py``) must stay far below it.
* bytes per seen URL, at ``--seen`` URLs (10M by default): SQLite's file size (the queue
  table, its unique index and the per-host queue index) / URLs; Redis's ``used_memory``
  growth / URLs for the seen set alone (8-byte fingerprints in intset buckets: what a URL
  costs once fetched) and, separately, for URLs still queued (their text is kept).

Run:  python benchmarks/bench_frontier.py [--seen 10000000] [--pages 20000]
Needs: redis-server (Debian's package) on PATH; one is started on a free loopback port.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.frontier import DONE, SqliteFrontier  # noqa: E402
from crawler.frontier.redis_store import RedisFrontier, fingerprint  # noqa: E402
from tests.redis_server import start_redis  # noqa: E402


def crawl_traffic(frontier, pages: int, hosts: int, links: int) -> float:
    """Pages a second of frontier traffic (pop, adds, release, batched mark)."""
    for h in range(hosts):
        frontier.add(f"http://h{h}.test/0", 0, "seed")
    done: list[str] = []
    n = 0
    start = time.perf_counter()
    while n < pages:
        item = frontier.pop()
        if item is None:
            break
        url, depth, _ = item
        host = url.split("/")[2]
        for j in range(links):
            # Half new URLs, half already seen (links to pages found before).
            k = n * links // 2 + j if j % 2 == 0 else j
            frontier.add(f"http://{host}/{k}", depth + 1)
        frontier.release(url)
        done.append(url)
        if len(done) == 100:
            frontier.commit()
            frontier.mark(done, DONE)
            done = []
        n += 1
    return n / (time.perf_counter() - start)


def sqlite_bytes_per_url(folder: Path, seen: int) -> float:
    path = folder / "frontier.sqlite"
    frontier = SqliteFrontier(path)
    db = frontier._db
    batch = 100_000
    for start in range(0, seen, batch):
        rows = [
            (
                f"http://site{i % 50_000}.example.com/section/page-{i}.html",
                3,
                "link",
                DONE,
                f"site{i % 50_000}.example.com",
            )
            for i in range(start, min(start + batch, seen))
        ]
        db.executemany(
            "INSERT INTO frontier(url, depth, kind, state, host) VALUES (?, ?, ?, ?, ?)", rows
        )
    frontier.commit()
    frontier.close()
    size = sum(p.stat().st_size for p in folder.glob("frontier.sqlite*"))
    return size / seen


def redis_bytes_per_url(url: str, seen: int, queued: int) -> tuple[float, float]:
    frontier = RedisFrontier(url, "bench-memory", worker="bench")
    frontier.drop_crawl()
    r = frontier._r
    before = r.info("memory")["used_memory"]
    pipe = r.pipeline(transaction=False)
    for i in range(seen):
        bucket, fp = fingerprint(f"http://site{i % 50_000}.example.com/section/page-{i}.html")
        pipe.sadd(f"{frontier.prefix}seen:{bucket}", fp)
        if i % 10_000 == 9_999:
            pipe.execute()
    pipe.execute()
    after_seen = r.info("memory")["used_memory"]
    for i in range(queued):
        frontier.add(f"http://site{i % 500}.example.com/section/queued-{i}.html", 2)
    after_queued = r.info("memory")["used_memory"]
    frontier.drop_crawl()
    frontier.close()
    return (after_seen - before) / seen, (after_queued - after_seen) / max(queued, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seen", type=int, default=10_000_000)
    parser.add_argument("--queued", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--links", type=int, default=20)
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is not installed: apt-get install redis-server")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        proc, url = start_redis(folder)
        try:
            lite = SqliteFrontier(folder / "ops.sqlite")
            sqlite_rate = crawl_traffic(lite, args.pages, args.hosts, args.links)
            lite.close()
            shared = RedisFrontier(url, "bench-ops", worker="bench")
            shared.drop_crawl()
            redis_rate = crawl_traffic(shared, args.pages, args.hosts, args.links)
            shared.drop_crawl()
            shared.close()
            print(f"frontier traffic ({args.links} links a page, {args.hosts} hosts):")
            print(f"  sqlite  {sqlite_rate:10,.0f} pages/s")
            print(f"  redis   {redis_rate:10,.0f} pages/s")
            seen_b, queued_b = redis_bytes_per_url(url, args.seen, args.queued)
            print(
                f"redis: {seen_b:.1f} bytes per seen URL at {args.seen:,} URLs; "
                f"{queued_b:.0f} bytes per queued URL ({args.queued:,} queued)"
            )
            os.makedirs(folder / "size", exist_ok=True)
            lite_b = sqlite_bytes_per_url(folder / "size", args.seen)
            print(
                f"sqlite: {lite_b:.1f} bytes per seen URL on disk at {args.seen:,} URLs "
                "(memory: one record per host)"
            )
        finally:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
