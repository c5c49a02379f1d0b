"""One ranking API: ``graph.rank(crawl_dirs, ...) -> Ranking``, whatever engine computes it.

Every command that needs authority (``rank``, ``niches``, ``export``, the research commands
that join authority, the report, the demo) goes through ``rank``: it builds the link graph
of the crawls on the chosen engine (``graph.engines``), solves PageRank, and on request
TrustRank from trusted domains and topic-sensitive PageRank for a niche. The ``Ranking`` it
returns holds the graph and the score vectors, in node-id order, and gives the ranked table
(``Ranking.table``), whose columns are the contract every engine meets
(``docs/authority.md``, "The rank table").

Examples
--------
>>> from graph import rank                                    # doctest: +SKIP
>>> ranking = rank(["data/crawls/first"], trusted=["thedailyledger.com"])  # doctest: +SKIP
>>> ranking.table().slice(0, 3).to_pylist()                   # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from graph.authority import SORT_COLUMNS, RankError, authority_scores, seed_ids
from graph.engines import Engine, RankGraph, get_engine
from graph.links import LEVELS
from graph.pagerank import PageRankError

__all__ = ["Ranking", "rank", "ranking_of_graph"]


@dataclass(eq=False)
class Ranking:
    """The scores of one link graph, computed by one engine.

    Attributes
    ----------
    graph : graph.engines.RankGraph
        The graph (for the local engine a ``graph.build.LinkGraph``).
    engine : graph.engines.Engine
    crawl_dirs : list of Path
        The crawls it was built from (empty when built from a graph given directly).
    alpha, tol : float
        Damping factor and L1 accuracy of every score vector.
    include_nofollow : bool
        Whether nofollow links were edges too.
    pagerank : numpy.ndarray
        PageRank per node id.
    trust : numpy.ndarray
        TrustRank (over editorial links) from the trusted core: the ``trusted`` domains
        when given, else the automatic core (``graph.spam.auto_core``).
    niche : numpy.ndarray or None
        Topic-sensitive PageRank of ``niche_domains``, when asked for.
    trusted, niche_domains : list of str or None
        The seeds given (as given; those that are not nodes are ignored, with a warning);
        ``trusted`` is None when the core was chosen automatically.
    core : list of str
        The trusted core's domains (or hosts) that ``trust`` and ``spam_mass`` start from.
    """

    graph: RankGraph
    engine: Engine
    crawl_dirs: list[Path]
    alpha: float
    tol: float
    include_nofollow: bool
    pagerank: np.ndarray
    trust: np.ndarray | None = None
    niche: np.ndarray | None = None
    trusted: list[str] | None = None
    niche_domains: list[str] | None = None
    core: list[str] = field(default_factory=list)
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def level(self) -> str:
        """``"domain"`` or ``"host"``."""
        return self.graph.level

    @property
    def names(self) -> pa.Array:
        """Node id -> name."""
        return self.graph.names

    @property
    def authority(self) -> np.ndarray:
        """The 0-100 authority of every node (``graph.authority.authority_scores``)."""
        if "authority" not in self._cache:
            self._cache["authority"] = authority_scores(self.pagerank)
        return self._cache["authority"]

    @property
    def trust_score(self) -> np.ndarray:
        """Trust on authority's 0-100 log scale (``graph.authority.authority_scores``)."""
        if "trust_score" not in self._cache:
            self._cache["trust_score"] = authority_scores(self.trust)
        return self._cache["trust_score"]

    @property
    def spam_mass(self) -> np.ndarray:
        """Relative spam mass per node (``graph.spam.spam_mass``)."""
        if "spam_mass" not in self._cache:
            from graph.spam import spam_mass

            self._cache["spam_mass"] = spam_mass(self.pagerank, self.trust)
        return self._cache["spam_mass"]

    def spam(self, signals: pa.Table | None = None) -> np.ndarray:
        """The ``spam`` flag per node (``graph.spam.spam_flag``), with the signals if given."""
        from graph.spam import spam_flag

        if signals is not None:
            return spam_flag(self.spam_mass, self.pagerank, signals)
        if "spam" not in self._cache:
            self._cache["spam"] = spam_flag(self.spam_mass, self.pagerank)
        return self._cache["spam"]

    def id_of(self, name: str) -> int | None:
        """The node id of ``name`` (a domain or host as the graph names it), or None."""
        ids, _ = self.graph.ids([name])
        return int(ids[0]) if ids.size else None

    def columns(self) -> dict[str, pa.Array | np.ndarray]:
        """The rank table's columns in node-id order (``table`` sorts them)."""
        graph = self.graph
        columns: dict[str, pa.Array | np.ndarray] = {
            graph.level: graph.names,
            "pagerank": self.pagerank,
            "authority": self.authority,
            "trust": self.trust_score,
            "spam_mass": self.spam_mass,
            "spam": self.spam(),
            # The link figures are graph.links.link_counts, the same numbers as
            # `linkgraph backlinks`; the degrees are the graph's own (PageRank's votes).
            "referring_domains": graph.counts.column("referring_domains"),
            "backlinks": graph.counts.column("backlinks"),
            "outlinking_domains": graph.out_degree(),
            "dofollow": graph.counts.column("dofollow"),
            "graph_in_degree": graph.in_degree(),
        }
        columns["trustrank"] = self.trust
        if self.niche is not None:
            columns["niche"] = self.niche
        return columns

    def table(
        self, *, sort_by: str = "pagerank", harmonic: bool = False, signals: bool = False
    ) -> pa.Table:
        """The ranked table: one row per node, sorted by ``sort_by`` descending.

        Columns: ``domain`` (or ``host``), ``pagerank``, ``authority`` (0-100), ``trust``
        (0-100), ``spam_mass`` (0..1), ``spam`` (``graph.spam``), ``referring_domains``, ``backlinks``, ``dofollow`` (``graph.links.link_counts``),
        ``outlinking_domains`` and ``graph_in_degree`` (the graph's out- and in-degree),
        ``trustrank`` (the raw trust vector), ``niche`` when computed; with ``harmonic`` the harmonic centrality
        (``graph.harmonic``, with ``harmonic_stderr`` when sampled), with ``signals`` the
        spam signals (``graph.spam``), which then join the ``spam`` flag. Ties are broken by name (ids are in name order and
        the sort is stable), so the order is the same on every run.
        """
        if sort_by not in SORT_COLUMNS:
            raise RankError(f"cannot sort by {sort_by!r}; use one of {', '.join(SORT_COLUMNS)}")
        columns = self.columns()
        if sort_by not in columns:
            raise RankError(f"cannot sort by {sort_by}: it was not computed")
        if harmonic or signals:
            columns.update(self._extras(harmonic=harmonic, signals=signals))
        table = pa.table(columns)
        key = np.asarray(columns[sort_by], dtype=np.float64)
        return table.take(np.argsort(-key, kind="stable"))

    def _extras(self, *, harmonic: bool, signals: bool) -> dict[str, pa.Array | np.ndarray]:
        from graph.build import LinkGraph

        if not isinstance(self.graph, LinkGraph):
            raise RankError(
                f"--harmonic and --signals need the local engine, not {self.engine.name}"
            )
        extras: dict[str, pa.Array | np.ndarray] = {}
        if harmonic:
            from graph.harmonic import harmonic_centrality

            result = harmonic_centrality(self.graph)
            extras["harmonic"] = result.scores
            if not result.exact:
                extras["harmonic_stderr"] = result.stderr
        if signals:
            from graph.spam import SIGNAL_COLUMNS, spam_signals

            found = spam_signals(
                self.crawl_dirs, graph=self.graph, include_nofollow=self.include_nofollow
            )
            for name in SIGNAL_COLUMNS:
                extras[name] = found.column(name)
            extras["spam"] = self.spam(found)
        return extras

    def close(self) -> None:
        """Release the engine's resources (a Spark session); the vectors stay usable."""
        self.engine.close()


