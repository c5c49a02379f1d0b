"""Common Crawl's ranks files: harmonic centrality and PageRank of every host or domain.

Published beside each web graph as ``*-ranks.txt.gz``: a header line
``#harmonicc_pos #harmonicc_val #pr_pos #pr_val #host_rev`` (plus ``#n_hosts`` at domain
level; the name column is called ``#host_rev`` in both), tab-separated, sorted by
harmonic-centrality rank, names in reverse domain notation. ``read_ranks`` turns one into
a table keyed by the name the right way round, so it can stand wherever linkgraph takes
authority (``--authority FILE``).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from crawler.archive.sources import describe, open_at
from crawler.archive.webgraph import arrow_stream, unreverse
from crawler.errors import InputFileError, one_line

__all__ = ["RANKS_HEADER", "is_ranks_file", "read_ranks"]

#: The first columns of a ranks file's header line.
RANKS_HEADER = ("#harmonicc_pos", "#harmonicc_val", "#pr_pos", "#pr_val", "#host_rev")


def _head(path: str) -> bytes:
    with open_at(describe(path)) as raw:
        start = raw.read(2)
        raw.seek(0)
        if start == b"\x1f\x8b":
            import gzip

            raw = gzip.GzipFile(fileobj=raw)
        try:
            return raw.readline(4096)
        except (OSError, EOFError):
            return b""


def is_ranks_file(path: str) -> bool:
    """Does ``path`` start with a Common Crawl ranks header?"""
    fields = _head(path).decode("latin-1").rstrip("\r\n").split("\t")
    return fields[: len(RANKS_HEADER)] == list(RANKS_HEADER)


def read_ranks(path: str) -> pa.Table:
    """A ranks file as a table: ``domain`` (or ``host``, for a host-level file), ``pagerank``
    (``#pr_val``), ``pagerank_pos``, ``harmonic`` (``#harmonicc_val``), ``harmonic_pos``
    and, at domain level, ``hosts``; in the file's order."""
    header = _head(path).decode("latin-1").rstrip("\r\n").split("\t")
    if header[: len(RANKS_HEADER)] != list(RANKS_HEADER):
        raise InputFileError(path, "not a Common Crawl ranks file (no #harmonicc_pos header)")
    names = ["harmonic_pos", "harmonic", "pagerank_pos", "pagerank", "name", "hosts"][: len(header)]
    types = {
        "harmonic_pos": pa.int64(),
        "harmonic": pa.float64(),
        "pagerank_pos": pa.int64(),
        "pagerank": pa.float64(),
        "name": pa.string(),
        "hosts": pa.int64(),
    }
    try:
        table = pacsv.read_csv(
            arrow_stream(describe(path)),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False, escape_char=False),
            convert_options=pacsv.ConvertOptions(
                column_types={n: types[n] for n in names}, strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, OSError, EOFError) as exc:
        raise InputFileError(path, f"not a Common Crawl ranks file ({one_line(exc)})") from None
    level = "domain" if "hosts" in names else "host"
    unreversed = pa.array([unreverse(n) for n in table.column("name").to_pylist()], pa.string())
    columns = {level: unreversed}
    for name in ("pagerank", "pagerank_pos", "harmonic", "harmonic_pos", "hosts"):
        if name in names:
            columns[name] = table.column(name)
    result = pa.table(columns)
    if pc.any(pc.is_null(result.column("pagerank"))).as_py():
        raise InputFileError(path, "ranks file has rows without #pr_val")
    return result
