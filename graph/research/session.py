"""The DuckDB session every research query runs in, and the pieces the queries share.

``connect`` opens DuckDB with views ``edges`` and ``pages`` over the crawls' Parquet files
(only the research index buckets a query needs, when there is an up-to-date index), file
names taken literally; ``locked=True`` gives a session that can read those files and
nothing else, for SQL a user writes (``graph.research.sql``);
``links_sql`` turns edge rows into one row per link by ``graph.links``'s definition;
``link_figures`` counts those rows with ``graph.links.link_counts``, the function
``linkgraph rank`` counts with, so the two always agree.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from crawler.errors import LinkgraphError
from crawler.schema import EDGES_SCHEMA, PAGES_SCHEMA, TIMESTAMP
from crawler.urls import host_of, normalize_url, registered_domain
from graph.index import indexed_files
from graph.links import CARRIED, LATEST, LINK_KEY, Links, link_counts
from graph.store import crawl_dirs, crawl_files, reading

__all__ = [
    "LINK_COLUMNS",
    "LINK_ORDER",
    "ResearchError",
    "domain_of",
    "connect",
    "arrow",
    "quote",
    "literal_file",
    "placeholders",
    "links_sql",
    "link_figures",
    "may_be_a_file_error",
    "load_authority",
    "authority_unless",
]

#: Columns of every one-row-per-link table (``--out`` of backlinks, broken, outlinks).
LINK_COLUMNS = (
    "src_url",
    "dst_url",
    "src_domain",
    "dst_domain",
    "anchor",
    "rel",
    "nofollow",
    "ugc",
    "sponsored",
    "kind",
    "placement",
    "first_seen",
    "last_seen",
)

#: The order of link tables: by linking domain, then the link's key.
LINK_ORDER = "ORDER BY src_domain, src_url, dst_url, anchor, kind"

#: DuckDB settings: the machine is shared, and a query must not take the whole of it.
DUCKDB_THREADS = int(os.environ.get("LINKGRAPH_DUCKDB_THREADS", "2"))
DUCKDB_MEMORY_LIMIT = os.environ.get("LINKGRAPH_DUCKDB_MEMORY_LIMIT", "1GB")

# DuckDB's errors that can come from a damaged file (a query's own mistakes are other
# classes; corrupt pages can also raise the bare duckdb.Error, "don't know what type").
READ_ERRORS = (duckdb.IOException, duckdb.InvalidInputException, duckdb.InternalException)


def may_be_a_file_error(error: BaseException) -> bool:
    """Whether a DuckDB error may come from a file it read, not from the query."""
    return isinstance(error, READ_ERRORS) or type(error) is duckdb.Error


# "mailto:x", "javascript:y" (but not "example.com:8080", a host and port).
_OTHER_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)


class ResearchError(LinkgraphError):
    """A research query cannot run as asked (bad domain, bad SQL); the message is one line."""


def domain_of(text: str) -> str:
    """The registered domain a user meant by ``text``: a domain, a host or a URL.

    Users type ``www.Example.com``, ``example.com`` or paste ``https://www.example.com/x``;
    all of them mean ``example.com`` (``crawler.urls.registered_domain``).

    >>> domain_of("https://Blog.RoseGarden.co.uk/x?y=1")
    'rosegarden.co.uk'
    >>> domain_of("www.example.com")
    'example.com'
    """
    raw = text.strip()
    if "://" not in raw and _OTHER_SCHEME.match(raw):
        raise ResearchError(f"{text!r} is not a domain, host or http(s) URL")
    url = normalize_url(raw if "://" in raw else "http://" + raw)
    host = host_of(url) if url else ""
    if not host or "." not in host.strip("[]") and host != "localhost":
        raise ResearchError(f"{text!r} is not a domain, host or http(s) URL")
    return registered_domain(host)


def quote(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


_GLOB = re.compile(r"([\[*?])")


def literal_file(path: str) -> str:
    """A file name as DuckDB's ``read_parquet`` reads it literally: DuckDB expands ``*``,
    ``?`` and ``[...]`` in file names, so a crawl in ``c[x]`` would read ``cx``'s files;
    each such character is written as a one-character class.

    >>> literal_file("crawls/c[x]/edges/part-000000.parquet")
    'crawls/c[[]x]/edges/part-000000.parquet'
    """
    return _GLOB.sub(r"[\1]", path)


def _lock_down(con: duckdb.DuckDBPyConnection) -> None:
    """No file, no network, no extension from now on, and no setting can undo it: the
    views over Arrow datasets still read the crawl (Arrow reads them, not DuckDB).

    DuckDB's ``allowed_paths`` / ``allowed_directories`` would let views over
    ``read_parquet`` work with external access off, but they also let ``COPY ... TO``
    write there: ``COPY ... (USE_TMP_FILE false)`` overwrites the crawl's own files.
    """
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def placeholders(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


@contextmanager
def connect(
    dirs: Sequence[str | os.PathLike[str]] | None = None,
    *,
    dst_domains: Sequence[str] | None = None,
    locked: bool = False,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection with views ``edges`` and ``pages`` over the crawls' Parquet files.

    With ``dst_domains`` the caller promises to ask only about edges pointing into those
    domains; when every crawl has an up-to-date research index (``graph.index``),
    ``edges`` then reads only the index buckets that can hold them. Threads and memory are
    capped (``LINKGRAPH_DUCKDB_THREADS``, default 2; ``LINKGRAPH_DUCKDB_MEMORY_LIMIT``,
    default 1GB) and spill files go to a private temporary directory that is removed on
    exit, because DuckDB leaves them behind when a connection is not closed. Timestamps
    are in UTC. A file DuckDB cannot read becomes an ``InputFileError`` naming it.

    ``locked``: the views read Arrow datasets of the same files (a selective query takes
    about 0.4 s longer on 5M edges, a full aggregation no longer: docs/benchmarks.md), and
    the connection then cannot touch any file, the network or an extension, nor change
    its settings (``_lock_down``).
    """
    spill = tempfile.mkdtemp(prefix="linkgraph-duckdb-")
    con = duckdb.connect(
        config={
            "threads": DUCKDB_THREADS,
            "memory_limit": DUCKDB_MEMORY_LIMIT,
            "temp_directory": spill,
        }
    )
    files: list[str] = []
    try:
        con.execute("SET TimeZone = 'UTC'")
        if dirs is not None:
            checked = crawl_dirs(dirs)
            for name, schema in (("edges", EDGES_SCHEMA), ("pages", PAGES_SCHEMA)):
                found = crawl_files(checked, name)
                if name == "edges" and dst_domains is not None:
                    found = indexed_files(checked, dst_domains) or found
                files += found
                if found and locked:
                    con.register(f"_{name}", ds.dataset(found, schema=schema, format="parquet"))
                    con.execute(f"CREATE VIEW {name} AS SELECT * FROM _{name}")
                elif found:
                    listed = ", ".join(quote(literal_file(f)) for f in found)
                    # By name: files written before a column was added lack it (null).
                    con.execute(
                        f"CREATE VIEW {name} AS SELECT * FROM "
                        f"read_parquet([{listed}], union_by_name = true)"
                    )
                else:
                    con.register(f"_empty_{name}", schema.empty_table())
                    con.execute(f"CREATE VIEW {name} AS SELECT * FROM _empty_{name}")
        if locked:
            _lock_down(con)
        # Our own queries have no mistakes a user can make: any DuckDB error may be a file's.
        with reading(files, errors=(duckdb.Error,)):
            yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def arrow(
    con: duckdb.DuckDBPyConnection, query: str, params: Sequence[object] | None = None
) -> pa.Table:
    """The result of ``query`` as Arrow, timestamps in the contract's milliseconds (UTC)."""
    return to_contract(con.sql(query, params=params).to_arrow_table())


