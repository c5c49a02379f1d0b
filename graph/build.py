"""Build the domain graph (or host graph) of one or more crawls as integer ids and CSR.

The definitions are in ``docs/authority.md``: nodes are the registered domains (or hosts)
at either end of at least one graph edge; an edge A -> B (A != B) exists when at least one
followable link (``graph.links``: a link counted once however often it was seen, with the
flags of its latest sighting) goes from a page of A to a URL of B. The graph is
unweighted, because a referring domain is one vote whatever the number of its links: that
is what makes sitewide footer links and comment spam cheap.

The links come from ``graph.linkscan.read_links`` (dictionary codes, no per-row Python);
the distinct edges from a counting sort (scipy's COO -> CSR). networkx is never used here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import scipy.sparse as sp

from graph.links import (
    COMMENT,
    FOLLOW_KIND,
    FOLLOW_KINDS,
    LEVELS,
    Links,
    followable_flags,
    link_counts,
)
from graph.linkscan import read_links

# FOLLOW_KINDS and LEVELS are defined in graph.links; importable from here as before.
__all__ = [
    "FOLLOW_KINDS",
    "LEVELS",
    "LinkGraph",
    "build_graph",
    "graph_from_links",
    "graph_from_arrays",
]


@dataclass(frozen=True, eq=False)
class LinkGraph:
    """A directed, unweighted link graph over integer node ids ``0 .. n-1``.

    Node ids are in name order, so the same crawl always gives the same ids. The edges are
    stored once, as the transposed adjacency matrix in CSR: the sources of the edges into
    node ``t`` are ``indices[indptr[t]:indptr[t + 1]]``, sorted.

    Attributes
    ----------
    level : str
        ``"domain"`` or ``"host"``.
    names : pyarrow.StringArray
        Node id -> registered domain (or host).
    indptr : numpy.ndarray of int32 (int64 above 2**31 edges)
        Row pointers of the transposed adjacency matrix (``n + 1`` entries).
    indices : numpy.ndarray of int32
        Source of each edge, grouped by target.
    links : numpy.ndarray of int32
        Followable links behind each edge (at least 1), aligned with ``indices``.
    editorial_links : numpy.ndarray of int32
        Of those, the links outside comment areas: links the linking site placed itself,
        rather than a visitor. Trust flows only through edges where this is positive.
    counts : pyarrow.Table
        The link figures of each node (``graph.links.link_counts``), row ``i`` for node
        ``i``: what ``linkgraph rank`` reports as ``referring_domains``, ``backlinks``...
    """

    level: str
    names: pa.Array
    indptr: np.ndarray
    indices: np.ndarray
    links: np.ndarray
    editorial_links: np.ndarray
    counts: pa.Table
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.names)

    @property
    def m(self) -> int:
        """Number of distinct edges."""
        return len(self.indices)

    @property
    def src(self) -> np.ndarray:
        """Source of each edge (edges sorted by target, then source)."""
        return self.indices

    @property
    def dst(self) -> np.ndarray:
        """Target of each edge, aligned with ``src``."""
        if "dst" not in self._cache:
            self._cache["dst"] = np.repeat(
                np.arange(self.n, dtype=np.int32), np.diff(self.indptr).astype(np.int64)
            )
        return self._cache["dst"]

    def in_degree(self) -> np.ndarray:
        """Nodes with an edge to each node: those that pass it PageRank (``graph_in_degree``
        of ``linkgraph rank``)."""
        if "in" not in self._cache:
            self._cache["in"] = np.diff(self.indptr).astype(np.int64)
        return self._cache["in"]

    def out_degree(self) -> np.ndarray:
        """Nodes linked to, per node."""
        if "out" not in self._cache:
            self._cache["out"] = np.bincount(self.indices, minlength=self.n).astype(np.int64)
        return self._cache["out"]

    def cached(self, key: str, make: Callable[[], object]) -> object:
        """A value derived from the graph, made once (the graph never changes)."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def ids(self, names: Sequence[str]) -> tuple[np.ndarray, list[str]]:
        """Ids of the ``names`` that are nodes (sorted, distinct), and the names that are not."""
        lookup = self._name_index()
        found = {lookup[x] for x in names if x in lookup}
        missing = [x for x in names if x not in lookup]
        return np.array(sorted(found), dtype=np.int64), missing

    def _name_index(self) -> dict[str, int]:
        if "index" not in self._cache:
            self._cache["index"] = {name: i for i, name in enumerate(self.names.to_pylist())}
        return self._cache["index"]

    def transpose_csr(self) -> sp.csr_array:
        """The adjacency matrix transposed (row = target, column = source), float64 ones.

        This is the layout of a "pull" PageRank sweep: each target sums what its sources
        send, reading the rank vector at the sources' ids.
        """
        if "AT" not in self._cache:
            data = np.ones(self.m, dtype=np.float64)
            self._cache["AT"] = sp.csr_array(
                (data, self.indices, self.indptr), shape=(self.n, self.n)
            )
        return self._cache["AT"]

    def editorial(self) -> LinkGraph:
        """The same nodes, with only the edges that have a link outside comment areas.

        Comment links are written by visitors, not vouched for by the linking site, so they
        carry no trust (``docs/authority.md``, "Trust").
        """
        if "editorial" not in self._cache:
            keep = self.editorial_links > 0
            if keep.all():
                self._cache["editorial"] = self
            else:
                rows = np.repeat(np.arange(self.n), np.diff(self.indptr).astype(np.int64))
                indptr = np.zeros(self.n + 1, dtype=self.indptr.dtype)
                np.cumsum(np.bincount(rows[keep], minlength=self.n), out=indptr[1:])
                self._cache["editorial"] = LinkGraph(
                    level=self.level,
                    names=self.names,
                    indptr=indptr,
                    indices=self.indices[keep],
                    links=self.editorial_links[keep],
                    editorial_links=self.editorial_links[keep],
                    counts=self.counts,
                )
        return self._cache["editorial"]

    def adjacency_csr(self) -> sp.csr_array:
        """The adjacency matrix (row = source, column = target), int8 ones."""
        if "A" not in self._cache:
            data = np.ones(self.m, dtype=np.int8)
            at = sp.csr_array((data, self.indices, self.indptr), shape=(self.n, self.n))
            self._cache["A"] = at.T.tocsr()
        return self._cache["A"]


