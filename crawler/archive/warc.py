"""WARC and WAT records -> page rows and links, the way the crawler makes them.

Records are read with FastWARC (``fastwarc``: 3-4 times as fast as warcio on the same
files, ``benchmarks/bench_ingest.py``), undecoded, and turned into rows here:

- ``response`` records of HTTP(S) URLs go through ``crawler.rows.page_record``, the very
  function the crawler's spider calls, so placement, rel, anchors, redirects and robots
  agree with a crawl of the same bytes. The body is de-chunked and decoded only where its
  headers still say so (``crawler.archive.http``). Only HTML bodies are read into memory
  (at most ``MAX_BODY``); other bodies are skipped over and only measured.
- ``metadata`` records holding JSON are Common Crawl's WAT link metadata
  (``crawler.archive.wat``).
- Everything else is counted and skipped: ``request`` and ``warcinfo`` records, responses
  that are not HTTP (``dns:`` lookups), ``revisit`` records (no payload: the content is an
  earlier record's), WET ``conversion`` records (text, no links), and ``metadata``
  records that are not JSON (Heritrix's ``outlink:`` lines: the links Heritrix's own
  extractor found in the response next to them, embeds and URLs guessed from scripts
  included; the response itself is parsed instead, so a link is neither lost nor
  counted twice).

A damaged record is counted (``Counts.malformed``, with the first few reasons) and reading
goes on at the next record boundary; it never stops the file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from fastwarc.warc import ArchiveIterator, WarcRecordType

from crawler.archive import wat
from crawler.archive.http import MAX_BODY, UndecodableBody, dechunk, decode_content
from crawler.archive.sources import Source, next_record_start, open_at
from crawler.errors import one_line
from crawler.rows import DEFAULT_HTML_TYPES, header_values, media_type, page_record
from crawler.urls import normalize_url

__all__ = ["Counts", "archive_rows", "warc_date_ms"]

_EXAMPLES = 5
# By the record type's number (FastWARC's enum members are not hashable).
_SKIPPED_TYPES = {
    int(WarcRecordType.request): "request",
    int(WarcRecordType.warcinfo): "warcinfo",
    int(WarcRecordType.revisit): "revisit (no payload)",
    int(WarcRecordType.conversion): "conversion (text, no links)",
    int(WarcRecordType.resource): "resource",
    int(WarcRecordType.continuation): "continuation",
}


@dataclass
class Counts:
    """What reading one file met: records read, pages made, skipped, malformed."""

    records: int = 0
    position: int = 0  # bytes of the file read so far (its offset in a gzipped file)
    pages: int = 0
    wat_pages: int = 0
    skipped: Counter = field(default_factory=Counter)
    malformed: int = 0
    malformed_examples: list[str] = field(default_factory=list)

    def bad(self, what: str) -> None:
        self.malformed += 1
        if len(self.malformed_examples) < _EXAMPLES:
            self.malformed_examples.append(one_line(what, 200))

    def as_dict(self) -> dict:
        return {
            "read": self.records,
            "pages": self.pages,
            "wat_pages": self.wat_pages,
            "skipped": dict(sorted(self.skipped.items())),
            "malformed": self.malformed,
            "malformed_examples": self.malformed_examples,
        }


def warc_date_ms(value: str | None) -> int:
    """A ``WARC-Date`` (ISO 8601, UTC, seconds or finer) as epoch milliseconds.

    >>> warc_date_ms("2020-08-08T17:05:36Z"), warc_date_ms("2024-05-18T01:58:10.123Z")
    (1596906336000, 1715997490123)
    """
    if not value:
        raise ValueError("record has no WARC-Date")
    when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(round(when.timestamp() * 1000))


def _records(source: Source, counts: Counts) -> Iterator:
    """The file's records; after a damaged one, on from the next record boundary."""
    offset, gzipped = 0, None
    while True:
        with open_at(source, offset) as handle:
            if gzipped is None:
                gzipped = handle.read(2) == b"\x1f\x8b"
                handle.seek(0)
            last = None
            try:
                for record in ArchiveIterator(handle, parse_http=False):
                    last = counts.position = offset + record.stream_pos
                    yield record
                return
            except (OSError, ValueError) as exc:
                counts.bad(f"at byte {last if last is not None else offset}: {exc}")
        resume = next_record_start(source, (last if last is not None else offset) + 1, gzipped)
        if resume is None:
            return
        offset = resume


def _body(record, headers: list[tuple[bytes, bytes]], read_all: bool) -> tuple[bytes, int]:
    """(body as the crawler's spider would see it, or b"" when not ``read_all``; its size)."""
    reader = record.reader
    if not read_all:
        return b"", reader.consume()
    raw = reader.read(MAX_BODY + 1)
    reader.consume()
    if any("chunked" in v.lower() for v in header_values(headers, "Transfer-Encoding")):
        raw = dechunk(raw) or raw
    encodings = [e for v in header_values(headers, "Content-Encoding") for e in v.split(",")]
    body = decode_content(raw, encodings) if encodings else raw
    return body[:MAX_BODY], len(body)


def _response(record, counts: Counts, html_types: frozenset[str]):
    uri = record.headers.get("WARC-Target-URI") or ""
    url = normalize_url(uri.strip("<>")) if uri else None
    if url is None:
        counts.skipped["not an http(s) URL"] += 1
        return None
    content_type = (record.headers.get("Content-Type") or "").lower()
    if not content_type.startswith("application/http"):
        counts.skipped["response that is not HTTP"] += 1
        return None
    record.parse_http(strict_mode=False)
    http = record.http_headers
    status = http.status_code
    if status is None:
        raise ValueError(f"{url}: no HTTP status line")
    headers = list(http.items_bytes())
    kind = media_type((header_values(headers, "Content-Type") or [None])[0])
    wanted = kind in html_types and (200 <= status < 300 or status >= 400)
    body, size = _body(record, headers, wanted)
    page, links = page_record(
        url,
        status,
        headers,
        body,
        depth=None,
        fetched_at=warc_date_ms(record.headers.get("WARC-Date")),
        ip=record.headers.get("WARC-IP-Address") or None,
        html_types=html_types,
    )
    page["bytes"] = size
    return page, links


def archive_rows(
    source: Source, counts: Counts, *, html_types: Iterable[str] = DEFAULT_HTML_TYPES
) -> Iterator[tuple[dict, list]]:
    """The (page row, links) of every page in a WARC or WAT file, in file order."""
    html_types = frozenset(html_types)
    for record in _records(source, counts):
        counts.records += 1
        kind = record.record_type
        try:
            if kind == WarcRecordType.response:
                made = _response(record, counts, html_types)
            elif kind == WarcRecordType.metadata:
                if "json" not in (record.headers.get("Content-Type") or "").lower():
                    counts.skipped["metadata (not WAT)"] += 1
                    continue
                made = wat.page_of(record.reader.read(), counts, html_types)
                if made is not None:
                    counts.wat_pages += 1
            else:
                counts.skipped[_SKIPPED_TYPES.get(int(kind), str(kind))] += 1
                continue
        except (OSError, ValueError, KeyError, TypeError, UndecodableBody) as exc:
            uri = record.headers.get("WARC-Target-URI") or "?"
            counts.bad(f"{uri}: {exc}")
            continue
        if made is not None:
            counts.pages += 1
            yield made
