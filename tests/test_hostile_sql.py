"""``linkgraph sql`` reads the crawl and nothing else: SQL that would write a file, read
one outside the crawl, list a directory, attach a database, install or load an extension
(from the network too) or run several statements is refused in one line naming the rule,
and nothing is written; ``--out`` still writes the result."""

from __future__ import annotations

import pytest

from linkgraph.cli import main
from tests.fixtures_research import JAN, OLD_LINKS, OLD_PAGES, write_crawl

ONLY_READS = "linkgraph sql only reads the views pages, edges and domains"
STATEMENT = (
    f"SQL refused: only queries run, not {{}} statements; {ONLY_READS} (write a result with --out)"
)
NO_ACCESS = f"SQL refused: no file, network or extension access; {ONLY_READS} (Permission Error: "


@pytest.fixture
def crawl(tmp_path):
    return write_crawl(tmp_path / "crawl", "jan", JAN, OLD_LINKS, OLD_PAGES)


def _sql(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["sql", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    ("query", "refusal"),
    [
        ("COPY (SELECT 'x') TO '{tmp}/file.csv'", STATEMENT.format("COPY")),
        (
            "COPY edges TO '{crawl}/edges/part-000000.parquet' (FORMAT parquet, USE_TMP_FILE false)",
            STATEMENT.format("COPY"),
        ),
        ("COPY (SELECT 1) TO '{crawl}/copy.csv'", STATEMENT.format("COPY")),
        ("EXPORT DATABASE '{tmp}/db'", STATEMENT.format("EXPORT")),
        ("ATTACH '{tmp}/new.duckdb'", STATEMENT.format("ATTACH")),
        ("INSTALL httpfs", STATEMENT.format("INSTALL or LOAD")),
        ("LOAD httpfs", STATEMENT.format("INSTALL or LOAD")),
        (
            "FORCE INSTALL httpfs FROM 'http://127.0.0.1:9/repo'",
            STATEMENT.format("INSTALL or LOAD"),
        ),
        ("CREATE TABLE t AS SELECT 1", STATEMENT.format("CREATE")),
        ("SET enable_external_access = true", STATEMENT.format("SET")),
        ("SELECT 1; COPY (SELECT 1) TO '{tmp}/file.csv'", "SQL refused: one statement only"),
        ("SELECT 1; SELECT 2", "SQL refused: one statement only, and this holds 2"),
        ("SELECT * FROM read_csv('/etc/passwd')", NO_ACCESS),
        ("SELECT * FROM glob('/root/*')", NO_ACCESS),
        ("SELECT * FROM read_parquet('{crawl}/edges/part-000000.parquet')", NO_ACCESS),
        ("SELECT * FROM read_text('{crawl}/crawl.json')", NO_ACCESS),
    ],
)
def test_sql_that_reaches_beyond_the_crawl_is_refused_in_one_line(
    crawl, tmp_path, capsys, query, refusal
):
    before = sorted(p.name for p in tmp_path.rglob("*"))
    data = (crawl / "edges" / "part-000000.parquet").read_bytes()
    code, out, err = _sql(capsys, query.format(tmp=tmp_path, crawl=crawl), str(crawl))
    assert (code, out) == (2, "")
    [line] = err.splitlines()
    assert line.startswith(f"linkgraph sql: error: {refusal}")
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert (crawl / "edges" / "part-000000.parquet").read_bytes() == data


def test_out_still_writes_the_result_of_a_query(crawl, tmp_path, capsys):
    out = tmp_path / "n.csv"
    code, _, err = _sql(capsys, "SELECT count(*) AS n FROM edges", str(crawl), "--out", str(out))
    assert code == 0, err
    assert out.read_text().splitlines() == ["n", str(len(OLD_LINKS))]


def test_queries_of_every_read_only_kind_run(crawl, capsys):
    for query in ("WITH n AS (SELECT 1 AS x) SELECT x FROM n", "FROM pages", "DESCRIBE edges"):
        code, _, err = _sql(capsys, query, str(crawl))
        assert code == 0, (query, err)
