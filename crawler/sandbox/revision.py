"""Revisions: the same web with a few seed-controlled changes, for crawl diffs.

Revision 0 is the web itself. Revision ``R`` picks, from ``(seed, R)``, a top site of each
of the first three niches: the first gets one link added to its home page, the second loses
one in-text link from its home page, and the third's first article answers 404 (its inbound
links become broken links). Every other page is byte for byte the same as in revision 0, so
a diff of two crawls must show exactly these changes (``docs/sandbox.md``, "Revisions").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crawler.sandbox.render import stable_rng

if TYPE_CHECKING:
    from crawler.sandbox.regular import RegularSites

__all__ = ["RevisionPlan", "plan_revision"]


@dataclass(frozen=True, slots=True)
class RevisionPlan:
    """Which regular pages change in one revision (nothing in revision 0)."""

    revision: int
    #: site index -> (URL, anchor) of the link its home page gains
    added: dict[int, tuple[str, str]] = field(default_factory=dict)
    #: site indexes whose home page loses its first welcome link
    removed: tuple[int, ...] = ()
    #: URLs of regular pages that answer 404
    broken: frozenset[str] = frozenset()


def plan_revision(regular: RegularSites, revision: int) -> RevisionPlan:
    """The changes of ``revision`` to the regular sites of ``regular``."""
    if revision == 0:
        return RevisionPlan(0)
    rng = stable_rng(regular.seed, "revision", revision)
    n = len(regular.niches)
    picks = []
    for niche in range(3):
        members = regular.members(niche % n)
        picks.append(members[rng.randrange(min(3, len(members)))].index)
    add_site, remove_site, broken_site = picks
    if len({add_site, remove_site, broken_site}) < 3:
        remove_site = next(s.index for s in regular.members(1 % n) if s.index != add_site)
        broken_site = next(
            s.index for s in regular.members(2 % n) if s.index not in (add_site, remove_site)
        )
    target = regular.hub((regular.sites[add_site].niche + 1) % n)
    broken = regular.sites[broken_site]
    return RevisionPlan(
        revision,
        added={add_site: (regular.url(target, 0), target.name)},
        removed=(remove_site,),
        broken=frozenset([regular.url(broken, 1 + broken.sections)] if broken.articles else []),
    )
