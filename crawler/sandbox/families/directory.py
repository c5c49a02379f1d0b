"""The directory: a default seed that lists every niche's sites and the feature sites.

``www.openwebdirectory.org`` is where a crawl starts: a category page per niche listing
its top 40 sites, links to the other feature sites, a search that robots.txt forbids
except for one page an ``Allow:`` line lets through, and a robots.txt group that shuts
out ``BadBot`` only.
"""

from __future__ import annotations

from crawler.sandbox.families.hosts import (
    CLOSED,
    DIRECTORY,
    FORUM,
    IDN_UNICODE,
    MOVED,
    NEWS,
    QUIET_ARCHIVE,
    SCRIPT_SITE,
    SHOP,
    STUDIO,
    TRAP,
)
from crawler.sandbox.families.layout import FILLER, close_page, open_page, simple_page
from crawler.sandbox.family import SiteFamily
from crawler.sandbox.render import PageBuilder, PageModel
from crawler.urls import registered_domain

__all__ = ["Directory"]

_HOME = f"http://{DIRECTORY}"
_NAV = [("/", "Home"), ("/about.html", "About")]
_FOOTER = [("/about.html", "About the directory")]


class Directory(SiteFamily):
    """The web directory (a default seed)."""

    name = "directory"
    seeds = (_HOME + "/",)

    def register(self) -> None:
        self.add_host(
            DIRECTORY,
            "User-agent: BadBot\nDisallow: /\n\n"
            "User-agent: *\nAllow: /search/about.html\nDisallow: /search\n\n"
            f"Sitemap: http://{DIRECTORY}/sitemap.xml\n",
        )
        self.add_page(_HOME + "/", self._home)
        for niche in self.regular.niches:
            self.add_page(f"{_HOME}/niche/{niche.name}.html", self._niche)
        self.add_page(_HOME + "/about.html", simple_page("About the Open Web Directory"))
        self.add_page(_HOME + "/search/about.html", simple_page("About directory search"))
        self.add_page(_HOME + "/search?q=roses", simple_page("Search results for roses"))

    def features(self) -> dict[str, object]:
        return {
            "trusted_seeds": [registered_domain(DIRECTORY)],
            "robots_disallowed": [_HOME + "/search?q=roses"],
            "robots_allowed": [_HOME + "/search/about.html"],
        }

    def _home(self, url: str) -> PageModel:
        b = PageBuilder(url)
        b.head("Open Web Directory - hand-picked sites since 1999")
        open_page(b, "Open Web Directory", _NAV)
        b.raw("<h1>Open Web Directory</h1>\n<p>")
        b.text(FILLER)
        b.raw("</p>\n<h2>Categories</h2>\n<ul>\n")
        for niche in self.regular.niches:
            b.raw("<li>")
            b.a(f"/niche/{niche.name}.html", niche.label, "content")
            b.raw("</li>\n")
        b.raw("</ul>\n<h2>Featured sites</h2>\n<ul>\n")
        featured = [
            (f"http://{NEWS}/", "The Daily Ledger"),
            (f"http://{SHOP}/", "Tinker Tools"),
            (f"http://{FORUM}/", "Greybeard Forum"),
            (f"http://{TRAP}/", "Town events calendar"),
            (f"http://{IDN_UNICODE}/", "Blumengärtnerei"),
            (f"http://{CLOSED}/", "Hidden Orchard"),
            (f"http://{MOVED}/", "Old Tool Barn"),
            (f"http://{MOVED}/catalogue/", "Old Tool Barn catalogue"),
            (f"http://{STUDIO}/", "PixelCraft Studio"),
            (f"http://{QUIET_ARCHIVE}/", "The Quiet Archive"),
            (f"http://{SCRIPT_SITE}/", "Script Kitchen"),
        ]
        for href, text in featured:
            b.raw("<li>")
            b.a(href, text, "content")
            b.raw("</li>\n")
        b.raw("</ul>\n")

        def aside(b: PageBuilder) -> None:
            b.raw("<h3>Search</h3>\n<p>")
            b.a("/search?q=roses", "Search for roses", "sidebar")
            b.raw(" &middot; ")
            b.a("/search/about.html", "How search works", "sidebar")
            b.raw("</p>\n")

        return close_page(b, _FOOTER, aside=aside)

    def _niche(self, url: str) -> PageModel:
        name = url.rsplit("/", 1)[1][: -len(".html")]
        index = next(i for i, niche in enumerate(self.regular.niches) if niche.name == name)
        niche = self.regular.niches[index]
        b = PageBuilder(url)
        b.head(f"{niche.label} - Open Web Directory")
        open_page(b, "Open Web Directory", _NAV)
        b.raw(f"<h1>{niche.label}</h1>\n<p>")
        b.text(f"The best {niche.label.lower()} sites, reviewed by our editors. " + FILLER)
        b.raw("</p>\n<ol>\n")
        for site in self.regular.members(index)[:40]:
            b.raw("<li>")
            b.a(self.regular.url(site, 0), site.name, "content")
            b.raw(f" - {niche.label.lower()} tips and stories</li>\n")
        b.raw("</ol>\n")
        return close_page(b, _FOOTER)
