"""graph.research's outlinks, broken, diff and sql on the hand-built crawls of
``tests/test_research_core.py``, whose answers are worked out by hand there."""

from __future__ import annotations

import pyarrow as pa
import pytest

from graph import research
from tests.fixtures_research import (
    AUTHORITY,
    FEB,
    JAN,
    T,
    link,
    page,
    rows,
    write_crawl,
)

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
