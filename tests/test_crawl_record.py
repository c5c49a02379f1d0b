"""``crawler.record``: crawl.json across runs, on its own (whole crawls:
``tests/test_crawl_resume.py``). Exact layouts, older ones included."""

from __future__ import annotations

import hashlib
import json

from crawler.record import CrawlRecord, read_crawl_json, seeds_summary, status_of, sum_stats


def _open(crawl_dir, stored_pages=0, stored_edges=0, **meta) -> CrawlRecord:
    return CrawlRecord(
        crawl_dir,
        crawl_id="c",
        arguments=meta.get("arguments", {"max_depth": 1}),
        seeds=seeds_summary(["http://a.com/"], "arguments", []),
        settings={"JOBDIR": "job"},
        resume_command=meta.get("resume_command", "scrapy crawl seeds -a crawl_id=c"),
        stored_pages=stored_pages,
        stored_edges=stored_edges,
    )


def _meta(crawl_dir) -> dict:
    return json.loads((crawl_dir / "crawl.json").read_text())


def test_a_new_run_is_running_until_it_finishes(tmp_path):
    record = _open(tmp_path)
    meta = _meta(tmp_path)
    assert (meta["status"], meta["reason"], meta["finished_at"]) == ("running", None, None)
    assert [r["status"] for r in meta["runs"]] == ["running"]
    record.checkpoint({"linkgraph/pages": 5}, 5, 40)
    assert _meta(tmp_path)["output"]["pages_written"] == 5
    record.finish("finished", {"linkgraph/pages": 7}, 7, 50)
    meta = _meta(tmp_path)
    assert (meta["status"], meta["reason"]) == ("finished", None)
    assert meta["finished_at"] == meta["runs"][0]["finished_at"] is not None
    assert meta["output"] == {
        "pages_written": 7,
        "edges_written": 50,
        "pages_written_this_run": 7,
        "edges_written_this_run": 50,
    }
    assert list(meta) == [
        "crawl_id",
        "status",
        "reason",
        "arguments",
        "seeds",
        "settings",
        "resume_command",
        "started_at",
        "resumed_at",
        "finished_at",
        "stats",
        "output",
        "robots",
        "runs",
    ]
    assert list(meta["runs"][0]) == [
        "started_at",
        "finished_at",
        "status",
        "reason",
        "stats",
        "pages_written",
        "edges_written",
    ]


def test_robots_txt_readings_are_kept_per_site_across_runs(tmp_path):
    first = _open(tmp_path)
    first.checkpoint({}, 1, 1, {"http://a.com": {"outcome": "rules"}})
    first.finish("shutdown", {}, 1, 1, {"http://b.com": {"outcome": "disallow all"}})
    second = _open(tmp_path, stored_pages=1, stored_edges=1)
    second.finish("finished", {}, 0, 0, {"http://b.com": {"outcome": "allow all"}})
    assert _meta(tmp_path)["robots"] == {
        "http://a.com": {"outcome": "rules"},
        "http://b.com": {"outcome": "allow all"},
    }


def test_only_the_first_finish_counts_and_a_checkpoint_after_it_changes_nothing(tmp_path):
    record = _open(tmp_path)
    record.finish("shutdown", {"a": 1}, 3, 4)
    record.finish("killed", {"a": 2}, 9, 9)
    record.checkpoint({"a": 3}, 10, 10)
    run = _meta(tmp_path)["runs"][0]
    assert (run["status"], run["reason"], run["stats"], run["pages_written"]) == (
        "interrupted",
        "shutdown",
        {"a": 1},
        3,
    )


