"""Rendering the pages of the regular sites: home, section and article pages.

Every page is rebuilt on request from ``(seed, site, page index)`` with its own random
generator, in document order through a :class:`~crawler.sandbox.render.PageBuilder`, so its
markup and its model (the links a crawler must find) are written by the same calls. Sites
differ in markup (semantic tags, plain divs or a mix) and in how they write internal hrefs.
"""

from __future__ import annotations

import html
import random
from collections.abc import Callable

from crawler.sandbox.families.hosts import FARM, MONEY_HOST, STUDIO
from crawler.sandbox.niches import Niche
from crawler.sandbox.regular import RegularSites, Site
from crawler.sandbox.render import (
    PageBuilder,
    PageModel,
    error_page,
    plain_file,
    sitemap_file,
    stable_rng,
)
from crawler.sandbox.text import paragraph, sentence
from crawler.urls import host_of

#: How a page writes an internal link to a URL (absolute, root- or document-relative).
Href = Callable[[str], str]

__all__ = ["answer_regular"]

_NAV = (
    ('<nav class="main-menu">\n<ul>\n', ("<li>", "</li>\n"), "</ul>\n</nav>\n"),
    ('<div class="menu">\n', ("", " | "), "\n</div>\n"),
    ('<ul id="main-nav">\n', ("<li>", "</li>\n"), "</ul>\n"),
)
_MAIN_OPEN = (
    "<main>\n<article>\n",
    '<div id="wrap">\n<div class="post-content">\n',
    '<main>\n<div class="post-content">\n',
)
_MAIN_CLOSE = ("</article>\n</main>\n", "</div>\n</div>\n", "</div>\n</main>\n")


def answer_regular(regular: RegularSites, site: Site, role: str, url: str, path: str) -> PageModel:
    """What the ``role`` host of ``site`` answers to the normalised ``url`` (path ``path``)."""
    if path == "/robots.txt":
        if not site.robots:
            return error_page(url, 404)
        text = (
            "User-agent: *\nDisallow: /wp-admin/\nDisallow: /cgi-bin/\n\n"
            f"Sitemap: http://{host_of(url)}/sitemap.xml\n"
        )
        return plain_file(url, "text/plain; charset=utf-8", text.encode())
    if path == "/sitemap.xml":
        host = host_of(url)
        urls = [
            u
            for u in (regular.url(site, i) for i in range(min(site.pages, 1000)))
            if host_of(u) == host
        ]
        return sitemap_file(url, urls)
    index = regular.locate(site, role, path)
    if index is None:
        return error_page(url, 404)
    if regular.plan.broken and regular.url(site, index) in regular.plan.broken:
        return error_page(url, 404)
    return _render(regular, site, index, url)


