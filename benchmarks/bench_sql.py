"""Benchmark: what locking ``linkgraph sql`` down costs.

``graph.research.sql`` runs a user's SQL in a DuckDB session that can touch no file
(``connect(locked=True)``): its views read the crawl through Arrow datasets, since
DuckDB's own ``read_parquet`` needs external access (and DuckDB's ``allowed_paths`` would
let ``COPY ... TO`` overwrite the crawl's files). The peer, in the same run, is the same
query over ``read_parquet`` views in an unlocked session (``connect()``, what the other
research queries use).

Generates (once) ``--edges`` synthetic edge rows in ``benchmarks/out/sql-N/`` (Zipf-
distributed target domains, written as the crawler writes: zstd, dictionary strings,
1M-row files), then times three queries, best of ``--repeat``, each in a fresh session:
a selective filter (one domain's backlinks by linking domain), a full-scan aggregation
(referring domains of every domain) and a count.

Usage::

    python3 benchmarks/bench_sql.py                  # 5M edges (about 50 MB, once)
    python3 benchmarks/bench_sql.py --edges 1000000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.schema import EDGES_SCHEMA, PAGES_SCHEMA  # noqa: E402
from graph.research.session import connect  # noqa: E402
from graph.research.sql import sql  # noqa: E402

DOMAINS = 50_000
FILE_ROWS = 1_000_000
QUERIES = {
    "one domain's backlinks": (
        "SELECT src_domain, count(*) AS n FROM edges WHERE dst_domain = 'd1000.com' "
        "GROUP BY src_domain ORDER BY n DESC"
    ),
    "referring domains of all": (
        "SELECT dst_domain, count(DISTINCT src_domain) AS n FROM edges GROUP BY dst_domain "
        "ORDER BY n DESC LIMIT 10"
    ),
    "count": "SELECT count(*) AS n FROM edges",
}


def _filler(kind: pa.DataType, n: int) -> pa.Array:
    """A column of ``n`` plain values (the schema's columns are not nullable)."""
    if pa.types.is_string(kind):
        return pa.array([""] * n, kind)
    return pa.array(np.zeros(n, np.int64)).cast(kind)  # numbers, booleans, timestamps


def generate(out: Path, edges: int) -> None:
    """``edges`` rows in ``out/edges`` and one empty pages file."""
    rng = np.random.default_rng(7)
    names = pa.array([f"d{i}.com" for i in range(DOMAINS)])
    (out / "edges").mkdir(parents=True, exist_ok=True)
    (out / "pages").mkdir(parents=True, exist_ok=True)
    for part, start in enumerate(range(0, edges, FILE_ROWS)):
        n = min(FILE_ROWS, edges - start)
        src = np.sort(rng.integers(0, DOMAINS, n))  # page by page: sources clustered
        dst = np.minimum(rng.zipf(1.3, n) - 1, DOMAINS - 1)
        src_domain, dst_domain = names.take(pa.array(src)), names.take(pa.array(dst))
        columns = {f.name: _filler(f.type, n) for f in EDGES_SCHEMA}
        columns.update(
            crawl_id=pa.array(["bench"] * n),
            src_domain=src_domain,
            dst_domain=dst_domain,
            src_host=src_domain,
            dst_host=dst_domain,
            src_url=pa.array(
                [f"http://{d}/p{i % 97}" for i, d in enumerate(src_domain.to_pylist())]
            ),
            dst_url=pa.array([f"http://{d}/" for d in dst_domain.to_pylist()]),
            anchor=pa.array(["a link"] * n),
            kind=pa.array(["a"] * n),
            nofollow=pa.array(np.zeros(n, bool)),
        )
        table = pa.Table.from_pydict(columns, schema=EDGES_SCHEMA)
        pq.write_table(table, out / "edges" / f"part-{part:06d}.parquet", compression="zstd")
    pq.write_table(PAGES_SCHEMA.empty_table(), out / "pages" / "part-000000.parquet")


def best(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    crawl = ROOT / "benchmarks" / "out" / f"sql-{args.edges}"
    if not (crawl / "edges").is_dir():
        print(f"generating {args.edges:,} edges into {crawl} ...", flush=True)
        generate(crawl, args.edges)

    def unlocked(query: str):
        with connect([crawl]) as con:
            return con.sql(query).to_arrow_table()

    print(f"{args.edges:,} edges, best of {args.repeat}, fresh session each time")
    for name, query in QUERIES.items():
        locked_s = best(lambda q=query: sql(q, [crawl]), args.repeat)
        open_s = best(lambda q=query: unlocked(q), args.repeat)
        print(
            f"{name:28s} locked (Arrow) {locked_s:6.2f} s   read_parquet {open_s:6.2f} s   "
            f"locked / read_parquet {locked_s / open_s:4.2f}x"
        )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
