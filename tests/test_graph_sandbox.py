"""Authority on the sandbox web's ground truth: the definitions against networkx, trust
against the link farm, niches found from the links."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pyarrow.dataset as ds
import pytest

from crawler.sandbox import write_truth
from graph import to_networkx
from graph.authority import rank_table
from graph.build import build_graph
from graph.communities import find_niches, select_niche
from graph.harmonic import harmonic_centrality

FOLLOW = {"a", "area", "redirect"}


@pytest.fixture(scope="module")
def truth_dir(sandbox_truth, tmp_path_factory):
    return write_truth(sandbox_truth, tmp_path_factory.mktemp("truth"))


@pytest.fixture(scope="module")
def truth_rows(truth_dir):
    return ds.dataset(str(truth_dir / "edges"), format="parquet").to_table().to_pylist()


def reference_graph(rows, *, nofollow=False, comments=True, level="domain") -> nx.DiGraph:
    """The domain graph by its definition, one row at a time, in plain Python."""
    graph = nx.DiGraph()
    for row in rows:
        src, dst = row[f"src_{level}"], row[f"dst_{level}"]
        if src == dst or row["kind"] not in FOLLOW or (row["nofollow"] and not nofollow):
            continue
        graph.add_nodes_from([src, dst])
        if comments or row["placement"] != "comment":
            graph.add_edge(src, dst)
    return graph


@pytest.mark.parametrize("level", ["domain", "host"])
@pytest.mark.parametrize("nofollow", [False, True])
def test_graph_and_counts_match_the_definition_on_the_truth(truth_dir, truth_rows, level, nofollow):
    expected = reference_graph(truth_rows, nofollow=nofollow, level=level)
    table = rank_table([truth_dir], level=level, include_nofollow=nofollow, tol=1e-10)
    rows = {r[level]: r for r in table.to_pylist()}
    assert set(rows) == set(expected.nodes)
    pagerank = nx.pagerank(expected, alpha=0.85, tol=1e-15, max_iter=10_000)
    assert sum(abs(rows[d]["pagerank"] - pagerank[d]) for d in rows) < 1e-10
    links: dict[tuple, dict] = {}  # the definition: one link per key, latest sighting's flags
    for row in sorted(truth_rows, key=lambda r: (r["fetched_at"], r["position"])):
        if row[f"src_{level}"] != row[f"dst_{level}"]:
            links[(row["src_url"], row["dst_url"], row["anchor"], row["kind"])] = row
    backlinks = {d: 0 for d in rows}
    dofollow = {d: 0 for d in rows}
    referring: dict[str, set] = {d: set() for d in rows}
    for row in links.values():
        target = row[f"dst_{level}"]
        if target in rows:
            backlinks[target] += 1
            dofollow[target] += row["kind"] in FOLLOW and not row["nofollow"]
            referring[target].add(row[f"src_{level}"])
    for domain, row in rows.items():
        assert row["graph_in_degree"] == expected.in_degree(domain)
        assert row["outlinking_domains"] == expected.out_degree(domain)
        assert row["backlinks"] == backlinks[domain]
        assert row["dofollow"] == dofollow[domain]
        assert row["referring_domains"] == len(referring[domain])


def test_pagerank_lifts_the_link_farm_and_trust_puts_it_below_every_legitimate_site(
    truth_dir, sandbox_web
):
    features = sandbox_web.features
    spam = set(features["link_farm"]) | {features["money_site"]}
    legitimate = {d for members in sandbox_web.niches.values() for d in members}
    table = rank_table([truth_dir], trusted=features["trusted_seeds"])
    rows = {r["domain"]: r for r in table.to_pylist()}
    legitimate &= set(rows)
    assert spam <= set(rows)
    median_pagerank = np.median([rows[d]["pagerank"] for d in legitimate])
    for domain in spam:
        assert rows[domain]["pagerank"] > median_pagerank, domain
    lowest_legitimate_trust = min(rows[d]["trustrank"] for d in legitimate)
    assert lowest_legitimate_trust > 0
    for domain in spam:
        assert rows[domain]["trustrank"] < lowest_legitimate_trust, domain


def test_trust_matches_personalised_pagerank_on_the_editorial_links(
    truth_dir, truth_rows, sandbox_web
):
    trusted = sandbox_web.features["trusted_seeds"]
    editorial = reference_graph(truth_rows, comments=False)
    teleport = {d: 1.0 for d in trusted}
    expected = nx.pagerank(editorial, personalization=teleport, tol=1e-15, max_iter=10_000)
    table = rank_table([truth_dir], trusted=trusted, tol=1e-10)
    got = dict(
        zip(table.column("domain").to_pylist(), table.column("trustrank").to_pylist(), strict=True)
    )
    assert sum(abs(got[d] - expected[d]) for d in got) < 1e-10


def test_the_generated_niches_are_found_from_the_links(truth_dir, sandbox_web):
    niches = find_niches([truth_dir])
    community = {d: n.number for n in niches for d in n.domains}
    found = {}
    for name, members in sandbox_web.niches.items():
        ranked = [d for d in members if d in community]
        numbers = [community[d] for d in ranked]
        best = max(set(numbers), key=numbers.count)
        assert numbers.count(best) / len(ranked) >= 0.75, (name, numbers)
        found[name] = best
    assert len(set(found.values())) == len(found)  # each niche its own community
    farm = set(sandbox_web.features["link_farm"])
    farm_numbers = {community[d] for d in farm}
    assert len(farm_numbers) == 1 and farm_numbers.isdisjoint(found.values())


def test_niche_labels_come_from_the_niche_words(truth_dir, sandbox_web):
    niches = find_niches([truth_dir])
    community = {d: n for n in niches for d in n.domains}
    cooking = community["pepperkitchen.com"]
    assert select_niche(niches, str(cooking.number)) is cooking
    assert select_niche(niches, cooking.label) is cooking
    assert len(cooking.label.split()) == 3
    assert cooking.label.split() == cooking.words[:3]
    assert "pepperkitchen" not in cooking.words  # a site's own name is not a niche word
    # the niche's own name is among its words, and names it for --niche
    assert "cooking" in cooking.words
    assert select_niche(niches, "cooking") is cooking


def test_niche_authority_by_number_teleports_to_the_niche(truth_dir):
    niches = find_niches([truth_dir])
    cycling = next(n for n in niches if "tandemriders.co.uk" in n.domains)
    table = rank_table([truth_dir], niche=str(cycling.number), sort_by="niche")
    top = table.column("domain").slice(0, len(cycling.domains)).to_pylist()
    assert set(top) == set(cycling.domains)
    assert table.column("niche")[0].as_py() > 3 * table.column("pagerank")[0].as_py() / 2


def test_harmonic_centrality_matches_networkx_on_the_truth(truth_dir, truth_rows):
    graph = build_graph([truth_dir])
    expected = nx.harmonic_centrality(reference_graph(truth_rows))
    got = harmonic_centrality(graph)
    assert got.exact
    names = graph.names.to_pylist()
    for i, name in enumerate(names):
        assert got.scores[i] == pytest.approx(expected[name], abs=1e-12)


def test_to_networkx_is_the_domain_graph_with_authority(truth_dir, truth_rows):
    graph = to_networkx([truth_dir])
    expected = reference_graph(truth_rows)
    assert set(graph.nodes) == set(expected.nodes)
    assert set(graph.edges) == set(expected.edges)
    table = rank_table([truth_dir])
    for row in table.to_pylist():
        assert graph.nodes[row["domain"]]["authority"] == row["authority"]
