"""Specifications of ``crawler.extract``: HTML in, links out (URLs, anchors, positions,
malformed HTML, the sandbox web). Page metadata: ``tests/test_extract_page.py``; placement:
``tests/test_extract_placement.py``.

Each test builds a tiny page and states the exact edges (``docs/data-contract.md``) that a
browser-faithful reading of it gives.
"""

from __future__ import annotations

import pytest

from crawler.extract import (
    Link,
    ParsedPage,
    parse_html,
)
from crawler.urls import resolve_href
from tests.extract_helpers import PAGE, PARA, links, urls

# --- URLs -------------------------------------------------------------------------------


def test_relative_hrefs_resolve_against_the_page_url():
    assert urls('<a href="other.html">a</a><a href="../up/">b</a><a href="/root">c</a>') == [
        "http://example.com/dir/other.html",
        "http://example.com/up/",
        "http://example.com/root",
    ]


def test_base_href_is_resolved_against_the_page_and_then_used_for_every_link():
    page = parse_html('<head><base href="/base/sub/"></head><a href="x">x</a>', PAGE)
    assert page.base_url == "http://example.com/base/sub/"
    assert [link.dst_url for link in page.links] == ["http://example.com/base/sub/x"]


def test_only_the_first_base_href_counts():
    html = '<base href="http://one.org/a/"><base href="http://two.org/b/"><a href="x">x</a>'
    assert urls(html) == ["http://one.org/a/x"]


def test_a_base_href_that_is_not_http_leaves_the_page_url_as_base():
    page = parse_html('<base href="javascript:alert(1)"><a href="x">x</a>', PAGE)
    assert page.base_url == PAGE
    assert [link.dst_url for link in page.links] == ["http://example.com/dir/x"]


def test_whitespace_around_an_href_is_stripped():
    assert urls('<a href="  \n /x \t ">x</a>') == ["http://example.com/x"]


def test_tabs_and_newlines_inside_an_href_are_dropped():
    assert urls('<a href="/a\tb\nc">x</a>') == ["http://example.com/abc"]


def test_backslashes_read_as_slashes():
    assert urls('<a href="\\\\other.org\\p\\q">x</a>') == ["http://other.org/p/q"]


def test_upper_case_scheme_and_host_are_lower_cased_and_the_path_kept():
    assert urls('<a href="HTTP://EXAMPLE.COM/Path">x</a>') == ["http://example.com/Path"]


def test_idn_host_is_written_in_punycode():
    links_ = links('<a href="http://bücher.de/über">x</a>')
    assert links_[0].dst_url == "http://xn--bcher-kva.de/%C3%BCber"
    assert links_[0].dst_host == "xn--bcher-kva.de"
    assert links_[0].dst_domain == "xn--bcher-kva.de"


def test_default_port_is_dropped_and_other_ports_kept():
    assert urls('<a href="http://a.com:80/">a</a><a href="https://a.com:443/">b</a>'
                '<a href="http://a.com:8080/">c</a>') == [
        "http://a.com/",
        "https://a.com/",
        "http://a.com:8080/",
    ]  # fmt: skip


def test_dot_segments_are_resolved():
    assert urls('<a href="/a/./b/../c/">x</a>') == ["http://example.com/a/c/"]


def test_fragment_is_dropped_and_query_sorted():
    assert urls('<a href="/s?q=rose&b=2&a=1#results">x</a>') == [
        "http://example.com/s?a=1&b=2&q=rose"
    ]


def test_empty_and_fragment_only_hrefs_are_self_links():
    got = links('<a href="">top</a><a href="#comments">jump</a>', "http://example.com/p?b=1&a=2")
    assert [(link.dst_url, link.anchor) for link in got] == [
        ("http://example.com/p?a=2&b=1", "top"),
        ("http://example.com/p?a=2&b=1", "jump"),
    ]


def test_non_http_links_are_not_edges():
    html = (
        '<a href="mailto:me@example.com">m</a><a href="javascript:void(0)">j</a>'
        '<a href="tel:+441234">t</a><a href="data:text/html,hi">d</a>'
        '<a href="ftp://files.example.com/x">f</a><a href="http://[::1">bad</a><a>none</a>'
        '<a href="/kept">k</a>'
    )
    assert urls(html) == ["http://example.com/kept"]


def test_links_to_pdfs_and_images_are_edges():
    assert urls('<a href="/guide.pdf">pdf</a><a href="/rose.PNG">png</a>') == [
        "http://example.com/guide.pdf",
        "http://example.com/rose.PNG",
    ]


def test_hosts_and_registered_domains():
    got = links(
        '<a href="https://shop.rosegarden.co.uk/x">a</a><a href="http://127.0.0.1:8/">b</a>'
    )
    assert [(link.dst_host, link.dst_domain) for link in got] == [
        ("shop.rosegarden.co.uk", "rosegarden.co.uk"),
        ("127.0.0.1", "127.0.0.1"),
    ]


