"""The crawl frontier: per-host queues, seen set, budgets and politeness in one store, and
the Scrapy scheduler that serves requests from it.

``Frontier`` is the default store (SQLite, ``crawler/frontier/sqlite.py``); the Redis store
(``crawler/frontier/redis_store.py``) is shared by several processes. Both implement
``BaseFrontier`` (``crawler/frontier/base.py``) and pass ``tests/test_frontier_contract.py``;
``Frontier.for_crawler(crawler)`` opens the one the settings choose.
"""

from crawler.frontier.base import DONE, DROPPED, QUEUED, TAKEN, BaseFrontier
from crawler.frontier.scheduler import FrontierScheduler, part_prefix
from crawler.frontier.sqlite import SqliteFrontier

#: The default store; ``Frontier.for_crawler`` picks the store the settings name.
Frontier = SqliteFrontier

__all__ = [
    "BaseFrontier",
    "DONE",
    "DROPPED",
    "Frontier",
    "FrontierScheduler",
    "QUEUED",
    "SqliteFrontier",
    "TAKEN",
    "part_prefix",
]
