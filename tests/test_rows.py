"""``crawler.rows.page_record``: one HTTP answer -> its pages row and its links.

The spider, WARC ingest and these tests all call the same function, so the same bytes give
the same rows whatever they came from.
"""

from __future__ import annotations

from scrapy.http import Headers

from crawler.rows import error_row, header_values, page_record

URL = "http://www.example.com/a/page.html"
HTML = (
    b"<html lang='en'><head><title>A page</title>"
    b"<link rel=canonical href='/a/canonical.html'></head>"
    b"<body><main><p>Text long enough to be read as the main content of the page, "
    b"with a link to <a href='../b.html' rel='sponsored'>the b page</a>.</p></main>"
    b"<footer><a href='http://other.org/'>Other</a></footer></body></html>"
)


def record(status=200, headers=(("Content-Type", "text/html; charset=utf-8"),), body=HTML):
    return page_record(
        URL, status, list(headers), body, depth=2, fetched_at=1_700_000_000_000, ip="10.0.0.1"
    )


def test_an_html_page_gives_its_row_and_its_links_in_document_order():
    page, links = record()
    assert page == {
        "url": URL,
        "host": "www.example.com",
        "domain": "example.com",
        "depth": 2,
        "fetched_at": 1_700_000_000_000,
        "status": 200,
        "content_type": "text/html",
        "ip": "10.0.0.1",
        "bytes": len(HTML),
        "title": "A page",
        "lang": "en",
        "canonical": "http://www.example.com/a/canonical.html",
        "robots": None,
        "redirect_to": None,
    }
    assert [(lk.dst_url, lk.rel, lk.nofollow, lk.sponsored, lk.placement) for lk in links] == [
        ("http://www.example.com/b.html", "sponsored", True, True, "content"),
        ("http://other.org/", "", False, False, "footer"),
    ]


def test_a_redirect_is_one_edge_of_kind_redirect_and_no_body_is_read():
    page, links = record(301, [("Location", "/moved/here?b=2&a=1")], b"<a href='/x'>x</a>")
    assert page["redirect_to"] == "http://www.example.com/moved/here?a=1&b=2"
    assert [(lk.dst_url, lk.kind, lk.position) for lk in links] == [
        ("http://www.example.com/moved/here?a=1&b=2", "redirect", 0)
    ]


def test_a_location_that_is_not_http_is_a_bad_redirect_location():
    page, links = record(302, [("Location", "mailto:someone@example.com")])
    assert page["error"] == "bad redirect location"
    assert links == []


def test_an_error_page_keeps_its_title_but_not_its_links():
    page, links = record(404)
    assert (page["status"], page["title"], links) == (404, "A page", [])


def test_a_non_html_answer_keeps_its_x_robots_tag_only():
    page, links = record(
        200, [("Content-Type", "application/pdf"), ("X-Robots-Tag", "NoIndex")], b"%PDF-1.4"
    )
    assert (page["content_type"], page["robots"], links) == ("application/pdf", "noindex", [])


def test_headers_as_pairs_as_a_mapping_or_as_scrapy_headers_give_the_same_rows():
    pairs = [(b"Content-Type", b"text/html"), (b"X-Robots-Tag", b"nofollow")]
    from_pairs = page_record(URL, 200, pairs, HTML, depth=0, fetched_at=0)
    from_mapping = page_record(
        URL,
        200,
        {"content-type": "text/html", "x-robots-tag": ["nofollow"]},
        HTML,
        depth=0,
        fetched_at=0,
    )
    from_scrapy = page_record(URL, 200, Headers(pairs), HTML, depth=0, fetched_at=0)
    assert from_pairs == from_mapping == from_scrapy
    assert all(link.nofollow for link in from_pairs[1])


def test_header_values_match_names_case_insensitively_and_keep_every_line():
    assert header_values([("x-robots-tag", "a"), ("X-Robots-Tag", b"b")], "X-ROBOTS-TAG") == [
        "a",
        "b",
    ]


def test_a_url_that_gave_no_answer_is_an_error_row():
    assert error_row(URL, "timeout", depth=1, fetched_at=5) == {
        "url": URL,
        "host": "www.example.com",
        "domain": "example.com",
        "depth": 1,
        "fetched_at": 5,
        "error": "timeout",
    }
