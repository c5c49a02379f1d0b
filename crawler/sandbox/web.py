"""The sandbox web: a deterministic, multi-domain web generated page by page on request.

Shape (see ``docs/sandbox.md``): ``pages`` regular pages spread over about ``pages / 15``
regular sites in 3 to 8 niches, plus a fixed set of feature sites (a directory and a news
site that are the default seeds, a shop full of redirects and errors, a forum, a link farm,
a calendar trap, ...). Site sizes and the choice of link targets follow Zipf-like laws over
a per-niche popularity rank, so hubs and authorities emerge with a heavy-tailed in-degree,
as on the real web (Broder et al. 2000, "Graph structure in the Web").

Nothing is stored per page: a page is rebuilt from ``(seed, site, page index)`` with a
private random generator each time it is asked for, so memory is O(sites) and a
million-page web answers any URL in constant time. ``revision`` overlays a few
seed-controlled changes (links added and removed, a page that breaks) on the same web.
"""

from __future__ import annotations

import bisect
import posixpath
from dataclasses import dataclass
from functools import lru_cache

from crawler.sandbox.render import (
    PageBuilder,
    PageModel,
    error_page,
    plain_file,
    stable_rng,
)
from crawler.sandbox.text import NICHES, Niche, article_title, paragraph, sentence, slugify
from crawler.urls import host_of, normalize_url, registered_domain

__all__ = ["SandboxWeb", "SandboxResponse", "MIN_PAGES"]

MIN_PAGES = 20
_SUFFIXES = (("com", 40), ("org", 14), ("net", 10), ("co.uk", 16), ("com.au", 12), ("de", 8))
_IN_NICHE = 0.85
_ZIPF_SIZE = 0.8
_ZIPF_LINK = 1.1


