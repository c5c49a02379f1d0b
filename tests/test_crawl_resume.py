"""Stopping, killing and resuming a crawl: nothing lost or duplicated, crawl.json telling
the crawl's life across its runs, the JOBDIR tied to its crawl, and a crawl that did not
finish saying so (exit status 1 and how to resume it)."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from crawler.sandbox import SandboxServer, SandboxWeb, crawl_truth
from tests.fixtures_crawl import (
    REPO,
    crawl_output,
    edge_keys,
    read_crawl,
    run_crawl,
    start_crawl,
    stored_parts,
    uncapped_urls,
    wait_until,
)

pytestmark = pytest.mark.slow


def _meta(crawl_dir: Path) -> dict:
    return json.loads((crawl_dir / "crawl.json").read_text())


def _last_line(data_dir: Path) -> str:
    return (data_dir / "crawl.log").read_text().strip().splitlines()[-1]


@pytest.fixture(scope="module")
def crawl_life(tmp_path_factory):
    """One crawl's life: killed with SIGKILL, resumed and stopped with Ctrl-C, resumed with
    the command it printed until it finished, then run once more. Returns what each step
    left: crawl.json, the stored pages, exit statuses and last log lines."""
    data_dir = tmp_path_factory.mktemp("life")
    crawl_dir = data_dir / "life"
    web = SandboxWeb(pages=1500, seed=3)
    args = [
        "-a",
        "seeds=" + ",".join(web.default_seeds()),
        "-a",
        "crawl_id=life",
        "-s",
        f"JOBDIR={data_dir / 'job'}",
        "-s",
        "LINKGRAPH_FLUSH_SECONDS=0.3",
        "-s",
        "LINKGRAPH_BATCH_PAGES=25",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
    ]
    life: dict = {"web": web, "data_dir": data_dir, "crawl_dir": crawl_dir}
    with SandboxServer(web) as server:
        env = {"http_proxy": server.proxy_url, "https_proxy": server.proxy_url, "no_proxy": ""}
        proc = start_crawl(env, data_dir, *args)
        wait_until(lambda: stored_parts(crawl_dir) >= 4)
        proc.kill()
        proc.wait()
        life["killed"] = _meta(crawl_dir)
        life["stored_at_kill"] = len(read_crawl(crawl_dir)[0])

        proc = start_crawl(env, data_dir, *args)
        parts = stored_parts(crawl_dir)
        wait_until(lambda: stored_parts(crawl_dir) >= parts + 4)
        proc.send_signal(signal.SIGINT)
        life["ctrl_c_status"] = proc.wait(timeout=120)
        life["ctrl_c_line"] = _last_line(data_dir)
        life["stopped"] = _meta(crawl_dir)
        life["stored_at_stop"] = len(read_crawl(crawl_dir)[0])

        printed = shlex.split(life["ctrl_c_line"].split("resume it with: ", 1)[1])
        assert printed[:3] == ["scrapy", "crawl", "seeds"]
        resumed = subprocess.run(
            [sys.executable, "-m", "scrapy.cmdline", *printed[1:]],
            cwd=REPO,
            env={**os.environ, **env, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        life["resume_status"] = resumed.returncode
        life["finished"] = _meta(crawl_dir)
        life["pages"], life["edges"] = read_crawl(crawl_dir)

        life["again_status"] = run_crawl(env, data_dir, *args).returncode
        life["again"] = _meta(crawl_dir)
    return life


def test_a_killed_and_stopped_crawl_resumes_without_losing_or_duplicating_anything(crawl_life):
    """SIGKILL, then Ctrl-C, each followed by a start with the same crawl_id and JOBDIR: the
    result is the crawl an uninterrupted run makes."""
    truth = crawl_truth(crawl_life["web"])
    pages, edges = crawl_life["pages"], crawl_life["edges"]
    assert 0 < crawl_life["stored_at_kill"] < crawl_life["stored_at_stop"] < pages.num_rows
    urls = pages.column("url").to_pylist()
    assert len(urls) == len(set(urls)), "no page stored twice"
    capped = truth.capped_domains
    assert uncapped_urls(pages, capped) == uncapped_urls(truth.pages, capped), "no page lost"
    per_page = defaultdict(list)
    for r in edges.select(["src_url", "position"]).to_pylist():
        per_page[r["src_url"]].append(r["position"])
    outlinks = dict(zip(urls, pages.column("outlinks").to_pylist(), strict=True))
    for url, positions in per_page.items():
        assert sorted(positions) == list(range(outlinks[url])), url
    assert edge_keys(edges) == edge_keys(truth.edges, set(urls))


def test_crawl_json_says_running_when_the_crawling_process_was_killed(crawl_life):
    meta = crawl_life["killed"]
    assert (meta["status"], meta["reason"], meta["finished_at"]) == ("running", None, None)
    assert [run["status"] for run in meta["runs"]] == ["running"]
    assert 0 < meta["runs"][0]["pages_written"] <= crawl_life["stored_at_kill"]


def test_ctrl_c_ends_a_crawl_with_exit_1_and_one_line_saying_how_to_resume(crawl_life):
    data_dir = crawl_life["data_dir"]
    assert crawl_life["ctrl_c_status"] == 1
    command = (
        f"scrapy crawl seeds -a seeds={','.join(crawl_life['web'].default_seeds())} "
        f"-a crawl_id=life -s DATA_DIR={data_dir} -s JOBDIR={data_dir / 'job'} "
        "-s LINKGRAPH_FLUSH_SECONDS=0.3 -s LINKGRAPH_BATCH_PAGES=25 -s AUTOTHROTTLE_ENABLED=False"
    )
    assert crawl_life["ctrl_c_line"] == (
        f"scrapy crawl seeds: crawl 'life' is interrupted (shutdown); resume it with: {command}"
    )
    meta = crawl_life["stopped"]
    assert (meta["status"], meta["reason"]) == ("interrupted", "shutdown")
    assert meta["resume_command"] == command
    assert crawl_life["resume_status"] == 0


def test_crawl_json_keeps_each_run_and_sums_their_stats(crawl_life):
    meta = crawl_life["finished"]
    runs = meta["runs"]
    assert (meta["status"], meta["reason"]) == ("finished", None)
    assert [(r["status"], r["reason"]) for r in runs] == [
        ("interrupted", "killed"),
        ("interrupted", "shutdown"),
        ("finished", None),
    ]
    pages, edges = crawl_life["pages"], crawl_life["edges"]
    # The killed run is credited with exactly what it stored.
    assert runs[0]["pages_written"] == crawl_life["stored_at_kill"]
    assert runs[0]["pages_written"] + runs[1]["pages_written"] == crawl_life["stored_at_stop"]
    assert sum(r["pages_written"] for r in runs) == meta["output"]["pages_written"]
    assert meta["output"]["pages_written"] == pages.num_rows
    assert sum(r["edges_written"] for r in runs) == meta["output"]["edges_written"]
    assert meta["output"]["edges_written"] == edges.num_rows
    for counter in ("linkgraph/pages", "linkgraph/edges", "downloader/request_count"):
        assert meta["stats"][counter] == sum(r["stats"][counter] for r in runs), counter
    assert meta["stats"]["start_time"] == runs[0]["stats"]["start_time"]
    assert meta["started_at"] == runs[0]["started_at"]
    assert meta["resumed_at"] == [runs[1]["started_at"], runs[2]["started_at"]]
    assert meta["finished_at"] == runs[2]["finished_at"]
    assert runs[0]["finished_at"] < runs[1]["started_at"] < runs[1]["finished_at"]


def test_a_finished_crawl_run_again_adds_an_empty_run_and_keeps_the_figures(crawl_life):
    before, after = crawl_life["finished"], crawl_life["again"]
    assert crawl_life["again_status"] == 0
    assert after["runs"][:3] == before["runs"]
    last = after["runs"][3]
    assert (last["status"], last["pages_written"], last["edges_written"]) == ("finished", 0, 0)
    assert after["output"]["pages_written"] == before["output"]["pages_written"]
    assert after["stats"]["linkgraph/pages"] == before["stats"]["linkgraph/pages"]


def test_a_jobdir_of_another_crawl_is_refused_in_one_line_before_the_crawl_starts(crawl_life):
    data_dir = crawl_life["data_dir"]
    job = data_dir / "job"
    proc = crawl_output(data_dir, "-a", "crawl_id=other", "-s", f"JOBDIR={job}")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"scrapy crawl seeds: error: JOBDIR {job} belongs to crawl 'life', not 'other'; "
        "resume that crawl with -a crawl_id=life, or give this one another -s JOBDIR"
    ]
    assert not (data_dir / "other").exists()
    elsewhere = data_dir / "elsewhere"
    proc = crawl_output(elsewhere, "-a", "crawl_id=life", "-s", f"JOBDIR={job}")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"scrapy crawl seeds: error: JOBDIR {job} belongs to crawl 'life' written to "
        f"{(data_dir / 'life').resolve()}, not {(elsewhere / 'life').resolve()}; resume it "
        f"with -s DATA_DIR={data_dir.resolve()}"
    ]
    assert not elsewhere.exists()


def test_a_forced_second_ctrl_c_exits_1_and_marks_the_crawl_interrupted(
    tmp_path, sandbox_server, sandbox_env, sandbox_web
):
    slow = sandbox_web.features["slow"]
    slow = slow[0] if isinstance(slow, list) else slow
    sandbox_server.clear_log()
    args = ["-a", f"seeds={slow}", "-a", "crawl_id=forced", "-a", "max_depth=0"]
    proc = start_crawl(sandbox_env, tmp_path, *args, "-s", f"JOBDIR={tmp_path / 'job'}")
    # The slow page answers after seconds: the first Ctrl-C waits for it, the second
    # does not.
    wait_until(lambda: any(url == slow for _, _, url, _ in sandbox_server.request_log))
    proc.send_signal(signal.SIGINT)
    wait_until(lambda: "shutting down gracefully" in (tmp_path / "crawl.log").read_text())
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 1
    assert _last_line(tmp_path).startswith(
        "scrapy crawl seeds: crawl 'forced' is interrupted (killed); resume it with: "
        f"scrapy crawl seeds -a seeds={slow} -a crawl_id=forced"
    )
    meta = _meta(tmp_path / "forced")
    assert (meta["status"], meta["reason"]) == ("interrupted", "killed")
    assert [(r["status"], r["reason"]) for r in meta["runs"]] == [("interrupted", "killed")]
    assert meta["runs"][0]["finished_at"] is not None


def test_a_crawl_closed_early_without_jobdir_exits_1_and_says_it_cannot_resume(
    tmp_path, sandbox_server, sandbox_env
):
    proc = run_crawl(
        sandbox_env, tmp_path, "-a", "crawl_id=short", "-s", "CLOSESPIDER_PAGECOUNT=3", check=False
    )
    assert proc.returncode == 1
    assert _last_line(tmp_path) == (
        "scrapy crawl seeds: crawl 'short' is interrupted (closespider_pagecount); it ran "
        "without -s JOBDIR, so it cannot be resumed: run it again with another crawl_id and "
        "-s JOBDIR=DIR"
    )
    assert (_meta(tmp_path / "short")["status"], _meta(tmp_path / "short")["reason"]) == (
        "interrupted",
        "closespider_pagecount",
    )


def test_reusing_a_crawl_id_without_its_jobdir_is_one_line_and_exit_2(sandbox_crawl):
    crawl_dir, _ = sandbox_crawl
    proc = crawl_output(crawl_dir.parent, "-a", "crawl_id=main")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"scrapy crawl seeds: error: crawl 'main' already has data in {crawl_dir}; "
        "resume it with the -s JOBDIR it ran with, or choose another crawl_id"
    ]


def test_a_refused_crawl_does_not_claim_the_new_jobdir_it_was_given(sandbox_crawl, tmp_path):
    crawl_dir, _ = sandbox_crawl
    job = tmp_path / "job"
    proc = crawl_output(crawl_dir.parent, "-a", "crawl_id=main", "-s", f"JOBDIR={job}")
    assert proc.returncode == 2
    assert "already has data" in proc.stderr
    assert not job.exists()


def test_a_jobdir_that_cannot_be_a_directory_is_refused_in_one_line(tmp_path):
    job = tmp_path / "job"
    job.write_text("not a directory")
    proc = crawl_output(tmp_path, "-a", "seeds=http://a.com/", "-s", f"JOBDIR={job}")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"scrapy crawl seeds: error: {job}: cannot be used as JOBDIR (File exists)"
    ]
