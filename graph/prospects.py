"""What a link would be worth: the exact gain in PageRank and authority from one new link.

If domain ``c`` adds one followable link to ``m``, row ``c`` of the random-surfer matrix
``S`` changes from ``r_c`` (its ``k`` out-links at ``1/k`` each, or the teleport ``v`` when
it had none) to its old links plus ``m``, each at ``1/(k+1)``: ``S' = S + e_c delta^T``
with ``delta = (e_m - r_c) / (k + 1)``, a rank-one change. So the PageRank of the new graph
follows from the old one by the Sherman-Morrison formula on ``M = I - alpha S^T``
(``graph.pagerank_system``):

    x' = x + alpha x[c] u / (1 - alpha u[c]),   u = M^{-1} delta

and since ``S^T e_c = r_c``, ``M^{-1} r_c = (M^{-1} e_c - e_c) / alpha``: every ``u[j]``
needs only ``M^{-1}_{jm}``, ``M^{-1}_{jc}`` and, for ``u[c]``, the diagonal entry
``M^{-1}_{cc}``. Three solves serve every candidate: ``z = M^{-1} e_m``,
``y = M^{-T} e_m`` and ``b = B^{-T} d`` (``B = I - alpha P^T``, the links without the
teleport, ``d`` the dangling nodes). The diagonal splits, again by Sherman-Morrison, into
``B^{-1}_{cc} + alpha x[c] b[c] / (1 - alpha)``, and ``B^{-1}_{cc}`` (the expected returns
of a link-following walk to ``c``) comes from a local forward push from ``c`` (Andersen,
Chung and Lang, 2006), stopped by a proven bound once the gain is within ``tol``.

Authority (``graph.authority.authority_scores``) also needs the new minimum and maximum
PageRank: the minimum is the PageRank of any node without in-links (all of them have
exactly the teleport part), the maximum that of the old top node (one more solve for its
row), ``m`` or ``c``, unless a bound on every other node's change cannot rule them out:
then that candidate is re-solved in full (counted in ``Prospects.resolved``).

References
----------
.. [1] J. Sherman, W. J. Morrison, "Adjustment of an Inverse Matrix Corresponding to a
   Change in One Element of a Given Matrix", Ann. Math. Statist. 21(1), 1950.
.. [2] R. Andersen, F. Chung, K. Lang, "Local Graph Partitioning using PageRank Vectors",
   FOCS 2006.
.. [3] D. Gleich, L. Zhukov, P. Berkhin, "Fast Parallel PageRank: A Linear System
   Approach", Yahoo! Research technical report YRL-2004-038, 2004.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from crawler.errors import LinkgraphError
from graph.build import LinkGraph, graph_from_arrays
from graph.explain import link_graph, node_of
from graph.pagerank_system import PageRankSystem
from graph.ranking import Ranking

__all__ = ["COMPETITORS", "Prospects", "gains", "prospects", "with_link"]

#: Competitors chosen when none are given: the domains sharing the most referring domains.
COMPETITORS = 5


@dataclass(frozen=True)
class Prospects:
    """Candidate linking domains for ``domain``, by the exact gain of one link from each.

    ``table``: ``domain``, ``gain_pagerank``, ``gain_authority``, ``trust``, ``spam``,
    ``relevance`` (and ``same_niche``, ``similarity``, ``authority``, ``pagerank``),
    largest gain first (ties by name). ``resolved``: candidates whose new authority scale
    needed a full re-solve.
    """

    domain: str
    pagerank: float
    authority: float
    competitors: list[str]
    table: pa.Table
    resolved: int


def _returns(graph: LinkGraph, c: int, alpha: float, target: float, bound_of) -> float:
    """``B^{-1}_{cc}`` by forward push from ``c``: pushes every residual above ``target``
    (``bound_of(found)`` recomputes it) and adds the residual left at ``c``."""
    adjacency = graph.cached("adjacency_float", lambda: graph.transpose_csr().T.tocsr())
    indptr, indices = adjacency.indptr, adjacency.indices
    out = graph.out_degree()
    ids, vals = np.array([c], dtype=np.int64), np.array([1.0])
    found = 0.0
    while ids.size:
        active = vals >= target
        if not active.any():
            break
        found += float(vals[active & (ids == c)].sum())
        push_ids, push_vals = ids[active], vals[active]
        live = out[push_ids] > 0
        push_ids, push_vals = push_ids[live], push_vals[live]
        counts = out[push_ids]
        starts = np.repeat(indptr[push_ids] - np.cumsum(counts) + counts, counts)
        targets = indices[starts + np.arange(counts.sum())]
        weights = np.repeat(alpha * push_vals / counts, counts)
        ids = np.concatenate([ids[~active], targets])
        vals = np.concatenate([vals[~active], weights])
        order = np.argsort(ids, kind="stable")
        ids, vals = ids[order], vals[order]
        first = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if ids.size else ids
        vals = np.add.reduceat(vals, first) if ids.size else vals
        ids = ids[first] if ids.size else ids
        target = bound_of(found)
    return found + float(vals[ids == c].sum())


def gains(
    ranking: Ranking,
    mine: int,
    candidates: np.ndarray,
    *,
    tol: float = 1e-13,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Exact new PageRank and authority of ``mine`` for one new link from each candidate.

    Returns the gain in PageRank, the gain in authority and the number of candidates
    re-solved in full. ``tol`` bounds each gain's error in PageRank (absolute).
    """
    graph = link_graph(ranking)
    system = PageRankSystem(graph, ranking.alpha)
    alpha, n, m = ranking.alpha, graph.n, mine
    x = system.pagerank(tol=tol, start=ranking.pagerank)
    z = system.solve(system.unit(m), tol=tol)
    y = system.solve(system.unit(m), transpose=True, tol=tol)
    b = system.solve(system.dangling.astype(np.float64), transpose=True, leaky=True, tol=tol)
    dx = float(x[system.dangling].sum())
    s = dx / (1.0 - alpha + alpha * dx)
    base = _authority_of(x[m], x.min(), x.max())
    top = int(np.argmax(x))
    y_top = y if top == m else system.solve(system.unit(top), transpose=True, tol=tol)
    no_in = np.flatnonzero(graph.in_degree() == 0)
    no_in = no_in[no_in != m]
    low = int(no_in[0]) if no_in.size else -1
    y_low = system.solve(system.unit(low), transpose=True, tol=tol) if low >= 0 else None
    ranked = np.argsort(-x, kind="stable")[:4]
    # |x'[j] - x[j]| <= |beta| w max(||M^-1 e_m||, ||M^-1 r_c||) <= |beta| w / (1 - alpha)
    spread = 1.0 / (1.0 - alpha)
    gain_pr = np.zeros(len(candidates))
    gain_auth = np.zeros(len(candidates))
    resolved = 0
    for i, c in enumerate(np.asarray(candidates, dtype=np.int64).tolist()):
        w = 1.0 / (system.out[c] + 1.0)
        u_m = w * (z[m] - y[c] / alpha)
        reach = n * x[c] * (1.0 - alpha * s) / (1.0 - alpha)

        def parts(returns: float, c=c, w=w, u_m=u_m) -> tuple[float, float]:
            diagonal = returns + alpha * x[c] * b[c] / (1.0 - alpha)
            denominator = 1.0 - alpha * w * (z[c] - (diagonal - 1.0) / alpha)
            return alpha * x[c] * u_m / denominator, denominator

        def target(found: float, parts=parts, w=w, reach=reach) -> float:
            gain, denominator = parts(found)
            return tol * abs(denominator) / max(abs(gain) * w * reach, 1e-300)

        gain, denominator = parts(_returns(graph, c, alpha, target(1.0), target))
        gain_pr[i] = gain
        beta = alpha * x[c] / denominator

        def new(j: int, row: np.ndarray, c=c, w=w, beta=beta) -> float:
            return x[j] + beta * w * (z[j] - (row[c] - (j == c)) / alpha)

        known = [x[m] + gain, x[c] / denominator]
        known.append(
            x[c] / denominator if top == c else (known[0] if top == m else new(top, y_top))
        )
        others = [x[j] for j in ranked.tolist() if j not in (top, m, c)]
        if low < 0 or (others and others[0] + abs(beta) * w * spread >= max(known)):
            after = system_after(graph, c, m, alpha, tol, x)
            gain_auth[i] = _authority_of(after[m], after.min(), after.max()) - base
            resolved += 1
            continue
        minimum = x[c] / denominator if low == c else new(low, y_low)
        gain_auth[i] = _authority_of(known[0], minimum, max(known)) - base
    return gain_pr, gain_auth, resolved


