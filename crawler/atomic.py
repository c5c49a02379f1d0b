"""Files that appear whole or not at all: a temporary name in the same folder, then a rename.

Everything linkgraph writes (crawl batches, ``crawl.json``, result tables, reports, graph
exports, indexes) goes through ``atomic_path``: the file is written under a hidden
temporary name (``.NAME.XXXX.tmp``) beside its final place and renamed into place only
when complete. ``os.replace`` within one file system is atomic on POSIX, so a reader (or a
crawl resuming after a kill) sees the old file or the new one, never half of one; a failed
write leaves no temporary file behind. Readers ignore names starting with a dot.

Pure Python plus pyarrow for the Parquet helper; no Scrapy.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "atomic_path",
    "write_bytes_atomic",
    "write_json_atomic",
    "write_parquet_atomic",
    "write_text_atomic",
]


@contextmanager
def atomic_path(path: str | os.PathLike[str], mode: int = 0o644) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it to ``path``.

    The caller writes the temporary file (by name: any library can); when the ``with``
    block ends without an exception the file gets ``mode`` and replaces ``path``. On an
    exception the temporary file is removed and the exception goes on; ``path`` is
    untouched. The folder must exist (``FileNotFoundError`` otherwise).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(data: bytes, path: str | os.PathLike[str]) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text_atomic(text: str, path: str | os.PathLike[str]) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return write_bytes_atomic(text.encode("utf-8"), path)


def write_json_atomic(data: object, path: str | os.PathLike[str]) -> Path:
    """Write ``data`` as indented UTF-8 JSON to ``path`` atomically."""
    text = json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n"
    return write_text_atomic(text, path)


def write_parquet_atomic(table: pa.Table, path: str | os.PathLike[str], **options) -> Path:
    """Write ``table`` as Parquet (zstd, dictionary-encoded, statistics) atomically.

    ``options`` go to ``pyarrow.parquet.write_table`` and override those defaults.
    """
    import pyarrow.parquet as pq

    settings = {"compression": "zstd", "use_dictionary": True, "write_statistics": True}
    settings.update(options)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, **settings)
    return Path(path)
