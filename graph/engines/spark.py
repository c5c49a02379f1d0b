"""The Spark engine: the link graph and PageRank as Spark DataFrames, for clusters.

``graph.rank(crawl_dirs, engine="spark", engine_options={"master": URL})`` (or
``linkgraph rank CRAWL_DIR... --engine spark --master URL``) builds the same domain (or
host) graph as the local engine from the same Parquet (``graph.engines.spark_build``) and
solves PageRank, trust and niche authority with plain DataFrame iterations
(``graph.engines.spark_pagerank``); the ranked table equals the local engine's within
1e-6 (``tests/test_engine_spark.py``). Crawl directories may be local paths or URLs Spark
reads itself (``s3a://bucket/crawl``, ``hdfs://...``). GraphFrames is not used: its
Scala jars come from Maven, and PageRank is a few joins anyway.

The edges stay in Spark; the driver holds only what the ranked table needs: the node
names, their link figures and degrees, and the score vectors (about 100 bytes a node).
Running on a cluster, and the measured scaling: ``docs/scaling.md``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from graph.engines import EngineError
from graph.engines.spark_build import COUNT_COLUMNS, edge_sources, graph_frames, node_table
from graph.engines.spark_pagerank import spark_pagerank

__all__ = ["SparkEngine", "SparkGraph", "JAVA_HINT", "PYSPARK_HINT"]

JAVA_HINT = "install Java 17 or later (apt-get install default-jre-headless) or set JAVA_HOME"
PYSPARK_HINT = "pip install 'linkgraph[spark]'"


@dataclass(eq=False)
class SparkGraph:
    """A ``graph.engines.RankGraph`` whose edges are a Spark DataFrame (``src``, ``dst``,
    ``editorial`` node ids); the per-node vectors are on the driver, in id order."""

    level: str
    names: pa.Array
    counts: pa.Table
    edges: object  # pyspark.sql.DataFrame
    in_degrees: np.ndarray
    out_degrees: np.ndarray
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.names)

    @property
    def m(self) -> int:
        """Number of distinct edges."""
        return int(self.in_degrees.sum())

    def in_degree(self) -> np.ndarray:
        """Per node, the nodes with an edge into it."""
        return self.in_degrees

    def out_degree(self) -> np.ndarray:
        """Per node, the nodes it has an edge to."""
        return self.out_degrees

    def ids(self, names: Sequence[str]) -> tuple[np.ndarray, list[str]]:
        """Ids of the ``names`` that are nodes (sorted, distinct), and those that are not."""
        if "index" not in self._cache:
            self._cache["index"] = {name: i for i, name in enumerate(self.names.to_pylist())}
        lookup = self._cache["index"]
        found = {lookup[x] for x in names if x in lookup}
        return np.array(sorted(found), dtype=np.int64), [x for x in names if x not in lookup]


def _java_available() -> bool:
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "java"), os.X_OK):
        return True
    return shutil.which("java") is not None


def _submitted() -> bool:
    """Whether this driver was started by ``spark-submit`` (whose JVM is already running
    with its ``--master`` and settings, which a session must not override)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def spark_session(master: str | None = None, config: dict[str, str] | None = None):
    """A Spark session (the running one, or a new one at ``master``), or ``EngineError``
    saying what to install."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineError(f"the spark engine needs pyspark: {PYSPARK_HINT}") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    if not _java_available():
        raise EngineError(f"the spark engine needs Java: {JAVA_HINT}")
    builder = SparkSession.builder.appName("linkgraph")
    if master:
        builder = builder.master(master)
    elif not _submitted() and "spark.master" not in (config or {}):
        builder = builder.master("local[*]")
    settings = {
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        **(config or {}),
    }
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # Py4J/JVM start-up failures have no common class
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EngineError(f"Spark did not start ({first}); {JAVA_HINT}") from None
    session.sparkContext.setLogLevel("WARN")
    return session, True


class SparkEngine:
    """Builds a ``SparkGraph`` and solves PageRank with DataFrame iterations.

    Parameters
    ----------
    master : str, optional
        Spark master URL (``local[*]``, ``spark://host:7077``, ``yarn``, ``k8s://...``);
        a session already running (``spark-submit``, a notebook) is used as it is.
    partitions : int, optional
        ``spark.sql.shuffle.partitions``: a few per core (Spark's 200 is for big data).
    config : dict, optional
        More Spark settings for a new session (``spark.driver.memory``, ``spark.hadoop.
        fs.s3a.*`` ...).
    """

    name = "spark"

    def __init__(
        self,
        master: str | None = None,
        partitions: int | None = None,
        config: dict[str, str] | None = None,
    ) -> None:
        self.master = master
        self.config = dict(config or {})
        if partitions is not None:
            self.config["spark.sql.shuffle.partitions"] = str(partitions)
        self._session = None
        self._owned = False

    @property
    def session(self):
        """The Spark session, started on first use."""
        if self._session is None:
            self._session, self._owned = spark_session(self.master, self.config)
            # A reliable checkpoint directory (HDFS, object storage) makes the PageRank
            # sweeps survive lost executors (graph.engines.spark_pagerank).
            folder = self._session.conf.get("spark.checkpoint.dir", None)
            context = self._session.sparkContext
            if folder and not context.getCheckpointDir():
                context.setCheckpointDir(folder)
            if "spark.sql.shuffle.partitions" in self.config and not self._owned:
                self._session.conf.set(
                    "spark.sql.shuffle.partitions", self.config["spark.sql.shuffle.partitions"]
                )
        return self._session

    def build(
        self,
        crawl_dirs: Sequence[str | os.PathLike[str]],
        *,
        level: str,
        include_nofollow: bool,
    ) -> SparkGraph:
        sources = edge_sources(crawl_dirs)
        spark = self.session
        if not sources:
            return self.graph_of_frames(None, None, level=level)
        frames = graph_frames(spark, sources, level=level, include_nofollow=include_nofollow)
        return self.graph_of_frames(frames.edges, frames.nodes, level=level)

    def graph_of_frames(self, edges, nodes, *, level: str) -> SparkGraph:
        """A ``SparkGraph`` from its DataFrames (``graph.engines.spark_build``)."""
        if edges is None:
            empty = np.zeros(0, dtype=np.int64)
            counts = pa.table(
                {level: pa.array([], pa.string()), **{c: empty for c in COUNT_COLUMNS}}
            )
            return SparkGraph(
                level, counts.column(level).combine_chunks(), counts, None, empty, empty
            )
        n = nodes.count()
        columns = node_table(nodes, n)
        names = columns["name"]
        counts = pa.table({level: names, **{c: columns[c].cast(pa.int64()) for c in COUNT_COLUMNS}})
        degree = {c: columns[c].to_numpy().astype(np.int64) for c in ("in_degree", "out_degree")}
        return SparkGraph(level, names, counts, edges, degree["in_degree"], degree["out_degree"])

    def graph_of_arrays(
        self, names: Sequence[str], src: np.ndarray, dst: np.ndarray, *, level: str = "domain"
    ) -> SparkGraph:
        """A graph given as distinct edges between ids into sorted ``names`` (a web graph,
        ``graph.ingest``'s ASCII graphs): only PageRank's input, no link figures."""
        src, dst = np.asarray(src, np.int64), np.asarray(dst, np.int64)
        keep = src != dst
        src, dst = src[keep], dst[keep]
        n = len(names)
        one = np.ones(len(src), dtype=np.int32)
        edges = self.session.createDataFrame(pa.table({"src": src, "dst": dst, "editorial": one}))
        zeros = np.zeros(n, dtype=np.int64)
        counts = pa.table(
            {level: pa.array(names, pa.string()), **dict.fromkeys(COUNT_COLUMNS, zeros)}
        )
        return SparkGraph(
            level,
            counts.column(level).combine_chunks(),
            counts,
            edges.localCheckpoint(),
            np.bincount(dst, minlength=n).astype(np.int64),
            np.bincount(src, minlength=n).astype(np.int64),
        )

    def pagerank(
        self,
        graph: SparkGraph,
        *,
        alpha: float,
        tol: float,
        seeds: np.ndarray | None = None,
        editorial: bool = False,
    ) -> np.ndarray:
        if graph.n == 0:
            return np.zeros(0)
        edges = graph.edges.where("editorial > 0") if editorial else graph.edges
        scores, sweeps = spark_pagerank(edges, graph.n, graph.m, alpha=alpha, tol=tol, seeds=seeds)
        graph._cache.setdefault("sweeps", []).append(sweeps)
        return scores

    def close(self) -> None:
        """Stop the Spark session if this engine started it (not one it was given)."""
        if self._session is not None and self._owned:
            self._session.stop()
        self._session = None
        self._owned = False
