"""`linkgraph demo`, the README's first command: crawl, rank, profile and report, offline;
and it never writes where it has no business, nor deletes anything but its own output."""

from __future__ import annotations

import json
import subprocess
import sys

import pyarrow.dataset as ds
import pytest

from linkgraph.cli import main
from linkgraph.commands.demo import MARKER, prepare_out
from tests.fixtures_crawl import REPO


def _demo(out, cwd):
    return subprocess.run(
        [sys.executable, "-m", "linkgraph", "demo", "--out", str(out)],
        cwd=cwd,  # any directory: the demo needs no scrapy.cfg
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(cwd)},
    )


@pytest.mark.slow
def test_the_demo_crawls_ranks_profiles_and_writes_the_report(tmp_path):
    out = tmp_path / "demo"
    proc = _demo(out, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    pages = ds.dataset(str(out / "crawls" / "demo" / "pages")).count_rows()
    edges = ds.dataset(str(out / "crawls" / "demo" / "edges")).count_rows()
    assert f"crawled {pages:,} pages on 35 domains" in proc.stdout
    assert f"{edges:,} links found on the pages" in proc.stdout
    assert "Top domains by authority" in proc.stdout
    assert "Top domains by trust" in proc.stdout
    # authority, trust and the spam flag side by side; the farm flagged, nothing else
    assert "domain\tauthority\ttrust\tspam_mass\tspam\treferring_domains" in proc.stdout
    assert "flagged as spam: 5 of them, and 0 other domains" in proc.stdout
    # one domain's authority explained, source by source, with the teleport part
    assert "Where the authority of " in proc.stdout
    assert "source\tshare\tauthority\ttrust\tspam\trelevance\tcontribution" in proc.stdout
    assert "Backlink profile of " in proc.stdout
    report = out / "report.html"
    assert "report (" in proc.stdout and str(report.resolve()) in proc.stdout
    assert report.stat().st_size > 10_000
    # The crawl's progress reached the user while it ran, not only at the end.
    assert "Crawled " in proc.stderr and "Crawl demo (finished)" in proc.stderr
    assert json.loads((out / MARKER).read_text())["made_by"] == "linkgraph demo"

    # Run again into its own directory: its crawl and report are replaced, the user's
    # files next to them stay.
    (out / "notes.txt").write_text("mine")
    (out / "crawls" / "demo" / "notes.txt").write_text("mine too")
    again = _demo(out, tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "crawls" / "demo" / "notes.txt").read_text() == "mine too"
    assert ds.dataset(str(out / "crawls" / "demo" / "pages")).count_rows() == pages


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


def _tree(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_demo_out_dot_in_a_non_empty_directory_is_refused_and_nothing_is_deleted(
    tmp_path, monkeypatch, capsys
):
    (tmp_path / "thesis.tex").write_text("years of work")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "crawls").mkdir()
    before = _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--out", "."]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "linkgraph demo: error: .: not empty and not made by linkgraph demo; give a new or "
        "empty directory (nothing was changed)"
    ]
    assert _tree(tmp_path) == before
    assert (tmp_path / "thesis.tex").read_text() == "years of work"


def test_demo_out_that_is_a_file_is_refused_in_one_line(tmp_path, capsys):
    target = tmp_path / "notes.txt"
    target.write_text("keep")
    assert main(["demo", "--out", str(target)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"linkgraph demo: error: {target}: is a file, not a directory; give a directory for --out"
    ]
    assert target.read_text() == "keep"


def test_demo_refuses_a_directory_whose_marker_it_did_not_write(tmp_path, capsys):
    (tmp_path / MARKER).write_text("hello")
    (tmp_path / "report.html").write_text("someone else's")
    assert main(["demo", "--out", str(tmp_path)]) == 2
    assert "not a linkgraph demo marker; nothing was changed" in capsys.readouterr().err
    assert (tmp_path / "report.html").read_text() == "someone else's"


def test_demo_uses_a_missing_or_empty_directory_and_marks_it(tmp_path):
    missing, empty = tmp_path / "new" / "demo", tmp_path / "empty"
    empty.mkdir()
    for folder in (missing, empty):
        prepare_out(folder)
        assert _tree(folder) == [MARKER]


def test_a_rerun_removes_only_the_previous_demos_crawl_and_report(tmp_path):
    out = tmp_path / "demo"
    prepare_out(out)
    crawl = out / "crawls" / "demo"
    own = [
        out / "report.html",
        crawl / "crawl.json",
        crawl / "pages" / "part-000000.parquet",
        crawl / "edges" / "part-000000.parquet",
        crawl / "edges" / ".part-000001.parquet.x1y2.tmp",  # a killed run's leftover
    ]
    theirs = [out / "notes.txt", crawl / "research-notes.md", out / "crawls" / "other" / "x"]
    for path in own + theirs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("data")
    prepare_out(out)
    assert _tree(out) == sorted(
        [
            MARKER,
            "crawls",
            "crawls/demo",
            "crawls/demo/research-notes.md",
            "crawls/other",
            "crawls/other/x",
            "notes.txt",
        ]
    )
