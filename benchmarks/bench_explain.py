"""Benchmark: ``explain`` and ``prospects`` on the web-like benchmark graph, once ranked.

    python3 benchmarks/bench_explain.py [--domains 1000000] [--edges 10000000]
                                        [--candidates 10000] [--check 3]

Uses the synthetic edges dataset of ``bench_rank.py`` (``rank_datasets.py``: heavy-tailed
in-degree, 20% dangling; generated once into ``benchmarks/out/``). Ranks it once with the
local engine (``graph.rank``, timed as the peer every figure is a ratio to), then:

* ``explain``: the PageRank split of the top domain (the most referring domains), of a
  median one and of one with few links, without the niche columns (Louvain on a
  million-node graph in networkx is out of reach; the neighbourhood similarity is timed on
  its own);
* ``prospects``: the exact gain for a median-PageRank domain from each of the
  ``--candidates`` highest-PageRank domains that do not link to it (``--from all``), and
  ``--check`` of those gains against a full re-solve of the graph with the link added.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rank_datasets import dataset_dir  # noqa: E402 (benchmarks/, beside this)

from graph.explain import explain, link_graph  # noqa: E402
from graph.pagerank_system import PageRankSystem  # noqa: E402
from graph.prospects import prospects, with_link  # noqa: E402
from graph.ranking import rank  # noqa: E402
from graph.relevance import _neighbour_similarity  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=10_000_000)
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--check", type=int, default=3)
    args = parser.parse_args()
    folder = dataset_dir(args.domains, args.edges)

    started = time.perf_counter()
    ranking = rank([folder])
    ranked = time.perf_counter() - started
    graph = link_graph(ranking)
    print(
        f"graph: {graph.n:,} domains, {graph.m:,} edges; rank (build + PageRank + trust): "
        f"{ranked:.2f} s"
    )

    order = np.argsort(-ranking.pagerank, kind="stable")
    indeg = graph.in_degree()
    picks = {
        "top": int(order[0]),
        "median": int(order[graph.n // 2]),
        "few links": int(np.flatnonzero(indeg == 2)[0]),
    }
    for label, node in picks.items():
        name = graph.names[node].as_py()
        times = []
        for _ in range(3):
            started = time.perf_counter()
            found = explain(ranking, name, relevance=False)
            times.append(time.perf_counter() - started)
        started = time.perf_counter()
        sources = graph.indices[graph.indptr[node] : graph.indptr[node + 1]].astype(np.int64)
        _neighbour_similarity(ranking, node, sources)
        similarity = time.perf_counter() - started
        share = float(np.asarray(found.table.column("share")).sum())
        print(
            f"explain {label} ({name}, {indeg[node]:,} referring domains): first "
            f"{times[0] * 1000:.0f} ms, then {min(times[1:]) * 1000:.0f} ms "
            f"({min(times) / ranked:.4f} x rank); similarity {similarity * 1000:.0f} ms; "
            f"shares sum to {share:.15f}; explained - pagerank = "
            f"{found.explained - found.pagerank:.2e}"
        )

    mine = graph.names[int(order[graph.n // 2])].as_py()
    started = time.perf_counter()
    found = prospects(ranking, mine, source="all", max_candidates=args.candidates, relevance=False)
    elapsed = time.perf_counter() - started
    print(
        f"prospects for {mine}: {found.table.num_rows:,} candidates in {elapsed:.1f} s "
        f"({elapsed / ranked:.2f} x rank; {elapsed / found.table.num_rows * 1000:.2f} ms "
        f"each), {found.resolved} re-solved in full; top gain "
        f"{found.table.column('gain_pagerank')[0].as_py():.3e} PageRank, "
        f"{found.table.column('gain_authority')[0].as_py():.4f} authority"
    )
    system = PageRankSystem(graph, ranking.alpha)
    x = system.pagerank(tol=1e-13, start=ranking.pagerank)
    m = ranking.id_of(mine)
    worst = 0.0
    for row in found.table.slice(0, args.check).to_pylist():
        c = ranking.id_of(row["domain"])
        after = PageRankSystem(with_link(graph, c, m), ranking.alpha).pagerank(tol=1e-13, start=x)
        worst = max(worst, abs(after[m] - x[m] - row["gain_pagerank"]))
    print(f"checked {args.check} gains against a full re-solve: max error {worst:.2e}")


if __name__ == "__main__":
    main()
