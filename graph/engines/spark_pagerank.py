"""PageRank with plain Spark DataFrame iterations, the local engine's power iteration.

The same computation as ``graph.pagerank`` (``_power``, Page et al. 1999): with ``scale``
``alpha / out_degree`` (0 for a dangling node) and teleport ``v``, one sweep is

    y = A^T (x * scale) + (alpha * sum(x[dangling]) + 1 - alpha) * v,   x' = y / sum(y)

and the iteration stops once ``alpha / (1 - alpha) * ||x' - x||_1 < tol``, which bounds
the distance to the exact vector (``docs/authority.md``). Dangling mass follows the
teleport: uniform for PageRank, the seeds for TrustRank and topic-sensitive PageRank.

A sweep is a join of the edges with the rank vector on the source, a sum grouped by the
target, and a join back onto the nodes; the new vector is checkpointed (``localCheckpoint``,
or a reliable ``checkpoint`` when the session has a checkpoint directory), so the query
plan stays one sweep long whatever the iteration count (a DataFrame loop without it
re-plans every earlier sweep: Spark's optimiser time grows with the plan). One job per
sweep computes and stores the new vector and, in the same pass, the three sums the next
sweep needs: ``sum(y)``, the change ``sum(|y - x|)`` and the dangling nodes' ``sum(y)``.
"""

from __future__ import annotations

import numpy as np

from graph.pagerank import PageRankError

__all__ = ["spark_pagerank", "EDGES_PER_PARTITION"]

#: The fewest edges a partition of the sweeps gets (when the graph has few).
EDGES_PER_PARTITION = 1_000_000


def _checkpoint(frame):
    """``frame`` with its lineage cut: stored by the next job that computes it."""
    if frame.sparkSession.sparkContext.getCheckpointDir():
        return frame.checkpoint(eager=False)
    return frame.localCheckpoint(eager=False)


def spark_pagerank(
    edges,
    n: int,
    m: int,
    *,
    alpha: float,
    tol: float,
    seeds: np.ndarray | None = None,
    max_sweeps: int = 10_000,
) -> tuple[np.ndarray, int]:
    """PageRank over ``edges`` (a DataFrame of ``src``, ``dst`` node ids in ``0 .. n-1``;
    about ``m`` of them: it sets the partitions).

    ``seeds``: node ids the teleport and the dangling mass go to uniformly (all nodes
    when None). Returns the scores in id order and the sweeps spent.
    """
    from pyspark.sql import functions as F

    if not 0.0 < alpha < 1.0:
        raise PageRankError(f"alpha must be between 0 and 1 (exclusive), not {alpha}")
    if not tol > 0.0:
        raise PageRankError(f"tol must be positive, not {tol}")
    if n == 0:
        return np.zeros(0), 0
    spark = edges.sparkSession
    # The edges partitioned by source and the vector by node id, the same way: a sweep's
    # join then moves no edge, and only the sums per target are shuffled (the co-partitioned
    # PageRank of Zaharia et al., NSDI 2012).
    # Partitions of at least EDGES_PER_PARTITION edges: each task has a fixed cost, so a
    # small graph in many partitions spends its sweeps scheduling tasks.
    parts = int(spark.conf.get("spark.sql.shuffle.partitions"))
    parts = max(1, min(parts, -(-m // EDGES_PER_PARTITION)))
    edges = edges.select("src", "dst").repartition(parts, "src").sortWithinPartitions("src")
    edges = edges.localCheckpoint()
    out = edges.groupBy("src").agg(F.count(F.lit(1)).alias("out"))
    nodes = spark.range(n).join(out, F.col("id") == F.col("src"), "left")
    scale = F.when(F.col("out").isNull(), F.lit(0.0)).otherwise(alpha / F.col("out"))
    if seeds is None:
        v = F.lit(1.0 / n)
    else:
        ids = np.unique(np.asarray(seeds, dtype=np.int64))
        if ids.size == 0:
            raise PageRankError("no seed is a node of the graph")
        if ids[0] < 0 or ids[-1] >= n:
            raise PageRankError(f"seed id out of range 0..{n - 1}")
        marked = spark.createDataFrame([(int(i),) for i in ids], "seed long")
        nodes = nodes.join(F.broadcast(marked), F.col("id") == F.col("seed"), "left")
        v = F.when(F.col("seed").isNull(), F.lit(0.0)).otherwise(1.0 / ids.size)
    state = nodes.select("id", scale.alias("scale"), v.alias("v"), v.alias("x"))
    state = state.repartition(parts, "id").sortWithinPartitions("id").localCheckpoint()
    dangling = state.where("scale = 0").agg(F.sum("x")).first()[0] or 0.0
    bound_factor = alpha / (1.0 - alpha)
    for sweep in range(1, max_sweeps + 1):
        sent = state.select(F.col("id").alias("src"), (F.col("x") * F.col("scale")).alias("c"))
        got = edges.join(sent, "src").groupBy("dst").agg(F.sum("c").alias("c"))
        jump = alpha * dangling + 1.0 - alpha
        new = state.join(got, F.col("id") == F.col("dst"), "left").select(
            "id",
            "scale",
            "v",
            F.col("x").alias("old"),
            (F.coalesce(F.col("c"), F.lit(0.0)) + jump * F.col("v")).alias("y"),
        )
        new = _checkpoint(new)
        # The sweep conserves mass, so sum(y) is 1 up to rounding: the change is measured
        # on y as it is, and the next x is y renormalised, all in the job that stores y.
        total, change, dangling_y = new.agg(
            F.sum("y"),
            F.sum(F.abs(F.col("y") - F.col("old"))),
            F.sum(F.when(F.col("scale") == 0, F.col("y"))),
        ).first()
        dangling = (dangling_y or 0.0) / total
        state = new.select("id", "scale", "v", (F.col("y") / total).alias("x"))
        if bound_factor * change < tol:
            scores = state.select("id", "x").toArrow()
            result = np.zeros(n)
            result[scores.column("id").to_numpy()] = scores.column("x").to_numpy()
            return result, sweep
    raise PageRankError(f"PageRank did not reach tol={tol} in {max_sweeps} sweeps")
