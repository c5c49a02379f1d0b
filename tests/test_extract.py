"""Specifications of ``crawler.extract``: HTML in, links and page metadata out.

Each test builds a tiny page and states the exact edges (``docs/data-contract.md``) that a
browser-faithful reading of it gives.
"""

from __future__ import annotations

import pytest

from crawler.extract import (
    Link,
    ParsedPage,
    decode_html,
    parse_html,
    parse_robots,
    refresh_url_of,
)
from crawler.urls import resolve_href

PAGE = "http://example.com/dir/page.html"

# Article text long enough to read as a page's main content.
PARA = (
    "<p>Old garden roses need six hours of sun, rich soil, and water at the roots rather "
    "than on the leaves, which keeps black spot away. Prune them in late winter, just as "
    "the buds swell, and feed them after the first flush of flowers.</p>"
)


def links(html: str | bytes, url: str = PAGE, **kwargs) -> list[Link]:
    return parse_html(html, url, **kwargs).links


def urls(html: str, url: str = PAGE) -> list[str]:
    return [link.dst_url for link in links(html, url)]


def placements(html: str) -> dict[str, str]:
    """Anchor text -> placement, for pages whose anchors are unique."""
    got = links(html)
    by_anchor = {link.anchor: link.placement for link in got}
    assert len(by_anchor) == len(got), "anchors must be unique in a placement test"
    return by_anchor


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


# --- rel and robots ---------------------------------------------------------------------


def test_rel_tokens_are_lower_cased_deduplicated_in_order_and_set_flags():
    got = links(
        '<a href="/a" rel=" NoFollow  External nofollow ">a</a>'
        '<a href="/b" rel="ugc">b</a><a href="/c" rel="sponsored noopener">c</a>'
        '<a href="/d" rel="">d</a><a href="/e">e</a>'
    )
    assert [(link.rel, link.nofollow, link.ugc, link.sponsored) for link in got] == [
        ("nofollow external", True, False, False),
        ("ugc", True, True, False),
        ("sponsored noopener", True, False, True),
        ("", False, False, False),
        ("", False, False, False),
    ]


def test_meta_robots_nofollow_makes_every_link_nofollow():
    page = parse_html(
        '<head><meta name="ROBOTS" content="NoIndex, NOFOLLOW"></head><a href="/a">a</a>', PAGE
    )
    assert (page.robots, page.noindex, page.nofollow) == ("noindex,nofollow", True, True)
    assert [(link.rel, link.nofollow) for link in page.links] == [("", True)]


def test_meta_for_our_bot_counts_and_meta_for_other_bots_does_not():
    page = parse_html(
        '<head><meta name="googlebot" content="noindex"><meta name="linkgraphbot" '
        'content="nofollow"></head><a href="/a">a</a>',
        PAGE,
    )
    assert (page.robots, page.noindex, page.nofollow) == ("nofollow", False, True)


def test_x_robots_tag_nofollow_makes_every_link_nofollow_after_meta_directives():
    page = parse_html(
        '<head><meta name="robots" content="noarchive"></head><a href="/a">a</a>',
        PAGE,
        x_robots_tag="NoFollow",
    )
    assert (page.robots, page.noindex, page.nofollow) == ("noarchive,nofollow", False, True)
    assert page.links[0].nofollow is True


def test_robots_none_implies_noindex_and_nofollow():
    page = parse_html('<meta name="robots" content="none"><a href="/a">a</a>', PAGE)
    assert (page.robots, page.noindex, page.nofollow) == ("none", True, True)
    assert page.links[0].nofollow is True


def test_x_robots_tag_for_another_bot_is_ignored():
    page = parse_html('<a href="/a">a</a>', PAGE, x_robots_tag="googlebot: noindex, nofollow")
    assert (page.robots, page.noindex, page.nofollow) == (None, False, False)
    assert page.links[0].nofollow is False


