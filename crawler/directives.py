"""What a page says about itself, besides its links: its text encoding, its robots
directives (``<meta name=robots>`` and ``X-Robots-Tag``) and its meta refresh (no Scrapy).

Pure functions over strings, used by ``crawler.extract.parse_html`` (which re-exports
them) and by the spider for the ``X-Robots-Tag`` of answers that are not HTML. The rules
are in ``docs/extraction.md`` ("What is read, and how").
"""

from __future__ import annotations

import re

from w3lib.encoding import html_to_unicode

__all__ = ["BOT_NAME", "decode_html", "parse_robots", "refresh_url_of"]

#: The robots meta names this crawler obeys, besides ``robots``.
BOT_NAME = "linkgraphbot"

# Robots directives that carry a value after a colon; any other "word:" prefix in an
# X-Robots-Tag value names a user agent.
_VALUED_DIRECTIVES = frozenset(
    {"unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"}
)
_ASCII_WS = " \t\n\f\r"
_REFRESH_URL = re.compile(r"url[\t\n\f\r ]*=[\t\n\f\r ]*", re.IGNORECASE)


def _utf8_else_cp1252(body: bytes) -> str:
    """The encoding of a page that declares none: UTF-8 when its bytes are UTF-8 (valid,
    or with a few bad bytes among valid multi-byte characters: a damaged UTF-8 page),
    else windows-1252, the web's legacy default (the HTML Standard's fallback for most
    locales), rather than UTF-8 with every accented letter replaced by U+FFFD."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("utf-8", "replace")
        if not any(c > "\x7f" and c != "\ufffd" for c in text):
            return "cp1252"
    return "utf-8"


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode an HTML body as a browser would pick its encoding.

    A byte-order mark wins, else the charset of the ``Content-Type`` header, else a
    ``<meta charset>`` / ``http-equiv`` declaration in the first 4 KB, else UTF-8 when the
    bytes are UTF-8 (bad bytes among valid UTF-8 become U+FFFD), else windows-1252. Labels are read as the WHATWG Encoding
    Standard maps them (``gb2312`` and ``gbk`` decode as GB18030, ``iso-8859-1`` as
    windows-1252); undecodable bytes become U+FFFD rather than failing, because a crawler
    must read broken pages too. (``w3lib.encoding.html_to_unicode``, which Scrapy uses for
    the same job, with the last two steps added: w3lib alone decodes an undeclared
    windows-1252 page as UTF-8.) The page is decoded before it is parsed because lexbor
    ignores a ``<meta http-equiv>`` charset, and lxml given raw GB2312 bytes finds no
    links at all.

    >>> decode_html(b"caf\\xe9", "text/html; charset=ISO-8859-1")
    'café'
    >>> decode_html(b"<p>caf\\xe9 \\x93quoted\\x94</p>")
    '<p>café “quoted”</p>'
    >>> decode_html(b"<meta charset=gbk><p>\\xd6\\xd0\\xce\\xc4</p>")[-9:]
    '<p>中文</p>'
    """
    _, text = html_to_unicode(content_type, body, auto_detect_fun=_utf8_else_cp1252)
    return text


def _directives(value: str) -> list[str]:
    return [d for d in (" ".join(part.split()).lower() for part in value.split(",")) if d]


def parse_robots(meta: list[str], x_robots_tag: str | None) -> list[str]:
    """Merge robots directives: ``<meta>`` contents first, then the X-Robots-Tag header.

    Directives are lower-cased and kept once each, in order. In the header, a value prefixed
    with a user agent (``googlebot: noindex``) applies to that agent only, and to the
    directives after it in the same line, as Google documents; only unprefixed ones and those
    for ``linkgraphbot`` are kept. Several header lines may be passed joined by newlines.

    >>> parse_robots(["NoIndex"], "googlebot: nofollow\\nnoarchive, linkgraphbot: none")
    ['noindex', 'noarchive', 'none']
    """
    found: list[str] = []
    for content in meta:
        found.extend(_directives(content))
    if x_robots_tag:
        for line in x_robots_tag.splitlines():
            agent: str | None = None
            for directive in _directives(line):
                name, colon, rest = directive.partition(":")
                name = name.strip()
                if colon and name not in _VALUED_DIRECTIVES:
                    agent = name
                    directive = rest.strip()
                    if not directive:
                        continue
                if agent is None or agent == BOT_NAME:
                    found.append(directive)
    return list(dict.fromkeys(found))


def refresh_url_of(content: str) -> tuple[bool, str | None]:
    """Parse a meta refresh ``content`` as the HTML Standard's declarative refresh does.

    Returns ``(valid, url)``: ``valid`` is False when the content does not start with a
    time (browsers then ignore the element); ``url`` is the raw URL text, ``None`` when the
    refresh only reloads the page.

    >>> refresh_url_of("5; URL='/next'")
    (True, '/next')
    >>> refresh_url_of("10")
    (True, None)
    """
    rest = content.lstrip(_ASCII_WS)
    at = 0
    while at < len(rest) and rest[at].isdigit() and rest[at].isascii():
        at += 1
    if at == 0 and not rest.startswith("."):
        return False, None
    while at < len(rest) and (rest[at] == "." or (rest[at].isdigit() and rest[at].isascii())):
        at += 1
    rest = rest[at:]
    if not rest:
        return True, None
    if rest[0] not in _ASCII_WS + ";,":
        return False, None
    rest = rest.lstrip(_ASCII_WS)
    if rest[:1] in (";", ","):
        rest = rest[1:].lstrip(_ASCII_WS)
    if not rest:
        return True, None
    match = _REFRESH_URL.match(rest)
    if match:
        rest = rest[match.end() :]
    if rest[:1] in ("'", '"'):
        quote, rest = rest[0], rest[1:]
        end = rest.find(quote)
        if end >= 0:
            rest = rest[:end]
    return True, rest
