"""Parsing in bounded time: ``parse_html`` against nesting depth and page size, the parse
pools, and crawl throughput with parsing off the event loop against on it.

* ``depth``: pages of N nested ``<div>``s, each with a link (the page that froze the crawl),
  N = 1,000, 4,000, 16,000: seconds of ``parse_html`` and, of those, lexbor's own tree
  building; with ``--against DIR`` (a checkout of another revision, e.g. ``git worktree
  add --detach ../main main``) the same pages with that revision's ``parse_html``, in a
  subprocess, skipped past ``--against-max`` nesting (it is quadratic there).
* ``size``: flat pages of N links in one paragraph, N = 1,000 to 100,000 (links past the
  10,000 cap are counted, not recorded): seconds and microseconds a link.
* ``pools``: the same real pages parsed by one thread, two threads, two processes: pages/s;
  and lexbor's parse alone in one and in two threads (does it release the GIL?).
* ``crawl``: ``scrapy crawl seeds`` on the sandbox web (``benchmarks/bench_crawl.py``'s
  run, politeness off) with ``LINKGRAPH_PARSE_POOL`` = ``inline``, ``thread``, ``process``.

Run from the repository root::

    nice python benchmarks/bench_parse_depth.py [--against ../main] [--parts depth,size,pools,crawl]
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from crawler.extract import parse_html  # noqa: E402

URL = "http://example.com/page.html"
DOCS = Path("/usr/share/doc/python3.11/html")
TEST_DOCS = REPO / "tests" / "data" / "python-docs"


def nested(depth: int) -> str:
    return "<html><body>" + '<div><a href="/x">link</a>' * depth + "</div>" * depth


def flat(links: int) -> str:
    body = "".join(f'<a href="/p{n}">page {n}</a> ' for n in range(links))
    return f"<html><body><p>{body}</p></body></html>"


def best_of(rounds: int, fn) -> float:
    best = float("inf")
    for _ in range(rounds):
        gc.collect()
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best


_OTHER = """
import sys, time
from crawler.extract import parse_html
html = "<html><body>" + '<div><a href="/x">link</a>' * {n} + "</div>" * {n}
started = time.process_time()
parse_html(html, "{url}")
print(time.process_time() - started)
"""


def other_revision(directory: Path, depth: int, timeout: float) -> float | None:
    env = {**os.environ, "PYTHONPATH": str(directory)}
    code = _OTHER.format(n=depth, url=URL)
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=directory,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None
    return float(done.stdout.strip()) if done.returncode == 0 else None


def part_depth(args) -> None:
    print("parse_html against nesting depth (N nested <div>s with a link each), CPU seconds")
    previous = None
    for depth in (1000, 4000, 16000):
        html = nested(depth)
        lexbor = best_of(args.rounds, lambda html=html: LexborHTMLParser(html))
        ours = best_of(args.rounds, lambda html=html: parse_html(html, URL))
        growth = f"  x{ours / previous:.1f} for x4 depth" if previous else ""
        line = f"  {depth:>6,} nested: parse_html {ours:7.3f} s (lexbor alone {lexbor:.3f}){growth}"
        if args.against:
            if depth <= args.against_max:
                theirs = other_revision(Path(args.against), depth, args.against_timeout)
                line += "; against: " + (
                    f"{theirs:.3f} s ({theirs / ours:.0f}x)" if theirs else "timed out"
                )
            else:
                line += "; against: skipped"
        print(line)
        previous = ours


def part_size(args) -> None:
    print("parse_html against page size (flat pages of N links), CPU seconds")
    for links in (1000, 10_000, 100_000):
        html = flat(links)
        seconds = best_of(args.rounds, lambda html=html: parse_html(html, URL))
        page = parse_html(html, URL)
        print(
            f"  {links:>7,} links, {len(html) / 1e6:5.2f} MB: {seconds:7.3f} s "
            f"({seconds / links * 1e6:5.1f} us a link; {len(page.links):,} recorded, "
            f"{page.links_dropped:,} counted)"
        )


def _real_pages(limit: int) -> list[tuple[str, bytes]]:
    root = DOCS if DOCS.is_dir() else TEST_DOCS
    files = sorted(root.rglob("*.html"))[:limit]
    pages = [(f"https://docs.python.org/3.11/{p.relative_to(root)}", p.read_bytes()) for p in files]
    while len(pages) < limit:
        pages += pages[: limit - len(pages)]
    return pages


def _parse_all(pages) -> int:
    return sum(len(parse_html(body, url).links) for url, body in pages)


def _lexbor_all(pages) -> int:
    return sum(LexborHTMLParser(body).root is not None for _, body in pages)


def _wall(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def part_pools(args) -> None:
    pages = _real_pages(args.pages)
    halves = [pages[0::2], pages[1::2]]
    n = len(pages)
    _parse_all(pages[:5])
    one = min(_wall(lambda: _parse_all(pages)) for _ in range(args.rounds))
    with ThreadPoolExecutor(2) as threads:
        two_threads = min(
            _wall(lambda: list(threads.map(_parse_all, halves))) for _ in range(args.rounds)
        )
        lexbor_one = min(_wall(lambda: _lexbor_all(pages)) for _ in range(args.rounds))
        lexbor_two = min(
            _wall(lambda: list(threads.map(_lexbor_all, halves))) for _ in range(args.rounds)
        )
    with ProcessPoolExecutor(2) as processes:
        list(processes.map(_parse_all, [pages[:2], pages[2:4]]))  # start the workers
        two_processes = min(
            _wall(lambda: list(processes.map(_parse_all, halves))) for _ in range(args.rounds)
        )
    print(f"parse pools on {n} real pages (wall clock, best of {args.rounds})")
    print(f"  one thread     : {n / one:7.1f} pages/s")
    print(f"  two threads    : {n / two_threads:7.1f} pages/s ({one / two_threads:.2f}x)")
    print(f"  two processes  : {n / two_processes:7.1f} pages/s ({one / two_processes:.2f}x)")
    print(
        f"  lexbor parse alone: one thread {n / lexbor_one:.1f} pages/s, two threads "
        f"{n / lexbor_two:.1f} pages/s ({lexbor_one / lexbor_two:.2f}x)"
    )


def part_crawl(args) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    import bench_crawl

    from crawler.sandbox import SandboxServer, SandboxWeb

    web = SandboxWeb(pages=max(20_000, 2 * args.crawl_pages), seed=11)
    with SandboxServer(web) as server, tempfile.TemporaryDirectory() as tmp:
        seeds = web.default_seeds()
        print(f"crawl of the sandbox web, {args.crawl_pages} pages, politeness off (wall clock)")
        for pool in ("inline", "thread", "process", "inline", "thread", "process"):
            out = Path(tmp) / f"{pool}-{time.monotonic_ns()}"
            got = bench_crawl.ours(
                server.proxy_url,
                seeds,
                out,
                args.crawl_pages,
                ["-s", f"LINKGRAPH_PARSE_POOL={pool}"],
            )
            print(f"  {pool:<8}: {got['pages_per_s']:6.1f} pages/s ({got['pages']} pages)")


PARTS = {"depth": part_depth, "size": part_size, "pools": part_pools, "crawl": part_crawl}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", default="depth,size,pools,crawl")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=int, default=400, help="real pages for --parts pools")
    parser.add_argument("--crawl-pages", type=int, default=2000)
    parser.add_argument("--against", help="a checkout of another revision to compare with")
    parser.add_argument("--against-max", type=int, default=4000)
    parser.add_argument("--against-timeout", type=float, default=600.0)
    args = parser.parse_args()
    for name in args.parts.split(","):
        PARTS[name](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