def _render(regular: RegularSites, site: Site, index: int, url: str) -> PageModel:
    niche = regular.niches[site.niche]
    rng = stable_rng(regular.seed, "page", site.index, index)
    sections = site.sections
    if index == 0:
        kind, title = "home", f"{site.name} - {niche.label} notes & ideas"
    elif index <= sections:
        kind = "section"
        title = f"{niche.sections[index - 1].title()} | {site.name}"
    else:
        kind = "article"
        title = f"{regular.title(site, index - 1 - sections)} | {site.name}"
    b = PageBuilder(url)
    canonical = regular.url(site, index) if site.self_canonical else None
    b.head(title, lang=site.lang, canonical=canonical)
    style = site.style
    home = regular.url(site, 0)

    def h(target: str) -> str:
        return regular.href(site, url, target)

    b.raw("<body>\n")
    b.raw('<header class="site-header">\n' if style == 0 else '<div id="header">\n')
    b.a(h(home), "", "header", img_alt=f"{site.name} logo", img_src="/img/logo.png")
    b.raw(f'\n<p class="tagline">{niche.label} from {site.name}</p>\n')
    b.raw("</header>\n" if style == 0 else "</div>\n")
    opening, item, closing = _NAV[style]
    b.raw(opening)
    b.raw(item[0])
    b.a(h(home), "Home", "nav")
    b.raw(item[1])
    for j in range(sections):
        b.raw(item[0])
        b.a(h(regular.url(site, 1 + j)), niche.sections[j].title(), "nav")
        b.raw(item[1])
    b.raw(closing)
    b.raw(_MAIN_OPEN[style])
    if kind == "home":
        _home_content(b, regular, site, niche, rng, h)
    elif kind == "section":
        _section_content(b, regular, site, niche, rng, h, index - 1)
    else:
        _article_content(b, regular, site, niche, rng, h, index - 1 - sections)
    b.raw(_MAIN_CLOSE[style])
    if kind == "article" and rng.random() < 0.35:
        _comments(b, regular, niche, rng, style)
    _sidebar(b, regular, site, h)
    b.raw("<footer>\n" if style != 1 else '<div class="footer">\n')
    b.raw(f"<p>&copy; 2026 {site.name}. ")
    b.a(h(home), "Home", "footer")
    b.raw(" &middot; ")
    b.a(f"mailto:hello@{site.domain}", "Contact us", "footer")
    if site.designer:
        b.raw(" &middot; Designed by ")
        b.a(f"http://{STUDIO}/", "PixelCraft Studio", "footer")
    b.raw("</p>\n")
    b.raw("</footer>\n" if style != 1 else "</div>\n")
    b.raw("</body>\n</html>\n")
    return b.finish()


def _sidebar(b: PageBuilder, regular: RegularSites, site: Site, h: Href) -> None:
    """Popular posts; on some sites a blogroll of the niche's top sites and a sponsor."""
    b.raw('<aside class="sidebar">\n' if site.style == 0 else '<div class="sidebar">\n')
    b.raw('<div class="widget"><h3>Popular posts</h3>\n<ul>\n')
    for k in range(min(3, site.articles)):
        b.raw("<li>")
        b.a(h(regular.url(site, 1 + site.sections + k)), regular.title(site, k), "sidebar")
        b.raw("</li>\n")
    b.raw("</ul></div>\n")
    if site.blogroll:
        b.raw('<div class="widget blogroll"><h3>Friends of the site</h3>\n<ul>\n')
        for other in regular.members(site.niche)[:5]:
            if other.index != site.index:
                b.raw("<li>")
                b.a(regular.url(other, 0), other.name, "sidebar")
                b.raw("</li>\n")
        b.raw("</ul></div>\n")
    if site.sponsor:
        b.raw('<div class="widget sponsor"><h3>Our sponsor</h3>\n<p>')
        b.a(f"http://{MONEY_HOST}/", "Fast loans today", "sidebar", "sponsored")
        b.raw("</p></div>\n")
    b.raw("</aside>\n" if site.style == 0 else "</div>\n")


def _home_content(
    b: PageBuilder, regular: RegularSites, site: Site, niche: Niche, rng: random.Random, h: Href
) -> None:
    b.raw(f"<h1>Welcome to {site.name}</h1>\n<p>")
    b.text(paragraph(rng, niche, 3) + " We often recommend ")
    links = regular.welcome_links(site)
    if site.index in regular.plan.removed:
        links = links[1:]
    for n, (target, anchor) in enumerate(links):
        if n:
            b.text(" and ")
        b.a(target, anchor, "content")
    b.text(". " + sentence(rng, niche))
    b.raw("</p>\n")
    if site.index in regular.plan.added:
        target, anchor = regular.plan.added[site.index]
        b.raw("<p>New this month: we also like ")
        b.a(target, anchor, "content")
        b.raw(".</p>\n")
    for j in range(site.sections):
        b.raw("<h2>")
        b.a(h(regular.url(site, 1 + j)), niche.sections[j].title(), "content")
        b.raw("</h2>\n")
        for k in range(j, min(site.articles, j + 3 * site.sections), site.sections):
            b.raw("<p>")
            b.a(h(regular.url(site, 1 + site.sections + k)), regular.title(site, k), "content")
            b.raw(" ")
            b.text(sentence(rng, niche))
            b.raw("</p>\n")


