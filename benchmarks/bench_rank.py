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

* ours: ``graph.build.build_graph`` + ``graph.authority.table_from_graph``, what
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

_COLUMNS = ["src_domain", "dst_domain", "nofollow", "kind"]


def generate(folder: Path, n_domains: int, n_edges: int, seed: int = 7) -> None:
    """Write the synthetic edges dataset into ``folder`` (crawl layout), atomically per file."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from crawler.schema import EDGES_SCHEMA

    rng = np.random.default_rng(seed)
    words = np.array(["rose", "garden", "news", "shop", "blog", "tech", "travel", "food"])
    names = pa.array(
        [f"{words[i % 8]}{i}.{('com', 'org', 'net', 'co.uk')[i % 4]}" for i in range(n_domains)]
    )
    # Popularity: Zipf-like weights in a random order of domains (in-degree heavy-tailed).
    popularity = 1.0 / np.arange(1, n_domains + 1) ** 0.9
    popularity = popularity[rng.permutation(n_domains)]
    cumulative = np.cumsum(popularity)
    cumulative /= cumulative[-1]
    linking = rng.permutation(n_domains)[: int(n_domains * 0.8)]  # 20% dangling
    # Log-normal out-degree, scaled so the distinct edges reach n_edges after top-ups.
    out = rng.lognormal(mean=0.0, sigma=1.2, size=linking.size)
    out = np.maximum(1, np.round(out * n_edges / out.sum())).astype(np.int64)
    keys = np.zeros(0, dtype=np.int64)
    while keys.size < n_edges:
        need = n_edges - keys.size
        src = np.repeat(linking, out) if keys.size == 0 else rng.choice(linking, need + need // 4)
        dst = np.searchsorted(cumulative, rng.random(src.size))
        fresh = src.astype(np.int64) * n_domains + dst
        fresh = fresh[src != dst]
        keys = np.concatenate([keys, fresh])
        keys.sort()
        first = np.ones(keys.size, dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        keys = keys[first]
    keys = keys[rng.permutation(keys.size)[:n_edges]]
    src, dst = keys // n_domains, keys % n_domains
    # Extra rows the graph must not count as distinct edges: duplicates, internal, nofollow.
    dup = rng.integers(0, n_edges, n_edges // 10)
    internal_src = rng.choice(linking, n_edges // 20)
    nofollow_src = rng.choice(linking, n_edges // 20)
    nofollow_dst = rng.integers(0, n_domains, nofollow_src.size)
    all_src = np.concatenate([src, src[dup], internal_src, nofollow_src])
    all_dst = np.concatenate([dst, dst[dup], internal_src, nofollow_dst])
    nofollow = np.zeros(all_src.size, dtype=bool)
    nofollow[-nofollow_src.size :] = True
    kind = np.where(rng.random(all_src.size) < 0.02, 1, 0)  # 2% redirects
    # A crawl writes page by page: order rows by source domain (domains in random order).
    order = np.argsort(rng.permutation(n_domains)[all_src], kind="stable")
    all_src, all_dst, nofollow, kind = all_src[order], all_dst[order], nofollow[order], kind[order]
    (folder / "edges").mkdir(parents=True, exist_ok=True)
    (folder / "pages").mkdir(exist_ok=True)
    chunk = 1_000_000
    when = pa.scalar(1_764_000_000_000, pa.timestamp("ms", tz="UTC"))
    for part, start in enumerate(range(0, all_src.size, chunk)):
        s = pa.array(all_src[start : start + chunk])
        d = pa.array(all_dst[start : start + chunk])
        rows = len(s)
        src_name, dst_name = names.take(s), names.take(d)
        page = pa.array(rng.integers(0, 50, rows)).cast(pa.string())
        src_url = pc.binary_join_element_wise("https://", src_name, "/p", page, "")
        dst_url = pc.binary_join_element_wise("https://", dst_name, "/", "")
        nf = pa.array(nofollow[start : start + chunk])
        table = pa.table(
            {
                "crawl_id": pa.array(["bench"] * rows),
                "src_url": src_url,
                "dst_url": dst_url,
                "src_host": src_name,
                "dst_host": dst_name,
                "src_domain": src_name,
                "dst_domain": dst_name,
                "anchor": pa.array(["link"] * rows),
                "rel": pc.if_else(nf, "nofollow", ""),
                "nofollow": nf,
                "ugc": pa.array(np.zeros(rows, dtype=bool)),
                "sponsored": pa.array(np.zeros(rows, dtype=bool)),
                "kind": pa.array(np.array(["a", "redirect"])[kind[start : start + chunk]]),
                "placement": pa.array(["content"] * rows),
                "internal": pc.equal(s, d),
                "position": pa.array(np.zeros(rows, dtype=np.int32)),
                "fetched_at": pa.array([when.value] * rows, pa.timestamp("ms", tz="UTC")),
            },
            schema=EDGES_SCHEMA,
        )
        path = folder / "edges" / f"part-{part:06d}.parquet"
        tmp = path.with_name(f".{path.name}.tmp")
        # As the crawler writes them (crawler/writer.py): zstd, dictionary-encoded strings,
        # 50,000 edges per dictionary (it writes one 50,000-edge batch per file).
        pq.write_table(table, tmp, compression="zstd", row_group_size=50_000)
        os.replace(tmp, path)
    (folder / "done").write_text(json.dumps({"domains": n_domains, "edges": n_edges}))


def dataset_dir(n_domains: int, n_edges: int) -> Path:
    folder = OUT / f"web-{n_domains}-{n_edges}-rg50k"
    if not (folder / "done").exists():
        started = time.perf_counter()
        generate(folder, n_domains, n_edges)
        print(f"generated {folder} in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ``ru_maxrss`` it does not carry
    over the parent's peak across ``exec``)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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


def run_ours_twice(folder: Path) -> dict:
    """``linkgraph rank FOLDER LATER``: two crawls with the same links, a day apart."""
    return _ours_timed([folder, later_copy(folder)])


def later_copy(folder: Path, days: int = 1) -> Path:
    """The crawl ``folder`` fetched again ``days`` later: the same rows, later times (made
    once, beside it)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    copy = folder.with_name(folder.name + f"-later{days}")
    if (copy / "done").exists():
        return copy
    for table in ("edges", "pages"):
        (copy / table).mkdir(parents=True, exist_ok=True)
        for part in sorted((folder / table).glob("*.parquet")):
            rows = pq.read_table(part)
            at = rows.schema.get_field_index("fetched_at")
            shifted = pc.add(rows.column(at), pa.scalar(days * 86_400_000, pa.duration("ms")))
            rows = rows.set_column(at, rows.schema.field(at), shifted.cast(rows.schema[at].type))
            pq.write_table(
                rows, copy / table / part.name, compression="zstd", row_group_size=50_000
            )
    (copy / "done").write_text("")
    return copy


