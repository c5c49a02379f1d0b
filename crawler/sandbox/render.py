"""HTML rendering that records the page's model while it writes the markup.

A sandbox page is written once, in document order, through a :class:`PageBuilder`. Each
link written through it is also recorded as a :class:`Link` with the values the data
contract says an extractor must produce (resolved and normalised ``dst_url``, decoded and
whitespace-collapsed anchor, normalised rel, placement). Writing the markup and the model
in the same call is what keeps the two from drifting apart: the ground truth never parses
the HTML, yet it describes exactly what the HTML holds.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import random
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from crawler.urls import normalize_url, resolve_href

__all__ = [
    "Link",
    "PageModel",
    "PageBuilder",
    "stable_rng",
    "stable_int",
    "error_page",
    "redirect_page",
    "plain_file",
    "sitemap_xml",
    "sitemap_file",
]


def stable_int(*parts: object) -> int:
    """A 64-bit integer from ``parts`` that is the same in every process.

    Python's ``hash()`` is salted per process, so it cannot seed a reproducible web.
    """
    digest = hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def stable_rng(*parts: object) -> random.Random:
    """A private random generator for one element of the web (a page, a site, a choice)."""
    return random.Random(stable_int(*parts))


def normalize_rel(rel: str) -> str:
    """rel tokens lower-cased, in order, duplicates removed, single-space joined."""
    seen: list[str] = []
    for token in rel.lower().split():
        if token not in seen:
            seen.append(token)
    return " ".join(seen)


def collapse(text: str) -> str:
    """Whitespace collapsed the way the data contract defines an anchor."""
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class Link:
    """One hyperlink of a page, as the extractor must report it."""

    href: str  # the raw attribute value as written (before HTML escaping)
    dst_url: str
    anchor: str
    rel: str
    kind: str  # "a", "area" or "redirect"
    placement: str

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(self.rel.split())

    @property
    def ugc(self) -> bool:
        return "ugc" in self.tokens

    @property
    def sponsored(self) -> bool:
        return "sponsored" in self.tokens

    @property
    def rel_nofollow(self) -> bool:
        """True when the link's own rel makes it nofollow (the page's robots aside)."""
        tokens = self.tokens
        return "nofollow" in tokens or "ugc" in tokens or "sponsored" in tokens


@dataclass(slots=True)
class PageModel:
    """What one URL of the sandbox answers, and what its HTML contains."""

    url: str
    status: int
    content_type: str | None  # media type, lower case, no parameters
    charset: str | None
    headers: list[tuple[str, str]]
    body: bytes
    title: str | None = None
    lang: str | None = None
    canonical: str | None = None
    robots: list[str] = field(default_factory=list)
    redirect_to: str | None = None
    links: list[Link] = field(default_factory=list)
    non_edge_hrefs: list[str] = field(default_factory=list)
    base_href: str | None = None
    delay: float = 0.0
    #: A sitemap answer: the ``<loc>`` values it lists, as written (None: not a sitemap).
    sitemap_locs: list[str] | None = None
    #: True for a sitemap index (its locs are sitemaps), False for a urlset.
    sitemap_index: bool = False
    #: The links of the page's DOM once its scripts ran, in DOM order, when a script
    #: writes links (None: the rendered DOM has the served links). A link of this list
    #: that is not among ``links`` is one only a browser sees (``rendered_only``).
    rendered_links: list[Link] | None = None
    #: The page's script never settles (a browser rendering it runs into its timeout).
    never_settles: bool = False

    @property
    def is_html(self) -> bool:
        return self.content_type in ("text/html", "application/xhtml+xml")

    @property
    def robots_nofollow(self) -> bool:
        return "nofollow" in self.robots or "none" in self.robots


class PageBuilder:
    """Writes one HTML page in document order and records its links.

    Call the methods in the order the markup appears: ``position`` in the edges is the
    order of the calls.
    """

    def __init__(self, url: str, charset: str = "utf-8") -> None:
        self.url = url
        self.base = url
        self.charset = charset
        self.parts: list[str] = []
        self.links: list[Link] = []
        self.non_edge_hrefs: list[str] = []
        self.title: str | None = None
        self.lang: str | None = None
        self.canonical: str | None = None
        self.robots: list[str] = []
        self.redirect_to: str | None = None
        self.base_href: str | None = None
        self.headers: list[tuple[str, str]] = []

    # -- document head -------------------------------------------------------------
    def head(
        self,
        title: str,
        *,
        lang: str | None = "en",
        canonical: str | None = None,
        robots: str | None = None,
        refresh: str | None = None,
        base: str | None = None,
        doctype: bool = True,
        extra: str = "",
    ) -> None:
        """``<!DOCTYPE html><html lang><head>...</head>``; a refresh URL becomes an edge."""
        if doctype:
            self.parts.append("<!DOCTYPE html>\n")
        self.parts.append(f'<html lang="{lang}">\n' if lang else "<html>\n")
        self.lang = lang.lower() if lang else None
        self.parts.append("<head>\n")
        if self.charset == "utf-8":
            self.parts.append('<meta charset="utf-8">\n')
        if refresh is not None:
            # A meta refresh comes first among the page's edges (data contract).
            self.parts.append(
                f'<meta http-equiv="refresh" content="0; url={html.escape(refresh)}">\n'
            )
        if base is not None:
            self.parts.append(f'<base href="{html.escape(base)}">\n')
            self.base_href = base
            self.base = resolve_href(self.url, base) or self.url
        if refresh is not None:
            target = resolve_href(self.base, refresh)
            assert target is not None
            self.redirect_to = target
            self.links.append(Link(refresh, target, "", "", "redirect", "content"))
        self.parts.append(f"<title>{html.escape(title, quote=False)}</title>\n")
        self.title = collapse(title)
        if canonical is not None:
            self.parts.append(f'<link rel="canonical" href="{html.escape(canonical)}">\n')
            self.canonical = resolve_href(self.base, canonical)
        if robots is not None:
            self.parts.append(f'<meta name="robots" content="{html.escape(robots)}">\n')
            self.robots.extend(t.strip().lower() for t in robots.split(",") if t.strip())
        self.parts.append('<meta name="viewport" content="width=device-width">\n')
        self.parts.append(extra)
        self.parts.append("</head>\n")

    def header_robots(self, value: str) -> None:
        """An ``X-Robots-Tag`` header (its directives come after the meta ones)."""
        self.headers.append(("X-Robots-Tag", value))
        self.robots.extend(t.strip().lower() for t in value.split(",") if t.strip())

    # -- body ----------------------------------------------------------------------
    def raw(self, markup: str) -> None:
        """Markup with no links in it."""
        self.parts.append(markup)

    def text(self, text: str) -> None:
        """Plain text, escaped."""
        self.parts.append(html.escape(text, quote=False))

    def a(
        self,
        href: str,
        text: str,
        placement: str,
        rel: str = "",
        *,
        img_alt: str | None = None,
        img_src: str = "/img/thumb.png",
        attrs: str = "",
        tag: str = "a",
        quote: bool = True,
    ) -> None:
        """An ``<a href>``; recorded as an edge when the href is an http(s) URL.

        ``text`` is plain text (escaped here); ``img_alt`` adds an image after it whose alt
        is the anchor when the text is empty. ``tag="A"`` and ``quote=False`` write the
        upper-case, unquoted markup of old hand-made pages.
        """
        href_attr = f'"{html.escape(href)}"' if quote else href
        rel_attr = f' rel="{rel}"' if rel else ""
        inner = html.escape(text, quote=False)
        if img_alt is not None:
            inner += f'<img src="{img_src}" alt="{html.escape(img_alt)}" width="120">'
        name = "HREF" if tag.isupper() else "href"
        self.parts.append(f"<{tag} {name}={href_attr}{rel_attr}{attrs}>{inner}</{tag}>")
        anchor = collapse(text)
        if not anchor and img_alt:
            anchor = collapse(img_alt)
        self._record(href, anchor, rel, "a", placement)

    def area(self, href: str, alt: str, placement: str, coords: str) -> None:
        """An image-map ``<area href>``: its alt text is the anchor."""
        self.parts.append(
            f'<area shape="rect" coords="{coords}" href="{html.escape(href)}"'
            f' alt="{html.escape(alt)}">'
        )
        self._record(href, collapse(alt), "", "area", placement)

    def _record(self, href: str, anchor: str, rel: str, kind: str, placement: str) -> None:
        dst = resolve_href(self.base, href)
        if dst is None:
            self.non_edge_hrefs.append(href)
            return
        self.links.append(Link(href, dst, anchor, normalize_rel(rel), kind, placement))

    def finish(self, status: int = 200, delay: float = 0.0) -> PageModel:
        """The finished page: body encoded in the page's charset, and its model."""
        body = "".join(self.parts).encode(self.charset)
        headers = [("Content-Type", f"text/html; charset={self.charset}"), *self.headers]
        return PageModel(
            url=self.url,
            status=status,
            content_type="text/html",
            charset=self.charset,
            headers=headers,
            body=body,
            title=self.title,
            lang=self.lang,
            canonical=self.canonical,
            robots=self.robots,
            redirect_to=self.redirect_to,
            links=self.links,
            non_edge_hrefs=self.non_edge_hrefs,
            base_href=self.base_href,
            delay=delay,
        )


