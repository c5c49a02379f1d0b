"""The ``linkgraph`` command: a thin argparse layer over ``crawler`` and ``graph``.

Each command group lives in its own module under ``linkgraph/commands/`` and exposes
``register(subparsers)``; a command's handler returns an exit code. Errors the user can fix
(bad arguments, missing crawl directories, a busy port) are raised as ``UsageError`` and
printed as one line, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from crawler.errors import LinkgraphError, one_line
from linkgraph import __version__

# One module per command group; the order is the order in `linkgraph --help`.
COMMAND_MODULES = (
    "linkgraph.commands.demo",
    "linkgraph.commands.sandbox",
    "linkgraph.commands.crawl",
    "linkgraph.commands.rank",
    "linkgraph.commands.research",
    "linkgraph.commands.report",
)


class UsageError(LinkgraphError):
    """A problem with the command line itself (arguments that do not fit together); like
    every ``LinkgraphError`` it is printed as one line, exit status 2."""


def positive_int(text: str) -> int:
    """argparse ``type`` for counts such as ``--top`` and ``--limit``: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="linkgraph",
        description="Self-hosted backlink intelligence: crawl, rank and research link graphs.",
        epilog="Crawling itself is `scrapy crawl seeds` (see docs/crawling.md).",
    )
    parser.add_argument("--version", action="version", version=f"linkgraph {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # that command group is not part of this install
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except LinkgraphError as exc:
        print(f"linkgraph {args.command}: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    # Run as `python -m linkgraph.cli`: this file is then `__main__`, and the commands raise
    # `linkgraph.cli.UsageError`, a different class object; run the real module's main.
    from linkgraph.cli import main as _main

    sys.exit(_main())
