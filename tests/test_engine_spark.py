"""The Spark engine on real Spark (pyspark ``local[2]``): the local engine's ranks, exactly.

``graph.rank(..., engine="spark")`` builds the graph with Spark SQL from the same Parquet
and solves PageRank with DataFrame iterations; these tests hold it to the local engine
(itself held to networkx and igraph) on a real crawl of the sandbox web, at both levels
and with nofollow links as edges, on the cnr-2000 web graph (against igraph's exact
PRPACK too), through a ``file://`` URL (how ``s3a://`` crawls reach Spark), and through
the CLI. The contract every engine meets is ``tests/test_engines.py``; this file is what
only Spark needs. Without Java (or pyspark) they skip, saying what to install.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from crawler.sandbox import write_truth
from graph import rank
from graph.engines import get_engine
from graph.engines.spark_build import edge_sources, is_url
from tests.test_graph_pagerank import read_ascii_graph

DATA = Path(__file__).parent / "data"
#: Spark's accuracy; the local engine's is 1e-9, so the two agree within 1e-6.
SPARK_TOL = 1e-7
LOCAL_TOL = 1e-9


def assert_same_table(mine, local, scores=("pagerank",)):
    """The same rows, the same link figures, and each score within 1e-6 in L1."""
    assert mine.schema == local.schema
    key = mine.column_names[0]
    got = {r[key]: r for r in mine.to_pylist()}
    want = {r[key]: r for r in local.to_pylist()}
    assert set(got) == set(want)
    for name in ("referring_domains", "backlinks", "dofollow"):
        assert {d: r[name] for d, r in got.items()} == {d: r[name] for d, r in want.items()}
    for name in ("outlinking_domains", "graph_in_degree"):
        assert {d: r[name] for d, r in got.items()} == {d: r[name] for d, r in want.items()}
    for name in scores:
        error = sum(abs(got[d][name] - want[d][name]) for d in want)
        assert error < 1e-6, f"{name}: L1 error {error}"


def spark_table(dirs, **options):
    ranking = rank(dirs, tol=SPARK_TOL, engine="spark", **options)
    try:
        return ranking.table()
    finally:
        ranking.close()


@pytest.mark.slow
def test_spark_ranks_a_crawl_of_the_sandbox_as_the_local_engine_does(
    spark, sandbox_crawl, sandbox_web
):
    crawl_dir, _ = sandbox_crawl
    trusted = list(sandbox_web.features["trusted_seeds"])
    # niche authority is PageRank from other seeds (tests/test_engines.py covers it); trust
    # also takes the editorial edges only.
    options = {"trusted": trusted}
    local = rank([crawl_dir], tol=LOCAL_TOL, **options).table()
    assert local.num_rows > 10
    mine = spark_table([crawl_dir], **options)
    # trust is trustrank on the 0-100 scale: the raw vectors are compared, and the flags.
    assert_same_table(mine, local, ("pagerank", "trustrank"))
    assert mine.column("spam").to_pylist() == local.column("spam").to_pylist()


@pytest.mark.slow
def test_spark_builds_the_host_graph_with_nofollow_edges_as_the_local_engine_does(
    spark, sandbox_crawl
):
    crawl_dir, _ = sandbox_crawl
    options = {"level": "host", "include_nofollow": True}
    local = rank([crawl_dir], tol=LOCAL_TOL, **options).table()
    assert local.column_names[0] == "host"
    assert_same_table(spark_table([crawl_dir], **options), local)


@pytest.mark.slow
def test_spark_pagerank_of_the_cnr_2000_web_graph_equals_local_and_igraph(spark):
    igraph = pytest.importorskip("igraph")
    graph = read_ascii_graph(DATA / "cnr-2000.graph-txt.gz")
    engine = get_engine("spark")
    try:
        on_spark = engine.graph_of_arrays(graph.names.to_pylist(), graph.src, graph.dst)
        assert (on_spark.n, on_spark.m) == (graph.n, graph.m)
        got = engine.pagerank(on_spark, alpha=0.85, tol=SPARK_TOL)
    finally:
        engine.close()
    local = engine_local_pagerank(graph)
    assert np.abs(got - local).sum() < 1e-6
    reference = igraph.Graph(
        n=graph.n, edges=np.column_stack([graph.src, graph.dst]), directed=True
    )
    exact = np.array(reference.pagerank(damping=0.85, implementation="prpack"))
    assert np.abs(got - exact).sum() < 1e-6
    # the LAW reference's two top nodes
    assert set(np.argsort(-got)[:2].tolist()) == {186907, 186908}


def engine_local_pagerank(graph):
    return get_engine("local").pagerank(graph, alpha=0.85, tol=LOCAL_TOL)


def test_the_spark_engine_without_java_is_a_one_line_error(sandbox_truth, tmp_path):
    truth = write_truth(sandbox_truth, tmp_path / "truth")
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "SPARK_HOME")}
    env["PATH"] = str(Path(sys.executable).parent)  # no java on it
    done = subprocess.run(
        [sys.executable, "-m", "linkgraph", "rank", str(truth), "--engine", "spark"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "default-jre-headless" in lines[0] or "pyspark" in lines[0]


def test_master_without_the_spark_engine_is_a_usage_error(sandbox_truth, tmp_path):
    truth = write_truth(sandbox_truth, tmp_path / "truth")
    done = subprocess.run(
        [sys.executable, "-m", "linkgraph", "rank", str(truth), "--master", "local[2]"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "--master needs --engine spark" in done.stderr


def test_linkgraph_rank_engine_spark_reads_a_crawl_given_as_a_url(spark, sandbox_truth, tmp_path):
    import pyarrow.parquet as pq

    from linkgraph.cli import main

    truth = write_truth(sandbox_truth, tmp_path / "truth")
    url = Path(truth).resolve().as_uri()  # file:///...: Spark reads it, as s3a://bucket/crawl
    assert is_url(url) and edge_sources([url]) == [url + "/edges"]
    out = {name: tmp_path / f"{name}.parquet" for name in ("local", "spark")}
    assert main(["rank", str(truth), "--tol", "1e-9", "--out", str(out["local"])]) == 0
    argv = ["rank", url, "--tol", str(SPARK_TOL), "--engine", "spark", "--master", "local[2]"]
    assert main([*argv, "--out", str(out["spark"])]) == 0
    assert_same_table(pq.read_table(out["spark"]), pq.read_table(out["local"]))
