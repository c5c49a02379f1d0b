"""Crawl throughput with 1, 2 and 4 worker processes, SQLite against Redis, and the broad
web: fast sites beside a Crawl-delay host and a slow host, against the fast sites alone.

* Workers: ``scrapy crawl seeds`` on a sandbox web (``--pages``), politeness off
  (AutoThrottle off, 16 requests per host, no delay; robots.txt obeyed), to the end of the
  crawl; one process on the SQLite store, then 1, 2 and 4 processes sharing a Redis store
  (``-s REDIS_URL``), then SQLite again (the machine's load drifts). Pages stored / wall
  time from the first start to the last exit, start-up included.
* Broad web (``tests/broad_web.py`` on ``tests/hostile_server.py``): ``--fast`` sites of 21
  pages (1,050 in all), a host asking ``Crawl-delay: 2`` with 500 pages and a host answering in 8 s
  (60 pages); seconds from the first request to the last fast page's, against the same
  fast sites crawled alone (target: at most 1.2x).

Run:  python benchmarks/bench_workers.py [--pages 3000] [--fast 50] [--skip-broad]
Needs: redis-server (Debian's package) on PATH.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.dataset as ds

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.sandbox import SandboxServer, SandboxWeb  # noqa: E402
from tests.broad_web import BroadWeb, request_times  # noqa: E402
from tests.hostile_server import HostileServer  # noqa: E402
from tests.redis_server import start_redis  # noqa: E402

FAST = [
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s",
    "DOWNLOAD_DELAY=0",
    "-s",
    "LOG_LEVEL=INFO",
]


def crawl(env: dict, data_dir: Path, *args: str) -> subprocess.Popen:
    full = {**os.environ, **env, "PYTHONPATH": str(REPO)}
    log = open(data_dir / "crawl.log", "ab")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scrapy.cmdline",
            "crawl",
            "seeds",
            "-s",
            f"DATA_DIR={data_dir}",
            *args,
        ],
        cwd=REPO,
        env=full,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def workers_run(web: SandboxWeb, server, workers: int, redis_url: str | None, tag: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        env = {"http_proxy": server.proxy_url, "https_proxy": server.proxy_url, "no_proxy": ""}
        args = ["-a", "seeds=" + ",".join(web.default_seeds()), "-a", f"crawl_id={tag}", *FAST]
        start = time.perf_counter()
        procs = []
        for w in range(workers):
            extra = (
                ["-s", f"REDIS_URL={redis_url}", "-s", f"LINKGRAPH_WORKER_ID=w{w}"]
                if (redis_url)
                else []
            )
            procs.append(crawl(env, data_dir, *args, *extra))
        codes = [p.wait() for p in procs]
        seconds = time.perf_counter() - start
        pages = ds.dataset(str(data_dir / tag / "pages"), format="parquet").count_rows()
    return {"pages": pages, "seconds": seconds, "rate": pages / seconds, "codes": codes}


def fast_sites_seconds(web: BroadWeb) -> float:
    with tempfile.TemporaryDirectory() as tmp, HostileServer() as server:
        web.serve(server)
        data_dir = Path(tmp)
        proc = crawl(
            server.env,
            data_dir,
            "-a",
            "seeds=" + ",".join(web.seeds()),
            "-a",
            "crawl_id=broad",
            "-a",
            "max_depth=100",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
        )
        fast = set(web.fast_urls())
        deadline = time.monotonic() + 900
        while not fast <= {u for _, _, u in server.log} and time.monotonic() < deadline:
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        proc.wait()
        first = min(t for t, _, _ in server.log)
        return max(request_times(server, fast)) - first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--fast", type=int, default=50)
    parser.add_argument("--skip-broad", action="store_true")
    args = parser.parse_args()
    web = SandboxWeb(pages=args.pages, seed=5)
    with tempfile.TemporaryDirectory() as tmp:
        redis, url = start_redis(Path(tmp))
        try:
            with SandboxServer(web) as server:
                # SQLite first and last: the load of a shared machine drifts.
                runs = [("sqlite", 1, None)] + [("redis", n, url) for n in (1, 2, 4)]
                runs.append(("sqlite", 1, None))
                print(f"sandbox web of {args.pages:,} pages, politeness off:")
                base = None
                for store, n, redis_url in runs:
                    result = workers_run(web, server, n, redis_url, f"{store}{n}")
                    server.clear_log()
                    base = base or result["rate"]
                    print(
                        f"  {store:6} {n} worker(s): {result['pages']:,} pages in "
                        f"{result['seconds']:.1f} s = {result['rate']:.1f} pages/s "
                        f"({result['rate'] / base:.2f}x one SQLite process; "
                        f"exit {result['codes']})"
                    )
        finally:
            redis.terminate()
            redis.wait()
    if args.skip_broad:
        return
    alone = fast_sites_seconds(BroadWeb(fast=args.fast, pages=21))
    broad = fast_sites_seconds(
        BroadWeb(fast=args.fast, pages=21, delayed=500, delay=2.0, slow=60, slow_seconds=8.0)
    )
    print(
        f"broad web: fast sites done in {broad:.1f} s beside the delayed and slow hosts, "
        f"{alone:.1f} s alone: {broad / alone:.2f}x (target at most 1.2x)"
    )


if __name__ == "__main__":
    main()
