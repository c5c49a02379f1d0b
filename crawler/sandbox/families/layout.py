"""The page layout the feature sites share: header, navigation, article, footer.

A feature page opens with :func:`open_page`, writes its article through the
``PageBuilder``, and ends with :func:`close_page` (optionally after-article markup, a
sidebar and footer links); :func:`simple_page` is a whole page with a title, a paragraph of
:data:`FILLER` and a link home.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from crawler.sandbox.family import Handler
from crawler.sandbox.render import PageBuilder, PageModel

__all__ = ["FILLER", "open_page", "close_page", "simple_page"]

#: The paragraph feature pages are filled with (its ``&`` tests escaping).
FILLER = (
    "We have been writing about this for years, and our readers keep sending us new "
    "questions & ideas. Below you will find the details, the background and a few links "
    "that we think are worth your time. As always, write to us if something is missing."
)


def open_page(b: PageBuilder, site: str, nav: Sequence[tuple[str, str]]) -> None:
    """``<body>``, a header with the site's name, the navigation links, ``<main><article>``."""
    b.raw(f'<body>\n<header>\n<div class="logo">{site}</div>\n</header>\n<nav>\n')
    for href, text in nav:
        b.a(href, text, "nav")
        b.raw("\n")
    b.raw("</nav>\n<main>\n<article>\n")


def close_page(
    b: PageBuilder,
    footer: Sequence[tuple[str, str]] = (),
    *,
    after_article: Callable[[PageBuilder], None] | None = None,
    aside: Callable[[PageBuilder], None] | None = None,
) -> PageModel:
    """Close the article and main content, then an optional sidebar and the footer."""
    b.raw("</article>\n")
    if after_article is not None:
        after_article(b)
    b.raw("</main>\n")
    if aside is not None:
        b.raw("<aside>\n")
        aside(b)
        b.raw("</aside>\n")
    b.raw("<footer>\n<p>")
    for href, text in footer:
        b.a(href, text, "footer")
        b.raw(" ")
    b.raw("</p>\n</footer>\n</body>\n</html>\n")
    return b.finish()


def simple_page(title: str) -> Handler:
    """A handler for a plain page: the title, a paragraph and a link to the host's home."""

    def handler(url: str) -> PageModel:
        b = PageBuilder(url)
        b.head(title)
        b.raw(f"<body>\n<main>\n<h1>{html.escape(title)}</h1>\n<p>")
        b.text(FILLER)
        b.raw("</p>\n<p>")
        b.a("/", "Home", "content")
        b.raw("</p>\n</main>\n</body>\n</html>\n")
        return b.finish()

    return handler
