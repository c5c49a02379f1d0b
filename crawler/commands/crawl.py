"""``scrapy crawl``, with the `seeds` spider's arguments checked before the crawl starts.

Scrapy would report a bad spider argument as a traceback from inside the engine; a user
typing ``-a max_depth=-1`` or pointing at a seeds file with no URL deserves one line and a
non-zero exit. Other spiders run exactly as with the built-in command.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler.options import CrawlArgError, parse_options


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if args != ["seeds"]:
            return
        try:
            options = parse_options(opts.spargs, self.settings)
        except CrawlArgError as exc:
            print(f"scrapy crawl seeds: error: {exc}", file=sys.stderr)
            sys.exit(2)
        out = Path(self.settings.get("DATA_DIR")) / options.crawl_id
        jobdir = self.settings.get("JOBDIR")
        resumable = bool(jobdir) and (Path(jobdir) / "frontier.sqlite").exists()
        if any((out / "pages").glob("part-*.parquet")) and not resumable:
            # Without the frontier the queue is gone: starting again would fetch only the
            # seeds' unstored neighbours and call the crawl finished.
            print(
                f"scrapy crawl seeds: error: crawl {options.crawl_id!r} already has data in "
                f"{out}; resume it with the -s JOBDIR it ran with, or choose another crawl_id",
                file=sys.stderr,
            )
            sys.exit(2)
        for problem in options.skipped_seed_lines:
            print(f"scrapy crawl seeds: skipped {problem}", file=sys.stderr)
        # The same id for the whole run (the default is a timestamp).
        opts.spargs["crawl_id"] = options.crawl_id
