"""`linkgraph demo`, the README's first command: crawl, rank, profile and report, offline."""

from __future__ import annotations

import subprocess
import sys

import pyarrow.dataset as ds
import pytest

from tests.fixtures_crawl import REPO

pytestmark = pytest.mark.slow


def test_the_demo_crawls_ranks_profiles_and_writes_the_report(tmp_path):
    out = tmp_path / "demo"
    proc = subprocess.run(
        [sys.executable, "-m", "linkgraph", "demo", "--out", str(out)],
        cwd=tmp_path,  # any directory: the demo needs no scrapy.cfg
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    pages = ds.dataset(str(out / "crawls" / "demo" / "pages")).count_rows()
    edges = ds.dataset(str(out / "crawls" / "demo" / "edges")).count_rows()
    assert f"crawled {pages} pages on 33 domains" in proc.stdout
    assert f"{edges} links kept" in proc.stdout
    assert "Top domains by authority" in proc.stdout
    assert "Top domains by trust" in proc.stdout
    assert "Backlink profile of " in proc.stdout
    report = out / "report.html"
    assert "report (" in proc.stdout and str(report.resolve()) in proc.stdout
    assert report.stat().st_size > 10_000
    # The crawl's progress reached the user while it ran, not only at the end.
    assert "Crawled " in proc.stderr and "Crawl demo (finished)" in proc.stderr


def test_the_demo_rejects_a_bad_size_in_one_line(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "linkgraph", "demo", "--pages", "5", "--out", str(tmp_path / "d")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "linkgraph demo: error: pages must be at least 20, got 5"
    ]
