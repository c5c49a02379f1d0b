"""PageRank, topic-sensitive (personalised) PageRank and TrustRank on a ``LinkGraph``.

All three are one computation with a different teleport vector: uniform (PageRank), the
seed domains of a niche (topic-sensitive PageRank) or hand-picked trusted domains
(TrustRank). Definitions, convergence criterion and the measurements behind the choice of
solver are in ``docs/authority.md``.

The graph is stored once as the transposed adjacency matrix in CSR, and a sweep is one
sparse matrix-vector product (scipy's C++ kernel) plus a few numpy vector operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from crawler.errors import LinkgraphError
from graph.build import LinkGraph
from graph.sweep import Sweeper

__all__ = [
    "PageRankError",
    "PageRankResult",
    "pagerank",
    "personalized_pagerank",
    "topic_pagerank",
    "trustrank",
    "solve_pagerank",
    "Sweeper",
]

METHODS = ("power", "bicgstab")


class PageRankError(LinkgraphError):
    """Bad parameters or seeds for a PageRank computation (message is one line)."""


@dataclass(frozen=True)
class PageRankResult:
    """Scores and how they were obtained.

    Attributes
    ----------
    scores : numpy.ndarray of float64
        One score per node id, summing to 1.
    method : str
        ``"bicgstab"`` or ``"power"``.
    matvecs : int
        Sparse matrix-vector products (sweeps over the edges) spent.
    error_bound : float
        Proven upper bound of the L1 distance between ``scores`` and the exact solution.
    """

    scores: np.ndarray
    method: str
    matvecs: int
    error_bound: float


def pagerank(
    graph: LinkGraph,
    *,
    alpha: float = 0.85,
    tol: float = 1e-6,
    method: str = "power",
) -> np.ndarray:
    """PageRank of every node of ``graph`` (Page, Brin, Motwani and Winograd, 1999).

    Parameters
    ----------
    graph : LinkGraph
        The unweighted domain or host graph.
    alpha : float
        Damping factor: the probability of following a link rather than teleporting.
    tol : float
        The result is within this L1 distance of the exact PageRank vector.
    method : {"power", "bicgstab"}
        Solver; both meet ``tol``. See ``solve_pagerank``.

    Returns
    -------
    numpy.ndarray
        One score per node id, summing to 1.

    Examples
    --------
    >>> from graph.build import graph_from_arrays
    >>> g = graph_from_arrays(["a.com", "b.com", "c.com"], [0, 1, 2], [1, 2, 1])
    >>> [round(float(x), 4) for x in pagerank(g)]
    [0.05, 0.4865, 0.4635]

    Notes
    -----
    Dangling nodes (no out-links) spread their mass uniformly over all nodes, as
    ``networkx.pagerank`` and igraph do. The scores are the stationary distribution of the
    random surfer: with probability ``alpha`` follow a random out-link, else (or at a
    dangling node) jump to a node chosen uniformly.

    References
    ----------
    .. [1] L. Page, S. Brin, R. Motwani, T. Winograd, "The PageRank Citation Ranking:
       Bringing Order to the Web", Stanford InfoLab technical report, 1999.
    """
    return solve_pagerank(graph, alpha=alpha, tol=tol, method=method).scores


def personalized_pagerank(
    graph: LinkGraph,
    seeds: Sequence[int] | np.ndarray,
    *,
    alpha: float = 0.85,
    tol: float = 1e-6,
    method: str = "power",
) -> np.ndarray:
    """PageRank whose teleport (and dangling mass) goes uniformly to the ``seeds`` ids.

    Dangling nodes send their mass to the seeds too (``networkx.pagerank``'s default
    with a personalization vector), so no score leaks back to the whole web through
    pages without links: a node the seeds cannot reach scores exactly 0.

    Raises
    ------
    PageRankError
        ``seeds`` is empty or holds an id that is not a node.
    """
    ids = np.unique(np.asarray(seeds, dtype=np.int64))
    if ids.size == 0:
        raise PageRankError("no seed is a node of the graph")
    if ids[0] < 0 or ids[-1] >= graph.n:
        raise PageRankError(f"seed id out of range 0..{graph.n - 1}")
    teleport = np.zeros(graph.n)
    teleport[ids] = 1.0 / ids.size
    return solve_pagerank(graph, alpha=alpha, tol=tol, teleport=teleport, method=method).scores


def topic_pagerank(
    graph: LinkGraph,
    seeds: Sequence[int] | np.ndarray,
    *,
    alpha: float = 0.85,
    tol: float = 1e-6,
) -> np.ndarray:
    """Topic-sensitive PageRank (Haveliwala, 2002): teleport to a niche's seed domains.

    "Who matters in the rose-growing niche" is then the stationary distribution of a
    surfer who restarts at rose-growing sites, not at a random site of the whole web.

    References
    ----------
    .. [1] T. H. Haveliwala, "Topic-Sensitive PageRank", WWW 2002.
    """
    return personalized_pagerank(graph, seeds, alpha=alpha, tol=tol)


def trustrank(
    graph: LinkGraph,
    trusted: Sequence[int] | np.ndarray,
    *,
    alpha: float = 0.85,
    tol: float = 1e-6,
) -> np.ndarray:
    """TrustRank (Gyöngyi, Garcia-Molina and Pedersen, 2004) from hand-picked trusted ids.

    Trust starts at the trusted seeds and is split among out-links at each step, damped by
    ``alpha``: it decays with link distance from the seeds, and a link farm that only
    links to itself gets none unless a trusted site links into it.

    References
    ----------
    .. [1] Z. Gyöngyi, H. Garcia-Molina, J. Pedersen, "Combating Web Spam with
       TrustRank", VLDB 2004.
    """
    return personalized_pagerank(graph, trusted, alpha=alpha, tol=tol)


def solve_pagerank(
    graph: LinkGraph,
    *,
    alpha: float = 0.85,
    tol: float = 1e-6,
    teleport: np.ndarray | None = None,
    method: str = "power",
    max_matvecs: int = 10_000,
) -> PageRankResult:
    """Solve PageRank to a stated L1 accuracy; the solver behind the functions above.

    Parameters
    ----------
    graph : LinkGraph
    alpha : float
        Damping factor, ``0 < alpha < 1``.
    tol : float
        Stop once the L1 distance to the exact solution is provably below ``tol``.
    teleport : numpy.ndarray, optional
        Teleport distribution (non-negative, summing to 1); uniform when omitted. Dangling
        nodes' mass follows it too.
    method : {"power", "bicgstab"}
        ``"power"`` is the power iteration; ``"bicgstab"`` solves the linear system of
        Gleich, Zhukov and Berkhin (2004) with BiCGSTAB (van der Vorst, 1992). At
        ``alpha = 0.85`` and ``tol = 1e-6`` they need about as many sweeps (measured in
        ``docs/benchmarks.md``), so the simpler power iteration is the default.
    max_matvecs : int
        Give up (``PageRankError``) after this many sparse products.

    Returns
    -------
    PageRankResult

    Notes
    -----
    With ``P`` the row-stochastic link matrix (dangling rows zero) and ``v`` the teleport
    vector, PageRank ``x`` solves ``x = alpha P^T x + (alpha d^T x + 1 - alpha) v`` where
    ``d`` marks dangling nodes. So ``x`` is proportional to the solution ``y`` of the
    linear system ``(I - alpha P^T) y = v``, and ``x = y / ||y||_1`` [1]_.

    Convergence, in L1 and with proofs in ``docs/authority.md``:

    * power iteration stops when ``alpha / (1 - alpha) * ||x_k - x_{k-1}||_1 < tol``,
      which bounds the distance to the exact vector; at most about 90 sweeps for
      ``1e-6`` (72 on the cnr-2000 web graph);
    * BiCGSTAB stops when the true residual ``r = v - (I - alpha P^T) y`` has
      ``2 ||r||_1 / (1 - alpha) < tol``: ``||(I - alpha P^T)^{-1}||_1 <= 1/(1-alpha)`` and
      normalising by ``||y||_1 >= 1`` at most doubles the error (two sweeps per
      iteration).

    Unlike ``networkx.pagerank``, whose ``tol`` is multiplied by the node count, ``tol``
    here is the accuracy of the whole vector whatever the graph's size.

    References
    ----------
    .. [1] D. Gleich, L. Zhukov, P. Berkhin, "Fast Parallel PageRank: A Linear System
       Approach", Yahoo! Research technical report YRL-2004-038, 2004.
    .. [2] H. A. van der Vorst, "Bi-CGSTAB: A Fast and Smoothly Converging Variant of
       Bi-CG for the Solution of Nonsymmetric Linear Systems", SIAM J. Sci. Stat.
       Comput. 13(2), 1992.
    """
    if not 0.0 < alpha < 1.0:
        raise PageRankError(f"alpha must be between 0 and 1 (exclusive), not {alpha}")
    if not tol > 0.0:
        raise PageRankError(f"tol must be positive, not {tol}")
    if method not in METHODS:
        raise PageRankError(f"unknown PageRank method {method!r}; use bicgstab or power")
    n = graph.n
    if n == 0:
        return PageRankResult(np.zeros(0), method, 0, 0.0)
    if teleport is None:
        v = np.full(n, 1.0 / n)
    else:
        v = np.asarray(teleport, dtype=np.float64)
        if v.shape != (n,) or (v < 0).any() or not v.sum() > 0:
            raise PageRankError("teleport must be one non-negative weight per node")
        v = v / v.sum()
    out = graph.out_degree()
    dangling = out == 0
    scale = np.zeros(n)
    np.divide(alpha, out, out=scale, where=~dangling)
    sweep = graph.cached("sweeper", lambda: Sweeper(graph.transpose_csr()))
    if method == "power":
        return _power(sweep, scale, dangling, v, alpha, tol, max_matvecs)
    return _bicgstab(sweep, scale, v, alpha, tol, max_matvecs)


def _power(
    sweep: Sweeper,
    scale: np.ndarray,
    dangling: np.ndarray,
    v: np.ndarray,
    alpha: float,
    tol: float,
    max_matvecs: int,
) -> PageRankResult:
    x = v.copy()
    bound_factor = alpha / (1.0 - alpha)
    dangling_ids = np.flatnonzero(dangling)
    uniform = bool((v == v[0]).all())
    scaled = np.empty_like(x)
    for count in range(1, max_matvecs + 1):
        np.multiply(x, scale, out=scaled)
        new = sweep(scaled)
        jump = alpha * float(x[dangling_ids].sum()) + 1.0 - alpha
        if uniform:
            new += jump * v[0]
        else:
            new += jump * v
        # Rounding can lose a little mass over many sweeps; keep it a distribution.
        new *= 1.0 / new.sum()
        np.subtract(new, x, out=scaled)
        change = float(np.abs(scaled, out=scaled).sum())
        x = new
        if bound_factor * change < tol:
            return PageRankResult(x, "power", count, bound_factor * change)
    raise PageRankError(f"PageRank did not reach tol={tol} in {max_matvecs} sweeps")


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    # Not ``a @ b``: that is BLAS, whose own threads spin against the sweep's threads.
    return float(np.multiply(a, b).sum())


def _bicgstab(
    sweep: Sweeper,
    scale: np.ndarray,
    b: np.ndarray,
    alpha: float,
    tol: float,
    max_matvecs: int,
) -> PageRankResult:
    """BiCGSTAB on ``(I - alpha P^T) y = b`` with an L1 stopping rule on the true residual."""

    def apply(z: np.ndarray) -> np.ndarray:
        return z - sweep(z * scale)

    target = tol * (1.0 - alpha) / 2.0
    y = b.copy()
    r = b - apply(y)
    matvecs = 1
    while True:
        r_hat = r.copy()
        rho = alpha_k = omega = 1.0
        p = np.zeros_like(b)
        w = np.zeros_like(b)
        restart = False
        while matvecs < max_matvecs:
            if float(np.abs(r).sum()) <= target:
                break
            rho_new = _dot(r_hat, r)
            if rho_new == 0.0 or omega == 0.0:
                restart = True
                break
            beta = (rho_new / rho) * (alpha_k / omega)
            rho = rho_new
            p = r + beta * (p - omega * w)
            w = apply(p)
            matvecs += 1
            denom = _dot(r_hat, w)
            if denom == 0.0:
                restart = True
                break
            alpha_k = rho / denom
            y += alpha_k * p
            s = r - alpha_k * w
            if float(np.abs(s).sum()) <= target:
                r = s
                break
            t = apply(s)
            matvecs += 1
            tt = _dot(t, t)
            omega = _dot(t, s) / tt if tt > 0.0 else 0.0
            y += omega * s
            r = s - omega * t
        # The recursively updated residual drifts from the true one: check the true one.
        r = b - apply(y)
        matvecs += 1
        residual = float(np.abs(r).sum())
        if residual <= target:
            break
        if matvecs >= max_matvecs:
            raise PageRankError(f"PageRank did not reach tol={tol} in {max_matvecs} sweeps")
        if not restart and residual > 0.5 * target and matvecs > 3 * max_matvecs // 4:
            raise PageRankError(f"PageRank stagnated above tol={tol}")
    np.maximum(y, 0.0, out=y)
    total = float(y.sum())
    return PageRankResult(y / total, "bicgstab", matvecs, 2.0 * residual / (1.0 - alpha))
