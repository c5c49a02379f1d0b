"""Benchmark: rank a web-like domain graph from Parquet, against igraph and networkx.

    python3 benchmarks/bench_rank.py [--domains 1000000] [--edges 10000000]
                                     [--nx-domains 100000] [--nx-edges 1000000]

Generates (once, into ``benchmarks/out/``, reused afterwards) a synthetic edges dataset in
the crawl layout (``crawler.schema.EDGES_SCHEMA``, every column filled): heavy-tailed
in-degree (Zipf-like popularity), log-normal out-degree, 20% of domains dangling, plus
duplicate links, internal links and nofollow links that the graph must filter out. Then
each contender runs in its own subprocess (so peak memory is its own, read from
``VmHWM``) doing the same job end to end: read the Parquet, build the domain graph,
PageRank, produce the table sorted by PageRank.

* ours: ``graph.rank(...).table()`` on the local engine (build, then rank), what
  ``linkgraph rank`` runs: it reads the links (each counted once, ``graph.linkscan``), builds
  the graph and every node's link figures (``graph.links.link_counts``), ranks, and makes
  the table. The solver figures are taken after the timed job (BiCGSTAB, and the power
  iteration for the per-sweep figure);
* ours, two crawls: the same on the small dataset and a copy of it fetched a day later,
  as two crawls of the same web are (every link seen twice: the slowest case of the exact
  deduplication);
* igraph: pyarrow reads and filters the same columns, pandas factorises names, igraph
  builds the graph from integer pairs, ``simplify``, PageRank with PRPACK;
* networkx: the same read, ``DiGraph.add_edges_from``, ``networkx.pagerank`` at a
  tolerance that gives the same L1 accuracy (``tol = 1.76e-7 / N``; networkx multiplies
  ``tol`` by N), at a smaller size (``--nx-domains``/``--nx-edges``) with ours re-run at
  that size for the ratio.

The peers rank the graph only: they neither count each link once nor compute the link
figures, which ours does in the same time.

Also measured in the same run: memory copy bandwidth (numpy), and from it the floor of one
PageRank sweep (bytes it must move / bandwidth). Figures go in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))

from rank_datasets import dataset_dir, later_copy, relaid  # noqa: E402 (benchmarks/, beside this)
from rank_peers import bandwidth, peak_mb, run_igraph, run_networkx, run_solvers  # noqa: E402


def run_ours_twice(folder: Path) -> dict:
    """``linkgraph rank FOLDER LATER``: two crawls with the same links, a day apart."""
    return _ours_timed([folder, later_copy(folder)])


def run_ours_plain(folder: Path) -> dict:
    """What ``linkgraph rank FOLDER`` runs, timed, without the solver figures."""
    return _ours_timed([folder])


def _ours_timed(folders: list[Path]) -> dict:
    from graph.ranking import rank

    c0, t0 = _cpu_s(), time.perf_counter()
    ranking = rank(folders)
    graph, table = ranking.graph, ranking.table()
    t1, c1 = time.perf_counter(), _cpu_s()
    return {
        "total_s": t1 - t0,
        "cpu_s": c1 - c0,
        "nodes": graph.n,
        "edges": graph.m,
        "backlinks": int(pa_sum(table.column("backlinks"))),
        "peak_mb": peak_mb(),
    }


def pa_sum(column) -> int:
    import pyarrow.compute as pc

    return pc.sum(column).as_py()


def run_ours(folder: Path) -> dict:
    from graph.engines.local import LocalEngine
    from graph.pagerank import solve_pagerank
    from graph.ranking import ranking_of_graph

    engine = LocalEngine()
    c0, t0 = _cpu_s(), time.perf_counter()
    graph = engine.build([folder], level="domain", include_nofollow=False)
    t1 = time.perf_counter()
    table = ranking_of_graph(graph, engine=engine).table()
    t2, c2 = time.perf_counter(), _cpu_s()
    top = table.column("domain").slice(0, 10).to_pylist()
    # Solver figures: matvecs of each method, and the time of one sweep.
    bicg = solve_pagerank(graph, method="bicgstab")
    sweep = graph.cached("sweeper", lambda: None)
    x = np.full(graph.n, 1.0 / graph.n)
    times = []
    cpu0 = time.process_time()
    for _ in range(20):
        s0 = time.perf_counter()
        sweep(x)
        times.append(time.perf_counter() - s0)
    # CPU time per sweep and thread: what a sweep takes on cores nobody else is using.
    sweep_cpu = (time.process_time() - cpu0) / 20 / len(sweep.blocks)
    s0 = time.perf_counter()
    power = solve_pagerank(graph, method="power")
    iteration = (time.perf_counter() - s0) / power.matvecs
    at = graph.transpose_csr()
    return {
        "build_s": t1 - t0,
        "rank_s": t2 - t1,
        "total_s": t2 - t0,
        "cpu_s": c2 - c0,
        "nodes": graph.n,
        "edges": graph.m,
        "bicgstab_matvecs": bicg.matvecs,
        "power_sweeps": power.matvecs,
        "sweep_s": float(np.median(times)),
        "sweep_min_s": min(times),
        "sweep_cpu_per_thread_s": sweep_cpu,
        "iteration_s": iteration,
        "threads": len(sweep.blocks),
        "indptr_bytes": at.indptr.itemsize,
        "index_bytes": at.indices.itemsize,
        "data_bytes": at.data.itemsize,
        "top": top,
        "pagerank_top": table.column("pagerank").slice(0, 10).to_pylist(),
        "backlinks": int(pa_sum(table.column("backlinks"))),
        "peak_mb": peak_mb(),
    }


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(which: str, folder: str) -> None:
    runner = {
        "ours": run_ours,
        "ours_twice": run_ours_twice,
        "ours_plain": run_ours_plain,
        "igraph": run_igraph,
        "networkx": run_networkx,
        "solvers": run_solvers,
        "bandwidth": bandwidth,
    }[which]
    result = runner(Path(folder))
    result["process_cpu_s"] = _cpu_s()
    print(json.dumps(result))


def spawn(which: str, folder: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", which, str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=10_000_000)
    parser.add_argument("--nx-domains", type=int, default=100_000)
    parser.add_argument("--nx-edges", type=int, default=1_000_000)
    parser.add_argument(
        "--crawl-like",
        type=int,
        default=10_000_000,
        metavar="ROWS",
        help="also rank bench_research.py's crawl-like dataset of ROWS edge rows (25 links "
        "a page, 60%% internal, realistic URLs and anchors; 0 to skip)",
    )
    parser.add_argument("--skip", nargs="*", default=[], help="contenders to skip")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    started = time.perf_counter()
    big = dataset_dir(args.domains, args.edges)
    small = dataset_dir(args.nx_domains, args.nx_edges)
    bws = spawn("bandwidth", OUT)
    print(
        f"memory copy bandwidth (read + write): {bws['threads_1'] / 1e9:.1f} GB/s one thread, "
        f"{bws['threads_2'] / 1e9:.1f} GB/s two threads",
        flush=True,
    )
    solvers = spawn("solvers", ROOT / "tests" / "data" / "cnr-2000.graph-txt.gz")
    print("solvers on cnr-2000", json.dumps(solvers), flush=True)
    ours = spawn("ours", big)
    print("ours   ", json.dumps(ours), flush=True)
    # One sweep must read each edge's index and value once, the row pointers, and the
    # rank vector (at least once), and write the result.
    per_sweep = ours["edges"] * (ours["index_bytes"] + ours["data_bytes"]) + ours["nodes"] * (
        ours["indptr_bytes"] + 8 + 8
    )
    bw = bws[f"threads_{min(2, ours['threads'])}"]
    floor = per_sweep / bw
    print(
        f"sweep ({ours['threads']} threads): median {ours['sweep_s'] * 1e3:.1f} ms, "
        f"best {ours['sweep_min_s'] * 1e3:.1f} ms; whole power iteration "
        f"{ours['iteration_s'] * 1e3:.1f} ms; CPU time per sweep and thread "
        f"{ours['sweep_cpu_per_thread_s'] * 1e3:.1f} ms; bandwidth floor {floor * 1e3:.1f} ms "
        f"({per_sweep / 1e6:.0f} MB at {bw / 1e9:.1f} GB/s); ratios "
        f"{ours['sweep_s'] / floor:.2f} (median sweep), {ours['sweep_min_s'] / floor:.2f} "
        f"(best), {ours['iteration_s'] / floor:.2f} (iteration), "
        f"{ours['sweep_cpu_per_thread_s'] / floor:.2f} (CPU per thread)",
        flush=True,
    )
    if "igraph" not in args.skip:
        theirs = spawn("igraph", big)
        print("igraph ", json.dumps(theirs), flush=True)
        same = ours["top"] == theirs["top"]
        print(
            f"igraph / ours total time: {theirs['total_s'] / ours['total_s']:.1f}x "
            f"(CPU time {theirs['cpu_s'] / ours['cpu_s']:.1f}x); "
            f"same top 10: {same}; peak MB ours {ours['peak_mb']:.0f}, "
            f"igraph {theirs['peak_mb']:.0f}",
            flush=True,
        )
    for layout in ("written", "pyarrow"):
        if layout in args.skip:
            continue
        other = relaid(big, layout)
        mine = spawn("ours_plain", other)
        theirs = spawn("igraph", other) if "igraph" not in args.skip else None
        print(f"ours, {layout} layout", json.dumps(mine), flush=True)
        if theirs:
            print(f"igraph, {layout} layout", json.dumps(theirs), flush=True)
            print(
                f"ours / igraph on the {layout} layout: "
                f"{mine['total_s'] / theirs['total_s']:.2f}x time; peak MB ours "
                f"{mine['peak_mb']:.0f}, igraph {theirs['peak_mb']:.0f}; "
                f"load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
    if "networkx" not in args.skip:
        ours_small = spawn("ours", small)
        nx_small = spawn("networkx", small)
        print("ours   ", json.dumps(ours_small), flush=True)
        print("networkx", json.dumps(nx_small), flush=True)
        twice = spawn("ours_twice", small)
        print("ours, two crawls of the same web", json.dumps(twice), flush=True)
        print(
            f"two crawls of the same web / one: {twice['total_s'] / ours_small['total_s']:.1f}x "
            f"time; same backlinks: {twice['backlinks'] == ours_small['backlinks']}",
            flush=True,
        )
        print(
            f"networkx / ours total time at {args.nx_domains:,} domains: "
            f"{nx_small['total_s'] / ours_small['total_s']:.0f}x "
            f"(CPU time {nx_small['cpu_s'] / ours_small['cpu_s']:.0f}x); "
            f"same top 10: {ours_small['top'] == nx_small['top']}; "
            f"peak MB ours {ours_small['peak_mb']:.0f}, networkx {nx_small['peak_mb']:.0f}",
            flush=True,
        )
    if args.crawl_like:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from bench_research import generate

        crawl = OUT / f"research-{args.crawl_like}"
        if not (crawl / "edges").is_dir():
            generate(crawl, args.crawl_like)
        like = spawn("ours_plain", crawl)
        print("ours on the crawl-like dataset", json.dumps(like), flush=True)
        if "igraph" not in args.skip:
            theirs = spawn("igraph", crawl)
            print("igraph on the crawl-like dataset", json.dumps(theirs), flush=True)
            print(
                f"igraph / ours on the crawl-like dataset: "
                f"{theirs['total_s'] / like['total_s']:.1f}x",
                flush=True,
            )
    print(
        f"load average {os.getloadavg()[0]:.2f} at the end; {time.perf_counter() - started:.0f} s",
        flush=True,
    )


if __name__ == "__main__":
    main()
