"""Analysis of crawled link data: the domain graph, authority, research queries, reports.

``from graph import rank`` ranks the domains of crawls (``graph.ranking``: PageRank,
authority, trust, niche authority, on the engine of your choice); ``from graph import
to_networkx`` gives the domain or host graph as a ``networkx.DiGraph`` (``graph.export``).
Both are imported lazily, so reading crawl data (``graph.store``) does not pull in
networkx and scipy.
"""

from __future__ import annotations

__all__ = ["Ranking", "rank", "to_networkx"]


def __getattr__(name: str) -> object:
    if name in ("rank", "Ranking"):
        from graph import ranking

        return getattr(ranking, name)
    if name == "to_networkx":
        from graph.export import to_networkx

        return to_networkx
    raise AttributeError(f"module 'graph' has no attribute {name!r}")
