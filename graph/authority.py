"""Authority: the 0-100 score from PageRank, the seeds users give, and the ranked table.

``authority_scores`` maps PageRank to the 0-100 authority scale; ``read_names`` and
``seed_ids`` turn the domains users type (trusted sites, a niche) into graph nodes;
``rank_table`` is ``graph.rank(...).table()`` in one call (``graph.ranking`` holds the
ranking itself). Definitions of every column are in ``docs/authority.md``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from crawler.errors import LinkgraphError

if TYPE_CHECKING:
    import pyarrow as pa

    from graph.engines.base import RankGraph

__all__ = [
    "SORT_COLUMNS",
    "RankError",
    "authority_scores",
    "rank_table",
    "read_names",
    "seed_ids",
]

logger = logging.getLogger(__name__)

SORT_COLUMNS = (
    "pagerank",
    "authority",
    "trust",
    "spam_mass",
    "niche",
    "referring_domains",
    "backlinks",
    "dofollow",
)


class RankError(LinkgraphError):
    """Bad input to a ranking (unknown level, seeds not in the graph); one-line message."""


def authority_scores(scores: np.ndarray) -> np.ndarray:
    """Map PageRank to a 0-100 authority score, log-scaled over the observed range.

    ``authority = 100 * (log pr - log min) / (log max - log min)``: the lowest-ranked node
    gets 0, the highest 100, and a node ten times another's PageRank sits a fixed distance
    above it, in the spirit of Ahrefs' Domain Rating and Moz's Domain Authority (both log
    scales over the whole index). The map is strictly increasing, so the order of
    authority is the order of PageRank. When every node has the same PageRank (a cycle),
    all get 100. Zero scores (possible under a teleport to seeds) get 0.
    """
    scores = np.asarray(scores, dtype=np.float64)
    result = np.zeros(scores.shape)
    positive = scores > 0
    if not positive.any():
        return result
    logs = np.log(scores[positive])
    low, high = float(logs.min()), float(logs.max())
    if high - low <= 0.0:
        result[positive] = 100.0
    else:
        result[positive] = 100.0 * (logs - low) / (high - low)
    return result


def read_names(value: str, level: str = "domain") -> list[str]:
    """Domains (or hosts) from a file (one a line, ``#`` comments) or a comma-separated list.

    Entries may be URLs or hosts; at domain level each becomes its registered domain
    (``https://www.bbc.co.uk/news`` -> ``bbc.co.uk``), as the graph's nodes are.
    """
    from crawler.urls import host_of, normalize_url, registered_domain

    path = Path(value)
    if path.is_file():
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise RankError(f"{value}: cannot read ({exc.__class__.__name__})") from None
        entries = [line.split("#", 1)[0].strip() for line in lines]
    else:
        entries = [part.strip() for part in value.split(",")]
    names = []
    for entry in entries:
        if not entry:
            continue
        url = normalize_url(entry if "://" in entry else f"http://{entry}")
        host = host_of(url) if url else entry.lower()
        names.append(registered_domain(host) if level == "domain" else host)
    if not names:
        raise RankError(f"no domains in {value!r}")
    return list(dict.fromkeys(names))


def seed_ids(graph: RankGraph, names: Sequence[str], what: str) -> np.ndarray:
    """Node ids of the seed ``names`` (domains or hosts); unknown ones are logged, skipped.

    Raises ``RankError`` when none of them is a node of the graph.
    """
    names = [x.strip().lower() for x in names if x and x.strip()]
    if not names:
        raise RankError(f"no {what} {graph.level} given")
    ids, missing = graph.ids(names)
    if ids.size == 0:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise RankError(f"none of the {what} {graph.level}s is in the link graph: {shown}")
    if missing:
        logger.warning(
            "%d %s %s(s) not in the link graph, ignored: %s",
            len(missing),
            what,
            graph.level,
            ", ".join(missing[:10]),
        )
    return ids


def rank_table(
    crawl_dirs: Sequence[str | os.PathLike[str]],
    *,
    level: str = "domain",
    include_nofollow: bool = False,
    alpha: float = 0.85,
    trusted: Sequence[str] | None = None,
    niche: Sequence[str] | str | int | None = None,
    tol: float = 1e-6,
    sort_by: str = "pagerank",
    harmonic: bool = False,
    signals: bool = False,
    engine: str = "local",
) -> pa.Table:
    """The ranked table of the crawls: ``graph.rank(...).table(...)`` in one call.

    The parameters are those of ``graph.ranking.rank`` and ``graph.ranking.Ranking.table``;
    the columns are described there and in ``docs/authority.md`` ("The rank table").

    Raises
    ------
    RankError
        Unknown level or sort column, bad ``alpha``/``tol``, or no seed is in the graph.
    crawler.errors.LinkgraphError
        A path is not a crawl, or one of its files cannot be read.
    """
    from graph.ranking import rank

    if sort_by not in SORT_COLUMNS:
        raise RankError(f"cannot sort by {sort_by!r}; use one of {', '.join(SORT_COLUMNS)}")
    ranking = rank(
        crawl_dirs,
        level=level,
        include_nofollow=include_nofollow,
        alpha=alpha,
        tol=tol,
        trusted=trusted,
        niche=niche,
        engine=engine,
    )
    try:
        return ranking.table(sort_by=sort_by, harmonic=harmonic, signals=signals)
    finally:
        ranking.close()
