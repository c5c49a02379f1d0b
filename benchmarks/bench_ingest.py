"""Archive ingest speed, against its floor and its target, on one core.

WARC: ``linkgraph ingest``'s records per second (one process) against the raw iteration
speed of FastWARC and of warcio over the same files (the floor: nothing can ingest faster
than the reader reads), and its pages per second against the crawler's extraction alone
(``crawler.rows.page_record`` on the bodies already in memory; the target is at least
half of it). WAT: records per second on a WAT file made from the same pages. Web graph:
edges per second and peak memory (``ru_maxrss`` of a child process) on a generated graph
in the published format.

    python3 benchmarks/bench_ingest.py                       # WARC and WAT
    python3 benchmarks/bench_ingest.py --graph 1000000 10000000   # + a 1M/10M web graph
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.archive.ingest import ingest  # noqa: E402
from crawler.rows import page_record  # noqa: E402
from crawler.urls import normalize_url  # noqa: E402

FILES = [
    REPO / "tests/data/warc/resiliparse-CC-MAIN-2020-34-sample.warc.gz",
    REPO / "tests/data/warc-archives/aut-example-archive.org-2008.warc.gz",
]


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def fastwarc_iterate() -> int:
    from fastwarc.warc import ArchiveIterator

    n = 0
    for path in FILES:
        for record in ArchiveIterator(str(path), parse_http=False):
            record.reader.read()
            n += 1
    return n


def warcio_iterate() -> int:
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    for path in FILES:
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                record.content_stream().read()
                n += 1
    return n


def responses() -> list[tuple[str, int, list, bytes, str]]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    found = []
    for path in FILES:
        for rec in ArchiveIterator(str(path), record_types=WarcRecordType.response):
            url = normalize_url(rec.headers.get("WARC-Target-URI") or "")
            if url and rec.is_http:
                headers = list(rec.http_headers.items_bytes())
                found.append((url, rec.http_headers.status_code, headers, rec.reader.read()))
    return found


def wat_file(folder: Path, pages) -> Path:
    """A WAT file of the pages' links, in Common Crawl's layout (made with our extractor:
    the point is the reading speed, not the links)."""
    out = folder / "bench.warc.wat.gz"
    with open(out, "wb") as handle:
        for url, status, headers, body in pages:
            page, links = page_record(url, status, headers, body, depth=None, fetched_at=0)
            meta = {"Head": {"Title": page.get("title") or ""}}
            meta["Links"] = [
                {"path": "A@/href", "url": lk.dst_url, "text": lk.anchor} for lk in links
            ]
            response = {
                "Response-Message": {"Status": str(status)},
                "Headers": {k.decode("latin-1"): v.decode("latin-1") for k, v in headers},
                "HTML-Metadata": meta,
            }
            envelope = {
                "WARC-Header-Metadata": {
                    "WARC-Type": "response",
                    "WARC-Target-URI": url,
                    "WARC-Date": "2020-08-08T17:05:36Z",
                },
                "Payload-Metadata": {"HTTP-Response-Metadata": response},
            }
            body_json = json.dumps({"Envelope": envelope}).encode()
            head = (
                "WARC/1.0\r\nWARC-Type: metadata\r\nContent-Type: application/json\r\n"
                f"WARC-Target-URI: {url}\r\nContent-Length: {len(body_json)}\r\n\r\n"
            )
            handle.write(gzip.compress(head.encode() + body_json + b"\r\n\r\n"))
    return out


def bench_archives() -> None:
    n_records = fastwarc_iterate()
    fast = best(fastwarc_iterate)
    slow = best(warcio_iterate)
    pages = responses()
    extract = best(lambda: [page_record(u, s, h, b, depth=0, fetched_at=0) for u, s, h, b in pages])
    with tempfile.TemporaryDirectory() as tmp:
        runs = []
        for i in range(3):
            start = time.perf_counter()
            meta = ingest([str(p) for p in FILES], Path(tmp) / f"w{i}", "w", jobs=1)
            runs.append(time.perf_counter() - start)
        took = min(runs)
        print(f"WARC files: {len(FILES)}, {n_records:,} records, {len(pages):,} HTTP responses")
        print(f"  FastWARC iteration     {n_records / fast:10,.0f} records/s")
        print(f"  warcio iteration       {n_records / slow:10,.0f} records/s  "
              f"(FastWARC {slow / fast:.1f}x)")  # fmt: skip
        print(f"  extraction alone       {len(pages) / extract:10,.0f} pages/s")
        print(f"  linkgraph ingest       {n_records / took:10,.0f} records/s, "
              f"{meta['records']['pages'] / took:,.0f} pages/s "
              f"({meta['records']['pages'] / took / (len(pages) / extract):.0%} of extraction)")  # fmt: skip
        wat = wat_file(Path(tmp), pages * 5)
        start = time.perf_counter()
        meta = ingest([str(wat)], Path(tmp) / "wat", "wat", jobs=1)
        took = time.perf_counter() - start
        print(f"  WAT ingest             {meta['records']['read'] / took:10,.0f} records/s "
              f"({meta['records']['read']:,} records, {meta['output']['edges_written']:,} links)")  # fmt: skip


def write_graph(folder: Path, nodes: int, edges: int, seed: int = 1) -> tuple[Path, Path]:
    """A domain graph in the published format: sorted reversed names, sorted edges with a
    heavy-tailed in-degree, no self-loops, gzipped."""
    rng = np.random.default_rng(seed)
    names = sorted(f"com.d{i:09d}" for i in range(nodes))
    vertices = folder / "vertices.txt.gz"
    with gzip.open(vertices, "wt", compresslevel=1) as out:
        for start in range(0, nodes, 1_000_000):
            chunk = names[start : start + 1_000_000]
            out.write("".join(f"{start + i}\t{n}\t1\n" for i, n in enumerate(chunk)))
    path = folder / "edges.txt.gz"
    with gzip.open(path, "wb", compresslevel=1) as out:
        per = edges // nodes
        for start in range(0, nodes, 200_000):
            src = np.repeat(np.arange(start, min(start + 200_000, nodes)), per)
            dst = (rng.zipf(1.6, len(src)) * 7919 + src) % nodes
            dst = np.where(dst == src, (dst + 1) % nodes, dst)
            order = np.lexsort((dst, src))
            lines = np.char.add(np.char.add(src[order].astype(str), "\t"), dst[order].astype(str))
            out.write(("\n".join(lines.tolist()) + "\n").encode())
    return vertices, path


def bench_graph(nodes: int, edges: int) -> None:
    with tempfile.TemporaryDirectory(dir=REPO / "benchmarks") as tmp:
        start = time.perf_counter()
        vertices, path = write_graph(Path(tmp), nodes, edges)
        print(f"web graph: {nodes:,} nodes / {edges:,} edges generated in "
              f"{time.perf_counter() - start:.0f} s ({path.stat().st_size / 1e6:.0f} MB gz)")  # fmt: skip
        code = (
            "import resource, sys, time; from crawler.archive.webgraph import ingest_webgraph;"
            "t = time.perf_counter();"
            f"m = ingest_webgraph({str(vertices)!r}, {str(path)!r}, {tmp!r} + '/out', 'g');"
            "print(time.perf_counter() - t, m['edges']['edges_written'],"
            " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
        )
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout.split()  # fmt: skip
        took, written, rss_kb = float(out[0]), int(out[1]), int(out[2])
        print(f"  ingest-webgraph        {written / took:10,.0f} edges/s "
              f"({took:.0f} s, peak memory {rss_kb / 1024 / 1024:.2f} GiB)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", nargs=2, type=int, metavar=("NODES", "EDGES"))
    args = parser.parse_args()
    bench_archives()
    if args.graph:
        bench_graph(*args.graph)
    print(
        f"(this process: peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)"
    )


if __name__ == "__main__":
    main()
