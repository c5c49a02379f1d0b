"""Rendering (``-a render``): the script site's links that only its script writes become
edges marked ``rendered_only`` when it is rendered in the real headless Chromium, and not
otherwise; the browser is polite and stays on the page's host; a page that never settles
times out and keeps its served links (``docs/crawling.md``, "Rendering")."""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import urlsplit

import pytest

from crawler.rendering import RENDER_TIMEOUT
from crawler.sandbox import crawl_truth
from crawler.sandbox.families.script_site import BEACON, FORBIDDEN_CALL
from tests.fixtures_crawl import edge_keys, read_crawl, run_crawl

pytestmark = pytest.mark.slow

#: Seconds a page may take to settle in these tests (the never-settling page waits them).
TIMEOUT = 4


def _crawl(tmp_path, env, web, server, crawl_id, *args):
    home = f"http://{web.features['script_pages'][0].split('/')[2]}/"
    server.clear_log()
    run_crawl(
        env,
        tmp_path,
        *("-a", f"seeds={home}", "-a", "follow_external=false", "-a", f"crawl_id={crawl_id}"),
        *("-s", f"LINKGRAPH_RENDER_TIMEOUT={TIMEOUT}"),
        *args,
    )
    pages, edges = read_crawl(tmp_path / crawl_id)
    stats = json.loads((tmp_path / crawl_id / "crawl.json").read_text())["stats"]
    return home, pages, edges, list(server.request_log), stats


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, sandbox_env, sandbox_web, sandbox_server, chromium_path):
    """A crawl of the script site with rendering on for its domain."""
    domain = sandbox_web.features["script_domain"]
    return _crawl(
        tmp_path_factory.mktemp("render"),
        sandbox_env,
        sandbox_web,
        sandbox_server,
        "on",
        *("-a", f"render={domain}", "-s", f"LINKGRAPH_RENDER_BROWSER={chromium_path}"),
    )


def test_with_render_on_script_links_become_edges_marked_rendered_only(rendered, sandbox_web):
    home, pages, edges, _, _ = rendered
    truth = crawl_truth(
        sandbox_web, [home], follow_external=False, render=sandbox_web.features["script_domain"]
    )
    assert sorted(pages.column("url").to_pylist()) == sorted(truth.urls)
    assert set(sandbox_web.features["script_only_pages"]) <= set(truth.urls)
    assert edge_keys(edges) == edge_keys(truth.edges)
    only = [r for r in edges.to_pylist() if r["rendered_only"]]
    assert {r["placement"] for r in only} == {"nav", "content"}
    assert Counter(r["src_url"] for r in only)[home] == 4  # three menu links, one paragraph
    assert all(r["rendered_only"] is False for r in edges.to_pylist() if r not in only)


def test_the_page_that_never_settles_times_out_and_keeps_its_served_links(rendered, sandbox_web):
    _, pages, edges, _, _ = rendered
    (live,) = sandbox_web.features["never_settles"]
    row = next(r for r in pages.to_pylist() if r["url"] == live)
    assert (row["status"], row["error"]) == (200, RENDER_TIMEOUT)
    served = [(x.dst_url, x.anchor) for x in sandbox_web.page(live).links]
    got = [(r["dst_url"], r["anchor"]) for r in edges.to_pylist() if r["src_url"] == live]
    assert got == served and row["outlinks"] == len(served)


def test_the_browser_asks_nothing_robots_txt_forbids_nor_other_hosts(rendered, sandbox_web):
    _, pages, _, log, _ = rendered
    requested = [url for _, _, url, _ in log]
    assert FORBIDDEN_CALL not in requested
    assert [u for u in requested if urlsplit(u).hostname == urlsplit(BEACON).hostname] == []
    # Pages once each: the rendered DOM came from the answer the crawl fetched.
    counts = Counter(requested)
    assert {u: counts[u] for u in pages.column("url").to_pylist()} == {
        u: 1 for u in pages.column("url").to_pylist()
    }
    # The site's script was fetched once for every page that loads it.
    assert counts["http://" + urlsplit(FORBIDDEN_CALL).hostname + "/static/app.js"] == 1


def test_the_browsers_requests_go_through_the_crawls_downloader_and_robots(rendered):
    _, _, _, log, stats = rendered
    host = urlsplit(FORBIDDEN_CALL).hostname
    polls = [u for _, _, u, _ in log if urlsplit(u).path == "/live/updates"]
    assert polls, "the never-settling page's polls reached the server through the crawl"
    assert all(urlsplit(u).hostname == host for u in polls)
    # robots.txt refused the forbidden call in the downloader; the beacon was blocked.
    assert stats["linkgraph/render/refused/RobotsDisallowed"] >= 1
    assert stats["linkgraph/render/blocked_other_host"] >= 1
    assert stats["linkgraph/render/timeouts"] == 1
    # Not pages: the budget counted the pages only.
    assert stats["linkgraph/render/requests"] > len(polls)


def test_with_render_off_script_links_are_not_edges(
    tmp_path, sandbox_env, sandbox_web, sandbox_server
):
    home, pages, edges, log, _ = _crawl(tmp_path, sandbox_env, sandbox_web, sandbox_server, "off")
    truth = crawl_truth(sandbox_web, [home], follow_external=False)
    assert sorted(pages.column("url").to_pylist()) == sorted(truth.urls)
    assert set(sandbox_web.features["script_only_pages"]).isdisjoint(truth.urls)
    assert edge_keys(edges) == edge_keys(truth.edges)
    assert set(edges.column("rendered_only").to_pylist()) == {False}
    assert set(pages.column("error").to_pylist()) == {None}
    assert not [u for _, _, u, _ in log if urlsplit(u).path in ("/static/app.js", "/live/updates")]


def test_another_host_is_requested_only_when_allowed(
    tmp_path, sandbox_env, sandbox_web, sandbox_server, chromium_path
):
    beacon_host = urlsplit(BEACON).hostname
    domain = sandbox_web.features["script_domain"]
    _, pages, _, log, stats = _crawl(
        tmp_path,
        sandbox_env,
        sandbox_web,
        sandbox_server,
        "allowed",
        *("-a", f"render={domain}", "-a", "max_depth=0"),
        *("-s", f"LINKGRAPH_RENDER_BROWSER={chromium_path}"),
        *("-s", f"LINKGRAPH_RENDER_ALLOW_HOSTS={beacon_host}"),
    )
    assert pages.num_rows == 1
    # Through the crawl's downloader: its robots.txt first (the proxy answers 502 for a
    # host outside the web, retried, then robots.txt disallows it and the beacon itself
    # is refused).
    asked = {u for _, _, u, _ in log if urlsplit(u).hostname == beacon_host}
    assert asked == {f"http://{beacon_host}/robots.txt"}
    assert stats["linkgraph/render/refused/RobotsDisallowed"] >= 1
    assert "linkgraph/render/blocked_other_host" not in stats
