"""WARC output: with ``-s WARC_OUTPUT=true`` the crawl also keeps what it fetched as WARC.

Files go to ``DATA_DIR/<crawl_id>/warc/part-NNNNNN-SSS.warc.gz`` (WARC/1.1, one gzip
member a record): a ``warcinfo`` record, then for each fetched page a ``request`` and a
``response`` record with ``WARC-Target-URI``, ``WARC-Date`` (milliseconds, the page row's
``fetched_at``), ``WARC-IP-Address``, ``WARC-Payload-Digest`` and ``WARC-Block-Digest``
(SHA-1, base 32), linked by ``WARC-Concurrent-To``. ``linkgraph ingest`` of them gives the
crawl's own pages and edges (``tests/test_warc_output.py``).

What a response record holds: the status and the headers as the server sent them (caught
by ``WarcCaptureMiddleware`` before Scrapy decompresses the body) and the body as the
spider parsed it: decoded (Scrapy undoes gzip, deflate, br and zstd, and Twisted the chunk
framing, and keeps only the result). Headers that describe an encoding no longer applied
(``Content-Encoding``, ``Transfer-Encoding``, ``Content-Length``) are kept renamed
``X-Crawler-...`` and a ``Content-Length`` of the stored body is added: Common Crawl's
convention, so every WARC reader, and our ingest, reads the stored bytes as they are.

Durability: records are written as each page's item reaches the pipelines, into hidden
``.batch-SSS.warc.gz.tmp`` files (rolled over after ``WARC_MAX_SIZE`` bytes). When the
Parquet writer commits a batch it sends ``crawler.pipelines.batch_committing`` between the
edges part and the pages part (the commit point): the batch's files are renamed into
place then, named after its part number. A crawl that resumes deletes the temporary files
and any WARC part whose pages part never appeared, so after a kill the WARC files hold
each stored page once and nothing else, as the Parquet does.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import uuid
import zlib
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured

from crawler.pipelines import batch_committing

__all__ = ["WarcCaptureMiddleware", "WarcPipeline", "RENAMED_HEADERS"]

logger = logging.getLogger(__name__)

#: Headers kept as ``X-Crawler-NAME`` because the stored body no longer has what they say.
RENAMED_HEADERS = ("content-encoding", "transfer-encoding", "content-length")
_RECEIVED = "lg_warc_received"
_PART = re.compile(r"^part-(\d{6,})-\d{3}\.warc\.gz$")


class WarcCaptureMiddleware:
    """Downloader middleware just above ``HttpCompressionMiddleware`` (590): keeps the
    response headers as received, before decompression changes them."""

    def __init__(self, crawler) -> None:
        if not crawler.settings.getbool("WARC_OUTPUT"):
            raise NotConfigured

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        request.meta[_RECEIVED] = [
            (name, value) for name, values in response.headers.items() for value in values
        ]
        return response


def _digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _date(ms: int) -> str:
    when = datetime.fromtimestamp(ms / 1000, UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def _header_lines(pairs) -> bytes:
    return b"".join(_bytes(k) + b": " + _bytes(v) + b"\r\n" for k, v in pairs)


def _bytes(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("latin-1", "replace")


def response_block(status: int, received, final_headers, body: bytes) -> bytes:
    """The HTTP response as a WARC response record stores it (see the module's docstring)."""
    still_encoded = final_headers.get(b"Content-Encoding") is not None
    pairs = []
    for name, value in received:
        lower = _bytes(name).lower().decode("latin-1")
        if lower in RENAMED_HEADERS and not (lower == "content-encoding" and still_encoded):
            name = b"X-Crawler-" + _bytes(name)
        pairs.append((name, value))
    pairs.append((b"Content-Length", str(len(body))))
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    head = f"HTTP/1.1 {status} {reason}".rstrip().encode("ascii") + b"\r\n"
    return head + _header_lines(pairs) + b"\r\n" + body


def request_block(request) -> bytes:
    """The HTTP request as sent (Scrapy's headers; Host first, as Twisted sends it)."""
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    pairs = [(b"Host", parts.netloc)]
    pairs += [(k, v) for k, values in request.headers.items() for v in values]
    line = f"{request.method} {target} HTTP/1.1\r\n".encode("latin-1", "replace")
    return line + _header_lines(pairs) + b"\r\n"


def record(fields: list[tuple[str, str]], block: bytes, payload: bytes | None = None) -> bytes:
    """One WARC/1.1 record (not yet compressed)."""
    fields = list(fields)
    if payload is not None:
        fields.append(("WARC-Payload-Digest", _digest(payload)))
    fields.append(("WARC-Block-Digest", _digest(block)))
    fields.append(("Content-Length", str(len(block))))
    head = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields) + "\r\n"
    return head.encode("utf-8") + block + b"\r\n\r\n"


