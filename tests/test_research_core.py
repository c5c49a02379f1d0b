"""graph.research on two small hand-built crawls whose answers are worked out by hand.

The web of ``old_crawl`` (January) and ``new_crawl`` (February): target.com is the domain
under study, comp1/comp2/comp3.com its competitors, mine.com the user's own site.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crawler.schema import EDGES_SCHEMA, PAGES_SCHEMA
from crawler.urls import host_of, registered_domain
from graph import research

JAN = datetime(2026, 1, 1, tzinfo=UTC)
FEB = datetime(2026, 2, 1, tzinfo=UTC)

AUTHORITY = pa.table(
    {
        "domain": ["blog.org", "news.net", "forum.io", "spam.biz", "directory.co.uk", "target.com"],
        "authority": [80.0, 60.0, 40.0, 5.0, 70.0, 50.0],
    }
)


def link(src: str, dst: str, anchor: str = "", rel: str = "", **kw) -> dict:
    tokens = rel.split()
    src_host, dst_host = host_of(src), host_of(dst)
    row = {
        "src_url": src,
        "dst_url": dst,
        "src_host": src_host,
        "dst_host": dst_host,
        "src_domain": registered_domain(src_host),
        "dst_domain": registered_domain(dst_host),
        "anchor": anchor,
        "rel": rel,
        "nofollow": bool({"nofollow", "ugc", "sponsored"} & set(tokens)),
        "ugc": "ugc" in tokens,
        "sponsored": "sponsored" in tokens,
        "kind": "a",
        "placement": "content",
        "position": 0,
    }
    row.update(kw)
    row["internal"] = row["src_domain"] == row["dst_domain"]
    return row


def page(url: str, status: int = 200, redirect_to: str | None = None, ip: str | None = None):
    host = host_of(url)
    return {
        "url": url,
        "host": host,
        "domain": registered_domain(host),
        "status": status,
        "redirect_to": redirect_to,
        "ip": ip,
        "depth": 1,
        "outlinks": 0,
    }


def write_crawl(folder: Path, crawl_id: str, at: datetime, links: list[dict], pages: list[dict]):
    """A crawl directory in the contract's layout from plain rows."""
    (folder / "edges").mkdir(parents=True)
    (folder / "pages").mkdir(parents=True)
    edges = [{**r, "crawl_id": crawl_id, "fetched_at": at} for r in links]
    rows = [{**p, "crawl_id": crawl_id, "fetched_at": at} for p in pages]
    pq.write_table(
        pa.Table.from_pylist(edges, schema=EDGES_SCHEMA), folder / "edges" / "part-000000.parquet"
    )
    pq.write_table(
        pa.Table.from_pylist(rows, schema=PAGES_SCHEMA), folder / "pages" / "part-000000.parquet"
    )
    return folder


