"""Benchmark: the domain graph of 100M edge rows on one machine, against DuckDB's floor.

Generates (once) ``--edges`` crawl-like edge rows with ``bench_research.generate`` (25 links
a page, 60% internal, 200,000 domains with Zipf-distributed targets, realistic URLs and
anchors; 1M-row row groups in 5M-row files, the target domain in no order) into
``benchmarks/out/`` and deletes them afterwards unless ``--keep``. Then, each in a fresh
subprocess under the same ``nice``:

- **ours**: the local engine (``graph.engines.local``) builds the domain graph exactly as
  ``linkgraph rank`` does (each link once with its latest flags, ``graph.linkscan``; the
  followable edges; every domain's link figures), then ranks it (PageRank to L1 error
  1e-6) and makes the rank table; time of each step and peak RSS (``VmHWM``);
- **DuckDB** (the floor for the build): the same files turned into distinct followable
  int32 (source, target) domain pairs, with ``memory_limit='2GB'``, 2 threads and a spill
  directory: names numbered in one pass, rows joined to their ids, ``SELECT DISTINCT``,
  fetched as numpy. It counts rows, not links (no latest-sighting rule), so it does less.

Usage::

    nice python3 benchmarks/bench_build.py                 # 100M rows (about 1.8 GB)
    nice python3 benchmarks/bench_build.py --edges 5000000 --keep
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

OURS = """
import json, sys, time
sys.path.insert(0, {root!r})
from graph.engines.local import LocalEngine
from graph.ranking import ranking_of_graph
t0 = time.perf_counter()
engine = LocalEngine()
graph = engine.build([{crawl!r}], level="domain", include_nofollow=False)
t1 = time.perf_counter()
table = ranking_of_graph(graph, engine=engine).table()
t2 = time.perf_counter()
hwm = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) * 1024
print(json.dumps({{"build": t1 - t0, "rank": t2 - t1, "nodes": graph.n, "edges": graph.m,
                   "rows": table.num_rows, "peak_bytes": hwm}}))
"""

DUCKDB = """
import json, sys, tempfile, time
sys.path.insert(0, {root!r})
import duckdb
from graph.links import followable_sql
spill = tempfile.mkdtemp(prefix="bench-build-duckdb-")
t0 = time.perf_counter()
con = duckdb.connect(config={{"memory_limit": "2GB", "threads": 2, "temp_directory": spill}})
con.execute("SET enable_progress_bar = false")
con.execute("CREATE VIEW edges AS SELECT * FROM read_parquet({files!r})")
con.execute(
    "CREATE TABLE names AS SELECT name, (row_number() OVER (ORDER BY name) - 1)::INTEGER AS id "
    "FROM (SELECT src_domain AS name FROM edges UNION SELECT dst_domain FROM edges)"
)
pairs = con.execute(
    "SELECT DISTINCT s.id AS src, d.id AS dst FROM edges e "
    "JOIN names s ON s.name = e.src_domain JOIN names d ON d.name = e.dst_domain "
    "WHERE NOT e.internal AND " + followable_sql("e.")
).fetchnumpy()
seconds = time.perf_counter() - t0
con.close()
hwm = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) * 1024
print(json.dumps({{"build": seconds, "edges": len(pairs["src"]), "peak_bytes": hwm}}))
"""


def run(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(next(x for x in reversed(done.stdout.splitlines()) if x.startswith("{")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=100_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated dataset")
    parser.add_argument("--only", choices=("ours", "duckdb"), help="run one contender only")
    args = parser.parse_args()
    from bench_research import generate

    crawl = ROOT / "benchmarks" / "out" / f"research-{args.edges}"
    made = False
    if not (crawl / "pages" / "part-000000.parquet").exists():
        print(f"generating {args.edges:,} edge rows into {crawl} ...", flush=True)
        t0 = time.perf_counter()
        generate(crawl, args.edges)
        made = True
        print(f"  took {time.perf_counter() - t0:.0f} s", flush=True)
    files = sorted(str(p) for p in (crawl / "edges").glob("*.parquet"))
    size = sum(os.path.getsize(f) for f in files)
    print(f"dataset: {args.edges:,} rows, {size / 1e9:.2f} GB in {len(files)} files")
    try:
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        ours = duck = None
        if args.only != "duckdb":
            ours = run(OURS.format(root=str(ROOT), crawl=str(crawl)))
            print(
                f"ours: build {ours['build']:.1f} s, rank + table {ours['rank']:.1f} s, "
                f"{ours['nodes']:,} domains, {ours['edges']:,} edges, "
                f"peak RSS {ours['peak_bytes'] / 2**30:.2f} GiB; "
                f"load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
        if args.only != "ours":
            duck = run(DUCKDB.format(root=str(ROOT), files=files))
            print(
                f"DuckDB distinct int32 pairs: {duck['build']:.1f} s, {duck['edges']:,} pairs, "
                f"peak RSS {duck['peak_bytes'] / 2**30:.2f} GiB; load {os.getloadavg()[0]:.2f}"
            )
        if ours and duck:
            print(
                f"ours / DuckDB: build {ours['build'] / duck['build']:.2f}x, "
                f"build + rank {(ours['build'] + ours['rank']) / duck['build']:.2f}x"
            )
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        if made and not args.keep:
            shutil.rmtree(crawl)
    return 0


if __name__ == "__main__":
    sys.exit(main())
