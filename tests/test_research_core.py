"""graph.research on two small hand-built crawls whose answers are worked out by hand.

The web of ``old_crawl`` (January) and ``new_crawl`` (February): target.com is the domain
under study, comp1/comp2/comp3.com its competitors, mine.com the user's own site.
"""

from __future__ import annotations

import pytest

from graph import research
from tests.fixtures_research import (
    AUTHORITY,
    FEB,
    JAN,
    T,
    rows,
)

# --------------------------------------------------------------------------- domain_of


@pytest.mark.parametrize(
    "text", ["target.com", "www.Target.com", "https://shop.target.com/a?b=1", " TARGET.COM "]
)
def test_a_domain_argument_may_be_a_host_or_url(text):
    assert research.domain_of(text) == "target.com"


@pytest.mark.parametrize("text", ["", "not a domain", "mailto:x@y.z", "nodots"])
def test_a_domain_argument_that_is_no_host_is_refused(text):
    with pytest.raises(research.ResearchError):
        research.domain_of(text)


# --------------------------------------------------------------------------- backlinks


def test_backlinks_lists_each_external_link_once_with_its_latest_flags(old_crawl, new_crawl):
    profile = research.backlinks("www.target.com", [old_crawl, new_crawl], authority=AUTHORITY)
    assert profile.domain == "target.com"
    assert rows(profile.links, "src_url", "dst_url", "anchor", "rel", "nofollow") == [
        ("https://blog.org/post1", f"{T}/", "Target home", "", False),
        ("https://blog.org/post2", f"{T}/pricing", "pricing", "", False),
        ("https://www.blog.org/", f"{T}/", "", "", False),
        ("https://forum.io/t/1", f"{T}/old", "<script>x</script>", "ugc", True),
        ("https://forum.io/t/2", f"{T}/", "great tool", "ugc", True),
        ("https://news.net/a", f"{T}/", "=HYPERLINK(1)", "sponsored", True),
        ("https://news.net/b", f"{T}/moved", "moved page", "", False),
        ("https://spam.biz/", f"{T}/", "cheap", "", False),
    ]
    seen = rows(profile.links, "first_seen", "last_seen")
    assert seen == [(JAN, FEB), (JAN, FEB), (JAN, JAN), (JAN, JAN), (FEB, FEB)] + [
        (JAN, JAN)
    ] * 2 + [(FEB, FEB)]
    assert list(profile.links.column_names) == [*research.LINK_COLUMNS, "authority"]


def test_backlinks_counts_referring_domains_with_authority(old_crawl, new_crawl):
    profile = research.backlinks("target.com", [old_crawl, new_crawl], authority=AUTHORITY)
    assert rows(profile.referring_domains, "domain", "authority", "backlinks", "dofollow") == [
        ("blog.org", 80.0, 3, 3),
        ("news.net", 60.0, 2, 1),
        ("forum.io", 40.0, 2, 0),
        ("spam.biz", 5.0, 1, 1),
    ]


def test_backlinks_counts_by_rel_placement_and_kind(old_crawl):
    profile = research.backlinks("target.com", [old_crawl], authority=AUTHORITY)
    assert rows(profile.by_rel, "type", "links", "referring_domains") == [
        ("dofollow", 3, 2),
        ("nofollow", 3, 3),
        ("ugc", 1, 1),
        ("sponsored", 1, 1),
    ]
    assert rows(profile.by_placement, "placement", "links") == [
        ("content", 3),
        ("comment", 1),
        ("footer", 1),
        ("sidebar", 1),
    ]
    assert rows(profile.by_kind, "kind", "links", "referring_domains") == [("a", 6, 3)]
    assert profile.summary == {
        "backlinks": 6,
        "referring_domains": 3,
        "dofollow": 3,
        "nofollow": 3,
        "ugc": 1,
        "sponsored": 1,
    }


def test_backlinks_top_anchors_pages_ips_and_subnets(old_crawl):
    profile = research.backlinks("target.com", [old_crawl], authority=AUTHORITY)
    assert rows(profile.top_pages, "dst_url", "links", "referring_domains") == [
        (f"{T}/", 3, 2),
        (f"{T}/moved", 1, 1),
        (f"{T}/old", 1, 1),
        (f"{T}/pricing", 1, 1),
    ]
    assert rows(profile.top_anchors, "anchor")[0] == ("",)
    assert len(profile.top_anchors) == 6
    assert rows(profile.ips, "ip", "referring_domains") == [
        ("10.0.1.5", 1),
        ("10.0.1.6", 1),
        ("10.0.1.9", 1),
        ("192.168.7.1", 1),
    ]
    assert rows(profile.subnets, "subnet", "referring_domains") == [
        ("10.0.1.0/24", 2),
        ("192.168.7.0/24", 1),
    ]


