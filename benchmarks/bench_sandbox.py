"""How fast the sandbox proxy serves pages, against the standard library's http.server.

The sandbox must never be what limits a crawl: it must serve at least 3 times the pages a
second the crawler fetches (``--crawler-pages-per-second``; the default is the rate
``python3 benchmarks/bench_crawl.py --pages 2000`` measured with politeness off, as
docs/benchmarks.md records it under "Crawler"). This starts the server in its own
process, then hits it through the proxy with a concurrent keep-alive asyncio client
(``--connections``, default 16) on the crawler's mix of URLs (the ground truth's reached
pages, the 2-second slow page left out) for ``--seconds``, and prints pages/s and MB/s.
The named peer, measured in the same run on the same URLs and client, is
``http.server.ThreadingHTTPServer`` answering from the same ``SandboxWeb`` with HTTP/1.1
keep-alive.

Two mixes: the demo web's reached pages (451 URLs, all in the page cache after the first
round, as when several crawls run against one server) and a larger web's reached pages
(``--big-pages``, default 20,000: more URLs than the 2,048-entry page cache, visited in a
cycle, so every answer is generated afresh, as in a single crawl).

    python3 benchmarks/bench_sandbox.py [--pages 300] [--big-pages 20000] [--seconds 10]
        [--connections 16] [--crawler-pages-per-second 241]
"""

from __future__ import annotations

import argparse
import asyncio
import http.server
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.sandbox import SandboxWeb, crawl_truth, serve  # noqa: E402


def _run_sandbox(pages: int, seed: int, queue) -> None:
    serve(SandboxWeb(pages=pages, seed=seed), "127.0.0.1", 0, ready=queue.put)


def _run_stdlib(pages: int, seed: int, queue) -> None:
    web = SandboxWeb(pages=pages, seed=seed)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            answer = web.respond("GET", self.path)
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    queue.put(server.server_address[1])
    server.serve_forever()


async def _client(port: int, urls: list[str], seconds: float, connections: int):
    deadline = time.perf_counter() + seconds
    counts = {"pages": 0, "bytes": 0}
    requests = [f"GET {u} HTTP/1.1\r\nHost: {u.split('/')[2]}\r\n\r\n".encode() for u in urls]

    async def worker(offset: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = offset
        while time.perf_counter() < deadline:
            writer.write(requests[i % len(requests)])
            i += connections
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            counts["pages"] += 1
            counts["bytes"] += len(head) + length
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(connections)))
    return counts["pages"], counts["bytes"], time.perf_counter() - started


def measure(target, args, urls) -> tuple[float, float]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=target, args=(args.pages, args.seed, queue), daemon=True)
    process.start()
    try:
        port = queue.get(timeout=60)
        pages, size, elapsed = asyncio.run(_client(port, urls, args.seconds, args.connections))
    finally:
        process.terminate()
        process.join()
    return pages / elapsed, size / elapsed / 1e6


def crawl_mix(pages: int, seed: int) -> list[str]:
    web = SandboxWeb(pages=pages, seed=seed)
    slow = set(web.features["slow"])
    return [u for u in crawl_truth(web).urls if u not in slow]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--big-pages", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--crawler-pages-per-second",
        type=float,
        default=241.0,
        help="the crawler's rate to compare with (default: %(default)s, from bench_crawl.py)",
    )
    args = parser.parse_args()
    print(
        f"{args.connections} keep-alive connections through the proxy, {args.seconds:.0f} s per row"
    )
    print(f"{'server':<34}{'web':>8}{'URLs':>7}{'pages/s':>10}{'MB/s':>8}")
    rows = {}
    for label, pages, target in (
        ("sandbox proxy (asyncio protocol)", args.pages, _run_sandbox),
        ("sandbox proxy (asyncio protocol)", args.big_pages, _run_sandbox),
        ("http.server ThreadingHTTPServer", args.big_pages, _run_stdlib),
    ):
        urls = crawl_mix(pages, args.seed)
        args.pages, saved = pages, args.pages
        rate, mb = measure(target, args, urls)
        args.pages = saved
        rows[(target, pages)] = rate
        print(f"{label:<34}{pages:>8}{len(urls):>7}{rate:>10.0f}{mb:>8.1f}")
    fresh = rows[(_run_sandbox, args.big_pages)]
    print(
        f"ratio sandbox / http.server ({args.big_pages} pages): "
        f"{fresh / rows[(_run_stdlib, args.big_pages)]:.1f}x"
    )
    crawler = args.crawler_pages_per_second
    print(
        f"ratio sandbox ({args.big_pages} pages, no cache hits) / crawler "
        f"({crawler:.0f} pages/s, --crawler-pages-per-second): {fresh / crawler:.1f}x"
    )


if __name__ == "__main__":
    main()
