"""Whole-crawl figures and the small queries the report and the demo show.

``crawl_summary`` says what the crawls hold (pages, answers, links between domains by rel
and placement), ``backlink_changes`` how a domain's backlinks changed from each crawl to
the next, ``page_titles`` and ``links_among`` feed the report's tables and its
neighbourhood view. Links are counted as everywhere else (``graph.links``): each once,
with the flags of its latest sighting.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence

import pyarrow as pa

from crawler.schema import PLACEMENTS
from graph.links import LINK_KEY, NOFOLLOW, SPONSORED, UGC, followable_flags, placements_of
from graph.linkscan import read_links
from graph.research.session import connect
from graph.store import crawl_dirs

__all__ = ["crawl_summary", "backlink_changes", "page_titles", "links_among"]


def crawl_summary(dirs: Sequence[str | os.PathLike[str]]) -> dict:
    """What the crawls hold.

    Keys: ``crawls``; ``pages`` (distinct URLs fetched), ``fetches`` (pages rows),
    ``domains`` (registered domains fetched), ``errors`` (fetches that gave no answer or
    failed), ``statuses`` (``[(status or "no answer", pages)]``, each URL's latest
    answer, most frequent first); ``link_rows`` (edges rows: every occurrence of a link
    on a fetched page, internal ones included); ``links`` (links between different
    domains, each once); ``by_rel`` (``[{"type", "links"}]`` for dofollow, nofollow, ugc,
    sponsored among those) and ``by_placement`` (``[{"placement", "links"}]``).
    """
    folders = crawl_dirs(dirs)
    with connect(folders) as con:
        pages, fetches, domains, errors = con.execute(
            "SELECT count(DISTINCT url), count(*), count(DISTINCT domain), count(error) FROM pages"
        ).fetchall()[0]
        statuses = con.execute(
            "SELECT coalesce(CAST(status AS VARCHAR), 'no answer') AS s, count(*) AS n "
            "FROM (SELECT url, arg_max(status, fetched_at) AS status FROM pages GROUP BY url) "
            "GROUP BY s ORDER BY n DESC, s"
        ).fetchall()
        link_rows = con.execute("SELECT count(*) FROM edges").fetchall()[0][0]
    links = read_links(folders, level="domain")
    flags = links.flags
    by_rel = [
        ("dofollow", int(followable_flags(flags).sum())),
        ("nofollow", int(((flags & NOFOLLOW) != 0).sum())),
        ("ugc", int(((flags & UGC) != 0).sum())),
        ("sponsored", int(((flags & SPONSORED) != 0).sum())),
    ]
    placed = Counter(placements_of(flags).tolist())
    order = [p for p in (*PLACEMENTS, "other") if placed[p]]
    order.sort(key=lambda p: (-placed[p], p))
    return {
        "crawls": len(folders),
        "pages": pages,
        "fetches": fetches,
        "domains": domains,
        "errors": errors,
        "statuses": statuses,
        "link_rows": link_rows,
        "links": len(links),
        "by_rel": [{"type": t, "links": n} for t, n in by_rel],
        "by_placement": [{"placement": p, "links": placed[p]} for p in order],
    }


def backlink_changes(domain: str, dirs: Sequence[str | os.PathLike[str]]) -> list[dict]:
    """New and lost backlinks of ``domain`` from each crawl to the next, in the order
    given: ``[{"label": "OLD -> NEW", "new", "lost"}]`` (``research.diff``'s definition of
    the same link, without the authority ranking ``diff`` also does)."""
    folders = crawl_dirs(dirs)
    keys: list[set[tuple]] = []
    for folder in folders:
        with connect([folder], dst_domains=[domain]) as con:
            rows = con.execute(
                f"SELECT DISTINCT {', '.join(LINK_KEY)} FROM edges "
                "WHERE dst_domain = ? AND src_domain <> ?",
                [domain, domain],
            ).fetchall()
        keys.append(set(rows))
    return [
        {
            "label": f"{folders[i - 1].name} \u2192 {folders[i].name}",
            "new": len(keys[i] - keys[i - 1]),
            "lost": len(keys[i - 1] - keys[i]),
        }
        for i in range(1, len(folders))
    ]


def page_titles(dirs: Sequence[str | os.PathLike[str]], urls: Sequence[str]) -> dict[str, str]:
    """The title of each of ``urls`` (its latest fetch), for those the crawls fetched."""
    with connect(dirs) as con:
        con.register("_urls", pa.table({"url": pa.array(list(urls), pa.string())}))
        rows = con.execute(
            "SELECT url, arg_max(title, fetched_at) FROM pages "
            "WHERE url IN (SELECT url FROM _urls) GROUP BY url"
        ).fetchall()
    return dict(rows)


def links_among(
    dirs: Sequence[str | os.PathLike[str]], domains: Sequence[str]
) -> list[tuple[str, str, int]]:
    """``(source, target, links)`` for each pair of different ``domains`` with links."""
    with connect(dirs) as con:
        con.register("_names", pa.table({"name": pa.array(list(domains), pa.string())}))
        rows = con.execute(
            f"SELECT src_domain, dst_domain, count(DISTINCT ({', '.join(LINK_KEY)})) FROM edges "
            "WHERE src_domain IN (SELECT name FROM _names) "
            "AND dst_domain IN (SELECT name FROM _names) AND src_domain <> dst_domain "
            "GROUP BY ALL ORDER BY 1, 2"
        ).fetchall()
    return [(s, d, int(n)) for s, d, n in rows]
