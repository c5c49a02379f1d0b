"""The crawler trap: an endless events calendar.

``calendar.townevents.com`` has a page for every month from year 1000 to 9999, each linking
the previous and the next month and four day pages, so a crawler that follows every link
never runs out of URLs: only a depth limit (or a per-domain budget) ends it. Its robots.txt
allows everything; its pages are generated from the path, so it registers none.
"""

from __future__ import annotations

from crawler.sandbox.families.hosts import TRAP
from crawler.sandbox.families.layout import FILLER, close_page, open_page
from crawler.sandbox.family import Request, SiteFamily
from crawler.sandbox.render import PageBuilder, PageModel, error_page
from crawler.urls import registered_domain

__all__ = ["Trap"]

_MONTHS = {f"{m:02d}" for m in range(1, 13)}
_DAYS = ("01.html", "08.html", "15.html", "22.html")


class Trap(SiteFamily):
    """The endless calendar."""

    name = "trap"

    def register(self) -> None:
        self.add_host(TRAP, "User-agent: *\nDisallow:\n")

    def features(self) -> dict[str, object]:
        return {"trap_host": TRAP, "trap_domain": registered_domain(TRAP)}

    def route(self, request: Request) -> PageModel:
        """``/`` links this month; ``/YYYY/MM/`` is a month, ``/YYYY/MM/DD.html`` a day."""
        url, path = request.url, request.path
        parts = path.strip("/").split("/")
        b = PageBuilder(url)
        if path == "/":
            b.head("Town events calendar")
            open_page(b, "Town events", [("/", "Calendar")])
            b.raw("<h1>What's on</h1>\n<p>")
            b.a("/2026/01/", "This month", "content")
            b.raw("</p>\n")
            return close_page(b)
        if not (
            2 <= len(parts) <= 3
            and parts[0].isdigit()
            and len(parts[0]) == 4
            and parts[1] in _MONTHS
            and parts[0][0] != "0"
        ):
            return error_page(url, 404)
        year, month = int(parts[0]), int(parts[1])
        if len(parts) == 3:
            if parts[2] not in _DAYS:
                return error_page(url, 404)
            b.head(f"Events on {year}-{month:02d}-{parts[2][:2]}")
            open_page(b, "Town events", [("/", "Calendar")])
            b.raw("<h1>Events</h1>\n<p>")
            b.text(FILLER + " ")
            b.a("./", "Back to the month", "content")
            b.raw("</p>\n")
            return close_page(b)
        if not path.endswith("/"):
            return error_page(url, 404)
        prev_y, prev_m = (year, month - 1) if month > 1 else (year - 1, 12)
        next_y, next_m = (year, month + 1) if month < 12 else (year + 1, 1)
        b.head(f"Events in {year}-{month:02d}")
        open_page(b, "Town events", [("/", "Calendar")])
        b.raw(f"<h1>Events in {year}-{month:02d}</h1>\n<p>")
        b.text(FILLER)
        b.raw('</p>\n<nav class="pagination">')
        if prev_y >= 1000:
            b.a(f"/{prev_y}/{prev_m:02d}/", "Previous month", "nav")
        b.raw(" | ")
        if next_y <= 9999:
            b.a(f"/{next_y}/{next_m:02d}/", "Next month", "nav")
        b.raw("</nav>\n<ul>\n")
        for day in _DAYS:
            b.raw("<li>")
            b.a(day, f"Day {int(day[:2])}", "content")
            b.raw("</li>\n")
        b.raw("</ul>\n")
        return close_page(b)