def _section_content(
    b: PageBuilder,
    regular: RegularSites,
    site: Site,
    niche: Niche,
    rng: random.Random,
    h: Href,
    j: int,
) -> None:
    b.raw(f"<h1>{niche.sections[j].title()}</h1>\n<p>")
    b.text(paragraph(rng, niche, 3))
    b.raw('</p>\n<ul class="post-list">\n')
    for k in range(j, min(site.articles, j + 15 * site.sections), site.sections):
        b.raw("<li><h2>")
        b.a(h(regular.url(site, 1 + site.sections + k)), regular.title(site, k), "content")
        b.raw("</h2><p>")
        b.text(sentence(rng, niche))
        b.raw("</p></li>\n")
    b.raw("</ul>\n")


def _article_content(
    b: PageBuilder,
    regular: RegularSites,
    site: Site,
    niche: Niche,
    rng: random.Random,
    h: Href,
    k: int,
) -> None:
    sections = site.sections
    b.raw(f"<h1>{html.escape(regular.title(site, k), quote=False)}</h1>\n")
    b.raw(f'<p class="byline">Posted in {niche.sections[k % sections].title()}</p>\n')
    paragraphs = 3 + rng.randrange(3)
    links = rng.randrange(2, 6)
    slots = sorted(rng.randrange(paragraphs) for _ in range(links))
    for p in range(paragraphs):
        b.raw("<p>")
        b.text(paragraph(rng, niche, 3 + rng.randrange(3)))
        for slot in slots:
            if slot != p:
                continue
            if rng.random() < 0.6:
                pick = regular.external(rng, site)
            else:
                other = rng.randrange(site.articles)
                pick = (
                    h(regular.url(site, 1 + sections + other)),
                    regular.title(site, other),
                )
            if pick is None:
                continue
            b.text(" See ")
            b.a(pick[0], pick[1], "content")
            b.text(" for more.")
        b.raw("</p>\n")
    b.raw('<p class="more">Read next: ')
    nexts = [c for c in (2 * k + 1, 2 * k + 2) if c < site.articles]
    if not nexts:
        b.a(h(regular.url(site, 0)), "back to the front page", "content")
    for n, c in enumerate(nexts):
        if n:
            b.raw(" or ")
        b.a(h(regular.url(site, 1 + sections + c)), regular.title(site, c), "content")
    b.raw("</p>\n")


def _comments(
    b: PageBuilder, regular: RegularSites, niche: Niche, rng: random.Random, style: int
) -> None:
    count = 1 + rng.randrange(3)
    if style == 1:
        b.raw('<div class="comments"><h3>Comments</h3>\n')
    else:
        b.raw('<section id="comments"><h3>Comments</h3>\n<ol class="comment-list">\n')
    for _ in range(count):
        b.raw('<li class="comment">' if style != 1 else '<div class="comment">')
        b.raw('<p class="comment-author">')
        if rng.random() < 0.08:
            # Comment spam that the blog did not mark: it lifts the farm's PageRank.
            farm = FARM[rng.randrange(len(FARM))]
            b.a(f"http://www.{farm}/", "best cheap deals", "comment")
        else:
            other = regular.sites[rng.randrange(len(regular.sites))]
            rel = rng.choice(("ugc", "nofollow ugc", "", "nofollow", "UGC nofollow ugc"))
            b.a(regular.url(other, 0), other.name + " fan", "comment", rel)
        b.raw(" says:</p>\n<p>")
        b.text(sentence(rng, niche))
        b.raw("</p>")
        b.raw("</li>\n" if style != 1 else "</div>\n")
    b.raw("</div>\n" if style == 1 else "</ol></section>\n")
