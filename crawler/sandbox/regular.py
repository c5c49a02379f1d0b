"""The regular sites of the sandbox web: who they are, where their pages live, what they link.

``pages`` regular pages are spread over ``max(3, pages // 15)`` sites in 3 to 8 niches. Site
sizes follow a Zipf law over the site index, and link targets on other sites a Zipf law over
a per-niche popularity rank, so hubs and authorities emerge with a heavy-tailed in-degree,
as on the real web (Broder et al. 2000, "Graph structure in the Web").

Nothing is stored per page: a site is a small record, and a page's URL, title and links are
computed from ``(seed, site, page index)`` with a private random generator each time they
are asked for, so memory is O(sites). The pages themselves are rendered by
``crawler.sandbox.regular_pages``; the feature sites read the regular sites through the
:class:`crawler.sandbox.family.RegularWeb` methods of :class:`RegularSites`.
"""

from __future__ import annotations

import bisect
import posixpath
import random
from dataclasses import dataclass
from functools import lru_cache

from crawler.sandbox.niches import NICHES, Niche
from crawler.sandbox.render import stable_rng
from crawler.sandbox.revision import RevisionPlan, plan_revision
from crawler.sandbox.text import article_title, slugify
from crawler.urls import host_of

__all__ = ["Site", "RegularSites"]

_SUFFIXES = (("com", 40), ("org", 14), ("net", 10), ("co.uk", 16), ("com.au", 12), ("de", 8))
_IN_NICHE = 0.85
_ZIPF_SIZE = 0.8
_ZIPF_LINK = 1.1


@dataclass(frozen=True, slots=True)
class Site:
    """A regular site. Its pages: home (0), sections (1..s), articles (s+1..)."""

    index: int
    domain: str
    host: str
    name: str
    niche: int  # index into the web's niches; its place in members(niche) is its popularity
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


