"""The sandbox web: every special case it promises, in the pages it serves."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import networkx as nx
import pytest
from protego import Protego

from crawler.sandbox import SandboxWeb
from crawler.urls import host_of, registered_domain, resolve_href
from tests.test_sandbox_web import served_links

ROOT = Path(__file__).resolve().parent.parent


# -- links of people and machines ------------------------------------------------------


def test_comment_links_carry_ugc_nofollow_and_no_rel(sandbox_web):
    (url,) = sandbox_web.features["comment_links"]
    links = [link for link in sandbox_web.page(url).links if link.placement == "comment"]
    assert [link.rel for link in links] == ["ugc", "nofollow ugc", "", "nofollow"]
    assert registered_domain(host_of(links[2].dst_url)) in sandbox_web.features["link_farm"]


def test_forum_signatures_link_out_with_and_without_rel(sandbox_web):
    (url,) = sandbox_web.features["signature_links"]
    page = sandbox_web.page(url)
    links = [link for link in page.links if link.placement == "comment"]
    assert [link.rel for link in links] == ["nofollow ugc", "ugc", "", ""]
    assert page.body.count(b'<div class="signature">') == 4
    assert registered_domain(host_of(links[2].dst_url)) in sandbox_web.features["link_farm"]
    assert links[3].dst_url == sandbox_web.features["money_site_url"]


def test_rel_is_lower_cased_and_deduplicated(sandbox_web, sandbox_truth):
    rels = set(sandbox_truth.edges.column("rel").to_pylist())
    assert "ugc nofollow" in rels  # written as rel="UGC nofollow ugc"
    bodies = b"".join(sandbox_web.respond("GET", u).body for u in sandbox_truth.urls)
    assert b'rel="UGC nofollow ugc"' in bodies


def test_sponsored_links_point_at_the_money_site(sandbox_web):
    (url,) = sandbox_web.features["sponsored_links"]
    sponsored = [link for link in sandbox_web.page(url).links if link.sponsored]
    assert [link.rel for link in sponsored] == ["sponsored", "sponsored nofollow"]
    assert sponsored[0].dst_url == sandbox_web.features["money_site_url"]


def test_the_link_farm_interlinks_and_points_at_the_money_site(sandbox_web):
    farm = sandbox_web.features["link_farm"]
    money = sandbox_web.features["money_site"]
    assert len(farm) == 4
    for domain in farm:
        page = sandbox_web.page(f"http://www.{domain}/")
        targets = {registered_domain(host_of(link.dst_url)) for link in page.links}
        assert set(farm) | {money} <= targets | {domain}
        assert money in targets


def test_sitewide_footer_links_to_the_web_studio_from_every_page_of_its_sites(
    sandbox_web, sandbox_truth
):
    feature = sandbox_web.features["sitewide_footer"]
    assert len(feature["domains"]) >= 2
    pages = sandbox_truth.pages.to_pylist()
    for row in pages:
        if row["domain"] in feature["domains"] and row["status"] == 200:
            footer = [
                link
                for link in sandbox_web.page(row["url"]).links
                if link.placement == "footer" and link.dst_url == feature["target"]
            ]
            assert [link.anchor for link in footer] == [feature["anchor"]], row["url"]


def test_messy_hrefs_resolve_as_a_browser_resolves_them(sandbox_web):
    (url,) = sandbox_web.features["messy_hrefs"]
    page = sandbox_web.page(url)
    hrefs = [link.href for link in page.links]
    for raw in (
        "  /2026/story.html  ",
        "/2026/\tstory.html",
        "/2026/sto\nry.html",
        "\\2026\\story.html",
        "",
        "#top",
        "HtTp://Www.TinkerTools.com.au/catalogue/",
    ):
        assert raw in hrefs
    for link in page.links:
        assert link.dst_url == resolve_href(url, link.href)
    story = "http://www.thedailyledger.com/2026/story.html"
    assert sum(link.dst_url == story for link in page.links) == 8
    assert sum(link.dst_url == url for link in page.links) == 2  # "" and "#top"
    assert page.non_edge_hrefs == ["mailto:letters@thedailyledger.com"]
    assert sandbox_web.features["duplicate_variants"][story][0] == "  /2026/story.html  "


def test_duplicate_url_variants_answer_the_same_document(sandbox_web):
    url = "http://www.thedailyledger.com/2026/story.html"
    expected = sandbox_web.respond("GET", url).body
    for variant in (
        "HTTP://WWW.THEDAILYLEDGER.COM/2026/story.html",
        "http://www.thedailyledger.com:80/2026/story.html",
        "http://www.thedailyledger.com/2026/./x/../story.html",
        "http://www.thedailyledger.com/2026/story.html#frag",
    ):
        assert sandbox_web.respond("GET", variant).body == expected
    article = "http://www.willow-yard.com/care/ten-tips-for-tomatoes-more-0.html"
    assert (
        sandbox_web.respond("GET", article + "?b=2&a=1").body
        == sandbox_web.respond("GET", article + "?a=1&b=2").body
    )


def test_base_href_changes_what_relative_links_resolve_to(sandbox_web):
    (url,) = sandbox_web.features["base_href"]
    page = sandbox_web.page(url)
    assert page.base_href == "/archive/2025/"
    assert [link.dst_url for link in page.links if link.placement == "content"] == [
        "http://www.thedailyledger.com/archive/2025/june.html",
        "http://www.thedailyledger.com/archive/2025/july.html",
        "http://www.thedailyledger.com/2026/story.html",
    ]


def test_image_links_use_alt_text_and_image_maps_give_area_links(sandbox_web):
    (url,) = sandbox_web.features["image_links"]
    page = sandbox_web.page(url)
    anchors = {(link.kind, link.anchor) for link in page.links}
    assert ("a", "Front page photo") in anchors
    assert ("a", "Harbour at dawn") in anchors  # text is only whitespace
    assert ("area", "Northern region") in anchors
    assert ("area", "Tinker Tools store") in anchors
    assert url in sandbox_web.features["area_links"]
    assert page.non_edge_hrefs == [
        "mailto:editor@thedailyledger.com",
        "tel:+61-2-5550-1234",
        "javascript:void(0)",
    ]
    assert b'href="javascript:void(0)"' in page.body


def test_pdf_and_image_are_served_with_their_media_types(sandbox_web):
    (pdf,) = sandbox_web.features["pdf"]
    (image,) = sandbox_web.features["image"]
    answer = sandbox_web.respond("GET", pdf)
    assert answer.body.startswith(b"%PDF-")
    assert ("Content-Type", "application/pdf") in answer.headers
    assert ("X-Robots-Tag", "noindex") in answer.headers
    answer = sandbox_web.respond("GET", image)
    assert answer.body.startswith(b"\x89PNG")
    assert ("Content-Type", "image/png") in answer.headers


def test_hostile_anchors_are_escaped_in_html_and_kept_verbatim_in_the_model(sandbox_web):
    (url,) = sandbox_web.features["hostile_anchors"]
    page = sandbox_web.page(url)
    anchors = [link.anchor for link in page.links if link.placement == "content"]
    assert "<script>alert(1)</script>" in anchors
    assert "=cmd|' /C calc'!A0" in anchors
    assert "@@ten@@tips@@" in anchors
    assert b"<script>" not in page.body
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.body


def test_latin1_page_is_served_in_iso_8859_1(sandbox_web):
    (url,) = sandbox_web.features["charset_latin1"]
    answer = sandbox_web.respond("GET", url)
    assert ("Content-Type", "text/html; charset=iso-8859-1") in answer.headers
    with pytest.raises(UnicodeDecodeError):
        answer.body.decode("utf-8")
    page = sandbox_web.page(url)
    assert page.title == "Café crème & brûlée recipes - Greybeard Forum"
    assert "Crème brûlée à la grand-mère" in [link.anchor for link in page.links]
    assert served_links(url, answer.body, "iso-8859-1") == [
        (link.dst_url, link.anchor) for link in page.links
    ]


def test_malformed_html_still_parses_to_the_modelled_links(sandbox_web):
    (url,) = sandbox_web.features["malformed"]
    page = sandbox_web.page(url)
    assert b"<A HREF=/thread/101.html>" in page.body
    assert b"</span>" in page.body and b"<P>" in page.body and b"<LI>" in page.body
    assert served_links(url, page.body, "utf-8") == [
        (link.dst_url, link.anchor) for link in page.links
    ]


def test_served_html_of_every_reached_page_holds_exactly_the_modelled_links(
    sandbox_web, sandbox_truth
):
    checked = 0
    for url in sandbox_truth.urls:
        page = sandbox_web.page(url)
        if page.status != 200 or not page.is_html:
            continue
        expected = [(link.dst_url, link.anchor) for link in page.links if link.kind != "redirect"]
        assert served_links(url, page.body, page.charset) == expected, url
        checked += 1
    assert checked > 400


def _domain_graph(truth, *, comments: bool) -> nx.DiGraph:
    """Domains linked by followed links (optionally leaving out comment links)."""
    graph = nx.DiGraph()
    for edge in truth.edges.to_pylist():
        if edge["src_domain"] == edge["dst_domain"] or edge["nofollow"]:
            continue
        if comments or edge["placement"] != "comment":
            graph.add_edge(edge["src_domain"], edge["dst_domain"])
    return graph


def test_the_farm_lifts_pagerank_but_trustrank_ranks_it_below_every_niche_site(
    sandbox_web, sandbox_truth
):
    """PageRank (Page et al. 1999) is fooled by the farm; TrustRank (Gyongyi et al. 2004)
    from the trusted seeds over editorial links (followed, not in comments) is not."""
    features = sandbox_web.features
    spam = [*features["link_farm"], features["money_site"]]
    niche_sites = [d for domains in sandbox_web.niches.values() for d in domains]
    pagerank = nx.pagerank(_domain_graph(sandbox_truth, comments=True), tol=1e-12)
    assert min(pagerank[d] for d in spam) > statistics.median(pagerank[d] for d in niche_sites)
    editorial = _domain_graph(sandbox_truth, comments=False)
    editorial.add_nodes_from(spam)
    teleport = {node: float(node in features["trusted_seeds"]) for node in editorial}
    trust = nx.pagerank(editorial, personalization=teleport, tol=1e-12)
    assert max(trust[d] for d in spam) < min(trust[d] for d in niche_sites)


# -- robots, redirects, errors -----------------------------------------------------------


def test_robots_txt_has_disallow_allow_and_crawl_delay(sandbox_web):
    directory = Protego.parse(
        sandbox_web.respond("GET", "http://www.openwebdirectory.org/robots.txt").body.decode()
    )
    (blocked, *_) = sandbox_web.features["robots_disallowed"]
    (allowed,) = sandbox_web.features["robots_allowed"]
    assert not directory.can_fetch(blocked, "linkgraphbot")
    assert directory.can_fetch(allowed, "linkgraphbot")
    assert not directory.can_fetch("http://www.openwebdirectory.org/", "BadBot")
    delay = sandbox_web.features["crawl_delay"]
    forum = Protego.parse(
        sandbox_web.respond("GET", f"http://{delay['host']}/robots.txt").body.decode()
    )
    assert forum.crawl_delay("linkgraphbot") == delay["delay"] == 1.0
    assert len(delay["urls"]) == 4


def test_the_closed_host_disallows_every_bot(sandbox_web):
    host = sandbox_web.features["closed_host"]
    robots = Protego.parse(sandbox_web.respond("GET", f"http://{host}/robots.txt").body.decode())
    for agent in ("linkgraphbot", "Googlebot", "*"):
        assert not robots.can_fetch(f"http://{host}/", agent)
        assert not robots.can_fetch(f"http://{host}/about.html", agent)


def test_redirects_answer_301_302_307_308_with_a_location(sandbox_web):
    redirects = sandbox_web.features["redirects"]
    assert sorted(redirects) == ["301", "302", "307", "308"]
    for status, url in redirects.items():
        answer = sandbox_web.respond("GET", url)
        assert answer.status == int(status)
        location = dict(answer.headers)["Location"]
        assert sandbox_web.respond("GET", location).status == 200


def test_the_redirect_chain_ends_on_a_page_and_the_loop_comes_back(sandbox_web):
    chain = sandbox_web.features["redirect_chain"]
    for here, there in zip(chain, chain[1:], strict=False):
        assert dict(sandbox_web.respond("GET", here).headers)["Location"] == there
    assert sandbox_web.respond("GET", chain[-1]).status == 200
    a, b = sandbox_web.features["redirect_loop"]
    assert dict(sandbox_web.respond("GET", a).headers)["Location"] == b
    assert dict(sandbox_web.respond("GET", b).headers)["Location"] == a


def test_a_moved_domain_redirects_every_path_to_the_new_domain(sandbox_web):
    ((old, new),) = sandbox_web.features["moved_domain"].items()
    for source, target in sandbox_web.features["moved_urls"].items():
        assert registered_domain(host_of(source)) == old
        answer = sandbox_web.respond("GET", source)
        assert answer.status == 301
        assert dict(answer.headers)["Location"] == target
        assert registered_domain(host_of(target)) == new


def test_meta_refresh_page_redirects_by_its_head(sandbox_web):
    ((url, target),) = sandbox_web.features["meta_refresh"].items()
    page = sandbox_web.page(url)
    assert page.status == 200
    assert page.redirect_to == target
    assert page.links[0].kind == "redirect" and page.links[0].dst_url == target
    assert b'<meta http-equiv="refresh" content="0; url=/2026/new-story.html">' in page.body


def test_error_pages_answer_404_410_and_500_and_the_slow_page_waits(sandbox_web):
    features = sandbox_web.features
    for key, status in (("not_found", 404), ("gone", 410), ("server_error", 500)):
        for url in features[key]:
            assert sandbox_web.respond("GET", url).status == status
    (slow,) = features["slow"]
    assert sandbox_web.respond("GET", slow).delay == features["slow_delay"] == 2.0
    assert sandbox_web.respond("GET", "http://www.willow-yard.com/nope.html").status == 404
    unknown = sandbox_web.respond("GET", "http://www.example.com/")
    assert (unknown.status, unknown.body) == (502, b"unknown host\n")
    assert sandbox_web.page("http://www.example.com/") is None


def test_the_calendar_trap_is_endless(sandbox_web):
    host = sandbox_web.features["trap_host"]
    page = sandbox_web.page(f"http://{host}/2391/11/")
    assert page.status == 200
    assert f"http://{host}/2391/12/" in [link.dst_url for link in page.links]
    assert f"http://{host}/2391/10/" in [link.dst_url for link in page.links]
    assert sandbox_web.page(f"http://{host}/2391/12/15.html").status == 200


def test_robots_directives_and_canonical_are_in_the_model(sandbox_web):
    features = sandbox_web.features
    assert sandbox_web.page(features["noindex"][0]).robots == ["noindex"]
    press, draft = features["nofollow_page"]
    assert sandbox_web.page(press).robots == ["nofollow"]
    assert sandbox_web.page(draft).robots == ["noindex", "nofollow"]
    assert ("X-Robots-Tag", "noindex, nofollow") in sandbox_web.respond("GET", draft).headers
    assert draft in features["x_robots_tag"]
    ((variant, canonical),) = features["canonical"].items()
    assert sandbox_web.page(variant).canonical == canonical
    assert sandbox_web.page(canonical).canonical == canonical


def test_every_host_serves_a_sitemap_listed_in_its_robots_txt(sandbox_web):
    for host in ("www.thedailyledger.com", "www.willow-yard.com"):
        robots = sandbox_web.respond("GET", f"http://{host}/robots.txt").body.decode()
        assert f"Sitemap: http://{host}/sitemap.xml" in robots
        sitemap = sandbox_web.respond("GET", f"http://{host}/sitemap.xml")
        assert sitemap.status == 200
        locs = re.findall(rb"<loc>([^<]+)</loc>", sitemap.body)
        assert f"http://{host}/".encode() in locs
        for loc in locs[:20]:
            assert sandbox_web.respond("GET", loc.decode()).status == 200


def test_every_feature_is_documented():
    text = (ROOT / "docs" / "sandbox.md").read_text()
    for key in SandboxWeb(pages=20).features:
        assert f"`{key}`" in text, key
