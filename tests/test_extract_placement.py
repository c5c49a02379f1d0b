"""Specifications of each link's placement (``crawler.placement``, ``crawler.maincontent``):
tiny pages with exact labels. Measured on real articles: ``tests/test_placement.py``."""

from __future__ import annotations

from tests.extract_helpers import PARA, placements

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
