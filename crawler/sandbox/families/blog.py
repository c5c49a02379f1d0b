"""The news site's blog: comments that link out with every rel a blog gives them.

``blog.thedailyledger.com`` is a subdomain of the news site (same registered domain, so
its links to the news site are internal). Its welcome post's comments link the niche hubs
with rel ``ugc``, ``nofollow ugc`` and ``nofollow``, and the link farm with no rel at all:
comment spam the blog did not mark.
"""

from __future__ import annotations

from crawler.sandbox.families.hosts import FARM, NEWS, NEWS_BLOG
from crawler.sandbox.families.layout import FILLER, close_page, open_page
from crawler.sandbox.family import SiteFamily
from crawler.sandbox.render import PageBuilder, PageModel

__all__ = ["Blog"]

_HOME = f"http://{NEWS_BLOG}"


class Blog(SiteFamily):
    """The blog of the news site."""

    name = "blog"

    def register(self) -> None:
        self.add_host(NEWS_BLOG, None)
        self.add_page(_HOME + "/", self._home)
        self.add_page(_HOME + "/welcome.html", self._welcome)

    def features(self) -> dict[str, object]:
        return {"comment_links": [_HOME + "/welcome.html"]}

    def _home(self, url: str) -> PageModel:
        b = PageBuilder(url)
        b.head("The Daily Ledger blog")
        open_page(b, "Ledger blog", [("/", "Blog home"), (f"http://{NEWS}/", "Newspaper")])
        b.raw("<h1>Blog</h1>\n<p>")
        b.text(FILLER + " ")
        b.a("/welcome.html", "Welcome to our new blog", "content")
        b.raw("</p>\n")
        return close_page(b)

    def _welcome(self, url: str) -> PageModel:
        b = PageBuilder(url)
        b.head("Welcome to our new blog")
        open_page(b, "Ledger blog", [("/", "Blog home")])
        b.raw("<h1>Welcome to our new blog</h1>\n<p>")
        b.text(FILLER)
        b.raw("</p>\n")
        return close_page(b, after_article=self._comments)

    def _comments(self, b: PageBuilder) -> None:
        regular = self.regular
        hubs = [regular.hub(niche) for niche in range(3)]
        comments = [
            (regular.url(hubs[0], 0), hubs[0].name, "ugc"),
            (regular.url(hubs[1], 0), hubs[1].name, "nofollow ugc"),
            (f"http://www.{FARM[0]}/", "cheap garden deals", ""),
            (regular.url(hubs[2], 0), hubs[2].name, "nofollow"),
        ]
        b.raw('<div class="comments"><h3>4 comments</h3>\n')
        for href, text, rel in comments:
            b.raw('<div class="comment"><p class="comment-author">')
            b.a(href, text, "comment", rel)
            b.raw(" says:</p><p>Great post, thanks!</p></div>\n")
        b.raw("</div>\n")