def _authority_of(value: float, low: float, high: float) -> float:
    if high <= low:
        return 100.0
    return 100.0 * (np.log(value) - np.log(low)) / (np.log(high) - np.log(low))


def with_link(graph: LinkGraph, source: int, target: int) -> LinkGraph:
    """``graph`` with one more edge ``source -> target`` (same nodes, same ids)."""
    src = np.append(graph.src.astype(np.int64), source)
    dst = np.append(graph.dst.astype(np.int64), target)
    return graph_from_arrays(graph.names, src, dst, level=graph.level)


def system_after(
    graph: LinkGraph, source: int, target: int, alpha: float, tol: float, start: np.ndarray
) -> np.ndarray:
    """PageRank of ``graph`` with the link ``source -> target`` added, solved in full."""
    return PageRankSystem(with_link(graph, source, target), alpha).pagerank(tol=tol, start=start)


def _competitors(graph: LinkGraph, m: int) -> np.ndarray:
    """The ``COMPETITORS`` nodes sharing the most referring domains with ``m`` (ties: name)."""
    into = graph.transpose_csr()
    mark = np.zeros(graph.n)
    mark[into.indices[into.indptr[m] : into.indptr[m + 1]]] = 1.0
    shared = into @ mark
    shared[m] = 0.0
    order = np.argsort(-shared, kind="stable")[:COMPETITORS]
    return order[shared[order] > 0]


