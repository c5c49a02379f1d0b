"""The sandbox web generator: determinism, shape, revisions and size."""

from __future__ import annotations

import collections
import statistics
import tracemalloc
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from crawler.sandbox import SandboxWeb, crawl_truth
from crawler.schema import PLACEMENTS
from crawler.urls import normalize_url, registered_domain, resolve_href

ROOT = Path(__file__).resolve().parent.parent


def served_links(url: str, body: bytes, charset: str) -> list[tuple[str, str]]:
    """(dst_url, anchor) of every link in served HTML, as the data contract defines them."""
    tree = LexborHTMLParser(body.decode(charset))
    base = url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        base = resolve_href(url, base_node.attributes["href"] or "") or url
    out = []
    for node in tree.css("a[href], area[href]"):
        dst = resolve_href(base, node.attributes["href"] or "")
        if dst is None:
            continue
        if node.tag == "area":
            anchor = " ".join((node.attributes.get("alt") or "").split())
        else:
            anchor = " ".join(node.text(deep=True).split())
            if not anchor:
                alts = [" ".join((i.attributes.get("alt") or "").split()) for i in node.css("img")]
                anchor = next((a for a in alts if a), "")
        out.append((dst, anchor))
    return out


# -- determinism -------------------------------------------------------------------------


def test_same_seed_gives_the_same_web_byte_for_byte(sandbox_truth):
    first, second = SandboxWeb(pages=300, seed=1), SandboxWeb(pages=300, seed=1)
    urls = sandbox_truth.urls[::3] + [
        "http://www.willow-yard.com/robots.txt",
        "http://www.thedailyledger.com/sitemap.xml",
        "http://www.tinkertools.com.au/no/such/page",
    ]
    assert len(urls) > 100
    for url in urls:
        a, b = first.respond("GET", url), second.respond("GET", url)
        assert (a.status, a.headers, a.body, a.delay) == (b.status, b.headers, b.body, b.delay)
    assert first.features == second.features
    assert first.niches == second.niches


def test_a_different_seed_gives_a_different_web(sandbox_web):
    other = SandboxWeb(pages=300, seed=2)
    regular = set(sandbox_web.niches["gardening"]) ^ set(other.niches["gardening"])
    assert regular, "the gardening sites should be named differently"
    news = sandbox_web.default_seeds()[1]  # links to each niche's hub, named from the seed
    assert sandbox_web.respond("GET", news).body != other.respond("GET", news).body
    niche = "http://www.openwebdirectory.org/niche/cooking.html"
    assert sandbox_web.respond("GET", niche).body != other.respond("GET", niche).body


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pages": -5}, "pages must be at least 20, got -5"),
        ({"pages": 19}, "pages must be at least 20, got 19"),
        ({"pages": 300, "seed": -1}, "seed must be 0 or more, got -1"),
        ({"pages": 300, "revision": -1}, "revision must be 0 or more, got -1"),
        ({"pages": "300"}, "pages must be an integer, got '300'"),
    ],
)
def test_bad_sizes_raise_a_one_line_value_error(kwargs, message):
    with pytest.raises(ValueError) as info:
        SandboxWeb(**kwargs)
    assert str(info.value) == message


def test_default_seeds_are_the_same_for_every_size_and_seed_and_listed_in_seeds_txt():
    seeds = SandboxWeb(pages=20, seed=0).default_seeds()
    assert SandboxWeb(pages=5000, seed=7, revision=1).default_seeds() == seeds
    assert all(normalize_url(s) == s for s in seeds)
    lines = (ROOT / "data" / "seeds.txt").read_text().splitlines()
    listed = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert listed == seeds


# -- shape ---------------------------------------------------------------------------


def test_demo_web_has_about_30_domains_in_3_niches(sandbox_web):
    assert 25 <= len(sandbox_web.domains()) <= 40
    assert sorted(sandbox_web.niches) == ["cooking", "cycling", "gardening"]
    assert all(len(domains) >= 5 for domains in sandbox_web.niches.values())


def test_more_pages_bring_more_niches_and_sites():
    web = SandboxWeb(pages=60_000, seed=1)
    assert len(web.niches) == 8
    assert len(web.domains()) > 4000


def test_registered_domains_under_one_and_multi_part_suffixes_exist(sandbox_web):
    suffixes = sandbox_web.features["public_suffixes"]
    for suffix in ("com", "org", "co.uk", "com.au"):
        assert suffixes[suffix], suffix
        for domain in suffixes[suffix]:
            assert registered_domain("www." + domain) == domain
    assert registered_domain("shop.tinkertools.com.au") == "tinkertools.com.au"


def test_www_blog_and_shop_subdomains_exist(sandbox_web):
    subdomains = sandbox_web.features["subdomains"]
    assert "blog.thedailyledger.com" in subdomains["blog"]
    assert "shop.tinkertools.com.au" in subdomains["shop"]
    assert len(subdomains["www"]) > 10
    hosts = set(sandbox_web.hosts())
    for label in ("www", "blog", "shop"):
        assert set(subdomains[label]) <= hosts


