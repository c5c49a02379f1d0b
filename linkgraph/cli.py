"""The ``linkgraph`` command: a thin argparse layer over ``crawler`` and ``graph``.

Each command group lives in its own module under ``linkgraph/commands/`` and exposes
``register(subparsers)``; a command's handler returns an exit code. The grammar they share
(argument groups, the usage error, table output) is ``linkgraph.commands.common``. Every
error the user can cause is a ``crawler.errors.LinkgraphError``, printed here as one line
with exit status 2, never a traceback; warnings of the graph code (a crawl that did not
finish, an out-of-date index) are one ``warning:`` line each on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from crawler.errors import LinkgraphError, one_line
from linkgraph import __version__
from linkgraph.commands.common import UsageError, positive_int

__all__ = ["COMMAND_MODULES", "UsageError", "positive_int", "build_parser", "main"]

# One module per command group; the order is the order in `linkgraph --help`.
COMMAND_MODULES = (
    "linkgraph.commands.demo",
    "linkgraph.commands.sandbox",
    "linkgraph.commands.crawl",
    "linkgraph.commands.ingest",
    "linkgraph.commands.rank",
    "linkgraph.commands.research",
    "linkgraph.commands.explain",
    "linkgraph.commands.report",
    "linkgraph.commands.compact",
)


class _StderrLines(logging.Handler):
    """``warning: MESSAGE`` on whatever ``sys.stderr`` is at the time (tests swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"{record.levelname.lower()}: {one_line(record.getMessage(), 1000)}", file=sys.stderr)


def _show_warnings() -> None:
    graph_log = logging.getLogger("graph")
    if not any(isinstance(h, _StderrLines) for h in graph_log.handlers):
        handler = _StderrLines(logging.WARNING)
        graph_log.addHandler(handler)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="linkgraph",
        description="Self-hosted backlink intelligence: crawl, rank and research link graphs.",
        epilog="Crawling: docs/crawling.md. Every command has --help with an example.",
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
    _show_warnings()
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
    sys.exit(main())
