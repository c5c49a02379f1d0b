"""The rank engines' contract: every engine gives the local engine's ranked table.

``graph.rank(..., engine=NAME)`` is one API over several engines (``graph.engines``); the
rank table's schema and values are what every engine meets. Each registered engine is
held here to the local engine (itself held to networkx in ``tests/test_graph_sandbox.py``)
on the sandbox web's ground truth: the same nodes, the same link figures, and PageRank,
trust and niche authority within 1e-6 in L1.
"""

from __future__ import annotations

import numpy as np
import pytest

from crawler.sandbox import write_truth
from graph import Ranking, rank
from graph.engines import ENGINES, EngineError, get_engine
from graph.engines.base import Engine, RankGraph

TOL = 1e-9
#: An engine's own accuracy where its sweeps cost more (Spark: a job each): 1e-7 from the
#: exact vector and the local engine's 1e-9 keep the two within 1e-6 of each other.
ENGINE_TOL = {"spark": 1e-7}
#: Fixtures an engine needs running (a Spark session: tests/fixtures_system.py).
ENGINE_FIXTURES = {"spark": "spark"}


@pytest.fixture(scope="module")
def truth_dir(sandbox_truth, tmp_path_factory):
    return write_truth(sandbox_truth, tmp_path_factory.mktemp("truth"))


@pytest.fixture(scope="module")
def trusted(sandbox_web):
    return list(sandbox_web.features["trusted_seeds"])


@pytest.fixture(scope="module")
def local_table(truth_dir, trusted):
    return rank([truth_dir], trusted=trusted, niche=trusted[:1], tol=TOL).table()


@pytest.fixture(params=sorted(ENGINES))
def engine_name(request):
    if request.param in ENGINE_FIXTURES:
        request.getfixturevalue(ENGINE_FIXTURES[request.param])
    return request.param


def test_every_engine_implements_the_engine_interface(engine_name):
    engine = get_engine(engine_name)
    try:
        assert isinstance(engine, Engine)
        assert engine.name == engine_name
    finally:
        engine.close()


def test_every_engine_gives_the_local_engines_table(engine_name, truth_dir, trusted, local_table):
    tol = ENGINE_TOL.get(engine_name, TOL)
    ranking = rank([truth_dir], trusted=trusted, niche=trusted[:1], tol=tol, engine=engine_name)
    try:
        assert isinstance(ranking, Ranking)
        assert isinstance(ranking.graph, RankGraph)
        table = ranking.table()
    finally:
        ranking.close()
    assert table.schema == local_table.schema
    mine = {r["domain"]: r for r in table.to_pylist()}
    local = {r["domain"]: r for r in local_table.to_pylist()}
    assert set(mine) == set(local)
    exact = ("referring_domains", "backlinks", "dofollow", "outlinking_domains")
    for name in (*exact, "graph_in_degree"):
        assert {d: r[name] for d, r in mine.items()} == {d: r[name] for d, r in local.items()}
    for name in ("pagerank", "trustrank", "niche"):
        error = sum(abs(mine[d][name] - local[d][name]) for d in local)
        assert error < 1e-6, f"{engine_name} {name}: L1 error {error}"


def test_a_ranking_holds_its_scores_in_node_id_order(truth_dir, trusted):
    ranking = rank([truth_dir], trusted=trusted, tol=TOL)
    names = ranking.names.to_pylist()
    assert names == sorted(names)
    assert ranking.pagerank.shape == ranking.trust.shape == (ranking.graph.n,)
    assert abs(ranking.pagerank.sum() - 1.0) < 1e-9
    best = int(np.argmax(ranking.pagerank))
    assert ranking.authority[best] == 100.0
    assert ranking.id_of(names[best]) == best
    assert ranking.id_of("not-a-node.example") is None
    assert ranking.table().column("domain")[0].as_py() == names[best]


def test_an_unknown_engine_is_a_one_line_error():
    with pytest.raises(EngineError, match="unknown engine 'gpu'; use one of .*local"):
        get_engine("gpu")
