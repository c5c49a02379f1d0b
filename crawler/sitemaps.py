"""Sitemaps (sitemaps.org 0.9): which sitemaps a site has, what they may list, and reading one.

Pure functions, no Scrapy at import time, so the sandbox's ground truth applies the same
rules as the crawl (``crawler/sandbox/truth.py``). The crawl's side (requests, politeness,
budgets) is in ``crawler/spiders/seeds.py``; users' documentation: ``docs/crawling.md``,
"Sitemaps".

The rules:

- A site (``scheme://host[:port]``) has the sitemaps its robots.txt declares (``Sitemap:``
  lines); when it declares none, ``/sitemap.xml``. A site whose robots.txt could not be
  read (disallow all) has none.
- A sitemap lists pages of its own site only: a ``<loc>`` on another scheme, host or port
  is ignored (sitemaps.org, "Sitemap file location"; a sitemap declared in robots.txt
  speaks for the whole site of that robots.txt, "Sitemaps & Cross Submits", so the
  path-prefix rule of a sitemap found elsewhere does not apply to ours). A sitemap index
  lists sitemaps of the site too (an index in an index is read as well).
- A sitemap is fetched once per run; at most ``max_files`` sitemap files a site, the first
  ``max_urls`` locs of each file (50,000, the protocol's limit), and the first
  ``max_bytes`` of each file after decompression (a gzipped file is inflated up to the
  cap, never past it; what the cut leaves readable is read).

Parsing is Scrapy's ``scrapy.utils.sitemap.Sitemap``: a streaming lxml parser that
resolves no entities (no XXE) and recovers from broken markup, already a dependency.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from crawler.urls import normalize_url

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_FILES",
    "DEFAULT_MAX_URLS",
    "Listing",
    "SitemapError",
    "declared_sitemaps",
    "listed",
    "read_sitemap",
    "site_of",
]

#: Decompressed bytes read of one sitemap (the protocol allows 50 MB).
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
#: Locs read of one sitemap (the protocol's limit).
DEFAULT_MAX_URLS = 50_000
#: Sitemap files read per site, indexes and their children together.
DEFAULT_MAX_FILES = 100

_GZIP_MAGIC = b"\x1f\x8b"


class SitemapError(ValueError):
    """A sitemap body that cannot be read (not XML, a gzip stream that is broken)."""


def site_of(url: str) -> str:
    """``scheme://host[:port]`` of a normalised URL.

    >>> site_of("http://www.example.com:8080/a/b.html?x=1")
    'http://www.example.com:8080'
    """
    end = url.find("/", url.find("//") + 2)
    return url if end < 0 else url[:end]


def declared_sitemaps(site: str, robots_sitemaps: Iterable[str] | None) -> list[str]:
    """The sitemaps of ``site``: what its robots.txt declares (normalised, in order, each
    once), ``/sitemap.xml`` when it declares none; ``robots_sitemaps`` None means the
    robots.txt could not be read (disallow all): no sitemaps.

    >>> declared_sitemaps("http://a.com", [])
    ['http://a.com/sitemap.xml']
    >>> declared_sitemaps("http://a.com", ["http://a.com/s.xml", "mailto:x", "http://a.com/s.xml"])
    ['http://a.com/s.xml']
    """
    if robots_sitemaps is None:
        return []
    found: list[str] = []
    for raw in robots_sitemaps:
        url = normalize_url(raw.strip())
        if url is not None and url not in found:
            found.append(url)
    return found or [site + "/sitemap.xml"]


@dataclass
class Listing:
    """What one sitemap file lists, as read: ``index`` or a urlset, and its locs as written."""

    index: bool
    locs: list[str] = field(default_factory=list)
    truncated: bool = False  # more than ``max_urls`` locs, or cut at ``max_bytes``


def listed(site: str, locs: Iterable[str]) -> list[str]:
    """The normalised locs of ``locs`` on ``site``, in order, each once (others ignored).

    >>> listed("http://a.com", [" http://a.com/x ", "http://b.com/y", "/rel", "http://a.com/x"])
    ['http://a.com/x']
    """
    out: list[str] = []
    seen: set[str] = set()
    for raw in locs:
        url = normalize_url(raw.strip())
        if url is None or site_of(url) != site or url in seen:
            continue
        seen.add(url)
        out.append(url)
    return out


def read_sitemap(
    body: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_urls: int = DEFAULT_MAX_URLS
) -> Listing:
    """Parse one sitemap file (XML, or gzipped XML whatever its name or type says).

    Raises ``SitemapError`` for a body that is neither a urlset nor a sitemap index.
    """
    from scrapy.utils.sitemap import Sitemap

    cut = False
    if body[:2] == _GZIP_MAGIC:
        # Inflate no more than the cap: a small file can inflate to gigabytes.
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            inflated = inflater.decompress(body, max_bytes)
        except zlib.error as exc:
            raise SitemapError(f"broken gzip stream: {exc}") from None
        cut = bool(inflater.unconsumed_tail)
        if not inflated and not inflater.eof:
            raise SitemapError("broken gzip stream: it ends before any data")
        body = inflated
    elif len(body) > max_bytes:
        body, cut = body[:max_bytes], True
    try:
        sitemap = Sitemap(body)
    except Exception as exc:  # lxml's errors on something that is not XML at all
        raise SitemapError(f"not XML: {type(exc).__name__}") from None
    if sitemap.type not in ("urlset", "sitemapindex"):
        raise SitemapError(f"not a sitemap: root element {sitemap.type!r}")
    listing = Listing(index=sitemap.type == "sitemapindex", truncated=cut)
    for entry in sitemap:
        if len(listing.locs) >= max_urls:
            listing.truncated = True
            break
        listing.locs.append(entry["loc"])
    return listing
