"""What a link is, which links pass authority, and the figures counted from them.

Every number linkgraph prints about a domain's links (``referring_domains``,
``backlinks``, ``dofollow`` ...) is defined here once and computed by one function,
``link_counts``; ``linkgraph rank``, ``linkgraph backlinks``, the report and the demo all
call it. The definitions, in words, are in ``docs/research.md`` ("Definitions").

**A link** is its source URL, target URL, anchor and kind (``LINK_KEY``). The edges
datasets hold one row per *sighting* (each time a page was fetched, each place on the page
the link appears), so a link seen twice on one page, or in several crawls of the same web,
is still one link. Its flags and placement (``CARRIED``) are those of its latest sighting
(``LATEST``: the latest fetch, and on that page the last in document order).
A link of a web graph (kind ``graph``, ``docs/archives.md``) is known only as a pair of
nodes: its URL columns hold the node names, so the same key makes it one link per pair.

**A followable link** is one of the kinds that pass authority (``FOLLOW_KINDS``) and not
nofollow. The rule is written once, as data; ``followable_sql``, ``follow_kind_expression``
and ``followable_flags`` generate its SQL, pyarrow and numpy forms.

``Links`` holds the links of some crawls as integer arrays (one entry per link between two
different nodes); ``graph.linkscan.read_links`` makes it from the Parquet files over
dictionary codes, and ``Links.from_rows`` from a table with one row per link (the research
queries' SQL builds those).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crawler.schema import PLACEMENTS

__all__ = [
    "LINK_KEY",
    "LATEST",
    "CARRIED",
    "FOLLOW_KINDS",
    "LEVELS",
    "FOLLOW_KIND",
    "NOFOLLOW",
    "UGC",
    "SPONSORED",
    "COMMENT",
    "Links",
    "followable_sql",
    "follow_kind_expression",
    "followable_flags",
    "flags_from_columns",
    "placements_of",
    "link_counts",
]

#: The columns that identify a link: two sightings with equal values are one link.
LINK_KEY = ("src_url", "dst_url", "anchor", "kind")
#: The order of sightings: the latest sighting has the greatest (fetched_at, position).
LATEST = ("fetched_at", "position")
#: The columns a link takes from its latest sighting.
CARRIED = ("rel", "nofollow", "ugc", "sponsored", "placement")
#: Link kinds that pass authority: anchors, image-map areas, redirects, and links known
#: from a web graph as a pair of nodes (``graph``: Common Crawl's graphs say nothing of
#: nofollow, so such a link counts as followed, as it does in Common Crawl's own ranks).
FOLLOW_KINDS = ("a", "area", "redirect", "graph")
#: Graph levels: registered domains or hosts.
LEVELS = ("domain", "host")

# Bits of ``Links.flags``, one byte per link.
FOLLOW_KIND = 1  # kind is one of FOLLOW_KINDS
NOFOLLOW = 2
UGC = 4
SPONSORED = 8
COMMENT = 16  # placement is "comment"
#: Bits 5-7 hold the placement: its index in ``crawler.schema.PLACEMENTS`` (7: another).
PLACEMENT_SHIFT = 5


def followable_sql(prefix: str = "") -> str:
    """The followable rule as a SQL condition on edge columns (``prefix`` e.g. ``"l."``).

    >>> followable_sql()
    "(kind IN ('a', 'area', 'redirect', 'graph') AND NOT nofollow)"
    """
    kinds = ", ".join(f"'{kind}'" for kind in FOLLOW_KINDS)
    return f"({prefix}kind IN ({kinds}) AND NOT {prefix}nofollow)"


def follow_kind_expression() -> pc.Expression:
    """Rows whose kind passes authority, as a pyarrow filter (nofollow aside)."""
    return pc.field("kind").isin(list(FOLLOW_KINDS))


def followable_flags(flags: np.ndarray, include_nofollow: bool = False) -> np.ndarray:
    """The followable rule on ``Links.flags``: a mask of the links that pass authority.

    With ``include_nofollow``, nofollow links of a following kind count too (the
    ``--include-nofollow`` graph).
    """
    follows = (flags & FOLLOW_KIND) != 0
    if include_nofollow:
        return follows
    return follows & ((flags & NOFOLLOW) == 0)


def flags_from_columns(
    kind: pa.Array,
    nofollow: pa.Array,
    ugc: pa.Array,
    sponsored: pa.Array,
    placement: pa.Array,
) -> np.ndarray:
    """``Links.flags`` of link rows from their columns (plain or dictionary-encoded)."""

    def by_entry(column: pa.Array, value) -> np.ndarray:
        # The flag bits of the few dictionary entries, then a lookup per row: no string
        # is compared per row.
        column = column if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)
        table = np.array([value(v) for v in column.dictionary.to_pylist()], dtype=np.uint8)
        if not len(table):
            return np.zeros(len(column), dtype=np.uint8)
        return table[column.indices.to_numpy(zero_copy_only=False)]

    def placed(value: str) -> int:
        code = PLACEMENTS.index(value) if value in PLACEMENTS else 7
        return (COMMENT if value == "comment" else 0) | code << PLACEMENT_SHIFT

    flags = by_entry(kind, lambda value: FOLLOW_KIND if value in FOLLOW_KINDS else 0)
    flags |= by_entry(placement, placed)
    for bit, column in ((NOFOLLOW, nofollow), (UGC, ugc), (SPONSORED, sponsored)):
        values = column.to_numpy(zero_copy_only=False).view(np.uint8)
        flags |= values << np.uint8(bit.bit_length() - 1)
    return flags


def placements_of(flags: np.ndarray) -> np.ndarray:
    """The placement of each link (``Links.flags``) as a string array."""
    names = np.array([*PLACEMENTS, "other", "other"], dtype=object)
    return names[(flags >> np.uint8(PLACEMENT_SHIFT)) & np.uint8(7)]


@dataclass(frozen=True, eq=False)
class Links:
    """Links between different nodes (domains or hosts), one entry per link.

    Attributes
    ----------
    level : str
        ``"domain"`` or ``"host"``: what ``names`` are, and which links are left out (a
        link inside one node is no link between nodes).
    names : pyarrow.StringArray
        Node id -> name, sorted and distinct (a name may be no link's end: it then has
        no links).
    src, dst : numpy.ndarray of int32 (int64 from 2**31 names)
        Source and target node of each link.
    flags : numpy.ndarray of uint8
        Bits ``FOLLOW_KIND``, ``NOFOLLOW``, ``UGC``, ``SPONSORED``, ``COMMENT`` and the
        placement (bits 5-7, ``placements_of``) of each link's latest sighting.
    """

    level: str
    names: pa.Array
    src: np.ndarray
    dst: np.ndarray
    flags: np.ndarray

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.names)

    def __len__(self) -> int:
        return len(self.src)

    @classmethod
    def from_codes(
        cls,
        names: pa.Array | Sequence[str],
        src: np.ndarray | Sequence[int],
        dst: np.ndarray | Sequence[int],
        flags: np.ndarray | Sequence[int],
        *,
        level: str = "domain",
    ) -> Links:
        """Links given as ids into ``names`` (distinct, any order), one entry per link.

        Links from a node to itself are dropped, names no link ends at are left out, and
        the rest are renumbered in name order, so the same links always get the same ids.
        """
        if level not in LEVELS:
            raise ValueError(f"unknown graph level {level!r}; use domain or host")
        names = pa.array(names, pa.string()) if not isinstance(names, pa.Array) else names
        index_type = np.int32 if len(names) < 2**31 else np.int64
        src = np.asarray(src, dtype=index_type)
        dst = np.asarray(dst, dtype=index_type)
        flags = np.asarray(flags, dtype=np.uint8)
        keep = src != dst
        if not keep.all():
            src, dst, flags = src[keep], dst[keep], flags[keep]
        used = np.zeros(len(names), dtype=bool)
        used[src] = True
        used[dst] = True
        kept = np.flatnonzero(used)
        kept_names = names.take(pa.array(kept))
        order = np.asarray(pc.sort_indices(kept_names), dtype=np.int64)
        remap = np.full(len(names), -1, dtype=index_type)
        remap[kept[order]] = np.arange(len(kept), dtype=index_type)
        return cls(level, kept_names.take(pa.array(order)), remap[src], remap[dst], flags)

    @classmethod
    def from_rows(cls, rows: pa.Table, *, level: str = "domain") -> Links:
        """Links from a table with one row per link (``src_LEVEL``, ``dst_LEVEL`` and the
        ``kind``, ``nofollow``, ``ugc``, ``sponsored``, ``placement`` of its latest sighting).
        """
        if rows.num_rows == 0:
            return cls.from_codes([], [], [], [], level=level)
        src_names = rows.column(f"src_{level}").combine_chunks()
        dst_names = rows.column(f"dst_{level}").combine_chunks()
        encoded = pc.dictionary_encode(pa.chunked_array([src_names, dst_names], pa.string()))
        src, dst = (chunk.indices.to_numpy(zero_copy_only=False) for chunk in encoded.chunks)
        names = encoded.chunk(0).dictionary
        flags = flags_from_columns(*(rows.column(c).combine_chunks() for c in CARRIED_FLAG_COLUMNS))
        return cls.from_codes(names, src, dst, flags, level=level)

    def referring(self) -> np.ndarray:
        """Per node, the distinct nodes with at least one link to it.

        One ``np.sort`` of the links as 64-bit keys ``target * n + source``: a new pair
        starts wherever neighbours differ, and its target is counted once.
        """
        n = self.n
        if not len(self):
            return np.zeros(n, dtype=np.int64)
        if n >= 2**31:  # target * n + source would not fit in 64 bits
            pairs = np.unique(np.stack([self.dst, self.src]), axis=1)[0]
            return np.bincount(pairs, minlength=n)
        keys = self.dst.astype(np.int64)
        keys *= n
        keys += self.src
        keys.sort()
        first = np.empty(len(keys), dtype=bool)
        first[0] = True
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        keys = keys[first]
        keys //= n
        return np.bincount(keys, minlength=n)


#: The columns ``flags_from_columns`` takes, in order.
CARRIED_FLAG_COLUMNS = ("kind", "nofollow", "ugc", "sponsored", "placement")


def link_counts(links: Links) -> pa.Table:
    """The link figures of every node of ``links``: the one definition of each number.

    Returns a table with the node (``domain`` or ``host``) and, each counting links as
    defined above (a link is counted once, however often it was seen):

    * ``referring_domains``: distinct nodes (at host level: hosts) with a link to it;
    * ``backlinks``: links to it from other nodes, any kind, followed or not;
    * ``dofollow``: of those, the followable ones (``FOLLOW_KINDS``, not nofollow);
    * ``nofollow``, ``ugc``, ``sponsored``: of those, the ones whose latest sighting has
      that flag (``nofollow`` includes ``ugc`` and ``sponsored`` and robots-nofollow).

    Rows are the nodes in name order, zeros where a node has no backlinks.
    """
    n, flags = links.n, links.flags

    def per_target(mask: np.ndarray) -> np.ndarray:
        # Masks select few links (nofollow ones), so count those, not all.
        return np.bincount(links.dst[mask], minlength=n).astype(np.int64)

    backlinks = np.bincount(links.dst, minlength=n).astype(np.int64)
    return pa.table(
        {
            links.level: links.names,
            "referring_domains": links.referring().astype(np.int64),
            "backlinks": backlinks,
            "dofollow": backlinks - per_target(~followable_flags(flags)),
            "nofollow": per_target((flags & NOFOLLOW) != 0),
            "ugc": per_target((flags & UGC) != 0),
            "sponsored": per_target((flags & SPONSORED) != 0),
        }
    )
