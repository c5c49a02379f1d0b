"""The ground truth: the crawl rules of docs/crawling.md, applied to the sandbox model."""

from __future__ import annotations

import collections
import json
import urllib.error
import urllib.request

import duckdb
import pandas
import pyarrow.dataset as ds
import pytest
from protego import Protego

from crawler.sandbox import SandboxWeb, crawl_truth, write_truth
from crawler.schema import EDGES_SCHEMA, PAGES_SCHEMA
from crawler.urls import host_of, registered_domain
from tests.test_sandbox_web import served_links

# Features whose URLs a default crawl must not fetch, and why.
NOT_FETCHED = {
    "robots_disallowed": "robots.txt forbids them",
    "nofollow_only": "only nofollow links lead there",
    "script_only_pages": "only links a script writes lead there (fetched when rendering)",
    "sitemap_foreign": "another site's sitemap lists them",
    "sitemap_index": "a sitemap is read, not a page",
    "sitemap_children": "a sitemap is read, not a page",
    "sitemap_gzipped": "a sitemap is read, not a page",
}


def test_tables_have_exactly_the_crawl_schema(sandbox_truth):
    assert sandbox_truth.pages.schema.equals(PAGES_SCHEMA)
    assert sandbox_truth.edges.schema.equals(EDGES_SCHEMA)
    assert sandbox_truth.pages.column("ip").null_count == sandbox_truth.pages.num_rows
    assert sandbox_truth.pages.column("error").null_count == sandbox_truth.pages.num_rows


def test_each_url_is_fetched_once_and_outlinks_count_its_edges(sandbox_truth):
    urls = sandbox_truth.urls
    assert len(urls) == len(set(urls))
    per_page = collections.Counter(sandbox_truth.edges.column("src_url").to_pylist())
    for row in sandbox_truth.pages.to_pylist():
        assert row["outlinks"] == per_page.get(row["url"], 0), row["url"]
    positions = collections.defaultdict(list)
    for src, pos in zip(
        sandbox_truth.edges.column("src_url").to_pylist(),
        sandbox_truth.edges.column("position").to_pylist(),
        strict=True,
    ):
        positions[src].append(pos)
    assert all(p == list(range(len(p))) for p in positions.values())


def test_the_default_crawl_reaches_every_feature_page_but_the_forbidden_ones(
    sandbox_web, sandbox_truth
):
    fetched = set(sandbox_truth.urls)
    features = sandbox_web.features
    checked = 0
    for key, value in features.items():
        if isinstance(value, dict):
            urls = [u for pair in value.items() for u in pair if isinstance(u, str)]
        elif isinstance(value, list):
            urls = [u for u in value if isinstance(u, str)]
        else:
            urls = [value]
        urls = [u for u in urls if isinstance(u, str) and u.startswith("http://")]
        if key in NOT_FETCHED:
            assert not fetched & set(urls), key
        else:
            assert set(urls) <= fetched, (key, set(urls) - fetched)
        checked += len(urls)
    assert checked > 50
    for key in ("crawl_delay",):
        assert set(features[key]["urls"]) <= fetched
    domains = set(sandbox_truth.pages.column("domain").to_pylist())
    assert set(features["link_farm"]) | {features["money_site"]} <= domains
    assert features["idn_host"] in set(sandbox_truth.pages.column("host").to_pylist())
    assert registered_domain(features["closed_host"]) not in domains


def test_every_regular_site_of_the_demo_web_is_reached(sandbox_web, sandbox_truth):
    domains = set(sandbox_truth.pages.column("domain").to_pylist())
    for niche_domains in sandbox_web.niches.values():
        for domain in niche_domains:
            if domain != registered_domain(sandbox_web.features["closed_host"]):
                assert domain in domains


def test_robots_disallowed_urls_are_never_fetched_and_robots_allow_wins(sandbox_web, sandbox_truth):
    fetched = set(sandbox_truth.urls)
    for url in sandbox_truth.urls:
        host = host_of(url)
        answer = sandbox_web.respond("GET", f"http://{host}/robots.txt")
        if answer.status == 200:
            assert Protego.parse(answer.body.decode()).can_fetch(url, "linkgraphbot"), url
    assert set(sandbox_truth.robots_blocked) == set(sandbox_web.features["robots_disallowed"])
    assert sandbox_web.features["robots_allowed"][0] in fetched


