"""Benchmark: one PageRank sweep in nanoseconds per edge, against the memory floors.

A PageRank sweep (``graph.sweep.Sweeper``: ``y = A^T z`` over CSR, row blocks on threads)
reads each edge's source id and, through it, one value of the rank vector at a random
place. Two floors, measured in the same run on the same machine:

- streaming: the bytes a sweep must move (per edge a 4-byte index and an 8-byte matrix
  value, per node the row pointer, the rank read and the result written) over the
  measured memory-copy bandwidth (numpy ``copyto`` of 400 MB, read + write);
- random gather: ``z[idx]`` with ``idx`` uniform over a vector of the graph's size, in
  nanoseconds per element: what one edge's random read costs on its own.

The graph is the 1M-domain / 10M-edge synthetic web of ``bench_rank.py`` (its domain graph,
built by ``graph.build``; ids in name order, so sources are in no useful order), or with
``--random`` a uniform random graph of the same size. The published anchor is McSherry,
Isard and Murray, "Scalability! But at what COST?" (HotOS 2015): one thread, about 10 ns
per edge per iteration on twitter-2010 (42M nodes), 3.7 ns with edges in Hilbert order.

Usage::

    nice python3 benchmarks/bench_sweep.py
    nice python3 benchmarks/bench_sweep.py --random --nodes 1000000 --edges 10000000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from graph.sweep import Sweeper  # noqa: E402


def best(fn, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def copy_bandwidth() -> float:
    """Bytes per second that numpy moves copying 400 MB (read + write), one thread."""
    a = np.ones(50_000_000)
    b = np.empty_like(a)
    return 2 * a.nbytes / best(lambda: np.copyto(b, a), 5)


def gather_ns(n: int, m: int) -> float:
    """Nanoseconds per element of ``z[idx]`` with ``m`` uniform indices into ``n`` floats."""
    rng = np.random.default_rng(1)
    z = rng.random(n)
    idx = rng.integers(0, n, m, dtype=np.int32)
    out = np.empty(m)
    return best(lambda: np.take(z, idx, out=out), 5) / m * 1e9


def graph_csr(args: argparse.Namespace) -> sp.csr_array:
    if args.random:
        rng = np.random.default_rng(2)
        dst = np.sort(rng.integers(0, args.nodes, args.edges, dtype=np.int32))
        src = rng.integers(0, args.nodes, args.edges, dtype=np.int32)
        indptr = np.zeros(args.nodes + 1, dtype=np.int32)
        np.cumsum(np.bincount(dst, minlength=args.nodes), out=indptr[1:])
        data = np.ones(args.edges)
        return sp.csr_array((data, src, indptr), shape=(args.nodes, args.nodes))
    from rank_datasets import dataset_dir

    from graph.build import build_graph

    return build_graph([dataset_dir(args.nodes, args.edges)]).transpose_csr()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=10_000_000)
    parser.add_argument("--random", action="store_true", help="a uniform random graph")
    args = parser.parse_args()
    at = graph_csr(args)
    n, m = at.shape[0], at.nnz
    z = np.full(n, 1.0 / n)
    results = {}
    for threads in (1, None):
        sweeper = Sweeper(at, threads=threads)
        sweeper(z)
        results[len(sweeper.blocks)] = best(lambda s=sweeper: s(z), 21)
    bw = copy_bandwidth()
    per_sweep = m * (at.indices.itemsize + at.data.itemsize) + n * (at.indptr.itemsize + 16)
    gather = gather_ns(n, m)
    print(f"graph: {n:,} nodes, {m:,} edges ({'uniform random' if args.random else 'web-like'})")
    print(f"memory copy: {bw / 1e9:.1f} GB/s (one thread, read + write)")
    print(f"random gather from a {n * 8 / 1e6:.0f} MB vector: {gather:.2f} ns an element")
    print(f"streaming floor: {per_sweep / 1e6:.0f} MB a sweep -> {per_sweep / bw * 1e3:.1f} ms")
    for threads, seconds in results.items():
        ns = seconds / m * 1e9
        print(
            f"sweep, {threads} thread(s): {seconds * 1e3:.1f} ms = {ns:.2f} ns an edge; "
            f"{seconds / (per_sweep / bw):.1f}x the streaming floor, "
            f"{ns / gather:.2f}x one random gather an edge; "
            f"{ns * threads:.2f} ns an edge per thread (published: 10 ns, 3.7 ns Hilbert)"
        )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