def prospects(
    ranking: Ranking,
    mine: str,
    *,
    competitors: Sequence[str] | None = None,
    source: str = "intersect",
    max_candidates: int | None = None,
    relevance: bool = True,
    tol: float = 1e-13,
) -> Prospects:
    """Candidates for a link to ``mine``, ranked by the exact gain (module docstring).

    ``source="intersect"``: the domains with a followable link to at least one competitor
    and none to ``mine`` (what ``linkgraph intersect COMPETITORS --not MINE --min 1
    --dofollow-only`` lists); the competitors are ``competitors`` or the five domains
    sharing the most referring domains with ``mine``. ``source="all"``: every domain
    without a followable link to ``mine``. ``max_candidates`` keeps the ones with the
    highest PageRank.
    """
    if source not in ("intersect", "all"):
        raise LinkgraphError(f"unknown candidate source {source!r}; use intersect or all")
    m, name = node_of(ranking, mine)
    graph = link_graph(ranking)
    into = graph.transpose_csr()
    linking = np.zeros(graph.n, dtype=bool)
    linking[into.indices[into.indptr[m] : into.indptr[m + 1]]] = True
    linking[m] = True
    chosen: list[str] = []
    if source == "all":
        candidate = ~linking
    else:
        comp_ids = (
            _competitors(graph, m)
            if competitors is None
            else np.array([node_of(ranking, c)[0] for c in competitors], dtype=np.int64)
        )
        chosen = graph.names.take(pa.array(comp_ids, pa.int64())).to_pylist()
        candidate = np.zeros(graph.n, dtype=bool)
        for comp in comp_ids.tolist():
            candidate[into.indices[into.indptr[comp] : into.indptr[comp + 1]]] = True
        candidate &= ~linking
    ids = np.flatnonzero(candidate)
    if max_candidates is not None:
        ids = np.sort(ids[np.argsort(-ranking.pagerank[ids], kind="stable")[:max_candidates]])
    gain_pr, gain_auth, resolved = gains(ranking, m, ids, tol=tol)
    names = graph.names.take(pa.array(ids, pa.int64()))
    columns: dict[str, object] = {
        "domain": names,
        "gain_pagerank": pa.array(gain_pr, pa.float64()),
        "gain_authority": pa.array(gain_auth, pa.float64()),
        "trust": pa.array(ranking.trust_score[ids], pa.float64()),
        "spam": pa.array(ranking.spam()[ids], pa.bool_()),
    }
    if relevance:
        from graph.relevance import relevance_columns

        columns.update(relevance_columns(ranking, m, ids))
    columns["authority"] = pa.array(ranking.authority[ids], pa.float64())
    columns["pagerank"] = pa.array(ranking.pagerank[ids], pa.float64())
    table = pa.table(columns)
    order = sorted(range(len(ids)), key=lambda i: (-gain_pr[i], names[i].as_py()))
    return Prospects(
        domain=name,
        pagerank=float(ranking.pagerank[m]),
        authority=float(ranking.authority[m]),
        competitors=chosen,
        table=table.take(pa.array(order, pa.int64())),
        resolved=resolved,
    )