def test_nofollow_links_are_recorded_but_not_followed(sandbox_web, sandbox_truth):
    edges = sandbox_truth.edges.to_pylist()
    for target in sandbox_web.features["nofollow_only"]:
        into = [e for e in edges if e["dst_url"] == target]
        assert into and all(e["nofollow"] for e in into)
        assert target not in sandbox_truth.urls
    press = sandbox_web.features["nofollow_page"][0]
    assert all(e["nofollow"] for e in edges if e["src_url"] == press)
    ugc = [e for e in edges if e["ugc"]]
    assert ugc and all(e["nofollow"] for e in ugc)
    followed = collections.Counter(e["nofollow"] for e in edges)
    assert followed[True] > 20 and followed[False] > 1000


def test_following_nofollow_reaches_the_nofollow_only_pages(sandbox_web):
    truth = crawl_truth(sandbox_web, follow_nofollow=True)
    assert set(sandbox_web.features["nofollow_only"]) <= set(truth.urls)


def test_redirects_become_pages_with_one_redirect_edge_and_targets_keep_depth(
    sandbox_web, sandbox_truth
):
    pages = {row["url"]: row for row in sandbox_truth.pages.to_pylist()}
    edges = collections.defaultdict(list)
    for edge in sandbox_truth.edges.to_pylist():
        edges[edge["src_url"]].append(edge)
    chain = sandbox_web.features["redirect_chain"]
    for here, there in zip(chain, chain[1:], strict=False):
        assert pages[here]["status"] in (301, 302)
        assert pages[here]["redirect_to"] == there
        assert pages[here]["content_type"] is None and pages[here]["bytes"] == 0
        (edge,) = edges[here]
        assert (edge["kind"], edge["dst_url"], edge["anchor"], edge["rel"], edge["nofollow"]) == (
            "redirect",
            there,
            "",
            "",
            False,
        )
    # Hops keep the depth of the first URL; the end was found first through a link.
    assert len({sandbox_truth.depth[u] for u in chain[:-1]}) == 1
    assert sandbox_truth.depth[chain[-1]] <= sandbox_truth.depth[chain[0]] + 1
    a, b = sandbox_web.features["redirect_loop"]
    assert pages[a]["redirect_to"] == b and pages[b]["redirect_to"] == a
    ((refresh, target),) = sandbox_web.features["meta_refresh"].items()
    assert pages[refresh]["status"] == 200 and pages[refresh]["redirect_to"] == target
    assert edges[refresh][0]["kind"] == "redirect" and edges[refresh][0]["position"] == 0
    assert sandbox_truth.depth[target] == sandbox_truth.depth[refresh]  # found only so


def test_links_of_error_pages_and_non_html_answers_are_not_read(sandbox_web, sandbox_truth):
    pages = {row["url"]: row for row in sandbox_truth.pages.to_pylist()}
    for key in ("not_found", "gone", "server_error", "pdf", "image"):
        for url in sandbox_web.features[key]:
            assert pages[url]["outlinks"] == 0
    assert pages[sandbox_web.features["pdf"][0]]["content_type"] == "application/pdf"
    assert pages[sandbox_web.features["pdf"][0]]["robots"] == "noindex"
    draft = sandbox_web.features["x_robots_tag"][0]
    assert pages[draft]["robots"] == "noindex,nofollow"


def test_the_trap_is_cut_by_max_depth(sandbox_web, sandbox_truth):
    trap = sandbox_web.features["trap_domain"]
    assert trap in sandbox_truth.depth_cut_domains
    assert not sandbox_truth.capped_domains
    depths = sandbox_truth.pages.column("depth").to_pylist()
    assert max(depths) == 10
    trap_pages = [r for r in sandbox_truth.pages.to_pylist() if r["domain"] == trap]
    assert 20 < len(trap_pages) < 1000
    shallow = crawl_truth(sandbox_web, max_depth=4)
    assert max(shallow.pages.column("depth").to_pylist()) == 4
    assert len(shallow.urls) < len(sandbox_truth.urls)


def test_a_small_budget_caps_domains_and_lists_them(sandbox_web):
    truth = crawl_truth(sandbox_web, max_pages_per_domain=5)
    per_domain = collections.Counter(truth.pages.column("domain").to_pylist())
    assert max(per_domain.values()) == 5
    assert {d for d, n in per_domain.items() if n == 5} >= truth.capped_domains
    assert sandbox_web.features["trap_domain"] in truth.capped_domains
    assert "thedailyledger.com" in truth.capped_domains