class RegularSites:
    """The regular sites of one web at one revision, built once from ``(pages, seed)``."""

    def __init__(self, pages: int, seed: int, revision: int) -> None:
        self.seed = seed
        n_sites = max(3, pages // 15)
        self.niches: tuple[Niche, ...] = NICHES[: min(len(NICHES), max(3, n_sites // 40))]
        self.sites: list[Site] = []
        self._hosts: dict[str, tuple[int, str]] = {}  # host -> (site index, "main"|"blog"|"shop")
        by_niche: list[list[Site]] = [[] for _ in self.niches]
        self._build(pages, n_sites, by_niche)
        self._members: list[tuple[Site, ...]] = [tuple(members) for members in by_niche]
        self._cum: list[list[float]] = []
        for members in self._members:
            total, cum = 0.0, []
            for rank in range(len(members)):
                total += 1.0 / (rank + 1) ** _ZIPF_LINK
                cum.append(total)
            self._cum.append(cum)
        self._titles = lru_cache(maxsize=1 << 16)(self._make_title)
        self.plan: RevisionPlan = plan_revision(self, revision)

    def _build(self, pages: int, n_sites: int, by_niche: list[list[Site]]) -> None:
        n_niches = len(self.niches)
        extra = pages - 4 * n_sites
        weights = [1.0 / (i + 1) ** _ZIPF_SIZE for i in range(n_sites)]
        total = sum(weights)
        sizes = [4 + int(extra * w / total) for w in weights]
        for i in range(pages - sum(sizes)):
            sizes[i % n_sites] += 1
        combos = []
        for niche_index, niche in enumerate(self.niches):
            pairs = [(s, t) for s in niche.stems for t in niche.tails]
            stable_rng(self.seed, "names", niche_index).shuffle(pairs)
            combos.append(pairs)
        used: set[str] = set()
        for i in range(n_sites):
            niche_index, rank = i % n_niches, i // n_niches
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
            size = sizes[i]
            sections = max(1, min(6, size // 10))
            site = Site(
                index=i,
                domain=domain,
                host=("www." + domain) if rng.random() < 0.7 else domain,
                name=f"{stem.title()} {tail.title()}",
                niche=niche_index,
                pages=size,
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
                lang={"co.uk": "en-GB", "com.au": "en-AU", "de": "de"}.get(suffix, "en"),
            )
            self.sites.append(site)
            by_niche[niche_index].append(site)
            self._hosts[site.host] = (i, "main")
            if site.blog:
                self._hosts["blog." + domain] = (i, "blog")
            if site.shop:
                self._hosts["shop." + domain] = (i, "shop")

    # -- what the feature sites read (the RegularWeb protocol) --------------------------
    def members(self, niche: int) -> tuple[Site, ...]:
        """The sites of niche ``niche``, most popular first."""
        return self._members[niche]

    def hub(self, niche: int) -> Site:
        """The most popular site of niche ``niche``."""
        return self._members[niche][0]

    def url(self, site: Site, index: int = 0) -> str:
        """Normalised URL of page ``index`` of ``site`` (0: its home page)."""
        if index == 0:
            return f"http://{site.host}/"
        sections = self.niches[site.niche].sections
        if index <= site.sections:
            section = index - 1
            role = _section_host(site, section)
            if role != "main":
                return f"http://{role}.{site.domain}/"
            return f"http://{site.host}/{sections[section]}/"
        k = index - 1 - site.sections
        section = k % site.sections
        name = f"{self._titles(site.index, k)[1]}-{k}.html"
        role = _section_host(site, section)
        if role != "main":
            return f"http://{role}.{site.domain}/{name}"
        return f"http://{site.host}/{sections[section]}/{name}"

    # -- where a page lives ------------------------------------------------------------
    def hosts(self) -> list[str]:
        """Every host of the regular sites (main hosts and their blog./shop. hosts)."""
        return list(self._hosts)

    def site_of(self, host: str) -> tuple[Site, str] | None:
        """The site serving ``host`` and the host's role ("main", "blog", "shop"), or None."""
        found = self._hosts.get(host)
        if found is None:
            return None
        return self.sites[found[0]], found[1]

    def locate(self, site: Site, role: str, path: str) -> int | None:
        """Page index of ``path`` on the ``role`` host of ``site``, or None."""
        if role == "main":
            if path == "/":
                return 0
            parts = path.split("/")
            if len(parts) != 3:
                return None
            section = self._section_of_slug(site, parts[1])
            if section is None or _section_host(site, section) != "main":
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

    def _section_of_slug(self, site: Site, slug: str) -> int | None:
        sections = self.niches[site.niche].sections
        for j in range(site.sections):
            if sections[j] == slug:
                return j
        return None

    def _article_index(self, site: Site, section: int, name: str) -> int | None:
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
        if stem[:dash] != self._titles(site.index, k)[1]:
            return None
        return 1 + site.sections + k

    def title(self, site: Site, k: int) -> str:
        """The title of article ``k`` of ``site``."""
        return self._titles(site.index, k)[0]

    def _make_title(self, site_index: int, k: int) -> tuple[str, str]:
        """Title and URL slug of article ``k`` (memoised: pages list many titles)."""
        niche = self.niches[self.sites[site_index].niche]
        title = article_title(stable_rng(self.seed, "title", site_index, k), niche)
        return title, slugify(title)

    # -- choosing link targets ---------------------------------------------------------
    def _zipf_site(self, rng: random.Random, niche: int) -> Site:
        cum = self._cum[niche]
        rank = bisect.bisect_left(cum, rng.random() * cum[-1])
        return self._members[niche][min(rank, len(cum) - 1)]

    def external(self, rng: random.Random, site: Site) -> tuple[str, str] | None:
        """A link target on another regular site: mostly in-niche, Zipf by popularity."""
        niche = site.niche
        if rng.random() >= _IN_NICHE and len(self.niches) > 1:
            niche = (niche + 1 + rng.randrange(len(self.niches) - 1)) % len(self.niches)
        for _ in range(4):
            target = self._zipf_site(rng, niche)
            if target.index != site.index:
                break
        else:
            return None
        if rng.random() < 0.6 or target.articles == 0:
            return self.url(target, 0), target.name
        k = int(target.articles * rng.random() ** 2)
        return self.url(target, 1 + target.sections + k), self.title(target, k)

    def welcome_links(self, site: Site) -> list[tuple[str, str]]:
        """The home page's in-text external links (also what a revision removes)."""
        rng = stable_rng(self.seed, "welcome", site.index)
        out = []
        for _ in range(1 + rng.randrange(2)):
            pick = self.external(rng, site)
            if pick is not None:
                out.append(pick)
        if not out:  # a one-site niche: link the next niche's hub instead
            other = self.hub((site.niche + 1) % len(self.niches))
            out.append((self.url(other, 0), other.name))
        return out

    @staticmethod
    def href(site: Site, from_url: str, to_url: str) -> str:
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

    # -- what the regular sites promise ------------------------------------------------
    def features(self) -> dict[str, object]:
        """The features the regular sites carry: the niche hubs and the revision's changes."""
        hubs = {niche.name: self.hub(i).domain for i, niche in enumerate(self.niches)}
        plan = self.plan
        added = [[self.url(self.sites[i], 0), dst] for i, (dst, _) in plan.added.items()]
        removed = [
            [self.url(self.sites[i], 0), self.welcome_links(self.sites[i])[0][0]]
            for i in plan.removed
        ]
        return {
            "trusted_seeds": list(hubs.values()),
            "niche_hubs": hubs,
            "revision": plan.revision,
            "revision_changes": {
                "links_added": added,
                "links_removed": removed,
                "broken": sorted(plan.broken),
            },
        }


def _section_host(site: Site, section: int) -> str:
    if site.blog and section == 0:
        return "blog"
    if site.shop and section == 1:
        return "shop"
    return "main"


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    total = sum(w for _, w in choices)
    x = rng.random() * total
    for value, weight in choices:
        x -= weight
        if x < 0:
            return value
    return choices[-1][0]
