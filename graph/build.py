"""Build the domain graph (or host graph) of one or more crawls as integer ids and CSR.

The definitions are in ``docs/authority.md``: nodes are the registered domains (or hosts)
at either end of at least one graph edge; an edge A -> B (A != B) exists when at least one
followable link row (``nofollow`` false, ``kind`` ``a``, ``area`` or ``redirect``) goes
from a page of A to a URL of B. The graph is unweighted, because a referring domain is one
vote whatever the number of its links: that is what makes sitewide footer links and comment
spam cheap.

Only the needed columns are read, in streamed batches (``pyarrow.dataset``); names become
integer ids through the Parquet dictionaries, merged in one hash pass (C++, no Python per
row); filters test dictionary entries and mask integer codes; distinct edges come from a
counting sort (scipy's COO -> CSR). networkx is never used here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import scipy.sparse as sp

from crawler.schema import EDGES_SCHEMA
from graph.store import crawl_files

__all__ = [
    "FOLLOW_KINDS",
    "LEVELS",
    "LinkGraph",
    "build_graph",
    "graph_from_dataset",
    "graph_from_arrays",
]

#: Link kinds that pass authority: anchors, image-map areas and redirects.
FOLLOW_KINDS = ("a", "area", "redirect")

#: Graph levels: registered domains or hosts.
LEVELS = ("domain", "host")

_BATCH_ROWS = 1 << 20


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
        Link rows behind each edge (at least 1), aligned with ``indices``.
    editorial_links : numpy.ndarray of int32
        Of those, the rows outside comment areas: links the linking site placed itself,
        rather than a visitor. Trust flows only through edges where this is positive.
    """

    level: str
    names: pa.Array
    indptr: np.ndarray
    indices: np.ndarray
    links: np.ndarray
    editorial_links: np.ndarray
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

    @property
    def backlinks(self) -> np.ndarray:
        """Per node, the link rows that make its in-edges (rows from other nodes)."""
        if "backlinks" not in self._cache:
            sums = np.zeros(self.n, dtype=np.int64)
            rows = np.diff(self.indptr) > 0
            if self.m:
                sums[rows] = np.add.reduceat(self.links.astype(np.int64), self.indptr[:-1][rows])
            self._cache["backlinks"] = sums
        return self._cache["backlinks"]

    def in_degree(self) -> np.ndarray:
        """Referring nodes per node (distinct sources of its in-edges)."""
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

    def index(self, name: str) -> int:
        """The id of the node called ``name``; ``KeyError`` when it is not a node."""
        lookup = self._name_index()
        if name not in lookup:
            raise KeyError(name)
        return lookup[name]

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
        Crawl directories (or ground-truth exports); their edges are read as one dataset.
    level : {"domain", "host"}
        Nodes are registered domains or hosts.
    include_nofollow : bool
        Also count nofollow (``ugc``, ``sponsored``, robots-nofollow) links as edges.

    Raises
    ------
    graph.store.CrawlDirError
        A path is not a crawl directory.
    ValueError
        ``level`` is not one of ``LEVELS``.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown graph level {level!r}; use domain or host")
    # Read the string columns as Parquet stores them, dictionary-encoded: each row group
    # then brings its own small dictionary and integer codes, so only the dictionaries need
    # hashing, not every row, and filters test a handful of dictionary entries.
    schema = EDGES_SCHEMA
    dictionary_columns = [f"src_{level}", f"dst_{level}", "kind", "placement"]
    for name in dictionary_columns:
        schema = schema.set(
            schema.get_field_index(name), pa.field(name, pa.dictionary(pa.int32(), pa.string()))
        )
    files = crawl_files(crawl_dirs, "edges")
    parquet = ds.ParquetFileFormat(
        read_options=ds.ParquetReadOptions(dictionary_columns=dictionary_columns)
    )
    dataset = ds.dataset(files, schema=schema, format=parquet)
    return graph_from_dataset(dataset, level=level, include_nofollow=include_nofollow)


