"""Competitor link research commands: ``backlinks``, ``intersect``, ``diff``, ``broken``,
``outlinks`` and ``sql``.

A thin layer over ``graph.research``: each command prints readable tables on a terminal and
writes its main table with ``--out FILE`` (``.csv``, ``.json`` or ``.parquet``). Definitions
are in ``docs/research.md``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa

from linkgraph.cli import UsageError, positive_int

AUTHORITY_HELP = (
    "read authority from FILE (a table with columns domain, authority, as written by "
    "`linkgraph rank --out FILE`) instead of ranking the crawls again"
)
OUT_HELP = "write the result to FILE; format by extension: .csv, .json, .parquet"


def _parser(subparsers, name: str, help_text: str, description: str, example: str):
    return subparsers.add_parser(
        name,
        help=help_text,
        description=description,
        epilog="example:\n" + example,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def register(subparsers) -> None:
    p = _parser(
        subparsers,
        "backlinks",
        "the backlink profile of a domain",
        "The backlink profile of DOMAIN: referring domains with their authority, every "
        "backlink (first and last seen over the crawls given), counts by rel, placement and "
        "kind, top anchors, top linked pages, referring IPs and /24 subnets.",
        "  linkgraph backlinks www.example.com data/crawls/2026* --limit 20 --out links.csv\n",
    )
    p.add_argument("domain", metavar="DOMAIN", help="domain, host or URL (reduced to its domain)")
    p.add_argument("crawl_dirs", metavar="CRAWL_DIR", nargs="+", help="crawl directories")
    p.add_argument(
        "--limit", type=positive_int, default=20, help="rows per table shown (default 20)"
    )
    p.add_argument("--dofollow-only", action="store_true", help="count followed links only")
    p.add_argument("--out", metavar="FILE", help=OUT_HELP + " (one row per backlink)")
    p.add_argument("--authority", metavar="FILE", help=AUTHORITY_HELP)
    p.set_defaults(handler=_backlinks)

    p = _parser(
        subparsers,
        "intersect",
        "domains linking to competitors and not to you (link gap)",
        "The domains that link to at least K of the COMPETITORs (default: all) and not to "
        "MINE, ranked by authority, with the pages that link (Ahrefs' Link Intersect, "
        "Semrush's Backlink Gap). The trailing arguments that are directories are the crawls.",
        "  linkgraph intersect rival-a.com rival-b.com rival-c.com --not mysite.com \\\n"
        "      data/crawls/20261125T090000Z --min 2 --out gap.csv\n",
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
    p.usage = (
        "linkgraph intersect [-h] COMPETITOR... [--not MINE] CRAWL_DIR... [--min K] "
        "[--limit N] [--dofollow-only] [--out FILE] [--links-out FILE] [--authority FILE]"
    )
    p.add_argument(
        "--limit", type=positive_int, default=20, help="rows per table shown (default 20)"
    )
    p.add_argument("--dofollow-only", action="store_true", help="count followed links only")
    p.add_argument("--out", metavar="FILE", help=OUT_HELP + " (one row per linking domain)")
    p.add_argument("--links-out", metavar="FILE", help="also write the linking pages to FILE")
    p.add_argument("--authority", metavar="FILE", help=AUTHORITY_HELP)
    p.set_defaults(handler=_intersect)

    p = _parser(
        subparsers,
        "diff",
        "new and lost backlinks between two crawls",
        "New and lost backlinks and referring domains, and authority changes, between an "
        "old and a new crawl; for one domain with --domain, else for every domain.",
        "  linkgraph diff data/crawls/20261101T000000Z data/crawls/20261125T000000Z "
        "--domain example.com\n",
    )
    p.add_argument("old", metavar="OLD_CRAWL", help="the earlier crawl directory")
    p.add_argument("new", metavar="NEW_CRAWL", help="the later crawl directory")
    p.add_argument("--domain", help="only backlinks of this domain")
    p.add_argument(
        "--limit", type=positive_int, default=20, help="rows per table shown (default 20)"
    )
    p.add_argument("--out", metavar="FILE", help=OUT_HELP + " (one row per new or lost link)")
    p.set_defaults(handler=_diff)

    p = _parser(
        subparsers,
        "broken",
        "broken backlinks to reclaim, and a domain's broken links",
        "Backlinks of DOMAIN that point at URLs which answered 4xx/5xx or redirect into one "
        "(link reclamation), and DOMAIN's own links whose targets are broken.",
        "  linkgraph broken example.com data/crawls/20261125T090000Z --out broken.csv\n",
    )
    p.add_argument("domain", metavar="DOMAIN", help="domain, host or URL")
    p.add_argument("crawl_dirs", metavar="CRAWL_DIR", nargs="+", help="crawl directories")
    p.add_argument("--limit", type=positive_int, default=20, help="rows shown (default 20)")
    p.add_argument("--out", metavar="FILE", help=OUT_HELP + " (one row per broken link)")
    p.set_defaults(handler=_broken)

    p = _parser(
        subparsers,
        "outlinks",
        "where a domain links to",
        "The links from DOMAIN's pages to other domains, and the domains they point at.",
        "  linkgraph outlinks example.com data/crawls/20261125T090000Z --out outlinks.json\n",
    )
    p.add_argument("domain", metavar="DOMAIN", help="domain, host or URL")
    p.add_argument("crawl_dirs", metavar="CRAWL_DIR", nargs="+", help="crawl directories")
    p.add_argument(
        "--limit", type=positive_int, default=20, help="rows per table shown (default 20)"
    )
    p.add_argument("--dofollow-only", action="store_true", help="count followed links only")
    p.add_argument("--out", metavar="FILE", help=OUT_HELP + " (one row per link)")
    p.add_argument("--authority", metavar="FILE", help=AUTHORITY_HELP)
    p.set_defaults(handler=_outlinks)

    p = _parser(
        subparsers,
        "index",
        "index a large crawl's edges by target domain (faster backlinks/intersect)",
        "Write CRAWL_DIR/research-index/: the crawl's edges split by target domain into "
        "hash buckets, so backlinks, intersect and diff --domain read one bucket instead of "
        "every edge. Worth it from a few million edges; rebuilt on demand, ignored once the "
        "crawl's edge files change.",
        "  linkgraph index data/crawls/20261125T090000Z\n",
    )
    p.add_argument("crawl_dirs", metavar="CRAWL_DIR", nargs="+", help="crawl directories")
    p.set_defaults(handler=_index)

    p = _parser(
        subparsers,
        "sql",
        "your own SQL over the crawls (views pages, edges, domains)",
        "Run QUERY (DuckDB SQL) over views `pages` and `edges` (the Parquet columns of "
        "docs/data-contract.md) and `domains` (the authority table of `linkgraph rank`).",
        "  linkgraph sql \"SELECT anchor, count(*) n FROM edges WHERE dst_domain = 'example.com'\n"
        '      GROUP BY anchor ORDER BY n DESC LIMIT 10" data/crawls/20261125T090000Z\n',
    )
    p.add_argument("query", metavar="QUERY", help="the SQL query")
    p.add_argument("crawl_dirs", metavar="CRAWL_DIR", nargs="+", help="crawl directories")
    p.add_argument("--limit", type=positive_int, default=50, help="rows shown (default 50)")
    p.add_argument("--out", metavar="FILE", help=OUT_HELP)
    p.add_argument("--authority", metavar="FILE", help=AUTHORITY_HELP)
    p.set_defaults(handler=_sql)


# --------------------------------------------------------------------------- helpers


def _check_out(path: str | None) -> None:
    """Fail before the query, not after it, when ``--out`` cannot be written."""
    if path is None:
        return
    from graph.output import FORMATS

    target = Path(path)
    if target.suffix.lower() not in FORMATS:
        raise UsageError(f"{path}: unknown output format; use .csv, .json or .parquet")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{path}: directory {folder} does not exist")


def _run(call: Callable[[], object]) -> object:
    """Run a research call; user-fixable failures become one-line ``UsageError``s."""
    from graph.output import OutputError
    from graph.research import ResearchError
    from graph.store import CrawlDirError

    errors: tuple[type[Exception], ...] = (ResearchError, CrawlDirError, OutputError)
    try:
        from graph.authority import RankError

        errors += (RankError,)
    except ImportError:
        pass
    try:
        return call()
    except errors as exc:
        raise UsageError(str(exc)) from None


def _authority(path: str | None) -> pa.Table | None:
    if path is None:
        return None
    import pyarrow.parquet as pq

    from graph.output import FORMATS

    source = Path(path)
    if not source.is_file():
        raise UsageError(f"{path}: no such authority file")
    fmt = FORMATS.get(source.suffix.lower())
    try:
        if fmt == "parquet":
            table = pq.read_table(source)
        elif fmt == "csv":
            import pyarrow.csv as pcsv

            table = pcsv.read_csv(source)
        elif fmt == "json":
            import json

            table = pa.Table.from_pylist(json.loads(source.read_text(encoding="utf-8")))
        else:
            raise UsageError(f"{path}: unknown authority file format; use .parquet, .csv, .json")
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise UsageError(f"{path}: cannot read the authority table ({exc})") from None
    if "domain" not in table.column_names or "authority" not in table.column_names:
        raise UsageError(f"{path}: the authority table needs columns domain and authority")
    return table


def _write(table: pa.Table, path: str | None) -> None:
    if path is None:
        return
    from graph.output import write_table

    written = _run(lambda: write_table(table, path))
    print(f"wrote {table.num_rows} rows to {written}", file=sys.stderr)


def _show(table: pa.Table, title: str, limit: int) -> None:
    from graph.output import print_table

    print()
    print_table(table, title=title, limit=limit)


_SHOWN_LINK_COLUMNS = ["src_url", "dst_url", "anchor", "rel", "kind", "placement", "last_seen"]


# --------------------------------------------------------------------------- handlers


def _backlinks(args: argparse.Namespace) -> int:
    from graph.research import backlinks

    _check_out(args.out)
    authority = _authority(args.authority)
    profile = _run(
        lambda: backlinks(
            args.domain, args.crawl_dirs, dofollow_only=args.dofollow_only, authority=authority
        )
    )
    if profile.links.num_rows == 0:
        print(f"no backlinks to {profile.domain} in the crawls given", file=sys.stderr)
    else:
        summary = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in profile.summary.items())
        print(f"Backlink profile of {profile.domain}: {summary}")
        _show(profile.referring_domains, "Referring domains", args.limit)
        _show(profile.by_rel, "Links by rel", args.limit)
        _show(profile.by_placement, "Links by placement", args.limit)
        _show(profile.by_kind, "Links by kind", args.limit)
        _show(profile.top_anchors, "Top anchors", args.limit)
        _show(profile.top_pages, "Top linked pages", args.limit)
        _show(profile.ips, "Referring IP addresses", args.limit)
        _show(profile.subnets, "Referring subnets", args.limit)
        _show(profile.links.select(_SHOWN_LINK_COLUMNS), "Backlinks", args.limit)
    _write(profile.links, args.out)
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
    from graph.research import intersect

    _check_out(args.out)
    _check_out(args.links_out)
    mine, items = None, list(args.items)
    if args.mine:
        mine, items = args.mine[0], items + args.mine[1:]
    competitors, dirs = _split_intersect(items)
    authority = _authority(args.authority)
    result = _run(
        lambda: intersect(
            competitors,
            dirs,
            not_domain=mine,
            min_competitors=args.min_k,
            dofollow_only=args.dofollow_only,
            authority=authority,
        )
    )
    what = f"at least {result.min_competitors} of {', '.join(result.competitors)}"
    if result.not_domain:
        what += f" and not to {result.not_domain}"
    if result.domains.num_rows == 0:
        print(f"no domain links to {what} in the crawls given", file=sys.stderr)
    else:
        print(f"{result.domains.num_rows} domains link to {what}")
        _show(result.domains, "Linking domains", args.limit)
        _show(
            result.links.select(["src_domain", "src_url", "dst_url", "anchor", "rel"]),
            "Linking pages",
            args.limit,
        )
    _write(result.domains, args.out)
    _write(result.links, args.links_out)
    return 0


def _diff(args: argparse.Namespace) -> int:
    from graph.research import diff

    _check_out(args.out)
    result = _run(lambda: diff([args.old], [args.new], domain=args.domain))
    new, lost = result.new_links.num_rows, result.lost_links.num_rows
    refs = result.referring_domains["change"].to_pylist()
    scope = f"backlinks of {result.domain}" if result.domain else "links between domains"
    print(
        f"{scope}: {new} new, {lost} lost; referring domains: {refs.count('new')} new, "
        f"{refs.count('lost')} lost"
    )
    if result.links.num_rows:
        _show(
            result.links.select(["change", "reason", "src_url", "dst_url", "anchor", "rel"]),
            "New and lost links",
            args.limit,
        )
    if result.referring_domains.num_rows:
        _show(result.referring_domains, "New and lost referring domains", args.limit)
    _show(result.authority, "Authority changes", args.limit)
    _write(result.links, args.out)
    return 0


def _broken(args: argparse.Namespace) -> int:
    from graph.research import broken, domain_of

    _check_out(args.out)
    table = _run(lambda: broken(args.domain, args.crawl_dirs))
    domain = _run(lambda: domain_of(args.domain))
    if table.num_rows == 0:
        print(f"no broken links to or from {domain} in the crawls given", file=sys.stderr)
    else:
        directions = table["direction"].to_pylist()
        print(
            f"broken links of {domain}: {directions.count('inbound')} inbound (to reclaim), "
            f"{directions.count('outbound')} outbound, {directions.count('internal')} internal"
        )
        _show(
            table.select(["direction", "src_url", "dst_url", "anchor", "status", "final_status"]),
            "Broken links",
            args.limit,
        )
    _write(table, args.out)
    return 0


def _outlinks(args: argparse.Namespace) -> int:
    from graph.research import outlinks

    _check_out(args.out)
    authority = _authority(args.authority)
    profile = _run(
        lambda: outlinks(
            args.domain, args.crawl_dirs, dofollow_only=args.dofollow_only, authority=authority
        )
    )
    if profile.links.num_rows == 0:
        print(
            f"no links from {profile.domain} to other domains in the crawls given", file=sys.stderr
        )
    else:
        print(
            f"{profile.domain} links to {profile.linked_domains.num_rows} domains "
            f"with {profile.links.num_rows} links"
        )
        _show(profile.linked_domains, "Linked domains", args.limit)
        _show(profile.links.select(_SHOWN_LINK_COLUMNS), "Outgoing links", args.limit)
    _write(profile.links, args.out)
    return 0


def _index(args: argparse.Namespace) -> int:
    import time

    from graph.research import build_index

    for folder in args.crawl_dirs:
        started = time.perf_counter()
        path = _run(lambda folder=folder: build_index(folder))
        print(f"indexed {folder} in {time.perf_counter() - started:.1f} s: {path}")
    return 0


def _sql(args: argparse.Namespace) -> int:
    from graph.research import sql

    _check_out(args.out)
    authority = _authority(args.authority)
    table = _run(lambda: sql(args.query, args.crawl_dirs, authority=authority))
    if table.num_columns:
        from graph.output import print_table

        print_table(table, limit=args.limit)
    _write(table, args.out)
    return 0
