"""The backlink profile of a domain: who links to it, how, from where."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from graph.links import followable_sql
from graph.research.session import (
    LINK_COLUMNS,
    LINK_ORDER,
    arrow,
    authority_unless,
    connect,
    domain_of,
    link_figures,
    links_sql,
)

__all__ = ["BacklinkProfile", "backlinks"]


@dataclass(frozen=True)
class BacklinkProfile:
    """The backlink profile of one domain: every table a ``backlinks`` report shows."""

    domain: str
    #: backlinks, referring_domains, dofollow, nofollow, ugc, sponsored: the headline
    #: figures, by ``graph.links.link_counts`` (the numbers ``linkgraph rank`` shows)
    summary: dict[str, int]
    #: one row per link, ``LINK_COLUMNS`` plus ``authority`` (of the linking domain)
    links: pa.Table
    #: domain, authority, backlinks, dofollow, first_seen, last_seen
    referring_domains: pa.Table
    #: type (dofollow, nofollow, ugc, sponsored), links, referring_domains
    by_rel: pa.Table
    #: placement, links, referring_domains
    by_placement: pa.Table
    #: kind, links, referring_domains
    by_kind: pa.Table
    #: anchor, links, referring_domains
    top_anchors: pa.Table
    #: dst_url, links, referring_domains
    top_pages: pa.Table
    #: ip, referring_domains
    ips: pa.Table
    #: subnet, referring_domains
    subnets: pa.Table


def backlinks(
    domain: str,
    dirs: Sequence[str | os.PathLike[str]],
    *,
    dofollow_only: bool = False,
    authority: pa.Table | None = None,
) -> BacklinkProfile:
    """The backlink profile of ``domain`` over the crawls in ``dirs``.

    A backlink is a link from a page of another registered domain to a page of
    ``domain`` (internal links are not backlinks). Followed or not, every link counts,
    unless ``dofollow_only`` (then only links whose latest sighting is followable).
    """
    domain = domain_of(domain)
    with connect(dirs, dst_domains=[domain]) as con:
        flt = followable_sql() if dofollow_only else "TRUE"
        inbound = links_sql("dst_domain = ? AND src_domain <> ?")
        con.execute(
            f"CREATE TEMP TABLE links AS SELECT * FROM ({inbound}) WHERE {flt}",
            [domain, domain],
        )
        return _profile(con, domain, dirs, authority)


def _profile(
    con: duckdb.DuckDBPyConnection,
    domain: str,
    dirs: Sequence[str | os.PathLike[str]],
    authority: pa.Table | None,
) -> BacklinkProfile:
    """Summaries of the temp table ``links`` (the backlinks of ``domain``)."""
    empty = con.execute("SELECT count(*) FROM links").fetchall()[0][0] == 0
    auth = authority_unless(empty, dirs, authority)
    con.register("authority_t", auth.select(["domain", "authority"]))
    cols = ", ".join(f"l.{c}" for c in LINK_COLUMNS)
    links = arrow(
        con,
        f"SELECT {cols}, a.authority FROM links l LEFT JOIN authority_t a "
        f"ON a.domain = l.src_domain {LINK_ORDER}",
    )
    refs = arrow(
        con,
        f"""
            SELECT l.src_domain AS domain, any_value(a.authority) AS authority,
                   count(*) AS backlinks, count(*) FILTER ({followable_sql("l.")}) AS dofollow,
                   min(first_seen) AS first_seen, max(last_seen) AS last_seen
            FROM links l LEFT JOIN authority_t a ON a.domain = l.src_domain
            GROUP BY l.src_domain
            ORDER BY authority DESC NULLS LAST, backlinks DESC, domain
            """,
    )
    flags = (
        ("dofollow", followable_sql()),
        ("nofollow", "nofollow"),
        ("ugc", "ugc"),
        ("sponsored", "sponsored"),
    )
    counted = con.execute(
        "SELECT "
        + ", ".join(
            f"count(*) FILTER ({cond}), count(DISTINCT src_domain) FILTER ({cond})"
            for _, cond in flags
        )
        + " FROM links"
    ).fetchall()[0]
    by_rel = pa.table(
        {
            "type": [name for name, _ in flags],
            "links": pa.array(counted[0::2], pa.int64()),
            "referring_domains": pa.array(counted[1::2], pa.int64()),
        }
    )

    def count_by(column: str, limit: int | None = None) -> pa.Table:
        tail = f" LIMIT {int(limit)}" if limit else ""
        return arrow(
            con,
            f"SELECT {column}, count(*) AS links, count(DISTINCT src_domain) AS "
            f"referring_domains FROM links GROUP BY {column} "
            f"ORDER BY referring_domains DESC, links DESC, {column}{tail}",
        )

    ip_pairs = arrow(
        con,
        """
            WITH src AS (SELECT DISTINCT src_url, src_domain FROM links),
                 latest AS (SELECT url, arg_max(ip, fetched_at) AS ip FROM pages
                            WHERE url IN (SELECT src_url FROM src) GROUP BY url)
            SELECT DISTINCT src.src_domain, latest.ip FROM src JOIN latest
                ON latest.url = src.src_url WHERE latest.ip IS NOT NULL
            """,
    )
    ips, subnets = _ip_tables(ip_pairs)
    return BacklinkProfile(
        domain=domain,
        summary=link_figures(links, domain),
        links=links,
        referring_domains=refs,
        by_rel=by_rel,
        by_placement=count_by("placement"),
        by_kind=count_by("kind"),
        top_anchors=count_by("anchor", 100),
        top_pages=count_by("dst_url", 100),
        ips=ips,
        subnets=subnets,
    )


def _subnet(ip: str) -> str:
    """The /24 of an IPv4 address, the /48 of an IPv6 one (the usual "same C-block")."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    prefix = 24 if addr.version == 4 else 48
    return str(ipaddress.ip_network(f"{addr}/{prefix}", strict=False))


def _ip_tables(pairs: pa.Table) -> tuple[pa.Table, pa.Table]:
    by_ip: dict[str, set[str]] = {}
    by_net: dict[str, set[str]] = {}
    for row in pairs.to_pylist():
        by_ip.setdefault(row["ip"], set()).add(row["src_domain"])
        by_net.setdefault(_subnet(row["ip"]), set()).add(row["src_domain"])

    def table(name: str, groups: dict[str, set[str]]) -> pa.Table:
        rows = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        return pa.table(
            {
                name: pa.array([k for k, _ in rows], pa.string()),
                "referring_domains": pa.array([len(v) for _, v in rows], pa.int64()),
            }
        )

    return table("ip", by_ip), table("subnet", by_net)