def _gzip(data: bytes, level: int) -> bytes:
    packer = zlib.compressobj(level, zlib.DEFLATED, 31)
    return packer.compress(data) + packer.flush()


class WarcPipeline:
    """Item pipeline before the Parquet pipeline (290 < 300): writes each fetched page's
    request and response records, and commits them with the Parquet batch."""

    def __init__(self, crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("WARC_OUTPUT"):
            raise NotConfigured
        self.crawler = crawler
        self.max_size = settings.getint("WARC_MAX_SIZE")
        self.level = settings.getint("WARC_GZIP_LEVEL")
        self.folder: Path | None = None
        self.segments: list[Path] = []
        self.size = 0
        self.records = 0
        crawler.signals.connect(self.commit, signal=batch_committing)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None) -> None:
        spider = self.crawler.spider
        self.folder = Path(spider.output_dir) / "warc"
        self.folder.mkdir(parents=True, exist_ok=True)
        pages = {p.name.removesuffix(".parquet") for p in (spider.output_dir / "pages").glob("*")}
        for path in self.folder.iterdir():
            match = _PART.match(path.name)
            stale = path.name.endswith(".tmp") or (match and f"part-{match[1]}" not in pages)
            if stale:  # a batch that was never committed
                path.unlink()

    def _segment(self) -> Path:
        if not self.segments or self.size >= self.max_size:
            path = self.folder / f".batch-{len(self.segments):03d}.warc.gz.tmp"
            path.write_bytes(b"")
            self.segments.append(path)
            self.size = 0
            info = b"software: linkgraph crawler\r\nformat: WARC File Format 1.1\r\n"
            fields = [
                ("WARC-Type", "warcinfo"),
                ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid4()}>"),
                ("WARC-Date", _date(int(datetime.now(UTC).timestamp() * 1000))),
                ("Content-Type", "application/warc-fields"),
            ]
            self._append(path, record(fields, info))
        return self.segments[-1]

    def _append(self, path: Path, data: bytes) -> None:
        packed = _gzip(data, self.level)
        with path.open("ab") as handle:
            handle.write(packed)
        self.size += len(packed)

    def process_item(self, item, spider=None):
        response = getattr(item, "response", None)
        if response is None:  # no answer came: nothing to archive
            return item
        page = item.page
        url, date = page["url"], _date(page["fetched_at"])
        request_id, response_id = (f"<urn:uuid:{uuid.uuid4()}>" for _ in range(2))
        common = [("WARC-Date", date), ("WARC-Target-URI", url)]
        if page.get("ip"):
            common.append(("WARC-IP-Address", page["ip"]))
        received = response.meta.get(_RECEIVED) or [
            (k, v) for k, values in response.headers.items() for v in values
        ]
        block = response_block(response.status, received, response.headers, response.body)
        data = record(
            [
                ("WARC-Type", "response"),
                ("WARC-Record-ID", response_id),
                *common,
                ("Content-Type", "application/http;msgtype=response"),
            ],
            block,
            payload=response.body,
        )
        data += record(
            [
                ("WARC-Type", "request"),
                ("WARC-Record-ID", request_id),
                *common,
                ("WARC-Concurrent-To", response_id),
                ("Content-Type", "application/http;msgtype=request"),
            ],
            request_block(response.request),
            payload=b"",
        )
        self._append(self._segment(), data)
        self.records += 2
        self.crawler.stats.inc_value("linkgraph/warc_records", 2)
        return item

    def commit(self, part: int, urls: list[str]) -> None:
        """The batch ``part`` is being committed: its WARC files take their final names."""
        for number, path in enumerate(self.segments):
            path.rename(self.folder / f"part-{part:06d}-{number:03d}.warc.gz")
        self.segments = []
        self.size = 0

    def close_spider(self, spider=None) -> None:
        # The Parquet pipeline closed first (pipelines close in reverse order) and
        # committed the last batch; anything left belongs to no stored page.
        for path in self.segments:
            path.unlink(missing_ok=True)
        self.segments = []