def graph_from_dataset(
    dataset: ds.Dataset, *, level: str = "domain", include_nofollow: bool = False
) -> LinkGraph:
    """Build the graph from an edges dataset (columns of ``crawler.schema.EDGES_SCHEMA``).

    The name columns may be plain strings or dictionary-encoded.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown graph level {level!r}; use domain or host")
    # No filter pushed into the scan: evaluating it there costs more than reading the two
    # low-cardinality columns and masking integer codes here (docs/benchmarks.md).
    scanner = dataset.scanner(
        columns=[f"src_{level}", f"dst_{level}", "kind", "placement", "nofollow"],
        batch_size=_BATCH_ROWS,
        use_threads=True,
    )
    follow_kinds = pa.array(FOLLOW_KINDS)
    dictionaries: list[pa.Array] = []
    codes: list[np.ndarray] = []
    in_comments: list[np.ndarray] = []
    for batch in scanner.to_batches():
        if batch.num_rows == 0:
            continue
        src, dst, kind, placement = (_encoded(c) for c in batch.columns[:4])
        nofollow = batch.column(4)
        keep = pc.is_in(kind.dictionary, value_set=follow_kinds).to_numpy(zero_copy_only=False)[
            kind.indices.to_numpy()
        ]
        if not include_nofollow:
            keep &= ~nofollow.to_numpy(zero_copy_only=False)
        comment = pc.equal(placement.dictionary, "comment").to_numpy(zero_copy_only=False)
        in_comments.append(comment[placement.indices.to_numpy()[keep]])
        for column in (src, dst):
            dictionaries.append(column.dictionary)
            codes.append(column.indices.to_numpy()[keep])
    if not codes:
        return graph_from_arrays(pa.array([], pa.string()), [], [], level=level)
    # One hash pass over all the dictionaries (not over every row): the chunks of the
    # result share one dictionary, and chunk i maps the codes of dictionary i to it.
    encoded = pc.dictionary_encode(pa.chunked_array(dictionaries, type=pa.string()))
    del dictionaries
    maps = [chunk.indices.to_numpy() for chunk in encoded.chunks]
    src = np.concatenate([m[c] for m, c in zip(maps[0::2], codes[0::2], strict=True)])
    dst = np.concatenate([m[c] for m, c in zip(maps[1::2], codes[1::2], strict=True)])
    names = encoded.chunk(0).dictionary
    del codes, maps
    comment = np.concatenate(in_comments)
    return graph_from_arrays(names, src, dst, comment=comment, level=level)


def _encoded(column: pa.Array) -> pa.DictionaryArray:
    """``column`` dictionary-encoded (it usually is already, read so from Parquet)."""
    if pa.types.is_dictionary(column.type):
        return column
    return pc.dictionary_encode(column)


def graph_from_arrays(
    names: pa.Array | Sequence[str],
    src: np.ndarray | Sequence[int],
    dst: np.ndarray | Sequence[int],
    *,
    comment: np.ndarray | Sequence[bool] | None = None,
    level: str = "domain",
) -> LinkGraph:
    """Build the graph from link rows given as ids into ``names`` (one entry per row).

    Rows with ``src == dst`` are dropped; names that are no edge's end are not nodes. Node
    ids are renumbered in name order. ``names`` must be distinct. ``comment`` marks rows
    whose link sits in a comment area (``placement == "comment"``); none when omitted.
    """
    names = pa.array(names, pa.string()) if not isinstance(names, pa.Array) else names
    index_type = np.int32 if len(names) < 2**31 else np.int64
    src = np.asarray(src, dtype=index_type)
    dst = np.asarray(dst, dtype=index_type)
    # One int64 per row carries both counts, so one COO -> CSR pass sums both: the low
    # 32 bits count link rows, the high bits those outside comment areas.
    weight = np.full(len(src), (1 << 32) + 1, dtype=np.int64)
    if comment is not None:
        weight[np.asarray(comment, dtype=bool)] = 1
    loops = src == dst
    if loops.any():
        src, dst, weight = src[~loops], dst[~loops], weight[~loops]
    used = np.zeros(len(names), dtype=bool)
    used[src] = True
    used[dst] = True
    kept = np.flatnonzero(used)
    kept_names = names.take(pa.array(kept))
    # Renumber in name order so ids do not depend on the order rows were read in.
    order = np.asarray(pc.sort_indices(kept_names), dtype=np.int64)
    remap = np.full(len(names), -1, dtype=index_type)
    remap[kept[order]] = np.arange(len(kept), dtype=index_type)
    node_names = kept_names.take(pa.array(order))
    n = len(kept)
    # COO -> CSR is a counting sort by target; duplicates (several link rows for one
    # edge) are summed, which gives each edge's link count. Faster than sorting 64-bit
    # keys, and ``np.unique`` is slower still (../shared/MEASURED.md).
    counts = sp.coo_array((weight, (remap[dst], remap[src])), shape=(n, n)).tocsr()
    counts.sum_duplicates()
    indptr = counts.indptr
    if len(counts.indices) < 2**31:
        indptr = indptr.astype(np.int32, copy=False)
    return LinkGraph(
        level=level,
        names=node_names,
        indptr=indptr,
        indices=counts.indices.astype(index_type, copy=False),
        links=(counts.data & 0xFFFFFFFF).astype(np.int32),
        editorial_links=(counts.data >> 32).astype(np.int32),
    )
