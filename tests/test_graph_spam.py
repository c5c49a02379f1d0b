"""Spam signals: reciprocal links, a dense farm of referrers, sitewide, comment, nofollow."""

from __future__ import annotations

import math

import numpy as np
import pytest

from graph.build import graph_from_arrays
from graph.spam import farm_core, spam_signals
from tests.test_graph_build import edge, write_crawl

FARM = [f"f{i}.com" for i in range(4)]


@pytest.fixture
def signals(tmp_path):
    rows = [
        # money.com: four farm domains that all link to one another, and one real referrer
        *(edge(f"{f}/", "money.com/") for f in FARM),
        *(edge(f"{a}/", f"{b}/") for a in FARM for b in FARM if a != b),
        edge("real.com/", "money.com/"),
        # shop.com: a sitewide footer link from blog.com (4 of its 5 linking pages), one
        # content link from news.com, one comment link, one nofollow link
        *(edge(f"blog.com/p{i}", "shop.com/", placement="footer") for i in range(4)),
        edge("blog.com/p4", "news.com/"),
        edge("news.com/a", "shop.com/"),
        edge("forum.com/t1", "shop.com/", placement="comment"),
        edge("ads.com/", "shop.com/", nofollow=True, sponsored=True, rel="sponsored"),
        # reciprocal: shop.com links back to news.com but not to blog.com or forum.com
        edge("shop.com/", "news.com/"),
    ]
    table = spam_signals([write_crawl(tmp_path / "c", rows)])
    return {r["domain"]: r for r in table.to_pylist()}


def test_farm_share_is_the_share_of_referrers_in_their_dense_core(signals):
    assert signals["money.com"]["farm_share"] == 4 / 5
    assert signals["shop.com"]["farm_share"] == 0.0
    assert signals["f0.com"]["farm_share"] == 1.0  # its referrers: the other three, interlinked


def test_reciprocal_share_counts_referrers_it_links_back_to(signals):
    assert signals["shop.com"]["reciprocal_share"] == 1 / 3
    assert signals["news.com"]["reciprocal_share"] == 1 / 2
    assert signals["f1.com"]["reciprocal_share"] == 1.0


def test_sitewide_comment_and_nofollow_shares_of_backlinks(signals):
    shop = signals["shop.com"]
    assert shop["sitewide_share"] == 4 / 6  # 6 followable rows: 4 footer, 1 content, 1 comment
    assert shop["comment_share"] == 1 / 6
    assert shop["nofollow_share"] == 1 / 7  # of all 7 rows from other domains
    assert signals["news.com"]["sitewide_share"] == 0.0


def test_a_node_without_referrers_has_no_shares(signals):
    assert math.isnan(signals["real.com"]["reciprocal_share"])
    assert math.isnan(signals["real.com"]["sitewide_share"])


def test_farm_core_peels_members_that_link_to_too_few_others():
    # 0-3 all linked both ways; 4 links to 0 only; 5 links to nobody
    pairs = [(a, b) for a in range(4) for b in range(4) if a != b] + [(4, 0)]
    src, dst = zip(*pairs, strict=True)
    graph = graph_from_arrays([f"n{i}" for i in range(6)], src, dst)
    core = farm_core(graph.adjacency_csr(), np.arange(5))
    assert core.tolist() == [0, 1, 2, 3]