def test_x_robots_tag_lines_and_agents():
    assert parse_robots([], "googlebot: noindex\nlinkgraphbot: nofollow, noarchive") == [
        "nofollow",
        "noarchive",
    ]
    assert parse_robots(["noindex"], "noindex, max-snippet: 20") == ["noindex", "max-snippet: 20"]


def test_no_robots_directives_give_none():
    page = parse_html('<meta name="robots" content=" , "><a href="/a">a</a>', PAGE)
    assert (page.robots, page.noindex, page.nofollow) == (None, False, False)


# --- meta refresh, canonical, title, lang -----------------------------------------------


def test_meta_refresh_is_the_first_edge_with_kind_redirect():
    page = parse_html(
        '<html><head><meta http-equiv="Refresh" content="3; URL=\'/moved?b=1&a=2\'"></head>'
        '<body><a href="/x" rel="nofollow">x</a></body></html>',
        PAGE,
    )
    assert page.refresh_url == "http://example.com/moved?a=2&b=1"
    assert page.links == [
        Link(
            "http://example.com/moved?a=2&b=1", "example.com", "example.com", "", "",
            False, False, False, "redirect", "content", 0,
        ),
        Link(
            "http://example.com/x", "example.com", "example.com", "x", "nofollow",
            True, False, False, "a", page.links[1].placement, 1,
        ),
    ]  # fmt: skip


def test_meta_refresh_edge_is_nofollow_when_the_page_says_nofollow():
    page = parse_html(
        '<meta name="robots" content="nofollow"><meta http-equiv="refresh" content="0;url=/n">',
        PAGE,
    )
    assert [(link.kind, link.nofollow) for link in page.links] == [("redirect", True)]


def test_meta_refresh_without_url_is_not_an_edge():
    page = parse_html('<meta http-equiv="refresh" content="30"><a href="/a">a</a>', PAGE)
    assert page.refresh_url is None
    assert [link.kind for link in page.links] == ["a"]


def test_only_the_first_meta_refresh_counts():
    page = parse_html(
        '<meta http-equiv="refresh" content="5"><meta http-equiv="refresh" content="0;url=/b">',
        PAGE,
    )
    assert (page.refresh_url, page.links) == (None, [])


def test_refresh_content_parsing_follows_the_html_standard():
    assert refresh_url_of("0;URL=/a") == (True, "/a")
    assert refresh_url_of(' 1.5 , url = "/b c" trailing') == (True, "/b c")
    assert refresh_url_of("0; http://other.org/") == (True, "http://other.org/")
    assert refresh_url_of("soon; url=/x") == (False, None)
    assert refresh_url_of("5") == (True, None)


def test_canonical_is_resolved_and_normalised():
    page = parse_html(
        '<head><base href="/b/"><link rel="Canonical" href="../Rose?z=1&a=2#x"></head>', PAGE
    )
    assert page.canonical == "http://example.com/Rose?a=2&z=1"


def test_head_elements_pushed_into_the_body_by_a_noscript_pixel_still_count():
    page = parse_html(
        '<html><head><noscript><img src="/pixel.gif"></noscript><link rel="canonical" '
        'href="/c"><meta name="robots" content="nofollow"></head><body><p>Hi '
        '<a href="/x">x</a></p></body></html>',
        PAGE,
    )
    assert (page.canonical, page.robots) == ("http://example.com/c", "nofollow")
    assert [link.nofollow for link in page.links] == [True]


def test_canonical_and_robots_inside_page_content_are_ignored():
    page = parse_html(
        '<link rel="canonical" href="/a"><div class="comment"><link rel="canonical" '
        'href="/evil"><meta name="robots" content="noindex"></div>',
        PAGE,
    )
    assert (page.canonical, page.robots, page.noindex) == ("http://example.com/a", None, False)


