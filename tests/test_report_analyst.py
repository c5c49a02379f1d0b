"""The report as an SEO analyst reads it: the domain's own scores first, referring domains
with authority, trust, relevance and the explained share, the anchor mix, new and lost
links, broken backlinks, the neighbourhood, a table that sorts, filters and searches."""

from __future__ import annotations

import json
import re

import pytest

from graph.report import render_report
from tests.fixtures_report import write_report
from tests.fixtures_research import AUTHORITY

# --------------------------------------------------------------------------- the analyst's view


def _data(text: str) -> dict:
    return json.loads(re.search(r'id="report-data">(.*?)</script>', text, re.DOTALL).group(1))


def test_the_domains_own_authority_trust_and_spam_flag_come_first(hostile_crawls):
    from graph.explain import explain
    from graph.ranking import rank

    text = render_report(list(hostile_crawls), domain="target.com", authority=AUTHORITY)
    own = text.index('id="own-scores"')
    assert own < text.index('<div class="cards">') and own < text.index("<h2>")
    found = explain(rank(list(hostile_crawls)), "target.com")
    assert _data(text)["own"] == {
        "authority": round(found.authority, 1),
        "trust": round(found.trust, 1),
        "spam_mass": round(found.spam_mass, 3),
        "spam": found.spam,
    }
    cards = re.search(r'id="own-scores">(.*?)</div></div>', text, re.DOTALL).group(1)
    for label in ("authority", "trust", "spam mass", "spam flag"):
        assert f"</b>{label}</div>" in cards or f"</b>{label}" in cards


def test_referring_domains_carry_authority_trust_relevance_and_the_explained_share(
    hostile_crawls,
):
    text = render_report(list(hostile_crawls), domain="target.com", authority=AUTHORITY)
    table = re.search(r'<table class="interactive" id="referring-table">(.*?)</table>', text).group(
        1
    )
    head = re.findall(r"<th [^>]*>([^<]*)</th>", table)
    assert head == ["domain", "authority", "trust", "spam", "relevance", "same_niche", "share",
                    "backlinks", "dofollow", "last_seen"]  # fmt: skip
    shares = [
        float(v)
        for v in re.findall(r'<td class="num" data-number data-value="([^"]+)">[0-9.]+%', table)
    ]
    assert 0 < sum(shares) < 1  # the rest is the teleport part
    assert "pass" in text and "of its PageRank" in text


def test_the_anchor_mix_splits_every_backlink_into_one_class(hostile_crawls):
    text = render_report(list(hostile_crawls), domain="target.com", authority=AUTHORITY)
    mix = _data(text)["anchor_mix"]
    assert [m["kind"] for m in mix] == ["exact-match", "branded", "URL", "generic", "other"]
    assert abs(sum(m["share"] for m in mix) - 1.0) < 1e-3
    assert "Anchor mix: exact-match, branded, URL, generic" in text


def test_anchor_classes():
    from graph.report.analyst import anchor_kind

    assert anchor_kind("https://www.target.com/", "target.com") == "URL"
    assert anchor_kind("target.com", "target.com") == "URL"
    assert anchor_kind("Visit Target today", "target.com") == "branded"
    assert anchor_kind("willow yard", "willow-yard.com") == "branded"
    assert anchor_kind("Click here", "target.com") == "generic"
    assert anchor_kind("", "target.com") == "generic"
    assert anchor_kind("Garden Tools!", "target.com", title="garden tools") == "exact-match"
    assert anchor_kind("great garden tools", "target.com", title="garden tools") == "other"


def test_new_and_lost_links_are_listed_ips_and_broken_backlinks_shown(hostile_crawls):
    text = render_report(list(hostile_crawls), domain="target.com", authority=AUTHORITY)
    assert "New and lost backlinks, jan \u2192 feb" in text
    assert "<h3>New (2)</h3>" in text and "<h3>Lost (10)</h3>" in text  # as the chart counts
    assert "Referring IPs and subnets" in text
    assert "Broken backlinks to reclaim" in text


def test_a_domain_not_in_the_crawls_is_a_clear_error_not_an_emptywrite_report(hostile_crawls):
    from graph.research import ResearchError

    with pytest.raises(ResearchError, match="nowhere.example is not in these crawls"):
        render_report(list(hostile_crawls), domain="www.nowhere.example", authority=AUTHORITY)


def test_the_neighbourhood_keeps_the_neighbours_of_highest_authority(hostile_crawls):
    from graph.report.domain import NEIGHBOURS

    text = render_report(list(hostile_crawls), domain="target.com", authority=AUTHORITY)
    nodes = _data(text)["neighbourhood"]["nodes"]
    assert 1 < len(nodes) <= NEIGHBOURS + 1


def test_the_referring_table_sorts_filters_and_searches_in_chromium(
    hostile_crawls, tmp_path, browser_page
):
    page, events = browser_page
    page.goto(write_report(hostile_crawls, tmp_path).as_uri())
    page.wait_for_selector("body[data-rendered=yes]")
    rows = "#referring-table tbody tr"
    total = page.locator(rows).count()
    assert total >= 3

    def column(i: int) -> list[str]:
        return page.eval_on_selector_all(
            rows,
            f"rs => rs.filter(r => !r.hidden).map(r => r.cells[{i}].getAttribute('data-value'))",
        )

    page.click("#referring-table th[data-column='1']")  # authority, highest first
    ranked = [float(v) for v in column(1) if v]
    assert ranked == sorted(ranked, reverse=True)
    page.click("#referring-table th[data-column='1']")  # again: lowest first
    ranked = [float(v) for v in column(1) if v]
    assert ranked == sorted(ranked)
    page.click("#referring-table th[data-column='0']")
    names = column(0)
    assert names == sorted(names, reverse=True)
    page.fill("input.table-search[data-table='referring-table']", "blog")
    assert column(0) == ["blog.org"]
    page.fill("input.table-search[data-table='referring-table']", "")
    assert len(column(0)) == total
    page.check(".table-filter input[data-column='3']")  # spam only
    assert all(v == "1" for v in column(3))
    assert events["errors"] == [] and events["console"] == []


def test_table_headers_and_numbers_never_break_inside_a_word(
    hostile_crawls, tmp_path, browser_page
):
    page, _ = browser_page
    page.set_viewport_size({"width": 700, "height": 900})
    page.goto(write_report(hostile_crawls, tmp_path).as_uri())
    page.wait_for_selector("body[data-rendered=yes]")
    broken = page.evaluate(
        """() => Array.from(document.querySelectorAll('th, td.num')).filter(cell => {
            const range = document.createRange();
            range.selectNodeContents(cell);
            const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
            return tops.size > 1;
        }).map(cell => cell.textContent)"""
    )
    assert broken == []
