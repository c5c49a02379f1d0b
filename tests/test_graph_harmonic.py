"""Harmonic centrality: exact against networkx, the sampled estimate within its stated error."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from graph.build import graph_from_arrays
from graph.harmonic import harmonic_centrality
from tests.test_graph_pagerank import as_networkx, random_web


@pytest.fixture(scope="module")
def web():
    return random_web(n=1500, m=9000, seed=5)


@pytest.fixture(scope="module")
def exact(web):
    scores = nx.harmonic_centrality(as_networkx(web))
    return np.array([scores[i] for i in range(web.n)])


def test_exact_harmonic_centrality_matches_networkx(web, exact):
    result = harmonic_centrality(web)
    assert result.exact and result.sources == web.n
    np.testing.assert_allclose(result.scores, exact, rtol=0, atol=1e-9)
    assert (result.stderr == 0).all()


def test_a_path_scores_the_sum_of_reciprocal_distances():
    graph = graph_from_arrays(["a", "b", "c", "d"], [0, 1, 2], [1, 2, 3])  # a->b->c->d
    assert harmonic_centrality(graph).scores.tolist() == [0.0, 1.0, 1.5, 1 + 1 / 2 + 1 / 3]


def test_above_the_exact_limit_the_estimate_is_within_its_stated_error(web, exact):
    samples = 400
    result = harmonic_centrality(web, exact_limit=100, samples=samples, seed=1)
    assert not result.exact and result.sources == samples
    assert (result.stderr <= web.n / (2 * np.sqrt(samples))).all()
    reached = exact > 0
    z = np.abs(result.scores - exact)[reached] / np.maximum(result.stderr[reached], 1e-12)
    assert np.mean(z <= 3) >= 0.95  # a normal estimate is within 3 standard errors 99.7%
    assert (result.scores[~reached] == 0).all()
