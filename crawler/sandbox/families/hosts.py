"""The host names of the feature sites that other pages link to.

Families link each other's sites (the directory lists the shop, the news site links the
directory back), and regular pages link the link farm, the money site and the web studio.
The names they link by live here, so no family module imports another (the directory and
the news site would import each other). A host that only its own family links stays in
that family's module. Feature sites do not depend on the seed or the size, so
``data/seeds.txt`` can list the seeds.
"""

from __future__ import annotations

__all__ = [
    "CLOSED",
    "DIRECTORY",
    "FARM",
    "FORUM",
    "IDN_UNICODE",
    "MONEY_HOST",
    "MOVED",
    "NEWS",
    "NEWS_BLOG",
    "QUIET_ARCHIVE",
    "SCRIPT_SITE",
    "SHOP",
    "SHOP_SUB",
    "STUDIO",
    "TRAP",
]

DIRECTORY = "www.openwebdirectory.org"
NEWS = "www.thedailyledger.com"
NEWS_BLOG = "blog.thedailyledger.com"
SHOP = "www.tinkertools.com.au"
SHOP_SUB = "shop.tinkertools.com.au"
MOVED = "www.oldtoolbarn.com"
FORUM = "www.greybeardforum.co.uk"
CLOSED = "www.hiddenorchard.org"
#: As written in hrefs; the host itself is its punycode form (``families.idn.IDN``).
IDN_UNICODE = "www.blumengärtnerei.de"
TRAP = "calendar.townevents.com"
STUDIO = "www.pixelcraftstudio.com"
#: The link farm's registered domains; each serves its pages on ``www.DOMAIN``.
FARM = (
    "best-garden-deals.info",
    "top-deal-reviews.net",
    "cheap-links-hub.com",
    "seo-rank-boost.org",
)
MONEY_HOST = "www.quickcash-loans.biz"
#: The sitemap-only archive (``families.sitemap_only``) and the site whose links a script
#: writes (``families.script_site``); the directory links both home pages.
QUIET_ARCHIVE = "www.quietarchive.org"
SCRIPT_SITE = "www.scriptkitchen.net"
