"""A broad web for frontier tests and benchmarks, served by ``tests/hostile_server.py``:
fast sites, a host asking for a ``Crawl-delay``, and a host whose every answer takes
seconds, all linking to each other's front pages.

``fast`` sites ``f0.test``... of ``pages`` pages each: each page links to the next two
of its site (page i is at depth i / 2 or more, depending on which page finds it first:
crawl it with a deep ``max_depth``; a site's pages are found one depth after another, long after the delayed
host's hundreds of URLs) and to the delayed and the slow host's front pages.
``delay.test`` asks ``Crawl-delay: DELAY`` and its front page links to its ``delayed``
pages; ``slow.test`` answers each request after ``SLOW`` seconds, its front page linking
to its ``slow`` pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.hostile_server import HostileServer, links, robots


@dataclass(frozen=True)
class BroadWeb:
    fast: int = 30
    pages: int = 20
    delayed: int = 0
    delay: float = 1.0
    slow: int = 0
    slow_seconds: float = 3.0
    page_delay: float = 0.0

    def fast_urls(self) -> list[str]:
        return [f"http://f{s}.test/{i}" for s in range(self.fast) for i in range(self.pages)]

    def delayed_urls(self) -> list[str]:
        return [f"http://delay.test/{i}" for i in range(self.delayed + 1)] if self.delayed else []

    def slow_urls(self) -> list[str]:
        return [f"http://slow.test/{i}" for i in range(self.slow + 1)] if self.slow else []

    def seeds(self) -> list[str]:
        seeds = [f"http://f{s}.test/0" for s in range(self.fast)]
        if self.delayed:
            seeds.append("http://delay.test/0")
        if self.slow:
            seeds.append("http://slow.test/0")
        return seeds

    def serve(self, server: HostileServer) -> None:
        """Route every URL of this web on ``server``."""
        others = [u for u in ("http://delay.test/0", "http://slow.test/0") if u in self.seeds()]
        for s in range(self.fast):
            site = [f"http://f{s}.test/{i}" for i in range(self.pages)]
            for i, url in enumerate(site):
                out = site[i + 1 : i + 3]
                server.route(url, links(*out, *others, delay=self.page_delay))
        if self.delayed:
            server.route(
                "http://delay.test/robots.txt",
                robots(f"User-agent: *\nCrawl-delay: {self.delay}\n"),
            )
            urls = self.delayed_urls()
            server.route(urls[0], links(*urls[1:]))
            for url in urls[1:]:
                server.route(url, links())
        if self.slow:
            urls = self.slow_urls()
            server.route(urls[0], links(*urls[1:], delay=self.slow_seconds))
            for url in urls[1:]:
                server.route(url, links(delay=self.slow_seconds))


def request_times(server: HostileServer, urls) -> list[float]:
    """When the server got each request for ``urls``, in order."""
    wanted = set(urls)
    return [t for t, _, url in server.log if url in wanted]
