"""Shared fixtures: a running sandbox web, its ground truth, finished crawls.

The fixtures live in modules of their own (one per concern) and are loaded here, so every
test file can use them by name.
"""

pytest_plugins = [
    "tests.fixtures_system",
    "tests.fixtures_sandbox",
    "tests.fixtures_crawl",
    "tests.fixtures_frontier",
    "tests.fixtures_research",
    "tests.fixtures_report",
]
