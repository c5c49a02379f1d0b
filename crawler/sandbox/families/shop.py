"""The shop: redirects of every status, a chain and a loop, error answers, a slow page.

``www.tinkertools.com.au`` links from its home page a 301, 302, 307 and 308 redirect, a
three-step redirect chain, a two-URL redirect loop, pages answering 404, 410 and 500, and a
report that answers after ``SLOW_DELAY`` seconds; its robots.txt forbids ``/cart/``. Its
``shop.`` subdomain is a second host of the same registered domain.
"""

from __future__ import annotations

from crawler.sandbox.families.hosts import SHOP, SHOP_SUB, STUDIO
from crawler.sandbox.families.layout import FILLER, close_page, open_page, simple_page
from crawler.sandbox.family import Handler, SiteFamily
from crawler.sandbox.render import PageBuilder, PageModel, error_page, redirect_page

__all__ = ["Shop", "SLOW_DELAY"]

#: Seconds the slow page takes to answer.
SLOW_DELAY = 2.0
_HOME = f"http://{SHOP}"
_PRODUCTS = ("sale", "hand-tools", "power-tools", "garden-tools")
# path -> (status, target path)
_REDIRECTS = {
    "/old-catalogue.html": (301, "/catalogue/"),
    "/sale": (302, "/catalogue/sale.html"),
    "/go/hand-tools": (307, "/catalogue/hand-tools.html"),
    "/go/power-tools": (308, "/catalogue/power-tools.html"),
    "/promo": (301, "/promo/2026"),
    "/promo/2026": (302, "/promo/2026/final"),
    "/promo/2026/final": (301, "/catalogue/garden-tools.html"),
    "/loop-a": (302, "/loop-b"),
    "/loop-b": (302, "/loop-a"),
}
_ONE_OF_EACH = ("/old-catalogue.html", "/sale", "/go/hand-tools", "/go/power-tools")


class Shop(SiteFamily):
    """The shop and its ``shop.`` subdomain."""

    name = "shop"

    def register(self) -> None:
        self.add_host(SHOP, f"User-agent: *\nDisallow: /cart/\n\nSitemap: {_HOME}/sitemap.xml\n")
        self.add_host(SHOP_SUB, None)
        self.add_page(_HOME + "/", _home)
        self.add_page(_HOME + "/catalogue/", _catalogue)
        for name in _PRODUCTS:
            self.add_page(f"{_HOME}/catalogue/{name}.html", _product)
        for path, (status, target) in _REDIRECTS.items():
            self.add_page(_HOME + path, _redirector(status, _HOME + target))
        self.add_page(_HOME + "/recalled.html", lambda url: error_page(url, 410))
        self.add_page(_HOME + "/stock-check.html", lambda url: error_page(url, 500))
        self.add_page(_HOME + "/reports/slow.html", _slow)
        self.add_page(_HOME + "/cart/view.html", simple_page("Your cart"))
        self.add_page(f"http://{SHOP_SUB}/", _sub_home)

    def features(self) -> dict[str, object]:
        s = _HOME
        return {
            "robots_disallowed": [s + "/cart/view.html"],
            "redirects": {
                str(status): s + path
                for path, (status, _) in _REDIRECTS.items()
                if path in _ONE_OF_EACH
            },
            "redirect_chain": [
                s + "/promo",
                s + "/promo/2026",
                s + "/promo/2026/final",
                s + "/catalogue/garden-tools.html",
            ],
            "redirect_loop": [s + "/loop-a", s + "/loop-b"],
            "not_found": [s + "/discontinued.html"],
            "gone": [s + "/recalled.html"],
            "server_error": [s + "/stock-check.html"],
            "slow": [s + "/reports/slow.html"],
            "slow_delay": SLOW_DELAY,
        }


def _redirector(status: int, target: str) -> Handler:
    return lambda url: redirect_page(url, status, target)


def _home(url: str) -> PageModel:
    b = PageBuilder(url)
    b.head("Tinker Tools - hand tools & hardware", lang="en-AU")
    open_page(
        b,
        "Tinker Tools",
        [("/", "Home"), ("/catalogue/", "Catalogue"), ("/cart/view.html", "Cart")],
    )
    b.raw("<h1>Tinker Tools</h1>\n<p>")
    b.text(FILLER)
    b.raw("</p>\n<ul>\n")
    links = [
        ("/old-catalogue.html", "Old catalogue"),
        ("/sale", "This week's sale"),
        ("/go/hand-tools", "Hand tools"),
        ("/go/power-tools", "Power tools"),
        ("/promo", "Spring promotion"),
        ("/loop-a", "Gift vouchers"),
        ("/discontinued.html", "Discontinued lines"),
        ("/recalled.html", "Product recall"),
        ("/stock-check.html", "Stock check"),
        ("/reports/slow.html", "Annual sales report"),
        (f"http://{SHOP_SUB}/", "Online shop"),
    ]
    for href, text in links:
        b.raw("<li>")
        b.a(href, text, "content")
        b.raw("</li>\n")
    b.raw("</ul>\n")
    return close_page(b, [(f"http://{STUDIO}/", "PixelCraft Studio")])


def _catalogue(url: str) -> PageModel:
    b = PageBuilder(url)
    b.head("Catalogue - Tinker Tools", lang="en-AU")
    open_page(b, "Tinker Tools", [("/", "Home")])
    b.raw("<h1>Catalogue</h1>\n<p>")
    b.text(FILLER)
    b.raw("</p>\n<ul>\n")
    for name in _PRODUCTS:
        b.raw("<li>")
        b.a(f"{name}.html", name.replace("-", " ").title(), "content")
        b.raw("</li>\n")
    b.raw("</ul>\n")
    return close_page(b)


def _product(url: str) -> PageModel:
    name = url.rsplit("/", 1)[1][:-5].replace("-", " ").title()
    b = PageBuilder(url)
    b.head(f"{name} - Tinker Tools", lang="en-AU")
    open_page(b, "Tinker Tools", [("/", "Home"), ("/catalogue/", "Catalogue")])
    b.raw(f"<h1>{name}</h1>\n<p>")
    b.text(FILLER)
    b.raw("</p>\n")
    return close_page(b)


def _slow(url: str) -> PageModel:
    model = simple_page("Annual sales report")(url)
    model.delay = SLOW_DELAY
    return model


def _sub_home(url: str) -> PageModel:
    b = PageBuilder(url)
    b.head("Tinker Tools online shop", lang="en-AU")
    open_page(b, "Tinker Tools shop", [(f"http://{SHOP}/", "Tinker Tools")])
    b.raw("<h1>Online shop</h1>\n<p>")
    b.text(FILLER + " Browse the ")
    b.a(f"http://{SHOP}/catalogue/", "full catalogue", "content")
    b.raw(".</p>\n")
    return close_page(b)
