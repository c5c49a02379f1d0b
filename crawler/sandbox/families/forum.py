"""The forum: a crawl delay, signature links, malformed HTML and an ISO-8859-1 page.

``www.greybeardforum.co.uk`` asks for ``Crawl-delay: 1`` and forbids ``/private/``. Thread
101 holds signatures that link out with and without rel (to a niche hub, the link farm
and the money site), thread 102 is hand-made HTML of the 1990s (upper-case tags, unquoted
attributes, unclosed and stray tags, no doctype), thread 103 is served in ISO-8859-1.
"""

from __future__ import annotations

from crawler.sandbox.families.hosts import FARM, FORUM, MONEY_HOST, SHOP
from crawler.sandbox.families.layout import FILLER, close_page, open_page, simple_page
from crawler.sandbox.family import SiteFamily
from crawler.sandbox.render import PageBuilder, PageModel

__all__ = ["Forum"]

_HOME = f"http://{FORUM}"
_THREADS = (
    (101, "Post your signature here"),
    (102, "Rusty chains (old thread)"),
    (103, "Crème brûlée recipes"),
)


class Forum(SiteFamily):
    """The forum."""

    name = "forum"

    def register(self) -> None:
        self.add_host(
            FORUM,
            f"User-agent: *\nCrawl-delay: 1\nDisallow: /private/\n\nSitemap: {_HOME}/sitemap.xml\n",
        )
        self.add_page(_HOME + "/", _home)
        self.add_page(_HOME + "/thread/101.html", self._signatures)
        self.add_page(_HOME + "/thread/102.html", _malformed)
        self.add_page(_HOME + "/thread/103.html", _latin1)
        self.add_page(_HOME + "/private/modlog.html", simple_page("Moderator log"))

    def features(self) -> dict[str, object]:
        f = _HOME
        return {
            "crawl_delay": {
                "host": FORUM,
                "delay": 1.0,
                "urls": [f + "/", *(f"{f}/thread/{number}.html" for number, _ in _THREADS)],
            },
            "robots_disallowed": [f + "/private/modlog.html"],
            "charset_latin1": [f + "/thread/103.html"],
            "malformed": [f + "/thread/102.html"],
            "signature_links": [f + "/thread/101.html"],
        }

    def _signatures(self, url: str) -> PageModel:
        regular = self.regular
        hubs = [regular.hub(0), regular.hub(1)]
        b = PageBuilder(url)
        b.head("Post your signature here - Greybeard Forum", lang="en-GB")
        open_page(b, "Greybeard Forum", [("/", "Forum index")])
        b.raw("<h1>Post your signature here</h1>\n")
        posts = [
            ("oldtimer", regular.url(hubs[0], 0), hubs[0].name, "nofollow ugc"),
            ("spokesman", regular.url(hubs[1], 0), hubs[1].name, "ugc"),
            ("dealfinder", f"http://www.{FARM[1]}/", "top deal reviews", ""),
            ("lender", f"http://{MONEY_HOST}/", "payday loans", ""),
        ]
        for user, href, text, rel in posts:
            b.raw(f'<div class="post"><p class="author">{user}</p><p>')
            b.text(FILLER)
            b.raw('</p>\n<div class="signature">-- ')
            b.a(href, text, "comment", rel)
            b.raw("</div></div>\n")
        return close_page(b)


def _home(url: str) -> PageModel:
    b = PageBuilder(url)
    b.head("Greybeard Forum - index", lang="en-GB")
    open_page(b, "Greybeard Forum", [("/", "Forum index"), ("/private/modlog.html", "Moderators")])
    b.raw("<h1>Forum index</h1>\n<p>")
    b.text(FILLER)
    b.raw("</p>\n<ul>\n")
    for number, text in _THREADS:
        b.raw("<li>")
        b.a(f"/thread/{number}.html", text, "content")
        b.raw("</li>\n")
    b.raw("</ul>\n")
    return close_page(b)


def _malformed(url: str) -> PageModel:
    b = PageBuilder(url)
    b.head("Rusty chains (old thread)", lang="en-GB", doctype=False)
    b.raw("<BODY>\n<DIV id=header>")
    b.a("/", "Greybeard Forum", "header", tag="A", quote=False)
    b.raw("</DIV>\n<DIV class=post-content>\n<H1>Rusty chains</H1>\n<P>")
    b.text(FILLER + " ")
    b.a("/thread/101.html", "the signatures thread", "content", tag="A", quote=False)
    b.raw("\n<P>")
    b.text(FILLER + " ")
    b.a("/thread/103.html", "the recipes thread", "content")
    b.raw("</span>\n<UL>\n<LI>")
    b.a(f"http://{SHOP}/catalogue/", "chain tools", "content", tag="A", quote=False)
    b.raw("\n<LI>")
    b.a("/", "back to the index", "content", tag="A")
    b.raw("\n</UL>\n</DIV></DIV></font>\n</BODY>\n</HTML>\n")
    return b.finish()


def _latin1(url: str) -> PageModel:
    b = PageBuilder(url, charset="iso-8859-1")
    b.head(
        "Café crème & brûlée recipes - Greybeard Forum",
        lang="en-GB",
        extra='<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">\n',
    )
    open_page(b, "Greybeard Forum", [("/", "Forum index")])
    b.raw("<h1>Crème brûlée recipes</h1>\n<p>")
    b.text("Voilà: the café's recipe, à la grand-mère. " + FILLER + " ")
    b.a("/thread/101.html", "Crème brûlée à la grand-mère", "content")
    b.raw("</p>\n")
    return close_page(b)
