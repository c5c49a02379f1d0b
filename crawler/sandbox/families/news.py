"""The news site: a default seed whose stories carry the page-level special cases.

``www.thedailyledger.com`` links one page per case from its front page: robots meta and
``X-Robots-Tag`` directives, a canonical, a meta refresh, ``<base href>``, hrefs as people
write them, hostile anchors, image and image-map links, ``mailto:``/``tel:``/
``javascript:`` hrefs, sponsored links, a PDF and a PNG. Its blog is the ``blog`` family.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from crawler.sandbox.families.hosts import (
    DIRECTORY,
    FORUM,
    IDN_UNICODE,
    MONEY_HOST,
    NEWS,
    NEWS_BLOG,
    SHOP,
    SHOP_SUB,
    STUDIO,
)
from crawler.sandbox.families.layout import FILLER, close_page, open_page, simple_page
from crawler.sandbox.family import Request, SiteFamily
from crawler.sandbox.render import PageBuilder, PageModel, plain_file, sitemap_file
from crawler.urls import registered_domain, resolve_href

__all__ = ["News"]

_HOME = f"http://{NEWS}"
_MESSY = _HOME + "/2026/messy-links.html"
_MEDIA = _HOME + "/2026/media.html"
_PDF_URL = _HOME + "/files/annual-report.pdf"

# Raw hrefs on the messy-links page (written exactly so in the HTML).
_MESSY_HREFS = (
    "  /2026/story.html  ",
    "/2026/\tstory.html",
    "/2026/sto\nry.html",
    "\\2026\\story.html",
    "HTTP://WWW.THEDAILYLEDGER.COM/2026/story.html",
    "http://www.thedailyledger.com:80/2026/story.html",
    "http://www.thedailyledger.com/2026/./archive/../story.html",
    "story.html#comments",
    "story.html?b=2&a=1",
    "/2026/story.html?a=1&b=2#top",
    "",
    "#top",
    "../2026/members.html#section-2",
    "//www.thedailyledger.com/2026/media.html",
    " http://blog.thedailyledger.com/welcome.html\n",
    "HtTp://Www.TinkerTools.com.au/catalogue/",
)
_HOSTILE_ANCHORS = (
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "@@ten@@tips@@",
    "+SUM(1,2)",
    "-2+3 reasons",
    'Tom & Jerry\'s "quotes"',
)
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class News(SiteFamily):
    """The news site (a default seed) and its story pages."""

    name = "news"
    seeds = (_HOME + "/",)

    def register(self) -> None:
        self.add_host(NEWS, f"User-agent: *\nDisallow: /admin/\n\nSitemap: {_HOME}/sitemap.xml\n")
        self.add_page(_HOME + "/", self._home)
        for path in _STORIES:
            self.add_page(_HOME + path, _story)
        self.add_page(_PDF_URL, _pdf)
        self.add_page(_HOME + "/img/chart.png", _png)
        self.add_page(_HOME + "/admin/login.html", simple_page("Log in"))

    def sitemap(self, request: Request) -> PageModel:
        """The published stories: no login page, nothing embargoed or unpublished."""
        hidden = ("/admin/", "/2026/embargoed.html", "/2026/unpublished.html")
        urls = sorted(
            u for u in self.urls if "?" not in u and not u[len(_HOME) :].startswith(hidden)
        )
        return sitemap_file(request.url, urls)

    def features(self) -> dict[str, object]:
        n = _HOME
        duplicates: dict[str, list[str]] = {}
        for raw in _MESSY_HREFS:
            duplicates.setdefault(resolve_href(_MESSY, raw) or "", []).append(raw)
        return {
            "trusted_seeds": [registered_domain(NEWS)],
            "meta_refresh": {n + "/2026/old-story.html": n + "/2026/new-story.html"},
            "noindex": [n + "/2026/members.html", n + "/2026/draft.html", _PDF_URL],
            "nofollow_page": [n + "/2026/press-release.html", n + "/2026/draft.html"],
            "x_robots_tag": [n + "/2026/draft.html", _PDF_URL],
            "nofollow_only": [n + "/2026/embargoed.html", n + "/2026/unpublished.html"],
            "canonical": {n + "/2026/story.html?utm_source=feed": n + "/2026/story.html"},
            "base_href": [n + "/archive/base-demo.html"],
            "messy_hrefs": [_MESSY],
            "duplicate_variants": {k: v for k, v in duplicates.items() if len(v) > 1},
            "hostile_anchors": [n + "/2026/hostile-anchors.html"],
            "image_links": [_MEDIA],
            "area_links": [_MEDIA],
            "non_edge_hrefs": [_MEDIA, _MESSY],
            "pdf": [_PDF_URL],
            "image": [n + "/img/chart.png"],
            "sponsored_links": [n + "/2026/sponsored-roundup.html"],
        }

    def _home(self, url: str) -> PageModel:
        b = PageBuilder(url)
        b.head("The Daily Ledger - news & features", lang="en-US")
        open_page(
            b,
            "The Daily Ledger",
            [
                ("/", "Front page"),
                ("/2026/story.html", "Top story"),
                (f"http://{NEWS_BLOG}/", "Blog"),
            ],
        )
        b.raw("<h1>Today's features</h1>\n<ul>\n")
        stories = [
            ("/2026/story.html?utm_source=feed", "Our top story of the week"),
            ("/2026/sponsored-roundup.html", "Partner offers roundup"),
            ("/2026/hostile-anchors.html", "Letters to the editor"),
            ("/2026/media.html", "Photo gallery & downloads"),
            ("/2026/messy-links.html", "Links from our readers"),
            ("/archive/base-demo.html", "From the archive"),
            ("/2026/old-story.html", "An older story"),
            ("/2026/members.html", "Members' corner"),
            ("/2026/press-release.html", "Press release"),
            ("/2026/draft.html", "Draft: upcoming feature"),
        ]
        for href, text in stories:
            b.raw("<li>")
            b.a(href, text, "content")
            b.raw("</li>\n")
        b.raw("</ul>\n<h2>Around the web</h2>\n<p>")
        b.text(FILLER + " Our favourite sites this week: ")
        for niche in range(len(self.regular.niches)):
            site = self.regular.hub(niche)
            b.a(self.regular.url(site, 0), site.name, "content")
            b.text(", ")
        b.a(f"http://{IDN_UNICODE}/rosen.html", "Blumengärtnerei Müller", "content")
        b.text(", ")
        b.a(f"http://{DIRECTORY}/", "the Open Web Directory", "content")
        b.raw(".</p>\n")

        def aside(b: PageBuilder) -> None:
            b.raw("<h3>Elsewhere</h3>\n<p>")
            b.a(f"http://{FORUM}/", "Greybeard Forum", "sidebar")
            b.raw(" &middot; ")
            b.a(f"http://{SHOP}/", "Tinker Tools", "sidebar")
            b.raw("</p>\n")

        footer = [
            ("mailto:news@thedailyledger.com", "Tips"),
            (f"http://{STUDIO}/", "PixelCraft Studio"),
        ]
        return close_page(b, footer, aside=aside)


def _story(url: str) -> PageModel:
    path = url[url.find("/", 7) :].partition("?")[0]
    title, body, head, x_robots = _STORIES[path]
    b = PageBuilder(url, charset="utf-8")
    b.head(title, lang="en-US", **head)
    if x_robots is not None:
        b.header_robots(x_robots)
    open_page(b, "The Daily Ledger", [("/", "Front page")])
    b.raw(f"<h1>{html.escape(title)}</h1>\n<p>")
    b.text(FILLER)
    b.raw("</p>\n")
    body(b)
    return close_page(b, [("/", "The Daily Ledger")])


def _pdf(url: str) -> PageModel:
    return plain_file(url, "application/pdf", _PDF, [("X-Robots-Tag", "noindex")])


def _png(url: str) -> PageModel:
    return plain_file(url, "image/png", _PNG)


# -- story bodies --------------------------------------------------------------------------
def _plain(b: PageBuilder) -> None:
    b.raw("<p>")
    b.text(FILLER + " More on the ")
    b.a("/", "front page", "content")
    b.raw(".</p>\n")


def _top_story(b: PageBuilder) -> None:
    b.raw("<p>")
    b.text("Readers wrote in about ")
    b.a(f"http://{SHOP}/catalogue/", "the tool catalogue", "content")
    b.text(" and about ")
    b.a("/archive/2025/june.html", "last June's story", "content")
    b.raw(".</p>\n")


def _sponsored(b: PageBuilder) -> None:
    b.raw("<p>This roundup contains paid links. ")
    b.a(f"http://{MONEY_HOST}/", "Quick cash loans", "content", "sponsored")
    b.raw(", ")
    b.a(f"http://{SHOP_SUB}/", "Tinker Tools shop", "content", "sponsored nofollow")
    b.raw(" and our own ")
    b.a("/2026/story.html", "top story", "content")
    b.raw(".</p>\n")


def _hostile(b: PageBuilder) -> None:
    b.raw("<ul>\n")
    for anchor in _HOSTILE_ANCHORS:
        b.raw("<li>")
        b.a("/2026/story.html", anchor, "content")
        b.raw("</li>\n")
    b.raw("</ul>\n")


def _media(b: PageBuilder) -> None:
    b.raw("<p>")
    b.a("/2026/story.html", "", "content", img_alt="Front page photo")
    b.raw("</p>\n<p>")
    b.a(
        "/archive/2025/july.html",
        "  ",
        "content",
        img_alt="Harbour at dawn",
        img_src="/img/chart.png",
    )
    b.raw("</p>\n<p>Regions: ")
    b.raw('<img src="/img/chart.png" usemap="#regions" alt="Map of regions">\n')
    b.raw('<map name="regions">\n')
    b.area("/2026/story.html", "Northern region", "content", "0,0,50,50")
    b.area(f"http://{SHOP}/", "Tinker Tools store", "content", "50,0,100,50")
    b.raw("</map></p>\n<p>Downloads: ")
    b.a("/files/annual-report.pdf", "Annual report (PDF)", "content")
    b.raw(" and ")
    b.a("/img/chart.png", "the chart", "content")
    b.raw(".</p>\n<p>Contact: ")
    b.a("mailto:editor@thedailyledger.com", "email the editor", "content")
    b.raw(", ")
    b.a("tel:+61-2-5550-1234", "call us", "content")
    b.raw(", ")
    b.a("javascript:void(0)", "print this page", "content")
    b.raw(".</p>\n")


def _messy(b: PageBuilder) -> None:
    b.raw("<ol>\n")
    for n, href in enumerate(_MESSY_HREFS):
        b.raw("<li>")
        b.a(href, f"Reader link {n + 1}", "content")
        b.raw("</li>\n")
    b.raw("<li>")
    b.a("mailto:letters@thedailyledger.com", "Write to us", "content")
    b.raw("</li>\n</ol>\n")


def _base(b: PageBuilder) -> None:
    b.raw("<p>From our 2025 archive: ")
    b.a("june.html", "June 2025", "content")
    b.raw(", ")
    b.a("july.html", "July 2025", "content")
    b.raw(" and today's ")
    b.a("/2026/story.html", "top story", "content")
    b.raw(".</p>\n")


def _refresh(b: PageBuilder) -> None:
    b.raw("<p>This story has moved. ")
    b.a("/2026/new-story.html", "Read it here", "content")
    b.raw(".</p>\n")


def _press(b: PageBuilder) -> None:
    b.raw("<p>Under embargo until Monday: ")
    b.a("/2026/embargoed.html", "the full announcement", "content")
    b.raw(", see also ")
    b.a("/2026/story.html", "our top story", "content")
    b.raw(".</p>\n")


def _draft(b: PageBuilder) -> None:
    b.raw("<p>Not yet published: ")
    b.a("/2026/unpublished.html", "the unpublished piece", "content")
    b.raw(".</p>\n")


Body = Callable[[PageBuilder], None]
# path -> (title, body, PageBuilder.head arguments, X-Robots-Tag header or None)
_STORIES: dict[str, tuple[str, Body, dict[str, str], str | None]] = {
    "/2026/story.html": (
        "Our top story of the week",
        _top_story,
        {"canonical": "/2026/story.html"},
        None,
    ),
    "/2026/new-story.html": ("The follow-up story", _plain, {}, None),
    "/2026/sponsored-roundup.html": ("Partner offers roundup", _sponsored, {}, None),
    "/2026/hostile-anchors.html": ("Letters to the editor", _hostile, {}, None),
    "/2026/media.html": ("Photo gallery & downloads", _media, {}, None),
    "/2026/messy-links.html": ("Links from our readers", _messy, {}, None),
    "/archive/base-demo.html": ("From the archive", _base, {"base": "/archive/2025/"}, None),
    "/archive/2025/june.html": ("June 2025", _plain, {}, None),
    "/archive/2025/july.html": ("July 2025", _plain, {}, None),
    "/2026/old-story.html": (
        "An older story",
        _refresh,
        {"refresh": "/2026/new-story.html"},
        None,
    ),
    "/2026/members.html": ("Members' corner", _plain, {"robots": "noindex"}, None),
    "/2026/press-release.html": ("Press release", _press, {"robots": "nofollow"}, None),
    "/2026/embargoed.html": ("Embargoed announcement", _plain, {}, None),
    "/2026/draft.html": ("Draft: upcoming feature", _draft, {}, "noindex, nofollow"),
    "/2026/unpublished.html": ("Unpublished piece", _plain, {}, None),
}
