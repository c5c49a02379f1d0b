"""The closed site: a robots.txt that forbids every bot everything.

``www.hiddenorchard.org`` (``User-agent: *`` / ``Disallow: /``) is linked from the
directory; a polite crawler fetches its robots.txt and nothing else.
"""

from __future__ import annotations

from crawler.sandbox.families.hosts import CLOSED
from crawler.sandbox.families.layout import simple_page
from crawler.sandbox.family import SiteFamily

__all__ = ["Closed"]


class Closed(SiteFamily):
    """The site closed to every crawler."""

    name = "closed"

    def register(self) -> None:
        self.add_host(CLOSED, "User-agent: *\nDisallow: /\n")
        self.add_page(f"http://{CLOSED}/", simple_page("Hidden Orchard"))
        self.add_page(f"http://{CLOSED}/about.html", simple_page("About Hidden Orchard"))

    def features(self) -> dict[str, object]:
        return {"closed_host": CLOSED, "robots_disallowed": [f"http://{CLOSED}/"]}
