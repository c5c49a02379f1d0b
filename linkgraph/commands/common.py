"""What every ``linkgraph`` command shares: one argument grammar, one error, one way to
print and write tables.

The argument groups are argparse parent parsers (``parents=[...]``), so every command
spells the same thing the same way: crawl directories are always the trailing positional
arguments (``CRAWL_DIR...``), ``--limit N`` bounds every printed table (``--top`` stays as
its alias on ``rank`` and ``niches``), ``--out FILE`` writes the main result, ``--authority
FILE`` reads authority where it is joined, ``--level``/``--include-nofollow`` choose the
graph where one is built. Commands list their parents in the order their positional
arguments come.
"""

from __future__ import annotations

import argparse
import math
import sys
import textwrap
from pathlib import Path

from crawler.errors import LinkgraphError

__all__ = [
    "UsageError",
    "positive_int",
    "unit_interval",
    "positive_float",
    "command",
    "crawl_dirs_args",
    "domain_args",
    "limit_args",
    "out_args",
    "authority_args",
    "graph_args",
    "check_out",
    "read_authority",
    "show",
    "write",
]


class UsageError(LinkgraphError):
    """A problem with the command line itself (arguments that do not fit together); like
    every ``LinkgraphError`` it is printed as one line, exit status 2."""


def positive_int(text: str) -> int:
    """argparse ``type`` for counts such as ``--limit``: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def unit_interval(text: str) -> float:
    """argparse ``type`` for a number strictly between 0 and 1 (``--alpha``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (math.isfinite(value) and 0.0 < value < 1.0):
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (exclusive), not {text}")
    return value


def positive_float(text: str) -> float:
    """argparse ``type`` for a positive number (``--tol``, ``--resolution``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (math.isfinite(value) and value > 0.0):
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text}")
    return value


def command(subparsers, name: str, help_text: str, description: str, example: str, parents):
    """A command's parser: its help, a description (wrapped for an 80-column terminal), an
    example epilog (kept as written), the shared groups."""
    return subparsers.add_parser(
        name,
        help=help_text,
        description=textwrap.fill(description, 79),
        epilog=example,
        parents=parents,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _group() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(add_help=False)


def crawl_dirs_args(help_text: str = "crawl directories") -> argparse.ArgumentParser:
    """``CRAWL_DIR...``: the crawls, always the trailing positional arguments."""
    group = _group()
    group.add_argument("crawl_dirs", metavar="CRAWL_DIR", nargs="+", help=help_text)
    return group


def domain_args(help_text: str = "domain, host or URL (reduced to its domain)"):
    """``DOMAIN``: the domain a research command is about, before the crawls."""
    group = _group()
    group.add_argument("domain", metavar="DOMAIN", help=help_text)
    return group


def limit_args(default: int = 20, *, top_alias: bool = False) -> argparse.ArgumentParser:
    """``--limit N``: rows shown per printed table (``--top N`` too, where it was the name)."""
    group = _group()
    names = ["--limit", "--top"] if top_alias else ["--limit"]
    group.add_argument(
        *names,
        dest="limit",
        metavar="N",
        type=positive_int,
        default=default,
        help=f"rows shown per table (default {default}); --out writes all",
    )
    return group


def out_args(
    what: str = "the result", *, required: bool = False, metavar: str = "FILE"
) -> argparse.ArgumentParser:
    """``--out FILE``: write the command's main result (format by extension)."""
    group = _group()
    group.add_argument(
        "--out",
        metavar=metavar,
        required=required,
        help=f"write {what} to {metavar}; .csv, .json or .parquet",
    )
    return group


def authority_args() -> argparse.ArgumentParser:
    """``--authority FILE``: authority from a ``linkgraph rank --out`` table."""
    group = _group()
    group.add_argument(
        "--authority",
        metavar="FILE",
        help="read authority from FILE (a table with columns domain, authority, as written "
        "by `linkgraph rank --out FILE`, or Common Crawl's domain-ranks.txt.gz) instead of "
        "ranking the crawls again",
    )
    return group


def graph_args() -> argparse.ArgumentParser:
    """``--level`` and ``--include-nofollow``: which graph is built."""
    group = _group()
    group.add_argument(
        "--level", choices=("domain", "host"), default="domain", help="graph nodes (default domain)"
    )
    group.add_argument(
        "--include-nofollow",
        action="store_true",
        help="count nofollow/ugc/sponsored links as graph edges too",
    )
    return group


def engine_args() -> argparse.ArgumentParser:
    """``--engine`` and ``--master``: which rank engine computes the scores
    (``graph.engines``; docs/scaling.md)."""
    group = _group()
    # No ``choices``: the registry (graph.engines.ENGINES) is not imported to build the
    # parser; an unknown name is get_engine's one-line error.
    group.add_argument(
        "--engine",
        metavar="NAME",
        default="local",
        help="rank engine: local (this machine, default) or spark (pyspark, Java 17+)",
    )
    group.add_argument(
        "--master",
        metavar="URL",
        help="Spark master for --engine spark (default local[*]; spark://host:7077, yarn, "
        "k8s://...); crawl directories may then be s3a:// or hdfs:// URLs",
    )
    return group


def engine_options(args: argparse.Namespace) -> dict:
    """The engine constructor's options from ``engine_args``' arguments."""
    if args.master and args.engine != "spark":
        raise UsageError("--master needs --engine spark")
    return {"master": args.master} if args.engine == "spark" else {}


def check_out(path: str | None) -> None:
    """Fail before the work, not after it, when ``--out`` cannot be written."""
    if path is None:
        return
    from graph.output import FORMATS

    target = Path(path)
    if target.suffix.lower() not in FORMATS:
        raise UsageError(
            f"{path}: unknown output format {target.suffix or '(none)'!r}; "
            "use .csv, .json or .parquet"
        )
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{path}: directory {folder} does not exist")


def read_authority(path: str | None):
    """The ``--authority`` table, or None; its file must have domain and authority."""
    if path is None:
        return None
    from crawler.errors import InputFileError
    from graph.output import read_table

    if not Path(path).is_file():
        raise InputFileError(path, "no such authority file")
    from crawler.archive.ranks import is_ranks_file, read_ranks

    if is_ranks_file(path):  # Common Crawl's *-ranks.txt.gz (docs/archives.md)
        import pyarrow as pa

        from graph.authority import authority_scores

        ranks = read_ranks(path)
        if "domain" not in ranks.column_names:
            raise InputFileError(path, "host-level ranks; authority is joined by domain")
        # Their PageRank on our 0-100 log scale, over the domains the file holds.
        scores = authority_scores(ranks.column("pagerank").to_numpy())
        return ranks.select(["domain", "pagerank", "harmonic"]).append_column(
            "authority", pa.array(scores, pa.float64())
        )
    table = read_table(path)
    if "domain" not in table.column_names or "authority" not in table.column_names:
        raise InputFileError(path, "the authority table needs columns domain and authority")
    return table


def show(
    table,
    title: str,
    args: argparse.Namespace,
    *,
    written_by_out: bool = False,
    after_other_output: bool = True,
    decimals: dict[str, int] | None = None,
) -> None:
    """Print one result table, at most ``--limit`` rows; say how to see the rest (and not
    to use ``--out`` when it was given). A blank line sets it off from what came before."""
    from graph.output import print_table

    more = "use --limit N to show more"
    if written_by_out and not getattr(args, "out", None):
        more += ", --out FILE to write all"
    if after_other_output:
        print()
    print_table(table, title=title, limit=args.limit, more=more, decimals=decimals)


def write(table, path: str | None, *, decimals: dict[str, int] | None = None) -> None:
    """Write ``table`` to ``--out`` (when given) and say so on stderr."""
    if path is None:
        return
    from graph.output import plural, write_table

    written = write_table(table, path, decimals=decimals)
    print(f"wrote {plural(table.num_rows, 'row')} to {written}", file=sys.stderr)