def _niche_seeds(
    niche: Sequence[str] | str | int,
    crawl_dirs: Sequence[Path],
    graph: RankGraph,
    scores: np.ndarray,
) -> list[str]:
    """A niche given as its domains, or as the number or label of a found niche."""
    if not isinstance(niche, int | str):
        return list(niche)
    from graph.build import LinkGraph
    from graph.communities import niche_domains

    if not isinstance(graph, LinkGraph):
        raise RankError("a niche given by number or label needs the local engine")
    return niche_domains(crawl_dirs, niche, graph=graph, level=graph.level, scores=scores)


def _auto_core(engine: Engine, graph: RankGraph, alpha: float, tol: float) -> np.ndarray:
    """The automatic trusted core (``graph.spam.auto_core``) when no trusted domain is given."""
    from graph.spam import auto_core

    if graph.n == 0:
        return np.zeros(0, dtype=np.int64)
    return auto_core(engine.pagerank(graph, alpha=alpha, tol=tol, editorial=True))


def ranking_of_graph(
    graph: RankGraph,
    *,
    engine: Engine,
    crawl_dirs: Sequence[str | os.PathLike[str]] = (),
    alpha: float = 0.85,
    tol: float = 1e-6,
    trusted: Sequence[str] | None = None,
    niche: Sequence[str] | str | int | None = None,
    include_nofollow: bool = False,
) -> Ranking:
    """The ``Ranking`` of an already built ``graph`` (see ``rank``)."""
    dirs = [Path(d) for d in crawl_dirs]
    try:
        scores = engine.pagerank(graph, alpha=alpha, tol=tol)
        niche_scores = None
        trusted_names = niche_names = None
        if trusted is not None:
            trusted_names = list(trusted)
            core = seed_ids(graph, trusted_names, "trusted")
        else:
            core = _auto_core(engine, graph, alpha, tol)
        # Trust passes only through links the linking site placed itself, not through
        # visitors' comments (docs/authority.md, "Trust").
        trust = (
            engine.pagerank(graph, alpha=alpha, tol=tol, seeds=core, editorial=True)
            if core.size
            else np.zeros(graph.n)
        )
        if niche is not None:
            niche_names = _niche_seeds(niche, dirs, graph, scores)
            niche_scores = engine.pagerank(
                graph, alpha=alpha, tol=tol, seeds=seed_ids(graph, niche_names, "niche")
            )
    except PageRankError as exc:
        raise RankError(str(exc)) from None
    return Ranking(
        graph=graph,
        engine=engine,
        crawl_dirs=dirs,
        alpha=alpha,
        tol=tol,
        include_nofollow=include_nofollow,
        pagerank=scores,
        trust=trust,
        niche=niche_scores,
        trusted=trusted_names,
        niche_domains=niche_names,
        core=[graph.names[int(i)].as_py() for i in core],
    )


