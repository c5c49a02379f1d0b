"""Every command turns unreadable input into one line naming the file, exit status 2.

A crawl whose Parquet file is truncated (no footer), or corrupt (a readable footer over
garbage pages), a directory that is not a crawl, an unreadable ``crawl.json``: each is a
user's problem to fix, so each command says which file, in one line, without a traceback.
A crawl that did not finish is a one-line warning, and the command goes on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linkgraph.cli import main
from tests.fixtures_research import JAN, NEW_LINKS, NEW_PAGES, OLD_LINKS, OLD_PAGES, write_crawl

COMMANDS = {
    "rank": ["rank", "{crawl}"],
    "niches": ["niches", "{crawl}"],
    "export": ["export", "{crawl}", "--format", "gexf", "--out", "{tmp}/g.gexf"],
    "backlinks": ["backlinks", "target.com", "{crawl}"],
    "intersect": ["intersect", "comp1.com", "comp2.com", "{crawl}"],
    "diff": ["diff", "{other}", "{crawl}"],
    "broken": ["broken", "target.com", "{crawl}"],
    "outlinks": ["outlinks", "target.com", "{crawl}"],
    "sql": ["sql", "SELECT anchor, count(*) FROM edges GROUP BY anchor", "{crawl}"],
    "index": ["index", "{crawl}"],
    "report": ["report", "{crawl}", "--domain", "target.com", "--out", "{tmp}/r.html"],
}
# The commands that read the pages' data too (the others only check their footers).
READ_PAGES = {"niches", "backlinks", "diff", "broken", "report"}


@pytest.fixture
def crawls(tmp_path):
    crawl = write_crawl(tmp_path / "crawl", "jan", JAN, OLD_LINKS, OLD_PAGES)
    other = write_crawl(tmp_path / "other", "feb", JAN, NEW_LINKS, NEW_PAGES)
    return tmp_path, crawl, other


def _argv(name: str, tmp: Path, crawl: Path, other: Path) -> list[str]:
    values = {"crawl": crawl, "other": other, "tmp": tmp}
    return [a.format(**values) for a in COMMANDS[name]]


def truncate(path: Path) -> None:
    """Cut the file in half, as a full disk or an interrupted copy would."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def corrupt(path: Path) -> None:
    """Keep the magic bytes and the footer, overwrite every page in between with garbage."""
    data = bytearray(path.read_bytes())
    footer = int.from_bytes(data[-8:-4], "little") + 8
    data[4 : len(data) - footer] = bytes((i * 37 + 11) % 251 for i in range(len(data) - 4 - footer))
    path.write_bytes(bytes(data))


def run(capsys, argv: list[str]) -> tuple[int, list[str]]:
    code = main(argv)
    return code, capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_runs_on_the_undamaged_crawls(name, crawls, capsys):
    assert run(capsys, _argv(name, *crawls))[0] == 0


@pytest.mark.parametrize(
    ("table", "damage", "commands"),
    [
        ("edges", truncate, sorted(COMMANDS)),
        ("pages", truncate, sorted(COMMANDS)),
        ("edges", corrupt, sorted(COMMANDS)),
        ("pages", corrupt, sorted(READ_PAGES)),
    ],
    ids=["truncated-edges", "truncated-pages", "corrupt-edges", "corrupt-pages"],
)
def test_a_damaged_parquet_file_is_one_line_naming_it(table, damage, commands, tmp_path, capsys):
    for name in commands:
        folder = tmp_path / name
        crawl = write_crawl(folder / "crawl", "jan", JAN, OLD_LINKS, OLD_PAGES)
        other = write_crawl(folder / "other", "feb", JAN, NEW_LINKS, NEW_PAGES)
        damaged = crawl / table / "part-000000.parquet"
        damage(damaged)
        code, err = run(capsys, _argv(name, folder, crawl, other))
        assert code == 2, (name, err)
        assert len(err) == 1, (name, err)
        assert err[0].startswith(f"linkgraph {name}: error: {damaged}: "), (name, err)


def test_a_directory_that_is_not_a_crawl_is_one_line(tmp_path, capsys):
    (tmp_path / "photos").mkdir()
    code, err = run(capsys, ["rank", str(tmp_path / "photos")])
    assert (code, err) == (
        2,
        [
            f"linkgraph rank: error: {tmp_path / 'photos'}: not a crawl directory (no pages/ or "
            "edges/ inside)"
        ],
    )


def test_an_unreadable_crawl_json_is_one_line_naming_it(crawls, capsys):
    tmp, crawl, _ = crawls
    (crawl / "crawl.json").write_text("{not json")
    code, err = run(capsys, ["backlinks", "target.com", str(crawl)])
    assert code == 2
    assert len(err) == 1
    assert err[0].startswith(f"linkgraph backlinks: error: {crawl / 'crawl.json'}: cannot read")


@pytest.mark.parametrize(
    ("meta", "warning"),
    [
        (
            {
                "crawl_id": "jan",
                "status": "interrupted",
                "reason": "shutdown",
                "settings": {"JOBDIR": "data/jobs/jan"},
            },
            "crawl is interrupted (shutdown); figures cover what was stored; resume it with: "
            "scrapy crawl seeds -a crawl_id=jan -s JOBDIR=data/jobs/jan",
        ),
        (
            {"crawl_id": "jan", "status": "stopped (killed)", "settings": {"JOBDIR": None}},
            "crawl is interrupted (killed); figures cover what was stored; it ran without "
            "JOBDIR, so crawl it again to complete it",
        ),
        (
            {"crawl_id": "jan", "status": "running", "settings": {}},
            "crawl is still running, or was killed; figures cover what was stored; it ran "
            "without JOBDIR, so crawl it again to complete it",
        ),
    ],
    ids=["interrupted", "older-stopped", "running"],
)
def test_a_crawl_that_did_not_finish_is_a_warning_and_the_command_goes_on(
    crawls, capsys, meta, warning
):
    tmp, crawl, _ = crawls
    (crawl / "crawl.json").write_text(json.dumps(meta))
    code, err = run(capsys, ["backlinks", "target.com", str(crawl)])
    assert code == 0
    assert err == [f"warning: {crawl}: {warning}"]


def test_a_finished_crawl_gives_no_warning(crawls, capsys):
    tmp, crawl, _ = crawls
    (crawl / "crawl.json").write_text(json.dumps({"crawl_id": "jan", "status": "finished"}))
    assert run(capsys, ["backlinks", "target.com", str(crawl)]) == (0, [])


@pytest.mark.parametrize(
    "argv",
    [
        ["rank", "{crawl}", "--out", "{target}"],
        ["backlinks", "target.com", "{crawl}", "--out", "{target}"],
        ["export", "{crawl}", "--format", "csv", "--out", "{target}"],
    ],
    ids=["rank", "backlinks", "export"],
)
def test_an_out_file_that_cannot_be_written_is_one_line_naming_it(crawls, capsys, argv):
    tmp, crawl, _ = crawls
    target = tmp / "taken.csv"
    target.mkdir()  # a directory where the file should go
    code, err = run(capsys, [a.format(crawl=crawl, target=target) for a in argv])
    assert code == 2
    assert len(err) == 1 and f"{target}: cannot write" in err[0]
