"""``linkgraph crawl``: ``scrapy crawl seeds`` from any directory, installed or not.

Runs the ``seeds`` spider with the project's settings (``crawler.settings``), so no
``scrapy.cfg`` is needed where it runs. It keeps Scrapy's ``-a NAME=VALUE`` (spider
arguments) and ``-s NAME=VALUE`` (settings) grammar on purpose: the two commands take the
same arguments, check them the same way (``crawler.launch``) and end the same way. Rules
and defaults: ``docs/crawling.md``.
"""

from __future__ import annotations

import argparse

from crawler.options import KNOWN_ARGS, CrawlArgError

PROG = "linkgraph crawl"

EXAMPLE = """\
example:
  linkgraph crawl -a seeds=seeds.txt -a crawl_id=first -s JOBDIR=jobs/first
  # writes data/crawls/first/ under the current directory; stop it with Ctrl-C and run
  # the same command again to resume it

  # the sandbox web, served by `linkgraph sandbox serve --port 8899` in another shell:
  http_proxy=http://127.0.0.1:8899 https_proxy=http://127.0.0.1:8899 \\
    linkgraph crawl -a seeds=http://www.openwebdirectory.org/ -a crawl_id=sandbox

exit status: 0 the crawl finished; 1 it did not (the last line says how to resume it);
2 bad input (one line saying what to fix, before anything is fetched).
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "crawl",
        help="crawl from seed URLs like a polite search bot (scrapy crawl seeds)",
        description=(
            "Crawl from seed URLs with the `seeds` spider and the project's settings, from "
            "any directory: every page and every link with its context, as Parquet, in "
            "DATA_DIR/CRAWL_ID/. Same arguments as `scrapy crawl seeds`. Relative paths "
            "(DATA_DIR, whose default is data/crawls; the default seeds file data/seeds.txt; "
            "JOBDIR) are relative to the current directory. Rules, defaults and settings: "
            "docs/crawling.md."
        ),
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-a",
        dest="spargs",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=f"spider argument, repeatable: {', '.join(KNOWN_ARGS)}",
    )
    parser.add_argument(
        "-s",
        dest="set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="setting, repeatable: DATA_DIR (default data/crawls), JOBDIR (makes the crawl "
        "resumable), LOG_LEVEL, LOG_FILE, any Scrapy or LINKGRAPH_* setting",
    )
    parser.set_defaults(handler=run)


def _pairs(flag: str, items: list[str]) -> dict[str, str]:
    pairs = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise CrawlArgError(f"{flag} {item!r}: expected NAME=VALUE")
        pairs[name] = value
    return pairs


def run(args: argparse.Namespace) -> int:
    from scrapy.settings import Settings

    from crawler import launch

    spargs = _pairs("-a", args.spargs)
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(_pairs("-s", args.set), priority="cmdline")
    crawl_id = launch.start(settings, spargs, args.set, PROG)
    process = launch.process_for(settings)
    process.crawl("seeds", **spargs)
    process.start()
    if process.bootstrap_failed:
        return 1
    return launch.finish(settings, crawl_id, PROG)
