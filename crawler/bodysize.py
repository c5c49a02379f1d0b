"""Extension: count each response body's bytes as they arrive, and cut a body at a cap
of the request's own while keeping what arrived.

Scrapy's ``DOWNLOAD_MAXSIZE`` cancels a download and throws its bytes away; two things
need more. A page cut by the cap is still a ``pages`` row (``error = "too large"``) whose
``bytes`` say how much was received: ``RECEIVED`` in the request's meta. And a robots.txt
larger than the 500 KiB the crawler reads must still give those 500 KiB (RFC 9309): a
request with ``MAX_BYTES`` in its meta stops at that many bytes and its callback gets the
body so far (Scrapy's ``StopDownload(fail=False)``, response flag ``download_stopped``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import StopDownload

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

__all__ = ["BodySize", "MAX_BYTES", "RECEIVED"]

#: Request meta: body bytes received by the latest download attempt.
RECEIVED = "lg_received"
#: Request meta: stop the download at this many bytes, keeping them (no error).
MAX_BYTES = "lg_max_bytes"


class BodySize:
    """Keep ``request.meta[RECEIVED]`` and apply ``request.meta[MAX_BYTES]``."""

    def __init__(self, crawler: Crawler) -> None:
        crawler.signals.connect(self.headers_received, signal=signals.headers_received)
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BodySize:
        return cls(crawler)

    def headers_received(self, request: Request) -> None:
        # A retry is a copy of the request, meta included: count its own bytes only.
        request.meta[RECEIVED] = 0

    def bytes_received(self, data: bytes, request: Request) -> None:
        meta = request.meta
        received = meta.get(RECEIVED, 0) + len(data)
        meta[RECEIVED] = received
        cap = meta.get(MAX_BYTES)
        if cap and received >= cap:
            raise StopDownload(fail=False)
