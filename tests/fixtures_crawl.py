"""Fixtures that run real crawls: ``scrapy crawl seeds`` in a subprocess, through the
sandbox web's proxy, exactly as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow.dataset as ds
import pytest

REPO = Path(__file__).resolve().parent.parent


def crawl_command(*args: str) -> list[str]:
    """``scrapy crawl seeds ARGS`` run by this interpreter (works without a pip install)."""
    return [sys.executable, "-m", "scrapy.cmdline", "crawl", "seeds", *args]


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


def read_crawl(crawl_dir: Path):
    """(pages, edges) of a crawl directory as pyarrow Tables."""
    pages = ds.dataset(str(crawl_dir / "pages"), format="parquet").to_table()
    edges = ds.dataset(str(crawl_dir / "edges"), format="parquet").to_table()
    return pages, edges


@pytest.fixture(scope="session")
def sandbox_crawl(tmp_path_factory, sandbox_server, sandbox_env):
    """A finished default crawl of the sandbox web from its default seeds.

    Returns (crawl_dir, request log of the server during the crawl).
    """
    data_dir = tmp_path_factory.mktemp("crawls")
    sandbox_server.clear_log()
    run_crawl(sandbox_env, data_dir, "-a", "crawl_id=main")
    return data_dir / "main", list(sandbox_server.request_log)