def test_title_and_lang():
    page = parse_html('<html lang=" EN-gb "><head><title> Roses\n &amp; Thorns </title>', PAGE)
    assert (page.title, page.lang) == ("Roses & Thorns", "en-gb")
    bare = parse_html("<p>no head</p>", PAGE)
    assert (bare.title, bare.lang, bare.canonical, bare.refresh_url) == (None, None, None, None)


# --- decoding ---------------------------------------------------------------------------


def test_iso_8859_1_bytes_are_decoded_from_the_content_type_header():
    body = '<a href="/caf\xe9">Caf\xe9 cr\xe8me</a>'.encode("iso-8859-1")
    got = links(body, content_type="text/html; charset=ISO-8859-1")
    assert (got[0].anchor, got[0].dst_url) == ("Café crème", "http://example.com/caf%C3%A9")


def test_meta_charset_is_used_when_the_header_has_none():
    body = '<meta charset="iso-8859-1"><title>Caf\xe9</title>'.encode("iso-8859-1")
    assert parse_html(body, PAGE, content_type="text/html").title == "Café"


def test_undeclared_bytes_are_utf8_with_replacement():
    assert decode_html(b"<p>caf\xc3\xa9 \xff</p>") == "<p>café \ufffd</p>"


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


# --- placement --------------------------------------------------------------------------


def test_placement_with_semantic_tags():
    html = (
        '<header><a href="/">Home</a></header>'
        '<nav><ul><li><a href="/a">Roses</a></li><li><a href="/b">Tulips</a></li></ul></nav>'
        "<main><article>"
        f'{PARA}<p>See <a href="https://rhs.org.uk/roses">the RHS guide</a> for more.</p>{PARA}'
        '<section class="comments"><div class="comment"><p>Great <a href="http://spam.biz/">'
        "cheap pills</a></p></div></section>"
        "</article></main>"
        '<aside><a href="/popular">Popular</a></aside>'
        '<footer><a href="/about">About us</a></footer>'
    )
    assert placements(html) == {
        "Home": "header",
        "Roses": "nav",
        "Tulips": "nav",
        "the RHS guide": "content",
        "cheap pills": "comment",
        "Popular": "sidebar",
        "About us": "footer",
    }


def test_placement_with_plain_divs_named_as_the_sandbox_names_them():
    html = (
        '<div id="header"><a href="/">Logo</a></div>'
        '<div class="menu"><a href="/a">Menu one</a> <a href="/b">Menu two</a></div>'
        '<ul id="main-nav"><li><a href="/c">Main nav</a></li></ul>'
        '<div class="post-content">'
        f'{PARA}<p>Read <a href="https://example.org/study">the study</a> first.</p>{PARA}'
        "</div>"
        '<div class="comments"><ol class="comment-list"><li><div class="comment">'
        '<p>Thanks <a href="http://me.example.net/">my blog</a></p>'
        '<div class="signature"><a href="http://sig.example.net/">my sig</a></div>'
        "</div></li></ol></div>"
        '<div class="sidebar"><a href="/s">Sidebar link</a></div>'
        '<div class="widget"><a href="/w">Widget link</a></div>'
        '<div class="footer"><a href="/f">Footer link</a></div>'
    )
    assert placements(html) == {
        "Logo": "header",
        "Menu one": "nav",
        "Menu two": "nav",
        "Main nav": "nav",
        "the study": "content",
        "my blog": "comment",
        "my sig": "comment",
        "Sidebar link": "sidebar",
        "Widget link": "sidebar",
        "Footer link": "footer",
    }


def test_placement_by_aria_roles_and_block_names():
    html = (
        '<div role="banner"><a href="/1">banner</a></div>'
        '<div class="breadcrumbs"><a href="/2">crumb</a></div>'
        f'<div id="story">{PARA}{PARA}'
        '<div class="pagination"><a href="/p2">next page</a></div></div>'
        '<div role="complementary"><a href="/3">complementary</a></div>'
        '<div id="disqus_thread"><a href="/4">disqus</a></div>'
        '<div role="contentinfo"><a href="/5">contentinfo</a></div>'
        '<div class="copyright"><a href="/6">copyright</a></div>'
    )
    assert placements(html) == {
        "banner": "header",
        "crumb": "nav",
        "next page": "nav",
        "complementary": "sidebar",
        "disqus": "comment",
        "contentinfo": "footer",
        "copyright": "footer",
    }


