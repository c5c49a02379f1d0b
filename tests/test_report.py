"""The HTML report: self-contained, escaped, and rendering its charts in a real browser.

The browser tests open the report in headless Chromium (Debian's ``chromium``, driven by
Playwright for Python; ``pip install playwright``, never ``playwright install``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from graph.report import build_report, render_report
from tests.fixtures_research import (
    AUTHORITY,
    FEB,
    JAN,
    NEW_LINKS,
    NEW_PAGES,
    OLD_LINKS,
    OLD_PAGES,
    T,
    link,
    page,
    write_crawl,
)

REPO = Path(__file__).resolve().parent.parent
COMPETITORS = ["comp1.com", "comp2.com", "comp3.com"]

#: Anchors, titles and URLs a hostile page could carry: each would run script if the report
#: put it into the page as markup.
PAYLOADS = [
    "<script>window.__pwned = 'script'</script>",
    "<img src=x onerror=\"window.__pwned='img'\">",
    "</script><script>window.__pwned='close'</script>",
    "<svg onload=\"window.__pwned='svg'\"></svg>",
    "\u2028</SCRIPT ><script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
]


@pytest.fixture()
def hostile_crawls(tmp_path):
    """The hand-built January/February crawls, plus links and titles carrying payloads."""
    evil = [
        link(f"https://evil{i}.org/p", f"{T}/", anchor, position=i)
        for i, anchor in enumerate(PAYLOADS)
    ]
    evil.append(link("https://evil0.org/p", "https://comp1.com/", PAYLOADS[0]))
    evil.append(link("https://evil0.org/p", "https://comp2.com/", PAYLOADS[1]))
    evil_pages = [page(f"{T}/", 200) | {"title": PAYLOADS[1]}]
    jan = write_crawl(tmp_path / "jan", "jan", JAN, OLD_LINKS + evil, OLD_PAGES + evil_pages)
    feb = write_crawl(tmp_path / "feb", "feb", FEB, NEW_LINKS, NEW_PAGES)
    return jan, feb


def _report(hostile_crawls, tmp_path, **kw) -> Path:
    return build_report(
        list(hostile_crawls),
        out=tmp_path / "report.html",
        domain="www.target.com",
        competitors=COMPETITORS,
        authority=AUTHORITY,
        **kw,
    )


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# --------------------------------------------------------------------------- the file


def test_report_is_self_contained(hostile_crawls, tmp_path):
    text = _report(hostile_crawls, tmp_path).read_text(encoding="utf-8")
    assert not re.search(r"<(script|img|link|iframe)[^>]*\s(src|href)=", text, re.IGNORECASE)
    assert "@import" not in text
    assert not re.search(r"url\((?!#)", text)  # only references inside the page
    assert text.count("<script") == 2  # the JSON data block and the report's own script


def test_report_csp_allows_only_its_own_script_and_style(hostile_crawls, tmp_path):
    text = _report(hostile_crawls, tmp_path).read_text(encoding="utf-8")
    script = re.search(r"<script>(.*?)</script>", text, re.DOTALL).group(1)
    style = re.search(r"<style>(.*?)</style>", text, re.DOTALL).group(1)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text).group(1)
    assert csp == (
        f"default-src 'none'; script-src {_sha256(script)}; style-src {_sha256(style)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def test_web_text_is_escaped_in_tables_and_data(hostile_crawls, tmp_path):
    text = _report(hostile_crawls, tmp_path).read_text(encoding="utf-8")
    for payload in PAYLOADS[:5]:
        assert payload not in text
    assert "&lt;script&gt;window.__pwned = &#x27;script&#x27;&lt;/script&gt;" in text
    block = re.search(
        r'<script type="application/json" id="report-data">(.*?)</script>', text, re.DOTALL
    ).group(1)
    data = json.loads(block)
    anchors = {a["anchor"] for a in data["top_anchors"]}
    assert set(PAYLOADS) <= anchors
    assert "<" not in block and ">" not in block and "\u2028" not in block


def test_report_data_holds_the_domain_profile(hostile_crawls, tmp_path):
    text = render_report(
        [hostile_crawls[0]], domain="target.com", competitors=COMPETITORS, authority=AUTHORITY
    )
    data = json.loads(re.search(r'id="report-data">(.*?)</script>', text, re.DOTALL).group(1))
    assert data["domain"] == "target.com"
    assert data["by_rel"] == [
        {"type": "dofollow", "links": 9},
        {"type": "nofollow", "links": 3},
        {"type": "ugc", "links": 1},
        {"type": "sponsored", "links": 1},
    ]
    assert {b["band"]: b["domains"] for b in data["referring_bands"]} == {
        "0-10": 0, "10-20": 0, "20-30": 0, "30-40": 0, "40-50": 1, "50-60": 0, "60-70": 1,
        "70-80": 0, "80-90": 1, "90-100": 0, "unranked": 6,
    }  # fmt: skip
    assert data["changes"] == []  # one crawl: nothing to compare
    centre = data["neighbourhood"]["nodes"][0]
    assert centre == {"name": "target.com", "role": "centre", "authority": 50.0, "links": 0}
    roles = {n["name"]: n["role"] for n in data["neighbourhood"]["nodes"]}
    assert roles["news.net"] == "both" and roles["gone.example"] == "linked"
    assert roles["blog.org"] == "referring"


def test_report_counts_new_and_lost_links_between_consecutive_crawls(hostile_crawls, tmp_path):
    text = render_report(list(hostile_crawls), domain="target.com", authority=AUTHORITY)
    data = json.loads(re.search(r'id="report-data">(.*?)</script>', text, re.DOTALL).group(1))
    # January has 6 backlinks of target.com plus 6 from evil*.org; February keeps
    # blog.org/post1 and blog.org/post2 and adds forum.io/t/2 and spam.biz.
    assert data["changes"] == [{"label": "jan \u2192 feb", "new": 2, "lost": 10}]


def test_report_command_writes_the_file_and_prints_its_path(hostile_crawls, tmp_path):
    authority = tmp_path / "authority.parquet"
    pq.write_table(AUTHORITY, authority)
    out = tmp_path / "r.html"
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from linkgraph.cli import main; sys.exit(main())",
         "report", *map(str, hostile_crawls), "--domain", "target.com",
         "--competitors", ",".join(COMPETITORS), "--authority", str(authority), "--out", str(out)],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"report: {out.resolve()}\n"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_command_refuses_a_non_html_out(hostile_crawls, tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from linkgraph.cli import main; sys.exit(main())",
         "report", str(hostile_crawls[0]), "--out", str(tmp_path / "r.csv")],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == (
        f"linkgraph report: error: {tmp_path / 'r.csv'}: the report is HTML; "
        "give a file name ending in .html\n"
    )


# --------------------------------------------------------------------------- the browser


@pytest.fixture()
def browser_page(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        from tests.fixtures_system import require_system

        require_system("Playwright for Python", "pip install playwright")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        events: dict[str, list] = {"console": [], "errors": [], "dialogs": [], "requests": requests}
        page.on("console", lambda m: events["console"].append((m.type, m.text)))
        page.on("pageerror", lambda e: events["errors"].append(str(e)))

        def on_dialog(dialog):
            events["dialogs"].append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        yield page, events
        browser.close()


def test_report_renders_its_charts_in_chromium(hostile_crawls, tmp_path, browser_page):
    page, events = browser_page
    path = _report(hostile_crawls, tmp_path)
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-rendered=yes]", timeout=10_000)
    charts = page.evaluate(
        """() => Array.from(document.querySelectorAll('svg.chart')).map(svg => ({
            id: svg.parentElement.id,
            shapes: svg.querySelectorAll('rect, circle').length,
            width: svg.getBoundingClientRect().width}))"""
    )
    assert [c["id"] for c in charts] == [
        "chart-authority",
        "chart-top-domains",
        "chart-ref-bands",
        "chart-rel",
        "chart-placement",
        "chart-anchors",
        "chart-changes",
        "chart-neighbourhood",
    ]
    assert all(c["shapes"] > 0 and c["width"] > 100 for c in charts)
    data = json.loads(page.text_content("#report-data"))
    circles = page.locator("#chart-neighbourhood circle").count()
    assert circles == len(data["neighbourhood"]["nodes"])
    assert page.locator("#chart-anchors rect.bar").count() == len(data["top_anchors"])
    assert events["console"] == [] and events["errors"] == []
    assert events["requests"] == [path.as_uri()]


def test_the_neighbourhood_view_answers_hover_and_drag(hostile_crawls, tmp_path, browser_page):
    page, events = browser_page
    page.goto(_report(hostile_crawls, tmp_path).as_uri())
    page.wait_for_selector("body[data-rendered=yes]")
    node = page.locator("#chart-neighbourhood g.node.referring").first
    before = node.get_attribute("transform")
    node.hover()
    info = page.text_content("#chart-neighbourhood-info")
    assert info.split(":")[1].startswith(" referring, authority")
    assert page.locator("#chart-neighbourhood line.edge.hot").count() >= 1
    box = node.locator("circle").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 60, box["y"] + 40, steps=5)
    page.mouse.up()
    assert node.get_attribute("transform") != before
    assert events["errors"] == []


def test_script_in_crawled_text_runs_nothing_in_the_report(hostile_crawls, tmp_path, browser_page):
    page, events = browser_page
    page.goto(_report(hostile_crawls, tmp_path).as_uri())
    page.wait_for_selector("body[data-rendered=yes]")
    page.wait_for_timeout(300)  # give an onerror/onload handler its chance
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert events["dialogs"] == []
    assert events["errors"] == [] and events["console"] == []
    body = page.inner_text("body")
    for payload in PAYLOADS[:4]:
        assert payload in body  # shown as text, exactly as the page had it
    svg_text = page.evaluate(
        "Array.from(document.querySelectorAll('#chart-anchors text')).map(t => t.textContent)"
    )
    assert "<script>window.__pwned = 's\u2026" in svg_text  # shortened to 28 characters
    assert page.locator("body script").count() == 2
    assert page.locator("img, iframe, object, embed").count() == 0


def test_report_without_a_domain_shows_the_crawl_wide_link_mix(tmp_path):
    crawl = write_crawl(tmp_path / "jan", "jan", JAN, OLD_LINKS, OLD_PAGES)
    text = render_report([crawl], authority=AUTHORITY)
    data = json.loads(re.search(r'id="report-data">(.*?)</script>', text, re.DOTALL).group(1))
    # Each link once (blog.org/post1 links to target.com/ twice with the same anchor).
    by_key = {(r["src_url"], r["dst_url"], r["anchor"], r["kind"]): r for r in OLD_LINKS}
    external = [r for r in by_key.values() if not r["internal"]]
    assert data["domain"] is None and "neighbourhood" not in data
    assert data["by_rel"] == [
        {"type": "dofollow", "links": sum(not r["nofollow"] for r in external)},
        {"type": "nofollow", "links": sum(r["nofollow"] for r in external)},
        {"type": "ugc", "links": sum(r["ugc"] for r in external)},
        {"type": "sponsored", "links": sum(r["sponsored"] for r in external)},
    ]
    assert sum(p["links"] for p in data["by_placement"]) == len(external) == 21
    assert "<h1>Link graph report</h1>" in text


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


def test_a_domain_not_in_the_crawls_is_a_clear_error_not_an_empty_report(hostile_crawls):
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
    page.goto(_report(hostile_crawls, tmp_path).as_uri())
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
    page.goto(_report(hostile_crawls, tmp_path).as_uri())
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
