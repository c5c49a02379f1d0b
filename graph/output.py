"""Write result tables where the user asked (by extension) and print them on a terminal.

One place for every command's ``--out``: Parquet, CSV or JSON chosen by the file
extension, written atomically (temporary name, then rename). CSV cells that a spreadsheet
would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return)
are prefixed with a quote, because anchors and titles are written by strangers (OWASP,
"CSV Injection").
"""

from __future__ import annotations

import csv
import json
import math
import os
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from crawler.atomic import atomic_path, write_text_atomic
from crawler.errors import LinkgraphError

__all__ = [
    "FORMATS",
    "OutputError",
    "write_table",
    "write_text",
    "print_table",
    "neutralise_cell",
]

FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".json": "json"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class OutputError(LinkgraphError):
    """The output path cannot be written (message is one line)."""


def neutralise_cell(value: object) -> object:
    """Make a CSV cell inert for spreadsheets: text starting like a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _json_value(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def write_table(table: pa.Table, path: str | os.PathLike[str]) -> Path:
    """Write ``table`` to ``path`` as Parquet, CSV or JSON, chosen by its extension."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise OutputError(
            f"{path}: unknown output format {path.suffix or '(none)'!r}; "
            "use .parquet, .csv or .json"
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{path}: directory {folder} does not exist")
    with atomic_path(path) as tmp:
        if fmt == "parquet":
            pq.write_table(table, tmp, compression="zstd")
        elif fmt == "csv":
            with open(tmp, "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(table.column_names)
                for row in table.to_pylist():
                    writer.writerow([neutralise_cell("" if v is None else v) for v in row.values()])
        else:
            with open(tmp, "w", encoding="utf-8") as fh:
                rows = [{k: _json_value(v) for k, v in r.items()} for r in table.to_pylist()]
                json.dump(rows, fh, ensure_ascii=False, indent=1, default=str)
                fh.write("\n")
    return path


def write_text(text: str, path: str | os.PathLike[str]) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically: a temporary name, then a rename."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{path}: directory {folder} does not exist")
    return write_text_atomic(text, path)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def print_table(table: pa.Table, title: str | None = None, limit: int | None = None) -> None:
    """Print ``table`` (its first ``limit`` rows) as a readable table on stdout.

    Uses rich on a terminal; plain tab-separated lines when stdout is a pipe, so the output
    stays greppable. Cell text is printed literally (rich markup in anchors is not run).
    """
    rows = table.slice(0, limit).to_pylist() if limit is not None else table.to_pylist()
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        view = Table(title=title, show_lines=False)
        for name in table.column_names:
            view.add_column(name, overflow="fold")
        for row in rows:
            view.add_row(*(Text(_cell(v)) for v in row.values()))
        Console().print(view)
    else:
        if title:
            print(f"# {title}")
        print("\t".join(table.column_names))
        for row in rows:
            print("\t".join(_cell(v).replace("\t", " ").replace("\n", " ") for v in row.values()))
    if limit is not None and table.num_rows > limit:
        print(f"({table.num_rows - limit} more rows; use --out FILE to write all)")
