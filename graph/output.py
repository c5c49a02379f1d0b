"""Write result tables where the user asked (by extension) and print them on a terminal.

One place for every command's ``--out``: Parquet, CSV or JSON chosen by the file
extension, written atomically (temporary name, then rename). CSV cells that a spreadsheet
would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return)
are prefixed with a quote, because anchors and titles are written by strangers (OWASP,
"CSV Injection").

Floats are written as short as their accuracy allows (``DECIMALS``): CSV, JSON and the
terminal get rounded values, Parquet full precision. ``read_table`` reads such a file
back (``--authority FILE``).
"""

from __future__ import annotations

import csv
import json
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from crawler.atomic import atomic_path, write_text_atomic
from crawler.errors import InputFileError, LinkgraphError, one_line

__all__ = [
    "FORMATS",
    "DECIMALS",
    "OutputError",
    "score_decimals",
    "rounded",
    "plural",
    "write_table",
    "write_text",
    "writing",
    "read_table",
    "print_table",
    "neutralise_cell",
]

FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".json": "json"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def score_decimals(tol: float) -> int:
    """Decimals a score vector within L1 distance ``tol`` of the exact one supports.

    Each entry is then within ``tol`` of its exact value, so digits below ``tol``'s
    decimal place are noise: ``tol = 1e-6`` gives 6 decimals.

    >>> score_decimals(1e-6), score_decimals(2.5e-4)
    (6, 4)
    """
    return max(0, math.ceil(-math.log10(tol) - 1e-9))


#: Decimals of float columns in CSV, JSON and on the terminal. ``authority`` is a 0-100
#: score nobody reads past one decimal; shares (0..1) to a tenth of a percent; the
#: PageRank-like scores to their tolerance (``score_decimals``; 6 at the default 1e-6,
#: other tolerances pass their own); harmonic centrality (a sum of 1/distance) to 3.
DECIMALS = {
    "authority": 1,
    "authority_old": 1,
    "authority_new": 1,
    "change": 1,
    "pagerank": 6,
    "trust": 1,
    "trustrank": 6,
    "spam_mass": 3,
    "niche": 6,
    "harmonic": 3,
    "harmonic_stderr": 3,
    "reciprocal_share": 3,
    "farm_share": 3,
    "sitewide_share": 3,
    "comment_share": 3,
    "nofollow_share": 3,
}


def rounded(table: pa.Table, decimals: dict[str, int] | None = None) -> pa.Table:
    """``table`` with its float columns rounded by ``DECIMALS`` (``decimals`` overrides)."""
    wanted = {**DECIMALS, **(decimals or {})}
    for i, field in enumerate(table.schema):
        if field.name in wanted and pa.types.is_floating(field.type):
            column = pc.round(table.column(i), ndigits=wanted[field.name])
            table = table.set_column(i, field, column)
    return table


def plural(count: int, word: str, many: str | None = None) -> str:
    """``"1 domain"``, ``"2 domains"``, ``"1,000 rows"``: a count and its noun.

    >>> plural(1, "domain"), plural(2, "domain"), plural(3, "entry", "entries")
    ('1 domain', '2 domains', '3 entries')
    """
    noun = word if count == 1 else (many or word + "s")
    return f"{count:,} {noun}"


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


def write_table(
    table: pa.Table, path: str | os.PathLike[str], decimals: dict[str, int] | None = None
) -> Path:
    """Write ``table`` to ``path`` as Parquet, CSV or JSON, chosen by its extension.

    Parquet keeps full precision; CSV and JSON get floats rounded by ``rounded``.
    """
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
    if fmt != "parquet":
        table = rounded(table, decimals)
    with writing(path), atomic_path(path) as tmp:
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
    with writing(path):
        return write_text_atomic(text, path)


@contextmanager
def writing(path: str | os.PathLike[str]) -> Iterator[None]:
    """A file that cannot be written (no permission, a directory in the way, a full disk)
    becomes an ``OutputError`` naming it."""
    try:
        yield
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or one_line(exc)})") from None


