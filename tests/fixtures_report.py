"""Fixtures of the report tests: crawls carrying hostile text, and a page in the real
Chromium (Debian's ``chromium`` driven by Playwright for Python, never a downloaded browser)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.report import build_report
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


def write_report(hostile_crawls, tmp_path, **kw) -> Path:
    """The report of the hostile crawls for www.target.com against the three competitors."""
    return build_report(
        list(hostile_crawls),
        out=tmp_path / "report.html",
        domain="www.target.com",
        competitors=COMPETITORS,
        authority=AUTHORITY,
        **kw,
    )
