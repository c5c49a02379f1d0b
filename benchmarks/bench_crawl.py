"""Crawl speed, completeness, memory and storage of `scrapy crawl seeds`, against its peers.

All figures come from one run on the same machine, as ratios:

* ``scrapy bench`` (Scrapy's own local benchmark: its own server, LinkExtractor, no
  writing) -> pages/s; our crawl of the sandbox web with politeness off, full extraction
  and Parquet writing -> pages/s; the ratio must be >= 0.8.
* advertools (``advertools.crawl(follow_links=True)``, a Scrapy-based SEO crawler) on the
  same sandbox, same page count and concurrency -> pages/s; ours must be >= 2x, and our
  edges must include every link it records (compared after normalisation, page by page).
* The sandbox server's own rate with a fast client (``benchmarks/bench_sandbox.py``) must
  be >= 3x the crawler's pages/s.
* Bytes per edge of the Parquet edges written.
* ``--memory``: a 100,000-page crawl with JOBDIR; peak RSS of the crawl process (Scrapy's
  MemoryUsage extension, stat ``memusage/max``) must stay under 500 MB.

Run:  python benchmarks/bench_crawl.py [--pages 3000] [--memory]
Needs: pip install advertools (optional: skipped with a message when absent).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.sandbox import SandboxServer, SandboxWeb  # noqa: E402
from crawler.urls import normalize_url  # noqa: E402

# Politeness off, the same for every crawler measured.
FAST = {
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "DOWNLOAD_DELAY": "0",
    "LOG_LEVEL": "INFO",
}


def scrapy_bench(seconds: int = 20) -> float:
    """Median pages/s of ``scrapy bench`` (run outside the project: its own settings)."""
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapy.cmdline",
                "bench",
                "-s",
                f"CLOSESPIDER_TIMEOUT={seconds}",
            ],
            cwd=tmp,
            capture_output=True,
            text=True,
            env={k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"},
        )
    rates = [float(m) for m in re.findall(r"at (\d+) pages/min", proc.stderr)]
    rates = [r for r in rates if r > 0][1:] or rates  # the first minute-rate is start-up
    return statistics.median(rates) / 60.0


def ours(proxy: str, seeds: list[str], out: Path, pages: int, extra: list[str] = ()) -> dict:
    env = {
        **os.environ,
        "http_proxy": proxy,
        "https_proxy": proxy,
        "no_proxy": "",
        "PYTHONPATH": str(REPO),
    }
    args = [f"{k}={v}" for k, v in FAST.items()]
    cmd = [
        sys.executable,
        "-m",
        "scrapy.cmdline",
        "crawl",
        "seeds",
        "-a",
        "seeds=" + ",".join(seeds),
        "-a",
        "crawl_id=bench",
        "-s",
        f"DATA_DIR={out}",
        "-s",
        f"CLOSESPIDER_ITEMCOUNT={pages}",
    ]
    for a in args:
        cmd += ["-s", a]
    cmd += list(extra)
    started = time.monotonic()
    log_path = out.parent / f"{out.name}.log"
    with log_path.open("wb") as log:
        proc = subprocess.run(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    wall = time.monotonic() - started
    meta = json.loads((out / "bench" / "crawl.json").read_text())
    # CLOSESPIDER_ITEMCOUNT ends the crawl before it finishes: exit status 1 by design.
    if proc.returncode != 0 and meta.get("reason") != "closespider_itemcount":
        raise SystemExit(f"the crawl failed (exit status {proc.returncode}); see {log_path}")
    stats = meta["stats"]
    edge_files = list((out / "bench" / "edges").glob("*.parquet"))
    return {
        "pages": stats["linkgraph/pages"],
        "edges": stats["linkgraph/edges"],
        "wall_s": wall,
        "elapsed_s": stats["elapsed_time_seconds"],
        "pages_per_s": stats["linkgraph/pages"] / wall,
        "edge_bytes": sum(p.stat().st_size for p in edge_files),
        "memusage_max": stats.get("memusage/max"),
    }


def advertools_crawl(
    proxy: str, seeds: list[str], domains: list[str], out: Path, pages: int
) -> dict | None:
    try:
        import advertools as adv
    except ImportError:
        print("advertools not installed (pip install advertools): skipped")
        return None
    os.environ.update(http_proxy=proxy, https_proxy=proxy, no_proxy="")
    settings = {k: (v if not v.isdigit() else int(v)) for k, v in FAST.items()}
    settings["AUTOTHROTTLE_ENABLED"] = False
    settings["CLOSESPIDER_ITEMCOUNT"] = pages
    settings["LOG_FILE"] = str(out.with_suffix(".log"))
    # advertools runs `scrapy runspider` in the current directory: outside our project, so
    # it runs with its own settings, not ours.
    here = os.getcwd()
    os.chdir(out.parent)
    try:
        started = time.monotonic()
        adv.crawl(
            seeds, str(out), follow_links=True, allowed_domains=domains, custom_settings=settings
        )
        wall = time.monotonic() - started
    finally:
        os.chdir(here)
    rows = [json.loads(line) for line in out.open()]
    return {"pages": len(rows), "wall_s": wall, "pages_per_s": len(rows) / wall, "rows": rows}


def compare_links(adv_rows: list[dict], crawl_dir: Path) -> dict:
    """Every link advertools records on a page is among our edges of that page."""
    import pyarrow.dataset as ds

    edges = (
        ds.dataset(str(crawl_dir / "edges")).to_table(columns=["src_url", "dst_url"]).to_pylist()
    )
    ours_by_page: dict[str, Counter] = {}
    for e in edges:
        ours_by_page.setdefault(e["src_url"], Counter())[e["dst_url"]] += 1
    pages = missing = total = 0
    examples = []
    for row in adv_rows:
        src = normalize_url(row.get("url", ""))
        if src not in ours_by_page or not row.get("links_url"):
            continue
        pages += 1
        theirs = Counter(
            u for u in (normalize_url(x) for x in str(row["links_url"]).split("@@")) if u
        )
        total += sum(theirs.values())
        lacking = theirs - ours_by_page[src]
        missing += sum(lacking.values())
        examples.extend((src, u) for u in list(lacking)[:2])
    return {
        "pages_compared": pages,
        "their_links": total,
        "missing_from_ours": missing,
        "examples": examples[:5],
    }


def sandbox_rate(pages: int, seed: int) -> float:
    """Pages/s the sandbox server answers on the crawl's own web, measured with
    ``benchmarks/bench_sandbox.py``'s concurrent keep-alive client (server in its own
    process, every answer generated afresh)."""
    import argparse as _argparse

    sys.path.insert(0, str(REPO / "benchmarks"))
    import bench_sandbox

    args = _argparse.Namespace(pages=pages, seed=seed, seconds=10.0, connections=16)
    rate, _ = bench_sandbox.measure(
        bench_sandbox._run_sandbox, args, bench_sandbox.crawl_mix(pages, seed)
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=3000, help="pages each crawler fetches")
    parser.add_argument("--memory", action="store_true", help="also the 100,000-page memory run")
    parser.add_argument("--memory-only", action="store_true", help="only the memory run")
    args = parser.parse_args()
    web_pages = max(args.pages * 2, 2000)
    web = SandboxWeb(pages=web_pages, seed=11)
    seeds = web.default_seeds()
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        tmp = Path(tmp)
        if args.memory_only:
            results["memory_run"] = memory_run(tmp)
            print(json.dumps(results, indent=2, default=str))
            return
        results["scrapy_bench_pages_per_s"] = scrapy_bench()
        print(f"scrapy bench: {results['scrapy_bench_pages_per_s']:.1f} pages/s", flush=True)
        with SandboxServer(web) as server:
            server.request_log = _Discard()
            mine = ours(server.proxy_url, seeds, tmp / "ours", args.pages)
            print(
                f"scrapy crawl seeds: {mine['pages']} pages, {mine['edges']} edges in "
                f"{mine['wall_s']:.1f} s = {mine['pages_per_s']:.1f} pages/s",
                flush=True,
            )
            adv = advertools_crawl(
                server.proxy_url, seeds, web.domains(), tmp / "adv.jl", args.pages
            )
        results["ours"] = mine
        results["ratio_vs_scrapy_bench"] = mine["pages_per_s"] / results["scrapy_bench_pages_per_s"]
        results["bytes_per_edge"] = mine["edge_bytes"] / max(mine["edges"], 1)
        if adv:
            print(
                f"advertools: {adv['pages']} pages in {adv['wall_s']:.1f} s = {adv['pages_per_s']:.1f} pages/s"
            )
            results["advertools"] = {k: v for k, v in adv.items() if k != "rows"}
            results["speedup_vs_advertools"] = mine["pages_per_s"] / adv["pages_per_s"]
            results["links_vs_advertools"] = compare_links(adv["rows"], tmp / "ours" / "bench")
        rate = sandbox_rate(web_pages, 11)
        print(f"sandbox server: {rate:.0f} pages/s", flush=True)
        results["sandbox_pages_per_s"] = rate
        results["sandbox_vs_crawler"] = rate / mine["pages_per_s"]
        if args.memory:
            results["memory_run"] = memory_run(tmp)
    print(json.dumps(results, indent=2, default=str))


def memory_run(tmp: Path) -> dict:
    """A 100,000-page crawl with JOBDIR (default politeness limits per domain lifted so the
    sandbox's sites are big enough): peak RSS of the crawl process."""
    big = SandboxWeb(pages=200_000, seed=12)
    with SandboxServer(big) as server:
        server.request_log = _Discard()
        mem = ours(
            server.proxy_url,
            big.default_seeds(),
            tmp / "mem",
            100_000,
            [
                "-s",
                f"JOBDIR={tmp / 'job'}",
                "-s",
                "LOG_LEVEL=INFO",
                "-a",
                "max_depth=50",
                "-a",
                "max_pages_per_domain=5000",
            ],
        )
    mem["bytes_per_edge"] = mem["edge_bytes"] / max(mem["edges"], 1)
    print(
        f"100k run: {mem['pages']} pages in {mem['wall_s']:.0f} s, peak RSS "
        f"{mem['memusage_max'] / 2**20:.0f} MB, {mem['bytes_per_edge']:.1f} bytes/edge",
        flush=True,
    )
    return mem


class _Discard(list):
    def append(self, item) -> None:
        return None


if __name__ == "__main__":
    main()
