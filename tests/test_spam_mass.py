"""Spam mass and the spam flag: the farm the sandbox model plants is flagged, nothing else.

The farm and its money site are read from the sandbox model (``SandboxWeb.features``), the
legitimate sites from its niches: independent of the crawl, the graph and the HTML.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from crawler.sandbox import write_truth
from graph.ranking import rank
from graph.spam import auto_core, spam_flag, spam_mass


@pytest.fixture(scope="module")
def truth_dir(sandbox_truth, tmp_path_factory):
    return write_truth(sandbox_truth, tmp_path_factory.mktemp("truth"))


@pytest.fixture(scope="module")
def planted(sandbox_web):
    features = sandbox_web.features
    spam = set(features["link_farm"]) | {features["money_site"]}
    legitimate = {d for members in sandbox_web.niches.values() for d in members}
    return spam, legitimate


def _flags(table: pa.Table) -> dict[str, dict]:
    return {r["domain"]: r for r in table.to_pylist()}


@pytest.mark.parametrize("core", ["trusted seeds", "automatic"])
@pytest.mark.parametrize("signals", [False, True])
def test_every_farm_domain_and_the_money_site_are_flagged_and_no_legitimate_site(
    truth_dir, sandbox_web, planted, core, signals
):
    spam, legitimate = planted
    trusted = sandbox_web.features["trusted_seeds"] if core == "trusted seeds" else None
    rows = _flags(rank([truth_dir], trusted=trusted).table(signals=signals))
    assert spam <= set(rows)
    legitimate &= set(rows)
    assert {d for d in spam if not rows[d]["spam"]} == set()
    assert {d for d in legitimate if rows[d]["spam"]} == set()
    for domain in spam:
        assert rows[domain]["spam_mass"] == 1.0  # the core reaches none of it
        assert rows[domain]["trust"] == 0.0


def test_the_automatic_core_is_the_top_tenth_by_editorial_pagerank_and_holds_no_spam(
    truth_dir, planted
):
    spam, _ = planted
    ranking = rank([truth_dir])
    editorial = ranking.engine.pagerank(ranking.graph, alpha=0.85, tol=1e-6, editorial=True)
    expected = np.argsort(-editorial, kind="stable")[: int(np.ceil(ranking.graph.n / 10))]
    assert ranking.trusted is None
    assert sorted(ranking.core) == sorted(ranking.names.take(expected).to_pylist())
    assert spam.isdisjoint(ranking.core)


def test_pagerank_lifts_the_farm_above_most_legitimate_sites_that_spam_mass_clears(
    truth_dir, planted
):
    spam, legitimate = planted
    rows = _flags(rank([truth_dir]).table())
    legitimate &= set(rows)
    median = np.median([rows[d]["authority"] for d in legitimate])
    assert all(rows[d]["authority"] > median for d in spam)
    assert max(rows[d]["spam_mass"] for d in legitimate if rows[d]["authority"] > median) < 0.5


def test_trust_is_trustrank_on_the_authority_scale(truth_dir):
    from graph.authority import authority_scores

    table = rank([truth_dir]).table()
    raw = np.array(table.column("trustrank").to_pylist())
    assert table.column("trust").to_pylist() == authority_scores(raw).tolist()
    assert max(table.column("trust").to_pylist()) == 100.0


def test_spam_mass_is_the_share_of_pagerank_the_core_does_not_explain_clipped_to_0_1():
    pagerank = np.array([0.5, 0.25, 0.125, 0.125, 0.0])
    trust = np.array([0.125, 0.25, 0.0, 0.625, 0.0])
    assert spam_mass(pagerank, trust).tolist() == [0.75, 0.0, 1.0, 0.0, 0.0]


def test_the_flag_needs_pagerank_above_the_average_and_a_high_mass_or_a_footprint():
    # n = 4: the average PageRank is 0.25
    pagerank = np.array([0.4, 0.3, 0.2, 0.1])
    mass = np.array([0.95, 0.6, 1.0, 0.6])
    assert spam_flag(mass, pagerank).tolist() == [True, False, False, False]
    signals = pa.table(
        {
            "farm_share": [0.0, 0.5, 1.0, 1.0],
            "comment_share": [float("nan"), 0.0, 0.0, 0.0],
        }
    )
    assert spam_flag(mass, pagerank, signals).tolist() == [True, True, False, False]


def test_auto_core_takes_a_tenth_at_least_three_ties_by_id():
    scores = np.array([0.1, 0.3, 0.3, 0.05, 0.2, 0.1] + [0.001] * 24)
    assert auto_core(scores).tolist() == [1, 2, 4]  # ceil(30 / 10) = 3
    assert auto_core(np.array([0.5, 0.5])).tolist() == [0, 1]
    assert auto_core(np.array([0.2] * 40)).tolist() == [0, 1, 2, 3]