def rank(
    crawl_dirs: Sequence[str | os.PathLike[str]],
    *,
    level: str = "domain",
    include_nofollow: bool = False,
    alpha: float = 0.85,
    tol: float = 1e-6,
    trusted: Sequence[str] | None = None,
    niche: Sequence[str] | str | int | None = None,
    engine: str | Engine = "local",
    engine_options: dict | None = None,
) -> Ranking:
    """Rank the domains (or hosts) of the crawls: PageRank, authority, trust, niche.

    Parameters
    ----------
    crawl_dirs : sequence of paths
        Crawl directories (or ground-truth or archive-made ones), merged into one graph; a
        link seen in several of them counts once (``graph.links``).
    level : {"domain", "host"}
        Rank registered domains or hosts.
    include_nofollow : bool
        Count nofollow links as graph edges too.
    alpha : float
        Damping factor, ``0 < alpha < 1``.
    tol : float
        L1 accuracy of every score vector.
    trusted : list of str, optional
        Trusted seed domains: the core ``trust`` (TrustRank, Gyöngyi et al. 2004) and
        ``spam_mass`` start from; without them, an automatic core
        (``graph.spam.auto_core``).
    niche : list of str, or int or str, optional
        A niche's seed domains, or the number or label of a niche found by
        ``graph.communities.find_niches``: computes ``niche`` (topic-sensitive PageRank,
        Haveliwala 2002).
    engine : str or Engine
        ``"local"`` (default) or another name in ``graph.engines.ENGINES``; or an engine
        object.
    engine_options : dict, optional
        Options for the engine's constructor (e.g. Spark's master URL).

    Returns
    -------
    Ranking

    Raises
    ------
    graph.authority.RankError
        Unknown level, bad ``alpha``/``tol``, or no seed is in the graph.
    crawler.errors.LinkgraphError
        A path is not a crawl, or one of its files cannot be read (``InputFileError``).
    """
    if level not in LEVELS:
        raise RankError(f"unknown level {level!r}; use domain or host")
    if isinstance(engine, str):
        engine = get_engine(engine, **(engine_options or {}))
    graph = engine.build(crawl_dirs, level=level, include_nofollow=include_nofollow)
    return ranking_of_graph(
        graph,
        engine=engine,
        crawl_dirs=crawl_dirs,
        alpha=alpha,
        tol=tol,
        trusted=trusted,
        niche=niche,
        include_nofollow=include_nofollow,
    )
