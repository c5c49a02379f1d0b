"""``linkgraph report``: one self-contained HTML file with the charts of a crawl and a domain.

A thin layer over ``graph.report.build_report``; what the report shows is in
``docs/research.md`` ("The report").
"""

from __future__ import annotations

import argparse
from pathlib import Path

from linkgraph.commands.common import (
    UsageError,
    authority_args,
    command,
    crawl_dirs_args,
    read_authority,
)

EXAMPLE = """\
example:
  linkgraph report data/crawls/20261101T000000Z data/crawls/20261125T000000Z \\
      --domain example.com --competitors rival-a.com,rival-b.com --out report.html
"""


def register(subparsers) -> None:
    parser = command(
        subparsers,
        "report",
        "write a self-contained HTML report with charts",
        "Write one HTML file (it opens offline) with the authority distribution of the "
        "crawls and, with --domain, the domain's backlink profile, new and lost links "
        "over the crawls and its link neighbourhood; with --competitors, the "
        "link-intersect table.",
        EXAMPLE,
        [crawl_dirs_args("crawls, oldest first"), authority_args()],
    )
    parser.add_argument("--domain", help="the domain to report on (domain, host or URL)")
    parser.add_argument("--competitors", help="comma-separated competitor domains")
    parser.add_argument("--out", required=True, metavar="FILE", help="the HTML file to write")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from graph.report import build_report
    from linkgraph import __version__

    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"{args.out}: the report is HTML; give a file name ending in .html")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{args.out}: directory {folder} does not exist")
    competitors = [c.strip() for c in (args.competitors or "").split(",") if c.strip()]
    if args.competitors is not None and not competitors:
        raise UsageError("--competitors: give comma-separated domains, e.g. a.com,b.com")
    path = build_report(
        args.crawl_dirs,
        out=out,
        version=__version__,
        domain=args.domain,
        competitors=competitors or None,
        authority=read_authority(args.authority),
    )
    print(f"report: {Path(path).resolve()}")
    return 0
