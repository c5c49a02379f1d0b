"""Relevance of a link: the same niche, and shared link neighbours.

The niches and the farm come from the sandbox model (``SandboxWeb.niches`` and
``features``), not from the communities the code finds.
"""

from __future__ import annotations

import numpy as np
import pytest

from crawler.sandbox import write_truth
from graph.build import graph_from_arrays
from graph.engines.local import LocalEngine
from graph.explain import link_graph
from graph.ranking import rank, ranking_of_graph
from graph.relevance import RELEVANT, _neighbour_similarity, relevance_columns
from linkgraph.cli import main


@pytest.fixture(scope="module")
def truth_dir(sandbox_truth, tmp_path_factory):
    return write_truth(sandbox_truth, tmp_path_factory.mktemp("truth"))


@pytest.fixture(scope="module")
def scored_links(truth_dir):
    """Every edge of the sandbox graph: (source, target, same_niche, relevance)."""
    ranking = rank([truth_dir])
    graph = link_graph(ranking)
    names = graph.names.to_pylist()
    found = []
    for target in range(graph.n):
        sources = graph.indices[graph.indptr[target] : graph.indptr[target + 1]].astype(np.int64)
        columns = relevance_columns(ranking, target, sources)
        for s, same, value in zip(
            sources.tolist(),
            columns["same_niche"].to_pylist(),
            columns["relevance"].to_pylist(),
            strict=True,
        ):
            found.append((names[s], names[target], same, value))
    return found


def test_the_farms_links_are_irrelevant_to_the_legitimate_niches(scored_links, sandbox_web):
    features = sandbox_web.features
    spam = set(features["link_farm"]) | {features["money_site"]}
    legitimate = {d for members in sandbox_web.niches.values() for d in members}
    between = [
        link
        for link in scored_links
        if (link[0] in spam and link[1] in legitimate)
        or (link[1] in spam and link[0] in legitimate)
    ]
    assert len(between) >= 10  # the comment spam on niche pages, both ways
    for source, target, same, value in between:
        assert same is False, (source, target)
        assert value < RELEVANT, (source, target)


def test_links_inside_a_generated_niche_are_relevant(scored_links, sandbox_web):
    niche = {d: name for name, members in sandbox_web.niches.items() for d in members}
    inside = [
        v for s, t, _, v in scored_links if s in niche and t in niche and niche[s] == niche[t]
    ]
    assert len(inside) >= 50
    assert sum(v >= RELEVANT for v in inside) / len(inside) >= 0.9


def test_similarity_is_the_jaccard_of_the_neighbourhoods_without_each_other():
    # s -> t; s's other neighbours {a, b, c}; t's other neighbours {b, c, d}: 2 of 4 shared
    names = ["a.com", "b.com", "c.com", "d.com", "s.com", "t.com"]
    a, b, c, d, s, t = range(6)
    edges = [(s, t), (s, a), (b, s), (c, s), (s, c), (t, b), (c, t), (d, t)]
    src, dst = zip(*edges, strict=True)
    ranking = ranking_of_graph(graph_from_arrays(names, src, dst), engine=LocalEngine())
    assert _neighbour_similarity(ranking, t, np.array([s])).tolist() == [2 / 4]


def test_backlinks_show_the_relevance_of_each_referring_domain(truth_dir, capsys):
    assert main(["backlinks", "willow-yard.com", str(truth_dir), "--limit", "3"]) == 0
    printed = capsys.readouterr().out
    header = printed.split("# Referring domains")[1].splitlines()[1].split("\t")
    assert header[:4] == ["domain", "authority", "relevance", "same_niche"]
