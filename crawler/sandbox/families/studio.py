"""The web studio: the target of a sitewide "Designed by" footer link.

``www.pixelcraftstudio.com`` designed about a third of the regular sites; every page of
those sites carries "Designed by PixelCraft Studio" in its footer (a sitewide link: many
links, few referring domains). Its portfolio links ten of them back.
"""

from __future__ import annotations

from crawler.sandbox.families.hosts import STUDIO
from crawler.sandbox.families.layout import FILLER, close_page, open_page
from crawler.sandbox.family import SiteFamily
from crawler.sandbox.render import PageBuilder, PageModel

__all__ = ["Studio"]


class Studio(SiteFamily):
    """The web studio."""

    name = "studio"

    def register(self) -> None:
        self.add_host(STUDIO, None)
        self.add_page(f"http://{STUDIO}/", _home)
        self.add_page(f"http://{STUDIO}/portfolio.html", self._portfolio)

    def features(self) -> dict[str, object]:
        return {
            "sitewide_footer": {
                "target": f"http://{STUDIO}/",
                "anchor": "PixelCraft Studio",
                "domains": [site.domain for site in self.regular.sites if site.designer],
            }
        }

    def _portfolio(self, url: str) -> PageModel:
        b = PageBuilder(url)
        b.head("Portfolio - PixelCraft Studio")
        open_page(b, "PixelCraft Studio", [("/", "Home")])
        b.raw("<h1>Portfolio</h1>\n<ul>\n")
        for site in [s for s in self.regular.sites if s.designer][:10]:
            b.raw("<li>")
            b.a(self.regular.url(site, 0), site.name, "content")
            b.raw("</li>\n")
        b.raw("</ul>\n")
        return close_page(b)


def _home(url: str) -> PageModel:
    b = PageBuilder(url)
    b.head("PixelCraft Studio - web design")
    open_page(b, "PixelCraft Studio", [("/", "Home"), ("/portfolio.html", "Portfolio")])
    b.raw("<h1>We design websites</h1>\n<p>")
    b.text(FILLER)
    b.raw("</p>\n")
    return close_page(b)
