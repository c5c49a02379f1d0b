"""Where a domain links to: its links to other domains and the domains they point at."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa

from graph.links import followable_sql
from graph.research.session import (
    LINK_COLUMNS,
    LINK_ORDER,
    arrow,
    authority_unless,
    connect,
    domain_of,
    links_sql,
)

__all__ = ["OutlinkProfile", "outlinks"]


@dataclass(frozen=True)
class OutlinkProfile:
    """Where a domain links to."""

    domain: str
    #: one row per link to another domain (``LINK_COLUMNS``)
    links: pa.Table
    #: domain, authority, links, dofollow, pages (of the source domain linking there)
    linked_domains: pa.Table


def outlinks(
    domain: str,
    dirs: Sequence[str | os.PathLike[str]],
    *,
    dofollow_only: bool = False,
    authority: pa.Table | None = None,
) -> OutlinkProfile:
    """The links from pages of ``domain`` to other registered domains (with
    ``dofollow_only``, the followable ones by their latest sighting)."""
    domain = domain_of(domain)
    with connect(dirs) as con:
        flt = followable_sql() if dofollow_only else "TRUE"
        outbound = links_sql("src_domain = ? AND dst_domain <> ?")
        con.execute(
            f"CREATE TEMP TABLE links AS SELECT * FROM ({outbound}) WHERE {flt}",
            [domain, domain],
        )
        empty = con.execute("SELECT count(*) FROM links").fetchall()[0][0] == 0
        auth = authority_unless(empty, dirs, authority)
        con.register("authority_t", auth.select(["domain", "authority"]))
        links = arrow(con, f"SELECT {', '.join(LINK_COLUMNS)} FROM links {LINK_ORDER}")
        linked = arrow(
            con,
            f"""
                SELECT l.dst_domain AS domain, any_value(a.authority) AS authority,
                       count(*) AS links, count(*) FILTER ({followable_sql("l.")}) AS dofollow,
                       count(DISTINCT src_url) AS pages
                FROM links l LEFT JOIN authority_t a ON a.domain = l.dst_domain
                GROUP BY l.dst_domain ORDER BY links DESC, domain
                """,
        )
    return OutlinkProfile(domain, links, linked)
