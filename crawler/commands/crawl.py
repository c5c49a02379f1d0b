"""``scrapy crawl``, with the `seeds` spider's arguments checked before the crawl starts.

Scrapy would report a bad spider argument as a traceback from inside the engine; a user
typing ``-a max_depth=-1`` or pointing at a seeds file with no URL deserves one line and
exit status 2. A crawl that does not finish exits 1 with one line saying how to resume it.
The checks and the ending are ``crawler.launch``, shared with ``linkgraph crawl``. Other
spiders run exactly as with the built-in command.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler import launch
from crawler.errors import LinkgraphError, one_line

PROG = "scrapy crawl seeds"


class Command(ScrapyCrawlCommand):
    crawl_id: str | None = None

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if args != ["seeds"]:
            return
        try:
            self.crawl_id = launch.start(self.settings, opts.spargs, opts.set, PROG)
        except LinkgraphError as exc:
            print(f"{PROG}: error: {one_line(exc)}", file=sys.stderr)
            sys.exit(2)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        super().run(args, opts)
        if self.crawl_id is not None and self.exitcode == 0:
            self.exitcode = launch.finish(self.settings, self.crawl_id, PROG)