T = "https://target.com"
OLD_LINKS = [
    # backlinks of target.com
    link("https://blog.org/post1", f"{T}/", "Target home", position=3),
    link("https://blog.org/post1", f"{T}/", "Target home", position=9),  # same link again
    link("https://blog.org/post2", f"{T}/pricing", "pricing", "nofollow", placement="sidebar"),
    link("https://www.blog.org/", f"{T}/", "", placement="footer"),
    link("https://news.net/a", f"{T}/", "=HYPERLINK(1)", "sponsored"),
    link("https://news.net/b", f"{T}/moved", "moved page"),
    link("https://forum.io/t/1", f"{T}/old", "<script>x</script>", "ugc", placement="comment"),
    link("http://shop.target.com/", f"{T}/", "shop home", placement="nav"),  # internal
    # target.com's own links
    link(f"{T}/", f"{T}/pricing", "Pricing", placement="nav"),
    link(f"{T}/", "https://news.net/a", "press"),
    link(f"{T}/pricing", "https://gone.example/x", "partner"),
    link(f"{T}/pricing", f"{T}/old", "old offer"),
    # competitors
    link("https://blog.org/post1", "https://comp1.com/", "c1"),
    link("https://blog.org/post3", "https://comp2.com/", "c2"),
    link("https://blog.org/post3", "https://comp3.com/", "c3"),
    link("https://news.net/a", "https://comp1.com/", "c1"),
    link("https://news.net/c", "https://comp2.com/x", "c2", "nofollow"),
    link("https://directory.co.uk/list", "https://comp1.com/", "c1"),
    link("https://directory.co.uk/list", "https://comp2.com/", "c2"),
    link("https://directory.co.uk/list", "https://comp3.com/", "c3"),
    link("https://directory.co.uk/list", "https://mine.com/", "me"),
    link("https://spam.biz/", "https://comp1.com/", "c1"),
    link("https://mine.com/", "https://comp1.com/", "c1"),
    link("https://mine.com/", "https://comp2.com/", "c2"),
    link("https://mine.com/", "https://comp3.com/", "c3"),
]
OLD_PAGES = [
    page("https://blog.org/post1", ip="10.0.1.5"),
    page("https://blog.org/post2", ip="10.0.1.5"),
    page("https://www.blog.org/", ip="10.0.1.6"),
    page("https://news.net/a", ip="10.0.1.9"),
    page("https://news.net/b", ip="10.0.1.9"),
    page("https://forum.io/t/1", ip="192.168.7.1"),
    page(f"{T}/"),
    page(f"{T}/pricing"),
    page(f"{T}/old", 404),
    page(f"{T}/moved", 301, f"{T}/old"),
    page("https://gone.example/x", 503),
]

NEW_LINKS = [
    link("https://blog.org/post1", f"{T}/", "Target home", position=3),
    link("https://blog.org/post2", f"{T}/pricing", "pricing", placement="sidebar"),  # now followed
    link("https://news.net/a", "https://comp1.com/", "c1"),  # the target.com link is gone
    link("https://forum.io/t/2", f"{T}/", "great tool", "ugc", placement="comment"),
    link("https://spam.biz/", f"{T}/", "cheap"),
]
NEW_PAGES = [
    page("https://blog.org/post1"),
    page("https://blog.org/post2"),
    page("https://news.net/a"),
    page("https://news.net/b", 410),
    page("https://forum.io/t/2"),
    page("https://spam.biz/"),
    page(f"{T}/"),
]


@pytest.fixture()
def old_crawl(tmp_path):
    return write_crawl(tmp_path / "jan", "jan", JAN, OLD_LINKS, OLD_PAGES)


@pytest.fixture()
def new_crawl(tmp_path):
    return write_crawl(tmp_path / "feb", "feb", FEB, NEW_LINKS, NEW_PAGES)


def rows(table: pa.Table, *columns: str) -> list[tuple]:
    return [tuple(r[c] for c in columns) for r in table.to_pylist()]


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


# --------------------------------------------------------------------------- outlinks


def test_outlinks_lists_links_to_other_domains(old_crawl):
    profile = research.outlinks("target.com", [old_crawl], authority=AUTHORITY)
    assert rows(profile.links, "src_url", "dst_url", "anchor") == [
        (f"{T}/", "https://news.net/a", "press"),
        (f"{T}/pricing", "https://gone.example/x", "partner"),
    ]
    assert rows(profile.linked_domains, "domain", "authority", "links") == [
        ("gone.example", None, 1),
        ("news.net", 60.0, 1),
    ]


# --------------------------------------------------------------------------- broken


def test_broken_finds_dead_targets_and_redirects_into_them(old_crawl):
    table = research.broken("target.com", [old_crawl])
    assert rows(
        table, "direction", "src_url", "dst_url", "status", "final_url", "final_status"
    ) == [
        ("inbound", "https://forum.io/t/1", f"{T}/old", 404, f"{T}/old", 404),
        ("inbound", "https://news.net/b", f"{T}/moved", 301, f"{T}/old", 404),
        ("internal", f"{T}/pricing", f"{T}/old", 404, f"{T}/old", 404),
        ("outbound", f"{T}/pricing", "https://gone.example/x", 503, "https://gone.example/x", 503),
    ]
    assert table.column_names == [
        "direction",
        *research.LINK_COLUMNS,
        "status",
        "final_url",
        "final_status",
    ]


