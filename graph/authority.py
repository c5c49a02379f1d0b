"""The ranked authority table of a crawl: PageRank, 0-100 authority, link counts, trust.

``rank_table`` is what ``linkgraph rank`` prints and writes, and what the demo and the
research commands call. Definitions of every column are in ``docs/authority.md``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crawler.errors import LinkgraphError
from graph.build import LinkGraph, build_graph
from graph.links import LEVELS
from graph.pagerank import PageRankError, pagerank, topic_pagerank, trustrank

__all__ = [
    "RankError",
    "authority_scores",
    "rank_table",
    "read_names",
    "table_from_graph",
    "seed_ids",
    "with_extras",
]

logger = logging.getLogger(__name__)

SORT_COLUMNS = (
    "pagerank",
    "authority",
    "trust",
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


def seed_ids(graph: LinkGraph, names: Sequence[str], what: str) -> np.ndarray:
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


def table_from_graph(
    graph: LinkGraph,
    *,
    alpha: float = 0.85,
    trusted: Sequence[str] | None = None,
    niche: Sequence[str] | None = None,
    tol: float = 1e-6,
    sort_by: str = "pagerank",
) -> pa.Table:
    """The ranked table of an already built graph (see ``rank_table``)."""
    if sort_by not in SORT_COLUMNS:
        raise RankError(f"cannot sort by {sort_by!r}; use one of {', '.join(SORT_COLUMNS)}")
    try:
        pr = pagerank(graph, alpha=alpha, tol=tol)
        columns: dict[str, pa.Array | np.ndarray] = {
            graph.level: graph.names,
            "pagerank": pr,
            "authority": authority_scores(pr),
            # The link figures are graph.links.link_counts, the same numbers as
            # `linkgraph backlinks`; the degrees are the graph's own (PageRank's votes).
            "referring_domains": graph.counts.column("referring_domains"),
            "backlinks": graph.counts.column("backlinks"),
            "outlinking_domains": graph.out_degree(),
            "dofollow": graph.counts.column("dofollow"),
            "graph_in_degree": graph.in_degree(),
        }
        if trusted is not None:
            # Trust passes only through links the linking site placed itself, not through
            # visitors' comments: see graph.build.LinkGraph.editorial.
            columns["trust"] = trustrank(
                graph.editorial(), seed_ids(graph, trusted, "trusted"), alpha=alpha, tol=tol
            )
        if niche is not None:
            columns["niche"] = topic_pagerank(
                graph, seed_ids(graph, niche, "niche"), alpha=alpha, tol=tol
            )
    except PageRankError as exc:
        raise RankError(str(exc)) from None
    if sort_by not in columns:
        raise RankError(f"cannot sort by {sort_by}: it was not computed")
    table = pa.table(columns)
    # Node ids are in name order, so a stable sort breaks ties (equal scores) by name and
    # the order is the same on every run.
    key = np.asarray(columns[sort_by], dtype=np.float64)
    order = np.argsort(-key, kind="stable")
    return table.take(order)


def with_extras(
    table: pa.Table,
    graph: LinkGraph,
    crawl_dirs: Sequence[str | os.PathLike[str]],
    *,
    harmonic: bool = False,
    signals: bool = False,
    include_nofollow: bool = False,
) -> pa.Table:
    """Add ``harmonic`` (and ``harmonic_stderr`` when estimated) and the spam signals."""
    if not (harmonic or signals):
        return table
    order = pc.index_in(table.column(graph.level), value_set=graph.names)
    if harmonic:
        from graph.harmonic import harmonic_centrality

        result = harmonic_centrality(graph)
        table = table.append_column("harmonic", pa.array(result.scores).take(order))
        if not result.exact:
            table = table.append_column("harmonic_stderr", pa.array(result.stderr).take(order))
    if signals:
        from graph.spam import SIGNAL_COLUMNS, spam_signals

        found = spam_signals(crawl_dirs, graph=graph, include_nofollow=include_nofollow)
        for name in SIGNAL_COLUMNS:
            table = table.append_column(name, found.column(name).take(order))
    return table


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
) -> pa.Table:
    """Rank the domains (or hosts) of the crawls by PageRank, with authority and counts.

    Parameters
    ----------
    crawl_dirs : sequence of paths
        Crawl directories, merged into one graph.
    level : {"domain", "host"}
        Rank registered domains or hosts.
    include_nofollow : bool
        Count nofollow links as graph edges too.
    alpha : float
        Damping factor.
    trusted : list of str, optional
        Trusted seed domains: adds a ``trust`` column (TrustRank).
    niche : list of str, or int or str, optional
        A niche's seed domains, or the number or label of a niche found by
        ``graph.communities.find_niches``: adds a ``niche`` column (topic-sensitive
        PageRank).
    tol : float
        L1 accuracy of every score vector.
    sort_by : str
        Column to sort by, descending (``pagerank`` by default; ``trust`` for the most
        trusted first).
    harmonic : bool
        Add ``harmonic`` centrality (``graph.harmonic``; with ``harmonic_stderr`` when the
        graph is too large for the exact value).
    signals : bool
        Add the spam signals of ``graph.spam`` (``reciprocal_share``, ``farm_share``,
        ``sitewide_share``, ``comment_share``, ``nofollow_share``).

    Returns
    -------
    pyarrow.Table
        Columns ``domain`` (or ``host``), ``pagerank``, ``authority`` (0-100),
        ``referring_domains``, ``backlinks`` (``graph.links.link_counts``),
        ``outlinking_domains`` (graph out-degree), ``dofollow`` (followable backlinks),
        ``graph_in_degree`` (domains passing it PageRank), and ``trust`` / ``niche``
        when asked for; at host level the counts are of hosts. Sorted by ``sort_by``
        descending, ties by name.

    Raises
    ------
    graph.store.CrawlDirError
        A path is not a crawl directory.
    RankError
        Unknown level, bad ``alpha``/``tol``, or no seed is in the graph.
    """
    if level not in LEVELS:
        raise RankError(f"unknown level {level!r}; use domain or host")
    graph = build_graph(crawl_dirs, level=level, include_nofollow=include_nofollow)
    if niche is not None and (isinstance(niche, int | str)):
        from graph.communities import niche_domains

        niche = niche_domains(crawl_dirs, niche, graph=graph)
    table = table_from_graph(
        graph, alpha=alpha, trusted=trusted, niche=niche, tol=tol, sort_by=sort_by
    )
    return with_extras(
        table,
        graph,
        crawl_dirs,
        harmonic=harmonic,
        signals=signals,
        include_nofollow=include_nofollow,
    )
