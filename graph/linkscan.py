"""Read the links of crawls from their edges files, each link once, over dictionary codes.

``read_links`` turns edge rows (sightings) into links (``graph.links``: a link is its
source URL, target URL, anchor and kind, with the flags of its latest sighting) exactly,
without hashing ten million URLs:

1. The string columns are read as Parquet stores them, dictionary-encoded: each batch (a
   row group) brings small dictionaries and integer codes. Rows inside one node are
   dropped first. Within a batch the four codes of a row identify its link exactly, so
   one sort of packed codes finds the sightings of the same link there (a page that
   links twice to the same URL with the same anchor); the latest is kept.
2. The node names (domains or hosts) get global ids in one hash pass over the batches'
   dictionaries, not over the rows.
3. Only a link whose source page appears in more than one batch can have sightings in
   two batches (the same page fetched in several crawls, or split between batches): a
   64-bit fingerprint of each batch's source URLs (its dictionary) finds those pages.
   For their links, a fingerprint of the source URL and the target node picks the ones
   whose fingerprint also occurs in another batch: equal strings always have equal
   fingerprints, so no duplicate is missed.
4. Those are checked exactly: their strings are read again from their files, grouped by
   one dictionary code per column, and of each group only the latest sighting stays.

On one crawl steps 3 and 4 touch almost nothing; on several crawls of the same web they
read the string columns of the links the crawls share (figures in docs/benchmarks.md).
"""

from __future__ import annotations

import os
from collections import defaultdict, deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from crawler.schema import EDGES_SCHEMA
from graph.duplicates import dense_key, older_duplicates, shared_fingerprints
from graph.links import LATEST, LEVELS, LINK_KEY, Links, flags_from_columns
from graph.store import crawl_files, reading

__all__ = ["read_links", "fingerprints"]

