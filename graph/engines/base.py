"""What a rank engine is: the interface every engine (local, Spark) implements.

An engine does two things: build the link graph of some crawls (nodes, followable edges,
the link counts of every node) and solve PageRank on it with a given teleport. Everything
``graph.ranking`` computes (PageRank, authority, trust, niche authority) is those two
operations, so a new engine is these two methods and nothing else, and every engine gives
the same table: ``tests/test_engines.py`` holds each registered engine to the local one.

The graph an engine returns (``RankGraph``) is whatever suits it (the local engine's is a
``graph.build.LinkGraph`` in memory; a distributed engine keeps its edges where they are
and holds only the per-node vectors here); the interface asks only for what the ranked
table needs, in node-id order (ids are positions in ``names``, which is sorted).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import pyarrow as pa

__all__ = ["Engine", "RankGraph"]


@runtime_checkable
class RankGraph(Protocol):
    """The link graph of some crawls as an engine holds it."""

    #: ``"domain"`` or ``"host"``.
    level: str
    #: Node id -> registered domain (or host), sorted by name.
    names: pa.Array
    #: Per node, in id order: ``graph.links.link_counts`` over all its links.
    counts: pa.Table

    @property
    def n(self) -> int:
        """Number of nodes."""

    @property
    def m(self) -> int:
        """Number of distinct edges."""

    def in_degree(self) -> np.ndarray:
        """Per node, the nodes with an edge into it."""

    def out_degree(self) -> np.ndarray:
        """Per node, the nodes it has an edge to."""

    def ids(self, names: Sequence[str]) -> tuple[np.ndarray, list[str]]:
        """Ids of the ``names`` that are nodes (sorted, distinct), and those that are not."""


@runtime_checkable
class Engine(Protocol):
    """Builds a ``RankGraph`` and solves PageRank on it."""

    #: The name the engine is chosen by (``graph.rank(..., engine=NAME)``).
    name: str

    def build(
        self,
        crawl_dirs: Sequence[str | os.PathLike[str]],
        *,
        level: str,
        include_nofollow: bool,
    ) -> RankGraph:
        """The graph of the crawls' followable links (``graph.links``), at ``level``."""

    def pagerank(
        self,
        graph: RankGraph,
        *,
        alpha: float,
        tol: float,
        seeds: np.ndarray | None = None,
        editorial: bool = False,
    ) -> np.ndarray:
        """PageRank of every node, in id order, to L1 accuracy ``tol``.

        ``seeds``: node ids the teleport (and the dangling nodes' mass) goes to uniformly;
        all nodes when ``None``. ``editorial``: only the edges with at least one link
        outside comment areas (trust flows only through those; ``docs/authority.md``).
        """

    def close(self) -> None:
        """Release what the engine holds (a Spark session, temporary files)."""