def test_broken_uses_each_urls_latest_answer(old_crawl, tmp_path):
    fixed = write_crawl(
        tmp_path / "fix", "fix", FEB, [], [page(f"{T}/old", 200), page("https://gone.example/x")]
    )
    assert research.broken("target.com", [old_crawl, fixed]).num_rows == 0


def test_a_redirect_loop_or_unfetched_end_is_not_broken(tmp_path):
    crawl = write_crawl(
        tmp_path / "c",
        "c",
        JAN,
        [link("https://a.org/", f"{T}/loop1"), link("https://a.org/", f"{T}/away")],
        [
            page(f"{T}/loop1", 301, f"{T}/loop2"),
            page(f"{T}/loop2", 302, f"{T}/loop1"),
            page(f"{T}/away", 301, f"{T}/never-fetched"),
        ],
    )
    assert research.broken("target.com", [crawl]).num_rows == 0


# --------------------------------------------------------------------------- diff


def test_diff_reports_new_and_lost_backlinks_with_reasons(old_crawl, new_crawl):
    result = research.diff(
        [old_crawl],
        [new_crawl],
        domain="target.com",
        authority_old=AUTHORITY,
        authority_new=AUTHORITY,
    )
    assert rows(result.links, "change", "reason", "src_url", "anchor") == [
        ("new", "new page", "https://forum.io/t/2", "great tool"),
        ("new", "new page", "https://spam.biz/", "cheap"),
        ("lost", "page not crawled", "https://www.blog.org/", ""),
        ("lost", "page not crawled", "https://forum.io/t/1", "<script>x</script>"),
        ("lost", "link removed", "https://news.net/a", "=HYPERLINK(1)"),
        ("lost", "page answered 410", "https://news.net/b", "moved page"),
    ]
    assert rows(result.referring_domains, "change", "referring_domain", "domain") == [
        ("new", "spam.biz", "target.com"),
        ("lost", "news.net", "target.com"),
    ]


def test_diff_reports_authority_changes(old_crawl, new_crawl):
    newer = pa.table({"domain": ["blog.org", "spam.biz"], "authority": [90.0, 5.0]})
    result = research.diff(
        [old_crawl], [new_crawl], domain="target.com", authority_old=AUTHORITY, authority_new=newer
    )
    assert rows(result.authority, "domain", "authority_old", "authority_new", "change") == [
        ("news.net", 60.0, None, None),
        ("target.com", 50.0, None, None),
        ("forum.io", 40.0, None, None),
        ("blog.org", 80.0, 90.0, 10.0),
        ("spam.biz", 5.0, 5.0, 0.0),
    ]


# --------------------------------------------------------------------------- sql


def test_sql_runs_over_pages_edges_and_domains(old_crawl):
    table = research.sql(
        "SELECT e.src_domain, d.authority, count(*) AS n FROM edges e "
        "JOIN domains d ON d.domain = e.src_domain JOIN pages p ON p.url = e.dst_url "
        "WHERE p.status = 404 GROUP BY ALL ORDER BY n DESC, e.src_domain",
        [old_crawl],
        authority=AUTHORITY,
    )
    assert table.to_pylist() == [
        {"src_domain": "forum.io", "authority": 40.0, "n": 1},
        {"src_domain": "target.com", "authority": 50.0, "n": 1},
    ]


def test_sql_errors_are_one_line(old_crawl):
    with pytest.raises(research.ResearchError) as info:
        research.sql("SELECT nope FROM edges", [old_crawl])
    assert info.value.args[0].startswith("SQL error: ")
    assert "\n" not in info.value.args[0]


def test_queries_on_a_crawl_without_edges_are_empty(tmp_path):
    (tmp_path / "c" / "pages").mkdir(parents=True)
    assert research.sql("SELECT count(*) AS n FROM edges", [tmp_path / "c"]).to_pylist() == [
        {"n": 0}
    ]
    assert research.backlinks("target.com", [tmp_path / "c"]).links.num_rows == 0
