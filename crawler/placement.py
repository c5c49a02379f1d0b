"""Where on a page a link sits: main content, navigation, header, footer, sidebar, comments.

Placement is what separates an editorial link (one an author chose to put in the text) from
boilerplate repeated on every page. Labelling by ancestor tags alone (``nav``, ``header``,
``footer``, ``aside``) misses most of it on the real web, where menus are plain ``div``s, so
this module works in two steps, the way boilerplate detectors do:

1. **Find the main content from its text** (``crawler.maincontent``: Readability's
   scoring, in the text-density tradition of Kohlschütter et al., WSDM 2010).
2. **Label each link from its ancestors**: tags (``nav``, ``header``, ``footer``, ``aside``),
   ARIA roles, and class/id names (``menu``, ``breadcrumb``, ``widget``, ``related``,
   ``comment``, ``signature``...). The innermost labelled block wins. Above the main content
   the page's layout wrappers are ignored (a ``div class="has-sidebar"`` around the article
   says nothing about the article). Inside it, a labelled block counts except when it is
   named with a word that marks boilerplate only outside the content (``share``,
   ``related``, ``promo``, ``ad``, ``sponsor``, ``bottom``, and ``<aside>``: people who
   mark article text count such boxes as part of the article), when it is the content's
   own header (title, byline), and when it holds most of the main content's text (so
   ``class="entry-content menu-wide"`` does not turn an article into a menu).
   A link in no labelled block is ``content`` inside the main content, unless its block is
   an inline bar of links (``Previous | Next``: ``nav``); outside it, it is ``nav`` in a
   block whose letters are mostly link text, else ``header`` before the main content and
   ``footer`` after it (``sidebar`` on a page without main content).

A link outside the main content is never ``content``. The vocabulary is documented in
``docs/data-contract.md`` ("Placement") and ``docs/extraction.md``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.maincontent import NON_WORD, find_main_content
from crawler.subtree import SubtreeText

__all__ = ["Placer", "find_main_content", "name_label"]

# Class/id vocabulary. Long, unambiguous words match anywhere in a name ("sidebar-left",
# "site-footer", "mainmenu"); short ones only as a whole word between separators or case
# changes ("nav", "ad", "toc", "sig"), or "ad" would match "header" and "shadow".
_LONG_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("comment", ("comment", "disqus", "signature", "replies", "respond")),
    ("nav", ("menu", "navbar", "navigation", "breadcrumb", "pagination", "subnav", "topnav")),
    ("header", ("header", "masthead", "topbar")),
    ("footer", ("footer", "copyright")),
    (
        "sidebar",
        ("sidebar", "widget", "related", "sponsor", "promo", "advert", "sharing"),
    ),
)
_SHORT_NAMES: dict[str, str] = {
    "reply": "comment",
    "sig": "comment",
    "ugc": "comment",
    "nav": "nav",
    "toc": "nav",
    "pager": "nav",
    "bottom": "footer",
    "ad": "sidebar",
    "ads": "sidebar",
    "share": "sidebar",
}
# Words (and tags) that mark boilerplate only outside the main content. Inside it they name
# share bars, inline "related" and promo boxes, asides and article footers that people who
# mark article text count as part of the article (on the article benchmark, with them 82% of
# the article's links stay ``content``, without 92%: benchmarks/bench_placement.py with and
# without --boilerplate-words-everywhere).
_OUTSIDE_ONLY = frozenset(
    {"share", "sharing", "related", "promo", "ad", "ads", "advert", "sponsor", "aside", "bottom"}
)
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")

_TAG_LABEL = {
    "nav": "nav",
    "menu": "nav",
    "header": "header",
    "footer": "footer",
    "aside": "sidebar",
}
_ROLE_LABEL = {
    "navigation": "nav",
    "menu": "nav",
    "menubar": "nav",
    "banner": "header",
    "contentinfo": "footer",
    "complementary": "sidebar",
    "comment": "comment",
}
# Elements whose <header> is their own, not the page's banner (as in HTML-AAM).
_SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})
# Layout wrappers whose names describe the whole page, not one block.
_UNLABELLED_TAGS = frozenset({"html", "body", "head"})
# Containers whose link density decides an otherwise unlabelled link outside the content.
_BLOCKS = frozenset({"ul", "ol", "dl", "table", "p", "div", "section", "form", "center"})
_DENSE = 0.5
# What separates the links of an inline link bar.
_SEPARATORS = "|·•/»«‹›–—-:[]"
_BAR_MARKS = "|·•/»«‹›"  # a bar has at least one of these
_MAX_BAR = 400  # characters: a bar of links is short


@lru_cache(maxsize=8192)
def _name_match(names: str) -> tuple[str | None, str]:
    """(label, source) of a class/id string: source ``"weak"`` for words that mark
    boilerplate only outside the main content, else ``"name"``."""
    lowered = names.lower()
    for label, words in _LONG_NAMES:
        for word in words:
            if word in lowered:
                return label, "weak" if word in _OUTSIDE_ONLY else "name"
    for word in _WORD_SPLIT.split(_CAMEL.sub(" ", names).lower()):
        label = _SHORT_NAMES.get(word)
        if label is not None:
            return label, "weak" if word in _OUTSIDE_ONLY else "name"
    return None, ""


def name_label(names: str) -> str | None:
    """The placement a class/id string reads as, or ``None``.

    >>> name_label("site-footer widget-area"), name_label("mainNav"), name_label("shadow")
    ('footer', 'nav', None)
    """
    return _name_match(names)[0]


@lru_cache(maxsize=16384)
def _label_of(
    tag: str, class_: str | None, id_: str | None, role: str | None
) -> tuple[str | None, str]:
    """The label an element gives its descendants, and where it comes from (``"tag"``,
    ``"role"``, ``"name"`` or ``"weak"``): comment names beat tags
    (``<aside class="comments">`` holds comments), tags beat roles, roles beat names."""
    if tag in _UNLABELLED_TAGS:
        return None, ""
    names = " ".join(v for v in (class_, id_) if v)
    by_name, source = _name_match(names) if names else (None, "")
    if by_name == "comment":
        return by_name, source
    label = _TAG_LABEL.get(tag)
    if label is not None:
        return label, "weak" if tag in _OUTSIDE_ONLY else "tag"
    if role:
        label = _ROLE_LABEL.get(role.strip().lower())
        if label is not None:
            return label, "role"
    return by_name, source


class Placer:
    """Labels the links of one parsed page with their placement.

    Build it once per page (it finds the main content, ``main``), then call ``label`` on
    each link element in document order, setting ``passed_main`` once document order has
    reached the main content (``crawler.extract`` does it by selecting the main content's
    elements along with the links). Per-element results are memoised, so labelling all
    links costs about one visit of each of their distinct ancestors.
    """

    __slots__ = (
        "measures",
        "main",
        "_main_ids",
        "_main_text",
        "_state",
        "_blocks",
        "_density",
        "_bars",
        "passed_main",
    )

    def __init__(self, tree: LexborHTMLParser, measures: SubtreeText | None = None) -> None:
        #: The page's text measures (``crawler.subtree``), shared with the extractor.
        self.measures = (
            measures if measures is not None else SubtreeText(tree, len(tree.html or ""))
        )
        self.main = find_main_content(tree, self.measures)
        self._main_ids = {node.mem_id for node in self.main}
        self._main_text = -1  # computed when first needed
        self._state: dict[int, tuple[str | None, bool, bool]] = {}
        self._blocks: dict[int, LexborNode | None] = {}
        self._density: dict[int, bool] = {}
        self._bars: dict[int, bool] = {}
        #: Set by the caller once document order has reached the main content.
        self.passed_main = False

    def _chain_state(self, node: LexborNode | None) -> tuple[str | None, bool, bool]:
        """(innermost label, inside the main content, inside a sectioning element)."""
        chain = []
        state: tuple[str | None, bool, bool] = (None, False, False)
        cache = self._state
        while node is not None:
            key = node.mem_id
            cached = cache.get(key)
            if cached is not None:
                state = cached
                break
            chain.append((node, key))
            node = node.parent
        for element, key in reversed(chain):
            # The document node has no attributes and no label: no need to tell it apart.
            state = self._next_state(state, element, element.attributes, key)
            cache[key] = state
        return state

    def _next_state(
        self, state: tuple[str | None, bool, bool], element: LexborNode, attrs: dict, key: int
    ) -> tuple[str | None, bool, bool]:
        """The state of ``element`` (``key``: its ``mem_id``) given its parent's."""
        label, in_main, in_section = state
        tag = element.tag
        if key in self._main_ids:
            return (None, True, in_section or tag in _SECTIONING)
        own, source = _label_of(tag, attrs.get("class"), attrs.get("id"), attrs.get("role"))
        if own is not None and not (
            in_main and self._part_of_content(element, own, source, in_section)
        ):
            label = own
        elif not in_section and tag in _SECTIONING:
            in_section = True
        else:
            return state
        return (label, in_main, in_section or tag in _SECTIONING)

    def _part_of_content(
        self, element: LexborNode, label: str, source: str, in_section: bool
    ) -> bool:
        """Is this labelled block inside the main content really part of the content?

        Yes for words that mark boilerplate only outside it (``share``, ``related``...),
        for the content's own header (a ``<header>`` of a sectioning element, or a block
        named like one: title, byline; an explicit ``role=banner`` stays a header), and for
        a block that holds most of the main content's text, whatever its name.
        """
        if source == "weak":
            return True
        if label == "header" and source != "role" and (source == "name" or in_section):
            return True
        measures = self.measures
        if self._main_text < 0:
            self._main_text = sum(measures.length(node) for node in self.main)
        return measures.length(element) * 2 > self._main_text

    def _block(self, parent: LexborNode | None) -> LexborNode | None:
        """The nearest block element at or above ``parent`` (memoised for every element
        on the way up, so a deep chain of inline elements is climbed once)."""
        cache = self._blocks
        key = 0 if parent is None else parent.mem_id
        if key in cache:
            return cache[key]
        path = []
        node = parent
        while True:
            if node is None:
                block = None
                break
            node_key = node.mem_id
            if node_key in cache:
                block = cache[node_key]
                break
            path.append(node_key)
            if node.tag in _BLOCKS:
                block = node
                break
            node = node.parent
        if block is not None and block.tag in _UNLABELLED_TAGS:
            block = None
        for node_key in path:
            cache[node_key] = block
        cache[key] = block
        return block

    def _dense(self, block: LexborNode) -> bool:
        """Is ``block`` mostly link text?"""
        key = block.mem_id
        dense = self._density.get(key)
        if dense is None:
            total, inside = self.measures.word_density(block, NON_WORD)
            density = min(inside / total, 1.0) if total else 1.0
            dense = self._density[key] = density >= _DENSE
        return dense

    def _link_bar(self, block: LexborNode) -> bool:
        """Is ``block`` a bar of links, ``Previous | Next``?"""
        key = block.mem_id
        bar = self._bars.get(key)
        if bar is None:
            bar = self._bars[key] = _is_link_bar(block, self.measures)
        return bar

    def label(self, node: LexborNode, attrs: dict, rel_ugc: bool = False) -> str:
        """The placement of the link element ``node`` (``attrs``: its attributes)."""
        parent = node.parent
        state = None if parent is None else self._state.get(parent.mem_id)
        if state is None:
            state = self._chain_state(parent)
        key = node.mem_id
        if "class" in attrs or "id" in attrs or "role" in attrs or key in self._main_ids:
            state = self._next_state(state, node, attrs, key)
        label, in_main, _ = state
        if rel_ugc:
            return "comment"
        if label is not None:
            return label
        block = self._block(parent)
        if in_main:
            return "nav" if block is not None and self._link_bar(block) else "content"
        if block is not None and self._dense(block):
            return "nav"
        if not self.main:
            return "sidebar"
        return "footer" if self.passed_main else "header"


def _is_link_bar(block: LexborNode, measures: SubtreeText) -> bool:
    """Two or more links and, between them, nothing but separators, one at least a bar,
    bullet, slash or guillemet: the way pagers and menus are written inline
    (``Home | About``, ``« Prev · Next »``)."""
    # The text right inside the block holds the separators; reading it first is cheap and
    # rules out the paragraphs of an article without reading all their text.
    direct = "".join(block.text(deep=False).split())
    if not direct or direct.strip(_SEPARATORS) or not any(m in direct for m in _BAR_MARKS):
        return False
    rest = measures.short_text(block, _MAX_BAR)
    if rest is None:
        return False
    count, texts = measures.anchors_in(block)
    if count < 2:
        return False
    for text in texts:
        rest = rest.replace(text, "", 1)
    rest = "".join(rest.split())
    return bool(rest) and not rest.strip(_SEPARATORS)
