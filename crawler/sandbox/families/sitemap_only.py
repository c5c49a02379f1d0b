"""The sitemap-only site: an archive whose pages no page links, listed in its sitemaps.

``www.quietarchive.org`` is linked by the directory (its home page) and nothing else links
its other pages: a crawl finds them only by reading the sitemap its robots.txt declares,
a sitemap index with two children, one plain XML and one gzipped. The sitemaps also list
what a crawler must leave alone: a URL robots.txt forbids, and URLs on other hosts (the
sitemaps.org rule: a sitemap lists URLs of its own site).
"""

from __future__ import annotations

from crawler.sandbox.families.hosts import DIRECTORY, NEWS, QUIET_ARCHIVE
from crawler.sandbox.families.layout import FILLER, close_page, open_page
from crawler.sandbox.family import Request, SiteFamily
from crawler.sandbox.render import PageBuilder, PageModel, sitemap_file

__all__ = ["SitemapOnly"]

_HOME = f"http://{QUIET_ARCHIVE}"
_INDEX = _HOME + "/sitemap_index.xml"
_PLAIN = _HOME + "/sitemaps/notes.xml"
_GZIPPED = _HOME + "/sitemaps/archive.xml.gz"
_NOTES = [_HOME + "/notes/first-frost.html", _HOME + "/notes/seed-swap.html"]
_ARCHIVE = [_HOME + "/archive/2019.html", _HOME + "/archive/2020.html"]
_FORBIDDEN = _HOME + "/private/drafts.html"
#: Listed by the archive's sitemaps, on hosts that are not the archive's: never scheduled.
_FOREIGN = [f"http://{NEWS}/quiet-archive-mirror.html", f"http://{DIRECTORY}/quiet-archive.html"]


class SitemapOnly(SiteFamily):
    """The quiet archive: pages only its sitemaps list."""

    name = "sitemap_only"

    def register(self) -> None:
        self.add_host(
            QUIET_ARCHIVE,
            f"User-agent: *\nDisallow: /private/\n\nSitemap: {_INDEX}\n",
        )
        self.add_page(_HOME + "/", self._page)
        for url in [*_NOTES, *_ARCHIVE, _FORBIDDEN]:
            self.add_page(url, self._page)

    def features(self) -> dict[str, object]:
        return {
            "sitemap_host": QUIET_ARCHIVE,
            "sitemap_index": _INDEX,
            "sitemap_children": [_PLAIN, _GZIPPED],
            "sitemap_gzipped": [_GZIPPED],
            "sitemap_only": [*_NOTES, *_ARCHIVE],
            "sitemap_foreign": list(_FOREIGN),
            "robots_disallowed": [_FORBIDDEN],
        }

    def route(self, request: Request) -> PageModel:
        if request.url == _INDEX:
            return sitemap_file(request.url, [_PLAIN, _GZIPPED], index=True)
        if request.url == _PLAIN:
            return sitemap_file(request.url, [_HOME + "/", *_NOTES, _FORBIDDEN, _FOREIGN[0]])
        if request.url == _GZIPPED:
            return sitemap_file(request.url, [*_ARCHIVE, _FOREIGN[1]], gzipped=True)
        return super().route(request)

    def sitemap(self, request: Request) -> PageModel:
        """No ``/sitemap.xml``: the archive's sitemaps are where robots.txt says."""
        return super().route(request)

    def _page(self, url: str) -> PageModel:
        title = "Quiet archive" if url == _HOME + "/" else f"Quiet archive: {url.rsplit('/', 1)[1]}"
        b = PageBuilder(url)
        b.head(title)
        open_page(b, "Quiet archive", [("/", "Home")])
        b.raw(f"<h1>{title}</h1>\n<p>")
        b.text(FILLER)
        b.raw("</p>\n")
        return close_page(b)