def build_graph(
    crawl_dirs: Sequence[str | os.PathLike[str]],
    *,
    level: str = "domain",
    include_nofollow: bool = False,
) -> LinkGraph:
    """The domain (or host) graph of the crawls in ``crawl_dirs``, merged into one.

    Parameters
    ----------
    crawl_dirs : sequence of paths
        Crawl directories (or ground-truth exports); their edges are read as one dataset,
        and a link seen in several of them counts once.
    level : {"domain", "host"}
        Nodes are registered domains or hosts.
    include_nofollow : bool
        Also count nofollow (``ugc``, ``sponsored``, robots-nofollow) links as edges.

    Raises
    ------
    graph.store.CrawlDirError
        A path is not a crawl directory.
    crawler.errors.InputFileError
        A file of the crawls cannot be read.
    ValueError
        ``level`` is not one of ``graph.links.LEVELS``.
    """
    links = read_links(crawl_dirs, level=level)
    return graph_from_links(links, include_nofollow=include_nofollow)


def graph_from_links(links: Links, *, include_nofollow: bool = False) -> LinkGraph:
    """The graph whose edges are the followable ``links`` (all links of a following kind
    with ``include_nofollow``); ``counts`` holds every node's ``link_counts`` over all of
    ``links``, followed or not."""
    edge = followable_flags(links.flags, include_nofollow)
    src, dst = links.src[edge], links.dst[edge]
    # One int64 per link carries both counts, so one COO -> CSR pass sums both: the low
    # 32 bits count the edge's links, the high bits those outside comment areas.
    weight = np.full(len(src), (1 << 32) + 1, dtype=np.int64)
    weight[(links.flags[edge] & COMMENT) != 0] = 1
    # COO -> CSR is a counting sort by target; duplicates (several links for one edge) are
    # summed. Faster than sorting 64-bit keys; np.unique is slower still.
    n_all = links.n
    summed = sp.coo_array((weight, (dst, src)), shape=(n_all, n_all)).tocsr()
    del src, dst, weight
    summed.sum_duplicates()
    used = np.diff(summed.indptr) > 0
    used[summed.indices] = True
    kept = np.flatnonzero(used)
    indptr, indices = summed.indptr, summed.indices
    if len(kept) < n_all:  # names that are no edge's end are not nodes
        remap = np.zeros(n_all, dtype=indices.dtype)
        remap[kept] = np.arange(len(kept), dtype=indices.dtype)
        indices = remap[indices]
        indptr = np.concatenate(([0], indptr[kept + 1]))
    if len(indices) < 2**31:
        indptr = indptr.astype(np.int32, copy=False)
    return LinkGraph(
        level=links.level,
        names=links.names.take(pa.array(kept)),
        indptr=indptr,
        indices=indices,
        links=(summed.data & 0xFFFFFFFF).astype(np.int32),
        editorial_links=(summed.data >> 32).astype(np.int32),
        counts=link_counts(links).take(pa.array(kept)),
    )


def graph_from_arrays(
    names: pa.Array | Sequence[str],
    src: np.ndarray | Sequence[int],
    dst: np.ndarray | Sequence[int],
    *,
    comment: np.ndarray | Sequence[bool] | None = None,
    level: str = "domain",
) -> LinkGraph:
    """Build the graph from followable links given as ids into ``names`` (one per link).

    Links with ``src == dst`` are dropped; names that are no link's end are not nodes.
    Node ids are renumbered in name order. ``names`` must be distinct. ``comment`` marks
    links that sit in a comment area (``placement == "comment"``); none when omitted.
    """
    flags = np.full(len(src), FOLLOW_KIND, dtype=np.uint8)
    if comment is not None:
        flags[np.asarray(comment, dtype=bool)] |= COMMENT
    return graph_from_links(Links.from_codes(names, src, dst, flags, level=level))
