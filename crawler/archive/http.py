"""HTTP message bodies as web archives hold them: chunked framing and content encodings.

A WARC response record holds the HTTP response "as received", but archives differ in what
that means, measured on real files:

- Heritrix (and our own crawler's WARC output for the transfer framing) store the bytes
  from the wire: a ``Transfer-Encoding: chunked`` body still has its chunk lines and a
  ``Content-Encoding: gzip`` body is still compressed.
- Common Crawl stores the payload already de-chunked and decoded and renames the headers
  that described what was undone (``X-Crawler-Transfer-Encoding``,
  ``X-Crawler-Content-Encoding``, ``X-Crawler-Content-Length``): only the headers
  under their real names say what is still to be undone, so nothing is decoded twice.
- Some servers send ``Transfer-Encoding: chunked`` with a body that is not chunked.
  ``dechunk`` then says so (None) and the body is read as it is, as a browser would.
  (FastWARC's own decoding raises on such a record and stops the whole file, which is why
  records are read undecoded and decoded here.)
"""

from __future__ import annotations

import zlib

__all__ = ["MAX_BODY", "dechunk", "decode_content", "UndecodableBody"]

#: The most of one body that is decoded (the crawler's own ``DOWNLOAD_MAXSIZE``): a
#: larger page is read truncated, as the crawler would not read it at all.
MAX_BODY = 10 * 1024 * 1024


class UndecodableBody(ValueError):
    """A ``Content-Encoding`` that is unknown or whose data is damaged."""


def dechunk(data: bytes) -> bytes | None:
    """The body of a ``Transfer-Encoding: chunked`` message; None when it is not chunked.

    Chunk extensions and trailers are ignored; a body cut short (a truncated record) gives
    the chunks it holds.

    >>> dechunk(b"4\\r\\nWiki\\r\\n5;ext=1\\r\\npedia\\r\\n0\\r\\n\\r\\n")
    b'Wikipedia'
    >>> dechunk(b"<html>not chunked</html>") is None
    True
    """
    parts: list[bytes] = []
    pos, end = 0, len(data)
    while pos < end:
        eol = data.find(b"\n", pos)
        if eol < 0:
            return None
        size_text = data[pos:eol].split(b";", 1)[0].strip()
        if not size_text or len(size_text) > 16:
            return None
        try:
            size = int(size_text, 16)
        except ValueError:
            return None
        if size == 0:
            return b"".join(parts)
        start = eol + 1
        parts.append(data[start : start + size])
        pos = start + size
        if data[pos : pos + 2] == b"\r\n":
            pos += 2
        elif data[pos : pos + 1] == b"\n":
            pos += 1
        elif pos < end:
            return None
    return b"".join(parts)


def _inflate(data: bytes, wbits: int) -> bytes:
    decoder = zlib.decompressobj(wbits)
    return decoder.decompress(data, MAX_BODY)


def decode_content(body: bytes, encodings: list[str]) -> bytes:
    """Undo ``Content-Encoding`` values (applied in order, so undone last first).

    ``gzip``, ``deflate`` (zlib or raw, as servers send both), ``br`` and ``zstd`` when
    their Python packages are installed; the result is cut at ``MAX_BODY``. Raises
    ``UndecodableBody`` for anything else or damaged data.

    >>> import gzip
    >>> decode_content(gzip.compress(b"<p>hi</p>"), ["gzip"])
    b'<p>hi</p>'
    """
    for encoding in reversed([e.strip().lower() for e in encodings if e.strip()]):
        try:
            if encoding in ("gzip", "x-gzip"):
                body = _inflate(body, 47)  # gzip or zlib header, as browsers accept
            elif encoding == "deflate":
                try:
                    body = _inflate(body, 15)
                except zlib.error:
                    body = _inflate(body, -15)
            elif encoding == "br":
                import brotli  # optional, as in Scrapy

                body = brotli.decompress(body)[:MAX_BODY]
            elif encoding == "zstd":
                import zstandard  # optional, as in Scrapy

                reader = zstandard.ZstdDecompressor().stream_reader(body)
                body = reader.read(MAX_BODY)
            elif encoding != "identity":
                raise UndecodableBody(f"unknown Content-Encoding {encoding!r}")
        except ImportError:
            raise UndecodableBody(f"no decoder installed for Content-Encoding {encoding}") from None
        except (zlib.error, ValueError, OSError) as exc:
            if isinstance(exc, UndecodableBody):
                raise
            raise UndecodableBody(f"damaged {encoding} body ({exc})") from None
    return body
