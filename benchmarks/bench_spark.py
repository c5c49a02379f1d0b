"""Benchmark: the Spark engine (pyspark ``local[*]``) against the local engine, and its scaling.

    nice python3 benchmarks/bench_spark.py [--sizes 100000:1000000 300000:3000000 ...]
                                           [--partitions 8] [--driver-memory 4g]

For each size DOMAINS:EDGES, the synthetic web-like edges dataset of ``bench_rank.py``
(``rank_datasets.py``: crawl layout, heavy-tailed in-degree, 20% dangling, duplicate,
internal and nofollow rows the graph must drop; made once into ``benchmarks/out/``), ranked
end to end (Parquet to the ranked table, PageRank at ``tol=1e-6``) by each engine in its
own subprocess: ``graph.rank(...).table()`` on the local engine, and the same with
``engine="spark"``, timing Spark's session start, graph build and PageRank apart. Peak
memory is the Python process's ``VmHWM`` plus, for Spark, the JVM's (a child process:
``RUSAGE_CHILDREN``). Prints one JSON line per run and a summary with the ratios (Spark /
local) and Spark's time per sweep and per edge-sweep, the slope ``docs/scaling.md``
extrapolates from. Spark's settings are printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from rank_datasets import dataset_dir  # noqa: E402 (benchmarks/, beside this)
from rank_peers import peak_mb  # noqa: E402


def _children_peak_mb() -> float:
    """Peak memory of this process's children (the JVM pyspark started), from /proc."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != os.getpid():
                continue
            for line in (stat.parent / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
        except (OSError, ValueError, IndexError):
            continue
    return total


def _children_cpu_s() -> float:
    """CPU seconds (user + system) of this process's children so far (the JVM): the work
    Spark did, whatever else the machine was running."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == os.getpid():
                total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, ValueError, IndexError):
            continue
    return total


def _cpu_s() -> float:
    times = os.times()
    return times.user + times.system


def run_local(folder: Path, settings: dict) -> dict:
    from graph.ranking import rank

    started, cpu = time.perf_counter(), _cpu_s()
    ranking = rank([folder], tol=1e-6)
    table = ranking.table()
    return {
        "engine": "local",
        "total_s": time.perf_counter() - started,
        "cpu_s": _cpu_s() - cpu,
        "nodes": ranking.graph.n,
        "edges": ranking.graph.m,
        "top": table.column("domain")[0].as_py(),
        "peak_mb": peak_mb(),
        "pagerank": ranking.pagerank.tolist() if settings.get("keep") else None,
    }


def run_spark(folder: Path, settings: dict) -> dict:
    from graph.engines import get_engine
    from graph.ranking import ranking_of_graph

    config = {
        "spark.driver.memory": settings["driver_memory"],
        "spark.ui.enabled": "false",
        "spark.sql.adaptive.enabled": settings["adaptive"],
    }
    engine = get_engine(
        "spark", master=settings["master"], partitions=settings["partitions"], config=config
    )
    started = time.perf_counter()
    spark = engine.session
    session_s = time.perf_counter() - started
    built, cpu0 = time.perf_counter(), _children_cpu_s() + _cpu_s()
    graph = engine.build([folder], level="domain", include_nofollow=False)
    build_s = time.perf_counter() - built
    ranked, cpu1 = time.perf_counter(), _children_cpu_s() + _cpu_s()
    ranking = ranking_of_graph(graph, engine=engine, crawl_dirs=[folder], tol=1e-6)
    table = ranking.table()
    rank_s = time.perf_counter() - ranked
    cpu2 = _children_cpu_s() + _cpu_s()
    sweeps = graph._cache["sweeps"][0]
    result = {
        "engine": "spark",
        "total_s": time.perf_counter() - started,
        "session_s": session_s,
        "build_s": build_s,
        "pagerank_s": rank_s,
        "build_cpu_s": cpu1 - cpu0,
        "pagerank_cpu_s": cpu2 - cpu1,
        "cpu_ns_per_edge_sweep": (cpu2 - cpu1) / sweeps / graph.m * 1e9,
        "sweeps": sweeps,
        "s_per_sweep": rank_s / sweeps,
        "ns_per_edge_sweep": rank_s / sweeps / graph.m * 1e9,
        "nodes": graph.n,
        "edges": graph.m,
        "top": table.column("domain")[0].as_py(),
        "spark": spark.version,
        "settings": {
            **{k: spark.conf.get(k) for k in config},
            "spark.master": spark.sparkContext.master,
            "spark.sql.shuffle.partitions": spark.conf.get("spark.sql.shuffle.partitions"),
        },
    }
    scores = ranking.pagerank
    jvm_mb = _children_peak_mb()
    engine.close()
    result.update(python_peak_mb=peak_mb(), jvm_peak_mb=jvm_mb, peak_mb=peak_mb() + jvm_mb)
    result["pagerank"] = scores.tolist() if settings.get("keep") else None
    return result


def spawn(which: str, folder: Path, settings: dict) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", which, str(folder), json.dumps(settings)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        nargs="+",
        default=["100000:1000000", "300000:3000000", "1000000:10000000"],
        help="DOMAINS:EDGES of each dataset",
    )
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--adaptive", default="false", help="spark.sql.adaptive.enabled")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        which, folder, settings = args.child
        runner = {"local": run_local, "spark": run_spark}[which]
        print(json.dumps(runner(Path(folder), json.loads(settings))))
        return
    settings = {
        "master": args.master,
        "partitions": args.partitions,
        "driver_memory": args.driver_memory,
        "adaptive": args.adaptive,
        "keep": True,
    }
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()}", flush=True)
    rows = []
    for size in args.sizes:
        n_domains, n_edges = (int(x) for x in size.split(":"))
        folder = dataset_dir(n_domains, n_edges)
        local = spawn("local", folder, settings)
        spark = spawn("spark", folder, settings)
        error = float(
            np.abs(np.array(local.pop("pagerank")) - np.array(spark.pop("pagerank"))).sum()
        )
        for result in (local, spark):
            print(json.dumps({"size": size, **result}), flush=True)
        rows.append((size, local, spark, error))
    print(
        "\nsize | local s (CPU s) | spark s (session + build + rank) | ratio | spark CPU s "
        "(build + rank) | CPU ratio | sweeps | s/sweep | CPU ns/edge-sweep | peak MB local / "
        "spark | L1(spark - local)"
    )
    for size, local, spark, error in rows:
        print(
            f"{size} | {local['total_s']:.1f} ({local['cpu_s']:.1f}) | {spark['total_s']:.1f} "
            f"({spark['session_s']:.1f} + {spark['build_s']:.1f} + {spark['pagerank_s']:.1f}) | "
            f"{spark['total_s'] / local['total_s']:.0f}x | "
            f"{spark['build_cpu_s'] + spark['pagerank_cpu_s']:.0f} "
            f"({spark['build_cpu_s']:.0f} + {spark['pagerank_cpu_s']:.0f}) | "
            f"{(spark['build_cpu_s'] + spark['pagerank_cpu_s']) / local['cpu_s']:.0f}x | "
            f"{spark['sweeps']} | {spark['s_per_sweep']:.2f} | "
            f"{spark['cpu_ns_per_edge_sweep']:.0f} | "
            f"{local['peak_mb']:.0f} / {spark['peak_mb']:.0f} | {error:.1e}"
        )
    print("spark settings:", json.dumps(rows[-1][2]["settings"]), "spark", rows[-1][2]["spark"])


if __name__ == "__main__":
    main()
