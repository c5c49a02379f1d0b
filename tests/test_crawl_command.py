"""``linkgraph crawl``: the ``seeds`` spider with the project's settings from any directory,
with the arguments, errors and endings of ``scrapy crawl seeds``; and Scrapy's start-up
log kept quiet under the live progress display."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from crawler.sandbox import crawl_truth
from tests.fixtures_crawl import BAD_ARGUMENTS, linkgraph_command, read_crawl, uncapped_urls

pytestmark = pytest.mark.slow


def _linkgraph_crawl(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """``linkgraph crawl ARGS`` in ``cwd`` with the installed package (no PYTHONPATH)."""
    env = {k: v for k, v in env.items() if k != "PYTHONPATH"}
    return subprocess.run(
        linkgraph_command("crawl", *args),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_linkgraph_crawl_from_another_directory_writes_its_crawl_there(
    tmp_path, sandbox_server, sandbox_env, sandbox_web
):
    seeds = sandbox_web.default_seeds()
    proc = _linkgraph_crawl(
        tmp_path,
        sandbox_env,
        "-a",
        f"seeds={','.join(seeds)}",
        "-a",
        "crawl_id=here",
        "-a",
        "max_depth=1",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    crawl_dir = tmp_path / "data" / "crawls" / "here"
    pages, _ = read_crawl(crawl_dir)
    truth = crawl_truth(sandbox_web, seeds, max_depth=1)
    capped = truth.capped_domains
    assert uncapped_urls(pages, capped) == uncapped_urls(truth.pages, capped)
    meta = json.loads((crawl_dir / "crawl.json").read_text())
    assert (meta["status"], meta["seeds"]["source"]) == ("finished", "arguments")
    assert meta["settings"]["DATA_DIR"] == "data/crawls"
    assert "Crawl here (finished):" in proc.stderr


def test_linkgraph_crawl_reads_the_default_seeds_file_relative_to_where_it_runs(tmp_path):
    proc = _linkgraph_crawl(tmp_path, dict(os.environ), "-a", "crawl_id=x")
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "linkgraph crawl: error: seeds file 'data/seeds.txt' not found (give -a seeds=FILE_OR_URLS)"
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        *BAD_ARGUMENTS,
        (["-a", "max_depth"], "-a 'max_depth': expected NAME=VALUE"),
        (["-s", "=1"], "-s '=1': expected NAME=VALUE"),
    ],
)
def test_linkgraph_crawl_refuses_bad_arguments_in_one_line_with_exit_2(tmp_path, args, message):
    # Seeds given: the current directory has no data/seeds.txt (the later -a wins).
    proc = _linkgraph_crawl(tmp_path, dict(os.environ), "-a", "seeds=http://a.com/", *args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"linkgraph crawl: error: {message}")
    assert list(tmp_path.iterdir()) == []


def test_linkgraph_crawl_help_shows_an_example_and_where_the_data_goes():
    proc = subprocess.run(linkgraph_command("crawl", "--help"), capture_output=True, text=True)
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    assert "example: linkgraph crawl -a seeds=seeds.txt -a crawl_id=first -s JOBDIR=jobs/first" in (
        text
    )
    assert "DATA_DIR, whose default is data/crawls" in text
    assert "relative to the current directory" in text


def test_an_interrupted_linkgraph_crawl_prints_the_linkgraph_command_that_resumes_it(
    tmp_path, sandbox_server, sandbox_env
):
    seeds = "http://www.openwebdirectory.org/"
    proc = _linkgraph_crawl(
        tmp_path,
        sandbox_env,
        "-a",
        f"seeds={seeds}",
        "-a",
        "crawl_id=cut",
        "-s",
        "JOBDIR=jobs/cut",
        "-s",
        "CLOSESPIDER_PAGECOUNT=2",
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1] == (
        "linkgraph crawl: crawl 'cut' is interrupted (closespider_pagecount); resume it with: "
        f"linkgraph crawl -a seeds={seeds} -a crawl_id=cut -s JOBDIR=jobs/cut "
        "-s CLOSESPIDER_PAGECOUNT=2"
    )
    job = json.loads((tmp_path / "jobs" / "cut" / "job.json").read_text())
    assert job == {"crawl_id": "cut", "crawl_dir": str((tmp_path / "data/crawls/cut").resolve())}


STARTUP_LINES = ("Scrapy 2.", "Overridden settings", "Enabled extensions", "Dumping Scrapy stats")


def test_scrapys_start_up_log_is_quiet_under_the_live_display_but_warnings_stay(
    tmp_path, sandbox_server, sandbox_env
):
    proc = _linkgraph_crawl(
        tmp_path,
        sandbox_env,
        "-a",
        "seeds=http://www.openwebdirectory.org/",
        "-a",
        "crawl_id=quiet",
        "-a",
        "max_depth=0",
        "-s",
        "LINKGRAPH_PROGRESS=live",
        "-s",
        "DOWNLOAD_WARNSIZE=100",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [s for s in STARTUP_LINES if s in proc.stderr] == []
    assert "larger than download warn size (100)" in proc.stderr
    assert "Crawl quiet (finished): 1 pages" in proc.stderr


def test_the_plain_log_keeps_scrapys_start_up_lines_when_not_on_a_terminal(
    tmp_path, sandbox_server, sandbox_env
):
    proc = _linkgraph_crawl(
        tmp_path,
        sandbox_env,
        "-a",
        "seeds=http://www.openwebdirectory.org/",
        "-a",
        "crawl_id=plain",
        "-a",
        "max_depth=0",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [s for s in STARTUP_LINES if s in proc.stderr] == list(STARTUP_LINES)
    assert "Crawl plain (finished): 1 pages" in proc.stderr