def test_a_run_left_running_is_closed_as_killed_and_credited_with_what_was_stored(tmp_path):
    first = _open(tmp_path)
    first.finish("shutdown", {"linkgraph/pages": 10}, 10, 100)
    second = _open(tmp_path, stored_pages=10, stored_edges=100)
    second.checkpoint({"linkgraph/pages": 30}, 20, 200)  # then SIGKILL, a batch later
    _open(tmp_path, stored_pages=55, stored_edges=480)
    meta = _meta(tmp_path)
    assert [
        (r["status"], r["reason"], r["pages_written"], r["edges_written"]) for r in meta["runs"]
    ] == [
        ("interrupted", "shutdown", 10, 100),
        ("interrupted", "killed", 45, 380),
        ("running", None, 0, 0),
    ]
    killed = meta["runs"][1]
    assert killed["stats"] == {"linkgraph/pages": 30}, "its stats as of its last checkpoint"
    assert killed["finished_at"] >= killed["started_at"] and "updated_at" not in killed
    assert meta["resumed_at"] == [meta["runs"][1]["started_at"], meta["runs"][2]["started_at"]]
    assert meta["stats"] == {"linkgraph/pages": 40}


def test_a_crawl_json_from_before_runs_becomes_one_run_credited_with_the_stored_rows(tmp_path):
    (tmp_path / "crawl.json").write_text(
        json.dumps(
            {
                "crawl_id": "c",
                "status": "stopped (shutdown)",
                "seeds": ["http://a.com/"],
                "started_at": "2026-11-01T00:00:00+00:00",
                "resumed_at": [],
                "finished_at": "2026-11-01T01:00:00+00:00",
                "stats": {"linkgraph/pages": 12},
                "output": {"pages_written_this_run": 12, "edges_written_this_run": 99},
            }
        )
    )
    assert status_of(read_crawl_json(tmp_path)) == ("interrupted", "shutdown")
    _open(tmp_path, stored_pages=12, stored_edges=99)
    meta = _meta(tmp_path)
    assert meta["runs"][0] == {
        "started_at": "2026-11-01T00:00:00+00:00",
        "finished_at": "2026-11-01T01:00:00+00:00",
        "status": "interrupted",
        "reason": "shutdown",
        "stats": {"linkgraph/pages": 12},
        "pages_written": 12,
        "edges_written": 99,
    }
    assert meta["started_at"] == "2026-11-01T00:00:00+00:00"
    assert meta["seeds"]["count"] == 1


def test_an_unreadable_crawl_json_starts_the_record_afresh(tmp_path):
    (tmp_path / "crawl.json").write_text("{ half a file")
    assert read_crawl_json(tmp_path) == {}
    _open(tmp_path)
    assert len(_meta(tmp_path)["runs"]) == 1


def test_stats_are_summed_over_runs_with_gauges_and_times_kept_sensibly():
    assert sum_stats(
        [
            {"start_time": "t0", "n": 2, "elapsed_time_seconds": 1.5, "memusage/max": 9, "x": "a"},
            {"start_time": "t1", "n": 3, "elapsed_time_seconds": 2.0, "memusage/max": 7},
            {"start_time": "t2", "new": 1, "x": "c", "flag": True},
        ]
    ) == {
        "start_time": "t0",
        "n": 5,
        "elapsed_time_seconds": 3.5,
        "memusage/max": 9,
        "x": "c",
        "new": 1,
        "flag": True,
    }


def test_the_seeds_are_summarised_with_the_first_five_problems():
    problems = [f"s.txt line {i}: not an http(s) URL: 'x{i}'" for i in range(1, 8)]
    summary = seeds_summary(["http://a.com/", "http://b.com/"], "s.txt", problems)
    assert summary == {
        "count": 2,
        "sha256": hashlib.sha256(b"http://a.com/\nhttp://b.com/\n").hexdigest(),
        "source": "s.txt",
        "skipped": 7,
        "skipped_examples": problems[:5],
    }


def test_status_reads_every_layout():
    assert status_of({"status": "running"}) == ("running", None)
    assert status_of({"status": "finished", "reason": None}) == ("finished", None)
    assert status_of({"status": "interrupted", "reason": "closespider_pagecount"}) == (
        "interrupted",
        "closespider_pagecount",
    )
    assert status_of({"status": "stopped (killed)"}) == ("interrupted", "killed")


def test_a_directory_without_crawl_json_has_no_record(tmp_path):
    assert read_crawl_json(tmp_path) is None
