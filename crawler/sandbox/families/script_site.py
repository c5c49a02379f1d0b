"""The script site: navigation and some content links that only a script writes.

``www.scriptkitchen.net`` serves pages whose ``<nav>`` and one paragraph are empty in the
HTML; ``/static/app.js`` (same host) fills them from ``window.LINKS``, as front-end
frameworks do. Each page is built twice by the same calls, once as served and once as the
DOM after the script ran (``PageModel.rendered_links``), so the ground truth knows which
links only a browser sees without parsing any markup. The script also asks for a URL
robots.txt forbids (``/private/metrics``) and loads a beacon from a host outside the web:
a polite renderer fetches neither. ``/live.html`` polls its host for ever, so it never
settles. The site has no sitemap and no robots.txt Sitemap line: the pages only script
links lead to are found by rendering.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from crawler.sandbox.families.hosts import SCRIPT_SITE
from crawler.sandbox.families.layout import FILLER
from crawler.sandbox.family import Request, SiteFamily
from crawler.sandbox.render import PageBuilder, PageModel, error_page, plain_file
from crawler.urls import registered_domain

__all__ = ["BEACON", "FORBIDDEN_CALL", "ScriptSite"]

_HOME = f"http://{SCRIPT_SITE}"
#: What the script loads from a host outside the web, and asks of its own host that
#: robots.txt forbids: a polite renderer requests neither (not features: no page is there).
BEACON = "http://cdn.beacon-metrics.com/beacon.js"
FORBIDDEN_CALL = f"{_HOME}/private/metrics"
_APP = _HOME + "/static/app.js"
_LIVE = _HOME + "/live.html"
_POLL = "/live/updates"
#: What joins the script's content links: they sit in sentences, as links in text do.
_PROSE = " "
#: Script-written navigation of every page (placement nav).
_NAV = [("/", "Home"), ("/recipes/", "Recipes"), ("/about.html", "About")]
#: The script's one content paragraph, per page (after the served paragraph).
_MORE = {
    _HOME + "/": [("/recipes/bread.html", "Rye bread in one day")],
    _HOME + "/recipes/": [("/recipes/bread.html", "Rye bread"), ("soup.html", "Tomato soup")],
}
#: The served content link of each page (what a crawler without a browser sees).
_SERVED = {
    _HOME + "/": [("/recipes/soup.html", "Tomato soup"), ("/live.html", "Live kitchen")],
    _HOME + "/recipes/": [],
    _HOME + "/recipes/soup.html": [("/", "Home")],
    _HOME + "/recipes/bread.html": [("/", "Home")],
    _HOME + "/about.html": [("/", "Home")],
}
_TITLES = {
    _HOME + "/": "Script Kitchen",
    _HOME + "/recipes/": "Recipes - Script Kitchen",
    _HOME + "/recipes/soup.html": "Tomato soup - Script Kitchen",
    _HOME + "/recipes/bread.html": "Rye bread - Script Kitchen",
    _HOME + "/about.html": "About - Script Kitchen",
}

_APP_JS = (
    "(function () {\n"
    "  var fill = window.LINKS || {};\n"
    "  for (var id in fill) {\n"
    "    var el = document.getElementById(id);\n"
    "    if (el) { el.innerHTML = fill[id]; }\n"
    "  }\n"
    f"  fetch({json.dumps(FORBIDDEN_CALL[len(_HOME) :])}).catch(function () {{}});\n"
    "})();\n"
).encode()

_POLL_JS = (
    "(function poll(n) {\n"
    f"  fetch({json.dumps(_POLL)} + '?n=' + n).catch(function () {{}}).then(function () {{\n"
    "    setTimeout(function () { poll(n + 1); }, 100);\n"
    "  });\n"
    "})(0);\n"
)


class ScriptSite(SiteFamily):
    """A front-end-framework site: links written by a script."""

    name = "script_site"

    def register(self) -> None:
        self.add_host(SCRIPT_SITE, "User-agent: *\nDisallow: /private/\n")
        for url in _TITLES:
            self.add_page(url, self._page)
        self.add_page(_LIVE, self._live)
        self.add_page(_APP, lambda url: plain_file(url, "text/javascript", _APP_JS))

    def features(self) -> dict[str, object]:
        return {
            "script_domain": registered_domain(SCRIPT_SITE),
            "script_pages": [_HOME + "/", _HOME + "/recipes/soup.html"],
            "script_only_pages": [
                _HOME + "/recipes/",
                _HOME + "/recipes/bread.html",
                _HOME + "/about.html",
            ],
            "never_settles": [_LIVE],
        }

    def sitemap(self, request: Request) -> PageModel:
        """No sitemap: what only the script links is found by rendering."""
        return error_page(request.url, 404)

    def _page(self, url: str) -> PageModel:
        served = _build(url, _TITLES[url], rendered=False)
        served.rendered_links = _build(url, _TITLES[url], rendered=True).links
        return served

    def _live(self, url: str) -> PageModel:
        b = PageBuilder(url)
        b.head("Live kitchen - Script Kitchen", extra=f"<script>\n{_POLL_JS}</script>\n")
        b.raw("<body>\n<nav>\n")
        b.a("/", "Home", "nav")
        b.raw('\n</nav>\n<main>\n<article>\n<h1>Live kitchen</h1>\n<p id="ticker">')
        b.text(FILLER + " ")
        b.a("/recipes/soup.html", "Today's soup", "content")
        b.raw("</p>\n</article>\n</main>\n</body>\n</html>\n")
        page = b.finish()
        page.never_settles = True
        return page


def _markup(url: str, links: list[tuple[str, str]], placement: str, sep: str) -> str:
    """The markup a ``PageBuilder`` writes for ``links`` (what the script inserts)."""
    b = PageBuilder(url)
    _links(b, links, placement, sep)
    return "".join(b.parts)


def _links(b: PageBuilder, links: list[tuple[str, str]], placement: str, sep: str) -> None:
    """``links`` joined by ``sep``; in prose (``_PROSE``), each inside a sentence."""
    for i, (href, text) in enumerate(links):
        if i:
            b.raw(sep)
        if sep == _PROSE:
            b.text("This week our readers cooked ")
        b.a(href, text, placement)
        if sep == _PROSE:
            b.text(" more than anything else, and wrote to tell us how it went.")


def _build(url: str, title: str, *, rendered: bool) -> PageModel:
    """The page as served (placeholders empty, the script's data in ``window.LINKS``) or
    as the DOM once the script filled the placeholders."""
    more = _MORE.get(url, [])
    data = {"menu": _markup(url, _NAV, "nav", "\n")}
    if more:
        data["more"] = _markup(url, more, "content", _PROSE)
    script = (
        f"<script>window.LINKS = {json.dumps(data)};</script>\n"
        f'<script src="{_APP[len(_HOME) :]}" defer></script>\n'
        f'<script src="{BEACON}" async></script>\n'
    )
    b = PageBuilder(url)
    b.head(title, extra=script)
    b.raw('<body>\n<header>\n<div class="logo">Script Kitchen</div>\n</header>\n')
    fill: Callable[[list[tuple[str, str]], str, str], None] = (
        (lambda links, placement, sep: _links(b, links, placement, sep))
        if rendered
        else (lambda links, placement, sep: None)
    )
    b.raw('<nav id="menu">')
    fill(_NAV, "nav", "\n")
    b.raw(f"</nav>\n<main>\n<article>\n<h1>{title}</h1>\n<p>")
    b.text(FILLER + " ")
    _links(b, _SERVED[url], "content", " &middot; ")
    b.raw("</p>\n")
    if more:
        b.raw('<p id="more">')
        fill(more, "content", _PROSE)
        b.raw("</p>\n")
    b.raw("</article>\n</main>\n</body>\n</html>\n")
    return b.finish()
