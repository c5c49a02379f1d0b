"""The local engine: the graph in memory as CSR (``graph.build``), PageRank with scipy.

What ``graph.rank(..., engine="local")`` uses, and the reference every other engine is
held to. Figures: ``docs/benchmarks.md`` ("Ranking").
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from graph.build import LinkGraph, build_graph
from graph.pagerank import pagerank, personalized_pagerank

__all__ = ["LocalEngine"]


class LocalEngine:
    """Builds a ``graph.build.LinkGraph`` and solves PageRank with ``graph.pagerank``."""

    name = "local"

    def build(
        self,
        crawl_dirs: Sequence[str | os.PathLike[str]],
        *,
        level: str,
        include_nofollow: bool,
    ) -> LinkGraph:
        return build_graph(crawl_dirs, level=level, include_nofollow=include_nofollow)

    def pagerank(
        self,
        graph: LinkGraph,
        *,
        alpha: float,
        tol: float,
        seeds: np.ndarray | None = None,
        editorial: bool = False,
    ) -> np.ndarray:
        on = graph.editorial() if editorial else graph
        if seeds is None:
            return pagerank(on, alpha=alpha, tol=tol)
        return personalized_pagerank(on, seeds, alpha=alpha, tol=tol)

    def close(self) -> None:
        """Nothing to release: the graph is garbage-collected with the ``Ranking``."""
