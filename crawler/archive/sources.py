"""Input files of archive ingest: local paths or URLs, their identity, and how they are read.

A local file is identified by its content: its SHA-256 (computed up front; hashing runs
at about 1.2 GB/s here, against minutes of parsing for a 1 GB WARC), so the same file
under another name is the same input and is never ingested twice. A URL (anything
``fsspec`` can open: ``https://``, ``s3://`` ...) is identified by its address, size and
ETag, and hashed while it is read. ``key`` (16 hex digits of either) names the input's
Parquet parts and its entry in ``crawl.json``.

Listings (the web graphs' ``*.paths.gz``, folders of ``part-*`` files) are expanded here
too. Nothing here decodes records: ``crawler.archive.warc`` does.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from crawler.errors import InputFileError, one_line

__all__ = ["Source", "describe", "expand", "is_url", "open_at", "next_record_start"]

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/"
_SCAN = 1 << 20


def is_url(name: str) -> bool:
    """Is ``name`` a URL (opened through fsspec) rather than a local path?

    >>> is_url("https://data.commoncrawl.org/x.warc.gz"), is_url("data/x.warc.gz")
    (True, False)
    """
    return bool(_SCHEME.match(name)) and not name.startswith("file://")


@dataclass(frozen=True)
class Source:
    """One input file: as given, where it is, its size and digest, and its key."""

    name: str
    location: str
    remote: bool
    size: int | None
    sha256: str | None
    key: str

    def manifest(self) -> dict:
        """What ``crawl.json`` records about the file."""
        return {
            "source": self.name,
            "location": self.location,
            "size": self.size,
            "sha256": self.sha256,
            "key": self.key,
        }


def _local_path(name: str) -> Path:
    return Path(name[len("file://") :] if name.startswith("file://") else name)


def describe(name: str) -> Source:
    """The ``Source`` of a path or URL; ``InputFileError`` when it cannot be read."""
    if is_url(name):
        import fsspec

        try:
            fs, path = fsspec.core.url_to_fs(name)
            info = fs.info(path)
        except Exception as exc:  # fsspec's backends raise their own classes
            raise InputFileError(name, f"cannot open ({one_line(exc)})") from None
        size = info.get("size")
        etag = info.get("ETag") or info.get("etag") or ""
        key = hashlib.sha256(f"{name}\n{size}\n{etag}".encode()).hexdigest()[:16]
        return Source(name, name, True, size, None, key)
    path = _local_path(name)
    if not path.is_file():
        raise InputFileError(name, "no such file" if not path.exists() else "not a file")
    try:
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        raise InputFileError(name, f"cannot read ({one_line(exc)})") from None
    return Source(name, str(path.resolve()), False, path.stat().st_size, digest, digest[:16])


def open_at(source: Source, offset: int = 0) -> BinaryIO:
    """The file's bytes from ``offset`` on, as a binary file object (the caller closes)."""
    try:
        if source.remote:
            import fsspec

            handle = fsspec.open(source.location, "rb").open()
        else:
            handle = open(source.location, "rb")  # noqa: SIM115 - the caller closes it
        if offset:
            handle.seek(offset)
    except Exception as exc:
        raise InputFileError(source.name, f"cannot read ({one_line(exc)})") from None
    return handle


def next_record_start(source: Source, offset: int, gzipped: bool) -> int | None:
    """The first offset at or after ``offset`` where a record may start: a gzip member
    header in a gzipped file, a ``WARC/`` version line in a plain one; None at the end.

    Used to go on reading after a damaged record (a false match is simply damaged too).
    """
    magic = _GZIP_MAGIC if gzipped else _WARC_MAGIC
    with open_at(source, offset) as handle:
        carry = b""
        base = offset
        while True:
            chunk = handle.read(_SCAN)
            if not chunk:
                return None
            data = carry + chunk
            at = data.find(magic)
            while at >= 0 and not gzipped and at > 0 and data[at - 1 : at] != b"\n":
                at = data.find(magic, at + 1)
            if at >= 0:
                return base + at
            keep = len(magic)
            carry = data[-keep:]
            base += len(data) - keep


def expand(name: str) -> list[str]:
    """The part files a web-graph argument stands for, in order.

    A folder: its ``part-*`` files, sorted. A ``*.paths.gz`` (or ``*.paths``) listing: the
    paths or URLs it lists, one a line, relative ones taken from the listing's folder (as
    Common Crawl publishes them, relative to its bucket's root, which is where a
    downloaded release is usually unpacked). Anything else: itself.
    """
    if not is_url(name) and _local_path(name).is_dir():
        parts = sorted(p for p in _local_path(name).iterdir() if p.name.startswith("part-"))
        if not parts:
            raise InputFileError(name, "folder holds no part-* files")
        return [str(p) for p in parts]
    if not re.search(r"\.paths(\.gz)?$", name):
        return [name]
    source = describe(name)
    with open_at(source) as handle:
        data = handle.read()
    try:
        text = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
        lines = [line.strip() for line in text.decode("utf-8").splitlines()]
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputFileError(name, f"not a paths listing ({one_line(exc)})") from None
    lines = [line for line in lines if line]
    if not lines:
        raise InputFileError(name, "paths listing is empty")
    return [_beside(name, line) for line in lines]


def _beside(listing: str, entry: str) -> str:
    """A listing's entry as a path or URL: absolute ones as they are, relative ones from
    the listing's folder, or from a parent of it that holds the entry's first folder."""
    if is_url(entry) or os.path.isabs(entry):
        return entry
    if is_url(listing):
        return listing.rsplit("/", 1)[0] + "/" + entry
    folder = _local_path(listing).resolve().parent
    first = entry.split("/", 1)[0]
    for candidate in (folder, *folder.parents):
        if (candidate / entry).exists() or (candidate / first).is_dir():
            return str(candidate / entry)
    return str(folder / entry)


def iter_lines(source: Source) -> Iterator[bytes]:
    """The lines of a (gzipped or plain) text file, streamed, without line ends."""
    with open_at(source) as raw:
        head = raw.read(2)
        raw.seek(0)
        stream = gzip.GzipFile(fileobj=raw) if head == b"\x1f\x8b" else raw
        try:
            for line in stream:
                yield line.rstrip(b"\r\n")
        except (OSError, EOFError) as exc:
            raise InputFileError(source.name, f"cannot read ({one_line(exc)})") from None
