"""``linkgraph explain`` and ``linkgraph prospects``: where authority comes from, and what a
new link would be worth.

Thin layer over ``graph.explain`` and ``graph.prospects``; definitions in
``docs/authority.md`` ("Authority explained", "What a link would be worth").
"""

from __future__ import annotations

import argparse

from linkgraph.commands.common import (
    check_out,
    command,
    crawl_dirs_args,
    graph_args,
    limit_args,
    out_args,
    positive_int,
    show,
    write,
)

EXPLAIN_EXAMPLE = """\
examples:
  linkgraph explain willow-yard.com data/crawls/20261125T090000Z
  linkgraph explain www.example.com crawl1 crawl2 --limit 50 --out explained.csv
  linkgraph explain example.com crawl --trusted bbc.co.uk,gov.uk
"""

PROSPECTS_EXAMPLE = """\
examples:
  linkgraph prospects mysite.com data/crawls/20261125T090000Z
  linkgraph prospects mysite.com crawl --competitors rival-a.com,rival-b.com --limit 20
  linkgraph prospects mysite.com crawl --from all --out prospects.csv
"""


def _mine(help_text: str) -> argparse.ArgumentParser:
    group = argparse.ArgumentParser(add_help=False)
    group.add_argument("domain", metavar="DOMAIN", help=help_text)
    return group


def _trusted(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--trusted",
        metavar="FILE_OR_LIST",
        help="trusted seed domains for trust and spam mass (default: an automatic core)",
    )


def register(subparsers) -> None:
    p = command(
        subparsers,
        "explain",
        "which referring domains carry a domain's authority, and how much",
        "The referring domains of DOMAIN ranked by the PageRank each passes it (its "
        "PageRank times the damping factor over its out-degree in the domain graph), with "
        "the share of DOMAIN's PageRank each accounts for, and a (teleport) row for the "
        "random jump and the dangling domains' part; the shares add up to 1. Each source "
        "shows its authority, trust, spam flag and the link's relevance.",
        EXPLAIN_EXAMPLE,
        [
            _mine("the domain to explain (domain, host or URL)"),
            crawl_dirs_args(),
            graph_args(),
            limit_args(),
            out_args("one row per source"),
        ],
    )
    _trusted(p)
    p.set_defaults(handler=run_explain)

    p = command(
        subparsers,
        "prospects",
        "the domains whose link would raise your authority most, with the exact gain",
        "For candidate linking domains (by default those that link to the competitors but "
        "not to MINE, as `linkgraph intersect` finds them; the competitors are "
        "--competitors, or else the five domains sharing the most referring domains with "
        "MINE), the exact gain in MINE's PageRank and authority if that domain added one "
        "followable link to MINE, ranked; with each candidate's trust, spam flag and "
        "relevance.",
        PROSPECTS_EXAMPLE,
        [
            _mine("your domain (domain, host or URL)"),
            crawl_dirs_args(),
            graph_args(),
            limit_args(),
            out_args("one row per candidate"),
        ],
    )
    p.add_argument("--competitors", metavar="LIST", help="comma-separated competitor domains")
    p.add_argument(
        "--from",
        dest="source",
        choices=("intersect", "all"),
        default="intersect",
        help="candidates: domains linking to the competitors and not to MINE (default), or "
        "every domain not linking to MINE",
    )
    p.add_argument(
        "--candidates",
        metavar="N",
        type=positive_int,
        help="evaluate at most N candidates, highest PageRank first (default: all)",
    )
    _trusted(p)
    p.set_defaults(handler=run_prospects)


def _ranking(args: argparse.Namespace):
    from graph.authority import read_names
    from graph.ranking import rank

    return rank(
        args.crawl_dirs,
        level=args.level,
        include_nofollow=args.include_nofollow,
        trusted=read_names(args.trusted, args.level) if args.trusted else None,
        tol=1e-12,
    )


def run_explain(args: argparse.Namespace) -> int:
    from graph.explain import explain

    check_out(args.out)
    ranking = _ranking(args)
    try:
        found = explain(ranking, args.domain)
    finally:
        ranking.close()
    flag = "flagged as spam" if found.spam else "not flagged as spam"
    print(
        f"{found.domain}: authority {found.authority:.1f}, trust {found.trust:.1f}, "
        f"spam mass {found.spam_mass:.3f} ({flag}); PageRank {found.pagerank:.6g}, of which "
        f"{found.table.num_rows - 1:,} referring {ranking.level}s pass "
        f"{1 - found.table.column('share')[-1].as_py():.1%}"
    )
    decimals = {"contribution": 9, "share": 4, "similarity": 3, "relevance": 3}
    show(
        found.table,
        f"Where the PageRank of {found.domain} comes from",
        args,
        written_by_out=True,
        decimals=decimals,
    )
    write(found.table, args.out, decimals=decimals)
    return 0


def run_prospects(args: argparse.Namespace) -> int:
    from graph.prospects import prospects
    from graph.research.session import domain_of

    check_out(args.out)
    competitors = None
    if args.competitors:
        competitors = [domain_of(c) for c in args.competitors.split(",") if c.strip()]
    ranking = _ranking(args)
    try:
        found = prospects(
            ranking,
            args.domain,
            competitors=competitors,
            source=args.source,
            max_candidates=args.candidates,
        )
    finally:
        ranking.close()
    chosen = "given" if competitors else "sharing the most referring domains"
    if args.source == "intersect":
        print(f"competitors ({chosen}): {', '.join(found.competitors) or 'none'}")
    print(
        f"{found.domain}: PageRank {found.pagerank:.6g}, authority {found.authority:.1f}; "
        f"{found.table.num_rows:,} candidates, each gain computed exactly"
    )
    decimals = {"gain_pagerank": 12, "gain_authority": 3, "relevance": 3, "similarity": 3}
    show(found.table, f"Prospects for {found.domain}", args, written_by_out=True, decimals=decimals)
    write(found.table, args.out, decimals=decimals)
    return 0
