"""URL resolution, normalisation and registered domains: the one definition of "the same URL".

Pure functions, no Scrapy: the crawler, the link extractor, the sandbox's ground truth and
the graph code all call these, so a URL means the same thing everywhere. See
``docs/data-contract.md`` ("URLs") for the rules and why each is there.

Resolution follows the WHATWG URL Standard, as browsers do (``ada_url``, the parser
Node.js uses): tabs and newlines inside an href are dropped, backslashes read as slashes in
http(s) URLs, the host is lower-cased and IDN hosts are written in punycode, the default
port and dot segments go. On top of that we drop the fragment and sort the query
parameters, because neither changes which document a crawler fetches in practice, and
both make one page look like many.

Registered domains come from the Public Suffix List through tldextract, constructed
offline (``suffix_list_urls=()``: its bundled snapshot, never a network fetch), ICANN
section only, memoised per host.
"""

from __future__ import annotations

from functools import lru_cache

import ada_url
import tldextract

__all__ = [
    "normalize_url",
    "resolve_href",
    "host_of",
    "registered_domain",
]

# The WHATWG "ASCII whitespace" (plus the C0 controls browsers strip from both ends).
_STRIP = "".join(chr(c) for c in range(0x21))

_extractor = tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=False)


def _finish(url: str) -> str | None:
    """Drop the fragment and sort query parameters of an already WHATWG-parsed URL."""
    if not (url.startswith("http://") or url.startswith("https://")):
        return None
    hash_at = url.find("#")
    if hash_at >= 0:
        url = url[:hash_at]
    query_at = url.find("?")
    if query_at >= 0:
        query = url[query_at + 1 :]
        if "&" in query:
            params = [p for p in query.split("&") if p]
            params.sort(key=_param_key)
            query = "&".join(params)
        url = url[:query_at] + "?" + query if query else url[:query_at]
    return url


def _param_key(param: str) -> tuple[str, str]:
    key, _, value = param.partition("=")
    return key, value


def resolve_href(base: str, href: str) -> str | None:
    """Resolve ``href`` against ``base`` as a browser would, then normalise it.

    Returns ``None`` for anything that is not an http(s) URL (``mailto:``,
    ``javascript:``, ``tel:``, ``data:``, unparseable hrefs): only those are links in the
    web graph.

    >>> resolve_href("http://Www.Example.com:80/a/b.html", " ../c?b=2&a=1#top ")
    'http://www.example.com/c?a=1&b=2'
    >>> resolve_href("http://example.com/", "mailto:someone@example.com") is None
    True
    """
    try:
        joined = ada_url.join_url(base, href.strip(_STRIP))
    except ValueError:
        return None
    return _finish(joined)


def normalize_url(url: str) -> str | None:
    """Normalise an absolute URL; ``None`` when it is not a valid http(s) URL.

    >>> normalize_url("HTTP://EXAMPLE.com:80/a/./b/../c?z=1&a=2#frag")
    'http://example.com/a/c?a=2&z=1'
    """
    try:
        parsed = ada_url.normalize_url(url.strip(_STRIP))
    except ValueError:
        return None
    return _finish(parsed)


@lru_cache(maxsize=1 << 16)
def host_of(url: str) -> str:
    """The host of a normalised URL (lower case, punycode, no port).

    >>> host_of("http://blog.example.co.uk:8080/x")
    'blog.example.co.uk'
    """
    start = url.find("//") + 2
    end = len(url)
    for sep in "/?#":
        at = url.find(sep, start)
        if 0 <= at < end:
            end = at
    host = url[start:end]
    if "@" in host:
        host = host.rsplit("@", 1)[1]
    if host.startswith("["):
        return host[: host.find("]") + 1]
    colon = host.rfind(":")
    if colon >= 0:
        host = host[:colon]
    return host


@lru_cache(maxsize=1 << 18)
def registered_domain(host: str) -> str:
    """The registered domain of a host (the part just under its public suffix).

    ICANN section of the Public Suffix List only, so ``user.github.io`` belongs to
    ``github.io`` and ``shop.example.com.au`` to ``example.com.au``. IP addresses,
    ``localhost`` and bare public suffixes are their own domain.

    >>> registered_domain("shop.rosegarden.co.uk")
    'rosegarden.co.uk'
    >>> registered_domain("127.0.0.1")
    '127.0.0.1'
    """
    host = host.lower().rstrip(".")
    if not host or host.startswith("["):
        return host
    domain = _extractor.extract_str(host).top_domain_under_public_suffix
    return domain or host
