"""``linkgraph rank``, ``linkgraph niches``, ``linkgraph export``: authority from the link graph.

Thin layer over ``graph.rank`` (``graph.ranking``), ``graph.communities`` and
``graph.export``;
definitions in ``docs/authority.md``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from graph.authority import SORT_COLUMNS
from linkgraph.commands.common import (
    UsageError,
    check_out,
    command,
    crawl_dirs_args,
    engine_args,
    engine_options,
    graph_args,
    limit_args,
    out_args,
    positive_float,
    positive_int,
    show,
    unit_interval,
    write,
)

RANK_EXAMPLE = """\
examples:
  linkgraph rank data/crawls/20261125T090000Z
  linkgraph rank crawl1 crawl2 --limit 50
  linkgraph rank crawl1 crawl2 --out authority.parquet
  linkgraph rank crawl --trusted trusted.txt          # trust and spam mass from these
  linkgraph rank crawl --trusted bbc.co.uk,gov.uk --sort trust
  linkgraph rank crawl --niche rosegarden.example,seedshop.example
  linkgraph rank crawl --niche 2                      # niche 2 of `linkgraph niches crawl`
  linkgraph rank crawl --level host --include-nofollow
  linkgraph rank crawl --harmonic --signals --out ranked.csv
  linkgraph rank crawl --engine spark                 # Spark local[*] (pyspark, Java)
  linkgraph rank s3a://bucket/crawl --engine spark --master spark://head:7077

