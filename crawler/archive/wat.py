"""Common Crawl's WAT link metadata -> page rows and links, as the crawler would make them.

A WAT file is a WARC file of ``metadata`` records, one per record of the WARC it
describes, each holding JSON: ``Envelope.WARC-Header-Metadata`` (the original record's
type, ``WARC-Target-URI``, ``WARC-Date``, ``WARC-IP-Address``) and, for HTTP responses,
``Envelope.Payload-Metadata.HTTP-Response-Metadata`` with the status, the headers and,
for HTML, ``HTML-Metadata``: ``Head`` (``Title``, ``Base``, ``Metas``, ``Link`` entries with
``rel``) and ``Links`` (``path`` such as ``A@/href`` or ``IMG@/src``, the raw ``url``,
``text``, and in newer files ``rel``). Key order differs between years; only names are
used.

What the rows hold, against a crawl of the same page:

- Status, content type, redirects (``Location``) and ``X-Robots-Tag`` go through
  ``crawler.rows.page_record`` (with an empty body), as for a crawled page.
- Links are the ``A@/href`` and ``AREA@/href`` entries, in the order listed. The ``url``
  is left as the page spelled it, HTML entities included (``&amp;``), so it is unescaped
  first, then resolved against ``Head.Base`` (itself resolved against the page) or the
  page URL, as a browser would (``crawler.urls.resolve_href``: ``#top``, ``./x`` and
  ``javascript:`` behave as in a crawl). The anchor is the listed ``text`` (``alt`` for
  areas); an image-only anchor's ``alt`` is not listed with the link, so such anchors
  are empty.
- Placement is ``unknown``: the JSON does not say where on the page a link sits.
- Title, canonical (``Link`` with ``rel=canonical``), robots (``Metas``) and a meta
  refresh come from ``Head``; the page language is not in a WAT (null).
"""

from __future__ import annotations

import html
import json

from crawler.directives import BOT_NAME, parse_robots, refresh_url_of
from crawler.extract import Link
from crawler.rows import header_values, page_record
from crawler.urls import host_of, normalize_url, registered_domain, resolve_href

__all__ = ["page_of", "UNKNOWN_PLACEMENT"]

#: The placement of every WAT link (``crawler.schema.PLACEMENTS``).
UNKNOWN_PLACEMENT = "unknown"
_KINDS = {"A@/href": "a", "AREA@/href": "area"}


def _collapse(text) -> str:
    return " ".join(str(text).split()) if text else ""


def _headers(raw) -> list[tuple[str, str]]:
    if not isinstance(raw, dict):
        return []
    pairs: list[tuple[str, str]] = []
    for name, value in raw.items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append((str(name), str(one)))
    return pairs


def _resolve(base: str, raw) -> str | None:
    return resolve_href(base, html.unescape(str(raw))) if raw else None


def _link(dst: str, anchor: str, rel: str, page_nofollow: bool, kind: str, position: int):
    tokens = rel.lower().split()
    rel = " ".join(dict.fromkeys(tokens))
    ugc, sponsored = "ugc" in tokens, "sponsored" in tokens
    nofollow = page_nofollow or ugc or sponsored or "nofollow" in tokens
    host = host_of(dst)
    placement = UNKNOWN_PLACEMENT if kind != "redirect" else "content"
    return Link(
        dst,
        host,
        registered_domain(host),
        anchor,
        rel,
        nofollow,
        ugc,
        sponsored,
        kind,
        placement,
        position,
    )


def _html_fields(page: dict, meta: dict, url: str, x_robots: str | None, links_too: bool):
    """Fill ``page`` from ``HTML-Metadata`` and return its links."""
    head = meta.get("Head") or {}
    base = _resolve(url, head.get("Base")) or url
    page["title"] = _collapse(head.get("Title")) or None
    for entry in head.get("Link") or []:
        if "canonical" in str(entry.get("rel") or "").lower().split():
            page["canonical"] = _resolve(base, entry.get("url"))
            break
    robots_meta: list[str] = []
    refresh: str | None = None
    refresh_seen = False
    for entry in head.get("Metas") or []:
        name = _collapse(entry.get("name")).lower()
        if name in ("robots", BOT_NAME):
            robots_meta.append(str(entry.get("content") or ""))
        equiv = _collapse(entry.get("http-equiv")).lower()
        if equiv == "refresh" and not refresh_seen:
            valid, target = refresh_url_of(html.unescape(str(entry.get("content") or "")))
            if valid:
                refresh_seen = True
                refresh = resolve_href(base, target) if target else None
    directives = parse_robots(robots_meta, x_robots)
    page["robots"] = ",".join(directives) or None
    if not links_too:
        return []
    nofollow = "nofollow" in directives or "none" in directives
    links: list[Link] = []
    if refresh is not None:
        page["redirect_to"] = refresh
        links.append(_link(refresh, "", "", nofollow, "redirect", 0))
    for entry in meta.get("Links") or []:
        kind = _KINDS.get(entry.get("path"))
        if kind is None:
            continue
        dst = _resolve(base, entry.get("url"))
        if dst is None:
            continue
        anchor = _collapse(entry.get("text") or (entry.get("alt") if kind == "area" else ""))
        rel = str(entry.get("rel") or "")
        links.append(_link(dst, anchor, rel, nofollow, kind, len(links)))
    return links


def page_of(payload: bytes, counts, html_types: frozenset[str]):
    """The (page row, links) of one WAT record's JSON, or None for records that describe
    no HTTP response (requests, metadata, ``dns:``), which are counted as skipped."""
    from crawler.archive.warc import warc_date_ms

    envelope = json.loads(payload)["Envelope"]
    warc = envelope["WARC-Header-Metadata"]
    record_type = warc.get("WARC-Type")
    if record_type != "response":
        counts.skipped[f"WAT entry of a {record_type} record"] += 1
        return None
    url = normalize_url(str(warc.get("WARC-Target-URI") or ""))
    response = (envelope.get("Payload-Metadata") or {}).get("HTTP-Response-Metadata")
    if url is None or response is None:
        counts.skipped["WAT entry of a response that is not HTTP(S)"] += 1
        return None
    status = int(response["Response-Message"]["Status"])
    headers = _headers(response.get("Headers"))
    page, links = page_record(
        url,
        status,
        headers,
        b"",
        depth=None,
        fetched_at=warc_date_ms(warc.get("WARC-Date")),
        ip=warc.get("WARC-IP-Address") or None,
        html_types=html_types,
    )
    length = response.get("Entity-Length")
    page["bytes"] = int(length) if length is not None else None
    meta = response.get("HTML-Metadata")
    if isinstance(meta, dict) and page.get("content_type") in html_types:
        x_robots = "\n".join(header_values(headers, "X-Robots-Tag")) or None
        if 200 <= status < 300:
            links = _html_fields(page, meta, url, x_robots, True)
        elif status >= 400:
            _html_fields(page, meta, url, x_robots, False)
    return page, links
