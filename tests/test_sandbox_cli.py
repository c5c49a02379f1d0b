"""``linkgraph sandbox serve|truth|features`` as a user runs them, in a subprocess."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
# The installed `linkgraph` script calls linkgraph.cli.main; so does this (the package may
# not be pip-installed in a fresh checkout).
LINKGRAPH = [sys.executable, "-c", "import sys; from linkgraph.cli import main; sys.exit(main())"]


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*LINKGRAPH, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def test_negative_pages_give_a_one_line_error_and_exit_2():
    result = run("sandbox", "serve", "--pages", "-5")
    assert result.returncode == 2
    assert result.stderr == "linkgraph sandbox: error: pages must be at least 20, got -5\n"
    assert result.stdout == ""


def test_a_negative_seed_and_a_bad_port_give_one_line_errors():
    result = run("sandbox", "truth", "--seed", "-1", "--out", "/tmp/never-written")
    assert (result.returncode, result.stderr) == (
        2,
        "linkgraph sandbox: error: seed must be 0 or more, got -1\n",
    )
    result = run("sandbox", "serve", "--port", "70000")
    assert (result.returncode, result.stderr) == (
        2,
        "linkgraph sandbox: error: port must be between 0 and 65535, got 70000\n",
    )


def test_a_busy_port_gives_a_one_line_error_and_exit_2():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("sandbox", "serve", "--pages", "20", "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"linkgraph sandbox: error: cannot listen on 127.0.0.1:{port}")
    assert "Traceback" not in result.stderr


def test_serve_prints_the_proxy_answers_through_it_and_stops_on_ctrl_c():
    process = subprocess.Popen(
        [*LINKGRAPH, "sandbox", "serve", "--pages", "300", "--seed", "1", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stdout.readline()
        assert first.startswith("sandbox web: 300 pages, seed 1, revision 0, ")
        proxy = process.stdout.readline().strip()
        assert proxy.startswith("proxy: http://127.0.0.1:")
        proxy_url = proxy.split(" ", 1)[1]
        seeds = process.stdout.readline().split()[1:]
        assert seeds == ["http://www.openwebdirectory.org/", "http://www.thedailyledger.com/"]
        fetch = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy_url}))
        with fetch.open(seeds[1]) as answer:
            assert answer.status == 200
            assert b"The Daily Ledger" in answer.read()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "Traceback" not in err
    assert err.strip().endswith("stopped")


def test_truth_writes_readable_parquet_in_the_crawl_layout(tmp_path):
    out = tmp_path / "truth"
    result = run("sandbox", "truth", "--pages", "300", "--seed", "1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    pages = pq.read_table(out / "pages" / "part-000000.parquet")
    edges = pq.read_table(out / "edges" / "part-000000.parquet")
    assert result.stdout.startswith(f"{pages.num_rows} pages, {edges.num_rows} edges, ")
    assert "cut by max depth: townevents.com" in result.stdout
    assert pages.num_rows > 400 and edges.num_rows > 5000
    meta = json.loads((out / "truth.json").read_text())
    assert meta["params"]["pages"] == 300 and meta["params"]["seed"] == 1
    assert meta["pages"] == pages.num_rows


def test_truth_options_reach_the_simulation(tmp_path):
    out = tmp_path / "truth"
    result = run(
        "sandbox",
        "truth",
        "--pages",
        "20",
        "--out",
        str(out),
        "--no-follow-external",
        "--max-pages-per-domain",
        "3",
        "--seeds",
        "http://www.thedailyledger.com/",
    )
    assert result.returncode == 0, result.stderr
    pages = pq.read_table(out / "pages")
    assert set(pages.column("domain").to_pylist()) == {"thedailyledger.com"}
    assert pages.num_rows == 3
    assert "capped by the budget: thedailyledger.com" in result.stdout


def test_features_prints_json_with_every_feature():
    result = run("sandbox", "features", "--pages", "20")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["features"]["trap_host"] == "calendar.townevents.com"
    assert data["seeds"] == ["http://www.openwebdirectory.org/", "http://www.thedailyledger.com/"]


def test_every_sandbox_command_has_help_with_an_example():
    for command in ("serve", "truth", "features"):
        result = run("sandbox", command, "--help")
        assert result.returncode == 0
        assert "example:" in result.stdout
        assert f"linkgraph sandbox {command}" in result.stdout