def read_table(path: str | os.PathLike[str]) -> pa.Table:
    """A table from a .parquet, .csv or .json file (as ``write_table`` writes them)."""
    source = Path(path)
    if not source.is_file():
        raise InputFileError(source, "no such file")
    fmt = FORMATS.get(source.suffix.lower())
    if fmt is None:
        raise InputFileError(source, "unknown table format; use .parquet, .csv or .json")
    try:
        if fmt == "parquet":
            return pq.read_table(source)
        if fmt == "csv":
            import pyarrow.csv as pcsv

            return pcsv.read_csv(source)
        rows = json.loads(source.read_text(encoding="utf-8"))
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ValueError("not a JSON list of rows")
        return pa.Table.from_pylist(rows)
    except (OSError, UnicodeDecodeError, ValueError, pa.ArrowException) as exc:
        raise InputFileError(source, f"cannot read the table ({one_line(exc)})") from None


# Columns whose values are names: printed whole, never wrapped or cut.
_NAME_COLUMNS = ("domain", "host", "competitors", "label", "top_domains")


def _cell(value: object, terminal: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) and abs(value) >= 1e-4 else f"{value:.6g}"
    if hasattr(value, "isoformat"):
        if terminal:  # UTC, to the minute: what a reader compares at a glance
            return value.strftime("%Y-%m-%d %H:%M")
        return value.isoformat(sep=" ", timespec="seconds")
    return str(value)


def _column_style(name: str, type_: pa.DataType, cells: list[str]) -> dict:
    """How rich lays out a column: numbers right-aligned and never wrapped (their header
    may wrap between words, never inside one), names whole, long URLs cut with an
    ellipsis."""
    word = max(len(w) for w in name.split("_"))
    if pa.types.is_integer(type_) or pa.types.is_floating(type_):
        return {"justify": "right", "min_width": max(word, _widest(cells))}
    if pa.types.is_timestamp(type_):
        return {"no_wrap": True, "min_width": max(word, _widest(cells))}
    if name.endswith("url"):
        # One "word" to rich: when the column must shrink, it is cut with an ellipsis.
        return {"overflow": "ellipsis", "min_width": min(12, _widest(cells))}
    if name.endswith(_NAME_COLUMNS) or name == "referring_domain":
        return {"no_wrap": True, "min_width": _widest(cells)}
    return {"overflow": "fold"}


def _widest(cells: list[str]) -> int:
    return max([1, *(len(c) for c in cells)])


def print_table(
    table: pa.Table,
    title: str | None = None,
    limit: int | None = None,
    *,
    more: str = "use --limit N to show more",
    decimals: dict[str, int] | None = None,
    terminal: bool | None = None,
) -> None:
    """Print ``table`` (its first ``limit`` rows) as a readable table on stdout.

    Uses rich on a terminal: numbers right-aligned, domain names whole, long URLs cut with
    an ellipsis; plain tab-separated lines when stdout is a pipe, so the output stays
    greppable. Floats are rounded as in ``write_table``'s CSV. Cell text is printed
    literally (rich markup in anchors is not run). When rows were left out, a last line
    says how many, and ``more`` what to do about it. ``terminal`` overrides the check
    whether stdout is one.
    """
    shown = rounded(table.slice(0, limit) if limit is not None else table, decimals)
    on_terminal = sys.stdout.isatty() if terminal is None else terminal
    rows = [[_cell(v, on_terminal) for v in row.values()] for row in shown.to_pylist()]
    if on_terminal:
        from rich import box
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        view = Table(title=title, box=box.SIMPLE_HEAD, padding=(0, 1), collapse_padding=True)
        for i, field in enumerate(shown.schema):
            style = _column_style(field.name, field.type, [r[i] for r in rows])
            # Spaces, not underscores, between a header's words: it may wrap there.
            view.add_column(Text(field.name.replace("_", " ")), **style)
        for row in rows:
            view.add_row(*(Text(cell) for cell in row))
        Console().print(view)
    else:
        if title:
            print(f"# {title}")
        print("\t".join(table.column_names))
        for row in rows:
            print("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row))
    if limit is not None and table.num_rows > limit:
        hidden = table.num_rows - limit
        print(f"({plural(hidden, 'more row')}; {more})")
