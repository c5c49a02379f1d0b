"""The research commands as a user runs them: tables on stdout, --out files, one-line errors."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from linkgraph.cli import main
from tests.fixtures_research import (
    AUTHORITY,
    FEB,
    JAN,
    NEW_LINKS,
    NEW_PAGES,
    OLD_LINKS,
    OLD_PAGES,
    write_crawl,
)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def old_crawl(tmp_path):
    return write_crawl(tmp_path / "jan", "jan", JAN, OLD_LINKS, OLD_PAGES)


@pytest.fixture()
def new_crawl(tmp_path):
    return write_crawl(tmp_path / "feb", "feb", FEB, NEW_LINKS, NEW_PAGES)


@pytest.fixture()
def authority_file(tmp_path):
    path = tmp_path / "authority.parquet"
    pq.write_table(AUTHORITY, path)
    return str(path)


def test_backlinks_prints_the_profile_and_writes_csv_with_formulas_neutralised(
    old_crawl, authority_file, tmp_path, capsys
):
    out = tmp_path / "links.csv"
    code = main(
        [
            "backlinks",
            "https://www.target.com/",
            str(old_crawl),
            "--authority",
            authority_file,
            "--out",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert printed.splitlines()[0] == (
        "Backlink profile of target.com: backlinks 6, referring domains 3, dofollow 3, "
        "nofollow 3, ugc 1, sponsored 1"
    )
    assert "# Referring domains" in printed
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6
    assert set(rows[0]) >= {
        "src_url",
        "dst_url",
        "src_domain",
        "dst_domain",
        "anchor",
        "rel",
        "nofollow",
        "kind",
        "placement",
        "first_seen",
        "last_seen",
    }
    anchors = sorted(r["anchor"] for r in rows)
    assert "'=HYPERLINK(1)" in anchors
    assert "=HYPERLINK(1)" not in anchors


def test_backlinks_dofollow_only_writes_json(old_crawl, authority_file, tmp_path):
    out = tmp_path / "links.json"
    assert (
        main(
            [
                "backlinks",
                "target.com",
                str(old_crawl),
                "--dofollow-only",
                "--authority",
                authority_file,
                "--out",
                str(out),
            ]
        )
        == 0
    )
    rows = json.loads(out.read_text())
    assert sorted(r["src_url"] for r in rows) == [
        "https://blog.org/post1",
        "https://news.net/b",
        "https://www.blog.org/",
    ]
    assert rows[0]["first_seen"] == "2026-01-01T00:00:00+00:00"


def test_backlinks_of_an_unknown_domain_says_so_and_succeeds(old_crawl, capsys):
    assert main(["backlinks", "unknown.example", str(old_crawl)]) == 0
    assert capsys.readouterr().err.strip() == "no backlinks to unknown.example in the crawls given"


def test_intersect_takes_competitors_then_crawl_dirs(old_crawl, authority_file, tmp_path, capsys):
    out = tmp_path / "gap.parquet"
    assert (
        main(
            [
                "intersect",
                "comp1.com",
                "comp2.com",
                "comp3.com",
                "--not",
                "mine.com",
                str(old_crawl),
                "--min",
                "2",
                "--authority",
                authority_file,
                "--out",
                str(out),
            ]
        )
        == 0
    )
    table = pq.read_table(out)
    assert table.select(["domain", "authority", "competitors_linked"]).to_pylist() == [
        {"domain": "blog.org", "authority": 80.0, "competitors_linked": 3},
        {"domain": "news.net", "authority": 60.0, "competitors_linked": 2},
    ]
    assert capsys.readouterr().out.startswith(
        "2 domains link to at least 2 of comp1.com, comp2.com, comp3.com and not to mine.com"
    )


def test_diff_writes_new_and_lost_links(old_crawl, new_crawl, tmp_path, capsys):
    out = tmp_path / "diff.csv"
    assert (
        main(["diff", str(old_crawl), str(new_crawl), "--domain", "target.com", "--out", str(out)])
        == 0
    )
    assert capsys.readouterr().out.splitlines()[0] == (
        "backlinks of target.com: 2 new, 4 lost; referring domains: 1 new, 1 lost"
    )
    with out.open(newline="", encoding="utf-8") as fh:
        changes = [(r["change"], r["src_url"]) for r in csv.DictReader(fh)]
    assert changes[:2] == [("new", "https://forum.io/t/2"), ("new", "https://spam.biz/")]


def test_broken_writes_the_status_of_each_target(old_crawl, tmp_path):
    out = tmp_path / "broken.json"
    assert main(["broken", "target.com", str(old_crawl), "--out", str(out)]) == 0
    rows = json.loads(out.read_text())
    assert [(r["direction"], r["dst_url"], r["status"], r["final_status"]) for r in rows] == [
        ("inbound", "https://target.com/old", 404, 404),
        ("inbound", "https://target.com/moved", 301, 404),
        ("internal", "https://target.com/old", 404, 404),
        ("outbound", "https://gone.example/x", 503, 503),
    ]


def test_outlinks_prints_linked_domains(old_crawl, authority_file, capsys):
    assert main(["outlinks", "target.com", str(old_crawl), "--authority", authority_file]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "target.com links to 2 domains with 2 links"


def test_sql_prints_and_writes_the_result(old_crawl, tmp_path, capsys):
    out = tmp_path / "q.csv"
    query = "SELECT anchor FROM edges WHERE anchor LIKE '=%' OR anchor LIKE '<%' ORDER BY anchor"
    assert main(["sql", query, str(old_crawl), "--out", str(out)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "anchor",
        "<script>x</script>",
        "=HYPERLINK(1)",
    ]
    assert out.read_text(encoding="utf-8").splitlines() == [
        "anchor",
        "<script>x</script>",
        "'=HYPERLINK(1)",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["backlinks", "target.com", "/nonexistent/crawl"],
            "/nonexistent/crawl: no such crawl directory",
        ),
        (
            ["backlinks", "mailto:a@b.c", "{crawl}"],
            "'mailto:a@b.c' is not a domain, host or http(s) URL",
        ),
        (
            ["backlinks", "target.com", "{crawl}", "--out", "x.xlsx"],
            "x.xlsx: unknown output format '.xlsx'; use .csv, .json or .parquet",
        ),
        (["sql", "SELEC 1", "{crawl}"], 'SQL error: Parser Error: syntax error at or near "SELEC"'),
        (
            ["intersect", "a.com", "b.com", "{crawl}", "--min", "3"],
            "--min must be between 1 and 2 (the competitors given)",
        ),
        (
            ["intersect", "a.com", "b.com"],
            "b.com: no such crawl directory (the last arguments are crawls)",
        ),
        (
            ["backlinks", "target.com", "{crawl}", "--authority", "/nonexistent.parquet"],
            "/nonexistent.parquet: no such authority file",
        ),
    ],
)
def test_bad_input_is_one_line_on_stderr_without_traceback(old_crawl, argv, message):
    argv = [a.replace("{crawl}", str(old_crawl)) for a in argv]
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from linkgraph.cli import main; sys.exit(main())",
            *argv,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr == f"linkgraph {argv[0]}: error: {message}\n"
    assert done.stdout == ""


@pytest.mark.parametrize(
    "command", ["backlinks", "intersect", "diff", "broken", "outlinks", "index", "sql"]
)
def test_every_command_has_help_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert f"example:\n  linkgraph {command} " in capsys.readouterr().out
