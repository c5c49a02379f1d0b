"""The ranked table: columns, order, authority transform, trust and niche columns."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from graph.authority import RankError, authority_scores, rank_table
from graph.store import CrawlDirError
from tests.test_graph_build import edge, write_crawl

# A small web: a hub everyone links to, a chain, and a ring of eight farm domains that all
# link to a money site.
ROWS = [
    edge("a.com/", "hub.com/"),
    edge("b.com/", "hub.com/"),
    edge("c.com/", "hub.com/"),
    edge("hub.com/", "a.com/"),
    edge("hub.com/", "news.com/"),
    edge("news.com/", "b.com/"),
    edge("news.com/1", "b.com/2"),
    edge("b.com/", "c.com/"),
    *(edge(f"farm{i}.com/", "money.com/") for i in range(8)),
    *(edge(f"farm{i}.com/", f"farm{(i + 1) % 8}.com/") for i in range(8)),
    edge("c.com/", "blog.com/", nofollow=True, ugc=True, placement="comment"),
]


@pytest.fixture
def crawl(tmp_path):
    return write_crawl(tmp_path / "crawl", ROWS)


def reference(rows, personalization=None):
    graph = nx.DiGraph()
    for row in rows:
        if not row["nofollow"] and row["src_domain"] != row["dst_domain"]:
            graph.add_edge(row["src_domain"], row["dst_domain"])
    return nx.pagerank(
        graph, alpha=0.85, tol=1e-14, max_iter=10_000, personalization=personalization
    )


def test_rank_table_has_the_contract_columns_sorted_by_pagerank(crawl):
    table = rank_table([crawl])
    assert table.column_names == [
        "domain",
        "pagerank",
        "authority",
        "trust",
        "spam_mass",
        "spam",
        "referring_domains",
        "backlinks",
        "outlinking_domains",
        "dofollow",
        "graph_in_degree",
        "trustrank",
    ]
    pr = table.column("pagerank").to_pylist()
    assert pr == sorted(pr, reverse=True)
    assert sum(pr) == pytest.approx(1.0, abs=1e-12)
    assert "blog.com" not in table.column("domain").to_pylist()


def test_pagerank_column_matches_networkx_within_the_tolerance(crawl):
    table = rank_table([crawl], tol=1e-9)
    expected = reference(ROWS)
    got = dict(
        zip(table.column("domain").to_pylist(), table.column("pagerank").to_pylist(), strict=True)
    )
    assert set(got) == set(expected)
    assert sum(abs(got[d] - expected[d]) for d in got) < 1e-9


def test_counts_in_the_table(crawl):
    rows = {r["domain"]: r for r in rank_table([crawl]).to_pylist()}
    assert rows["hub.com"]["referring_domains"] == 3
    assert rows["hub.com"]["outlinking_domains"] == 2
    assert rows["b.com"]["backlinks"] == 2
    assert rows["b.com"]["referring_domains"] == 1
    assert rows["money.com"]["outlinking_domains"] == 0
    assert rows["c.com"]["backlinks"] == rows["c.com"]["dofollow"] == 1


def test_nofollow_links_are_backlinks_but_not_graph_edges(crawl, tmp_path):
    extra = [edge("spam.com/", "hub.com/", nofollow=True, ugc=True, placement="comment")]
    table = rank_table([write_crawl(tmp_path / "x", ROWS + extra)])
    rows = {r["domain"]: r for r in table.to_pylist()}
    assert "spam.com" not in rows
    assert rows["hub.com"]["referring_domains"] == 4
    assert rows["hub.com"]["backlinks"] == 4
    assert rows["hub.com"]["dofollow"] == 3
    assert rows["hub.com"]["graph_in_degree"] == 3


def test_include_nofollow_adds_the_comment_link(crawl):
    rows = {r["domain"]: r for r in rank_table([crawl], include_nofollow=True).to_pylist()}
    assert rows["blog.com"]["referring_domains"] == 1
    assert rows["c.com"]["outlinking_domains"] == 2


def test_authority_is_a_log_scale_from_0_to_100_in_pagerank_order(crawl):
    table = rank_table([crawl])
    pr = np.array(table.column("pagerank").to_pylist())
    authority = np.array(table.column("authority").to_pylist())
    assert authority[0] == 100.0
    assert authority[-1] == 0.0
    expected = 100 * (np.log(pr) - np.log(pr.min())) / (np.log(pr.max()) - np.log(pr.min()))
    np.testing.assert_allclose(authority, expected, rtol=0, atol=1e-9)
    assert list(np.argsort(-authority, kind="stable")) == list(np.argsort(-pr, kind="stable"))


def test_authority_scores_of_equal_pagerank_are_all_100_and_zero_stays_zero():
    assert authority_scores(np.array([0.25, 0.25, 0.25, 0.25])).tolist() == [100.0] * 4
    assert authority_scores(np.array([0.0, 0.1, 1.0])).tolist() == [0.0, 0.0, 100.0]


def test_trust_flows_from_the_trusted_seeds_and_skips_the_farm(crawl):
    table = rank_table([crawl], trusted=["hub.com"], tol=1e-9)
    assert "trustrank" in table.column_names
    rows = {r["domain"]: r for r in table.to_pylist()}
    expected = reference(ROWS, personalization={"hub.com": 1.0})
    for domain, row in rows.items():
        assert row["trustrank"] == pytest.approx(expected[domain], abs=1e-9)
    for farm in [f"farm{i}.com" for i in range(8)] + ["money.com"]:
        assert rows[farm]["trustrank"] == 0.0
    # PageRank lifts the money site above legitimate sites; trust does not.
    assert rows["money.com"]["pagerank"] > rows["news.com"]["pagerank"]
    assert rows["money.com"]["trustrank"] < rows["news.com"]["trustrank"]


def test_trust_does_not_flow_through_comment_links(tmp_path):
    spam = [edge("hub.com/post", "farm0.com/", placement="comment"), *ROWS]
    table = rank_table([write_crawl(tmp_path / "spam", spam)], trusted=["hub.com"], tol=1e-9)
    rows = {r["domain"]: r for r in table.to_pylist()}
    assert rows["farm0.com"]["referring_domains"] == 2  # the comment link is a graph edge
    for farm in [f"farm{i}.com" for i in range(8)] + ["money.com"]:
        assert rows[farm]["trustrank"] == 0.0
    # and hub.com's trust is split among its two editorial links only
    editorial = [r for r in spam if r["placement"] != "comment"]
    expected = reference(editorial, personalization={"hub.com": 1.0})
    assert rows["news.com"]["trustrank"] == pytest.approx(expected["news.com"], abs=1e-9)


def test_sort_by_trust_puts_the_most_trusted_first(crawl):
    table = rank_table([crawl], trusted=["hub.com"], sort_by="trust")
    trust = table.column("trust").to_pylist()
    assert trust == sorted(trust, reverse=True)
    assert table.column("domain")[0].as_py() == "hub.com"


def test_niche_column_is_topic_sensitive_pagerank_from_the_niche_seeds(crawl):
    table = rank_table([crawl], niche=["farm1.com", "farm2.com"], tol=1e-9)
    rows = {r["domain"]: r for r in table.to_pylist()}
    expected = reference(ROWS, personalization={"farm1.com": 0.5, "farm2.com": 0.5})
    for domain, row in rows.items():
        assert row["niche"] == pytest.approx(expected[domain], abs=1e-9)
    assert rows["hub.com"]["niche"] == 0.0


def test_trusted_domains_outside_the_graph_are_a_one_line_error(crawl):
    with pytest.raises(RankError, match="none of the trusted domains is in the link graph: x.org"):
        rank_table([crawl], trusted=["x.org"])


def test_host_level_names_its_column_host(tmp_path):
    crawl = write_crawl(tmp_path / "c", [edge("blog.x.com/", "www.x.com/")])
    table = rank_table([crawl], level="host")
    assert table.column_names[0] == "host"
    assert table.column("host").to_pylist() == ["www.x.com", "blog.x.com"]


def test_bad_parameters_are_rank_errors(crawl, tmp_path):
    with pytest.raises(RankError, match="alpha must be between 0 and 1"):
        rank_table([crawl], alpha=1.0)
    with pytest.raises(RankError, match="unknown level 'page'"):
        rank_table([crawl], level="page")
    with pytest.raises(CrawlDirError, match="no such crawl directory"):
        rank_table([tmp_path / "missing"])
