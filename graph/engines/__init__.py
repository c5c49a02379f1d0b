"""Rank engines, chosen by name: ``graph.rank(crawl_dirs, engine="local")``.

A registry of names to classes, as networkx dispatches to its backends: ``ENGINES`` maps
each name to ``"module:Class"``, imported only when chosen, so an engine's dependencies
(pyspark, Java) are needed only by those who use it. Every engine implements
``graph.engines.base.Engine`` and meets the same contract: the same ranked table as the
local engine, to the stated tolerance (``tests/test_engines.py``).
"""

from __future__ import annotations

import importlib

from crawler.errors import LinkgraphError
from graph.engines.base import Engine, RankGraph

__all__ = ["ENGINES", "Engine", "EngineError", "RankGraph", "get_engine"]

#: Engine name -> "module:Class".
ENGINES: dict[str, str] = {
    "local": "graph.engines.local:LocalEngine",
    "spark": "graph.engines.spark:SparkEngine",
}


class EngineError(LinkgraphError):
    """An engine that does not exist or cannot start here (one line, says what to do)."""


def get_engine(name: str, **options: object) -> Engine:
    """A new engine called ``name``, built with ``options`` (e.g. Spark's ``master``)."""
    target = ENGINES.get(name)
    if target is None:
        raise EngineError(f"unknown engine {name!r}; use one of {', '.join(sorted(ENGINES))}")
    module_name, class_name = target.split(":")
    module = importlib.import_module(module_name)
    return getattr(module, class_name)(**options)
