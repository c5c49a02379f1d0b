"""Helpers of the ``crawler.extract`` specifications: a page URL, a paragraph long enough
to be a page's main content, and short ways to read a page's links."""

from __future__ import annotations

from crawler.extract import Link, parse_html

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
