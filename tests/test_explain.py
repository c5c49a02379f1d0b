"""Authority explained: a domain's PageRank split exactly into what each source passes it."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pyarrow.parquet as pq
import pytest

from crawler.sandbox import write_truth
from graph.build import graph_from_arrays
from graph.engines.local import LocalEngine
from graph.explain import TELEPORT, NotInGraphError, explain
from graph.ranking import rank, ranking_of_graph
from linkgraph.cli import main

#: a -> b, a -> c, c -> b, b -> c, d -> b; e is dangling (c -> e)
NAMES = ["a.com", "b.com", "c.com", "d.com", "e.com"]
EDGES = [(0, 1), (0, 2), (2, 1), (1, 2), (3, 1), (2, 4)]


@pytest.fixture(scope="module")
def truth_dir(sandbox_truth, tmp_path_factory):
    return write_truth(sandbox_truth, tmp_path_factory.mktemp("truth"))


def test_each_source_passes_its_pagerank_times_alpha_over_its_out_degree():
    src, dst = zip(*EDGES, strict=True)
    ranking = ranking_of_graph(graph_from_arrays(NAMES, src, dst), engine=LocalEngine(), tol=1e-13)
    expected = nx.pagerank(nx.DiGraph([(NAMES[s], NAMES[d]) for s, d in EDGES]), tol=1e-15)
    found = explain(ranking, "b.com", relevance=False)
    rows = {r["source"]: r for r in found.table.to_pylist()}
    assert set(rows) == {"a.com", "c.com", "d.com", TELEPORT}
    assert rows["a.com"]["contribution"] == pytest.approx(0.85 * expected["a.com"] / 2, abs=1e-13)
    assert rows["c.com"]["contribution"] == pytest.approx(0.85 * expected["c.com"] / 2, abs=1e-13)
    assert rows["d.com"]["contribution"] == pytest.approx(0.85 * expected["d.com"], abs=1e-13)
    teleport = 0.15 / 5 + 0.85 * expected["e.com"] / 5  # e.com is dangling
    assert rows[TELEPORT]["contribution"] == pytest.approx(teleport, abs=1e-13)
    assert found.teleport == pytest.approx(0.15 / 5) and found.dangling > 0
    assert found.pagerank == pytest.approx(expected["b.com"], abs=1e-12)


def test_sources_are_ranked_by_contribution_and_the_teleport_row_comes_last():
    src, dst = zip(*EDGES, strict=True)
    ranking = ranking_of_graph(graph_from_arrays(NAMES, src, dst), engine=LocalEngine())
    table = explain(ranking, "b.com", relevance=False).table
    sources = table.column("source").to_pylist()
    assert sources[-1] == TELEPORT
    contributions = table.column("contribution").to_pylist()[:-1]
    assert contributions == sorted(contributions, reverse=True)


def test_on_the_sandbox_the_shares_add_up_to_one_and_the_parts_to_the_solved_pagerank(
    truth_dir,
):
    ranking = rank([truth_dir], tol=1e-13)
    for name in ranking.names.to_pylist():
        found = explain(ranking, name, relevance=False)
        shares = np.asarray(found.table.column("share"))
        assert abs(shares.sum() - 1.0) < 1e-12, name
        contributions = np.asarray(found.table.column("contribution"))
        assert abs(contributions.sum() - ranking.pagerank[ranking.id_of(name)]) < 1e-12, name
        assert found.table.num_rows == ranking.graph.in_degree()[ranking.id_of(name)] + 1


def test_a_source_carries_its_authority_trust_spam_flag_and_relevance(truth_dir, sandbox_web):
    ranking = rank([truth_dir])
    money = sandbox_web.features["money_site"]
    table = explain(ranking, money).table
    assert table.column_names == [
        "source",
        "contribution",
        "share",
        "authority",
        "trust",
        "spam",
        "same_niche",
        "similarity",
        "relevance",
    ]
    rows = {r["source"]: r for r in table.to_pylist()}
    for farm in sandbox_web.features["link_farm"]:
        assert rows[farm]["spam"] is True
        assert rows[farm]["authority"] == pytest.approx(ranking.authority[ranking.id_of(farm)])


def test_explain_of_a_domain_not_in_the_crawl_says_so(truth_dir):
    with pytest.raises(NotInGraphError, match="nowhere.example is not in the link graph"):
        explain(rank([truth_dir]), "https://www.nowhere.example/page")


def test_the_explain_command_prints_and_writes_one_row_per_source(truth_dir, tmp_path, capsys):
    out = tmp_path / "explained.parquet"
    code = main(["explain", "www.willow-yard.com", str(truth_dir), "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert printed.startswith("willow-yard.com: authority ")
    assert "# Where the PageRank of willow-yard.com comes from" in printed
    table = pq.read_table(out)
    assert table.column_names[:3] == ["source", "contribution", "share"]
    assert table.column("source").to_pylist()[-1] == TELEPORT
    assert abs(sum(table.column("share").to_pylist()) - 1.0) < 1e-3  # 4 decimals written


def test_the_explain_command_on_a_missing_domain_is_one_line_and_exit_2(truth_dir, capsys):
    assert main(["explain", "nowhere.example", str(truth_dir)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nowhere.example is not in the link graph" in err[0]
