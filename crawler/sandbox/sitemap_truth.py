"""The ground truth's sitemap reading: the pages a site's sitemaps list, from the models.

``crawler.sitemaps`` holds the rules (which sitemaps a site has, what they may list, the
caps); this applies them to the sandbox's sitemap models (``PageModel.sitemap_locs``),
never to their XML, so the crawler's sitemap parsing is checked against an independent
truth.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from crawler.robotstxt import DISALLOW_ALL, RULES, RobotsRules
from crawler.sitemaps import (
    DEFAULT_MAX_FILES,
    DEFAULT_MAX_URLS,
    declared_sitemaps,
    listed,
)

if TYPE_CHECKING:
    from crawler.sandbox.web import SandboxWeb

__all__ = ["sitemap_pages"]


def sitemap_pages(
    web: SandboxWeb,
    site: str,
    rules: RobotsRules,
    allowed: Callable[[str], bool],
    fetched: set[str],
) -> list[str]:
    """The pages the sitemaps of a site list, in reading order (an index's children after
    it, breadth first): each sitemap read once (``fetched`` holds those read already, for
    the whole crawl), only sitemaps robots.txt lets the bot fetch (``allowed``), at most
    ``DEFAULT_MAX_FILES`` files and ``DEFAULT_MAX_URLS`` locs a file. ``rules`` are the
    robots.txt rules of ``site`` (``scheme://host[:port]``)."""
    declared = rules.sitemaps if rules.outcome == RULES else []
    robots_sitemaps = None if rules.outcome == DISALLOW_ALL else declared
    queue = deque(declared_sitemaps(site, robots_sitemaps))
    pages: list[str] = []
    files = 0
    while queue and files < DEFAULT_MAX_FILES:
        url = queue.popleft()
        if url in fetched or not allowed(url):
            continue
        fetched.add(url)
        files += 1
        model = web.page(url)
        if model is None or model.status != 200 or model.sitemap_locs is None:
            continue
        locs = listed(site, model.sitemap_locs[:DEFAULT_MAX_URLS])
        if model.sitemap_index:
            queue.extend(locs)
        else:
            pages.extend(locs)
    return pages
