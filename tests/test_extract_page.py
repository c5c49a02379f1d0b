"""Specifications of what ``crawler.extract`` reads about a page besides its links: rel
flags and robots directives, meta refresh, canonical, title, language, text encoding."""

from __future__ import annotations

from crawler.extract import (
    Link,
    decode_html,
    parse_html,
    parse_robots,
    refresh_url_of,
)
from tests.extract_helpers import PAGE, links

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
