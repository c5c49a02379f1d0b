"""`linkgraph rank`, `linkgraph niches`, `linkgraph export` as a user runs them."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pyarrow.parquet as pq
import pytest

from crawler.sandbox import write_truth
from linkgraph.cli import main
from tests.test_graph_authority import ROWS, reference
from tests.test_graph_build import edge, write_crawl

REPO = Path(__file__).resolve().parent.parent
PAGERANK = reference(ROWS)
BY_PAGERANK = sorted(PAGERANK, key=lambda d: (-PAGERANK[d], d))
N_EDGES = len({(r["src_domain"], r["dst_domain"]) for r in ROWS if not r["nofollow"]})


@pytest.fixture
def crawl(tmp_path):
    return write_crawl(tmp_path / "crawl", ROWS)


@pytest.fixture(scope="module")
def truth_dir(sandbox_truth, tmp_path_factory):
    return write_truth(sandbox_truth, tmp_path_factory.mktemp("truth"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("limit", ["--top", "--limit"])
def test_rank_prints_the_top_n_as_a_table(crawl, capsys, limit):
    code, out, _ = run(capsys, "rank", str(crawl), limit, "3")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"# domains by pagerank ({len(PAGERANK)} domains, {N_EDGES} edges)"
    assert lines[1].split("\t") == [
        "domain",
        "pagerank",
        "authority",
        "trust",
        "spam_mass",
        "spam",
        "referring_domains",
        "backlinks",
        "outlinking_domains",
        "dofollow",
        "graph_in_degree",
        "trustrank",
    ]
    assert [line.split("\t")[0] for line in lines[2:5]] == BY_PAGERANK[:3]
    more = len(PAGERANK) - 3
    assert lines[5] == f"({more} more rows; use --limit N to show more, --out FILE to write all)"


@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_rank_out_writes_every_row_in_the_format_of_the_extension(crawl, tmp_path, capsys, suffix):
    out_file = tmp_path / f"ranked{suffix}"
    code, out, err = run(capsys, "rank", str(crawl), "--out", str(out_file))
    assert code == 0
    assert out == ""
    assert err.strip() == f"wrote {len(PAGERANK)} rows to {out_file}"
    if suffix == ".csv":
        rows = list(csv.DictReader(out_file.open()))
    elif suffix == ".json":
        rows = json.loads(out_file.read_text())
    else:
        rows = pq.read_table(out_file).to_pylist()
        assert [r["domain"] for r in rows] == BY_PAGERANK
    money = next(r for r in rows if r["domain"] == "money.com")
    assert int(money["referring_domains"]) == 8


def test_rank_trusted_from_a_file_of_urls_and_comments_adds_trust(crawl, tmp_path, capsys):
    trusted = tmp_path / "trusted.txt"
    trusted.write_text("# hand-picked\nhttps://www.hub.com/about\n\n")
    code, out, _ = run(capsys, "rank", str(crawl), "--trusted", str(trusted), "--sort", "trust")
    assert code == 0
    lines = out.splitlines()
    assert lines[1].split("\t")[3] == "trust"
    assert lines[2].split("\t")[0] == "hub.com"


def test_rank_niche_from_a_list_adds_the_niche_column(crawl, capsys):
    code, out, _ = run(capsys, "rank", str(crawl), "--niche", "farm1.com,farm2.com", "--top", "2")
    assert code == 0
    assert out.splitlines()[1].split("\t")[-1] == "niche"


def test_rank_harmonic_and_signals_add_their_columns(crawl, tmp_path, capsys):
    out_file = tmp_path / "r.parquet"
    assert (
        run(capsys, "rank", str(crawl), "--harmonic", "--signals", "--out", str(out_file))[0] == 0
    )
    table = pq.read_table(out_file)
    assert table.column_names[12:] == [
        "harmonic",
        "reciprocal_share",
        "farm_share",
        "sitewide_share",
        "comment_share",
        "nofollow_share",
    ]
    rows = {r["domain"]: r for r in table.to_pylist()}
    assert rows["hub.com"]["harmonic"] == 3 + 1 / 2  # a, b, c link to it; news via b
    assert rows["hub.com"]["reciprocal_share"] == 1 / 3  # it links back to a.com only


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rank", "{missing}"], "no such crawl directory"),
        (["rank", "{crawl}", "--out", "{tmp}/x.txt"], "unknown output format '.txt'"),
        (["rank", "{crawl}", "--out", "{tmp}/no/x.csv"], "does not exist"),
        (["rank", "{crawl}", "--trusted", "nowhere.example"], "none of the trusted domains"),
        (["niches", "{crawl}", "--out", "{tmp}/n.xlsx"], "unknown output format"),
        (["export", "{crawl}", "--format", "gexf", "--out", "{tmp}/no/g.gexf"], "does not exist"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(crawl, tmp_path, argv, message):
    values = {"crawl": crawl, "tmp": tmp_path, "missing": tmp_path / "missing"}
    argv = [a.format(**values) for a in argv]
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
        timeout=120,
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("value", ["1", "0.85x", "-0.1"])
def test_alpha_outside_0_1_is_refused_by_argparse(crawl, capsys, value):
    with pytest.raises(SystemExit) as exc:
        main(["rank", str(crawl), "--alpha", value])
    assert exc.value.code == 2
    assert "--alpha" in capsys.readouterr().err


def test_help_shows_examples(capsys):
    for command in ("rank", "niches", "export"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert f"linkgraph {command} " in capsys.readouterr().out


def test_niches_lists_numbered_labelled_communities_and_rank_accepts_a_label(truth_dir, capsys):
    code, out, _ = run(capsys, "niches", str(truth_dir))
    assert code == 0
    lines = out.splitlines()
    assert lines[1].split("\t") == ["niche", "label", "size", "top_domains"]
    rows = [line.split("\t") for line in lines[2:]]
    cycling = next(r for r in rows if "tandemriders.co.uk" in r[3])
    code, out, _ = run(capsys, "rank", str(truth_dir), "--niche", cycling[1], "--sort", "niche")
    assert code == 0
    top = out.splitlines()[2].split("\t")[0]
    assert top in cycling[3]


def test_rank_niche_by_one_of_its_words_puts_the_niche_hub_first(truth_dir, sandbox_web, capsys):
    code, out, _ = run(capsys, "rank", str(truth_dir), "--niche", "cycling", "--sort", "niche")
    assert code == 0
    assert out.splitlines()[2].split("\t")[0] == sandbox_web.features["niche_hubs"]["cycling"]


def test_rank_unknown_niche_label_is_an_error(truth_dir, capsys):
    code, _, err = run(capsys, "rank", str(truth_dir), "--niche", "knitting")
    assert code == 2
    assert "no niche labelled 'knitting'" in err


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_is_read_back_by_networkx_with_authority(crawl, tmp_path, capsys, fmt):
    out_file = tmp_path / f"web.{fmt}"
    code, out, _ = run(capsys, "export", str(crawl), "--format", fmt, "--out", str(out_file))
    assert code == 0
    assert out.strip() == f"wrote {len(PAGERANK)} domains and {N_EDGES} edges to {out_file}"
    graph = nx.read_graphml(out_file) if fmt == "graphml" else nx.read_gexf(out_file)
    assert graph.is_directed()
    assert graph.number_of_nodes() == len(PAGERANK)
    assert graph.number_of_edges() == N_EDGES
    assert graph.has_edge("hub.com", "news.com")
    assert float(graph.nodes[BY_PAGERANK[0]]["authority"]) == 100.0
    assert float(graph.nodes[BY_PAGERANK[-1]]["authority"]) == 0.0
    assert int(graph.edges["news.com", "b.com"]["links"]) == 2


def test_export_csv_writes_nodes_and_edges_with_neutralised_cells(tmp_path, capsys):
    crawl = write_crawl(tmp_path / "c", [edge("a.com/", "=cmd.com/"), edge("=cmd.com/", "a.com/")])
    out_file = tmp_path / "web.csv"
    assert run(capsys, "export", str(crawl), "--format", "csv", "--out", str(out_file))[0] == 0
    nodes = list(csv.DictReader(out_file.open()))
    edges = list(csv.DictReader((tmp_path / "web.edges.csv").open()))
    assert sorted(n["id"] for n in nodes) == ["'=cmd.com", "a.com"]
    assert {"pagerank", "authority"} <= set(nodes[0])
    assert {(e["source"], e["target"]) for e in edges} == {
        ("a.com", "'=cmd.com"),
        ("'=cmd.com", "a.com"),
    }
