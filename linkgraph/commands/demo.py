"""``linkgraph demo``: the whole job on the sandbox web, offline, in well under a minute.

Starts the sandbox web on loopback, runs ``scrapy crawl seeds`` through it as a user would
(a subprocess, through ``http_proxy``), then prints what was crawled, the top domains by
authority and by trust, a backlink profile, and writes the HTML report.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from linkgraph.cli import UsageError

EXAMPLE = """\
example:
  linkgraph demo                      # 300-page sandbox web, output in data/demo/
  linkgraph demo --pages 2000 --seed 7 --out /tmp/demo
"""


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="crawl the offline sandbox web, rank it and write a report",
        description=__doc__.split("\n\n")[0],
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--pages", type=int, default=300, help="sandbox size (default 300)")
    parser.add_argument("--seed", type=int, default=1, help="sandbox seed (default 1)")
    parser.add_argument(
        "--out",
        default="data/demo",
        help="output directory, replaced on each run (default data/demo)",
    )
    parser.set_defaults(handler=run)


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
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    crawls = out / "crawls"
    started = time.monotonic()
    with SandboxServer(web) as server:
        print(
            f"sandbox web: {args.pages} regular pages, {len(web.domains())} domains, "
            f"{len(web.niches)} niches; proxy {server.proxy_url}"
        )
        _crawl(server.proxy_url, web.default_seeds(), crawls, "demo")
    crawl_dir = crawls / "demo"
    _summary(crawl_dir, time.monotonic() - started)
    table = _authority(crawl_dir, web)
    domain, competitors = _pick_domains(table, web)
    _backlinks(crawl_dir, domain, table)
    _report(crawl_dir, domain, competitors, table, out)
    print(f"\ndone in {time.monotonic() - started:.1f} s")
    return 0


def _summary(crawl_dir: Path, seconds: float) -> None:
    import duckdb

    con = duckdb.connect()
    pages = f"read_parquet('{crawl_dir}/pages/*.parquet')"
    edges = f"read_parquet('{crawl_dir}/edges/*.parquet')"
    n_pages, n_domains, n_errors = con.execute(
        f"SELECT count(*), count(DISTINCT domain), count(error) FROM {pages}"
    ).fetchone()
    n_edges, n_nofollow, n_external = con.execute(
        f"SELECT count(*), count(*) FILTER (nofollow), count(*) FILTER (NOT internal) FROM {edges}"
    ).fetchone()
    statuses = con.execute(
        f"SELECT coalesce(CAST(status AS VARCHAR), 'no answer'), count(*) FROM {pages} "
        "GROUP BY 1 ORDER BY 2 DESC"
    ).fetchall()
    con.close()
    print(f"\ncrawled {n_pages} pages on {n_domains} domains in {seconds:.1f} s")
    print(
        f"  {n_edges} links kept ({n_external} to other domains, {n_nofollow} nofollow); "
        f"{n_errors} fetch errors"
    )
    print("  answers by status: " + ", ".join(f"{s}: {n}" for s, n in statuses))
    print(f"  data: {crawl_dir}/pages/*.parquet, edges/*.parquet, crawl.json")


def _authority(crawl_dir: Path, web):
    import pyarrow.compute as pc

    from graph.authority import rank_table
    from graph.output import print_table

    trusted = list(web.features["trusted_seeds"])
    table = rank_table([crawl_dir], trusted=trusted)
    columns = ["domain", "authority", "trust", "referring_domains", "backlinks"]
    shown = table.select(columns)
    shown = shown.set_column(1, "authority", pc.round(shown.column("authority"), 1))
    shown = shown.set_column(2, "trust", pc.round(shown.column("trust"), 4))
    print()
    print_table(shown, title="Top domains by authority (PageRank, 0-100)", limit=10)
    by_trust = shown.sort_by([("trust", "descending")])
    print()
    print_table(
        by_trust,
        title=f"Top domains by trust (TrustRank from {', '.join(trusted)})",
        limit=10,
    )
    farm = set(web.features["link_farm"]) | {web.features["money_site"]}
    order = table.column("domain").to_pylist()
    trust_order = by_trust.column("domain").to_pylist()
    ranks = sorted(order.index(d) + 1 for d in farm if d in order)
    trust_ranks = sorted(trust_order.index(d) + 1 for d in farm if d in trust_order)
    if ranks:
        print(
            f"  the sandbox's link farm and its money site ({len(ranks)} domains) rank "
            f"{ranks[0]}-{ranks[-1]} of {len(order)} by PageRank, "
            f"{trust_ranks[0]}-{trust_ranks[-1]} by trust"
        )
    return table


def _pick_domains(table, web) -> tuple[str, list[str]]:
    """The best-ranked regular site of the biggest niche, and its two nearest rivals."""
    niche = max(web.niches.values(), key=len)
    ranked = [d for d in table.column("domain").to_pylist() if d in set(niche)]
    return ranked[0], ranked[1:3]


def _backlinks(crawl_dir: Path, domain: str, table) -> None:
    import pyarrow.compute as pc

    from graph.output import print_table
    from graph.research import backlinks

    profile = backlinks(domain, [crawl_dir], authority=table)
    print(f"\nBacklink profile of {domain}:")
    print("  " + ", ".join(f"{k}: {v}" for k, v in profile.summary.items()))
    print(
        "  by placement: "
        + ", ".join(f"{r['placement']} {r['links']}" for r in profile.by_placement.to_pylist())
    )
    referring = profile.referring_domains.select(["domain", "authority", "backlinks", "dofollow"])
    referring = referring.set_column(1, "authority", pc.round(referring.column("authority"), 1))
    print_table(
        referring,
        title=f"Referring domains of {domain}",
        limit=10,
    )


def _report(crawl_dir: Path, domain: str, competitors: list[str], table, out: Path) -> None:
    from graph.report import build_report

    path = build_report(
        [crawl_dir],
        domain=domain,
        competitors=competitors,
        authority=table,
        out=out / "report.html",
    )
    print(f"\nreport ({domain} against {', '.join(competitors)}): {Path(path).resolve()}")