@pytest.mark.parametrize(
    "href",
    [
        "x", "../x", "/x", "//other.org/x", "\\\\other.org\\x", "http:x", "https:x",
        "HTTP://A.COM/", "?q=1", "#f", "", " #f", "\t../x", "x?b=2&a=1#f", ".", "..",
        ";p", "mailto:x@y.z",
    ],
)  # fmt: skip
def test_directory_cache_resolves_every_href_as_against_the_whole_page_url(href):
    page = "http://example.com/dir/sub/page.html?z=1&y=2"
    got = links(f'<a href="{href}">x</a>', page)
    expected = resolve_href(page, href)
    assert [link.dst_url for link in got] == ([] if expected is None else [expected])


def test_page_url_must_be_http():
    with pytest.raises(ValueError, match="not an absolute http"):
        parse_html("<a href=x>x</a>", "ftp://example.com/")


# --- anchors ----------------------------------------------------------------------------


def test_anchor_whitespace_is_collapsed_and_nested_inline_tags_read_as_text():
    got = links('<a href="/x">\n  Old <b>garden</b>\t<i>roses</i>\u00a0 </a>')
    assert got[0].anchor == "Old garden roses"


def test_anchor_entities_are_decoded():
    assert links('<a href="/x">Roses &amp; Thorns &eacute;t&#233; &lt;3</a>')[0].anchor == (
        "Roses & Thorns été <3"
    )


def test_image_link_takes_the_first_non_empty_alt():
    html = '<a href="/x"> <img src="a.png" alt=" "><img src="b.png" alt=" Rose  logo "></a>'
    assert links(html)[0].anchor == "Rose logo"


def test_text_wins_over_image_alt_and_an_image_without_alt_gives_an_empty_anchor():
    got = links('<a href="/x"><img src="a.png" alt="logo"> Home</a><a href="/y"><img src="b"></a>')
    assert [link.anchor for link in got] == ["Home", ""]


def test_area_links_take_their_alt_and_kind_area():
    got = links('<map name="m"><area href="/north" alt=" North  wing "><area href="/s"></map>')
    assert [(link.dst_url, link.anchor, link.kind) for link in got] == [
        ("http://example.com/north", "North wing", "area"),
        ("http://example.com/s", "", "area"),
    ]


# --- malformed HTML ---------------------------------------------------------------------


def test_malformed_html_is_read_as_a_browser_reads_it():
    html = '<p>one <a href="/a">first<p>second</a> <a href=/b>b</a></div></table><a href="/c">c'
    got = links(html)
    assert [(link.dst_url, link.anchor) for link in got] == [
        ("http://example.com/a", "first"),
        ("http://example.com/a", "second"),
        ("http://example.com/b", "b"),
        ("http://example.com/c", "c"),
    ]


# --- positions --------------------------------------------------------------------------


def test_positions_follow_document_order_and_duplicates_are_kept():
    got = links(
        '<header><a href="/h">h</a></header><main>' + PARA + '<p><a href="/c">c</a></p></main>'
        '<footer><a href="/h">h</a><area href="/m" alt="m"></footer>'
    )
    assert [(link.dst_url, link.position) for link in got] == [
        ("http://example.com/h", 0),
        ("http://example.com/c", 1),
        ("http://example.com/h", 2),
        ("http://example.com/m", 3),
    ]


def test_parsed_page_fields():
    page = parse_html("<title>T</title>", PAGE)
    assert page == ParsedPage(
        title="T",
        lang=None,
        canonical=None,
        robots=None,
        noindex=False,
        nofollow=False,
        base_url=PAGE,
        refresh_url=None,
        links=[],
    )


# --- the sandbox web --------------------------------------------------------------------

EDGE_COLUMNS = Link._fields


@pytest.mark.parametrize("seed", [0, 7])
def test_every_sandbox_page_gives_exactly_the_truth_s_edges_and_metadata(seed):
    from crawler.sandbox import SandboxWeb, crawl_truth

    web = SandboxWeb(300, seed=seed)
    truth = crawl_truth(web)
    expected: dict[str, list[tuple]] = {}
    for row in truth.edges.to_pylist():
        expected.setdefault(row["src_url"], []).append(tuple(row[c] for c in EDGE_COLUMNS))
    checked = edges = 0
    for page in truth.pages.to_pylist():
        html_2xx = page["status"] is not None and 200 <= page["status"] < 300
        if not html_2xx or page["content_type"] not in ("text/html", "application/xhtml+xml"):
            continue
        response = web.respond("GET", page["url"])
        headers = {name.lower(): value for name, value in response.headers}
        parsed = parse_html(
            response.body,
            page["url"],
            x_robots_tag=headers.get("x-robots-tag"),
            content_type=headers.get("content-type"),
        )
        assert [tuple(link) for link in parsed.links] == expected.get(page["url"], []), page["url"]
        assert (
            parsed.title,
            parsed.lang,
            parsed.canonical,
            parsed.robots,
            parsed.refresh_url,
        ) == (page["title"], page["lang"], page["canonical"], page["robots"], page["redirect_to"])
        checked += 1
        edges += len(parsed.links)
    assert checked > 300 and edges > 3000
