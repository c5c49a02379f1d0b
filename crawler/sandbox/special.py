"""The feature sites: fixed, hand-written corners of the sandbox web.

Every case a crawler meets on the real web and must get right lives here, once, at a
stable URL, so a test can find it through ``SandboxWeb.features`` by name: the seed
portals, redirects of every kind, error answers, robots.txt rules, a crawler trap, a link
farm, messy hrefs, malformed HTML, another charset. They do not depend on the seed or the
size (only their links into the regular sites do), so ``data/seeds.txt`` can list the seeds.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from crawler.sandbox.render import (
    PageBuilder,
    PageModel,
    error_page,
    plain_file,
    redirect_page,
)
from crawler.urls import host_of, normalize_url, registered_domain

DIRECTORY = "www.openwebdirectory.org"
NEWS = "www.thedailyledger.com"
NEWS_BLOG = "blog.thedailyledger.com"
SHOP = "www.tinkertools.com.au"
SHOP_SUB = "shop.tinkertools.com.au"
MOVED = "www.oldtoolbarn.com"
FORUM = "www.greybeardforum.co.uk"
CLOSED = "www.hiddenorchard.org"
IDN_UNICODE = "www.blumengärtnerei.de"
IDN = host_of(normalize_url(f"http://{IDN_UNICODE}/") or "")
TRAP = "calendar.townevents.com"
STUDIO = "www.pixelcraftstudio.com"
FARM = (
    "best-garden-deals.info",
    "top-deal-reviews.net",
    "cheap-links-hub.com",
    "seo-rank-boost.org",
)
MONEY = "quickcash-loans.biz"
MONEY_HOST = "www." + MONEY

SLOW_DELAY = 2.0
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# Raw hrefs on the messy-links page (written exactly so in the HTML).
MESSY_HREFS = (
    "  /2026/story.html  ",
    "/2026/\tstory.html",
    "/2026/sto\nry.html",
    "\\2026\\story.html",
    "HTTP://WWW.THEDAILYLEDGER.COM/2026/story.html",
    "http://www.thedailyledger.com:80/2026/story.html",
    "http://www.thedailyledger.com/2026/./archive/../story.html",
    "story.html#comments",
    "story.html?b=2&a=1",
    "/2026/story.html?a=1&b=2#top",
    "",
    "#top",
    "../2026/members.html#section-2",
    "//www.thedailyledger.com/2026/media.html",
    " http://blog.thedailyledger.com/welcome.html\n",
    "HtTp://Www.TinkerTools.com.au/catalogue/",
)
HOSTILE_ANCHORS = (
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "@@ten@@tips@@",
    "+SUM(1,2)",
    "-2+3 reasons",
    'Tom & Jerry\'s "quotes"',
)


class SpecialSites:
    """The fixed feature sites, answering by exact URL."""

    SEEDS = (f"http://{DIRECTORY}/", f"http://{NEWS}/")
    FARM = FARM

    def __init__(self, web) -> None:
        self.web = web
        self._pages: dict[str, Callable[[str], PageModel]] = {}
        self._robots: dict[str, str | None] = {}
        self._register()

    # -- lookup ------------------------------------------------------------------------
    def hosts(self) -> list[str]:
        return list(self._robots)

    def has_host(self, host: str) -> bool:
        return host in self._robots

    def niche_domains(self) -> dict[str, list[str]]:
        """Feature domains that belong to a niche: the German nursery (IDN) is gardening."""
        return {self.web._niches[0].name: [registered_domain(IDN)]}

    def page(self, url: str, host: str, path: str, query: str) -> PageModel:
        if path == "/robots.txt":
            text = self._robots[host]
            if text is None:
                return error_page(url, 404)
            return plain_file(url, "text/plain; charset=utf-8", text.encode())
        if path == "/sitemap.xml" and host != MOVED:
            from crawler.sandbox.web import sitemap_xml

            urls = sorted(u for u in self._pages if host_of(u) == host and "?" not in u)
            return plain_file(url, "application/xml", sitemap_xml(urls))
        if host == MOVED:
            tail = path + ("?" + query if query else "")
            return redirect_page(url, 301, f"http://{SHOP}{tail}")
        if host == TRAP:
            return self._calendar(url, path)
        handler = self._pages.get(url)
        if handler is None and query:
            # Like most servers, an unknown query string does not change the document.
            handler = self._pages.get(url[: url.find("?")])
        if handler is None:
            return error_page(url, 404)
        return handler(url)

    # -- registration ------------------------------------------------------------------
    def _add(self, url: str, handler: Callable[[str], PageModel]) -> None:
        assert normalize_url(url) == url, url
        self._pages[url] = handler

    def _register(self) -> None:
        web = self.web
        self._robots = {
            DIRECTORY: (
                "User-agent: BadBot\nDisallow: /\n\n"
                "User-agent: *\nAllow: /search/about.html\nDisallow: /search\n\n"
                f"Sitemap: http://{DIRECTORY}/sitemap.xml\n"
            ),
            NEWS: f"User-agent: *\nDisallow: /admin/\n\nSitemap: http://{NEWS}/sitemap.xml\n",
            NEWS_BLOG: None,
            SHOP: f"User-agent: *\nDisallow: /cart/\n\nSitemap: http://{SHOP}/sitemap.xml\n",
            SHOP_SUB: None,
            MOVED: None,
            FORUM: (
                "User-agent: *\nCrawl-delay: 1\nDisallow: /private/\n\n"
                f"Sitemap: http://{FORUM}/sitemap.xml\n"
            ),
            CLOSED: "User-agent: *\nDisallow: /\n",
            IDN: None,
            TRAP: "User-agent: *\nDisallow:\n",
            STUDIO: None,
            MONEY_HOST: "User-agent: *\nAllow: /\n",
        }
        for farm in FARM:
            self._robots["www." + farm] = None
        d, n = f"http://{DIRECTORY}", f"http://{NEWS}"
        self._add(d + "/", self._directory_home)
        for niche in web._niches:
            self._add(f"{d}/niche/{niche.name}.html", self._directory_niche)
        self._add(d + "/about.html", self._simple("About the Open Web Directory"))
        self._add(d + "/search/about.html", self._simple("About directory search"))
        self._add(d + "/search?q=roses", self._simple("Search results for roses"))
        self._add(n + "/", self._news_home)
        for path in NEWS_STORIES:
            self._add(n + path, self._news_story)
        self._add(n + "/files/annual-report.pdf", self._pdf)
        self._add(n + "/img/chart.png", self._png)
        self._add(n + "/admin/login.html", self._simple("Log in"))
        self._add(f"http://{NEWS_BLOG}/", self._blog_home)
        self._add(f"http://{NEWS_BLOG}/welcome.html", self._blog_welcome)
        s = f"http://{SHOP}"
        self._add(s + "/", self._shop_home)
        self._add(s + "/catalogue/", self._shop_catalogue)
        for name in ("sale", "hand-tools", "power-tools", "garden-tools"):
            self._add(f"{s}/catalogue/{name}.html", self._shop_product)
        for path, (status, target) in SHOP_REDIRECTS.items():
            self._add(s + path, _redirector(status, s + target))
        self._add(s + "/recalled.html", lambda url: error_page(url, 410))
        self._add(s + "/stock-check.html", lambda url: error_page(url, 500))
        self._add(s + "/reports/slow.html", self._slow)
        self._add(s + "/cart/view.html", self._simple("Your cart"))
        self._add(f"http://{SHOP_SUB}/", self._shop_sub)
        f = f"http://{FORUM}"
        self._add(f + "/", self._forum_home)
        self._add(f + "/thread/101.html", self._forum_signatures)
        self._add(f + "/thread/102.html", self._forum_malformed)
        self._add(f + "/thread/103.html", self._forum_latin1)
        self._add(f + "/private/modlog.html", self._simple("Moderator log"))
        self._add(f"http://{CLOSED}/", self._simple("Hidden Orchard"))
        self._add(f"http://{CLOSED}/about.html", self._simple("About Hidden Orchard"))
        self._add(f"http://{IDN}/", self._idn_home)
        self._add(f"http://{IDN}/rosen.html", self._idn_roses)
        self._add(f"http://{STUDIO}/", self._studio_home)
        self._add(f"http://{STUDIO}/portfolio.html", self._studio_portfolio)
        for farm in FARM:
            for path in FARM_PAGES:
                self._add(f"http://www.{farm}{path}", self._farm_page)
        self._add(f"http://{MONEY_HOST}/", self._money_page)
        self._add(f"http://{MONEY_HOST}/apply.html", self._money_page)

    # -- features --------------------------------------------------------------------
    def features(self) -> dict:
        web = self.web
        d, n, s, f = f"http://{DIRECTORY}", f"http://{NEWS}", f"http://{SHOP}", f"http://{FORUM}"
        hubs = {
            niche.name: web._sites[members[0]].domain
            for niche, members in zip(web._niches, web._by_niche, strict=True)
        }
        duplicates: dict[str, list[str]] = {}
        base = n + "/2026/messy-links.html"
        from crawler.urls import resolve_href

        for raw in MESSY_HREFS:
            duplicates.setdefault(resolve_href(base, raw) or "", []).append(raw)
        duplicates = {k: v for k, v in duplicates.items() if len(v) > 1}
        hosts = web.hosts()
        subdomains = {
            label: [h for h in hosts if h.startswith(label + ".")]
            for label in ("www", "blog", "shop", "calendar")
        }
        suffixes: dict[str, list[str]] = {}
        for domain in web.domains():
            suffix = domain.split(".", 1)[1] if domain.count(".") else domain
            suffixes.setdefault(suffix, []).append(domain)
        plan = web._rev
        added = [[web._url(web._sites[i], 0), dst] for i, (dst, _) in plan["added"].items()]
        removed = [
            [web._url(web._sites[i], 0), web._welcome_links(web._sites[i])[0][0]]
            for i in plan["removed"]
        ]
        designer_domains = [site.domain for site in web._sites if site.designer]
        return {
            "seeds": list(self.SEEDS),
            "trusted_seeds": [
                registered_domain(DIRECTORY),
                registered_domain(NEWS),
                *hubs.values(),
            ],
            "niche_hubs": hubs,
            "link_farm": list(FARM),
            "money_site": MONEY,
            "money_site_url": f"http://{MONEY_HOST}/",
            "trap_host": TRAP,
            "trap_domain": registered_domain(TRAP),
            "crawl_delay": {
                "host": FORUM,
                "delay": 1.0,
                "urls": [f + "/", *(f"{f}/thread/{t}.html" for t in (101, 102, 103))],
            },
            "closed_host": CLOSED,
            "idn_host": IDN,
            "idn_host_unicode": IDN_UNICODE,
            "robots_disallowed": [
                d + "/search?q=roses",
                s + "/cart/view.html",
                f + "/private/modlog.html",
                f"http://{CLOSED}/",
            ],
            "robots_allowed": [d + "/search/about.html"],
            "redirects": {
                str(status): s + path
                for path, (status, _) in SHOP_REDIRECTS.items()
                if path in ("/old-catalogue.html", "/sale", "/go/hand-tools", "/go/power-tools")
            },
            "redirect_chain": [
                s + "/promo",
                s + "/promo/2026",
                s + "/promo/2026/final",
                s + "/catalogue/garden-tools.html",
            ],
            "redirect_loop": [s + "/loop-a", s + "/loop-b"],
            "moved_domain": {registered_domain(MOVED): registered_domain(SHOP)},
            "moved_urls": {
                f"http://{MOVED}/": s + "/",
                f"http://{MOVED}/catalogue/": s + "/catalogue/",
            },
            "meta_refresh": {n + "/2026/old-story.html": n + "/2026/new-story.html"},
            "not_found": [s + "/discontinued.html"],
            "gone": [s + "/recalled.html"],
            "server_error": [s + "/stock-check.html"],
            "slow": [s + "/reports/slow.html"],
            "slow_delay": SLOW_DELAY,
            "noindex": [
                n + "/2026/members.html",
                n + "/2026/draft.html",
                n + "/files/annual-report.pdf",
            ],
            "nofollow_page": [n + "/2026/press-release.html", n + "/2026/draft.html"],
            "x_robots_tag": [n + "/2026/draft.html", n + "/files/annual-report.pdf"],
            "nofollow_only": [n + "/2026/embargoed.html", n + "/2026/unpublished.html"],
            "canonical": {n + "/2026/story.html?utm_source=feed": n + "/2026/story.html"},
            "charset_latin1": [f + "/thread/103.html"],
            "malformed": [f + "/thread/102.html"],
            "base_href": [n + "/archive/base-demo.html"],
            "messy_hrefs": [base],
            "duplicate_variants": duplicates,
            "hostile_anchors": [n + "/2026/hostile-anchors.html"],
            "image_links": [n + "/2026/media.html"],
            "area_links": [n + "/2026/media.html"],
            "non_edge_hrefs": [n + "/2026/media.html", base],
            "pdf": [n + "/files/annual-report.pdf"],
            "image": [n + "/img/chart.png"],
            "comment_links": [f"http://{NEWS_BLOG}/welcome.html"],
            "signature_links": [f + "/thread/101.html"],
            "sponsored_links": [n + "/2026/sponsored-roundup.html"],
            "sitewide_footer": {
                "target": f"http://{STUDIO}/",
                "anchor": "PixelCraft Studio",
                "domains": designer_domains,
            },
            "subdomains": subdomains,
            "public_suffixes": suffixes,
            "revision": web.revision,
            "revision_changes": {
                "links_added": added,
                "links_removed": removed,
                "broken": sorted(plan["broken"]),
            },
        }

    # -- shared layout -----------------------------------------------------------------
    def _simple(self, title: str) -> Callable[[str], PageModel]:
        def handler(url: str) -> PageModel:
            b = PageBuilder(url)
            b.head(title)
            b.raw(f"<body>\n<main>\n<h1>{html.escape(title)}</h1>\n<p>")
            b.text(_FILLER)
            b.raw("</p>\n<p>")
            b.a("/", "Home", "content")
            b.raw("</p>\n</main>\n</body>\n</html>\n")
            return b.finish()

        return handler

    @staticmethod
    def _open(b: PageBuilder, site: str, nav: list[tuple[str, str]]) -> None:
        b.raw(f'<body>\n<header>\n<div class="logo">{site}</div>\n</header>\n<nav>\n')
        for href, text in nav:
            b.a(href, text, "nav")
            b.raw("\n")
        b.raw("</nav>\n<main>\n<article>\n")

    @staticmethod
    def _close(
        b: PageBuilder,
        footer: list[tuple[str, str]] = (),
        *,
        after_article: Callable[[PageBuilder], None] | None = None,
        aside: Callable[[PageBuilder], None] | None = None,
    ) -> PageModel:
        """Close the article and main content, then an optional sidebar and the footer."""
        b.raw("</article>\n")
        if after_article is not None:
            after_article(b)
        b.raw("</main>\n")
        if aside is not None:
            b.raw("<aside>\n")
            aside(b)
            b.raw("</aside>\n")
        b.raw("<footer>\n<p>")
        for href, text in footer:
            b.a(href, text, "footer")
            b.raw(" ")
        b.raw("</p>\n</footer>\n</body>\n</html>\n")
        return b.finish()

    # -- the directory (seed) --------------------------------------------------------------
    def _directory_home(self, url: str) -> PageModel:
        web = self.web
        b = PageBuilder(url)
        b.head("Open Web Directory - hand-picked sites since 1999")
        self._open(b, "Open Web Directory", [("/", "Home"), ("/about.html", "About")])
        b.raw("<h1>Open Web Directory</h1>\n<p>")
        b.text(_FILLER)
        b.raw("</p>\n<h2>Categories</h2>\n<ul>\n")
        for niche in web._niches:
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

        return self._close(b, [("/about.html", "About the directory")], aside=aside)

    def _directory_niche(self, url: str) -> PageModel:
        web = self.web
        name = url.rsplit("/", 1)[1][: -len(".html")]
        index = next(i for i, niche in enumerate(web._niches) if niche.name == name)
        niche = web._niches[index]
        b = PageBuilder(url)
        b.head(f"{niche.label} - Open Web Directory")
        self._open(b, "Open Web Directory", [("/", "Home"), ("/about.html", "About")])
        b.raw(f"<h1>{niche.label}</h1>\n<p>")
        b.text(f"The best {niche.label.lower()} sites, reviewed by our editors. " + _FILLER)
        b.raw("</p>\n<ol>\n")
        for site_index in web._by_niche[index][:40]:
            site = web._sites[site_index]
            b.raw("<li>")
            b.a(web._url(site, 0), site.name, "content")
            b.raw(f" - {niche.label.lower()} tips and stories</li>\n")
        b.raw("</ol>\n")
        return self._close(b, [("/about.html", "About the directory")])

    # -- the news site (seed) --------------------------------------------------------------
    def _news_home(self, url: str) -> PageModel:
        web = self.web
        b = PageBuilder(url)
        b.head("The Daily Ledger - news & features", lang="en-US")
        self._open(
            b,
            "The Daily Ledger",
            [
                ("/", "Front page"),
                ("/2026/story.html", "Top story"),
                ("http://blog.thedailyledger.com/", "Blog"),
            ],
        )
        b.raw("<h1>Today's features</h1>\n<ul>\n")
        stories = [
            ("/2026/story.html?utm_source=feed", "Our top story of the week"),
            ("/2026/sponsored-roundup.html", "Partner offers roundup"),
            ("/2026/hostile-anchors.html", "Letters to the editor"),
            ("/2026/media.html", "Photo gallery & downloads"),
            ("/2026/messy-links.html", "Links from our readers"),
            ("/archive/base-demo.html", "From the archive"),
            ("/2026/old-story.html", "An older story"),
            ("/2026/members.html", "Members' corner"),
            ("/2026/press-release.html", "Press release"),
            ("/2026/draft.html", "Draft: upcoming feature"),
        ]
        for href, text in stories:
            b.raw("<li>")
            b.a(href, text, "content")
            b.raw("</li>\n")
        b.raw("</ul>\n<h2>Around the web</h2>\n<p>")
        b.text(_FILLER + " Our favourite sites this week: ")
        for members in web._by_niche:
            site = web._sites[members[0]]
            b.a(web._url(site, 0), site.name, "content")
            b.text(", ")
        b.a(f"http://{IDN_UNICODE}/rosen.html", "Blumengärtnerei Müller", "content")
        b.text(", ")
        b.a(f"http://{DIRECTORY}/", "the Open Web Directory", "content")
        b.raw(".</p>\n")

        def aside(b: PageBuilder) -> None:
            b.raw("<h3>Elsewhere</h3>\n<p>")
            b.a(f"http://{FORUM}/", "Greybeard Forum", "sidebar")
            b.raw(" &middot; ")
            b.a(f"http://{SHOP}/", "Tinker Tools", "sidebar")
            b.raw("</p>\n")

        footer = [
            ("mailto:news@thedailyledger.com", "Tips"),
            (f"http://{STUDIO}/", "PixelCraft Studio"),
        ]
        return self._close(b, footer, aside=aside)

    def _news_story(self, url: str) -> PageModel:
        path = url[url.find("/", 7) :].partition("?")[0]
        title, build = NEWS_STORIES[path]
        b = PageBuilder(url, charset="utf-8")
        head_args = dict(build.get("head", {}))
        b.head(title, lang="en-US", **head_args)
        if "x_robots" in build:
            b.header_robots(build["x_robots"])
        self._open(b, "The Daily Ledger", [("/", "Front page")])
        b.raw(f"<h1>{html.escape(title)}</h1>\n<p>")
        b.text(_FILLER)
        b.raw("</p>\n")
        getattr(self, "_body_" + build["body"])(b)
        return self._close(b, [("/", "The Daily Ledger")])

    def _body_plain(self, b: PageBuilder) -> None:
        b.raw("<p>")
        b.text(_FILLER + " More on the ")
        b.a("/", "front page", "content")
        b.raw(".</p>\n")

    def _body_story(self, b: PageBuilder) -> None:
        b.raw("<p>")
        b.text("Readers wrote in about ")
        b.a(f"http://{SHOP}/catalogue/", "the tool catalogue", "content")
        b.text(" and about ")
        b.a("/archive/2025/june.html", "last June's story", "content")
        b.raw(".</p>\n")

    def _body_sponsored(self, b: PageBuilder) -> None:
        b.raw("<p>This roundup contains paid links. ")
        b.a(f"http://{MONEY_HOST}/", "Quick cash loans", "content", "sponsored")
        b.raw(", ")
        b.a(f"http://{SHOP_SUB}/", "Tinker Tools shop", "content", "sponsored nofollow")
        b.raw(" and our own ")
        b.a("/2026/story.html", "top story", "content")
        b.raw(".</p>\n")

    def _body_hostile(self, b: PageBuilder) -> None:
        b.raw("<ul>\n")
        for anchor in HOSTILE_ANCHORS:
            b.raw("<li>")
            b.a("/2026/story.html", anchor, "content")
            b.raw("</li>\n")
        b.raw("</ul>\n")

    def _body_media(self, b: PageBuilder) -> None:
        b.raw("<p>")
        b.a("/2026/story.html", "", "content", img_alt="Front page photo")
        b.raw("</p>\n<p>")
        b.a(
            "/archive/2025/july.html",
            "  ",
            "content",
            img_alt="Harbour at dawn",
            img_src="/img/chart.png",
        )
        b.raw("</p>\n<p>Regions: ")
        b.raw('<img src="/img/chart.png" usemap="#regions" alt="Map of regions">\n')
        b.raw('<map name="regions">\n')
        b.area("/2026/story.html", "Northern region", "content", "0,0,50,50")
        b.area(f"http://{SHOP}/", "Tinker Tools store", "content", "50,0,100,50")
        b.raw("</map></p>\n<p>Downloads: ")
        b.a("/files/annual-report.pdf", "Annual report (PDF)", "content")
        b.raw(" and ")
        b.a("/img/chart.png", "the chart", "content")
        b.raw(".</p>\n<p>Contact: ")
        b.a("mailto:editor@thedailyledger.com", "email the editor", "content")
        b.raw(", ")
        b.a("tel:+61-2-5550-1234", "call us", "content")
        b.raw(", ")
        b.a("javascript:void(0)", "print this page", "content")
        b.raw(".</p>\n")

    def _body_messy(self, b: PageBuilder) -> None:
        b.raw("<ol>\n")
        for n, href in enumerate(MESSY_HREFS):
            b.raw("<li>")
            b.a(href, f"Reader link {n + 1}", "content")
            b.raw("</li>\n")
        b.raw("<li>")
        b.a("mailto:letters@thedailyledger.com", "Write to us", "content")
        b.raw("</li>\n</ol>\n")

    def _body_base(self, b: PageBuilder) -> None:
        b.raw("<p>From our 2025 archive: ")
        b.a("june.html", "June 2025", "content")
        b.raw(", ")
        b.a("july.html", "July 2025", "content")
        b.raw(" and today's ")
        b.a("/2026/story.html", "top story", "content")
        b.raw(".</p>\n")

    def _body_refresh(self, b: PageBuilder) -> None:
        b.raw("<p>This story has moved. ")
        b.a("/2026/new-story.html", "Read it here", "content")
        b.raw(".</p>\n")

    def _body_press(self, b: PageBuilder) -> None:
        b.raw("<p>Under embargo until Monday: ")
        b.a("/2026/embargoed.html", "the full announcement", "content")
        b.raw(", see also ")
        b.a("/2026/story.html", "our top story", "content")
        b.raw(".</p>\n")

    def _body_draft(self, b: PageBuilder) -> None:
        b.raw("<p>Not yet published: ")
        b.a("/2026/unpublished.html", "the unpublished piece", "content")
        b.raw(".</p>\n")

    def _pdf(self, url: str) -> PageModel:
        return plain_file(url, "application/pdf", _PDF, [("X-Robots-Tag", "noindex")])

    def _png(self, url: str) -> PageModel:
        return plain_file(url, "image/png", _PNG)

    def _blog_home(self, url: str) -> PageModel:
        b = PageBuilder(url)
        b.head("The Daily Ledger blog")
        self._open(b, "Ledger blog", [("/", "Blog home"), (f"http://{NEWS}/", "Newspaper")])
        b.raw("<h1>Blog</h1>\n<p>")
        b.text(_FILLER + " ")
        b.a("/welcome.html", "Welcome to our new blog", "content")
        b.raw("</p>\n")
        return self._close(b)

    def _blog_welcome(self, url: str) -> PageModel:
        b = PageBuilder(url)
        b.head("Welcome to our new blog")
        self._open(b, "Ledger blog", [("/", "Blog home")])
        b.raw("<h1>Welcome to our new blog</h1>\n<p>")
        b.text(_FILLER)
        b.raw("</p>\n")
        return self._close(b, after_article=self._blog_comments)

    def _blog_comments(self, b: PageBuilder) -> None:
        web = self.web
        b.raw('<div class="comments"><h3>4 comments</h3>\n')
        hubs = [web._sites[m[0]] for m in web._by_niche]
        comments = [
            (web._url(hubs[0], 0), hubs[0].name, "ugc"),
            (web._url(hubs[1], 0), hubs[1].name, "nofollow ugc"),
            (f"http://www.{FARM[0]}/", "cheap garden deals", ""),
            (web._url(hubs[2], 0), hubs[2].name, "nofollow"),
        ]
        for href, text, rel in comments:
            b.raw('<div class="comment"><p class="comment-author">')
            b.a(href, text, "comment", rel)
            b.raw(" says:</p><p>Great post, thanks!</p></div>\n")
        b.raw("</div>\n")

    # -- the shop: redirects, errors, a slow page ------------------------------------------
    def _shop_home(self, url: str) -> PageModel:
        b = PageBuilder(url)
        b.head("Tinker Tools - hand tools & hardware", lang="en-AU")
        self._open(
            b,
            "Tinker Tools",
            [("/", "Home"), ("/catalogue/", "Catalogue"), ("/cart/view.html", "Cart")],
        )
        b.raw("<h1>Tinker Tools</h1>\n<p>")
        b.text(_FILLER)
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
        return self._close(b, [(f"http://{STUDIO}/", "PixelCraft Studio")])

    def _shop_catalogue(self, url: str) -> PageModel:
        b = PageBuilder(url)
        b.head("Catalogue - Tinker Tools", lang="en-AU")
        self._open(b, "Tinker Tools", [("/", "Home")])
        b.raw("<h1>Catalogue</h1>\n<p>")
        b.text(_FILLER)
        b.raw("</p>\n<ul>\n")
        for name in ("sale", "hand-tools", "power-tools", "garden-tools"):
            b.raw("<li>")
            b.a(f"{name}.html", name.replace("-", " ").title(), "content")
            b.raw("</li>\n")
        b.raw("</ul>\n")
        return self._close(b)

    def _shop_product(self, url: str) -> PageModel:
        name = url.rsplit("/", 1)[1][:-5].replace("-", " ").title()
        b = PageBuilder(url)
        b.head(f"{name} - Tinker Tools", lang="en-AU")
        self._open(b, "Tinker Tools", [("/", "Home"), ("/catalogue/", "Catalogue")])
        b.raw(f"<h1>{name}</h1>\n<p>")
        b.text(_FILLER)
        b.raw("</p>\n")
        return self._close(b)

    def _slow(self, url: str) -> PageModel:
        model = self._simple("Annual sales report")(url)
        model.delay = SLOW_DELAY
        return model

    def _shop_sub(self, url: str) -> PageModel:
        b = PageBuilder(url)
        b.head("Tinker Tools online shop", lang="en-AU")
        self._open(b, "Tinker Tools shop", [(f"http://{SHOP}/", "Tinker Tools")])
        b.raw("<h1>Online shop</h1>\n<p>")
        b.text(_FILLER + " Browse the ")
        b.a(f"http://{SHOP}/catalogue/", "full catalogue", "content")
        b.raw(".</p>\n")
        return self._close(b)

    # -- the forum: crawl-delay, signatures, malformed HTML, ISO-8859-1 ----------------------
    def _forum_home(self, url: str) -> PageModel:
        b = PageBuilder(url)
        b.head("Greybeard Forum - index", lang="en-GB")
        self._open(
            b, "Greybeard Forum", [("/", "Forum index"), ("/private/modlog.html", "Moderators")]
        )
        b.raw("<h1>Forum index</h1>\n<p>")
        b.text(_FILLER)
        b.raw("</p>\n<ul>\n")
        for number, text in (
            (101, "Post your signature here"),
            (102, "Rusty chains (old thread)"),
            (103, "Crème brûlée recipes"),
        ):
            b.raw("<li>")
            b.a(f"/thread/{number}.html", text, "content")
            b.raw("</li>\n")
        b.raw("</ul>\n")
        return self._close(b)

    def _forum_signatures(self, url: str) -> PageModel:
        web = self.web
        hubs = [web._sites[m[0]] for m in web._by_niche]
        b = PageBuilder(url)
        b.head("Post your signature here - Greybeard Forum", lang="en-GB")
        self._open(b, "Greybeard Forum", [("/", "Forum index")])
        b.raw("<h1>Post your signature here</h1>\n")
        posts = [
            ("oldtimer", web._url(hubs[0], 0), hubs[0].name, "nofollow ugc"),
            ("spokesman", web._url(hubs[1], 0), hubs[1].name, "ugc"),
            ("dealfinder", f"http://www.{FARM[1]}/", "top deal reviews", ""),
            ("lender", f"http://{MONEY_HOST}/", "payday loans", ""),
        ]
        for user, href, text, rel in posts:
            b.raw(f'<div class="post"><p class="author">{user}</p><p>')
            b.text(_FILLER)
            b.raw('</p>\n<div class="signature">-- ')
            b.a(href, text, "comment", rel)
            b.raw("</div></div>\n")
        return self._close(b)

    def _forum_malformed(self, url: str) -> PageModel:
        b = PageBuilder(url)
        b.head("Rusty chains (old thread)", lang="en-GB", doctype=False)
        b.raw("<BODY>\n<DIV id=header>")
        b.a("/", "Greybeard Forum", "header", tag="A", quote=False)
        b.raw("</DIV>\n<DIV class=post-content>\n<H1>Rusty chains</H1>\n<P>")
        b.text(_FILLER + " ")
        b.a("/thread/101.html", "the signatures thread", "content", tag="A", quote=False)
        b.raw("\n<P>")
        b.text(_FILLER + " ")
        b.a("/thread/103.html", "the recipes thread", "content")
        b.raw("</span>\n<UL>\n<LI>")
        b.a(
            "http://www.tinkertools.com.au/catalogue/",
            "chain tools",
            "content",
            tag="A",
            quote=False,
        )
        b.raw("\n<LI>")
        b.a("/", "back to the index", "content", tag="A")
        b.raw("\n</UL>\n</DIV></DIV></font>\n</BODY>\n</HTML>\n")
        return b.finish()

    def _forum_latin1(self, url: str) -> PageModel:
        b = PageBuilder(url, charset="iso-8859-1")
        b.head(
            "Café crème & brûlée recipes - Greybeard Forum",
            lang="en-GB",
            extra='<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">\n',
        )
        self._open(b, "Greybeard Forum", [("/", "Forum index")])
        b.raw("<h1>Crème brûlée recipes</h1>\n<p>")
        b.text("Voilà: the café's recipe, à la grand-mère. " + _FILLER + " ")
        b.a("/thread/101.html", "Crème brûlée à la grand-mère", "content")
        b.raw("</p>\n")
        return self._close(b)

    # -- IDN, studio, farm, money --------------------------------------------------------
    def _idn_home(self, url: str) -> PageModel:
        b = PageBuilder(url)
        b.head("Blumengärtnerei Müller", lang="de")
        self._open(b, "Blumengärtnerei", [("/", "Start")])
        b.raw("<h1>Blumengärtnerei Müller</h1>\n<p>")
        b.text(_FILLER + " ")
        b.a("rosen.html", "Unsere Rosen", "content")
        b.raw("</p>\n")
        return self._close(b)

    def _idn_roses(self, url: str) -> PageModel:
        web = self.web
        hub = web._sites[web._by_niche[0][0]]
        b = PageBuilder(url)
        b.head("Rosen - Blumengärtnerei Müller", lang="de")
        self._open(b, "Blumengärtnerei", [(f"http://{IDN_UNICODE}/", "Start")])
        b.raw("<h1>Rosen</h1>\n<p>")
        b.text(_FILLER + " ")
        b.a(web._url(hub, 0), hub.name, "content")
        b.raw("</p>\n")
        return self._close(b)

    def _studio_home(self, url: str) -> PageModel:
        b = PageBuilder(url)
        b.head("PixelCraft Studio - web design")
        self._open(b, "PixelCraft Studio", [("/", "Home"), ("/portfolio.html", "Portfolio")])
        b.raw("<h1>We design websites</h1>\n<p>")
        b.text(_FILLER)
        b.raw("</p>\n")
        return self._close(b)

    def _studio_portfolio(self, url: str) -> PageModel:
        web = self.web
        b = PageBuilder(url)
        b.head("Portfolio - PixelCraft Studio")
        self._open(b, "PixelCraft Studio", [("/", "Home")])
        b.raw("<h1>Portfolio</h1>\n<ul>\n")
        for site in [s for s in web._sites if s.designer][:10]:
            b.raw("<li>")
            b.a(web._url(site, 0), site.name, "content")
            b.raw("</li>\n")
        b.raw("</ul>\n")
        return self._close(b)

    def _farm_page(self, url: str) -> PageModel:
        host = host_of(url)
        b = PageBuilder(url)
        b.head(f"Best deals and reviews - {host}")
        self._open(b, host, [(p, p.strip("/") or "home") for p in FARM_PAGES])
        b.raw("<h1>Best deals</h1>\n<p>")
        b.text(_FILLER + " ")
        b.a(f"http://{MONEY_HOST}/", "cheap loans", "content")
        b.text(" and ")
        b.a(f"http://{MONEY_HOST}/apply.html", "fast payday loans", "content")
        b.raw("</p>\n<p>Partners: ")
        for farm in FARM:
            if "www." + farm != host:
                b.a(f"http://www.{farm}/", "best deals", "content")
                b.raw(" ")
        b.raw("</p>\n")
        return self._close(b)

    def _money_page(self, url: str) -> PageModel:
        b = PageBuilder(url)
        b.head("Quick Cash Loans - apply in minutes")
        self._open(b, "Quick Cash Loans", [("/", "Home"), ("/apply.html", "Apply now")])
        b.raw("<h1>Cash in minutes</h1>\n<p>")
        b.text(_FILLER)
        b.raw("</p>\n")
        return self._close(b)

    # -- the trap ------------------------------------------------------------------------
    def _calendar(self, url: str, path: str) -> PageModel:
        """An endless calendar: every month links the months before and after it."""
        parts = path.strip("/").split("/")
        b = PageBuilder(url)
        if path == "/":
            b.head("Town events calendar")
            self._open(b, "Town events", [("/", "Calendar")])
            b.raw("<h1>What's on</h1>\n<p>")
            b.a("/2026/01/", "This month", "content")
            b.raw("</p>\n")
            return self._close(b)
        if not (
            2 <= len(parts) <= 3
            and parts[0].isdigit()
            and len(parts[0]) == 4
            and parts[1] in _MONTHS
            and parts[0][0] != "0"
        ):
            return error_page(url, 404)
        year, month = int(parts[0]), int(parts[1])
        if len(parts) == 3:
            if parts[2] not in _DAYS:
                return error_page(url, 404)
            b.head(f"Events on {year}-{month:02d}-{parts[2][:2]}")
            self._open(b, "Town events", [("/", "Calendar")])
            b.raw("<h1>Events</h1>\n<p>")
            b.text(_FILLER + " ")
            b.a("./", "Back to the month", "content")
            b.raw("</p>\n")
            return self._close(b)
        if not path.endswith("/"):
            return error_page(url, 404)
        prev_y, prev_m = (year, month - 1) if month > 1 else (year - 1, 12)
        next_y, next_m = (year, month + 1) if month < 12 else (year + 1, 1)
        b.head(f"Events in {year}-{month:02d}")
        self._open(b, "Town events", [("/", "Calendar")])
        b.raw(f"<h1>Events in {year}-{month:02d}</h1>\n<p>")
        b.text(_FILLER)
        b.raw('</p>\n<nav class="pagination">')
        if prev_y >= 1000:
            b.a(f"/{prev_y}/{prev_m:02d}/", "Previous month", "nav")
        b.raw(" | ")
        if next_y <= 9999:
            b.a(f"/{next_y}/{next_m:02d}/", "Next month", "nav")
        b.raw("</nav>\n<ul>\n")
        for day in _DAYS:
            b.raw("<li>")
            b.a(day, f"Day {int(day[:2])}", "content")
            b.raw("</li>\n")
        b.raw("</ul>\n")
        return self._close(b)


def _redirector(status: int, target: str) -> Callable[[str], PageModel]:
    return lambda url: redirect_page(url, status, target)


_MONTHS = {f"{m:02d}" for m in range(1, 13)}
_DAYS = ("01.html", "08.html", "15.html", "22.html")
_FILLER = (
    "We have been writing about this for years, and our readers keep sending us new "
    "questions & ideas. Below you will find the details, the background and a few links "
    "that we think are worth your time. As always, write to us if something is missing."
)
FARM_PAGES = ("/", "/page-1.html", "/page-2.html", "/page-3.html")
SHOP_REDIRECTS = {
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
# path -> (title, how to build it)
NEWS_STORIES: dict[str, tuple[str, dict]] = {
    "/2026/story.html": (
        "Our top story of the week",
        {"body": "story", "head": {"canonical": "/2026/story.html"}},
    ),
    "/2026/new-story.html": ("The follow-up story", {"body": "plain"}),
    "/2026/sponsored-roundup.html": ("Partner offers roundup", {"body": "sponsored"}),
    "/2026/hostile-anchors.html": ("Letters to the editor", {"body": "hostile"}),
    "/2026/media.html": ("Photo gallery & downloads", {"body": "media"}),
    "/2026/messy-links.html": ("Links from our readers", {"body": "messy"}),
    "/archive/base-demo.html": (
        "From the archive",
        {"body": "base", "head": {"base": "/archive/2025/"}},
    ),
    "/archive/2025/june.html": ("June 2025", {"body": "plain"}),
    "/archive/2025/july.html": ("July 2025", {"body": "plain"}),
    "/2026/old-story.html": (
        "An older story",
        {"body": "refresh", "head": {"refresh": "/2026/new-story.html"}},
    ),
    "/2026/members.html": ("Members' corner", {"body": "plain", "head": {"robots": "noindex"}}),
    "/2026/press-release.html": (
        "Press release",
        {"body": "press", "head": {"robots": "nofollow"}},
    ),
    "/2026/embargoed.html": ("Embargoed announcement", {"body": "plain"}),
    "/2026/draft.html": (
        "Draft: upcoming feature",
        {"body": "draft", "x_robots": "noindex, nofollow"},
    ),
    "/2026/unpublished.html": ("Unpublished piece", {"body": "plain"}),
}