_BATCH_ROWS = 1 << 20
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser (Steele, Lea and Flood, OOPSLA 2014): every input bit
    reaches every output bit, so fingerprints of similar strings differ everywhere."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def fingerprints(strings: pa.Array) -> np.ndarray:
    """A 64-bit fingerprint of each string: its length and its first, middle and last
    eight bytes, mixed. Equal strings have equal fingerprints; most unequal ones differ.

    Vectorised over the Arrow buffers: an unaligned strided view reads eight bytes at any
    offset in one gather, so no string is decoded.
    """
    n = len(strings)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    buffers = strings.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32, count=n + 1, offset=strings.offset * 4)
    data = buffers[2]
    padded = np.zeros((data.size if data is not None else 0) + 16, dtype=np.uint8)
    if data is not None and data.size:
        padded[8 : 8 + data.size] = np.frombuffer(data, dtype=np.uint8)
    words = np.ndarray((len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
    start, end = offsets[:-1].astype(np.int64), offsets[1:].astype(np.int64)
    length = end - start
    first = words[start + 8]
    middle = words[start + 8 + np.maximum(length - 8, 0) // 2]
    last = words[end]
    short = length < 8
    if short.any():
        bits = (length[short] * 8).astype(np.uint64)
        low = (np.uint64(1) << bits) - np.uint64(1)
        first[short] &= low
        middle[short] = first[short]
        shift = np.minimum(np.uint64(64) - bits, np.uint64(63))
        last[short] = np.where(bits == 0, np.uint64(0), last[short] >> shift)
    fp = _mix(length.astype(np.uint64) ^ _mix(first ^ _mix(middle ^ _mix(last))))
    return fp


@dataclass
class _Part:
    """The links one batch contributes (local codes, before global ids)."""

    fragment: str
    offset: int  # rows of the same file before this batch
    rows: np.ndarray  # row of each link's latest sighting within the batch
    src: np.ndarray  # local codes into src_names / dst_names
    dst: np.ndarray
    flags: np.ndarray
    page: np.ndarray  # local code of the link's src_url into the batch's dictionary
    src_names: pa.Array
    dst_names: pa.Array
    page_fp: np.ndarray  # fingerprint of each entry of that dictionary


def _latest(key: np.ndarray, fetched: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Indices of the rows that are the latest sighting of their key (each key once)."""
    order = np.argsort(key)
    ordered = key[order]
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return np.arange(len(key))
    shared = np.zeros(len(key), dtype=bool)
    shared[:-1] = same
    shared[1:] |= same
    rows = order[shared]
    rows = rows[np.lexsort((position[rows], fetched[rows], key[rows]))]
    sorted_keys = key[rows]
    last = np.append(sorted_keys[1:] != sorted_keys[:-1], True)
    return np.concatenate([order[~shared], rows[last]])


def _codes(column: pa.Array) -> np.ndarray:
    return column.indices.to_numpy(zero_copy_only=False)


def _part(batch: pa.RecordBatch, level: str, fragment: str, offset: int) -> _Part:
    column = batch.column
    src, dst = column(f"src_{level}"), column(f"dst_{level}")
    src_codes, dst_codes = _codes(src), _codes(dst)
    # A link inside one node is no link between nodes: drop it before anything else (most
    # of a real crawl's links are internal). At domain level the contract's ``internal``
    # says which; between hosts, each target entry's position among the source entries,
    # looked up in the two small dictionaries, tells.
    if level == "domain":
        internal = column("internal").to_numpy(zero_copy_only=False)
    else:
        as_source = pc.index_in(dst.dictionary, value_set=src.dictionary)
        as_source = pc.fill_null(as_source, -1).to_numpy(zero_copy_only=False)
        internal = as_source[dst_codes] == src_codes
    between = np.flatnonzero(~internal)
    strings = [column(name) for name in LINK_KEY]
    codes = [_codes(c)[between] for c in strings]
    key = dense_key(codes, [len(c.dictionary) for c in strings])
    # A link of a web graph has no sighting time (null): it is its only sighting anyway.
    fetched = pc.fill_null(column("fetched_at").cast(pa.int64()), 0)
    fetched = fetched.to_numpy(zero_copy_only=False)[between]
    position = column("position").to_numpy(zero_copy_only=False)[between]
    latest = _latest(key, fetched, position)
    rows = between[latest].astype(np.int32)
    flags = flags_from_columns(
        *(column(c) for c in ("kind", "nofollow", "ugc", "sponsored", "placement"))
    )
    return _Part(
        fragment,
        offset,
        rows,
        src_codes[rows],
        dst_codes[rows],
        flags[rows],
        codes[0][latest],
        src.dictionary,
        dst.dictionary,
        fingerprints(strings[0].dictionary),
    )


def _encoded(column: pa.Array) -> pa.Array:
    return column if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)


def _combined(batches: list[pa.RecordBatch]) -> pa.RecordBatch:
    """One batch of ``batches``, dictionaries unified (hashing dictionaries, not rows)."""
    return pa.Table.from_batches(batches).unify_dictionaries().combine_chunks().to_batches()[0]


def read_links(crawl_dirs: Sequence[str | os.PathLike[str]], *, level: str = "domain") -> Links:
    """The links between different nodes (domains or hosts) in the crawls, each once. The
    scanner's threads decode the next batches while a thread of their own turns each
    decoded batch into links (numpy's sorts and gathers release the GIL).

    Raises ``ValueError`` for an unknown level and ``graph.store.CrawlDirError`` /
    ``crawler.errors.InputFileError`` for paths that are not crawls or files that cannot
    be read.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown graph level {level!r}; use domain or host")
    dictionary = [f"src_{level}", f"dst_{level}", "placement", *LINK_KEY]
    schema = EDGES_SCHEMA
    for name in dictionary:
        field = pa.field(name, pa.dictionary(pa.int32(), pa.string()))
        schema = schema.set(schema.get_field_index(name), field)
    # A crawl given twice is one crawl: its files are read once.
    files = list(dict.fromkeys(crawl_files(crawl_dirs, "edges")))
    parquet = ds.ParquetFileFormat(
        read_options=ds.ParquetReadOptions(dictionary_columns=dictionary)
    )
    dataset = ds.dataset(files, schema=schema, format=parquet)
    columns = [*dictionary, "nofollow", "ugc", "sponsored", "internal", *LATEST]
    parts: list[_Part] = []
    offsets: dict[str, int] = defaultdict(int)
    pending: deque = deque()
    with reading(files), ThreadPoolExecutor(1) as pool:
        # Little read-ahead: more buys no speed here and holds whole batches in memory.
        scanner = dataset.scanner(
            columns=columns,
            batch_size=_BATCH_ROWS,
            use_threads=True,
            batch_readahead=2,
            fragment_readahead=1,
        )
        # Batches of one file come in order, so a batch's first row in its file is the
        # count of that file's rows before it (what a later exact check reads back). A
        # file's batches are merged up to _BATCH_ROWS rows: small row groups (sorted by
        # target domain, so statistics prune) would spread a page over many parts.
        group: list[pa.RecordBatch] = []
        group_path, group_start, group_rows = "", 0, 0

        def submit() -> None:
            batch = group[0] if len(group) == 1 else _combined(group)
            pending.append(pool.submit(_part, batch, level, group_path, group_start))
            if len(pending) > 4:
                parts.append(pending.popleft().result())
            group.clear()

        for tagged in scanner.scan_batches():
            batch, path = tagged.record_batch, tagged.fragment.path
            if group and (path != group_path or group_rows + batch.num_rows > _BATCH_ROWS):
                submit()
            if batch.num_rows:
                if not group:
                    group_path, group_start, group_rows = path, offsets[path], 0
                arrays = [_encoded(c) if pa.types.is_string(c.type) else c for c in batch.columns]
                group.append(pa.RecordBatch.from_arrays(arrays, names=batch.schema.names))
                group_rows += batch.num_rows
            offsets[path] += batch.num_rows
        if group:
            submit()
        parts.extend(future.result() for future in pending)
    # Return the decoded batches' memory: numpy, which has its own allocator, makes the graph.
    pa.default_memory_pool().release_unused()
    with reading(files):
        return _merge(parts, level)


def _global_names(dictionaries: list[pa.Array]) -> tuple[pa.Array, list[np.ndarray]]:
    """The distinct names of ``dictionaries``, sorted, and for each dictionary the id of
    each of its entries.

    One hash pass over the dictionaries, not over the rows, in two halves on two threads
    (Arrow's kernels release the GIL); the halves' name lists are merged by a second,
    small pass. Ids are in name order, so the same crawl always gives the same ids: the
    names (a million) are sorted, not the links (ten million).
    """

    def encode(chunks: list[pa.Array]) -> pa.ChunkedArray:
        return pc.dictionary_encode(pa.chunked_array(chunks, type=pa.string()))

    half = len(dictionaries) // 2
    with ThreadPoolExecutor(2) as pool:
        halves = list(pool.map(encode, (dictionaries[:half], dictionaries[half:])))
    whole = encode([h.chunk(0).dictionary for h in halves if h.num_chunks])
    names = whole.chunk(0).dictionary if whole.num_chunks else pa.array([], pa.string())
    order = np.asarray(pc.sort_indices(names), dtype=np.int64)
    rank = np.empty(len(names), dtype=np.int32 if len(names) < 2**31 else np.int64)
    rank[order] = np.arange(len(names), dtype=rank.dtype)
    to_global = [rank[c.indices.to_numpy(zero_copy_only=False)] for c in whole.chunks]
    maps = [
        to_global[i][c.indices.to_numpy(zero_copy_only=False)]
        for i, h in enumerate(h for h in halves if h.num_chunks)
        for c in h.chunks
    ]
    return names.take(pa.array(order)), maps


def _merge(parts: list[_Part], level: str) -> Links:
    """Global ids for the parts' links, and each link once over all parts."""
    if not parts:
        return Links.from_codes([], [], [], [], level=level)
    names, maps = _global_names([d for p in parts for d in (p.src_names, p.dst_names)])
    src = np.concatenate([maps[2 * i][p.src] for i, p in enumerate(parts)])
    dst = np.concatenate([maps[2 * i + 1][p.dst] for i, p in enumerate(parts)])
    flags = np.concatenate([p.flags for p in parts])
    starts = np.concatenate(([0], np.cumsum([len(p.rows) for p in parts])))
    for p in parts:  # the concatenations above hold them now
        p.src = p.dst = p.flags = None
    # Only a page seen in more than one part can have a link seen in two: its
    # fingerprint (from its part's dictionary) occurs in both.
    sizes = [len(p.page_fp) for p in parts]
    owner = np.repeat(np.arange(len(parts), dtype=np.int32), sizes)
    spread = shared_fingerprints(np.concatenate([p.page_fp for p in parts]), owner, len(parts))
    del owner
    first = np.concatenate(([0], np.cumsum(sizes)))
    candidates = np.flatnonzero(
        np.concatenate([spread[first[i] : first[i + 1]][p.page] for i, p in enumerate(parts)])
    )
    if len(candidates):
        part_of = np.searchsorted(starts, candidates, side="right") - 1
        within = candidates - starts[part_of]
        # Fingerprint of (source page, target node): equal for every sighting of a link.
        # Candidates are in part order, so each part's are one slice.
        fp = np.empty(len(candidates), dtype=np.uint64)
        bounds = np.searchsorted(part_of, np.arange(len(parts) + 1))
        for p in np.flatnonzero(np.diff(bounds)):
            lo, hi = bounds[p], bounds[p + 1]
            fp[lo:hi] = parts[p].page_fp[parts[p].page[within[lo:hi]]]
        fp = _mix(fp ^ _mix(dst[candidates].astype(np.uint64)))
        shared = shared_fingerprints(fp, part_of, len(parts))
        if shared.any():
            checked = candidates[shared]
            rows = np.concatenate([p.rows for p in parts])[checked]
            older = checked[older_duplicates(parts, part_of[shared], rows)]
            if len(older):
                keep = np.ones(len(src), dtype=bool)
                keep[older] = False
                src, dst, flags = src[keep], dst[keep], flags[keep]
    return Links(level, names, src, dst, flags)
