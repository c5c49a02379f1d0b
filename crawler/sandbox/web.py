"""The sandbox web: a deterministic, multi-domain web generated page by page on request.

Two kinds of sites make it up (see ``docs/sandbox.md``):

- ``pages`` regular pages spread over about ``pages / 15`` regular sites in 3 to 8 niches
  (``crawler.sandbox.regular``, rendered by ``crawler.sandbox.regular_pages``), with
  Zipf-like site sizes and link targets, so hubs and authorities emerge;
- the feature sites, hand-written corners that carry every special case a crawler must get
  right (a directory and a news site that are the default seeds, a shop full of redirects
  and errors, a forum, a link farm, a calendar trap, ...), one module per site family under
  ``crawler.sandbox.families``, each speaking the interface of ``crawler.sandbox.family``.

``SandboxWeb`` puts them together: it routes each URL to the regular site or the family
that owns its host, and assembles :attr:`SandboxWeb.features` from what the families and
the regular sites declare. Nothing is stored per page: a page is rebuilt on request, so
memory is O(sites) and a million-page web answers any URL in constant time. ``revision``
overlays a few seed-controlled changes on the same web (``crawler.sandbox.revision``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from crawler.sandbox.families import build_families
from crawler.sandbox.family import Request, SiteFamily, merge_features
from crawler.sandbox.regular import RegularSites
from crawler.sandbox.regular_pages import answer_regular
from crawler.sandbox.render import PageModel
from crawler.urls import host_of, normalize_url, registered_domain

__all__ = ["SandboxWeb", "SandboxResponse", "MIN_PAGES"]

MIN_PAGES = 20
_SUBDOMAIN_LABELS = ("www", "blog", "shop", "calendar")


@dataclass(frozen=True, slots=True)
class SandboxResponse:
    """An HTTP answer of the sandbox: what the server sends, after ``delay`` seconds."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    delay: float = 0.0


class SandboxWeb:
    """A generated web: ``pages`` regular pages plus the feature sites.

    Parameters
    ----------
    pages : int
        Number of regular pages (at least 20); the feature sites add a few dozen URLs.
    seed : int
        Everything (names, sizes, links, text) is a function of the seed.
    revision : int
        0 is the web itself; 1 and later are the same web with seed-controlled changes,
        listed in ``features["revision_changes"]``.

    Attributes
    ----------
    regular : crawler.sandbox.regular.RegularSites
        The regular sites (``sites``, ``niches``, ``url(site, index)``, ...).
    families : tuple of crawler.sandbox.family.SiteFamily
        The feature-site families, in registry order (``crawler.sandbox.families``).
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
        self.regular = RegularSites(pages, seed, revision)
        self.families: tuple[SiteFamily, ...] = tuple(build_families(self.regular))
        self._family_of: dict[str, SiteFamily] = {}
        for family in self.families:
            for host in family.hosts:
                owner = self._family_of.get(host)
                if owner is not None or self.regular.site_of(host) is not None:
                    other = owner.name if owner is not None else "a regular site"
                    raise ValueError(f"host {host} of family {family.name} is {other}'s too")
                self._family_of[host] = family
        self._features: dict | None = None
        self._page_cached = lru_cache(maxsize=2048)(self._page_uncached)

    # -- the web's shape -------------------------------------------------------------
    @property
    def niches(self) -> dict[str, list[str]]:
        """Niche name -> registered domains of its sites (regular sites and feature sites)."""
        out = {
            niche.name: [site.domain for site in self.regular.members(i)]
            for i, niche in enumerate(self.regular.niches)
        }
        for family in self.families:
            for name, domains in family.niche_domains().items():
                out.setdefault(name, []).extend(domains)
        return out

    def hosts(self) -> list[str]:
        """Every host of the web, regular and feature sites, sorted."""
        return sorted([*self.regular.hosts(), *self._family_of])

    def domains(self) -> list[str]:
        """Every registered domain of the web, sorted."""
        return sorted({registered_domain(h) for h in self.hosts()})

    def default_seeds(self) -> list[str]:
        """The portal pages a crawl starts from (the same for every size and seed)."""
        return [seed for family in self.families for seed in family.seeds]

    def family_of(self, host: str) -> SiteFamily | None:
        """The family serving ``host``, or None (a regular site's host, or off the web)."""
        return self._family_of.get(host)

    @property
    def features(self) -> dict:
        """Every special case, by name, with the URLs/hosts/domains that carry it.

        Assembled from what each family and the regular sites declare
        (:func:`crawler.sandbox.family.merge_features`), plus the web-wide ``seeds``,
        ``subdomains`` and ``public_suffixes``.
        """
        if self._features is None:
            declarations = [("web", {"seeds": self.default_seeds()})]
            declarations += [(family.name, family.features()) for family in self.families]
            declarations.append(("regular sites", self.regular.features()))
            declarations.append(("web", self._web_wide_features()))
            self._features = merge_features(declarations)
        return self._features

    def _web_wide_features(self) -> dict[str, object]:
        hosts = self.hosts()
        subdomains = {
            label: [h for h in hosts if h.startswith(label + ".")] for label in _SUBDOMAIN_LABELS
        }
        suffixes: dict[str, list[str]] = {}
        for domain in self.domains():
            suffix = domain.split(".", 1)[1] if domain.count(".") else domain
            suffixes.setdefault(suffix, []).append(domain)
        return {"subdomains": subdomains, "public_suffixes": suffixes}

    # -- answering -------------------------------------------------------------------
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

    def _page_uncached(self, url: str) -> PageModel | None:
        host = host_of(url)
        rest = url[url.find("/", url.find("//") + 2) :] if url.count("/") >= 3 else "/"
        path, _, query = rest.partition("?")
        regular = self.regular.site_of(host)
        if regular is not None:
            site, role = regular
            return answer_regular(self.regular, site, role, url, path)
        family = self._family_of.get(host)
        if family is not None:
            return family.answer(Request(url, host, path, query))
        return None
