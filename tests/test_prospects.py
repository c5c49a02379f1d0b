"""What a link would be worth: each predicted gain against a full recomputation with the
link added (networkx's PageRank of the new graph, an independent solver)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pyarrow.parquet as pq
import pytest

from crawler.sandbox import write_truth
from graph.authority import authority_scores
from graph.build import graph_from_arrays
from graph.engines.local import LocalEngine
from graph.explain import link_graph
from graph.prospects import gains, prospects
from graph.ranking import rank, ranking_of_graph
from linkgraph.cli import main


@pytest.fixture(scope="module")
def truth_dir(sandbox_truth, tmp_path_factory):
    return write_truth(sandbox_truth, tmp_path_factory.mktemp("truth"))


@pytest.fixture(scope="module")
def ranking(truth_dir):
    return rank([truth_dir], tol=1e-12)


def recomputed(ranking, source: str | None, target: str) -> tuple[float, float]:
    """PageRank and authority of ``target`` once ``source`` links to it (no link added
    when ``source`` is None), from scratch."""
    graph = link_graph(ranking)
    names = graph.names.to_pylist()
    web = nx.DiGraph()
    web.add_nodes_from(names)
    web.add_edges_from((names[s], names[d]) for s, d in zip(graph.src, graph.dst, strict=True))
    if source is not None:
        web.add_edge(source, target)
    scores = nx.pagerank(web, alpha=ranking.alpha, tol=1e-16, max_iter=100_000)
    vector = np.array([scores[name] for name in names])
    return scores[target], float(authority_scores(vector)[names.index(target)])


def test_every_predicted_gain_matches_a_full_recomputation_with_the_link_added(ranking):
    mine = "bloom-gardener.com"
    before, authority_before = recomputed(ranking, None, mine)
    found = prospects(ranking, mine, source="all", relevance=False)
    assert (
        found.table.num_rows == ranking.graph.n - 1 - ranking.graph.in_degree()[ranking.id_of(mine)]
    )
    for row in found.table.to_pylist():
        after, authority_after = recomputed(ranking, row["domain"], mine)
        assert row["gain_pagerank"] == pytest.approx(after - before, abs=1e-9), row["domain"]
        assert row["gain_authority"] == pytest.approx(
            authority_after - authority_before, abs=1e-9
        ), row["domain"]
    gains_shown = found.table.column("gain_pagerank").to_pylist()
    assert gains_shown == sorted(gains_shown, reverse=True)


def test_the_rank_one_update_alone_is_exact_on_a_graph_with_a_clear_top():
    # A hub every even node links to, a chain, and dangling nodes: one top node, clear
    # of the rest, so the new authority scale comes from the formula, not a re-solve.
    rng = np.random.default_rng(5)
    src, dst = rng.integers(0, 400, 2000), rng.integers(0, 400, 2000)
    src, dst = np.r_[src, np.arange(0, 400, 2)], np.r_[dst, np.zeros(200, dtype=np.int64)]
    keep = (src != dst) & (src >= 20)  # nodes 0-19 are dangling
    names = [f"n{i:03d}.com" for i in range(400)]
    ranking = ranking_of_graph(
        graph_from_arrays(names, src[keep], dst[keep]), engine=LocalEngine(), tol=1e-12
    )
    graph = link_graph(ranking)
    mine = 37
    linking = set(graph.indices[graph.indptr[mine] : graph.indptr[mine + 1]].tolist())
    candidates = np.array([c for c in range(0, graph.n, 7) if c not in linking | {mine}])
    gain, gain_authority, resolved = gains(ranking, mine, candidates)
    assert resolved <= len(candidates) // 10  # almost all by the formula alone
    name = graph.names[mine].as_py()
    before, authority_before = recomputed(ranking, None, name)
    for i, c in enumerate(candidates.tolist()):
        after, authority_after = recomputed(ranking, graph.names[c].as_py(), name)
        assert gain[i] == pytest.approx(after - before, abs=1e-12)
        assert gain_authority[i] == pytest.approx(authority_after - authority_before, abs=1e-9)


def test_candidates_link_to_a_competitor_and_not_to_mine(ranking, sandbox_web):
    found = prospects(ranking, "willow-yard.com", relevance=False)
    graph = link_graph(ranking)
    assert len(found.competitors) == 5 and "willow-yard.com" not in found.competitors

    def sources(name: str) -> set[str]:
        node = ranking.id_of(name)
        ids = graph.indices[graph.indptr[node] : graph.indptr[node + 1]]
        return set(graph.names.take(ids).to_pylist())

    expected = set().union(*(sources(c) for c in found.competitors))
    expected -= sources("willow-yard.com") | {"willow-yard.com"}
    assert set(found.table.column("domain").to_pylist()) == expected


def test_the_prospects_command_names_the_competitors_and_writes_the_contract_columns(
    truth_dir, tmp_path, capsys
):
    out = tmp_path / "prospects.parquet"
    argv = ["prospects", "willow-yard.com", str(truth_dir), "--competitors", "pepperkitchen.com"]
    assert main([*argv, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "competitors (given): pepperkitchen.com" in printed
    table = pq.read_table(out)
    for column in ("domain", "gain_pagerank", "gain_authority", "trust", "spam", "relevance"):
        assert column in table.column_names
    assert table.num_rows > 0