def test_dofollow_only_keeps_links_whose_latest_sighting_is_followed(old_crawl, new_crawl):
    profile = research.backlinks(
        "target.com", [old_crawl, new_crawl], dofollow_only=True, authority=AUTHORITY
    )
    assert rows(profile.links, "src_url", "anchor") == [
        ("https://blog.org/post1", "Target home"),
        ("https://blog.org/post2", "pricing"),
        ("https://www.blog.org/", ""),
        ("https://news.net/b", "moved page"),
        ("https://spam.biz/", "cheap"),
    ]


def test_backlinks_of_an_unknown_domain_are_empty_not_an_error(old_crawl):
    profile = research.backlinks("nobody-links-here.org", [old_crawl], authority=AUTHORITY)
    assert profile.links.num_rows == 0
    assert profile.referring_domains.num_rows == 0
    assert rows(profile.by_rel, "type", "links") == [
        ("dofollow", 0),
        ("nofollow", 0),
        ("ugc", 0),
        ("sponsored", 0),
    ]


def test_backlinks_authority_defaults_to_the_crawls_rank_table(old_crawl):
    from graph.authority import rank_table

    expected = dict(
        zip(
            *rank_table([old_crawl]).select(["domain", "authority"]).to_pydict().values(),
            strict=True,
        )
    )
    profile = research.backlinks("target.com", [old_crawl])
    got = {r["domain"]: r["authority"] for r in profile.referring_domains.to_pylist()}
    assert got == {d: expected.get(d) for d in ("blog.org", "news.net", "forum.io")}


# --------------------------------------------------------------------------- intersect


def test_intersect_finds_domains_linking_to_all_competitors_but_not_mine(old_crawl):
    result = research.intersect(
        ["comp1.com", "www.comp2.com", "comp3.com"],
        [old_crawl],
        not_domain="mine.com",
        authority=AUTHORITY,
    )
    assert rows(result.domains, "domain", "authority", "competitors_linked", "competitors") == [
        ("blog.org", 80.0, 3, "comp1.com,comp2.com,comp3.com"),
    ]
    assert rows(result.links, "src_url", "dst_url") == [
        ("https://blog.org/post1", "https://comp1.com/"),
        ("https://blog.org/post3", "https://comp2.com/"),
        ("https://blog.org/post3", "https://comp3.com/"),
    ]


def test_intersect_min_k_ranks_by_authority(old_crawl):
    result = research.intersect(
        ["comp1.com", "comp2.com", "comp3.com"],
        [old_crawl],
        not_domain="mine.com",
        min_competitors=1,
        authority=AUTHORITY,
    )
    assert rows(result.domains, "domain", "competitors_linked", "links", "pages") == [
        ("blog.org", 3, 3, 2),
        ("news.net", 2, 2, 2),
        ("spam.biz", 1, 1, 1),
    ]


def test_intersect_without_mine_keeps_every_linking_domain(old_crawl):
    result = research.intersect(
        ["comp1.com", "comp2.com", "comp3.com"], [old_crawl], authority=AUTHORITY
    )
    assert rows(result.domains, "domain") == [("blog.org",), ("directory.co.uk",), ("mine.com",)]


def test_intersect_dofollow_only_ignores_nofollow_links(old_crawl):
    result = research.intersect(
        ["comp1.com", "comp2.com"],
        [old_crawl],
        not_domain="mine.com",
        dofollow_only=True,
        authority=AUTHORITY,
    )
    assert rows(result.domains, "domain") == [("blog.org",)]


@pytest.mark.parametrize("k", [0, 4])
def test_intersect_refuses_a_min_outside_the_competitors(old_crawl, k):
    with pytest.raises(research.ResearchError, match="between 1 and 3"):
        research.intersect(["comp1.com", "comp2.com", "comp3.com"], [old_crawl], min_competitors=k)


def test_intersect_refuses_mine_among_the_competitors(old_crawl):
    with pytest.raises(research.ResearchError, match="both"):
        research.intersect(["comp1.com", "mine.com"], [old_crawl], not_domain="www.mine.com")
