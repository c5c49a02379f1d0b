"""Authority explained: which referring domains carry a domain's PageRank, and how much.

PageRank is linear, so a domain's score splits exactly into what each referring domain
passes it and what the random jump gives it: with ``x`` the PageRank vector, ``alpha`` the
damping factor, ``out(s)`` the out-degree of ``s`` in the domain graph and ``D`` the
dangling domains (no out-links), for a domain ``t``

    x[t] = sum over s -> t of alpha * x[s] / out(s)           (what each source passes)
         + (1 - alpha) / n + alpha * sum over d in D of x[d] / n   (teleport and dangling)

(Page, Brin, Motwani and Winograd, 1999). ``explain`` lists those terms, largest first,
with each one's share of the domain's PageRank and the source's authority, trust, spam flag
and relevance (``graph.relevance``). It needs only the ranking's score vector and the
graph's edges, so it works on any engine's ``Ranking``: ``link_graph`` gives the edges (the
local engine's graph, or the same graph built locally from the crawls).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crawler.errors import LinkgraphError
from graph.build import LinkGraph, build_graph
from graph.ranking import Ranking

__all__ = ["TELEPORT", "Explanation", "NotInGraphError", "explain", "link_graph", "node_of"]

#: The ``source`` of the row holding the teleport and dangling part.
TELEPORT = "(teleport)"


class NotInGraphError(LinkgraphError):
    """A domain the user asked about is not a node of the crawls' link graph."""


def link_graph(ranking: Ranking) -> LinkGraph:
    """The ranking's graph with its edges in memory (``graph.build.LinkGraph``).

    The local engine's graph already is one; for another engine the same graph is built
    locally from the ranking's crawls (its node ids are the same: both sort by name).
    """
    if isinstance(ranking.graph, LinkGraph):
        return ranking.graph
    if "link_graph" not in ranking._cache:
        graph = build_graph(
            ranking.crawl_dirs, level=ranking.level, include_nofollow=ranking.include_nofollow
        )
        if graph.n != ranking.graph.n or not graph.names.equals(ranking.graph.names):
            raise LinkgraphError("the crawls changed since they were ranked; rank them again")
        ranking._cache["link_graph"] = graph
    return ranking._cache["link_graph"]


def node_of(ranking: Ranking, text: str) -> tuple[int, str]:
    """The node id and name of the domain (or host) a user typed, or ``NotInGraphError``."""
    from graph.research.session import domain_of

    raw = text.strip().lower()
    name = domain_of(raw) if ranking.level == "domain" else raw.split("://")[-1].split("/")[0]
    # One scan of the names, not the name -> id dictionary (a million strings) id_of builds.
    found = pc.index(ranking.names, name).as_py()
    node = None if found < 0 else found
    if node is None:
        raise NotInGraphError(
            f"{name} is not in the link graph of these crawls ({ranking.graph.n:,} "
            f"{ranking.level}s): nothing links to it or from it with a followable link"
        )
    return node, name


@dataclass(frozen=True)
class Explanation:
    """Where one domain's PageRank comes from.

    Attributes
    ----------
    domain : str
    pagerank, authority, trust, spam_mass : float
        The domain's own scores (``trust`` on the 0-100 scale).
    spam : bool
    teleport, dangling : float
        The random jump's part, ``(1 - alpha) / n``, and the dangling domains' part,
        ``alpha * (their PageRank) / n``; the ``(teleport)`` row is their sum.
    explained : float
        The sum of all contributions: ``pagerank`` up to the solver's accuracy ``tol``.
    table : pyarrow.Table
        One row per referring domain, largest contribution first (ties by name), then the
        ``(teleport)`` row: ``source``, ``contribution``, ``share`` (of ``explained``, so
        the shares add up to 1), ``authority``, ``trust``, ``spam``, and with relevance
        ``same_niche``, ``similarity``, ``relevance`` (``graph.relevance``).
    """

    domain: str
    pagerank: float
    authority: float
    trust: float
    spam_mass: float
    spam: bool
    teleport: float
    dangling: float
    explained: float
    table: pa.Table


def explain(ranking: Ranking, domain: str, *, relevance: bool = True) -> Explanation:
    """Explain ``domain``'s PageRank by its referring domains (see the module docstring).

    Parameters
    ----------
    ranking : Ranking
        ``graph.rank(...)`` of the crawls, any engine.
    domain : str
        A domain, host or URL (reduced to the ranking's level).
    relevance : bool
        Add the relevance columns (finding the niches costs a Louvain run on the graph).

    Raises
    ------
    NotInGraphError
        The domain is not a node of the graph.
    """
    node, name = node_of(ranking, domain)
    graph = link_graph(ranking)
    x = ranking.pagerank
    n, alpha = graph.n, ranking.alpha
    sources = graph.indices[graph.indptr[node] : graph.indptr[node + 1]].astype(np.int64)
    out = graph.out_degree()
    passed = alpha * x[sources] / out[sources]
    dangling_mass = float(x[out == 0].sum())
    teleport, dangling = (1.0 - alpha) / n, alpha * dangling_mass / n
    # Largest first; ties by name, which is id order.
    order = np.lexsort((sources, -passed))
    ids = sources[order]
    contribution = np.append(passed[order], teleport + dangling)
    explained = float(contribution.sum())
    spam = ranking.spam()

    def of(vector: np.ndarray, kind: pa.DataType) -> pa.Array:
        return pa.concat_arrays([pa.array(vector[ids], kind), pa.nulls(1, kind)])

    columns: dict[str, object] = {
        "source": pa.concat_arrays(
            [graph.names.take(pa.array(ids, pa.int64())), pa.array([TELEPORT], pa.string())]
        ),
        "contribution": pa.array(contribution, pa.float64()),
        "share": pa.array(contribution / explained, pa.float64()),
        "authority": of(ranking.authority, pa.float64()),
        "trust": of(ranking.trust_score, pa.float64()),
        "spam": of(spam, pa.bool_()),
    }
    if relevance:
        from graph.relevance import relevance_columns

        found = relevance_columns(ranking, node, ids)
        for key in ("same_niche", "similarity", "relevance"):
            columns[key] = pa.concat_arrays([found[key], pa.nulls(1, found[key].type)])
    return Explanation(
        domain=name,
        pagerank=float(x[node]),
        authority=float(ranking.authority[node]),
        trust=float(ranking.trust_score[node]),
        spam_mass=float(ranking.spam_mass[node]),
        spam=bool(spam[node]),
        teleport=teleport,
        dangling=dangling,
        explained=explained,
        table=pa.table(columns),
    )
