"""A download that gave no usable answer, in the few words the ``error`` column holds.

Shared by the spider (the ``pages`` row of a URL that failed) and the robots.txt
middleware (why a site's robots.txt could not be read), so both say the same thing about
the same failure. Pure: it looks at exception class names and messages only.
"""

from __future__ import annotations

__all__ = ["TOO_LARGE", "describe"]

#: The error of a body cut by the size cap (``DOWNLOAD_MAXSIZE``), whether it was declared
#: too large, grew too large while arriving, or decompressed too large.
TOO_LARGE = "too large"

_LOST = (
    "ResponseNeverReceived",
    "ConnectionLost",
    "ConnectionDone",
    "ResponseFailed",
    "DownloadFailedError",
    "ResponseDataLossError",
)


def describe(exc: BaseException) -> str:
    """A short, stable description of a failed download.

    Scrapy cancels a download only at the size cap (``DownloadCancelledError``), and its
    decompression stops a body that inflates past the cap with a message naming
    ``DOWNLOAD_MAXSIZE``: both are ``too large``.

    >>> from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError
    >>> describe(DownloadCancelledError()), describe(DownloadTimeoutError("took 30 s"))
    ('too large', 'timeout')
    >>> describe(ValueError("a\\nb"))
    'ValueError: a'
    """
    name = type(exc).__name__
    text = str(exc).splitlines()[0] if str(exc) else ""
    if name == "DownloadCancelledError":
        return TOO_LARGE
    if "Timeout" in name or "timed out" in text.lower():
        return "timeout"
    if "ConnectionRefused" in name:
        return "connection refused"
    if "DNSLookup" in name or "CannotResolveHost" in name:
        return "dns lookup failed"
    if "maxsize" in text.lower() or "max size" in text.lower():
        return TOO_LARGE
    if name in _LOST:
        return "connection lost"
    return f"{name}: {text}"[:200] if text else name
