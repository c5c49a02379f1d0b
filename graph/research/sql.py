"""Your own SQL over the crawls: views ``pages``, ``edges`` and ``domains``, and nothing else.

``linkgraph sql`` runs SQL a user typed, or pasted from somewhere, on their machine, so
the query can read the crawl and nothing more: one statement, a query (``SELECT``,
``WITH``, ``FROM``, ``VALUES``, ``DESCRIBE``, ``EXPLAIN``...), in a DuckDB session locked
down before it runs (``graph.research.session.connect(locked=True)``): no file read or
written, no network, no extension installed or loaded, no setting changed. ``COPY``,
``ATTACH``, ``INSTALL``/``LOAD``, ``EXPORT``, ``CREATE``, ``SET``, ``read_csv('/etc/...')``,
``glob('/...')`` and several statements in one string are each refused in one line naming
the rule. The result is written with ``--out``, by linkgraph, not by DuckDB.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

import duckdb
import pyarrow as pa

from crawler.errors import one_line
from graph.research.session import (
    ResearchError,
    connect,
    load_authority,
    may_be_a_file_error,
    to_contract,
)
from graph.store import crawl_files, file_error

__all__ = ["sql"]

_DOMAINS_VIEW = re.compile(r"\bdomains\b", re.IGNORECASE)
# Statement kinds that only read: a query, and the plan of one.
_READ_ONLY = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
_WRITE_WITH_OUT = "linkgraph sql only reads the views pages, edges and domains"


def _one_query(query: str) -> None:
    """Refuse anything but one statement that only reads, before DuckDB runs any of it."""
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise ResearchError(f"SQL error: {one_line(exc)}") from None
    if not statements:
        raise ResearchError("the SQL query is empty")
    if len(statements) > 1:
        raise ResearchError(
            f"SQL refused: one statement only, and this holds {len(statements)}; run them "
            "one at a time"
        )
    kind = statements[0].type
    if kind not in _READ_ONLY:
        name = "INSTALL or LOAD" if kind == duckdb.StatementType.LOAD else kind.name
        raise ResearchError(
            f"SQL refused: only queries run, not {name} statements; {_WRITE_WITH_OUT} "
            "(write a result with --out)"
        )


def sql(
    query: str,
    dirs: Sequence[str | os.PathLike[str]],
    *,
    authority: pa.Table | None = None,
) -> pa.Table:
    """Run the user's own SQL over views ``pages``, ``edges`` and ``domains``; the result.

    ``domains`` is the authority table (``graph.rank(...).table()``: domain, pagerank,
    authority, referring_domains, backlinks, outlinking_domains, dofollow,
    graph_in_degree); it is computed only when the query names it. DuckDB's SQL dialect,
    one query that only reads (see the module docstring); errors in the query, and what
    the rules refuse, come back as one-line ``ResearchError``, unreadable files as
    ``InputFileError``.
    """
    if not query.strip():
        raise ResearchError("the SQL query is empty")
    _one_query(query)
    with connect(dirs, locked=True) as con:
        if _DOMAINS_VIEW.search(query):
            con.register("_domains", load_authority(dirs, authority))
            con.execute("CREATE VIEW domains AS SELECT * FROM _domains")
        try:
            return to_contract(con.sql(query).to_arrow_table())
        except duckdb.PermissionException as exc:
            raise ResearchError(
                f"SQL refused: no file, network or extension access; {_WRITE_WITH_OUT} "
                f"({one_line(exc)})"
            ) from None
        except duckdb.Error as exc:
            if may_be_a_file_error(exc):
                files = crawl_files(dirs, "edges") + crawl_files(dirs, "pages")
                mapped = file_error(files, exc)
                if mapped is not None:
                    raise mapped from None
            raise ResearchError(f"SQL error: {one_line(exc)}") from None
