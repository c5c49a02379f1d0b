"""The moved domain: every path of an old shop answers 301 to the same path on the shop.

``www.oldtoolbarn.com`` is a shop that moved to ``www.tinkertools.com.au``: robots.txt
answers 404, and every other path (its sitemap too) redirects, query string kept, as a
server does after a move. The directory links two of its URLs.
"""

from __future__ import annotations

from crawler.sandbox.families.hosts import MOVED, SHOP
from crawler.sandbox.family import Request, SiteFamily
from crawler.sandbox.render import PageModel, redirect_page
from crawler.urls import registered_domain

__all__ = ["Moved"]


class Moved(SiteFamily):
    """The old shop's domain, redirecting to the shop."""

    name = "moved"

    def register(self) -> None:
        self.add_host(MOVED, None)

    def features(self) -> dict[str, object]:
        return {
            "moved_domain": {registered_domain(MOVED): registered_domain(SHOP)},
            "moved_urls": {
                f"http://{MOVED}/": f"http://{SHOP}/",
                f"http://{MOVED}/catalogue/": f"http://{SHOP}/catalogue/",
            },
        }

    def sitemap(self, request: Request) -> PageModel:
        return self.route(request)

    def route(self, request: Request) -> PageModel:
        tail = request.path + ("?" + request.query if request.query else "")
        return redirect_page(request.url, 301, f"http://{SHOP}{tail}")
