"""PageRank, personalised PageRank: accuracy against networkx and igraph, the stopping rule."""

from __future__ import annotations

import gzip
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from graph.build import graph_from_arrays
from graph.pagerank import (
    PageRankError,
    pagerank,
    personalized_pagerank,
    solve_pagerank,
)

DATA = Path(__file__).parent / "data"


def random_web(n: int = 3000, m: int = 20000, seed: int = 3):
    """Heavy-tailed in-degree, a fifth of the nodes dangling (they never link)."""
    rng = np.random.default_rng(seed)
    src = rng.integers(0, int(n * 0.8), m)
    dst = (n * rng.random(m) ** 3).astype(int)
    return graph_from_arrays([f"d{i:05d}.com" for i in range(n)], src, dst)


def as_networkx(graph) -> nx.DiGraph:
    result = nx.DiGraph()
    result.add_nodes_from(range(graph.n))
    result.add_edges_from(zip(graph.src.tolist(), graph.dst.tolist(), strict=True))
    return result


def exact(graph, personalization=None) -> np.ndarray:
    # networkx stops when the L1 change is below n * tol: ask for far more than we test.
    scores = nx.pagerank(
        as_networkx(graph),
        alpha=0.85,
        tol=1e-15 / graph.n,
        max_iter=100_000,
        personalization=personalization,
    )
    return np.array([scores[i] for i in range(graph.n)])


@pytest.fixture(scope="module")
def web():
    return random_web()


@pytest.mark.parametrize("method", ["power", "bicgstab"])
@pytest.mark.parametrize("tol", [1e-3, 1e-6, 1e-10])
def test_the_result_is_within_tol_of_the_exact_vector_in_l1(web, method, tol):
    expected = exact(web)
    result = solve_pagerank(web, tol=tol, method=method)
    error = np.abs(result.scores - expected).sum()
    assert error <= result.error_bound < tol
    assert result.scores.sum() == pytest.approx(1.0, abs=1e-12)


def test_a_looser_tolerance_takes_fewer_sweeps(web):
    sweeps = [solve_pagerank(web, tol=t, method="power").matvecs for t in (1e-2, 1e-6, 1e-10)]
    assert sweeps[0] < sweeps[1] < sweeps[2]


def test_dangling_nodes_spread_their_mass_uniformly():
    # a -> b, b dangling: x_a = (1 - a)/2 + a x_b / 2, x_b = (1 - a)/2 + a x_a + a x_b / 2
    graph = graph_from_arrays(["a", "b"], [0], [1])
    alpha = 0.85
    xa = 1 / (2 + alpha)  # solving the two equations with x_a + x_b = 1
    np.testing.assert_allclose(pagerank(graph, tol=1e-12), [xa, 1 - xa], atol=1e-12)


@pytest.mark.parametrize("method", ["power", "bicgstab"])
def test_personalised_pagerank_matches_networkx_and_zero_where_unreachable(web, method):
    seeds = [5, 17, 2500]
    expected = exact(web, personalization={s: 1.0 for s in seeds})
    got = personalized_pagerank(web, seeds, tol=1e-10, method=method)
    assert np.abs(got - expected).sum() < 1e-10
    reachable = np.zeros(web.n, dtype=bool)
    graph = as_networkx(web)
    for s in seeds:
        reachable[list(nx.descendants(graph, s)) + [s]] = True
    assert (got[~reachable] == 0).all()
    assert (got[reachable] > 0).all()


def test_bad_parameters_raise_pagerank_errors(web):
    with pytest.raises(PageRankError, match="alpha must be between 0 and 1"):
        pagerank(web, alpha=0)
    with pytest.raises(PageRankError, match="tol must be positive"):
        pagerank(web, tol=0)
    with pytest.raises(PageRankError, match="unknown PageRank method 'jacobi'"):
        pagerank(web, method="jacobi")
    with pytest.raises(PageRankError, match="seed id out of range"):
        personalized_pagerank(web, [web.n])
    with pytest.raises(PageRankError, match="no seed"):
        personalized_pagerank(web, [])


def test_an_empty_graph_has_no_scores():
    assert pagerank(graph_from_arrays([], [], [])).tolist() == []


def read_ascii_graph(path: Path):
    """WebGraph's ASCIIGraph format: node count, then each node's successors on a line."""
    with gzip.open(path, "rt") as fh:
        n = int(fh.readline())
        lines = fh.read().split("\n")[:n]
    counts = np.array([len(line.split()) for line in lines])
    dst = np.array(" ".join(lines).split(), dtype=np.int64)
    src = np.repeat(np.arange(n), counts)
    return graph_from_arrays([f"n{i:06d}" for i in range(n)], src, dst)


@pytest.mark.slow
def test_pagerank_of_a_real_web_graph_is_within_1e6_of_igraphs_exact_prpack():
    igraph = pytest.importorskip("igraph")
    graph = read_ascii_graph(DATA / "cnr-2000.graph-txt.gz")
    assert graph.n == 325_557
    reference = igraph.Graph(
        n=graph.n, edges=np.column_stack([graph.src, graph.dst]), directed=True
    )
    expected = np.array(reference.pagerank(damping=0.85, implementation="prpack"))
    for method in ("power", "bicgstab"):
        got = pagerank(graph, method=method)
        assert np.abs(got - expected).sum() < 1e-6, method
    # the LAW reference's two top nodes stay on top once self-loops are dropped
    assert set(np.argsort(-got)[:2].tolist()) == {186907, 186908}
