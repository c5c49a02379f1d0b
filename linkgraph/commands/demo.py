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
        "LINKGRAPH_PROGRESS_INTERVAL=5",
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
            f"sandbox web: {args.pages} pages, {len(web.domains())} domains, "
            f"{len(web.niches)} niches, proxy {server.proxy_url}"
        )
        _crawl(server.proxy_url, web.default_seeds(), crawls, "demo")
    crawl_dir = crawls / "demo"
    crawl_seconds = time.monotonic() - started
    _summary(crawl_dir, crawl_seconds)
    _authority(crawl_dir, web)
    _backlinks(crawl_dir, web)
    _report(crawl_dir, web, out)
    print(f"\ndone in {time.monotonic() - started:.1f} s; data in {crawl_dir}")
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
        f"SELECT coalesce(CAST(status AS VARCHAR), 'error'), count(*) FROM {pages} "
        "GROUP BY 1 ORDER BY 2 DESC"
    ).fetchall()
    con.close()
    print(f"\ncrawled {n_pages} pages on {n_domains} domains in {seconds:.1f} s")
    print(
        f"  {n_edges} links kept ({n_external} to other domains, {n_nofollow} nofollow); "
        f"{n_errors} fetch errors"
    )
    print("  answers: " + ", ".join(f"{s}: {n}" for s, n in statuses))
    print(f"  data: {crawl_dir}/pages/, {crawl_dir}/edges/ (Parquet), {crawl_dir}/crawl.json")


def _authority(crawl_dir: Path, web) -> None:
    from graph.authority import rank_table
    from graph.output import print_table

    trusted = list(web.features.get("trusted_seeds", []))
    table = rank_table([crawl_dir], trusted=trusted or None)
    columns = ["domain", "authority", "referring_domains", "backlinks"]
    if trusted:
        columns.append("trust")
    print()
    print_table(table.select(columns), title="Top domains by authority", limit=10)
    if trusted:
        by_trust = table.sort_by([("trust", "descending")]).select(columns)
        print()
        print_table(
            by_trust,
            title=f"Top domains by trust (seeded from {len(trusted)} trusted domains)",
            limit=10,
        )


def _backlinks(crawl_dir: Path, web) -> None:
    from graph.output import print_table
    from graph.research import backlinks

    domain = web.features.get("money_site")
    if isinstance(domain, list | tuple):
        domain = domain[0]
    if not domain:
        return
    profile = backlinks(domain, [crawl_dir])
    print(f"\nBacklink profile of {domain}:")
    summary = getattr(profile, "summary", None)
    if summary:
        print("  " + ", ".join(f"{k}: {v}" for k, v in summary.items()))
    referring = getattr(profile, "referring_domains", None)
    if referring is not None:
        print_table(referring, title=f"Referring domains of {domain}", limit=10)


def _report(crawl_dir: Path, web, out: Path) -> None:
    from graph.report import build_report

    domain = web.features.get("money_site")
    if isinstance(domain, list | tuple):
        domain = domain[0]
    path = build_report([crawl_dir], domain=domain, out=out / "report.html")
    print(f"\nreport: {Path(path).resolve()}")