_REASONS = {404: "Not Found", 410: "Gone", 500: "Internal Server Error"}


def error_page(url: str, status: int) -> PageModel:
    """The small HTML page a web server sends with a 4xx/5xx answer (links never read)."""
    reason = _REASONS.get(status, "Error")
    b = PageBuilder(url)
    b.head(f"{status} {reason}")
    b.raw(f"<body>\n<h1>{reason}</h1>\n<p>The requested URL was not available.</p>\n")
    b.raw("</body>\n</html>\n")
    return b.finish(status)


def redirect_page(url: str, status: int, location: str) -> PageModel:
    """An HTTP redirect: empty body, a Location header, one edge of kind ``redirect``."""
    target = normalize_url(location)
    assert target is not None
    return PageModel(
        url=url,
        status=status,
        content_type=None,
        charset=None,
        headers=[("Location", location)],
        body=b"",
        redirect_to=target,
        links=[Link(location, target, "", "", "redirect", "content")],
    )


def plain_file(url: str, content_type: str, body: bytes, headers=()) -> PageModel:
    """A non-HTML answer (robots.txt, sitemap, PDF, image): recorded, never parsed."""
    robots: list[str] = []
    for name, value in headers:
        if name.lower() == "x-robots-tag":
            robots.extend(t.strip().lower() for t in value.split(",") if t.strip())
    return PageModel(
        url=url,
        status=200,
        content_type=content_type.split(";")[0].strip().lower(),
        charset=None,
        headers=[("Content-Type", content_type), *headers],
        body=body,
        robots=robots,
    )


def sitemap_xml(urls: list[str]) -> bytes:
    """A sitemaps.org urlset listing ``urls`` in the given order."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"<url><loc>{escape(u)}</loc></url>" for u in urls]
    lines.append("</urlset>\n")
    return "\n".join(lines).encode()


def sitemap_file(
    url: str, locs: list[str], *, index: bool = False, gzipped: bool = False
) -> PageModel:
    """A sitemap answer listing ``locs``: a urlset, or a sitemap index (``index``), as
    XML or gzipped XML (``gzipped``, served as ``application/gzip``, fixed mtime so the
    bytes are the same in every run). The model keeps the locs for the ground truth."""
    if index:
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
            *(f"<sitemap><loc>{escape(u)}</loc></sitemap>" for u in locs),
            "</sitemapindex>\n",
        ]
        body = "\n".join(lines).encode()
    else:
        body = sitemap_xml(locs)
    content_type = "application/xml"
    if gzipped:
        body = gzip.compress(body, mtime=0)
        content_type = "application/gzip"
    model = plain_file(url, content_type, body)
    model.sitemap_locs = list(locs)
    model.sitemap_index = index
    return model
