"""Competitor link research commands: ``backlinks``, ``intersect``, ``diff``, ``broken``,
``outlinks``, ``index`` and ``sql``.

A thin layer over ``graph.research``: each command prints readable tables on a terminal and
writes its main table with ``--out FILE`` (``.csv``, ``.json`` or ``.parquet``). Definitions
are in ``docs/research.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from linkgraph.commands.common import (
    UsageError,
    authority_args,
    check_out,
    command,
    crawl_dirs_args,
    domain_args,
    limit_args,
    out_args,
    positive_int,
    read_authority,
    show,
    write,
)

_SHOWN_LINK_COLUMNS = ["src_url", "dst_url", "anchor", "rel", "kind", "placement", "last_seen"]


def _dofollow(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dofollow-only", action="store_true", help="count followable links only")


def _query_args() -> argparse.ArgumentParser:
    group = argparse.ArgumentParser(add_help=False)
    group.add_argument("query", metavar="QUERY", help="the SQL query")
    return group


def register(subparsers) -> None:
    p = command(
        subparsers,
        "backlinks",
        "the backlink profile of a domain",
        "The backlink profile of DOMAIN: referring domains with their authority, every "
        "backlink (first and last seen over the crawls given), counts by rel, placement and "
        "kind, top anchors, top linked pages, referring IPs and /24 subnets.",
        "example:\n  linkgraph backlinks www.example.com data/crawls/2026* --limit 20 "
        "--out links.csv\n",
        [
            domain_args(),
            crawl_dirs_args(),
            limit_args(),
            out_args("one row per backlink"),
            authority_args(),
        ],
    )
    _dofollow(p)
    p.set_defaults(handler=_backlinks)

    p = command(
        subparsers,
        "intersect",
        "domains linking to competitors and not to you (link gap)",
        "The domains that link to at least K of the COMPETITORs (default: all) and not to "
        "MINE, ranked by authority, with the pages that link (Ahrefs' Link Intersect, "
        "Semrush's Backlink Gap). The trailing arguments that are directories are the crawls.",
        "example:\n  linkgraph intersect rival-a.com rival-b.com rival-c.com --not mysite.com \\\n"
        "      data/crawls/20261125T090000Z --min 2 --out gap.csv\n",
        [limit_args(), out_args("one row per linking domain"), authority_args()],
    )
    p.add_argument(
        "items",
        metavar="COMPETITOR|CRAWL_DIR",
        nargs="+",
        help="competitor domains, then crawl directories",
    )
    p.add_argument(
        "--not",
        dest="mine",
        nargs="+",
        metavar=("MINE", "CRAWL_DIR"),
        help="your domain: domains linking to it are dropped (the crawl directories may follow)",
    )
    p.add_argument(
        "--min", dest="min_k", metavar="K", type=positive_int, help="competitors linked, at least"
    )
    p.add_argument("--links-out", metavar="FILE", help="also write the linking pages to FILE")
    _dofollow(p)
    p.usage = (
        "linkgraph intersect [-h] COMPETITOR... [--not MINE] CRAWL_DIR... [--min K] "
        "[--limit N] [--dofollow-only] [--out FILE] [--links-out FILE] [--authority FILE]"
    )
    p.set_defaults(handler=_intersect)

    p = command(
        subparsers,
        "diff",
        "new and lost backlinks between two crawls",
        "New and lost backlinks and referring domains, and authority changes, between an "
        "old and a new crawl; for one domain with --domain, else for every domain.",
        "example:\n  linkgraph diff data/crawls/20261101T000000Z data/crawls/20261125T000000Z "
        "--domain example.com\n",
        [limit_args(), out_args("one row per new or lost link")],
    )
    p.add_argument("old", metavar="OLD_CRAWL", help="the earlier crawl directory")
    p.add_argument("new", metavar="NEW_CRAWL", help="the later crawl directory")
    p.add_argument("--domain", help="only backlinks of this domain")
    p.set_defaults(handler=_diff)

    p = command(
        subparsers,
        "broken",
        "broken backlinks to reclaim, and a domain's broken links",
        "Backlinks of DOMAIN that point at URLs which answered 4xx/5xx or redirect into one "
        "(link reclamation), and DOMAIN's own links whose targets are broken.",
        "example:\n  linkgraph broken example.com data/crawls/20261125T090000Z --out broken.csv\n",
        [domain_args(), crawl_dirs_args(), limit_args(), out_args("one row per broken link")],
    )
    p.set_defaults(handler=_broken)

    p = command(
        subparsers,
        "outlinks",
        "where a domain links to",
        "The links from DOMAIN's pages to other domains, and the domains they point at.",
        "example:\n  linkgraph outlinks example.com data/crawls/20261125T090000Z "
        "--out outlinks.json\n",
        [
            domain_args(),
            crawl_dirs_args(),
            limit_args(),
            out_args("one row per link"),
            authority_args(),
        ],
    )
    _dofollow(p)
    p.set_defaults(handler=_outlinks)

    p = command(
        subparsers,
        "index",
        "index a large crawl's edges by target domain (faster backlinks/intersect)",
        "Write CRAWL_DIR/research-index/: the crawl's edges split by target domain into "
        "hash buckets, so backlinks, intersect and diff --domain read one bucket instead of "
        "every edge. Worth it from a few million edges; rebuilt on demand, ignored once the "
        "crawl's edge files change.",
        "example:\n  linkgraph index data/crawls/20261125T090000Z\n",
        [crawl_dirs_args()],
    )
    p.set_defaults(handler=_index)

    p = command(
        subparsers,
        "sql",
        "your own SQL over the crawls (views pages, edges, domains)",
        "Run QUERY (DuckDB SQL) over views `pages` and `edges` (the Parquet columns of "
        "docs/data-contract.md) and `domains` (the authority table of `linkgraph rank`).",
        'example:\n  linkgraph sql "SELECT anchor, count(*) n FROM edges WHERE dst_domain = '
        "'example.com'\n      GROUP BY anchor ORDER BY n DESC LIMIT 10\" "
        "data/crawls/20261125T090000Z\n",
        [_query_args(), crawl_dirs_args(), limit_args(50), out_args(), authority_args()],
    )
    p.set_defaults(handler=_sql)


def _backlinks(args: argparse.Namespace) -> int:
    from graph.ranking import rank
    from graph.relevance import with_relevance
    from graph.research import backlinks

    check_out(args.out)
    authority = read_authority(args.authority)
    # Relevance needs the link graph (graph.relevance): one ranking of the crawls, which
    # also gives the authority column unless --authority gave it.
    ranking = rank(args.crawl_dirs)
    if authority is None:
        authority = ranking.table()
    profile = backlinks(
        args.domain, args.crawl_dirs, dofollow_only=args.dofollow_only, authority=authority
    )
    if profile.links.num_rows == 0:
        print(f"no backlinks to {profile.domain} in the crawls given", file=sys.stderr)
    else:
        refs = with_relevance(profile.referring_domains, ranking, profile.domain, after="authority")
        links = with_relevance(profile.links, ranking, profile.domain, key="src_domain")
        profile = dataclasses.replace(profile, referring_domains=refs, links=links)
        summary = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in profile.summary.items())
        print(f"Backlink profile of {profile.domain}: {summary}")
        show(profile.referring_domains, "Referring domains", args)
        show(profile.by_rel, "Links by rel", args)
        show(profile.by_placement, "Links by placement", args)
        show(profile.by_kind, "Links by kind", args)
        show(profile.top_anchors, "Top anchors", args)
        show(profile.top_pages, "Top linked pages", args)
        show(profile.ips, "Referring IP addresses", args)
        show(profile.subnets, "Referring subnets", args)
        links = profile.links.select(_SHOWN_LINK_COLUMNS)
        show(links, "Backlinks", args, written_by_out=True)
    write(profile.links, args.out)
    return 0


def _split_intersect(items: list[str]) -> tuple[list[str], list[str]]:
    """COMPETITOR... CRAWL_DIR...: the trailing items that are directories are the crawls."""
    split = len(items)
    while split > 0 and Path(items[split - 1]).is_dir():
        split -= 1
    competitors, dirs = items[:split], items[split:]
    if not dirs:
        raise UsageError(f"{items[-1]}: no such crawl directory (the last arguments are crawls)")
    if not competitors:
        raise UsageError("no competitor domain given before the crawl directories")
    return competitors, dirs


def _intersect(args: argparse.Namespace) -> int:
    from graph.output import plural
    from graph.research import intersect

    check_out(args.out)
    check_out(args.links_out)
    mine, items = None, list(args.items)
    if args.mine:
        mine, items = args.mine[0], items + args.mine[1:]
    competitors, dirs = _split_intersect(items)
    result = intersect(
        competitors,
        dirs,
        not_domain=mine,
        min_competitors=args.min_k,
        dofollow_only=args.dofollow_only,
        authority=read_authority(args.authority),
    )
    what = f"at least {result.min_competitors} of {', '.join(result.competitors)}"
    if result.not_domain:
        what += f" and not to {result.not_domain}"
    if result.domains.num_rows == 0:
        print(f"no domain links to {what} in the crawls given", file=sys.stderr)
    else:
        verb = "links" if result.domains.num_rows == 1 else "link"
        print(f"{plural(result.domains.num_rows, 'domain')} {verb} to {what}")
        show(result.domains, "Linking domains", args, written_by_out=True)
        pages = result.links.select(["src_domain", "src_url", "dst_url", "anchor", "rel"])
        show(pages, "Linking pages", args)
    write(result.domains, args.out)
    write(result.links, args.links_out)
    return 0


def _diff(args: argparse.Namespace) -> int:
    from graph.research import diff

    check_out(args.out)
    result = diff([args.old], [args.new], domain=args.domain)
    new, lost = result.new_links.num_rows, result.lost_links.num_rows
    refs = result.referring_domains["change"].to_pylist()
    scope = f"backlinks of {result.domain}" if result.domain else "links between domains"
    print(
        f"{scope}: {new:,} new, {lost:,} lost; referring domains: {refs.count('new'):,} new, "
        f"{refs.count('lost'):,} lost"
    )
    if result.links.num_rows:
        shown = result.links.select(["change", "reason", "src_url", "dst_url", "anchor", "rel"])
        show(shown, "New and lost links", args, written_by_out=True)
    if result.referring_domains.num_rows:
        show(result.referring_domains, "New and lost referring domains", args)
    show(result.authority, "Authority changes", args)
    write(result.links, args.out)
    return 0


def _broken(args: argparse.Namespace) -> int:
    from graph.research import broken, domain_of

    check_out(args.out)
    domain = domain_of(args.domain)
    table = broken(domain, args.crawl_dirs)
    if table.num_rows == 0:
        print(f"no broken links to or from {domain} in the crawls given", file=sys.stderr)
    else:
        directions = table["direction"].to_pylist()
        print(
            f"broken links of {domain}: {directions.count('inbound'):,} inbound (to reclaim), "
            f"{directions.count('outbound'):,} outbound, {directions.count('internal'):,} "
            "internal"
        )
        shown = table.select(
            ["direction", "src_url", "dst_url", "anchor", "status", "final_status"]
        )
        show(shown, "Broken links", args, written_by_out=True)
    write(table, args.out)
    return 0


def _outlinks(args: argparse.Namespace) -> int:
    from graph.output import plural
    from graph.research import outlinks

    check_out(args.out)
    profile = outlinks(
        args.domain,
        args.crawl_dirs,
        dofollow_only=args.dofollow_only,
        authority=read_authority(args.authority),
    )
    if profile.links.num_rows == 0:
        print(
            f"no links from {profile.domain} to other domains in the crawls given", file=sys.stderr
        )
    else:
        print(
            f"{profile.domain} links to {plural(profile.linked_domains.num_rows, 'domain')} "
            f"with {plural(profile.links.num_rows, 'link')}"
        )
        show(profile.linked_domains, "Linked domains", args)
        links = profile.links.select(_SHOWN_LINK_COLUMNS)
        show(links, "Outgoing links", args, written_by_out=True)
    write(profile.links, args.out)
    return 0


def _index(args: argparse.Namespace) -> int:
    from graph.research import build_index

    for folder in args.crawl_dirs:
        started = time.perf_counter()
        path = build_index(folder)
        print(f"indexed {folder} in {time.perf_counter() - started:.1f} s: {path}")
    return 0


def _sql(args: argparse.Namespace) -> int:
    from graph.research import sql

    check_out(args.out)
    table = sql(args.query, args.crawl_dirs, authority=read_authority(args.authority))
    if table.num_columns:
        from graph.output import print_table

        more = "use --limit N to show more" + ("" if args.out else ", --out FILE to write all")
        print_table(table, limit=args.limit, more=more)
    write(table, args.out)
    return 0
