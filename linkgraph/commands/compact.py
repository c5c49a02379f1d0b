"""``linkgraph compact``: rewrite a finished crawl's edges clustered by target domain."""

from __future__ import annotations

import argparse
import time

from linkgraph.commands.common import command, crawl_dirs_args

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    p = command(
        subparsers,
        "compact",
        "rewrite a crawl's edges clustered by target domain (fast research)",
        "Rewrite the committed edges of each CRAWL_DIR into a few files, each a range of "
        "target domains sorted by target domain in small row groups, so backlinks, "
        "intersect, broken and diff read little more than their own rows. The crawl reads "
        "the same before, during and after; a killed compaction is finished by the next "
        "one; the pages are untouched, so the crawl can still be resumed (its new parts are "
        "read beside the compacted files, and the next compact folds them in).",
        "example:\n  linkgraph compact data/crawls/20261125T090000Z\n",
        [crawl_dirs_args()],
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="compact even though crawl.json says the crawl is running (it was killed)",
    )
    p.set_defaults(handler=_compact)


def _compact(args: argparse.Namespace) -> int:
    from graph.compact import compact

    for folder in args.crawl_dirs:
        started = time.perf_counter()
        result = compact(folder, force=args.force)
        print(
            f"compacted {folder} in {time.perf_counter() - started:.1f} s: "
            f"{result.rows:,} edge rows from {result.sources} files into {result.files}"
        )
    return 0
