"""``linkgraph demo``: the whole job on the sandbox web, offline, in well under a minute.

Starts the sandbox web on loopback, runs ``scrapy crawl seeds`` through it as a user would
(a subprocess, through ``http_proxy``), then prints what was crawled, the top domains by
authority with trust and the spam flag beside it, where one domain's authority comes from
(``linkgraph explain``), a backlink profile, and writes the HTML report.

It writes only into a directory that is missing, empty, or one it made itself (marked by
``DIR/.linkgraph-demo``); a re-run replaces only its own crawl and report there, and
nothing else on disk is ever deleted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from crawler.atomic import write_json_atomic
from linkgraph.commands.common import UsageError

DESCRIPTION = (
    "Crawl the offline sandbox web (served on loopback) with scrapy crawl seeds, rank its "
    "domains by authority and trust, print a backlink profile and write an HTML report, in "
    "well under a minute. --out must be a missing or empty directory, or one an earlier "
    "demo made: a re-run replaces only the demo's own crawl and report."
)
EXAMPLE = """\
example:
  linkgraph demo                      # 300-page sandbox web, output in data/demo/
  linkgraph demo --pages 2000 --seed 7 --out /tmp/demo
"""

#: The file that marks a directory as the demo's own.
MARKER = ".linkgraph-demo"
CRAWL_ID = "demo"
REPORT = "report.html"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="crawl the offline sandbox web, rank it and write a report",
        description=textwrap.fill(DESCRIPTION, 79),
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--pages", type=int, default=300, help="sandbox size (default 300)")
    parser.add_argument("--seed", type=int, default=1, help="sandbox seed (default 1)")
    parser.add_argument(
        "--out",
        metavar="DIR",
        default="data/demo",
        help="output directory: missing, empty, or made by an earlier demo (default data/demo)",
    )
    parser.set_defaults(handler=run)


def _own_files(out: Path) -> list[Path]:
    """What an earlier demo wrote in ``out``: its report, and its crawl's files in the
    layout of docs/data-contract.md (including a killed run's temporary files)."""
    crawl = out / "crawls" / CRAWL_ID
    found = [out / REPORT, crawl / "crawl.json"]
    for table in ("pages", "edges"):
        found += sorted((crawl / table).glob("part-*.parquet"))
        found += sorted((crawl / table).glob(".part-*.tmp"))
    return [p for p in found if p.is_file() and not p.is_symlink()]


def prepare_out(out: Path) -> None:
    """Make ``out`` ready for the demo, or refuse (``UsageError``) and change nothing.

    Missing: created. Empty: used. Marked as the demo's own: the previous demo's report
    and crawl files are removed (and the folders they leave empty), nothing else.
    Anything else (a file, a directory with other content): refused.
    """
    marker = out / MARKER
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: is a file, not a directory; give a directory for --out")
    if out.is_dir() and not marker.exists():
        if any(out.iterdir()):
            raise UsageError(
                f"{out}: not empty and not made by linkgraph demo; give a new or empty "
                "directory (nothing was changed)"
            )
    elif out.is_dir():
        try:
            made_by = json.loads(marker.read_text(encoding="utf-8")).get("made_by")
        except (OSError, ValueError, AttributeError):
            made_by = None
        if made_by != "linkgraph demo":
            raise UsageError(f"{marker}: not a linkgraph demo marker; nothing was changed")
        for path in _own_files(out):
            path.unlink()
        crawl = out / "crawls" / CRAWL_ID
        for folder in (crawl / "pages", crawl / "edges", crawl, out / "crawls"):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    from linkgraph import __version__

    mark = {
        "made_by": "linkgraph demo",
        "version": __version__,
        "writes": [f"crawls/{CRAWL_ID}", REPORT],
    }
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_json_atomic(mark, marker)
    except OSError as exc:
        raise UsageError(f"{out}: cannot write here ({exc.strerror or exc})") from None


def _crawl(proxy_url: str, seeds: list[str], data_dir: Path, crawl_id: str) -> None:
    env = {
        **os.environ,
        "http_proxy": proxy_url,
        "https_proxy": proxy_url,
        "no_proxy": "",
        # Works from any directory, installed or not.
        "SCRAPY_SETTINGS_MODULE": "crawler.settings",
    }
    cmd = [
        sys.executable,
        "-m",
        "scrapy.cmdline",
        "crawl",
        "seeds",
        "-a",
        f"seeds={','.join(seeds)}",
        "-a",
        f"crawl_id={crawl_id}",
        "-s",
        f"DATA_DIR={data_dir}",
        "-s",
        "LOG_LEVEL=WARNING",
        "-s",
        f"LINKGRAPH_PROGRESS={'live' if sys.stderr.isatty() else 'print'}",
        "-s",
        "LINKGRAPH_PROGRESS_INTERVAL=2",
    ]
    print(
        f"$ scrapy crawl seeds -a seeds=<{len(seeds)} sandbox seeds> -a crawl_id={crawl_id}"
        f" -s DATA_DIR={data_dir}   (http_proxy={proxy_url})",
        flush=True,
    )
    proc = subprocess.run(cmd, env=env)
    if proc.returncode != 0:
        raise UsageError(f"the crawl failed (exit status {proc.returncode})")


def run(args: argparse.Namespace) -> int:
    from crawler.sandbox import SandboxServer, SandboxWeb

    try:
        web = SandboxWeb(pages=args.pages, seed=args.seed)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    out = Path(args.out)
    prepare_out(out)
    crawls = out / "crawls"
    started = time.monotonic()
    with SandboxServer(web) as server:
        print(
            f"sandbox web: {args.pages} regular pages, {len(web.domains())} domains, "
            f"{len(web.niches)} niches; proxy {server.proxy_url}"
        )
        _crawl(server.proxy_url, web.default_seeds(), crawls, CRAWL_ID)
    crawl_dir = crawls / CRAWL_ID
    _summary(crawl_dir, time.monotonic() - started)
    ranking, table = _authority(crawl_dir, web)
    domain, competitors = _pick_domains(table, web)
    _explain(ranking, domain, crawl_dir)
    _backlinks(crawl_dir, domain, table)
    _report(crawl_dir, domain, competitors, table, out)
    print(f"\ndone in {time.monotonic() - started:.1f} s")
    return 0


def _summary(crawl_dir: Path, seconds: float) -> None:
    from graph.output import plural
    from graph.research import crawl_summary

    found = crawl_summary([crawl_dir])
    rel = {r["type"]: r["links"] for r in found["by_rel"]}
    print(
        f"\ncrawled {plural(found['pages'], 'page')} on {plural(found['domains'], 'domain')} "
        f"in {seconds:.1f} s"
    )
    print(
        f"  {plural(found['link_rows'], 'link')} found on the pages; "
        f"{plural(found['links'], 'link')} between domains ({rel['nofollow']:,} nofollow); "
        f"{plural(found['errors'], 'fetch error')}"
    )
    print("  answers by status: " + ", ".join(f"{s}: {n:,}" for s, n in found["statuses"]))
    print(f"  data: {crawl_dir}/pages/*.parquet, edges/*.parquet, crawl.json")


def _authority(crawl_dir: Path, web):
    from graph.output import print_table
    from graph.ranking import rank

    trusted = list(web.features["trusted_seeds"])
    ranking = rank([crawl_dir], trusted=trusted)
    table = ranking.table()
    columns = ["domain", "authority", "trust", "spam_mass", "spam", "referring_domains"]
    shown = table.select([*columns, "backlinks", "dofollow"])
    more = f"linkgraph rank {crawl_dir} --limit 50 shows more"
    print()
    title = "Top domains by authority (PageRank, 0-100), with trust (0-100) and the spam flag"
    print_table(shown, title=title, limit=10, more=more)
    by_trust = shown.sort_by([("trust", "descending"), ("authority", "descending")])
    print()
    print_table(
        by_trust,
        title=f"Top domains by trust (TrustRank from {', '.join(trusted)})",
        limit=10,
        more=f"linkgraph rank {crawl_dir} --trusted {','.join(trusted)} --sort trust "
        "--limit 50 shows more",
    )
    farm = set(web.features["link_farm"]) | {web.features["money_site"]}
    order = table.column("domain").to_pylist()
    trust_order = by_trust.column("domain").to_pylist()
    ranks = sorted(order.index(d) + 1 for d in farm if d in order)
    trust_ranks = sorted(trust_order.index(d) + 1 for d in farm if d in trust_order)
    flagged = {r["domain"] for r in table.to_pylist() if r["spam"]}
    if ranks:
        print(
            f"  the sandbox's link farm and its money site ({len(ranks)} domains) rank "
            f"{ranks[0]}-{ranks[-1]} of {len(order)} by PageRank, "
            f"{trust_ranks[0]}-{trust_ranks[-1]} by trust; flagged as spam: "
            f"{len(farm & flagged)} of them, and {len(flagged - farm)} other domains"
        )
    return ranking, table


def _explain(ranking, domain: str, crawl_dir: Path) -> None:
    from graph.explain import explain
    from graph.output import print_table

    found = explain(ranking, domain)
    verdict = "flagged as spam" if found.spam else "not flagged as spam"
    print(
        f"\nWhere the authority of {domain} comes from: authority {found.authority:.1f}, "
        f"trust {found.trust:.1f}, spam mass {found.spam_mass:.2f} ({verdict})"
    )
    shown = found.table.select(
        ["source", "share", "authority", "trust", "spam", "relevance", "contribution"]
    )
    more = f"linkgraph explain {domain} {crawl_dir} shows all"
    print_table(
        shown,
        title=f"PageRank passed to {domain}",
        limit=8,
        more=more,
        decimals={"share": 3, "relevance": 2, "contribution": 6},
    )


def _pick_domains(table, web) -> tuple[str, list[str]]:
    """The best-ranked regular site of the biggest niche, and its two nearest rivals."""
    niche = max(web.niches.values(), key=len)
    ranked = [d for d in table.column("domain").to_pylist() if d in set(niche)]
    return ranked[0], ranked[1:3]


def _backlinks(crawl_dir: Path, domain: str, table) -> None:
    from graph.output import print_table
    from graph.research import backlinks

    profile = backlinks(domain, [crawl_dir], authority=table)
    print(f"\nBacklink profile of {domain}:")
    print("  " + ", ".join(f"{k.replace('_', ' ')}: {v:,}" for k, v in profile.summary.items()))
    print(
        "  by placement: "
        + ", ".join(f"{r['placement']} {r['links']:,}" for r in profile.by_placement.to_pylist())
    )
    referring = profile.referring_domains.select(["domain", "authority", "backlinks", "dofollow"])
    more = f"linkgraph backlinks {domain} {crawl_dir} shows all"
    print_table(referring, title=f"Referring domains of {domain}", limit=10, more=more)


def _report(crawl_dir: Path, domain: str, competitors: list[str], table, out: Path) -> None:
    from graph.report import build_report
    from linkgraph import __version__

    path = build_report(
        [crawl_dir],
        domain=domain,
        competitors=competitors,
        authority=table,
        out=out / REPORT,
        version=__version__,
    )
    print(f"\nreport ({domain} against {', '.join(competitors)}): {Path(path).resolve()}")