def test_without_follow_external_only_the_seed_domains_are_fetched(sandbox_web):
    truth = crawl_truth(sandbox_web, follow_external=False)
    assert set(truth.pages.column("domain").to_pylist()) == {
        "openwebdirectory.org",
        "thedailyledger.com",
    }
    assert not all(truth.edges.column("internal").to_pylist())  # links out are recorded


def test_bad_parameters_raise_value_errors(sandbox_web):
    with pytest.raises(ValueError, match="max_pages_per_domain must be at least 1, got 0"):
        crawl_truth(sandbox_web, max_pages_per_domain=0)
    with pytest.raises(ValueError, match="seed is not an http"):
        crawl_truth(sandbox_web, ["mailto:someone@example.com"])


def test_truth_matches_what_the_proxy_serves(sandbox_server, sandbox_web, sandbox_truth):
    """Fetch every reached page through the proxy with urllib and compare it with the truth."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    fetch = urllib.request.build_opener(
        urllib.request.ProxyHandler({"http": sandbox_server.proxy_url}), NoRedirect()
    )
    edges = collections.defaultdict(list)
    for edge in sandbox_truth.edges.to_pylist():
        edges[edge["src_url"]].append(edge)
    trap = sandbox_web.features["trap_host"]
    slow = set(sandbox_web.features["slow"])
    checked = 0
    for row in sandbox_truth.pages.to_pylist():
        url = row["url"]
        if url in slow or (row["host"] == trap and row["depth"] > 4):
            continue  # 2 s each; the trap's months are all alike
        try:
            answer = fetch.open(url)
            status, headers, body = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        assert status == row["status"], url
        assert len(body) == row["bytes"], url
        if row["redirect_to"] and 300 <= status < 400:
            assert headers["Location"] == row["redirect_to"]
        if status == 200 and row["content_type"] == "text/html":
            charset = headers.get_content_charset()
            served = set(served_links(url, body, charset))
            for edge in edges[url]:
                if edge["kind"] != "redirect":
                    assert (edge["dst_url"], edge["anchor"]) in served, (url, edge["dst_url"])
        checked += 1
    assert checked > 350


def test_exports_are_byte_identical_and_readable_everywhere(sandbox_truth, tmp_path):
    first = write_truth(sandbox_truth, tmp_path / "a")
    second = write_truth(crawl_truth(SandboxWeb(pages=300, seed=1)), tmp_path / "b")
    for name in ("pages/part-000000.parquet", "edges/part-000000.parquet", "truth.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert sorted(p.name for p in (first / "pages").iterdir()) == ["part-000000.parquet"]
    assert ds.dataset(first / "pages").to_table().num_rows == sandbox_truth.pages.num_rows
    edges = duckdb.execute(f"select count(*) from read_parquet('{first}/edges/*.parquet')")
    assert edges.fetchone()[0] == sandbox_truth.edges.num_rows
    assert len(pandas.read_parquet(first / "pages")) == sandbox_truth.pages.num_rows
    meta = json.loads((first / "truth.json").read_text())
    assert meta["seeds"] == sandbox_truth.seeds
    assert meta["params"]["max_depth"] == 10
    assert meta["depth_cut_domains"] == ["townevents.com"]
    assert meta["features"]["link_farm"] == sandbox_truth.features["link_farm"]
    assert sorted(meta["niches"]) == ["cooking", "cycling", "gardening"]
    fetched = pandas.read_parquet(first / "pages")["fetched_at"].unique()
    assert [str(t) for t in fetched] == ["2026-01-01 00:00:00+00:00"]


def test_revision_1_truth_shows_the_recorded_changes():
    before = crawl_truth(SandboxWeb(pages=300, seed=1))
    web = SandboxWeb(pages=300, seed=1, revision=1)
    after = crawl_truth(web)
    changes = web.features["revision_changes"]
    status_before = dict(zip(before.urls, before.pages.column("status").to_pylist(), strict=True))
    status_after = dict(zip(after.urls, after.pages.column("status").to_pylist(), strict=True))
    (broken,) = changes["broken"]
    assert (status_before[broken], status_after[broken]) == (200, 404)

    def pairs(truth):
        return collections.Counter(
            zip(
                truth.edges.column("src_url").to_pylist(),
                truth.edges.column("dst_url").to_pylist(),
                strict=True,
            )
        )

    old, new = pairs(before), pairs(after)
    for src, dst in changes["links_added"]:
        assert new[(src, dst)] == old[(src, dst)] + 1
    for src, dst in changes["links_removed"]:
        assert new[(src, dst)] == old[(src, dst)] - 1
