"""linkgraph: self-hosted backlink intelligence (crawler, link graph, authority scores).

This package holds the ``linkgraph`` command; the crawler lives in ``crawler/`` (a Scrapy
project) and the analysis in ``graph/``.
"""

__version__ = "0.1.0"
