"""Heavy real pages: Debian's Python documentation crawled on loopback, against
``parse_html`` alone on the same pages, in the same run.

The HTML of ``python3.11-doc`` (``/usr/share/doc/python3.11/html``: about 530 pages of
about 100 KB and 300 links each) is served as ``http://docs.test/`` by a threaded HTTP
proxy in this process; ``scrapy crawl seeds`` crawls it from ``index.html`` with
politeness off (AutoThrottle off, 16 requests per host, no delay; robots.txt obeyed),
stored as usual. Pages/s = pages stored / seconds from the first request to the last;
against ``crawler.extract.parse_html`` over every served HTML page in one process (the
target: the crawl reaches at least 70% of extraction-only speed).

Run:  python benchmarks/bench_docs_crawl.py [--root /usr/share/doc/python3.11/html]
Needs: apt-get install python3.11-doc (or python3-doc)
"""

from __future__ import annotations

import argparse
import mimetypes
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyarrow.dataset as ds

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.extract import parse_html  # noqa: E402

HOST = "docs.test"


def serve(root: Path) -> tuple[ThreadingHTTPServer, list[float]]:
    """A proxy answering ``http://docs.test/PATH`` from ``root``; returns it and the
    times of the requests it answered."""
    times: list[float] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            path = (root / unquote(parts.path).lstrip("/")).resolve()
            if parts.hostname == HOST and path.is_file() and root in path.parents:
                body = path.read_bytes()
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                status = 200
                times.append(time.monotonic())
            else:
                body, kind, status = b"not found", "text/plain", 404
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, times


def extraction_rate(root: Path) -> tuple[int, float]:
    files = sorted(root.rglob("*.html"))
    bodies = [(f"http://{HOST}/{p.relative_to(root)}", p.read_bytes()) for p in files]
    start = time.perf_counter()
    for url, body in bodies:
        parse_html(body, url, content_type="text/html")
    return len(bodies), len(bodies) / (time.perf_counter() - start)


def crawl_rate(root: Path, profile: str | None = None) -> tuple[int, float]:
    server, times = serve(root)
    proxy = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "http_proxy": proxy, "https_proxy": proxy, "no_proxy": ""}
        env["PYTHONPATH"] = str(REPO)
        args = [
            "-a",
            f"seeds=http://{HOST}/index.html",
            "-a",
            "crawl_id=docs",
            "-a",
            "follow_external=false",
            "-a",
            "max_depth=50",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "CONCURRENT_REQUESTS_PER_DOMAIN=16",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            f"DATA_DIR={tmp}",
            "-s",
            "LOG_LEVEL=WARNING",
        ]
        # With --profile, the crawl's own process runs under cProfile (the parse pool's
        # worker process is not profiled: its cost is what parse_html alone measures).
        profiler = ["-m", "cProfile", "-o", profile] if profile else []
        subprocess.run(
            [sys.executable, *profiler, "-m", "scrapy.cmdline", "crawl", "seeds", *args],
            cwd=REPO,
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        pages = ds.dataset(str(Path(tmp) / "docs" / "pages"), format="parquet").count_rows()
    server.shutdown()
    return pages, pages / (max(times) - min(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default="/usr/share/doc/python3.11/html")
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="also write a cProfile of the crawl process to FILE and print its top functions",
    )
    args = parser.parse_args()
    root = Path(args.root).resolve()
    if not root.is_dir():
        sys.exit(f"{root} not found: apt-get install python3.11-doc")
    n, extract = extraction_rate(root)
    pages, crawl = crawl_rate(root)
    if args.profile:
        _, _ = crawl_rate(root, profile=str(Path(args.profile).resolve()))
    again, extract2 = extraction_rate(root)
    extract = (extract + extract2) / 2
    print(f"parse_html alone: {n:,} pages at {extract:.1f} pages/s (mean of before and after)")
    print(
        f"crawl: {pages:,} pages at {crawl:.1f} pages/s = {crawl / extract:.0%} of "
        "extraction-only speed (target at least 70%)"
    )
    if args.profile:
        import pstats

        print(f"\nthe crawl process under cProfile ({args.profile}), by own time:")
        pstats.Stats(args.profile).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
