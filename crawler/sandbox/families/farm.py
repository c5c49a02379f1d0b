"""The link farm and the money site it promotes.

Four spam domains (``FARM``) link each other and the money site from every page; nothing
editorial links them, only comment spam without rel (on regular pages and the blog) and a
forum signature. So PageRank over followed links lifts them, while TrustRank from trusted
seeds over editorial links does not (Gyöngyi et al. 2004, "Combating Web Spam with
TrustRank").
"""

from __future__ import annotations

from crawler.sandbox.families.hosts import FARM, MONEY_HOST
from crawler.sandbox.families.layout import FILLER, close_page, open_page
from crawler.sandbox.family import SiteFamily
from crawler.sandbox.render import PageBuilder, PageModel
from crawler.urls import host_of, registered_domain

__all__ = ["Farm"]

_PAGES = ("/", "/page-1.html", "/page-2.html", "/page-3.html")


class Farm(SiteFamily):
    """The link farm and the money site."""

    name = "farm"

    def register(self) -> None:
        self.add_host(MONEY_HOST, "User-agent: *\nAllow: /\n")
        for farm in FARM:
            self.add_host("www." + farm, None)
        for farm in FARM:
            for path in _PAGES:
                self.add_page(f"http://www.{farm}{path}", _farm_page)
        self.add_page(f"http://{MONEY_HOST}/", _money_page)
        self.add_page(f"http://{MONEY_HOST}/apply.html", _money_page)

    def features(self) -> dict[str, object]:
        return {
            "link_farm": list(FARM),
            "money_site": registered_domain(MONEY_HOST),
            "money_site_url": f"http://{MONEY_HOST}/",
        }


def _farm_page(url: str) -> PageModel:
    host = host_of(url)
    b = PageBuilder(url)
    b.head(f"Best deals and reviews - {host}")
    open_page(b, host, [(p, p.strip("/") or "home") for p in _PAGES])
    b.raw("<h1>Best deals</h1>\n<p>")
    b.text(FILLER + " ")
    b.a(f"http://{MONEY_HOST}/", "cheap loans", "content")
    b.text(" and ")
    b.a(f"http://{MONEY_HOST}/apply.html", "fast payday loans", "content")
    b.raw("</p>\n<p>Partners: ")
    for farm in FARM:
        if "www." + farm != host:
            b.a(f"http://www.{farm}/", "best deals", "content")
            b.raw(" ")
    b.raw("</p>\n")
    return close_page(b)


def _money_page(url: str) -> PageModel:
    b = PageBuilder(url)
    b.head("Quick Cash Loans - apply in minutes")
    open_page(b, "Quick Cash Loans", [("/", "Home"), ("/apply.html", "Apply now")])
    b.raw("<h1>Cash in minutes</h1>\n<p>")
    b.text(FILLER)
    b.raw("</p>\n")
    return close_page(b)
