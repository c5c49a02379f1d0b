"""Analysis of crawled link data: the domain graph, authority, research queries, reports.

``from graph import to_networkx`` gives the domain or host graph of crawls as a
``networkx.DiGraph`` (``graph.export``). It is imported lazily, so reading crawl data
(``graph.store``) does not pull in networkx and scipy.
"""

from __future__ import annotations

__all__ = ["to_networkx"]


def __getattr__(name: str) -> object:
    if name == "to_networkx":
        from graph.export import to_networkx

        return to_networkx
    raise AttributeError(f"module 'graph' has no attribute {name!r}")
