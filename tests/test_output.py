"""Output that reads well: tables on a terminal, counts in words, floats in files."""

from __future__ import annotations

import csv
import json
import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graph.output import plural, print_table, rounded, score_decimals, write_table
from linkgraph.cli import main
from tests.fixtures_research import JAN, OLD_LINKS, OLD_PAGES
from tests.fixtures_research import write_crawl as write_research_crawl
from tests.test_graph_authority import ROWS
from tests.test_graph_build import edge, write_crawl

LONG_DOMAIN = "a-very-long-registered-domain-name-for-testing.co.uk"
LONG_URL = "https://" + LONG_DOMAIN + "/" + "/".join(f"section-{i}" for i in range(12))


@pytest.fixture
def terminal(monkeypatch, capsys):
    """A 100-column terminal without colours; returns a reader of what it got."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    return lambda: capsys.readouterr().out


def test_terminal_tables_keep_domain_names_whole_cut_urls_and_right_align_numbers(terminal):
    table = pa.table(
        {
            "domain": [LONG_DOMAIN, "b.com"],
            "dst_url": [LONG_URL, "https://b.com/"],
            "backlinks": [7, 1234],
        }
    )
    print_table(table, title="t", terminal=True)
    out = terminal()
    assert LONG_DOMAIN in out  # never split over two lines
    assert LONG_URL not in out and "…" in out  # cut with an ellipsis
    lines = [line for line in out.splitlines() if "b.com" in line and "1234" in line]
    seven = next(line for line in out.splitlines() if LONG_DOMAIN in line)
    # Right-aligned: the last digits of 7 and 1234 end in the same column.
    assert seven.index("7 ") + 1 == lines[0].index("1234 ") + 4


def test_terminal_floats_are_rounded_as_in_files(terminal):
    table = pa.table({"domain": ["a.com"], "authority": [57.2341], "pagerank": [0.0123456789]})
    print_table(table, terminal=True)
    out = terminal()
    assert "57.2" in out and "57.23" not in out
    assert "0.012346" in out


def test_counts_are_in_words_singular_and_plural():
    assert [plural(0, "domain"), plural(1, "domain"), plural(2, "domain")] == [
        "0 domains",
        "1 domain",
        "2 domains",
    ]
    assert plural(1234, "link") == "1,234 links"


def test_rank_title_says_1_edge_and_2_domains(tmp_path, capsys):
    crawl = write_crawl(tmp_path / "c", [edge("a.com/", "b.com/")])
    assert main(["rank", str(crawl)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "# domains by pagerank (2 domains, 1 edge)"


def test_the_more_rows_line_offers_out_only_when_out_was_not_given(tmp_path, capsys):
    crawl = write_research_crawl(tmp_path / "jan", "jan", JAN, OLD_LINKS, OLD_PAGES)
    authority = tmp_path / "a.parquet"
    pq.write_table(pa.table({"domain": ["blog.org"], "authority": [50.0]}), authority)
    base = ["backlinks", "target.com", str(crawl), "--limit", "1", "--authority", str(authority)]
    assert main(base) == 0
    shown = capsys.readouterr().out
    assert "(5 more rows; use --limit N to show more, --out FILE to write all)" in shown
    assert main([*base, "--out", str(tmp_path / "links.csv")]) == 0
    written = capsys.readouterr().out
    assert "--out FILE" not in written
    assert "(5 more rows; use --limit N to show more)" in written


def test_demo_help_has_no_markup(capsys):
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    text = capsys.readouterr().out
    assert "``" not in text and "scrapy crawl seeds" in text


def test_score_decimals_follow_the_tolerance():
    assert [score_decimals(t) for t in (1e-6, 1e-3, 5e-4, 1e-10)] == [6, 3, 4, 10]


def test_csv_and_json_floats_are_as_short_as_their_accuracy_and_parquet_is_full(tmp_path):
    table = pa.table(
        {
            "domain": ["a.com"],
            "pagerank": [0.012345678901234],
            "authority": [57.25999999],
            "farm_share": [1 / 3],
            "other": [0.1 + 0.2],
        }
    )
    write_table(table, tmp_path / "t.csv")
    write_table(table, tmp_path / "t.json", decimals={"pagerank": 3})
    write_table(table, tmp_path / "t.parquet")
    row = next(csv.DictReader((tmp_path / "t.csv").open()))
    assert (row["pagerank"], row["authority"], row["farm_share"]) == ("0.012346", "57.3", "0.333")
    assert row["other"] == repr(0.1 + 0.2)  # a column with no known accuracy is left alone
    assert json.loads((tmp_path / "t.json").read_text())[0]["pagerank"] == 0.012
    assert pq.read_table(tmp_path / "t.parquet").equals(table)
    assert rounded(table).column("authority").to_pylist() == [57.3]


def test_rank_csv_has_the_scores_decimals_its_tol_supports(tmp_path, capsys):
    crawl = write_crawl(tmp_path / "c", ROWS)
    out = tmp_path / "r.csv"
    assert main(["rank", str(crawl), "--tol", "1e-4", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    assert all(re.fullmatch(r"0\.\d{1,4}|0|1\.0", r["pagerank"]) for r in rows)
    assert all(re.fullmatch(r"\d+\.\d", r["authority"]) for r in rows)
