"""The IDN site: a German nursery whose host name is not ASCII.

Pages link ``www.blumengärtnerei.de`` by its Unicode name; the host itself, and every URL
of it in the model, is the punycode form (``www.xn--blumengrtnerei-cib.de``). It belongs to
the gardening niche and links that niche's hub.
"""

from __future__ import annotations

from crawler.sandbox.families.hosts import IDN_UNICODE
from crawler.sandbox.families.layout import FILLER, close_page, open_page
from crawler.sandbox.family import SiteFamily
from crawler.sandbox.render import PageBuilder, PageModel
from crawler.urls import host_of, normalize_url, registered_domain

__all__ = ["Idn", "IDN"]

#: The IDN host in punycode, as crawlers and the model write it.
IDN = host_of(normalize_url(f"http://{IDN_UNICODE}/") or "")


class Idn(SiteFamily):
    """The German nursery on an internationalised domain name."""

    name = "idn"

    def register(self) -> None:
        self.add_host(IDN, None)
        self.add_page(f"http://{IDN}/", _home)
        self.add_page(f"http://{IDN}/rosen.html", self._roses)

    def features(self) -> dict[str, object]:
        return {"idn_host": IDN, "idn_host_unicode": IDN_UNICODE}

    def niche_domains(self) -> dict[str, list[str]]:
        return {self.regular.niches[0].name: [registered_domain(IDN)]}

    def _roses(self, url: str) -> PageModel:
        hub = self.regular.hub(0)
        b = PageBuilder(url)
        b.head("Rosen - Blumengärtnerei Müller", lang="de")
        open_page(b, "Blumengärtnerei", [(f"http://{IDN_UNICODE}/", "Start")])
        b.raw("<h1>Rosen</h1>\n<p>")
        b.text(FILLER + " ")
        b.a(self.regular.url(hub, 0), hub.name, "content")
        b.raw("</p>\n")
        return close_page(b)


def _home(url: str) -> PageModel:
    b = PageBuilder(url)
    b.head("Blumengärtnerei Müller", lang="de")
    open_page(b, "Blumengärtnerei", [("/", "Start")])
    b.raw("<h1>Blumengärtnerei Müller</h1>\n<p>")
    b.text(FILLER + " ")
    b.a("rosen.html", "Unsere Rosen", "content")
    b.raw("</p>\n")
    return close_page(b)
