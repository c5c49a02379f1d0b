"""The peers of ``bench_rank.py`` (igraph, networkx), its solver comparison on a real web
graph, and the memory bandwidth that bounds a PageRank sweep."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np


def peak_mb() -> float:
    """This process's peak resident memory (``VmHWM``)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _cpu_s() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _read_filtered(folder: Path):
    """What igraph and networkx start from: the needed columns, filtered, in memory."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    dataset = ds.dataset(str(folder / "edges"), format="parquet")
    keep = (
        pc.field("kind").isin(["a", "area", "redirect"])
        & ~pc.field("nofollow")
        & (pc.field("src_domain") != pc.field("dst_domain"))
    )
    return dataset.to_table(columns=["src_domain", "dst_domain"], filter=keep)


def run_igraph(folder: Path) -> dict:
    import igraph as ig
    import pandas as pd
    import pyarrow as pa

    c0, t0 = _cpu_s(), time.perf_counter()
    table = _read_filtered(folder)
    codes, names = pd.factorize(
        pa.concat_arrays(
            [table.column(0).combine_chunks(), table.column(1).combine_chunks()]
        ).to_pandas()
    )
    m = table.num_rows
    del table
    pairs = np.column_stack([codes[:m], codes[m:]])
    graph = ig.Graph(n=len(names), edges=pairs, directed=True)
    graph.simplify(multiple=True, loops=True)
    t1 = time.perf_counter()
    scores = np.array(graph.pagerank(damping=0.85, implementation="prpack"))
    order = np.lexsort((np.asarray(names), -scores))
    top = [names[i] for i in order[:10]]
    t2, c2 = time.perf_counter(), _cpu_s()
    return {
        "build_s": t1 - t0,
        "rank_s": t2 - t1,
        "total_s": t2 - t0,
        "cpu_s": c2 - c0,
        "nodes": graph.vcount(),
        "edges": graph.ecount(),
        "top": top,
        "pagerank_top": scores[order[:10]].tolist(),
        "peak_mb": peak_mb(),
    }


def run_networkx(folder: Path) -> dict:
    import networkx as nx

    c0, t0 = _cpu_s(), time.perf_counter()
    table = _read_filtered(folder)
    graph = nx.DiGraph()
    graph.add_edges_from(zip(table.column(0).to_pylist(), table.column(1).to_pylist(), strict=True))
    del table
    t1 = time.perf_counter()
    n = graph.number_of_nodes()
    scores = nx.pagerank(graph, alpha=0.85, tol=1e-6 * 0.15 / 0.85 / n, max_iter=1000)
    top = sorted(scores, key=lambda k: (-scores[k], k))[:10]
    t2, c2 = time.perf_counter(), _cpu_s()
    return {
        "build_s": t1 - t0,
        "rank_s": t2 - t1,
        "total_s": t2 - t0,
        "cpu_s": c2 - c0,
        "nodes": n,
        "edges": graph.number_of_edges(),
        "top": top,
        "peak_mb": peak_mb(),
    }


def run_solvers(path: Path) -> dict:
    """Sweeps, time and true L1 error of each solver on a real web graph (cnr-2000)."""
    import igraph as ig
    import scipy.sparse.linalg as sla

    from graph.pagerank import Sweeper, solve_pagerank
    from tests.test_graph_pagerank import read_ascii_graph

    graph = read_ascii_graph(path)
    exact = np.array(
        ig.Graph(n=graph.n, edges=np.column_stack([graph.src, graph.dst]), directed=True).pagerank(
            damping=0.85, implementation="prpack"
        )
    )
    result = {"nodes": graph.n, "edges": graph.m}
    for method in ("power", "bicgstab"):
        solve_pagerank(graph, method=method)  # warm up (thread pool, caches)
        t = time.perf_counter()
        found = solve_pagerank(graph, method=method)
        result[method] = {
            "sweeps": found.matvecs,
            "seconds": time.perf_counter() - t,
            "error_bound": found.error_bound,
            "error": float(np.abs(found.scores - exact).sum()),
        }
    out = graph.out_degree()
    scale = np.zeros(graph.n)
    np.divide(0.85, out, out=scale, where=out > 0)
    sweep = Sweeper(graph.transpose_csr())
    count = [0]

    def apply(z: np.ndarray) -> np.ndarray:
        count[0] += 1
        return z - sweep(z * scale)

    b = np.full(graph.n, 1.0 / graph.n)
    t = time.perf_counter()
    y, _ = sla.gmres(
        sla.LinearOperator((graph.n, graph.n), matvec=apply), b, x0=b.copy(), rtol=1e-6, restart=20
    )
    seconds = time.perf_counter() - t
    sweeps = count[0]
    residual = float(np.abs(b - apply(y)).sum())
    result["gmres20"] = {
        "sweeps": sweeps,
        "seconds": seconds,
        "error_bound": 2 * residual / 0.15,
        "error": float(np.abs(y / y.sum() - exact).sum()),
    }
    return result


def bandwidth(_: Path | None = None) -> dict:
    """Memory copy bandwidth in bytes/s (read + write), best of 10 copies of 400 MB, with
    one thread and with two (each copying half)."""
    from concurrent.futures import ThreadPoolExecutor

    a = np.ones(50_000_000)
    b = np.empty_like(a)
    half = len(a) // 2
    result = {}
    with ThreadPoolExecutor(2) as pool:
        for threads in (1, 2):
            best = float("inf")
            for _ in range(10):
                t = time.perf_counter()
                if threads == 1:
                    np.copyto(b, a)
                else:
                    list(
                        pool.map(
                            lambda sl: np.copyto(b[sl], a[sl]), [slice(0, half), slice(half, None)]
                        )
                    )
                best = min(best, time.perf_counter() - t)
            result[f"threads_{threads}"] = 2 * a.nbytes / best
    return result