def run_ours_plain(folder: Path) -> dict:
    """What ``linkgraph rank FOLDER`` runs, timed, without the solver figures."""
    return _ours_timed([folder])


def _ours_timed(folders: list[Path]) -> dict:
    from graph.authority import table_from_graph
    from graph.build import build_graph

    c0, t0 = _cpu_s(), time.perf_counter()
    graph = build_graph(folders)
    table = table_from_graph(graph)
    t1, c1 = time.perf_counter(), _cpu_s()
    return {
        "total_s": t1 - t0,
        "cpu_s": c1 - c0,
        "nodes": graph.n,
        "edges": graph.m,
        "backlinks": int(pa_sum(table.column("backlinks"))),
        "peak_mb": _peak_mb(),
    }


def pa_sum(column) -> int:
    import pyarrow.compute as pc

    return pc.sum(column).as_py()


def run_ours(folder: Path) -> dict:
    from graph.authority import table_from_graph
    from graph.build import build_graph
    from graph.pagerank import solve_pagerank

    c0, t0 = _cpu_s(), time.perf_counter()
    graph = build_graph([folder])
    t1 = time.perf_counter()
    table = table_from_graph(graph)
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
        "peak_mb": _peak_mb(),
    }


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
        "peak_mb": _peak_mb(),
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
        "peak_mb": _peak_mb(),
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
