"""Pages per second of `scrapy crawl seeds` with rendering on against off, on the sandbox.

One run, the same machine, the same sandbox web and seeds, politeness off (as
``benchmarks/bench_crawl.py``): a crawl without rendering, one rendering the script site
only (``-a render=scriptkitchen.net``: the realistic use, a few front-end sites), and one
rendering every HTML page (``-a render=all``) in headless Debian Chromium. Each figure is
pages stored / wall time of the crawl process (browser start included), and the ratios to
the unrendered crawl. The never-settling page waits ``--render-timeout`` seconds in both
rendered crawls.

Run:  nice python benchmarks/bench_render.py [--pages 300] [--render-timeout 5]
Needs: Debian's chromium (/usr/bin/chromium) and the render extra (Playwright).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.sandbox import SandboxServer, SandboxWeb  # noqa: E402

FAST = {
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "DOWNLOAD_DELAY": "0",
    "LOG_LEVEL": "INFO",
}


def crawl(proxy: str, out: Path, name: str, args: list[str]) -> dict:
    env = {**os.environ, "http_proxy": proxy, "https_proxy": proxy, "no_proxy": ""}
    env["PYTHONPATH"] = str(REPO)
    settings = [x for k, v in FAST.items() for x in ("-s", f"{k}={v}")]
    command = [sys.executable, "-m", "scrapy.cmdline", "crawl", "seeds", "-s", f"DATA_DIR={out}"]
    command += settings + ["-a", f"crawl_id={name}", *args]
    started = time.perf_counter()
    with (out / f"{name}.log").open("wb") as log:
        subprocess.run(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, check=True)
    seconds = time.perf_counter() - started
    stats = json.loads((out / name / "crawl.json").read_text())["stats"]
    pages = stats["linkgraph/pages"]
    return {
        "pages": pages,
        "edges": stats["linkgraph/edges"],
        "rendered": stats.get("linkgraph/render/pages", 0),
        "browser_requests": stats.get("linkgraph/render/requests", 0),
        "seconds": round(seconds, 1),
        "pages_per_s": round(pages / seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300, help="sandbox size (default 300)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--render-timeout", type=float, default=5.0)
    parser.add_argument("--browser", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    web = SandboxWeb(pages=args.pages, seed=args.seed)
    seeds = ",".join(web.default_seeds())
    common = ["-a", f"seeds={seeds}", "-s", f"LINKGRAPH_RENDER_BROWSER={args.browser}"]
    common += ["-s", f"LINKGRAPH_RENDER_TIMEOUT={args.render_timeout}"]
    runs = {
        "off": [],
        "script site": ["-a", f"render={web.features['script_domain']}"],
        "all": ["-a", "render=all"],
    }
    with SandboxServer(web) as server, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        results = {}
        for label, extra in runs.items():
            name = label.replace(" ", "-")
            results[label] = crawl(server.proxy_url, out, name, common + extra)
    base = results["off"]["pages_per_s"]
    print(
        f"sandbox --pages {args.pages} --seed {args.seed}, render timeout {args.render_timeout} s"
    )
    print(
        f"{'render':<12} {'pages':>6} {'rendered':>8} {'browser req':>11} {'s':>7} {'pages/s':>8} {'ratio':>6}"
    )
    for label, r in results.items():
        print(
            f"{label:<12} {r['pages']:>6} {r['rendered']:>8} {r['browser_requests']:>11}"
            f" {r['seconds']:>7} {r['pages_per_s']:>8} {r['pages_per_s'] / base:>6.2f}"
        )


if __name__ == "__main__":
    main()