--trusted and --niche take a file (one domain or URL a line, # comments) or a
comma-separated list; --niche also takes a niche's number or label from `linkgraph niches`.
"""

NICHES_EXAMPLE = """\
examples:
  linkgraph niches data/crawls/20261125T090000Z
  linkgraph niches crawl --resolution 1.5 --out niches.csv
  linkgraph niches crawl --min-size 5 --limit 10
  linkgraph rank crawl --niche 3                      # authority inside niche 3
"""

EXPORT_EXAMPLE = """\
examples:
  linkgraph export data/crawls/20261125T090000Z --format gexf --out web.gexf
  linkgraph export crawl --format graphml --out web.graphml --level host
  linkgraph export crawl --format csv --out web.csv   # web.csv (nodes) + web.edges.csv
"""


def register(subparsers) -> None:
    graph_groups = [crawl_dirs_args(), graph_args()]
    rank = command(
        subparsers,
        "rank",
        "rank domains by PageRank authority (and trust, niche authority)",
        "Rank the domains (or hosts) of one or more crawls, merged into one link graph, by "
        "PageRank; authority is its 0-100 log scale. The link counts are those of "
        "`linkgraph backlinks` (docs/research.md, Definitions).",
        RANK_EXAMPLE,
        [*graph_groups, engine_args(), limit_args(20, top_alias=True), out_args("all rows")],
    )
    rank.add_argument(
        "--trusted",
        metavar="FILE_OR_LIST",
        help="trusted seed domains, the core of `trust` and `spam_mass` (default: the top "
        "10%% of domains by PageRank over editorial links; docs/authority.md)",
    )
    rank.add_argument(
        "--niche",
        metavar="FILE_OR_LIST",
        help="a niche's seed domains, or its number/label: adds topic-sensitive `niche`",
    )
    rank.add_argument(
        "--alpha", type=unit_interval, default=0.85, help="damping factor (default 0.85)"
    )
    rank.add_argument(
        "--tol",
        type=positive_float,
        default=1e-6,
        help="L1 accuracy of the scores (default 1e-6); CSV and JSON get the scores' "
        "decimals it supports",
    )
    rank.add_argument(
        "--sort",
        choices=SORT_COLUMNS,
        default="pagerank",
        help="sort by this column, descending (default pagerank)",
    )
    rank.add_argument(
        "--harmonic", action="store_true", help="add harmonic centrality (docs/authority.md)"
    )
    rank.add_argument(
        "--signals",
        action="store_true",
        help="add spam signals: reciprocal, farm, sitewide, comment and nofollow shares",
    )
    rank.set_defaults(handler=run_rank)

    niches = command(
        subparsers,
        "niches",
        "find the niches (link communities) of a crawl and label them",
        "Find the communities of the domain graph (Louvain) and list each with its size, "
        "top domains by authority and the words that label it.",
        NICHES_EXAMPLE,
        [*graph_groups, limit_args(20, top_alias=True), out_args("all niches")],
    )
    niches.add_argument(
        "--resolution",
        type=positive_float,
        default=1.0,
        help="Louvain resolution: above 1 gives more, smaller niches (default 1)",
    )
    niches.add_argument("--seed", type=int, default=0, help="Louvain random seed (default 0)")
    niches.add_argument(
        "--min-size", type=positive_int, default=2, help="hide smaller niches (default 2)"
    )
    niches.set_defaults(handler=run_niches)

    export = command(
        subparsers,
        "export",
        "write the domain graph as GraphML, GEXF or CSV (for Gephi)",
        "Write the domain (or host) graph with authority as a node attribute.",
        EXPORT_EXAMPLE,
        [*graph_groups, out_args("the graph", required=True)],
    )
    export.add_argument(
        "--format", choices=("graphml", "gexf", "csv"), required=True, help="file format"
    )
    export.add_argument(
        "--alpha", type=unit_interval, default=0.85, help="damping factor (default 0.85)"
    )
    export.set_defaults(handler=run_export)


def run_rank(args: argparse.Namespace) -> int:
    from graph.authority import read_names
    from graph.output import plural, score_decimals
    from graph.ranking import rank

    check_out(args.out)
    needs = {"niche": "niche"}.get(args.sort)
    if needs and getattr(args, needs) is None:
        raise UsageError(f"--sort {args.sort} needs --{needs}")
    ranking = rank(
        args.crawl_dirs,
        level=args.level,
        include_nofollow=args.include_nofollow,
        alpha=args.alpha,
        tol=args.tol,
        trusted=read_names(args.trusted, args.level) if args.trusted else None,
        niche=_niche(args) if args.niche else None,
        engine=args.engine,
        engine_options=engine_options(args),
    )
    try:
        table = ranking.table(sort_by=args.sort, harmonic=args.harmonic, signals=args.signals)
    finally:
        ranking.close()
    scores = score_decimals(args.tol)
    decimals = {"pagerank": scores, "trustrank": scores, "niche": scores, "spam_mass": 3}
    if args.out:
        write(table, args.out, decimals=decimals)
    else:
        graph = ranking.graph
        nodes, edges = plural(graph.n, graph.level), plural(graph.m, "edge")
        title = f"{graph.level}s by {args.sort} ({nodes}, {edges})"
        show(table, title, args, written_by_out=True, after_other_output=False, decimals=decimals)
    return 0


def _niche(args: argparse.Namespace) -> list[str] | str:
    """A niche as given: a number or label (``graph.rank`` finds the niche), else a file
    or a list of domains."""
    from graph.authority import read_names

    spec = args.niche.strip()
    if spec.isdigit() or (not Path(spec).exists() and "," not in spec and "." not in spec):
        return spec
    return read_names(spec, args.level)


def run_niches(args: argparse.Namespace) -> int:
    from graph.communities import find_niches, niches_table
    from graph.output import plural
    from graph.ranking import rank

    check_out(args.out)
    ranking = rank(args.crawl_dirs, level=args.level, include_nofollow=args.include_nofollow)
    graph = ranking.graph
    niches = find_niches(
        args.crawl_dirs,
        graph=graph,
        scores=ranking.pagerank,
        resolution=args.resolution,
        seed=args.seed,
    )
    shown = [n for n in niches if n.size >= args.min_size]
    table = niches_table(shown)
    if args.out:
        write(table, args.out)
    else:
        hidden = len(niches) - len(shown)
        title = f"{plural(len(shown), 'niche')} of {plural(graph.n, graph.level)}"
        if hidden:
            title += f" ({hidden} smaller than {args.min_size} hidden)"
        show(table, title, args, written_by_out=True, after_other_output=False)
    return 0


def run_export(args: argparse.Namespace) -> int:
    from graph.export import graph_to_networkx, write_graph
    from graph.output import plural
    from graph.ranking import rank

    folder = Path(args.out).parent
    if str(folder) and not folder.is_dir():
        raise UsageError(f"{args.out}: directory {folder} does not exist")
    ranking = rank(
        args.crawl_dirs,
        level=args.level,
        include_nofollow=args.include_nofollow,
        alpha=args.alpha,
    )
    graph = ranking.graph
    nxgraph = graph_to_networkx(graph, ranking.table())
    written = write_graph(nxgraph, args.out, args.format)
    print(
        f"wrote {plural(graph.n, graph.level)} and {plural(graph.m, 'edge')} to "
        + ", ".join(str(p) for p in written)
    )
    return 0
