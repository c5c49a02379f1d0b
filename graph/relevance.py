"""Relevance of a link: is the linking domain in the target's niche, do they share neighbours.

Two signals, both from the link graph (the same graph the ranking used, any engine through
``graph.explain.link_graph``):

* ``same_niche``: the source and the target are in the same community of the graph
  (``graph.communities.find_niches``, what ``linkgraph niches`` lists: Louvain with its
  default resolution and seed);
* ``similarity``: the Jaccard similarity of their link neighbourhoods, the domains each
  links to or is linked from (its undirected neighbours), each without the other:
  ``|N(s) & N(t)| / |N(s) | N(t)|`` with ``N(s)`` the neighbours of ``s`` other than ``t``
  and ``N(t)`` those of ``t`` other than ``s`` (0 when both are empty). Sites of one niche
  link to and are linked from the same hubs, directories and peers (co-citation and
  bibliographic coupling, Small 1973, Kessler 1963); a link farm shares none of them.

``relevance = (same_niche + similarity) / 2``, in 0..1: a link is *relevant* when the
source is in the target's niche (``relevance >= 0.5``), and among relevant (or irrelevant)
links the one with more shared neighbours ranks first.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from graph.ranking import Ranking

__all__ = ["RELEVANT", "niche_numbers", "relevance_columns", "relevance_table"]

#: A link is relevant from this relevance up (the source is in the target's niche).
RELEVANT = 0.5


def niche_numbers(ranking: Ranking) -> np.ndarray:
    """The niche number (``linkgraph niches``) of every node, in id order; found once."""
    if "niche_numbers" not in ranking._cache:
        from graph.communities import find_niches
        from graph.explain import link_graph

        graph = link_graph(ranking)
        numbers = np.zeros(graph.n, dtype=np.int64)
        found = find_niches(ranking.crawl_dirs, graph=graph, scores=ranking.pagerank)
        for niche in found:
            ids, _ = graph.ids(niche.domains)
            numbers[ids] = niche.number
        ranking._cache["niche_numbers"] = numbers
    return ranking._cache["niche_numbers"]


def _neighbour_similarity(ranking: Ranking, target: int, sources: np.ndarray) -> np.ndarray:
    from graph.explain import link_graph

    graph = link_graph(ranking)
    into = graph.transpose_csr()  # row t: the sources of t
    out_of = graph.cached("adjacency_float", lambda: into.T.tocsr())  # row s: its targets
    mark = np.zeros(graph.n)
    mark[into.indices[into.indptr[target] : into.indptr[target + 1]]] = 1.0
    mark[out_of.indices[out_of.indptr[target] : out_of.indptr[target + 1]]] = 1.0
    size_t = mark.sum()
    ins, outs = into[sources], out_of[sources]
    both = ins.multiply(outs)  # a neighbour both ways counts once
    shared = ins @ mark + outs @ mark - both @ mark
    size_s = np.diff(ins.indptr) + np.diff(outs.indptr) - np.diff(both.tocsr().indptr)
    # Without each other: t is a neighbour of s (and s of t) when they are linked.
    size_s = size_s - mark_of(out_of, into, sources, target)
    size_t = size_t - mark[sources]
    union = size_s + size_t - shared
    similarity = np.zeros(len(sources))
    np.divide(shared, union, out=similarity, where=union > 0)
    return similarity


def mark_of(out_of, into, sources: np.ndarray, target: int) -> np.ndarray:
    """1 where ``target`` is a neighbour of the source (either direction), else 0."""
    linked = np.zeros(len(sources))
    for matrix in (out_of, into):
        rows = matrix[sources]
        hit = (rows[:, [target]].toarray().ravel() > 0).astype(np.float64)
        linked = np.maximum(linked, hit)
    return linked


def relevance_columns(ranking: Ranking, target: int, sources: np.ndarray) -> dict[str, pa.Array]:
    """``same_niche``, ``similarity`` and ``relevance`` of the links ``sources -> target``."""
    sources = np.asarray(sources, dtype=np.int64)
    niches = niche_numbers(ranking)
    same = (niches[sources] == niches[target]) & (niches[target] > 0)
    similarity = _neighbour_similarity(ranking, target, sources)
    return {
        "same_niche": pa.array(same, pa.bool_()),
        "similarity": pa.array(similarity, pa.float64()),
        "relevance": pa.array((same + similarity) / 2.0, pa.float64()),
    }


def relevance_table(ranking: Ranking, target: str, sources: list[str]) -> pa.Table:
    """``domain``, ``same_niche``, ``similarity``, ``relevance`` of links from ``sources``
    (names; those not in the graph get nulls) to ``target`` (a node's name)."""
    node = ranking.id_of(target)
    index = [ranking.id_of(s) for s in sources]
    known = [i for i, j in enumerate(index) if j is not None and node is not None]
    found = (
        relevance_columns(ranking, node, np.array([index[i] for i in known], np.int64))
        if (known)
        else None
    )
    columns: dict[str, list] = {"same_niche": [], "similarity": [], "relevance": []}
    where = {i: k for k, i in enumerate(known)}
    for i in range(len(sources)):
        for key in columns:
            columns[key].append(found[key][where[i]].as_py() if i in where else None)
    return pa.table(
        {
            "domain": pa.array(sources, pa.string()),
            "same_niche": pa.array(columns["same_niche"], pa.bool_()),
            "similarity": pa.array(columns["similarity"], pa.float64()),
            "relevance": pa.array(columns["relevance"], pa.float64()),
        }
    )


def with_relevance(
    table: pa.Table, ranking: Ranking, target: str, *, key: str = "domain", after: str | None = None
) -> pa.Table:
    """``table`` with ``relevance`` and ``same_niche`` of the link from its ``key`` column
    to ``target``, placed after column ``after`` (at the end when None)."""
    sources = table.column(key).to_pylist()
    distinct = list(dict.fromkeys(sources))
    found = relevance_table(ranking, target, distinct)
    index = {name: i for i, name in enumerate(distinct)}
    rows = pa.array([index[s] for s in sources], pa.int64())
    position = table.num_columns if after is None else table.column_names.index(after) + 1
    for offset, name in enumerate(("relevance", "same_niche")):
        table = table.add_column(position + offset, name, found.column(name).take(rows))
    return table
