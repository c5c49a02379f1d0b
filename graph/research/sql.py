"""Your own SQL over the crawls: views ``pages``, ``edges`` and ``domains``."""

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


def sql(
    query: str,
    dirs: Sequence[str | os.PathLike[str]],
    *,
    authority: pa.Table | None = None,
) -> pa.Table:
    """Run the user's own SQL over views ``pages``, ``edges`` and ``domains``; the result.

    ``domains`` is the authority table (``graph.rank(...).table()``: domain, pagerank,
    authority, referring_domains, backlinks, outlinking_domains, dofollow,
    graph_in_degree); it is computed only when the query names it. DuckDB's SQL dialect;
    errors in the query come back as one-line ``ResearchError``, unreadable files as
    ``InputFileError``.
    """
    if not query.strip():
        raise ResearchError("the SQL query is empty")
    with connect(dirs) as con:
        if _DOMAINS_VIEW.search(query):
            con.register("_domains", load_authority(dirs, authority))
            con.execute("CREATE VIEW domains AS SELECT * FROM _domains")
        try:
            relation = con.sql(query)
            if relation is None:  # a statement, not a query
                return pa.table({})
            return to_contract(relation.to_arrow_table())
        except duckdb.Error as exc:
            if may_be_a_file_error(exc):
                files = crawl_files(dirs, "edges") + crawl_files(dirs, "pages")
                mapped = file_error(files, exc)
                if mapped is not None:
                    raise mapped from None
            raise ResearchError(f"SQL error: {one_line(exc)}") from None
