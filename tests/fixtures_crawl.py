"""Fixtures that run real crawls: ``scrapy crawl seeds`` (or ``linkgraph crawl``) in a
subprocess, through the sandbox web's proxy, exactly as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from crawler.schema import EDGES_SCHEMA

REPO = Path(__file__).resolve().parent.parent
#: The edges columns that do not depend on the run (not its id, not the fetch time).
EDGE_COLUMNS = [f.name for f in EDGES_SCHEMA if f.name not in ("crawl_id", "fetched_at")]

#: Spider arguments the crawl commands refuse, and the start of the one line saying why.
BAD_ARGUMENTS = [
    (["-a", "seeds=/nonexistent/seeds.txt"], "seeds file '/nonexistent/seeds.txt' not found"),
    (["-a", "max_depth=-1"], "-a max_depth='-1': must be at least 0"),
    (
        ["-a", "max_pages_per_domain=lots"],
        "-a max_pages_per_domain='lots': expected a whole number",
    ),
    (["-a", "follow_external=maybe"], "-a follow_external='maybe': expected true or false"),
    (["-a", "colour=blue"], "unknown argument -a colour=..."),
]


def crawl_command(*args: str) -> list[str]:
    """``scrapy crawl seeds ARGS`` run by this interpreter (works without a pip install)."""
    return [sys.executable, "-m", "scrapy.cmdline", "crawl", "seeds", *args]


def linkgraph_command(*args: str) -> list[str]:
    """``linkgraph ARGS`` run by this interpreter."""
    return [sys.executable, "-m", "linkgraph", *args]


def run_crawl(
    env: dict[str, str],
    data_dir: Path,
    *args: str,
    timeout: float = 300,
    check: bool = True,
) -> subprocess.CompletedProcess:
    """Run a crawl from the repository root; its log goes to ``data_dir/crawl.log``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / "crawl.log"
    full_env = {**os.environ, **env, "PYTHONPATH": str(REPO)}
    with log.open("ab") as fh:
        proc = subprocess.run(
            crawl_command("-s", f"DATA_DIR={data_dir}", *args),
            cwd=REPO,
            env=full_env,
            stdout=fh,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
    if check and proc.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise AssertionError(f"crawl exited {proc.returncode}:\n{tail}")
    return proc


def crawl_output(data_dir: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run a crawl from the repository root with the environment as it is (no proxy:
    for crawls refused before anything is fetched); stdout and stderr captured as text."""
    return subprocess.run(
        crawl_command("-s", f"DATA_DIR={data_dir}", *args),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_crawl(env: dict[str, str], data_dir: Path, *args: str) -> subprocess.Popen:
    """Start a crawl from the repository root in the background (stdout and stderr piped
    into ``data_dir/crawl.log``); the caller stops or waits for it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    full_env = {**os.environ, **env, "PYTHONPATH": str(REPO)}
    with (data_dir / "crawl.log").open("ab") as log:
        return subprocess.Popen(
            crawl_command("-s", f"DATA_DIR={data_dir}", *args),
            cwd=REPO,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def wait_until(condition: Callable[[], bool], timeout: float = 120) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {timeout} s")
        time.sleep(0.05)


def stored_parts(crawl_dir: Path) -> int:
    """Committed batches of a crawl directory so far."""
    return len(list((crawl_dir / "pages").glob("part-*.parquet")))


def read_crawl(crawl_dir: Path):
    """(pages, edges) of a crawl directory as pyarrow Tables."""
    pages = ds.dataset(str(crawl_dir / "pages"), format="parquet").to_table()
    edges = ds.dataset(str(crawl_dir / "edges"), format="parquet").to_table()
    return pages, edges


def edge_keys(table, urls=None) -> Counter:
    """The edges as a multiset of their run-independent columns (of ``urls``' pages only)."""
    rows = table.select(EDGE_COLUMNS).to_pylist()
    return Counter(
        tuple(r[c] for c in EDGE_COLUMNS) for r in rows if urls is None or r["src_url"] in urls
    )


def uncapped_urls(table, capped) -> set[str]:
    """The page URLs outside the domains whose budget bound (which of their URLs a crawl
    fetches depends on timing)."""
    return {
        r["url"] for r in table.select(["url", "domain"]).to_pylist() if r["domain"] not in capped
    }


@pytest.fixture(scope="session")
def sandbox_crawl(tmp_path_factory, sandbox_server, sandbox_env):
    """A finished default crawl of the sandbox web from its default seeds.

    Returns (crawl_dir, request log of the server during the crawl).
    """
    data_dir = tmp_path_factory.mktemp("crawls")
    sandbox_server.clear_log()
    run_crawl(sandbox_env, data_dir, "-a", "crawl_id=main")
    return data_dir / "main", list(sandbox_server.request_log)
