"""Benchmark: how long a crawl takes to stop at the first SIGTERM (or Ctrl-C) while a host
makes it wait, and what a huge ``Crawl-delay`` costs.

A loopback web (``tests/hostile_server.py``): a seed page linking two pages of a host whose
robots.txt asks ``Crawl-delay: 100000``. With ``LINKGRAPH_MAX_CRAWL_DELAY=100000`` (the
ceiling lifted) the crawl fetches the seed pages, then waits on that host; the benchmark
sends SIGTERM and times the exit. The peer, in the same run, is the same crawl without
``crawler.middlewares.PromptStopMiddleware`` (Scrapy's own graceful stop, which waits for
every request it holds), given ``--peer-timeout`` seconds. Then the same web with the
default ceiling (30 s here lowered to ``--ceiling``): the whole crawl's wall time.

Usage::

    python3 benchmarks/bench_stop.py [--trials 3] [--peer-timeout 60] [--ceiling 2]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.settings import DOWNLOADER_MIDDLEWARES  # noqa: E402
from tests.fixtures_crawl import run_crawl, start_crawl, wait_until  # noqa: E402
from tests.hostile_server import HostileServer, links, page, robots  # noqa: E402

# The project's middlewares, all but the prompt stop (-s replaces the whole setting).
NO_PROMPT_STOP = json.dumps(
    {**DOWNLOADER_MIDDLEWARES, "crawler.middlewares.PromptStopMiddleware": None}
)
ARGS = ["-a", "seeds=http://seed.test/", "-a", "crawl_id=stop", "-s", "LOG_LEVEL=WARNING"]


def _web(server: HostileServer) -> None:
    server.route("http://seed.test/", links("/b", "http://wait.test/1", "http://wait.test/2"))
    server.route("http://seed.test/b", page("<p>b</p>"))
    server.route("http://wait.test/robots.txt", robots("User-agent: *\nCrawl-delay: 100000\n"))
    server.route("http://wait.test/1", page("<p>1</p>"))
    server.route("http://wait.test/2", page("<p>2</p>"))


def time_to_stop(extra: list[str], timeout: float) -> float | None:
    """Seconds from SIGTERM to exit; None when still running after ``timeout``."""
    with tempfile.TemporaryDirectory() as tmp, HostileServer() as server:
        _web(server)
        args = [*ARGS, "-s", "LINKGRAPH_MAX_CRAWL_DELAY=100000", *extra]
        proc = start_crawl(server.env, Path(tmp), *args)
        try:
            wanted = ("http://wait.test/robots.txt", "http://seed.test/b")
            wait_until(lambda: all(server.requested(u) for u in wanted), 60)
            time.sleep(1)  # the crawl settles into waiting on wait.test
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=timeout)
            return time.monotonic() - started
        except Exception:
            return None
        finally:
            proc.kill()
            proc.wait()


def whole_crawl(ceiling: float) -> float:
    with tempfile.TemporaryDirectory() as tmp, HostileServer() as server:
        _web(server)
        started = time.monotonic()
        run_crawl(server.env, Path(tmp), *ARGS, "-s", f"LINKGRAPH_MAX_CRAWL_DELAY={ceiling}")
        return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--peer-timeout", type=float, default=60.0)
    parser.add_argument("--ceiling", type=float, default=2.0)
    args = parser.parse_args()
    ours = [time_to_stop([], args.peer_timeout) for _ in range(args.trials)]
    print("first SIGTERM to exit, waiting on Crawl-delay 100000:")
    print(
        "  linkgraph:  " + ", ".join("still running" if t is None else f"{t:.2f} s" for t in ours)
    )
    peer = time_to_stop(["-s", f"DOWNLOADER_MIDDLEWARES={NO_PROMPT_STOP}"], args.peer_timeout)
    shown = f"still running after {args.peer_timeout:.0f} s" if peer is None else f"{peer:.2f} s"
    print(f"  without PromptStopMiddleware (Scrapy's graceful stop): {shown}")
    wall = whole_crawl(args.ceiling)
    print(
        f"whole crawl, Crawl-delay 100000 under LINKGRAPH_MAX_CRAWL_DELAY={args.ceiling:g}: "
        f"{wall:.1f} s (4 pages; the slow host gets its robots.txt and 2 pages, {args.ceiling:g} s apart)"
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
