"""The exact check behind ``graph.linkscan``: which links seen in several batches are older
sightings of the same link.

``graph.linkscan`` finds, by 64-bit fingerprints, the few links that may have been seen in
more than one batch (``shared_fingerprints``); ``older_duplicates`` reads their key strings
again from their files and compares them exactly, so a fingerprint collision never merges
two different links.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from graph.links import LATEST, LINK_KEY

__all__ = ["dense_key", "shared_fingerprints", "older_duplicates"]


def dense_key(codes: Sequence[np.ndarray], sizes: Sequence[int]) -> np.ndarray:
    """One int64 per row, equal exactly when all ``codes`` are equal (mixed radix)."""
    key = codes[0].astype(np.int64)
    span = max(sizes[0], 1)
    for code, size in zip(codes[1:], sizes[1:], strict=True):
        if span * max(size, 1) >= 2**62:
            _, key = np.unique(key, return_inverse=True)
            span = int(key.max()) + 1 if len(key) else 1
        key = key * max(size, 1) + code
        span *= max(size, 1)
    return key


def shared_fingerprints(fp: np.ndarray, part: np.ndarray, parts: int) -> np.ndarray:
    """Mask of the links whose fingerprint occurs in more than one part.

    One sort of the fingerprints with the part number packed into their low bits; a run of
    equal fingerprints whose first and last part differ spans parts.
    """
    bits = max(1, int(parts - 1).bit_length())
    low = np.uint64((1 << bits) - 1)
    packed = (fp & ~low) | part.astype(np.uint64)
    order = np.argsort(packed)
    packed = packed[order]
    head = packed >> np.uint64(bits)
    starts = np.flatnonzero(np.concatenate(([True], head[1:] != head[:-1])))
    ends = np.append(starts[1:], len(packed)) - 1
    spans = (packed[starts] & low) != (packed[ends] & low)
    result = np.zeros(len(fp), dtype=bool)
    result[order] = np.repeat(spans, ends - starts + 1)
    return result


def _read_rows(path: str, rows: np.ndarray, columns: list[str]) -> pa.Table:
    """Rows ``rows`` (file row numbers) of a Parquet file, reading only their row groups."""
    source = pq.ParquetFile(path)
    sizes = [source.metadata.row_group(i).num_rows for i in range(source.num_row_groups)]
    bounds = np.concatenate(([0], np.cumsum(sizes)))
    groups = np.unique(np.searchsorted(bounds, rows, side="right") - 1)
    before = np.concatenate(([0], np.cumsum(np.diff(bounds)[groups])))
    # Row r of group g sits at before[k] + r - bounds[g] in the groups read (g = groups[k]).
    k = np.searchsorted(groups, np.searchsorted(bounds, rows, side="right") - 1)
    table = source.read_row_groups(groups.tolist(), columns=columns)
    return table.take(pa.array(before[k] + rows - bounds[groups[k]]))


def older_duplicates(parts: Sequence, part_of: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Of the links given (by part and row), those that are an older sighting of another.

    ``parts`` are ``graph.linkscan``'s batches (``fragment``: their file; ``offset``: the
    file's rows before them). Reads their key strings and sighting time again from their files and groups them by
    their exact strings (one dictionary per column, then one integer key); of each group
    only the latest sighting stays. Vectorised: on several crawls of the same web these
    are most links.
    """
    wanted = [*LINK_KEY, *LATEST]
    files = sorted({p.fragment for p in parts})
    file_of_part = np.array([files.index(p.fragment) for p in parts])
    offset_of_part = np.array([p.offset for p in parts], dtype=np.int64)
    file_of = file_of_part[part_of]
    # Read file by file; ``by_file`` orders the links as they are read.
    by_file = np.argsort(file_of, kind="stable")
    file_rows = offset_of_part[part_of] + rows
    bounds = np.searchsorted(file_of[by_file], np.arange(len(files) + 1))
    pieces = [
        _read_rows(files[f], file_rows[by_file[bounds[f] : bounds[f + 1]]], wanted)
        for f in range(len(files))
        if bounds[f + 1] > bounds[f]
    ]
    table = pa.concat_tables(pieces).combine_chunks()
    # Exact: the four key strings as codes of one dictionary each, then one integer key.
    codes = [pc.dictionary_encode(table.column(name).chunk(0)) for name in LINK_KEY]
    key = dense_key([c.indices.to_numpy() for c in codes], [len(c.dictionary) for c in codes])
    del codes
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    run = np.cumsum(np.concatenate(([0], sorted_key[1:] != sorted_key[:-1])))
    fetched = pc.fill_null(table.column("fetched_at").cast(pa.int64()), 0)
    fetched = fetched.to_numpy(zero_copy_only=False)[order]
    position = table.column("position").to_numpy(zero_copy_only=False)[order]
    last = np.lexsort((position, fetched, run))
    sorted_run = run[last]
    latest = np.append(sorted_run[1:] != sorted_run[:-1], True)
    # Positions in ``table`` are in ``by_file`` order: back to the order given.
    return np.sort(by_file[order[last[~latest]]])