def to_contract(table: pa.Table) -> pa.Table:
    """DuckDB's microsecond timestamps back to the contract's milliseconds, in UTC."""
    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(TIMESTAMP))
    return table


def links_sql(where: str) -> str:
    """One row per link (``graph.links``) among the edge rows matching ``where``.

    Grouped by ``LINK_KEY``; the ``CARRIED`` columns (and the domains) are those of the
    latest sighting by ``LATEST``; ``first_seen``/``last_seen`` span all sightings. The
    carried columns travel in one struct through one ``arg_max``: six separate aggregates,
    or a ``count(DISTINCT crawl_id)``, cost two to four times as much on a million-link
    profile (docs/benchmarks.md).
    """
    key = ", ".join(LINK_KEY)
    latest = "struct_pack(" + ", ".join(f"_{c} := {c}" for c in LATEST) + ")"
    carried = ("src_domain", "dst_domain", *CARRIED)
    packed = "struct_pack(" + ", ".join(carried) + ")"
    picked = {c: f"s.{c} AS {c}" for c in carried}
    columns = [picked.get(c, c) for c in LINK_COLUMNS]
    return f"""
        SELECT {", ".join(columns)}
        FROM (
            SELECT {key}, arg_max({packed}, {latest}) AS s,
                   min(fetched_at) AS first_seen, max(fetched_at) AS last_seen
            FROM edges WHERE {where}
            GROUP BY {key}
        )
    """


def link_figures(links: pa.Table, domain: str) -> dict[str, int]:
    """The headline figures of ``domain``'s backlinks, given one row per link into it:
    ``graph.links.link_counts``, the same function ``linkgraph rank`` counts with."""
    counts = link_counts(Links.from_rows(links, level="domain"))
    # One row of a table with a row per linking domain: filtered in Arrow, not in Python.
    found = counts.filter(pc.equal(counts.column("domain"), domain)).to_pylist()
    row = found[0] if found else None
    order = ("backlinks", "referring_domains", "dofollow", "nofollow", "ugc", "sponsored")
    return {name: int(row[name]) if row else 0 for name in order}


def load_authority(
    dirs: Sequence[str | os.PathLike[str]], authority: pa.Table | None = None
) -> pa.Table:
    """The ``domain, authority`` table a query joins: the one given, or computed.

    Computing it means ranking the whole domain graph (``graph.rank``):
    seconds on a small crawl, much longer on a large one, so callers that ask several
    questions of the same crawls compute it once and pass it in (the CLI's
    ``--authority FILE`` reads a table written by ``linkgraph rank --out``).
    """
    if authority is None:
        from graph.ranking import rank  # lazy: ranking pulls in scipy

        ranking = rank(list(dirs), level="domain")
        try:
            authority = ranking.table()
        finally:
            ranking.close()
    if "domain" not in authority.column_names or "authority" not in authority.column_names:
        raise ResearchError("the authority table needs columns 'domain' and 'authority'")
    return authority


def authority_unless(
    empty: bool, dirs: Sequence[str | os.PathLike[str]], authority: pa.Table | None
) -> pa.Table:
    """The authority table, unless the result is empty: then ranking the crawl is waste."""
    if empty and authority is None:
        return pa.table(
            {"domain": pa.array([], pa.string()), "authority": pa.array([], pa.float64())}
        )
    return load_authority(dirs, authority)
