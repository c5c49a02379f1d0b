"""One fetched response -> its ``pages`` row and its links: the seam every source of pages uses.

``page_record`` is a pure function (no Scrapy, no network): the crawler's spider calls it on
each response it receives, WARC ingest calls it on each response record, and tests call it
on bytes they write themselves. Because all of them go through this one function, a WARC
record and a live response with the same URL, status, headers and body give the same page
row and the same links, flag for flag (``tests/test_rows.py``).

What it decides, as ``docs/crawling.md`` describes for the crawl:

- A 3xx answer with a ``Location`` is a redirect: ``redirect_to`` and one edge of kind
  ``redirect``; a ``Location`` that does not resolve to an http(s) URL is the error
  ``bad redirect location``.
- An HTML answer (``html_types``, by the media type of ``Content-Type``) with status 2xx
  has its links read (``crawler.extract.parse_html``), including a meta refresh (a
  ``redirect`` edge and ``redirect_to``). A 4xx/5xx HTML answer keeps its title, language,
  canonical and robots (soft 404s and link reclamation need them) but not its links: they
  are not links of the site.
- Any other answer keeps its ``X-Robots-Tag`` directives.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Mapping
from typing import NamedTuple, Union

from crawler.extract import (
    MAX_ANCHOR_CHARS,
    MAX_LINKS,
    MAX_TITLE_CHARS,
    Link,
    parse_html,
    parse_robots,
)
from crawler.urls import host_of, registered_domain, resolve_href

__all__ = [
    "Caps",
    "DEFAULT_CAPS",
    "DEFAULT_HTML_TYPES",
    "REDIRECT_CODES",
    "Headers",
    "error_row",
    "header_values",
    "media_type",
    "page_record",
]

#: Media types whose links are read (the crawler's setting ``LINKGRAPH_HTML_TYPES``).
DEFAULT_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: HTTP statuses that redirect (with a ``Location``).
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})

_Text = Union[str, bytes]  # noqa: UP007 - a runtime alias
#: Response headers: a mapping of name to value(s), or (name, value) pairs; names match
#: case-insensitively, values are bytes (decoded as Latin-1, as HTTP/1.1 says) or str.
Headers = Union[Mapping[_Text, object], Iterable[tuple[_Text, _Text]]]  # noqa: UP007


class Caps(NamedTuple):
    """What one page may cost (the crawler's ``LINKGRAPH_MAX_LINKS``,
    ``LINKGRAPH_MAX_ANCHOR_CHARS``, ``LINKGRAPH_MAX_TITLE_CHARS`` and
    ``LINKGRAPH_PARSE_TIMEOUT``; ``timeout`` ``None``: no time budget)."""

    links: int = MAX_LINKS
    anchor: int = MAX_ANCHOR_CHARS
    title: int = MAX_TITLE_CHARS
    timeout: float | None = None


#: No caps and no time budget: what ``page_record`` applies unless told (WARC ingest keeps
#: every link of an archived page); the crawler passes its settings' ``Caps``.
DEFAULT_CAPS = Caps(sys.maxsize, sys.maxsize, sys.maxsize, None)


def _text(value: _Text) -> str:
    return value.decode("latin-1") if isinstance(value, bytes | bytearray) else str(value)


def header_values(headers: Headers, name: str) -> list[str]:
    """Every value of header ``name`` (case-insensitive), in order.

    >>> header_values([(b"X-Robots-Tag", b"noindex"), (b"x-robots-tag", b"nofollow")],
    ...               "X-Robots-Tag")
    ['noindex', 'nofollow']
    >>> header_values({"Content-Type": ["text/html"]}, "content-type")
    ['text/html']
    """
    wanted = name.lower()
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    found: list[str] = []
    for key, value in pairs:
        if _text(key).lower() != wanted:
            continue
        if isinstance(value, list | tuple):
            found.extend(_text(v) for v in value)
        else:
            found.append(_text(value))
    return found


def media_type(content_type: str | None) -> str | None:
    """The media type of a ``Content-Type`` value, lower case, without parameters.

    >>> media_type("Text/HTML; charset=UTF-8")
    'text/html'
    """
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def _base_row(url: str, depth: int | None, fetched_at: int) -> dict:
    host = host_of(url)
    return {
        "url": url,
        "host": host,
        "domain": registered_domain(host),
        "depth": depth,
        "fetched_at": fetched_at,
    }


def error_row(url: str, error: str, *, depth: int, fetched_at: int) -> dict:
    """The ``pages`` row of a URL that was tried and gave no HTTP answer (``error``)."""
    row = _base_row(url, depth, fetched_at)
    row["error"] = error
    return row


def page_record(
    url: str,
    status: int,
    headers: Headers,
    body: bytes,
    *,
    depth: int | None,
    fetched_at: int,
    ip: str | None = None,
    html_types: Iterable[str] = DEFAULT_HTML_TYPES,
    caps: Caps = DEFAULT_CAPS,
) -> tuple[dict, list[Link]]:
    """The ``pages`` row of one HTTP answer and the links it records.

    Parameters
    ----------
    url
        The normalised URL that was requested (``crawler.urls.normalize_url``).
    status
        The HTTP status code.
    headers
        The response headers (see ``Headers``).
    body
        The response body as received, after content decoding (gzip, chunked).
    depth
        Link distance from the seeds; ``None`` where unknown (archives).
    fetched_at
        When the answer was received, epoch milliseconds (UTC).
    ip
        The peer address the answer came from, if known.
    html_types
        Media types whose links are read.
    caps
        Links, anchor and title caps and the time budget of parsing (``Caps``): what they
        cut is counted in ``links_dropped``, ``anchors_truncated`` and ``title_length``;
        a page past its time budget keeps the links read so far and says so in ``error``.

    Returns
    -------
    (dict, list of crawler.extract.Link)
        The row, in ``crawler.schema.PAGES_SCHEMA`` columns (``crawl_id`` and ``outlinks``
        are filled in by the writer), and the links in document order.

    Examples
    --------
    >>> page, links = page_record(
    ...     "http://example.com/", 301, [(b"Location", b"/new")], b"", depth=0, fetched_at=0
    ... )
    >>> page["redirect_to"], links[0].kind
    ('http://example.com/new', 'redirect')
    """
    page = _base_row(url, depth, fetched_at)
    content_type_values = header_values(headers, "Content-Type")
    content_type = content_type_values[0] if content_type_values else None
    kind = media_type(content_type)
    page.update(status=status, content_type=kind, ip=ip, bytes=len(body))
    # One header line each: a bot prefix ("googlebot: noindex") covers its own line only.
    x_robots = "\n".join(header_values(headers, "X-Robots-Tag")) or None
    links: list[Link] = []
    location = header_values(headers, "Location")
    if status in REDIRECT_CODES and location and location[0]:
        target = resolve_href(url, location[0])
        if target is None:
            page["error"] = "bad redirect location"
        else:
            page["redirect_to"] = target
            dst_host = host_of(target)
            links.append(
                Link(
                    target,
                    dst_host,
                    registered_domain(dst_host),
                    "",
                    "",
                    False,
                    False,
                    False,
                    "redirect",
                    "content",
                    0,
                )
            )
    elif kind in html_types and (200 <= status < 300 or status >= 400):
        started = time.monotonic()
        parsed = parse_html(
            body,
            url,
            x_robots_tag=x_robots,
            content_type=content_type,
            max_links=caps.links,
            max_anchor=caps.anchor,
            max_title=caps.title,
            deadline=None if caps.timeout is None else started + caps.timeout,
        )
        page.update(
            title=parsed.title,
            lang=parsed.lang,
            canonical=parsed.canonical,
            robots=parsed.robots,
        )
        # What a cap cut is counted; these columns stay null (absent) otherwise.
        if parsed.title_length is not None:
            page["title_length"] = parsed.title_length
        if parsed.timed_out:
            page["error"] = (
                f"parse time budget ({caps.timeout:g} s) exceeded: "
                f"{len(parsed.links)} links kept, {parsed.links_dropped} not read"
            )
        # An error page's title and robots are worth keeping (soft 404s, reclamation);
        # its links are not links of the site.
        if status < 300:
            page["redirect_to"] = parsed.refresh_url
            links = parsed.links
            if parsed.links_dropped:
                page["links_dropped"] = parsed.links_dropped
            if parsed.anchors_truncated:
                page["anchors_truncated"] = parsed.anchors_truncated
    elif x_robots:
        page["robots"] = ",".join(parse_robots([], x_robots)) or None
    return page, links
