"""PageRank's linear system ``M = I - alpha S^T``, solved tightly in both directions.

``S`` is the row-stochastic random-surfer matrix of a ``LinkGraph``: a node's row spreads
evenly over its out-links, a dangling node's row is the uniform teleport ``v = 1/n``. With
it PageRank is ``x = (1 - alpha) M^{-1} v`` (Gleich, Zhukov and Berkhin, 2004), and the
columns and rows of ``M^{-1}`` answer "what would one more link be worth"
(``graph.prospects``): ``M^{-1} e_t`` is where mass started at ``t`` ends up, row ``t``
(``M^{-T} e_t``) is how much of each node's mass ends up at ``t``.

Both solves are the Jacobi (power) iteration ``y <- b + alpha S^T y`` (or ``S y``), which
contracts by ``alpha`` per sweep in the L1 (or max) norm; each stops once the proven bound
``alpha / (1 - alpha) * ||y_k - y_{k-1}||`` on its distance to the exact solution is below
``tol`` (relative to ``||b||``). Everything here is plain numpy/scipy over the graph's CSR,
so any engine's ``Ranking`` can use it through ``graph.explain.link_graph``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from graph.build import LinkGraph
from graph.pagerank import PageRankError
from graph.sweep import Sweeper

__all__ = ["PageRankSystem"]

MAX_SWEEPS = 2_000


@dataclass(eq=False)
class PageRankSystem:
    """The linear system of PageRank on ``graph`` at damping ``alpha`` (uniform teleport)."""

    graph: LinkGraph
    alpha: float
    _pull: Sweeper = field(init=False, repr=False)
    _push: sp.csr_array = field(init=False, repr=False)

    def __post_init__(self) -> None:
        graph = self.graph
        self.out = graph.out_degree()
        self.dangling = self.out == 0
        self.inv_out = np.zeros(graph.n)
        np.divide(1.0, self.out, out=self.inv_out, where=~self.dangling)
        self._pull = graph.cached("sweeper", lambda: Sweeper(graph.transpose_csr()))
        self._push = graph.cached(
            "adjacency_float", lambda: graph.transpose_csr().T.tocsr()
        )  # row = source

    @property
    def n(self) -> int:
        return self.graph.n

    def st(self, y: np.ndarray) -> np.ndarray:
        """``S^T y``: what every node receives when each node sends ``y`` along its row."""
        return self._pull(y * self.inv_out) + float(y[self.dangling].sum()) / self.n

    def s(self, y: np.ndarray) -> np.ndarray:
        """``S y``: each node's average of ``y`` over its row."""
        out = (self._push @ y) * self.inv_out
        out[self.dangling] = float(y.sum()) / self.n
        return out

    def p(self, y: np.ndarray) -> np.ndarray:
        """``P y``: ``S y`` with the dangling rows zero (the links alone, no teleport)."""
        return (self._push @ y) * self.inv_out

    def solve(
        self,
        b: np.ndarray,
        *,
        transpose: bool = False,
        leaky: bool = False,
        tol: float = 1e-13,
        start: np.ndarray | None = None,
    ) -> np.ndarray:
        """``M^{-1} b`` (or ``M^{-T} b``) to ``tol`` relative to ``||b||``; warm ``start``.

        ``leaky`` (with ``transpose``): ``B^{-T} b`` for ``B = I - alpha P^T``, the system
        whose dangling rows are zero (a surfer at a dangling node stops).
        """
        step = (self.p if leaky else self.s) if transpose else self.st
        norm = np.inf if transpose else 1
        y = np.array(b if start is None else start, dtype=np.float64)
        scale = max(float(np.linalg.norm(b, norm)), 1e-300)
        bound = self.alpha / (1.0 - self.alpha)
        for _ in range(MAX_SWEEPS):
            new = b + self.alpha * step(y)
            change = float(np.linalg.norm(new - y, norm))
            y = new
            if bound * change <= tol * scale:
                return y
        raise PageRankError(f"the PageRank system did not reach tol={tol} in {MAX_SWEEPS} sweeps")

    def pagerank(self, *, tol: float = 1e-13, start: np.ndarray | None = None) -> np.ndarray:
        """PageRank ``x`` (summing to 1), to L1 accuracy ``tol``, from a warm ``start``."""
        v = np.full(self.n, (1.0 - self.alpha) / self.n)
        x = self.solve(v, tol=tol / (1.0 - self.alpha), start=start)
        return x / x.sum()

    def unit(self, node: int) -> np.ndarray:
        e = np.zeros(self.n)
        e[node] = 1.0
        return e