def test_a_link_outside_the_main_content_is_never_content():
    html = (
        '<div><a href="/top">Top story</a> and a few words of teaser text here.</div>'
        f'<div class="entry">{PARA}<p>An <a href="/in">inline link</a>.</p>{PARA}</div>'
        '<div><a href="/1">One</a> <a href="/2">Two</a> <a href="/3">Three</a></div>'
        '<div><a href="/end">Last words</a> written by the editors of this fine site.</div>'
    )
    assert placements(html) == {
        "Top story": "header",
        "inline link": "content",
        "One": "nav",
        "Two": "nav",
        "Three": "nav",
        "Last words": "footer",
    }


def test_the_main_content_s_own_header_is_content():
    html = (
        '<header><a href="/">Site</a></header>'
        '<article><header><h1>Roses</h1><a href="/author/ann">Ann</a></header>'
        f"{PARA}{PARA}</article>"
    )
    assert placements(html) == {"Site": "header", "Ann": "content"}


def test_a_page_banner_inside_the_main_content_block_stays_a_header():
    html = f'<div id="page"><header><a href="/">Site</a></header>{PARA}{PARA}</div>'
    assert placements(html) == {"Site": "header"}


def test_a_labelled_block_holding_most_of_the_content_is_content():
    html = (
        f'<div class="story">{PARA}<div class="menu-wide">{PARA}{PARA}<p><a href="/x">x</a></p>'
        f'{PARA}</div><div class="menu"><a href="/y">y</a></div></div>'
    )
    assert placements(html) == {"x": "content", "y": "nav"}


def test_an_inline_bar_of_links_in_the_content_is_nav_and_a_list_of_links_is_content():
    html = (
        f"<article>{PARA}"
        '<p><a href="/p">Previous</a> | <a href="/n">Next</a></p>'
        '<p>\u00ab <a href="/a">Older</a> \u00b7 <a href="/b">Newer</a> \u00bb</p>'
        '<p>Compare <a href="/x">this</a> | <a href="/y">that</a> first.</p>'
        '<ul><li><a href="/1">Day 1</a></li><li><a href="/2">Day 2</a></li></ul>'
        f"{PARA}</article>"
    )
    assert placements(html) == {
        "Previous": "nav",
        "Next": "nav",
        "Older": "nav",
        "Newer": "nav",
        "this": "content",
        "that": "content",
        "Day 1": "content",
        "Day 2": "content",
    }


def test_a_ugc_link_in_the_content_is_a_comment():
    html = f'<article>{PARA}<p>A reader said <a href="/u" rel="ugc">this</a>.</p>{PARA}</article>'
    assert placements(html) == {"this": "comment"}


def test_paragraphs_right_in_the_body_make_the_body_the_main_content():
    html = f'<body><h1>Roses</h1>{PARA}<p>See <a href="/x">x</a>.</p>{PARA}<nav><a href="/n">n</a></nav>'
    assert placements(html) == {"x": "content", "n": "nav"}


def test_separators_between_links_are_not_running_text():
    html = "<div>" + " | ".join(f'<a href="/{i}">{i}</a>' for i in range(60)) + "</div>"
    assert set(placements(html).values()) == {"nav"}


def test_a_page_without_running_text_has_no_content_links():
    html = '<div><a href="/a">A</a> <a href="/b">B</a></div><p><a href="/c">C</a></p>'
    assert set(placements(html).values()) <= {"nav", "header", "footer", "sidebar"}


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