def test_the_idn_host_is_written_in_punycode_and_answers_by_its_unicode_name(sandbox_web):
    features = sandbox_web.features
    assert features["idn_host"] == "www.xn--blumengrtnerei-cib.de"
    assert features["idn_host_unicode"] == "www.blumengärtnerei.de"
    assert features["idn_host"] in sandbox_web.hosts()
    by_unicode = sandbox_web.respond("GET", "http://www.blumengärtnerei.de/rosen.html")
    by_punycode = sandbox_web.respond("GET", "http://www.xn--blumengrtnerei-cib.de/rosen.html")
    assert by_unicode.status == 200
    assert by_unicode.body == by_punycode.body


def test_in_degree_per_domain_is_heavy_tailed():
    web = SandboxWeb(pages=6000, seed=1)
    truth = crawl_truth(web)
    regular = {d for domains in web.niches.values() for d in domains}
    inlinks: collections.Counter[str] = collections.Counter()
    src = truth.edges.column("src_domain").to_pylist()
    dst = truth.edges.column("dst_domain").to_pylist()
    for s, d in zip(src, dst, strict=True):
        if s != d and s in regular and d in regular:
            inlinks[d] += 1
    counts = sorted(inlinks.values(), reverse=True)
    assert len(counts) > 300
    top_tenth = sum(counts[: len(counts) // 10]) / sum(counts)
    assert top_tenth > 0.5, top_tenth
    assert counts[0] > 10 * statistics.median(counts)


def test_sites_link_mostly_inside_their_niche(sandbox_web, sandbox_truth):
    niche_of = {d: n for n, domains in sandbox_web.niches.items() for d in domains}
    same = total = 0
    src = sandbox_truth.edges.column("src_domain").to_pylist()
    dst = sandbox_truth.edges.column("dst_domain").to_pylist()
    for s, d in zip(src, dst, strict=True):
        if s != d and s in niche_of and d in niche_of:
            total += 1
            same += niche_of[s] == niche_of[d]
    assert total > 300
    assert same / total > 0.7


def test_links_sit_in_every_placement(sandbox_truth):
    placements = set(sandbox_truth.edges.column("placement").to_pylist())
    # "unknown" is for sources that cannot say (WAT files, web graphs), never a page's.
    assert placements == set(PLACEMENTS) - {"unknown"}


def test_markup_mixes_semantic_tags_and_plain_divs(sandbox_web, sandbox_truth):
    bodies = b"".join(sandbox_web.respond("GET", u).body for u in sandbox_truth.urls)
    for marker in (
        b"<nav",
        b'<div class="menu">',
        b'<ul id="main-nav">',
        b"<header",
        b'<div id="header">',
        b"<footer>",
        b'<div class="footer">',
        b"<aside",
        b'<div class="sidebar">',
        b'<div class="widget',
        b'<div class="comments">',
        b'<ol class="comment-list">',
        b'<div class="comment">',
        b'<div class="signature">',
        b"<article>",
        b"<main>",
        b'<div class="post-content">',
        b"&amp;",
    ):
        assert marker in bodies, marker


# -- revisions -----------------------------------------------------------------------


def test_revision_1_adds_and_removes_links_and_breaks_a_page():
    before, after = SandboxWeb(pages=300, seed=1), SandboxWeb(pages=300, seed=1, revision=1)
    assert before.features["revision_changes"] == {
        "links_added": [],
        "links_removed": [],
        "broken": [],
    }
    changes = after.features["revision_changes"]
    ((src, dst),) = changes["links_added"]
    assert dst not in [
        link.dst_url for link in before.page(src).links if link.placement == "content"
    ]
    assert dst in [link.dst_url for link in after.page(src).links if link.placement == "content"]
    ((src, dst),) = changes["links_removed"]
    old = [link.dst_url for link in before.page(src).links].count(dst)
    assert [link.dst_url for link in after.page(src).links].count(dst) == old - 1
    (broken,) = changes["broken"]
    assert before.respond("GET", broken).status == 200
    assert after.respond("GET", broken).status == 404
    changed = {src for src, _ in changes["links_added"] + changes["links_removed"]}
    truth = crawl_truth(before)
    same = [u for u in truth.urls if u not in changed and u != broken]
    for url in same[::5]:
        assert before.respond("GET", url).body == after.respond("GET", url).body, url
    assert broken in truth.urls
    assert changed <= set(truth.urls)


# -- size ----------------------------------------------------------------------------


def test_a_million_page_web_holds_its_sites_not_its_pages_and_builds_a_page_on_request():
    # How fast it builds is a benchmark (benchmarks/bench_sandbox.py), not a test: here,
    # that answering a page builds that page only, whatever its place in the web.
    web = SandboxWeb(pages=1_000_000, seed=3)
    assert len(web.domains()) > 60_000
    biggest = web.regular.sites[0]
    deep = web.regular.url(biggest, biggest.pages - 1)
    web.respond("GET", deep)
    tracemalloc.start()
    try:
        for _ in range(20):
            assert web.respond("GET", deep).status == 200
            assert web.respond("GET", web.default_seeds()[0]).status == 200
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000
    assert sum(site.pages for site in web.regular.sites) == 1_000_000
