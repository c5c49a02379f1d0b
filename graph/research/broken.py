"""Broken links: backlinks to reclaim, and a domain's links to pages that are gone."""

from __future__ import annotations

import os
from collections.abc import Sequence

import duckdb
import pyarrow as pa

from graph.research.session import LINK_COLUMNS, arrow, connect, domain_of, links_sql

__all__ = ["broken"]

_REDIRECT_HOPS = 10


def _final_status(con: duckdb.DuckDBPyConnection, urls: list[str]) -> dict[str, tuple]:
    """For each URL: (its status, final URL, final status), following redirects.

    Each URL's answer is its latest fetch over the crawls. A 3xx is followed along
    ``redirect_to`` (at most ten hops); a chain that ends at a URL never fetched, or loops,
    has final status null (unknown), never "broken".
    """
    known: dict[str, tuple[int | None, str | None]] = {}
    frontier = set(urls)
    for _ in range(_REDIRECT_HOPS + 1):
        frontier -= known.keys()
        if not frontier:
            break
        con.register("_want", pa.table({"url": pa.array(sorted(frontier), pa.string())}))
        rows = con.execute(
            """
            SELECT url, arg_max(status, fetched_at), arg_max(redirect_to, fetched_at)
            FROM pages WHERE url IN (SELECT url FROM _want) GROUP BY url
            """
        ).fetchall()
        con.unregister("_want")
        found = {url: (status, redirect) for url, status, redirect in rows}
        for url in frontier:
            known[url] = found.get(url, (None, None))
        frontier = {r for s, r in found.values() if r and s is not None and 300 <= s < 400}
    result = {}
    for url in urls:
        status, redirect = known.get(url, (None, None))
        final, final_status, seen = url, status, {url}
        while final_status is not None and 300 <= final_status < 400:
            nxt = known.get(final, (None, None))[1]
            if not nxt or nxt in seen or nxt not in known:
                final_status = None
                break
            seen.add(nxt)
            final, final_status = nxt, known[nxt][0]
        result[url] = (status, final, final_status)
    return result


def broken(domain: str, dirs: Sequence[str | os.PathLike[str]]) -> pa.Table:
    """Links to or from ``domain`` whose target answered 4xx/5xx, or redirects into one.

    ``direction`` says which: ``inbound`` (another domain's page links to a broken URL of
    ``domain``: a backlink to reclaim), ``outbound`` (a page of ``domain`` links to a broken
    URL elsewhere) or ``internal`` (a broken link inside ``domain``). Columns: ``direction``,
    ``LINK_COLUMNS``, ``status`` (the target's own answer), ``final_url`` and
    ``final_status`` (where its redirects end; equal to the target when it did not redirect).
    A target that was never fetched, or gave no HTTP answer, is not counted as broken.
    """
    domain = domain_of(domain)
    with connect(dirs) as con:
        # Two scans, not one with OR: a filter on dst_domain alone is pushed into the
        # Parquet reader, whose row-group statistics then skip all but the domain's rows
        # (edges are clustered by target domain). The halves are disjoint, and every row
        # of a link falls in the same half (its domains are those of its URLs).
        inbound = links_sql("dst_domain = ?")
        outbound = links_sql("src_domain = ? AND dst_domain <> ?")
        con.execute(
            f"CREATE TEMP TABLE links AS {inbound} UNION ALL {outbound}",
            [domain, domain, domain],
        )
        targets = [r[0] for r in con.execute("SELECT DISTINCT dst_url FROM links").fetchall()]
        status = _final_status(con, targets)
        bad = [(u, s, f, fs) for u, (s, f, fs) in status.items() if fs is not None and fs >= 400]
        con.register(
            "_bad",
            pa.table(
                {
                    "url": pa.array([b[0] for b in bad], pa.string()),
                    "status": pa.array([b[1] for b in bad], pa.int32()),
                    "final_url": pa.array([b[2] for b in bad], pa.string()),
                    "final_status": pa.array([b[3] for b in bad], pa.int32()),
                }
            ),
        )
        cols = ", ".join(f"l.{c}" for c in LINK_COLUMNS)
        return arrow(
            con,
            f"""
                SELECT CASE WHEN l.src_domain = l.dst_domain THEN 'internal'
                            WHEN l.dst_domain = ? THEN 'inbound' ELSE 'outbound' END
                           AS direction,
                       {cols}, b.status, b.final_url, b.final_status
                FROM links l JOIN _bad b ON b.url = l.dst_url
                ORDER BY direction, l.src_domain, l.src_url, l.dst_url, l.anchor, l.kind
                """,
            [domain],
        )
