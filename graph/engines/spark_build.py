"""The link graph of some crawls as Spark DataFrames: the same graph as ``graph.build``.

The definitions are those of ``graph.links`` and ``graph.build``, taken from there rather
than written again: a link is its ``LINK_KEY`` with the ``CARRIED`` columns of its latest
sighting (``LATEST``), a link between two nodes is one whose ends differ, an edge A -> B
is at least one followable link (``graph.links.followable_sql``, the same SQL condition
the research queries use, run here by Spark SQL), the nodes are the ends of edges in name
order, and each node's link figures are ``graph.links.link_counts``'s, over all links.

Node ids are given without collecting the names first: the distinct names are range-
partitioned by a global sort, and a node's id is the count of names in the partitions
before its own plus its position inside it (one small job counts each partition).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa

from graph.links import CARRIED, LATEST, LEVELS, LINK_KEY, followable_sql
from graph.store import crawl_files

__all__ = ["edge_sources", "GraphFrames", "graph_frames", "is_url", "assign_ids"]

#: The ``link_counts`` columns, in its order.
COUNT_COLUMNS = ("referring_domains", "backlinks", "dofollow", "nofollow", "ugc", "sponsored")


def is_url(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a URL Spark reads itself (``s3a://``, ``hdfs://``, ``file://``)."""
    return "://" in str(path)


def edge_sources(crawl_dirs: Sequence[str | os.PathLike[str]]) -> list[str]:
    """What Spark reads: each local crawl's edges files (checked as ``graph.store`` checks
    them: a path that is no crawl is a one-line error), each URL's ``edges/`` folder."""
    local = [d for d in crawl_dirs if not is_url(d)]
    files = list(dict.fromkeys(crawl_files(local, "edges"))) if local else []
    # Spark reads a folder's visible files only: the crawler's ``.*.tmp`` parts are skipped
    # there as graph.store skips them here.
    urls = [str(d).rstrip("/") + "/edges" for d in crawl_dirs if is_url(d)]
    return [str(Path(f).resolve()) for f in files] + urls


class GraphFrames:
    """The graph's DataFrames: ``edges`` (``src``, ``dst``, ``editorial`` ids) and ``nodes``
    (``id``, ``name``, the ``link_counts`` columns, ``in_degree``, ``out_degree``)."""

    def __init__(self, edges, nodes) -> None:
        self.edges = edges
        self.nodes = nodes


def assign_ids(names):
    """``names`` (one column ``name``, distinct) with ``id`` = its rank in byte order.

    The order is Arrow's and Python's for UTF-8 strings (Spark's default collation
    compares bytes), so ids equal the local engine's.
    """
    from pyspark.sql import functions as F

    ordered = names.orderBy("name").localCheckpoint()
    with_pid = ordered.select(
        "name",
        F.spark_partition_id().alias("pid"),
        F.monotonically_increasing_id().alias("mid"),
    ).localCheckpoint()
    sizes = dict(with_pid.groupBy("pid").count().collect())
    starts, total = {}, 0
    for pid in sorted(sizes):
        starts[pid] = total
        total += sizes[pid]
    spark = names.sparkSession
    offsets = spark.createDataFrame(
        [(int(p), int(s)) for p, s in starts.items()] or [(0, 0)], "pid int, start long"
    )
    # monotonically_increasing_id is the partition id in the upper 31 bits and the row's
    # position inside the partition in the lower 33.
    local = F.col("mid") - F.shiftleft(F.col("pid").cast("long"), 33)
    return with_pid.join(F.broadcast(offsets), "pid").select(
        (F.col("start") + local).alias("id"), "name"
    )


def graph_frames(spark, sources: Sequence[str], *, level: str, include_nofollow: bool):
    """The ``GraphFrames`` of the edges datasets at ``sources`` (see ``edge_sources``)."""
    from pyspark.sql import functions as F

    if level not in LEVELS:
        raise ValueError(f"unknown graph level {level!r}; use domain or host")
    src, dst = f"src_{level}", f"dst_{level}"
    carried = list(dict.fromkeys([src, dst, *CARRIED]))
    rows = spark.read.parquet(*sources).select(*LINK_KEY, *carried, *LATEST, "internal")
    between = F.col(src) != F.col(dst)
    if level == "domain":  # what graph.linkscan drops: the contract's internal links
        between = between & ~F.col("internal")
    # A link of a web graph has no sighting time (null): it is its only sighting anyway.
    latest = F.struct(
        F.coalesce(F.expr("unix_millis(fetched_at)"), F.lit(0)).alias("t"),
        F.col("position").alias("p"),
    )
    links = (
        rows.where(between)
        .groupBy(*LINK_KEY)
        .agg(F.max_by(F.struct(*carried), latest).alias("s"))
        .select("kind", *(F.col(f"s.{c}").alias(c) for c in carried if c != "kind"))
    )
    # The followable rule of graph.links, as SQL (its ``dofollow`` figure), and the edges:
    # the same rule, on a view of the link whose nofollow is false with --include-nofollow.
    nofollow = F.lit(False) if include_nofollow else F.col("nofollow")
    links = (
        links.withColumn("f", F.struct("kind", nofollow.alias("nofollow")))
        .select(
            F.col(src).alias("s"),
            F.col(dst).alias("d"),
            F.expr(followable_sql()).alias("dofollow"),
            F.expr(followable_sql("f.")).alias("edge"),
            "nofollow",
            "ugc",
            "sponsored",
            # graph.links' COMMENT bit: a link in a comment area carries no trust.
            (F.col("placement") != "comment").alias("editorial"),
        )
        .localCheckpoint()
    )
    edges = (
        links.where("edge")
        .groupBy("s", "d")
        .agg(F.max(F.col("editorial").cast("int")).alias("editorial"))
    )
    names = edges.select(F.col("s").alias("name")).union(edges.select(F.col("d").alias("name")))
    ids = assign_ids(names.distinct()).localCheckpoint()

    def as_int(frame, column: str, alias: str):
        lookup = ids.select(F.col("name").alias(column), F.col("id").alias(alias))
        return frame.join(lookup, column)

    int_edges = as_int(as_int(edges, "s", "src"), "d", "dst").select("src", "dst", "editorial")
    int_edges = int_edges.localCheckpoint()
    figures = links.groupBy(F.col("d").alias("name")).agg(
        F.countDistinct("s").alias("referring_domains"),
        F.count(F.lit(1)).alias("backlinks"),
        *(
            F.sum(F.col(c).cast("long")).alias(c)
            for c in ("dofollow", "nofollow", "ugc", "sponsored")
        ),
    )
    degree_in = int_edges.groupBy(F.col("dst").alias("id")).agg(
        F.count(F.lit(1)).alias("in_degree")
    )
    degree_out = int_edges.groupBy(F.col("src").alias("id")).agg(
        F.count(F.lit(1)).alias("out_degree")
    )
    nodes = (
        ids.join(figures, "name", "left")
        .join(degree_in, "id", "left")
        .join(degree_out, "id", "left")
        .fillna(0, [*COUNT_COLUMNS, "in_degree", "out_degree"])
    )
    return GraphFrames(int_edges, nodes)


def node_table(nodes, n: int) -> dict[str, np.ndarray | pa.Array]:
    """The node frame's columns on the driver, in id order."""
    table = nodes.toArrow()
    order = np.argsort(table.column("id").to_numpy())
    table = table.take(pa.array(order))
    if table.num_rows != n or (n and table.column("id")[n - 1].as_py() != n - 1):
        raise AssertionError("node ids are not 0 .. n-1")
    return {name: table.column(name).combine_chunks() for name in table.column_names}
