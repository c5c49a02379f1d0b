"""Rendering's rules, without a browser: which pages are rendered, and which links only
the rendered DOM has.

Pure functions (the sandbox's ground truth uses them too); the browser itself is
``crawler.browser``. Users' documentation: ``docs/crawling.md``, "Rendering".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Sequence

__all__ = ["RENDER_ALL", "RENDER_TIMEOUT", "link_key", "renders", "rendered_only_flags"]

#: ``-a render=all``: every HTML page is rendered.
RENDER_ALL = "all"
#: The ``error`` of a page whose rendering did not settle in time: it keeps its served
#: HTML's links.
RENDER_TIMEOUT = "render timeout"


def renders(names: Collection[str], domain: str, host: str) -> bool:
    """Is a page of ``host`` (registered domain ``domain``) rendered when ``-a render``
    names ``names``? A name matches the registered domain or the host; ``all`` matches
    every page.

    >>> renders(("example.com",), "example.com", "www.example.com")
    True
    >>> renders((), "example.com", "www.example.com"), renders(("all",), "a.org", "a.org")
    (False, True)
    """
    return bool(names) and (RENDER_ALL in names or domain in names or host in names)


def link_key(link) -> tuple[str, str, str, str]:
    """What makes a link of the rendered DOM the same as one of the served HTML: its
    target, anchor, kind and rel (its placement may change with the DOM around it).
    Takes any link with those attributes (``crawler.extract.Link``, the sandbox's)."""
    return (link.dst_url, link.anchor, link.kind, link.rel)


def rendered_only_flags(served: Sequence[Hashable], rendered: Sequence[Hashable]) -> list[bool]:
    """For each link of the rendered DOM (in DOM order, as keys: target, anchor, kind,
    rel), whether it is one the served HTML lacks. Links match as a multiset: a link the
    served HTML has twice and the DOM three times is rendered-only once (the last time).

    >>> rendered_only_flags(["a", "b"], ["x", "a", "b", "a"])
    [True, False, False, True]
    """
    left = Counter(served)
    flags = []
    for key in rendered:
        if left[key] > 0:
            left[key] -= 1
            flags.append(False)
        else:
            flags.append(True)
    return flags
