"""HTML -> links with their context: the link extractor shared by the crawler and WARC ingest.

A pure function, no Scrapy: ``parse_html(html, url)`` reads one page and returns its title,
language, canonical URL, robots directives, meta refresh target and every http(s) link with
the columns of the ``edges`` dataset (``docs/data-contract.md``): absolute normalised
destination, host, registered domain, anchor text, rel tokens and flags, kind, placement and
position. ``docs/extraction.md`` explains the choices and the measured speed.

It is the crawl's hot path, so it parses with lexbor (``selectolax.lexbor``, an HTML5
parser in C: 2.7 times as fast as lxml, ``benchmarks/bench_extract.py``), selects links
with one CSS query in document order, resolves hrefs with ada (the WHATWG URL parser,
``crawler.urls``), memoises what repeats (an href within a page, and across pages of one
directory; the ancestors of a page's links), and lets the cached
``host_of``/``registered_domain`` absorb per-host work.
Placement lives in ``crawler.placement``.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser

from crawler.directives import BOT_NAME, decode_html, parse_robots, refresh_url_of
from crawler.placement import Placer
from crawler.subtree import DEFAULT_WORK_FACTOR, SubtreeText, collapse
from crawler.urls import host_of, normalize_url, registered_domain, resolve_href

__all__ = [
    "MAX_ANCHOR_CHARS",
    "MAX_LINKS",
    "MAX_TITLE_CHARS",
    "Link",
    "ParsedPage",
    "parse_html",
    "decode_html",
    "parse_robots",
    "refresh_url_of",
    "resolve_in_directory",
]

#: The crawler's default caps (its settings ``LINKGRAPH_MAX_LINKS``,
#: ``LINKGRAPH_MAX_ANCHOR_CHARS``, ``LINKGRAPH_MAX_TITLE_CHARS``).
MAX_LINKS = 10_000
MAX_ANCHOR_CHARS = 1_000
MAX_TITLE_CHARS = 1_000
_DEADLINE_EVERY = 256  # links between looks at the clock
_SELECT = "a[href], area[href], meta[http-equiv], [data-linkgraph-main]"
_MAIN_MARK = "data-linkgraph-main"
_LINK_TAGS = frozenset({"a", "area"})
_HEAD_PARENTS = frozenset({"head", "body", "html"})
# First characters of hrefs whose resolution needs the whole base URL, not its directory
# ("" for an empty href; whitespace because it is stripped first).
_BASE_DEPENDENT = frozenset({"", "#", "?"} | {chr(c) for c in range(0x21)})


@lru_cache(maxsize=1 << 16)
def resolve_in_directory(base_dir: str, href: str) -> str | None:
    """``resolve_href`` for an href whose result depends only on the base's directory.

    An href that is not empty and starts with none of ``#``, ``?`` or whitespace is a path,
    an absolute path, a network path or an absolute URL: resolving it drops the base's last
    path segment, query and fragment (RFC 3986 section 5.2, the same in the WHATWG URL
    Standard). So pages of one directory resolve their shared menus once, across pages.

    >>> resolve_in_directory("http://example.com/a/", "../b?y=1&x=2")
    'http://example.com/b?x=2&y=1'
    """
    return resolve_href(base_dir, href)


class Link(NamedTuple):
    """One edge: a link on a page, with the ``edges`` columns that depend on the page only."""

    dst_url: str
    dst_host: str
    dst_domain: str
    anchor: str
    rel: str
    nofollow: bool
    ugc: bool
    sponsored: bool
    kind: str
    placement: str
    position: int


@dataclass(slots=True)
class ParsedPage:
    """What one HTML page says about itself and where it links."""

    title: str | None
    lang: str | None
    canonical: str | None
    #: Merged robots directives, e.g. ``"noindex,nofollow"``; ``None`` when there are none.
    robots: str | None
    noindex: bool
    nofollow: bool
    #: What hrefs were resolved against: the first ``<base href>``, resolved, else the URL.
    base_url: str
    #: Meta refresh target (normalised); also present in ``links`` as kind ``redirect``.
    refresh_url: str | None
    links: list[Link]
    #: The title's full length when it was cut to the cap, else ``None``.
    title_length: int | None = None
    #: ``<a href>``/``<area href>`` elements not recorded: past the link cap or the time
    #: budget (not resolved, so some may not be http(s) links).
    links_dropped: int = 0
    #: Anchors stored cut to the cap.
    anchors_truncated: int = 0
    #: The time budget ran out: ``links`` are those read until then.
    timed_out: bool = False


_collapse = collapse


def _rel_tokens(rel: str) -> str:
    tokens = rel.lower().split()
    if len(tokens) > 1:
        tokens = list(dict.fromkeys(tokens))
    return " ".join(tokens)


def _head_metadata(
    tree: LexborHTMLParser, base: str
) -> tuple[str | None, str | None, str | None, list[str]]:
    """(title, lang, canonical, robots meta contents)."""
    title_node = tree.css_first("title")
    title = _collapse(title_node.text(deep=True)) if title_node is not None else None
    root = tree.root
    lang = None
    if root is not None:
        lang = _collapse(root.attributes.get("lang") or "").lower() or None
    canonical = None
    found_canonical = False
    robots: list[str] = []
    for node in tree.css("link[rel][href], meta[name][content]"):
        # Head elements only. A stray element the head does not allow (the <img> of a
        # tracking pixel in <noscript>) ends the head, and the parser then puts the rest of
        # the head's elements right in <body>: those count too, deeper ones (user content)
        # do not.
        parent = node.parent
        if parent is None or parent.tag not in _HEAD_PARENTS:
            continue
        attrs = node.attributes
        if node.tag == "link":
            if not found_canonical and "canonical" in (attrs.get("rel") or "").lower().split():
                found_canonical = True
                canonical = resolve_href(base, attrs.get("href") or "")
        elif node.tag == "meta":
            name = _collapse(attrs.get("name") or "").lower()
            if name == "robots" or name == BOT_NAME:
                robots.append(attrs.get("content") or "")
    return title or None, lang, canonical, robots


def parse_html(
    html: str | bytes,
    url: str,
    *,
    x_robots_tag: str | None = None,
    content_type: str | None = None,
    max_links: int = sys.maxsize,
    max_anchor: int = sys.maxsize,
    max_title: int = sys.maxsize,
    deadline: float | None = None,
    work_factor: float = DEFAULT_WORK_FACTOR,
) -> ParsedPage:
    """Parse one HTML page: its metadata and every http(s) link, in document order.

    Parameters
    ----------
    html
        The page; bytes are decoded with ``decode_html`` (using ``content_type``).
    url
        The page's normalised URL (what relative hrefs resolve against when there is no
        ``<base href>``).
    x_robots_tag
        The ``X-Robots-Tag`` response header, if any (several lines joined by newlines).
    content_type
        The ``Content-Type`` response header, for its charset.
    max_links, max_anchor, max_title
        Caps (none unless given; the crawler gives ``MAX_LINKS``, ``MAX_ANCHOR_CHARS`` and
        ``MAX_TITLE_CHARS`` by default): links recorded (the rest are counted in ``links_dropped``), characters of an
        anchor and of the title (stored cut; counted in ``anchors_truncated`` and
        ``title_length``).
    deadline
        A ``time.monotonic()`` time: past it, the page's remaining links are not read
        (``timed_out``; they count in ``links_dropped``).
    work_factor
        Characters of text read per character of HTML before subtree measures switch to
        the one-pass index (``crawler.subtree``; ``0``: from the start). Same results.

    Raises
    ------
    ValueError
        When ``url`` is not an absolute http(s) URL.

    Examples
    --------
    >>> page = parse_html('<p>See <a href="/b" rel="UGC">b</a></p>', "http://example.com/a")
    >>> page.links[0][:9]
    ('http://example.com/b', 'example.com', 'example.com', 'b', 'ugc', True, True, False, 'a')
    """
    page_url = normalize_url(url)
    if page_url is None:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    if isinstance(html, bytes):
        html = decode_html(html, content_type)
    tree = LexborHTMLParser(html)
    measures = SubtreeText(tree, len(html), work_factor)

    base = page_url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        base = resolve_href(page_url, base_node.attributes.get("href") or "") or page_url

    query_at = base.find("?")
    base_dir = base[: base.rfind("/", 0, query_at if query_at >= 0 else len(base)) + 1]

    title, lang, canonical, robots_meta = _head_metadata(tree, base)
    title_length = None
    if title is not None and len(title) > max_title:
        title_length, title = len(title), title[:max_title]
    directives = parse_robots(robots_meta, x_robots_tag)
    noindex = "noindex" in directives or "none" in directives
    page_nofollow = "nofollow" in directives or "none" in directives

    placer = Placer(tree, measures)
    for node in placer.main:
        node.attrs[_MAIN_MARK] = ""  # on our own parse tree: the page is not changed

    links: list[Link] = []
    append = links.append
    resolved: dict[str, str | None] = {}
    refresh_url: str | None = None
    refresh_seen = False
    # The main content's elements are selected with the links (marked by an attribute), so
    # document order tells which links come before it and which after.
    main_ids = {node.mem_id for node in placer.main}
    anchors_truncated = 0
    timed_out = deadline is not None and time.monotonic() > deadline
    nodes = [] if timed_out else tree.css(_SELECT)
    stop = len(nodes)
    for at, node in enumerate(nodes):
        if len(links) >= max_links or (
            deadline is not None
            and at % _DEADLINE_EVERY == 0
            and at
            and time.monotonic() > deadline
        ):
            timed_out = len(links) < max_links
            stop = at
            break
        tag = node.tag
        if tag == "meta":
            if refresh_seen:
                continue
            attrs = node.attributes
            if (attrs.get("http-equiv") or "").strip().lower() != "refresh":
                continue
            valid, target = refresh_url_of(attrs.get("content") or "")
            if not valid:
                continue
            refresh_seen = True
            if target is None:
                continue
            refresh_url = resolve_href(base, target)
            if refresh_url is None:
                continue
            host = host_of(refresh_url)
            append(
                Link(
                    refresh_url,
                    host,
                    registered_domain(host),
                    "",
                    "",
                    page_nofollow,
                    False,
                    False,
                    "redirect",
                    "content",
                    len(links),
                )
            )
            continue
        if node.mem_id in main_ids:
            placer.passed_main = True
        if tag != "a" and tag != "area":
            continue
        attrs = node.attributes
        href = attrs.get("href")
        if href is None:  # only the main-content mark matched
            continue
        dst = resolved.get(href, "")
        if dst == "":
            if href[:1] in _BASE_DEPENDENT:
                dst = resolve_href(base, href)
            else:
                dst = resolve_in_directory(base_dir, href)
            resolved[href] = dst
        if dst is None:
            continue
        rel_attr = attrs.get("rel")
        if rel_attr:
            rel = _rel_tokens(rel_attr)
            tokens = rel.split()
            ugc = "ugc" in tokens
            sponsored = "sponsored" in tokens
            nofollow = page_nofollow or ugc or sponsored or "nofollow" in tokens
        else:
            rel = ""
            ugc = sponsored = False
            nofollow = page_nofollow
        if tag == "a":
            anchor, length = measures.anchor(node, max_anchor)
            kind = "a"
        else:
            anchor = _collapse(attrs.get("alt") or "")
            length = len(anchor)
            anchor = anchor[:max_anchor]
            kind = "area"
        if length > max_anchor:
            anchors_truncated += 1
        host = host_of(dst)
        append(
            Link(
                dst,
                host,
                registered_domain(host),
                anchor,
                rel,
                nofollow,
                ugc,
                sponsored,
                kind,
                placer.label(node, attrs, ugc),
                len(links),
            )
        )

    dropped = 0
    for node in nodes[stop:]:
        # Selected as a[href] or area[href], unless only as the main content's mark.
        if node.tag in _LINK_TAGS and (node.mem_id not in main_ids or "href" in node.attributes):
            dropped += 1
    if not nodes and timed_out:
        dropped = len(tree.css("a[href], area[href]"))
    return ParsedPage(
        title=title,
        lang=lang,
        canonical=canonical,
        robots=",".join(directives) if directives else None,
        noindex=noindex,
        nofollow=page_nofollow,
        base_url=base,
        refresh_url=refresh_url,
        links=links,
        title_length=title_length,
        links_dropped=dropped,
        anchors_truncated=anchors_truncated,
        timed_out=timed_out,
    )
