"""Link intersect: the domains that link to competitors and not to you (the link gap)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa

from graph.links import followable_sql
from graph.research.session import (
    LINK_COLUMNS,
    LINK_ORDER,
    ResearchError,
    arrow,
    authority_unless,
    connect,
    domain_of,
    links_sql,
    placeholders,
)

__all__ = ["IntersectResult", "intersect"]


@dataclass(frozen=True)
class IntersectResult:
    """Domains that link to competitors and not to mine, and the links that show it."""

    competitors: tuple[str, ...]
    not_domain: str | None
    min_competitors: int
    #: domain, authority, competitors_linked, competitors, links, pages
    domains: pa.Table
    #: one row per link from those domains to the competitors (``LINK_COLUMNS``)
    links: pa.Table


def intersect(
    competitors: Sequence[str],
    dirs: Sequence[str | os.PathLike[str]],
    *,
    not_domain: str | None = None,
    min_competitors: int | None = None,
    dofollow_only: bool = False,
    authority: pa.Table | None = None,
) -> IntersectResult:
    """Domains linking to at least ``min_competitors`` of ``competitors`` and not to ``not_domain``.

    Ahrefs' Link Intersect, Semrush's Backlink Gap: the sites that link to your
    competitors are the likeliest to link to you. ``min_competitors`` defaults to all of
    them. A linking domain is dropped when any of its pages links to ``not_domain``, and
    ``not_domain`` itself is never listed. With ``dofollow_only`` only followable links
    (by their latest sighting) count, for the competitors and for ``not_domain``. Ranked
    by authority, then by the number of competitors linked.
    """
    comps = tuple(dict.fromkeys(domain_of(c) for c in competitors))
    if not comps:
        raise ResearchError("no competitor domain given")
    mine = domain_of(not_domain) if not_domain else None
    if mine in comps:
        raise ResearchError(f"{mine} is both a competitor and the domain to exclude")
    k = len(comps) if min_competitors is None else int(min_competitors)
    if not 1 <= k <= len(comps):
        raise ResearchError(f"--min must be between 1 and {len(comps)} (the competitors given)")
    targets = comps + ((mine,) if mine else ())
    with connect(dirs, dst_domains=targets) as con:
        where = f"dst_domain IN ({placeholders(targets)}) AND src_domain <> dst_domain"
        source = "edges"
        if dofollow_only:
            # Followability is a link's, by its latest sighting: group the rows first.
            con.execute(
                f"CREATE TEMP TABLE followed AS SELECT * FROM ({links_sql(where)}) "
                f"WHERE {followable_sql()}",
                list(targets),
            )
            source, where, params = "followed", "TRUE", []
        else:
            params = list(targets)
        # The gap first, from the rows (cheap aggregates), then the links of its domains
        # only: most domains linking to competitors are not in the gap.
        linked = " + ".join("bool_or(dst_domain = ?)::INTEGER" for _ in comps)
        names = ", ".join("CASE WHEN bool_or(dst_domain = ?) THEN ? END" for _ in comps)
        con.execute(
            f"""
            CREATE TEMP TABLE gap AS
            SELECT src_domain AS domain, ({linked}) AS competitors_linked,
                   concat_ws(',', {names}) AS competitors
            FROM {source} WHERE {where}
            GROUP BY src_domain
            HAVING competitors_linked >= {k} AND src_domain <> ?
               AND NOT bool_or(dst_domain = ?)
            """,
            [*comps, *(v for c in comps for v in (c, c)), *params, mine or "", mine or ""],
        )
        if dofollow_only:
            link_rows = "SELECT * FROM followed WHERE src_domain IN (SELECT domain FROM gap)"
            con.execute(f"CREATE TEMP TABLE links AS {link_rows}")
        else:
            gap_rows = links_sql(f"{where} AND src_domain IN (SELECT domain FROM gap)")
            con.execute(f"CREATE TEMP TABLE links AS {gap_rows}", params)
        empty = con.execute("SELECT count(*) FROM gap").fetchall()[0][0] == 0
        auth = authority_unless(empty, dirs, authority)
        con.register("authority_t", auth.select(["domain", "authority"]))
        domains = arrow(
            con,
            """
                WITH counts AS (SELECT src_domain AS domain, count(*) AS links,
                                       count(DISTINCT src_url) AS pages
                                FROM links GROUP BY src_domain)
                SELECT g.domain, a.authority, g.competitors_linked::INTEGER AS competitors_linked,
                       g.competitors, c.links, c.pages
                FROM gap g JOIN counts c USING (domain)
                LEFT JOIN authority_t a ON a.domain = g.domain
                ORDER BY a.authority DESC NULLS LAST, g.competitors_linked DESC, c.links DESC,
                         g.domain
                """,
        )
        links = arrow(con, f"SELECT {', '.join(LINK_COLUMNS)} FROM links {LINK_ORDER}")
    return IntersectResult(comps, mine, k, domains, links)
