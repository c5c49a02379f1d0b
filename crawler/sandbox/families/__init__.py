"""The site families of the sandbox web, and their registry.

Each module holds one family: a :class:`crawler.sandbox.family.SiteFamily` subclass that
registers its hosts and pages and declares its features. :data:`FAMILIES` names them, in
the order ``SandboxWeb`` builds them and concatenates the features they share (so the
directory's seed comes before the news site's). Adding a family is one new module here and
one line in :data:`FAMILIES` (``docs/sandbox.md``, "Adding a site family").
"""

from __future__ import annotations

from importlib import import_module

from crawler.sandbox.family import RegularWeb, SiteFamily

__all__ = ["FAMILIES", "build_families"]

#: ``module.Class`` of every family, relative to this package, in build order.
FAMILIES: tuple[str, ...] = (
    "directory.Directory",
    "news.News",
    "blog.Blog",
    "shop.Shop",
    "moved.Moved",
    "forum.Forum",
    "closed.Closed",
    "idn.Idn",
    "studio.Studio",
    "farm.Farm",
    "trap.Trap",
    "sitemap_only.SitemapOnly",
    "script_site.ScriptSite",
)


def build_families(regular: RegularWeb) -> list[SiteFamily]:
    """One instance of each family in :data:`FAMILIES`, built on the regular sites."""
    families = []
    for name in FAMILIES:
        module, _, cls = name.rpartition(".")
        families.append(getattr(import_module(f"{__name__}.{module}"), cls)(regular))
    return families