@dataclass(frozen=True, slots=True)
class SandboxResponse:
    """An HTTP answer of the sandbox: what the server sends, after ``delay`` seconds."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    delay: float = 0.0


@dataclass(frozen=True, slots=True)
class _Site:
    """A regular site. Its pages: home (0), sections (1..s), articles (s+1..)."""

    index: int
    domain: str
    host: str
    name: str
    niche: int
    rank: int  # popularity rank inside its niche (0 = the niche's hub)
    pages: int
    sections: int
    blog: bool  # section 0 lives on blog.DOMAIN
    shop: bool  # section 1 lives on shop.DOMAIN
    style: int  # 0 semantic tags, 1 plain divs, 2 a mix
    href_mode: int  # 0 absolute, 1 root-relative, 2 document-relative internal hrefs
    robots: bool  # robots.txt answers 200 (else 404)
    designer: bool  # carries the sitewide "Designed by" footer link
    blogroll: bool
    sponsor: bool
    self_canonical: bool
    lang: str

    @property
    def articles(self) -> int:
        return self.pages - 1 - self.sections


class SandboxWeb:
    """A generated web: ``pages`` regular pages plus the fixed feature sites.

    Parameters
    ----------
    pages : int
        Number of regular pages (at least 20); the feature sites add a few dozen URLs.
    seed : int
        Everything (names, sizes, links, text) is a function of the seed.
    revision : int
        0 is the web itself; 1 and later are the same web with seed-controlled changes,
        listed in ``features["revision_changes"]``.
    """

    def __init__(self, pages: int, seed: int = 0, revision: int = 0) -> None:
        for name, value in (("pages", pages), ("seed", seed), ("revision", revision)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an integer, got {value!r}")
        if pages < MIN_PAGES:
            raise ValueError(f"pages must be at least {MIN_PAGES}, got {pages}")
        if seed < 0:
            raise ValueError(f"seed must be 0 or more, got {seed}")
        if revision < 0:
            raise ValueError(f"revision must be 0 or more, got {revision}")
        self.pages = pages
        self.seed = seed
        self.revision = revision
        self._titles = lru_cache(maxsize=1 << 16)(self._make_title)
        n_sites = max(3, pages // 15)
        self._niches: tuple[Niche, ...] = NICHES[: min(len(NICHES), max(3, n_sites // 40))]
        self._sites: list[_Site] = []
        self._hosts: dict[str, tuple[int, str]] = {}  # host -> (site index, "main"|"blog"|"shop")
        self._by_niche: list[list[int]] = [[] for _ in self._niches]
        self._build_sites(n_sites)
        self._cum: list[list[float]] = []
        for members in self._by_niche:
            total, cum = 0.0, []
            for rank in range(len(members)):
                total += 1.0 / (rank + 1) ** _ZIPF_LINK
                cum.append(total)
            self._cum.append(cum)
        # Imported here: the feature sites need the regular sites to exist.
        from crawler.sandbox.special import SpecialSites

        self._special = SpecialSites(self)
        self._rev = self._revision_plan()
        self._features: dict | None = None
        self._page_cached = lru_cache(maxsize=2048)(self._page_uncached)

    # -- construction ----------------------------------------------------------------
    def _build_sites(self, n_sites: int) -> None:
        n_niches = len(self._niches)
        extra = self.pages - 4 * n_sites
        weights = [1.0 / (i + 1) ** _ZIPF_SIZE for i in range(n_sites)]
        total = sum(weights)
        sizes = [4 + int(extra * w / total) for w in weights]
        for i in range(self.pages - sum(sizes)):
            sizes[i % n_sites] += 1
        combos = []
        for niche_index, niche in enumerate(self._niches):
            pairs = [(s, t) for s in niche.stems for t in niche.tails]
            stable_rng(self.seed, "names", niche_index).shuffle(pairs)
            combos.append(pairs)
        used: set[str] = set()
        for i in range(n_sites):
            niche_index, rank = i % n_niches, i // n_niches
            niche = self._niches[niche_index]
            rng = stable_rng(self.seed, "site", i)
            stem, tail = combos[niche_index][rank % len(combos[niche_index])]
            label = f"{stem}-{tail}" if rng.random() < 0.2 else f"{stem}{tail}"
            if rank >= len(combos[niche_index]):
                label += str(rank // len(combos[niche_index]))
            suffix = _weighted(rng, _SUFFIXES)
            domain = f"{label}.{suffix}"
            while domain in used:
                label += "x"
                domain = f"{label}.{suffix}"
            used.add(domain)
            pages = sizes[i]
            sections = max(1, min(6, pages // 10))
            name = f"{stem.title()} {tail.title()}"
            lang = {"co.uk": "en-GB", "com.au": "en-AU", "de": "de"}.get(suffix, "en")
            site = _Site(
                index=i,
                domain=domain,
                host=("www." + domain) if rng.random() < 0.7 else domain,
                name=name,
                niche=niche_index,
                rank=rank,
                pages=pages,
                sections=sections,
                blog=sections >= 2 and rng.random() < 0.25,
                shop=sections >= 3 and rng.random() < 0.15,
                style=rng.randrange(3),
                href_mode=rng.randrange(3),
                robots=rng.random() < 0.7,
                designer=i == 0 or rng.random() < 0.3,
                blogroll=rng.random() < 0.4,
                sponsor=rng.random() < 0.1,
                self_canonical=rng.random() < 0.3,
                lang=lang,
            )
            self._sites.append(site)
            self._by_niche[niche_index].append(i)
            self._hosts[site.host] = (i, "main")
            if site.blog:
                self._hosts["blog." + domain] = (i, "blog")
            if site.shop:
                self._hosts["shop." + domain] = (i, "shop")

    def _revision_plan(self) -> dict:
        """Which pages change in this revision (empty for revision 0)."""
        plan: dict = {"added": {}, "removed": {}, "broken": set()}
        if self.revision == 0:
            return plan
        rng = stable_rng(self.seed, "revision", self.revision)
        n = len(self._niches)
        picks = []
        for niche in range(3):
            members = self._by_niche[niche % n]
            picks.append(members[rng.randrange(min(3, len(members)))])
        add_site, remove_site, broken_site = picks
        if len({add_site, remove_site, broken_site}) < 3:
            remove_site = next(s for s in self._by_niche[1 % n] if s not in (add_site,))
            broken_site = next(s for s in self._by_niche[2 % n] if s not in (add_site, remove_site))
        target = self._sites[self._by_niche[(self._sites[add_site].niche + 1) % n][0]]
        plan["added"][add_site] = (self._url(target, 0), target.name)
        plan["removed"][remove_site] = 0  # index of the welcome link that goes
        if self._sites[broken_site].articles > 0:
            plan["broken"].add(
                self._url(self._sites[broken_site], 1 + self._sites[broken_site].sections)
            )
        return plan

    # -- public API ------------------------------------------------------------------
    @property
    def niches(self) -> dict[str, list[str]]:
        """Niche name -> registered domains of its sites (regular sites and feature sites)."""
        out = {
            niche.name: [self._sites[i].domain for i in members]
            for niche, members in zip(self._niches, self._by_niche, strict=True)
        }
        for name, domains in self._special.niche_domains().items():
            out.setdefault(name, []).extend(domains)
        return out

    def hosts(self) -> list[str]:
        """Every host of the web, regular and feature sites, sorted."""
        return sorted([*self._hosts, *self._special.hosts()])

    def domains(self) -> list[str]:
        """Every registered domain of the web, sorted."""
        return sorted({registered_domain(h) for h in self.hosts()})

    def default_seeds(self) -> list[str]:
        """The portal pages a crawl starts from (the same for every size and seed)."""
        return list(self._special.SEEDS)

    @property
    def features(self) -> dict:
        """Every special case, by name, with the URLs/hosts/domains that carry it."""
        if self._features is None:
            self._features = self._special.features()
        return self._features

    def respond(self, method: str, url: str) -> SandboxResponse:
        """The answer a real server would give to ``method url`` (any URL, any variant)."""
        model = self.page(url)
        if model is None:
            body = b"unknown host\n"
            return SandboxResponse(502, [("Content-Type", "text/plain; charset=utf-8")], body, 0.0)
        # A HEAD answer has the GET answer's headers; the server sends GET's Content-Length.
        body = b"" if method.upper() == "HEAD" else model.body
        return SandboxResponse(model.status, list(model.headers), body, model.delay)

    def page(self, url: str) -> PageModel | None:
        """The model behind ``url`` (normalised first); None for hosts outside the web.

        Unknown paths of a sandbox host give the 404 model a server would send.
        """
        norm = normalize_url(url)
        if norm is None:
            return None
        return self._page_cached(norm)

    # -- dispatch --------------------------------------------------------------------
    def _page_uncached(self, url: str) -> PageModel | None:
        host = host_of(url)
        rest = url[url.find("/", url.find("//") + 2) :] if url.count("/") >= 3 else "/"
        path, _, query = rest.partition("?")
        if host in self._hosts:
            site_index, role = self._hosts[host]
            return self._regular(self._sites[site_index], role, url, path)
        if self._special.has_host(host):
            return self._special.page(url, host, path, query)
        return None

    def _regular(self, site: _Site, role: str, url: str, path: str) -> PageModel:
        if path == "/robots.txt":
            if not site.robots:
                return error_page(url, 404)
            host = host_of(url)
            text = (
                "User-agent: *\nDisallow: /wp-admin/\nDisallow: /cgi-bin/\n\n"
                f"Sitemap: http://{host}/sitemap.xml\n"
            )
            return plain_file(url, "text/plain; charset=utf-8", text.encode())
        if path == "/sitemap.xml":
            return self._sitemap(url, site, role)
        index = self._locate(site, role, path)
        if index is None:
            return error_page(url, 404)
        if self._rev["broken"] and self._url(site, index) in self._rev["broken"]:
            return error_page(url, 404)
        return self._render_regular(site, index, url)

    def _locate(self, site: _Site, role: str, path: str) -> int | None:
        """Page index of ``path`` on a host of ``site``, or None."""
        if role == "main":
            if path == "/":
                return 0
            parts = path.split("/")
            if len(parts) != 3:
                return None
            section = self._section_of_slug(site, parts[1])
            if section is None or self._section_host(site, section) != "main":
                return None
            if parts[2] == "":
                return 1 + section
            return self._article_index(site, section, parts[2])
        section = 0 if role == "blog" else 1
        if path == "/":
            return 1 + section
        if path.count("/") != 1:
            return None
        return self._article_index(site, section, path[1:])

    def _section_of_slug(self, site: _Site, slug: str) -> int | None:
        sections = self._niches[site.niche].sections
        for j in range(site.sections):
            if sections[j] == slug:
                return j
        return None

    def _article_index(self, site: _Site, section: int, name: str) -> int | None:
        if not name.endswith(".html"):
            return None
        stem = name[:-5]
        dash = stem.rfind("-")
        number = stem[dash + 1 :]
        if dash < 0 or not number.isdigit() or (len(number) > 1 and number[0] == "0"):
            return None
        k = int(number)
        if k >= site.articles or k % site.sections != section:
            return None
        if stem[:dash] != self._slug(site, k):
            return None
        return 1 + site.sections + k

    @staticmethod
    def _section_host(site: _Site, section: int) -> str:
        if site.blog and section == 0:
            return "blog"
        if site.shop and section == 1:
            return "shop"
        return "main"

    def _title(self, site: _Site, k: int) -> str:
        return self._titles(site.index, k)[0]

    def _slug(self, site: _Site, k: int) -> str:
        return self._titles(site.index, k)[1]

    def _make_title(self, site_index: int, k: int) -> tuple[str, str]:
        """Title and URL slug of article ``k`` (memoised: pages list many titles)."""
        niche = self._niches[self._sites[site_index].niche]
        title = article_title(stable_rng(self.seed, "title", site_index, k), niche)
        return title, slugify(title)

    def _url(self, site: _Site, index: int) -> str:
        """Normalised URL of page ``index`` of ``site``."""
        if index == 0:
            return f"http://{site.host}/"
        sections = self._niches[site.niche].sections
        if index <= site.sections:
            section = index - 1
            role = self._section_host(site, section)
            if role != "main":
                return f"http://{role}.{site.domain}/"
            return f"http://{site.host}/{sections[section]}/"
        k = index - 1 - site.sections
        section = k % site.sections
        name = f"{self._slug(site, k)}-{k}.html"
        role = self._section_host(site, section)
        if role != "main":
            return f"http://{role}.{site.domain}/{name}"
        return f"http://{site.host}/{sections[section]}/{name}"

    def _sitemap(self, url: str, site: _Site, role: str) -> PageModel:
        host = host_of(url)
        urls = [
            u
            for u in (self._url(site, i) for i in range(min(site.pages, 1000)))
            if host_of(u) == host
        ]
        return plain_file(url, "application/xml", sitemap_xml(urls))

    # -- choosing link targets ---------------------------------------------------------
    def site_count(self) -> int:
        return len(self._sites)

    def _zipf_site(self, rng, niche: int) -> _Site:
        cum = self._cum[niche]
        rank = bisect.bisect_left(cum, rng.random() * cum[-1])
        return self._sites[self._by_niche[niche][min(rank, len(cum) - 1)]]

    def _external(self, rng, site: _Site) -> tuple[str, str] | None:
        """A link target on another regular site: mostly in-niche, Zipf by popularity."""
        niche = site.niche
        if rng.random() >= _IN_NICHE and len(self._niches) > 1:
            niche = (niche + 1 + rng.randrange(len(self._niches) - 1)) % len(self._niches)
        for _ in range(4):
            target = self._zipf_site(rng, niche)
            if target.index != site.index:
                break
        else:
            return None
        if rng.random() < 0.6 or target.articles == 0:
            return self._url(target, 0), target.name
        k = int(target.articles * rng.random() ** 2)
        return self._url(target, 1 + target.sections + k), self._title(target, k)

    def _welcome_links(self, site: _Site) -> list[tuple[str, str]]:
        """The home page's in-text external links (also what a revision removes)."""
        rng = stable_rng(self.seed, "welcome", site.index)
        out = []
        for _ in range(1 + rng.randrange(2)):
            pick = self._external(rng, site)
            if pick is not None:
                out.append(pick)
        if not out:  # a one-site niche: link the next niche's hub instead
            other = self._sites[self._by_niche[(site.niche + 1) % len(self._niches)][0]]
            out.append((self._url(other, 0), other.name))
        return out

    def _href(self, site: _Site, from_url: str, to_url: str) -> str:
        """How this site writes an internal link: absolute, root- or document-relative."""
        if site.href_mode == 0 or host_of(from_url) != host_of(to_url):
            return to_url
        to_path = to_url[to_url.find("/", 7) :]
        if site.href_mode == 1:
            return to_path
        from_path = from_url[from_url.find("/", 7) :]
        from_dir = from_path[: from_path.rfind("/") + 1]
        rel = posixpath.relpath(to_path, from_dir)
        if to_path.endswith("/"):
            rel = "./" if rel == "." else rel + "/"
        return rel

    # -- rendering a regular page ------------------------------------------------------
    def _render_regular(self, site: _Site, index: int, url: str) -> PageModel:
        niche = self._niches[site.niche]
        rng = stable_rng(self.seed, "page", site.index, index)
        sections = site.sections
        if index == 0:
            kind, title = "home", f"{site.name} - {niche.label} notes & ideas"
        elif index <= sections:
            kind = "section"
            title = f"{niche.sections[index - 1].title()} | {site.name}"
        else:
            kind = "article"
            title = f"{self._title(site, index - 1 - sections)} | {site.name}"
        b = PageBuilder(url)
        canonical = self._url(site, index) if site.self_canonical else None
        b.head(title, lang=site.lang, canonical=canonical)
        style = site.style
        home = self._url(site, 0)
        h = lambda target: self._href(site, url, target)  # noqa: E731
        b.raw("<body>\n")
        # header
        b.raw('<header class="site-header">\n' if style == 0 else '<div id="header">\n')
        b.a(h(home), "", "header", img_alt=f"{site.name} logo", img_src="/img/logo.png")
        b.raw(f'\n<p class="tagline">{niche.label} from {site.name}</p>\n')
        b.raw("</header>\n" if style == 0 else "</div>\n")
        # navigation
        opening, item, closing = _NAV[style]
        b.raw(opening)
        b.raw(item[0])
        b.a(h(home), "Home", "nav")
        b.raw(item[1])
        for j in range(sections):
            b.raw(item[0])
            b.a(h(self._url(site, 1 + j)), niche.sections[j].title(), "nav")
            b.raw(item[1])
        b.raw(closing)
        # main content
        b.raw(_MAIN_OPEN[style])
        if kind == "home":
            self._home_content(b, site, niche, rng, h)
        elif kind == "section":
            self._section_content(b, site, niche, rng, h, index - 1)
        else:
            self._article_content(b, site, niche, rng, h, index - 1 - sections)
        b.raw(_MAIN_CLOSE[style])
        if kind == "article" and rng.random() < 0.35:
            self._comments(b, site, niche, rng, style)
        # sidebar
        b.raw('<aside class="sidebar">\n' if style == 0 else '<div class="sidebar">\n')
        b.raw('<div class="widget"><h3>Popular posts</h3>\n<ul>\n')
        for k in range(min(3, site.articles)):
            b.raw("<li>")
            b.a(h(self._url(site, 1 + sections + k)), self._title(site, k), "sidebar")
            b.raw("</li>\n")
        b.raw("</ul></div>\n")
        if site.blogroll:
            b.raw('<div class="widget blogroll"><h3>Friends of the site</h3>\n<ul>\n')
            members = self._by_niche[site.niche]
            for other in members[:5]:
                if other != site.index:
                    b.raw("<li>")
                    b.a(self._url(self._sites[other], 0), self._sites[other].name, "sidebar")
                    b.raw("</li>\n")
            b.raw("</ul></div>\n")
        if site.sponsor:
            b.raw('<div class="widget sponsor"><h3>Our sponsor</h3>\n<p>')
            b.a("http://www.quickcash-loans.biz/", "Fast loans today", "sidebar", "sponsored")
            b.raw("</p></div>\n")
        b.raw("</aside>\n" if style == 0 else "</div>\n")
        # footer
        b.raw("<footer>\n" if style != 1 else '<div class="footer">\n')
        b.raw(f"<p>&copy; 2026 {site.name}. ")
        b.a(h(home), "Home", "footer")
        b.raw(" &middot; ")
        b.a(f"mailto:hello@{site.domain}", "Contact us", "footer")
        if site.designer:
            b.raw(" &middot; Designed by ")
            b.a("http://www.pixelcraftstudio.com/", "PixelCraft Studio", "footer")
        b.raw("</p>\n")
        b.raw("</footer>\n" if style != 1 else "</div>\n")
        b.raw("</body>\n</html>\n")
        return b.finish()

    def _home_content(self, b: PageBuilder, site, niche, rng, h) -> None:
        b.raw(f"<h1>Welcome to {site.name}</h1>\n<p>")
        b.text(paragraph(rng, niche, 3) + " We often recommend ")
        links = self._welcome_links(site)
        if site.index in self._rev["removed"]:
            links = links[1:]
        for n, (target, anchor) in enumerate(links):
            if n:
                b.text(" and ")
            b.a(target, anchor, "content")
        b.text(". " + sentence(rng, niche))
        b.raw("</p>\n")
        if site.index in self._rev["added"]:
            target, anchor = self._rev["added"][site.index]
            b.raw("<p>New this month: we also like ")
            b.a(target, anchor, "content")
            b.raw(".</p>\n")
        for j in range(site.sections):
            b.raw("<h2>")
            b.a(h(self._url(site, 1 + j)), niche.sections[j].title(), "content")
            b.raw("</h2>\n")
            for k in range(j, min(site.articles, j + 3 * site.sections), site.sections):
                b.raw("<p>")
                b.a(h(self._url(site, 1 + site.sections + k)), self._title(site, k), "content")
                b.raw(" ")
                b.text(sentence(rng, niche))
                b.raw("</p>\n")

    def _section_content(self, b: PageBuilder, site, niche, rng, h, j: int) -> None:
        b.raw(f"<h1>{niche.sections[j].title()}</h1>\n<p>")
        b.text(paragraph(rng, niche, 3))
        b.raw('</p>\n<ul class="post-list">\n')
        for k in range(j, min(site.articles, j + 15 * site.sections), site.sections):
            b.raw("<li><h2>")
            b.a(h(self._url(site, 1 + site.sections + k)), self._title(site, k), "content")
            b.raw("</h2><p>")
            b.text(sentence(rng, niche))
            b.raw("</p></li>\n")
        b.raw("</ul>\n")

    def _article_content(self, b: PageBuilder, site, niche, rng, h, k: int) -> None:
        sections = site.sections
        b.raw(f"<h1>{_esc(self._title(site, k))}</h1>\n")
        b.raw(f'<p class="byline">Posted in {niche.sections[k % sections].title()}</p>\n')
        paragraphs = 3 + rng.randrange(3)
        links = rng.randrange(2, 6)
        slots = sorted(rng.randrange(paragraphs) for _ in range(links))
        for p in range(paragraphs):
            b.raw("<p>")
            b.text(paragraph(rng, niche, 3 + rng.randrange(3)))
            for slot in slots:
                if slot != p:
                    continue
                if rng.random() < 0.6:
                    pick = self._external(rng, site)
                else:
                    other = rng.randrange(site.articles)
                    pick = (self._url(site, 1 + sections + other), self._title(site, other))
                    pick = (h(pick[0]), pick[1])
                if pick is None:
                    continue
                b.text(" See ")
                b.a(pick[0], pick[1], "content")
                b.text(" for more.")
            b.raw("</p>\n")
        b.raw('<p class="more">Read next: ')
        nexts = [c for c in (2 * k + 1, 2 * k + 2) if c < site.articles]
        if not nexts:
            b.a(h(self._url(site, 0)), "back to the front page", "content")
        for n, c in enumerate(nexts):
            if n:
                b.raw(" or ")
            b.a(h(self._url(site, 1 + sections + c)), self._title(site, c), "content")
        b.raw("</p>\n")

    def _comments(self, b: PageBuilder, site, niche, rng, style: int) -> None:
        count = 1 + rng.randrange(3)
        if style == 1:
            b.raw('<div class="comments"><h3>Comments</h3>\n')
        else:
            b.raw('<section id="comments"><h3>Comments</h3>\n<ol class="comment-list">\n')
        for _ in range(count):
            b.raw('<li class="comment">' if style != 1 else '<div class="comment">')
            b.raw('<p class="comment-author">')
            if rng.random() < 0.08:
                # Comment spam that the blog did not mark: it lifts the farm's PageRank.
                farm = self._special.FARM[rng.randrange(len(self._special.FARM))]
                b.a(f"http://www.{farm}/", "best cheap deals", "comment")
            else:
                other = self._sites[rng.randrange(len(self._sites))]
                rel = rng.choice(("ugc", "nofollow ugc", "", "nofollow", "UGC nofollow ugc"))
                b.a(self._url(other, 0), other.name + " fan", "comment", rel)
            b.raw(" says:</p>\n<p>")
            b.text(sentence(rng, niche))
            b.raw("</p>")
            b.raw("</li>\n" if style != 1 else "</div>\n")
        b.raw("</div>\n" if style == 1 else "</ol></section>\n")


_NAV = (
    ('<nav class="main-menu">\n<ul>\n', ("<li>", "</li>\n"), "</ul>\n</nav>\n"),
    ('<div class="menu">\n', ("", " | "), "\n</div>\n"),
    ('<ul id="main-nav">\n', ("<li>", "</li>\n"), "</ul>\n"),
)
_MAIN_OPEN = (
    "<main>\n<article>\n",
    '<div id="wrap">\n<div class="post-content">\n',
    '<main>\n<div class="post-content">\n',
)
_MAIN_CLOSE = ("</article>\n</main>\n", "</div>\n</div>\n", "</div>\n</main>\n")


def _esc(text: str) -> str:
    import html

    return html.escape(text, quote=False)


def _weighted(rng, choices) -> str:
    total = sum(w for _, w in choices)
    x = rng.random() * total
    for value, weight in choices:
        x -= weight
        if x < 0:
            return value
    return choices[-1][0]


def sitemap_xml(urls: list[str]) -> bytes:
    """A sitemaps.org urlset."""
    from xml.sax.saxutils import escape

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"<url><loc>{escape(u)}</loc></url>" for u in urls]
    lines.append("</urlset>\n")
    return "\n".join(lines).encode()
