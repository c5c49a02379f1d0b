"""`scrapy crawl seeds` against the sandbox web's ground truth: what a polite bot fetches,
every link with its context, and how it treats the server. Arguments and seeds:
``tests/test_crawl_args.py``; stopping, killing and resuming: ``tests/test_crawl_resume.py``."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections import Counter
from urllib.parse import urlsplit

import duckdb
import pandas
import pyarrow.dataset as ds
import pytest
from protego import Protego

from crawler.sandbox import SandboxWeb, crawl_truth
from crawler.schema import EDGES_SCHEMA, PAGES_SCHEMA
from tests.fixtures_crawl import REPO, edge_keys, read_crawl, run_crawl, uncapped_urls

pytestmark = pytest.mark.slow

PAGE_COLUMNS = [
    "status",
    "content_type",
    "title",
    "lang",
    "canonical",
    "robots",
    "redirect_to",
    "bytes",
    "outlinks",
    "host",
    "domain",
]


def test_crawl_fetches_exactly_the_pages_the_truth_reaches(sandbox_crawl, sandbox_truth):
    crawl_dir, _ = sandbox_crawl
    pages, _ = read_crawl(crawl_dir)
    capped = sandbox_truth.capped_domains
    assert uncapped_urls(pages, capped) == uncapped_urls(sandbox_truth.pages, capped)
    for domain in capped:
        fetched = sum(1 for d in pages.column("domain").to_pylist() if d == domain)
        assert fetched == 1000 or fetched == sum(
            1 for d in sandbox_truth.pages.column("domain").to_pylist() if d == domain
        )


def test_each_page_is_stored_once_with_the_truths_columns(sandbox_crawl, sandbox_truth):
    crawl_dir, _ = sandbox_crawl
    pages, _ = read_crawl(crawl_dir)
    urls = pages.column("url").to_pylist()
    assert len(urls) == len(set(urls))
    truth = {r["url"]: r for r in sandbox_truth.pages.to_pylist()}
    mismatches = [
        (r["url"], c, r[c], truth[r["url"]][c])
        for r in pages.to_pylist()
        if r["url"] in truth
        for c in PAGE_COLUMNS
        if r[c] != truth[r["url"]][c]
    ]
    assert mismatches == []
    seeds = set(SandboxWeb(pages=300, seed=1).default_seeds())
    assert {r["url"] for r in pages.to_pylist() if r["depth"] == 0} == seeds


def test_crawl_records_every_link_with_the_truths_flags_kinds_anchors_and_placements(
    sandbox_crawl, sandbox_truth
):
    crawl_dir, _ = sandbox_crawl
    pages, edges = read_crawl(crawl_dir)
    fetched = set(pages.column("url").to_pylist())
    crawl_edges = edge_keys(edges)
    truth_edges = edge_keys(sandbox_truth.edges, fetched)
    assert crawl_edges - truth_edges == Counter()
    assert truth_edges - crawl_edges == Counter()
    # Every kind of link the contract names occurs, with its flags.
    kinds = Counter(edges.column("kind").to_pylist())
    assert kinds["a"] and kinds["area"] and kinds["redirect"]
    placements = set(edges.column("placement").to_pylist())
    assert placements == {"content", "nav", "header", "footer", "sidebar", "comment"}


def test_nofollow_links_are_recorded_but_not_followed(sandbox_crawl, sandbox_truth):
    crawl_dir, _ = sandbox_crawl
    pages, edges = read_crawl(crawl_dir)
    fetched = set(pages.column("url").to_pylist())
    followed_targets = {
        r["dst_url"] for r in edges.to_pylist() if not r["nofollow"] and r["src_url"] in fetched
    }
    only_nofollow = {
        r["dst_url"]
        for r in edges.to_pylist()
        if r["nofollow"] and r["dst_url"] not in followed_targets
    }
    assert only_nofollow, "the sandbox has targets reached only through nofollow links"
    assert only_nofollow.isdisjoint(fetched)
    flags = edges.select(["rel", "nofollow", "ugc", "sponsored"]).to_pylist()
    assert any(r["ugc"] and r["nofollow"] for r in flags)
    assert any(r["sponsored"] and r["nofollow"] for r in flags)
    assert all(
        r["nofollow"] for r in flags if {"nofollow", "ugc", "sponsored"} & set(r["rel"].split())
    )


def test_no_url_is_requested_twice(sandbox_crawl):
    _, log = sandbox_crawl
    counts = Counter(url for _, method, url, _ in log if method == "GET")
    assert [u for u, n in counts.items() if n > 1] == []


def test_no_robots_disallowed_url_is_requested(sandbox_crawl, sandbox_web):
    _, log = sandbox_crawl
    rules: dict[str, Protego] = {}
    disallowed = []
    for _, _, url, _ in log:
        parts = urlsplit(url)
        if parts.path == "/robots.txt":
            continue
        host = parts.netloc
        if host not in rules:
            body = sandbox_web.respond("GET", f"http://{host}/robots.txt")
            text = body.body.decode("utf-8", "replace") if body.status == 200 else ""
            rules[host] = Protego.parse(text)
        if not rules[host].can_fetch(url, "linkgraphbot"):
            disallowed.append(url)
    assert disallowed == []
    closed = sandbox_web.features["closed_host"]
    closed = closed[0] if isinstance(closed, list) else closed
    assert [u for _, _, u, _ in log if urlsplit(u).hostname == closed] == [
        f"http://{closed}/robots.txt"
    ]


def test_crawl_delay_is_honoured_at_the_server(sandbox_crawl, sandbox_web):
    _, log = sandbox_crawl
    feature = sandbox_web.features["crawl_delay"]
    host, delay = feature["host"], float(feature["delay"])
    times = sorted(t for t, _, url, _ in log if urlsplit(url).hostname == host)
    assert len(times) >= 3
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # The robots.txt fetch comes first; every request after it keeps the delay.
    assert min(gaps) >= delay * 0.95, gaps


def test_datasets_read_in_pyarrow_duckdb_and_pandas(sandbox_crawl):
    crawl_dir, _ = sandbox_crawl
    pages = ds.dataset(str(crawl_dir / "pages"), format="parquet")
    edges = ds.dataset(str(crawl_dir / "edges"), format="parquet")
    assert pages.schema.equals(PAGES_SCHEMA, check_metadata=False)
    assert edges.schema.equals(EDGES_SCHEMA, check_metadata=False)
    n_edges = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{crawl_dir}/edges/*.parquet')"
    ).fetchall()[0][0]
    assert n_edges == edges.count_rows() == pandas.read_parquet(crawl_dir / "edges").shape[0]
    outlinks = duckdb.sql(
        f"SELECT sum(outlinks) FROM read_parquet('{crawl_dir}/pages/*.parquet')"
    ).fetchall()[0][0]
    assert outlinks == n_edges
    assert not list(crawl_dir.rglob("*.tmp"))


def test_crawl_json_records_arguments_seeds_times_and_stats(sandbox_crawl, sandbox_web):
    crawl_dir, _ = sandbox_crawl
    meta = json.loads((crawl_dir / "crawl.json").read_text())
    assert (meta["crawl_id"], meta["status"], meta["reason"]) == ("main", "finished", None)
    seeds = sandbox_web.default_seeds()
    assert meta["seeds"] == {
        "count": len(seeds),
        "sha256": hashlib.sha256("".join(f"{u}\n" for u in seeds).encode()).hexdigest(),
        "source": "data/seeds.txt",
        "skipped": 0,
        "skipped_examples": [],
    }
    assert meta["arguments"]["max_pages_per_domain"] == 1000
    assert meta["arguments"]["max_depth"] == 10
    assert meta["started_at"] < meta["finished_at"]
    assert meta["resumed_at"] == [] and meta["resume_command"] is None
    pages, edges = read_crawl(crawl_dir)
    assert meta["stats"]["linkgraph/pages"] == pages.num_rows
    assert meta["stats"]["linkgraph/edges"] == edges.num_rows
    assert meta["output"] == {
        "pages_written": pages.num_rows,
        "edges_written": edges.num_rows,
        "pages_written_this_run": pages.num_rows,
        "edges_written_this_run": edges.num_rows,
    }
    [run] = meta["runs"]
    assert (run["status"], run["reason"], run["pages_written"]) == (
        "finished",
        None,
        pages.num_rows,
    )
    assert run["stats"] == meta["stats"]
    assert meta["settings"]["USER_AGENT"].startswith("linkgraphbot/")


def test_progress_is_logged_as_plain_lines_when_not_on_a_terminal(sandbox_crawl):
    crawl_dir, _ = sandbox_crawl
    log = (crawl_dir.parent / "crawl.log").read_text()
    assert "Crawl main (finished):" in log


def test_the_trap_is_cut_by_the_domain_budget(tmp_path, sandbox_server, sandbox_env, sandbox_web):
    trap = sandbox_web.features["trap_host"]
    trap = trap[0] if isinstance(trap, list) else trap
    run_crawl(
        sandbox_env,
        tmp_path,
        "-a",
        f"seeds=http://{trap}/",
        "-a",
        "crawl_id=trap",
        "-a",
        "max_pages_per_domain=15",
        "-a",
        "max_depth=1000",
        "-a",
        "follow_external=false",
    )
    pages, _ = read_crawl(tmp_path / "trap")
    assert pages.num_rows == 15
    assert len(set(pages.column("url").to_pylist())) == 15


def test_follow_external_false_stays_inside_the_seeds_domains(
    tmp_path, sandbox_server, sandbox_env, sandbox_web
):
    seed = sandbox_web.default_seeds()[0]
    run_crawl(
        sandbox_env,
        tmp_path,
        "-a",
        f"seeds={seed}",
        "-a",
        "crawl_id=inside",
        "-a",
        "follow_external=false",
    )
    pages, edges = read_crawl(tmp_path / "inside")
    truth = crawl_truth(sandbox_web, [seed], follow_external=False)
    assert set(pages.column("url").to_pylist()) == set(truth.pages.column("url").to_pylist())
    assert set(pages.column("domain").to_pylist()) <= {urlsplit(seed).hostname.split(".", 1)[1]}
    assert not all(edges.column("internal").to_pylist()), "links leaving the domain are recorded"


def test_a_slow_host_times_out_and_is_recorded(tmp_path, sandbox_server, sandbox_env, sandbox_web):
    slow = sandbox_web.features["slow"]
    slow = slow[0] if isinstance(slow, list) else slow
    run_crawl(
        sandbox_env,
        tmp_path,
        "-a",
        f"seeds={slow}",
        "-a",
        "crawl_id=slow",
        "-a",
        "max_depth=0",
        "-s",
        "DOWNLOAD_TIMEOUT=0.5",
        "-s",
        "RETRY_TIMES=0",
    )
    pages, _ = read_crawl(tmp_path / "slow")
    row = pages.to_pylist()[0]
    assert (row["url"], row["status"], row["error"]) == (slow, None, "timeout")


def test_scrapy_list_and_check_work_from_the_repository_root():
    listed = subprocess.run(
        [sys.executable, "-m", "scrapy.cmdline", "list"], cwd=REPO, capture_output=True, text=True
    )
    assert listed.returncode == 0 and listed.stdout.split() == ["seeds"]
    check = subprocess.run(
        [sys.executable, "-m", "scrapy.cmdline", "check"], cwd=REPO, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr[-2000:]


def test_a_body_over_the_size_cap_is_recorded_as_too_large(
    tmp_path, sandbox_server, sandbox_env, sandbox_web
):
    seeds = sandbox_web.default_seeds()
    run_crawl(
        sandbox_env,
        tmp_path,
        "-a",
        f"seeds={','.join(seeds)}",
        "-a",
        "crawl_id=capped",
        "-a",
        "max_depth=0",
        "-s",
        "DOWNLOAD_MAXSIZE=2000",
    )
    pages, edges = read_crawl(tmp_path / "capped")
    rows = {r["url"]: r for r in pages.to_pylist()}
    big = [u for u in seeds if sandbox_web.respond("GET", u).body.__len__() > 2000]
    assert big, "a seed page is over 2000 bytes"
    for url in big:
        assert (rows[url]["status"], rows[url]["error"], rows[url]["outlinks"]) == (
            None,
            "too large",
            0,
        )
