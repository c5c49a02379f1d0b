"""Sitemaps: which a site has, what they may list, how they are read (``crawler.sitemaps``),
and what ``scrapy crawl seeds`` does with them on the sandbox web (``docs/crawling.md``,
"Sitemaps")."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pyarrow.parquet as pq
import pytest

from crawler.sandbox import crawl_truth
from crawler.schema import DISCOVERED_BY
from crawler.sitemaps import SitemapError, declared_sitemaps, listed, read_sitemap
from tests.fixtures_crawl import crawl_output, read_crawl, run_crawl

URLSET = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    b"<url><loc> http://a.com/one.html </loc><lastmod>2026-01-01</lastmod></url>\n"
    b"<url><loc>http://a.com/two.html</loc></url>\n"
    b"</urlset>\n"
)
INDEX = (
    b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    b"<sitemap><loc>http://a.com/s1.xml</loc></sitemap>"
    b"<sitemap><loc>http://a.com/s2.xml.gz</loc></sitemap></sitemapindex>"
)


# -- the rules ------------------------------------------------------------------------------
def test_a_site_has_the_sitemaps_its_robots_txt_declares_or_sitemap_xml():
    assert declared_sitemaps("http://a.com", ["http://a.com/index.xml", "HTTP://A.COM/b.xml"]) == [
        "http://a.com/index.xml",
        "http://a.com/b.xml",
    ]
    assert declared_sitemaps("http://a.com", []) == ["http://a.com/sitemap.xml"]
    assert declared_sitemaps("http://a.com", None) == []  # robots.txt failed: nothing


def test_a_sitemap_lists_pages_of_its_own_site_only():
    locs = [
        "http://a.com/x.html",
        "http://www.a.com/y.html",  # another host
        "https://a.com/z.html",  # another scheme
        "http://a.com:8080/p.html",  # another port
        "ftp://a.com/f",
        "http://a.com/x.html#top",  # the same page again
    ]
    assert listed("http://a.com", locs) == ["http://a.com/x.html"]


def test_a_urlset_and_an_index_are_read_with_their_locs():
    urlset = read_sitemap(URLSET)
    assert (urlset.index, urlset.locs, urlset.truncated) == (
        False,
        ["http://a.com/one.html", "http://a.com/two.html"],
        False,
    )
    index = read_sitemap(INDEX)
    assert (index.index, index.locs) == (True, ["http://a.com/s1.xml", "http://a.com/s2.xml.gz"])


def test_a_gzipped_sitemap_is_read_whatever_its_name_says():
    assert read_sitemap(gzip.compress(URLSET)).locs == read_sitemap(URLSET).locs


def test_a_sitemap_is_read_up_to_its_caps():
    many = b"<urlset>" + b"".join(b"<url><loc>http://a.com/%d</loc></url>" % i for i in range(10))
    cut = read_sitemap(many + b"</urlset>", max_urls=3)
    assert (cut.locs, cut.truncated) == (
        ["http://a.com/0", "http://a.com/1", "http://a.com/2"],
        True,
    )
    # A gzip bomb is inflated up to the cap only; what comes before the cut is read.
    bomb = gzip.compress(b"<urlset><url><loc>http://a.com/0</loc></url>" + b" " * 50_000_000)
    assert len(bomb) < 100_000
    cut = read_sitemap(bomb, max_bytes=1_000_000)
    assert (cut.locs, cut.truncated) == (["http://a.com/0"], True)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"User-agent: *\nDisallow:\n", "not XML"),
        (b"<html><body><a href='/x'>x</a></body></html>", "not a sitemap: root element 'html'"),
        (b"\x1f\x8b\x08\x00broken", "broken gzip stream"),
    ],
)
def test_what_is_not_a_sitemap_is_an_error_that_says_why(body, message):
    with pytest.raises(SitemapError, match=message):
        read_sitemap(body)


def test_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("http://a.com/leaked")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<urlset><url><loc>&x;</loc></url></urlset>"
    ).encode()
    assert "http://a.com/leaked" not in read_sitemap(body).locs


# -- the crawl ------------------------------------------------------------------------------
@pytest.mark.slow
def test_sitemap_only_pages_are_fetched_once_and_marked_discovered_by_sitemap(
    sandbox_crawl, sandbox_web
):
    crawl_dir, log = sandbox_crawl
    pages, edges = read_crawl(crawl_dir)
    rows = {r["url"]: r for r in pages.to_pylist()}
    only = sandbox_web.features["sitemap_only"]
    assert {u: rows[u]["discovered_by"] for u in only} == dict.fromkeys(only, "sitemap")
    assert all(rows[u]["status"] == 200 for u in only)
    gets = Counter(url for _, method, url, _ in log if method == "GET")
    assert {u: gets[u] for u in only} == dict.fromkeys(only, 1)
    # Nothing links them: no edge leads there.
    assert set(only).isdisjoint(edges.column("dst_url").to_pylist())
    assert {rows[u]["discovered_by"] for u in sandbox_web.default_seeds()} == {"seed"}
    assert set(pages.column("discovered_by").to_pylist()) <= set(DISCOVERED_BY)


@pytest.mark.slow
def test_sitemaps_are_read_once_and_are_neither_pages_nor_sources_of_edges(
    sandbox_crawl, sandbox_web
):
    crawl_dir, log = sandbox_crawl
    pages, edges = read_crawl(crawl_dir)
    features = sandbox_web.features
    sitemaps = [features["sitemap_index"], *features["sitemap_children"]]
    gets = Counter(url for _, method, url, _ in log if method == "GET")
    assert {u: gets[u] for u in sitemaps} == dict.fromkeys(sitemaps, 1)
    fetched = set(pages.column("url").to_pylist())
    sources = set(edges.column("src_url").to_pylist())
    every_sitemap = {u for u in gets if urlsplit(u).path.endswith((".xml", ".xml.gz"))}
    assert len(every_sitemap) > 30, "every host's sitemap was read"
    assert every_sitemap.isdisjoint(fetched | sources)
    # Listed on other hosts, or forbidden by robots.txt: never requested.
    assert [u for u in features["sitemap_foreign"] if gets[u]] == []
    forbidden = [u for u in features["robots_disallowed"] if u.startswith("http://www.quiet")]
    assert forbidden and [u for u in forbidden if gets[u]] == []
    meta = json.loads((crawl_dir / "crawl.json").read_text())
    assert meta["stats"]["linkgraph/sitemaps/read"] >= len(sitemaps)


@pytest.mark.slow
def test_sitemap_pages_take_the_domain_budget_like_any_page(tmp_path, sandbox_env, sandbox_web):
    home = f"http://{sandbox_web.features['sitemap_host']}/"
    args = ["-a", f"seeds={home}", "-a", "follow_external=false", "-a", "crawl_id=budget"]
    run_crawl(sandbox_env, tmp_path, *args, "-a", "max_pages_per_domain=3")
    pages, _ = read_crawl(tmp_path / "budget")
    assert pages.num_rows == 3
    assert Counter(pages.column("discovered_by").to_pylist()) == {"seed": 1, "sitemap": 2}
    # With room for all, the crawl is the truth's: the home page and the listed pages.
    run_crawl(sandbox_env, tmp_path, "-a", f"seeds={home}", "-a", "crawl_id=all", *args[2:4])
    truth = crawl_truth(sandbox_web, [home], follow_external=False)
    pages, _ = read_crawl(tmp_path / "all")
    assert sorted(pages.column("url").to_pylist()) == sorted(truth.urls)
    assert set(sandbox_web.features["sitemap_only"]) <= set(truth.urls)


@pytest.mark.slow
def test_sitemaps_false_reads_no_sitemap(tmp_path, sandbox_server, sandbox_env, sandbox_web):
    home = f"http://{sandbox_web.features['sitemap_host']}/"
    sandbox_server.clear_log()
    run_crawl(
        sandbox_env,
        tmp_path,
        *("-a", f"seeds={home}", "-a", "follow_external=false"),
        *("-a", "crawl_id=off", "-a", "sitemaps=false"),
    )
    pages, _ = read_crawl(tmp_path / "off")
    assert pages.column("url").to_pylist() == [home]
    requested = [urlsplit(u).path for _, _, u, _ in sandbox_server.request_log]
    assert requested == ["/robots.txt", "/"]
    truth = crawl_truth(sandbox_web, [home], follow_external=False, sitemaps=False)
    assert truth.urls == [home]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-a", "sitemaps=maybe"], "-a sitemaps='maybe': expected true or false"),
        (
            ["-a", "render=example.com,not a domain"],
            "-a render='example.com,not a domain': 'not a domain' is not a domain name"
            " (give DOMAIN[,DOMAIN...] or all)",
        ),
        (
            ["-a", "render=all", "-s", "LINKGRAPH_RENDER_BROWSER=/nonexistent/chromium"],
            "-a render: no Chromium at /nonexistent/chromium (apt-get install chromium, or"
            " give -s LINKGRAPH_RENDER_BROWSER=PATH)",
        ),
    ],
)
def test_bad_sitemaps_and_render_arguments_are_one_line(tmp_path, args, message):
    proc = crawl_output(tmp_path, *args)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"scrapy crawl seeds: error: {message}"]


def test_a_crawl_made_before_the_new_columns_reads_them_as_null(tmp_path):
    from graph.research.session import connect
    from graph.store import edges_dataset, pages_dataset
    from tests.fixtures_research import link, page, write_crawl

    at = datetime(2026, 1, 1, tzinfo=UTC)
    links = [link("http://a.com/", "http://b.com/", "B")]
    crawl = write_crawl(tmp_path / "old", "old", at, links, [page("http://a.com/")])
    for name, column in (("pages", "discovered_by"), ("edges", "rendered_only")):
        for part in (crawl / name).glob("*.parquet"):
            pq.write_table(pq.read_table(part).drop_columns([column]), part)
    pages = pages_dataset([crawl]).to_table()
    edges = edges_dataset([crawl]).to_table()
    assert pages.column("discovered_by").null_count == pages.num_rows > 0
    assert edges.column("rendered_only").null_count == edges.num_rows > 0
    # A new crawl and an old one in one SQL session, in either order.
    fresh = [link("http://a.com/", "http://b.com/", "B", rendered_only=False)]
    new = write_crawl(tmp_path / "new", "new", at, fresh, [page("http://a.com/")])
    for dirs in ([new, crawl], [crawl, new]):
        with connect(dirs) as con:
            got = con.execute("SELECT crawl_id, rendered_only FROM edges ORDER BY 1").fetchall()
        assert got == [("new", False), ("old", None)]
