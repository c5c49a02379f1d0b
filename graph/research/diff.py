"""What changed between two crawls: new and lost backlinks, referring domains, authority."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from graph.links import LINK_KEY
from graph.research.session import (
    LINK_COLUMNS,
    arrow,
    connect,
    domain_of,
    links_sql,
    load_authority,
)
from graph.store import crawl_dirs

__all__ = ["DiffResult", "diff"]


@dataclass(frozen=True)
class DiffResult:
    """What changed between an old and a new crawl (optionally, for one domain)."""

    domain: str | None
    #: one row per new or lost backlink: ``change`` (new, lost), ``reason``, ``LINK_COLUMNS``
    links: pa.Table
    #: change (new, lost), referring_domain, domain, links
    referring_domains: pa.Table
    #: domain, authority_old, authority_new, change
    authority: pa.Table

    @property
    def new_links(self) -> pa.Table:
        return self.links.filter(pc.equal(self.links["change"], "new"))

    @property
    def lost_links(self) -> pa.Table:
        return self.links.filter(pc.equal(self.links["change"], "lost"))


def diff(
    old: Sequence[str | os.PathLike[str]],
    new: Sequence[str | os.PathLike[str]],
    *,
    domain: str | None = None,
    authority_old: pa.Table | None = None,
    authority_new: pa.Table | None = None,
) -> DiffResult:
    """New and lost backlinks, referring domains and authority between two crawls.

    Backlinks are links between different registered domains (to ``domain`` only, when
    given). A link is new when the new crawl has it and the old one does not, lost the other
    way round (same link: ``docs/research.md``). ``reason`` says why, from the pages:
    a lost link's source page was fetched again and the link is gone (``link removed``),
    it now answers an error or a redirect (``page answered NNN``), or it was not fetched
    again (``page not crawled``); a new link is on a page the old crawl also fetched
    (``link added``) or on one it did not (``new page``).
    """
    target = domain_of(domain) if domain else None
    where = "src_domain <> dst_domain" + (" AND dst_domain = ?" if target else "")
    params = [target] if target else []
    old_dirs, new_dirs = crawl_dirs(old), crawl_dirs(new)
    scope = [target] if target else None
    with connect(old_dirs, dst_domains=scope) as con_old:
        old_links = arrow(con_old, links_sql(where), params)
        old_pages = arrow(
            con_old, "SELECT url, arg_max(status, fetched_at) AS status FROM pages GROUP BY url"
        )
    with connect(new_dirs, dst_domains=scope) as con:
        con.register("old_links", old_links)
        con.register("old_pages", old_pages)
        con.execute(f"CREATE TEMP TABLE new_links AS {links_sql(where)}", params)
        con.execute(
            "CREATE TEMP TABLE new_pages AS SELECT url, arg_max(status, fetched_at) AS status "
            "FROM pages GROUP BY url"
        )
        key = f"USING ({', '.join(LINK_KEY)})"
        links = arrow(
            con,
            f"""
                SELECT 'new' AS change,
                       CASE WHEN op.url IS NULL THEN 'new page' ELSE 'link added' END AS reason,
                       {", ".join("n." + c for c in LINK_COLUMNS)}
                FROM new_links n ANTI JOIN old_links o {key}
                LEFT JOIN old_pages op ON op.url = n.src_url
                UNION ALL
                SELECT 'lost', CASE WHEN np.url IS NULL THEN 'page not crawled'
                                    WHEN np.status BETWEEN 200 AND 299 THEN 'link removed'
                                    ELSE 'page answered ' || coalesce(np.status::VARCHAR,
                                                                      'nothing') END,
                       {", ".join("o." + c for c in LINK_COLUMNS)}
                FROM old_links o ANTI JOIN new_links n {key}
                LEFT JOIN new_pages np ON np.url = o.src_url
                ORDER BY change DESC, src_domain, src_url, dst_url, anchor, kind
                """,
        )
        refs = arrow(
            con,
            """
                WITH o AS (SELECT src_domain, dst_domain, count(*) AS links FROM old_links
                           GROUP BY ALL),
                     n AS (SELECT src_domain, dst_domain, count(*) AS links FROM new_links
                           GROUP BY ALL)
                SELECT 'new' AS change, src_domain AS referring_domain, dst_domain AS domain,
                       links FROM n ANTI JOIN o USING (src_domain, dst_domain)
                UNION ALL
                SELECT 'lost', src_domain, dst_domain, links
                FROM o ANTI JOIN n USING (src_domain, dst_domain)
                ORDER BY change DESC, domain, referring_domain
                """,
        )
        referring = set(old_links["src_domain"].to_pylist()) | {
            row[0] for row in con.execute("SELECT DISTINCT src_domain FROM new_links").fetchall()
        }
    auth_old = load_authority(old_dirs, authority_old)
    auth_new = load_authority(new_dirs, authority_new)
    with connect() as con:
        con.register("ao", auth_old.select(["domain", "authority"]))
        con.register("an", auth_new.select(["domain", "authority"]))
        flt = ""
        if target:
            wanted = sorted(referring | {target})
            con.register("_wanted", pa.table({"domain": pa.array(wanted, pa.string())}))
            flt = "WHERE domain IN (SELECT domain FROM _wanted)"
        authority = arrow(
            con,
            f"""
                SELECT domain, ao.authority AS authority_old, an.authority AS authority_new,
                       an.authority - ao.authority AS change
                FROM ao FULL OUTER JOIN an USING (domain) {flt}
                ORDER BY abs(coalesce(an.authority, 0) - coalesce(ao.authority, 0)) DESC,
                         domain
                """,
        )
    return DiffResult(target, links, refs, authority)
