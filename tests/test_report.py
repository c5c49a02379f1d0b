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

from graph.report import render_report
from tests.fixtures_report import COMPETITORS, PAYLOADS, write_report
from tests.fixtures_research import (
    AUTHORITY,
    JAN,
    OLD_LINKS,
    OLD_PAGES,
    write_crawl,
)

REPO = Path(__file__).resolve().parent.parent


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# --------------------------------------------------------------------------- the file


def test_report_is_self_contained(hostile_crawls, tmp_path):
    text = write_report(hostile_crawls, tmp_path).read_text(encoding="utf-8")
    assert not re.search(r"<(script|img|link|iframe)[^>]*\s(src|href)=", text, re.IGNORECASE)
    assert "@import" not in text
    assert not re.search(r"url\((?!#)", text)  # only references inside the page
    assert text.count("<script") == 2  # the JSON data block and the report's own script


def test_report_csp_allows_only_its_own_script_and_style(hostile_crawls, tmp_path):
    text = write_report(hostile_crawls, tmp_path).read_text(encoding="utf-8")
    script = re.search(r"<script>(.*?)</script>", text, re.DOTALL).group(1)
    style = re.search(r"<style>(.*?)</style>", text, re.DOTALL).group(1)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text).group(1)
    assert csp == (
        f"default-src 'none'; script-src {_sha256(script)}; style-src {_sha256(style)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def test_web_text_is_escaped_in_tables_and_data(hostile_crawls, tmp_path):
    text = write_report(hostile_crawls, tmp_path).read_text(encoding="utf-8")
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


def test_report_renders_its_charts_in_chromium(hostile_crawls, tmp_path, browser_page):
    page, events = browser_page
    path = write_report(hostile_crawls, tmp_path)
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
    page.goto(write_report(hostile_crawls, tmp_path).as_uri())
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
    page.goto(write_report(hostile_crawls, tmp_path).as_uri())
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
