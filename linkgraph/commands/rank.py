"""``linkgraph rank``, ``linkgraph niches``, ``linkgraph export``: authority from the link graph.

Thin layer over ``graph.authority``, ``graph.communities`` and ``graph.export``;
definitions in ``docs/authority.md``.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from linkgraph.cli import UsageError, positive_int

RANK_EXAMPLE = """\
examples:
  linkgraph rank data/crawls/20261125T090000Z
  linkgraph rank crawl1 crawl2 --top 50 --out authority.parquet
  linkgraph rank crawl --trusted trusted.txt          # adds a TrustRank column
  linkgraph rank crawl --trusted bbc.co.uk,gov.uk --sort trust
  linkgraph rank crawl --niche rosegarden.example,seedshop.example
  linkgraph rank crawl --niche 2                      # niche 2 of `linkgraph niches crawl`
  linkgraph rank crawl --level host --include-nofollow
  linkgraph rank crawl --harmonic --signals --out ranked.csv

--trusted and --niche take a file (one domain or URL a line, # comments) or a
comma-separated list; --niche also takes a niche's number or label from `linkgraph niches`.
"""

NICHES_EXAMPLE = """\
examples:
  linkgraph niches data/crawls/20261125T090000Z
  linkgraph niches crawl --resolution 1.5 --out niches.csv
  linkgraph rank crawl --niche 3                      # authority inside niche 3
"""

EXPORT_EXAMPLE = """\
examples:
  linkgraph export data/crawls/20261125T090000Z --format gexf --out web.gexf
  linkgraph export crawl --format graphml --out web.graphml --level host
  linkgraph export crawl --format csv --out web.csv   # web.csv (nodes) + web.edges.csv
"""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("crawl_dirs", nargs="+", metavar="CRAWL_DIR", help="crawl directories")
    parser.add_argument(
        "--level", choices=("domain", "host"), default="domain", help="graph nodes (default domain)"
    )
    parser.add_argument(
        "--include-nofollow",
        action="store_true",
        help="count nofollow/ugc/sponsored links as edges too",
    )


def _unit_interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (math.isfinite(value) and 0.0 < value < 1.0):
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (exclusive), not {text}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (math.isfinite(value) and value > 0.0):
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text}")
    return value


def register(subparsers) -> None:
    rank = subparsers.add_parser(
        "rank",
        help="rank domains by PageRank authority (and trust, niche authority)",
        description="Rank the domains (or hosts) of one or more crawls, merged into one link "
        "graph, by PageRank; authority is its 0-100 log scale.",
        epilog=RANK_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(rank)
    rank.add_argument("--out", metavar="FILE", help="write all rows to .parquet, .csv or .json")
    rank.add_argument(
        "--trusted", metavar="FILE_OR_LIST", help="trusted seed domains: adds TrustRank `trust`"
    )
    rank.add_argument(
        "--niche",
        metavar="FILE_OR_LIST",
        help="a niche's seed domains, or its number/label: adds topic-sensitive `niche`",
    )
    rank.add_argument(
        "--alpha", type=_unit_interval, default=0.85, help="damping factor (default 0.85)"
    )
    rank.add_argument(
        "--tol",
        type=_positive_float,
        default=1e-6,
        help="L1 accuracy of the scores (default 1e-6)",
    )
    rank.add_argument(
        "--sort",
        choices=("pagerank", "trust", "niche", "referring_domains", "backlinks"),
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
    rank.add_argument(
        "--top", type=positive_int, default=20, help="rows to print without --out (default 20)"
    )
    rank.set_defaults(handler=run_rank)

    niches = subparsers.add_parser(
        "niches",
        help="find the niches (link communities) of a crawl and label them",
        description="Find the communities of the domain graph (Louvain) and list each with its "
        "size, top domains by authority and the words that label it.",
        epilog=NICHES_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(niches)
    niches.add_argument("--out", metavar="FILE", help="write all niches to .parquet, .csv or .json")
    niches.add_argument(
        "--resolution",
        type=_positive_float,
        default=1.0,
        help="Louvain resolution: above 1 gives more, smaller niches (default 1)",
    )
    niches.add_argument("--seed", type=int, default=0, help="Louvain random seed (default 0)")
    niches.add_argument(
        "--min-size", type=positive_int, default=2, help="hide smaller niches (default 2)"
    )
    niches.add_argument(
        "--top", type=positive_int, default=20, help="niches to print without --out (default 20)"
    )
    niches.set_defaults(handler=run_niches)

    export = subparsers.add_parser(
        "export",
        help="write the domain graph as GraphML, GEXF or CSV (for Gephi)",
        description="Write the domain (or host) graph with authority as a node attribute.",
        epilog=EXPORT_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(export)
    export.add_argument(
        "--format", choices=("graphml", "gexf", "csv"), required=True, help="file format"
    )
    export.add_argument("--out", metavar="FILE", required=True, help="output file")
    export.add_argument(
        "--alpha", type=_unit_interval, default=0.85, help="damping factor (default 0.85)"
    )
    export.set_defaults(handler=run_export)


def _errors():
    """The one-line user errors of the graph modules, as a tuple for ``except``."""
    from graph.authority import RankError
    from graph.communities import NicheError
    from graph.export import ExportError
    from graph.output import OutputError
    from graph.store import CrawlDirError

    return (RankError, NicheError, ExportError, OutputError, CrawlDirError)


def _check_out(path: str) -> None:
    from graph.output import FORMATS

    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(
            f"{path}: unknown output format {suffix or '(none)'!r}; use .parquet, .csv or .json"
        )
    folder = Path(path).parent
    if str(folder) and not folder.is_dir():
        raise UsageError(f"{path}: directory {folder} does not exist")


def run_rank(args: argparse.Namespace) -> int:
    from graph.authority import read_names, table_from_graph, with_extras
    from graph.build import build_graph
    from graph.output import print_table, write_table

    if args.out:
        _check_out(args.out)
    needs = {"trust": "trusted", "niche": "niche"}.get(args.sort)
    if needs and getattr(args, needs) is None:
        raise UsageError(f"--sort {args.sort} needs --{needs}")
    try:
        graph = build_graph(
            args.crawl_dirs, level=args.level, include_nofollow=args.include_nofollow
        )
        trusted = read_names(args.trusted, args.level) if args.trusted else None
        niche = None
        if args.niche:
            niche = _niche(args, graph)
        table = table_from_graph(
            graph, alpha=args.alpha, trusted=trusted, niche=niche, tol=args.tol, sort_by=args.sort
        )
        table = with_extras(
            table,
            graph,
            args.crawl_dirs,
            harmonic=args.harmonic,
            signals=args.signals,
            include_nofollow=args.include_nofollow,
        )
        if args.out:
            write_table(table, args.out)
            print(f"wrote {table.num_rows} rows to {args.out}")
        else:
            title = f"{graph.level}s by {args.sort} ({graph.n} {graph.level}s, {graph.m} edges)"
            print_table(table, title=title, limit=args.top)
    except _errors() as exc:
        raise UsageError(str(exc)) from None
    return 0


def _niche(args: argparse.Namespace, graph) -> list[str]:
    """A niche given as a number, a label, a file or a list of domains."""
    from graph.authority import read_names
    from graph.communities import find_niches, select_niche

    spec = args.niche.strip()
    if spec.isdigit() or (not Path(spec).exists() and "," not in spec and "." not in spec):
        niches = find_niches(args.crawl_dirs, graph=graph)
        return select_niche(niches, spec).domains
    return read_names(spec, args.level)


def run_niches(args: argparse.Namespace) -> int:
    from graph.build import build_graph
    from graph.communities import find_niches, niches_table
    from graph.output import print_table, write_table

    if args.out:
        _check_out(args.out)
    try:
        graph = build_graph(
            args.crawl_dirs, level=args.level, include_nofollow=args.include_nofollow
        )
        niches = find_niches(
            args.crawl_dirs, graph=graph, resolution=args.resolution, seed=args.seed
        )
        shown = [n for n in niches if n.size >= args.min_size]
        table = niches_table(shown)
        if args.out:
            write_table(table, args.out)
            print(f"wrote {table.num_rows} niches to {args.out}")
        else:
            hidden = len(niches) - len(shown)
            title = f"{len(shown)} niches of {graph.n} {graph.level}s"
            if hidden:
                title += f" ({hidden} smaller than {args.min_size} hidden)"
            print_table(table, title=title, limit=args.top)
    except _errors() as exc:
        raise UsageError(str(exc)) from None
    return 0


def run_export(args: argparse.Namespace) -> int:
    from graph.authority import table_from_graph
    from graph.build import build_graph
    from graph.export import graph_to_networkx, write_graph

    try:
        graph = build_graph(
            args.crawl_dirs, level=args.level, include_nofollow=args.include_nofollow
        )
        folder = Path(args.out).parent
        if str(folder) and not folder.is_dir():
            raise UsageError(f"{args.out}: directory {folder} does not exist")
        nxgraph = graph_to_networkx(graph, table_from_graph(graph, alpha=args.alpha))
        written = write_graph(nxgraph, args.out, args.format)
    except _errors() as exc:
        raise UsageError(str(exc)) from None
    print(
        f"wrote {graph.n} {graph.level}s and {graph.m} edges to "
        + ", ".join(str(p) for p in written)
    )
    return 0
