"""The interface between the sandbox web and its site families.

A *site family* is a few hand-written feature sites that carry one group of the special
cases a crawler meets on the real web (the directory, the news site, the shop and its
redirects, the forum, the link farm, the calendar trap, ...). Each family is one module
under ``crawler/sandbox/families/``, a subclass of :class:`SiteFamily` that

- registers its hosts (each with its robots.txt) and its pages (exact URLs, each with a
  handler that renders it) in :meth:`SiteFamily.register`;
- declares, in :meth:`SiteFamily.features`, the features its pages carry, by the names
  ``SandboxWeb.features`` and ``docs/sandbox.md`` use;
- reads the regular sites only through :class:`RegularWeb`, and other families not at all
  (it may link to their hosts by the public names their modules export).

``crawler.sandbox.families.FAMILIES`` is the registry. ``SandboxWeb`` builds every family
once, sends every request for one of a family's hosts to :meth:`SiteFamily.answer`, and
assembles its feature list with :func:`merge_features` from what the families (and the
regular sites) declare, so the list cannot name a page no family serves, and no family can
serve a special page without declaring it. ``docs/sandbox.md``, "Adding a site family",
walks through a new one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol

from crawler.sandbox.render import PageModel, error_page, plain_file, sitemap_file
from crawler.urls import host_of, normalize_url

if TYPE_CHECKING:
    from crawler.sandbox.niches import Niche
    from crawler.sandbox.regular import Site

__all__ = ["Handler", "RegularWeb", "Request", "SiteFamily", "merge_features"]

#: Renders the page of one normalised URL.
Handler = Callable[[str], PageModel]


class RegularWeb(Protocol):
    """What a family may read of the regular sites (``crawler.sandbox.regular``)."""

    niches: Sequence[Niche]
    sites: Sequence[Site]

    def members(self, niche: int) -> Sequence[Site]:
        """The sites of niche ``niche`` (an index into ``niches``), most popular first."""
        ...

    def hub(self, niche: int) -> Site:
        """The most popular site of niche ``niche``."""
        ...

    def url(self, site: Site, index: int = 0) -> str:
        """Normalised URL of page ``index`` of ``site`` (0: its home page)."""
        ...


@dataclass(frozen=True, slots=True)
class Request:
    """One request for a page of a family's host: the normalised URL and its parts."""

    url: str
    host: str
    path: str  # starts with "/"
    query: str  # without the "?"; "" when there is none


class SiteFamily(ABC):
    """A family of feature sites: its hosts, its pages and the features they carry.

    A subclass sets ``name`` (the family's name, as ``docs/sandbox.md`` lists it), may set
    ``seeds``, and implements :meth:`register` and :meth:`features`. By default a host
    answers its robots.txt (404 when registered with ``None``), a sitemap of the host's
    registered pages, each registered URL through its handler (an unknown query string is
    ignored, as most servers ignore it) and 404 for anything else; a family whose pages
    follow a pattern (an endless calendar, a domain that redirects every path) overrides
    :meth:`route`, and :meth:`sitemap` when its sitemap is not a list of its pages.
    """

    name: ClassVar[str]
    #: The family's pages a crawl starts from by default (``SandboxWeb.default_seeds``).
    seeds: ClassVar[tuple[str, ...]] = ()

    def __init__(self, regular: RegularWeb) -> None:
        self.regular = regular
        self._robots: dict[str, str | None] = {}
        self._pages: dict[str, Handler] = {}
        self.register()

    # -- what a family implements ------------------------------------------------------
    @abstractmethod
    def register(self) -> None:
        """Add the family's hosts (:meth:`add_host`) and pages (:meth:`add_page`)."""

    @abstractmethod
    def features(self) -> dict[str, object]:
        """The features the family's pages carry: name -> URLs, hosts, domains or values."""

    def niche_domains(self) -> dict[str, list[str]]:
        """Niche name -> the family's domains that belong to that niche (usually none)."""
        return {}

    # -- registration ------------------------------------------------------------------
    def add_host(self, host: str, robots: str | None) -> None:
        """Serve ``host``; ``robots`` is its robots.txt, or None for a 404 robots.txt."""
        self._robots[host] = robots

    def add_page(self, url: str, handler: Handler) -> None:
        """Serve the normalised ``url`` (on one of the family's hosts) with ``handler``."""
        if normalize_url(url) != url:
            raise ValueError(f"{self.name}: page URL is not normalised: {url!r}")
        if host_of(url) not in self._robots:
            raise ValueError(f"{self.name}: page {url} is not on one of the family's hosts")
        self._pages[url] = handler

    @property
    def hosts(self) -> list[str]:
        """The family's hosts, in registration order."""
        return list(self._robots)

    @property
    def urls(self) -> list[str]:
        """The family's registered pages, in registration order."""
        return list(self._pages)

    # -- answering ---------------------------------------------------------------------
    def answer(self, request: Request) -> PageModel:
        """What the family's server answers to ``request``."""
        if request.path == "/robots.txt":
            text = self._robots[request.host]
            if text is None:
                return error_page(request.url, 404)
            return plain_file(request.url, "text/plain; charset=utf-8", text.encode())
        if request.path == "/sitemap.xml":
            return self.sitemap(request)
        return self.route(request)

    def sitemap(self, request: Request) -> PageModel:
        """The host's sitemap: every registered page of the host without a query."""
        urls = sorted(u for u in self._pages if host_of(u) == request.host and "?" not in u)
        return sitemap_file(request.url, urls)

    def route(self, request: Request) -> PageModel:
        """Any other path: the registered page, or 404."""
        url = request.url
        handler = self._pages.get(url)
        if handler is None and request.query:
            handler = self._pages.get(url[: url.find("?")])
        if handler is None:
            return error_page(url, 404)
        return handler(url)


def merge_features(declarations: Iterable[tuple[str, dict[str, object]]]) -> dict[str, object]:
    """One feature list from ``(declarer, features)`` pairs, in the order given.

    A feature declared once keeps its value; a feature declared by several declarers must
    be a list in each declaration (``seeds``, ``trusted_seeds``, ``robots_disallowed``),
    and the lists are concatenated in declaration order. Anything else declared twice is a
    programming error (``ValueError`` naming both declarers).
    """
    merged: dict[str, object] = {}
    owner: dict[str, str] = {}
    for declarer, features in declarations:
        for key, value in features.items():
            if key not in merged:
                merged[key] = list(value) if isinstance(value, list) else value
                owner[key] = declarer
                continue
            previous = merged[key]
            if not (isinstance(previous, list) and isinstance(value, list)):
                raise ValueError(
                    f"feature {key!r} is declared by {owner[key]} and {declarer}: "
                    "a shared feature must be a list in each declaration"
                )
            previous.extend(value)
            owner[key] += f", {declarer}"
    return merged
