"""Text measures of a page's subtrees (length, words, commas, link text) in bounded work.

Main-content scoring and placement ask the same questions of many elements: how much text
is in this block, how much of it is link text, what does this link say. Asking lexbor
(``node.text(deep=True)``, ``node.css("a")``) is fast on ordinary pages, but each answer
re-reads the element's whole subtree, so on a page of nested blocks the work grows with
the square of the nesting depth (16,000 nested ``<div>``s, each with a link, would read
about 128 million nodes).

``SubtreeText`` therefore meters the characters and nodes its lexbor calls return. While
the total stays under a budget proportional to the page's size it keeps asking lexbor
(ordinary pages never leave this mode, so they cost what they did); past the budget it
builds, in one depth-first pass, the page's text as one string with each element's span in
it and prefix sums over that string (word characters, commas, whitespace) and over the
links in document order. Every later question is then answered in O(1) or O(log n): an
element's text is the contiguous slice of its descendants' text nodes, so its measures are
differences of prefix sums (the classic Euler-tour technique for subtree aggregates). Both
modes give the same answers, character for character (``tests/test_extract_depth.py``
checks it on every test page), so switching mid-page changes nothing but the time.
"""

from __future__ import annotations

import re
from bisect import bisect_left

import numpy as np
from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["SubtreeText", "collapse"]

_WORD = re.compile(r"\w")
# Work is metered in units of about a nanosecond: a character read through lexbor costs 1,
# a call 300, each node it lists 300 (a Python object each). The index costs about 60
# units a character of HTML to build, so the default budget lets lexbor's answers cost
# about one index before the index takes over.
#: Units of work per character of HTML before the one-pass index takes over.
DEFAULT_WORK_FACTOR = 64.0
_BASE_BUDGET = 100_000
_CALL = 300
_NODE = 300


def collapse(text: str) -> str:
    """Whitespace runs to one space, trimmed: how anchors and titles are stored."""
    return " ".join(text.split())


class _Index:
    """The page's text as one string, each element's span in it, and prefix sums."""

    __slots__ = (
        "text",
        "spans",
        "_words",
        "_commas",
        "_spaces",
        "_starts",
        "_is_space",
        "_solid",
        "_a_pre",
        "_a_chars",
        "_a_words",
        "_ne_pre",
        "_ne_span",
        "_img_pre",
        "_img_alt",
    )

    def __init__(self, root: LexborNode) -> None:
        pieces: list[str] = []
        pos = 0
        order = 0
        # mem_id -> (text start, text end, pre-order number, pre-order end)
        spans: dict[int, tuple[int, int, int, int]] = {}
        anchors: list[tuple[int, int, int]] = []  # (pre, start, end) in document order
        imgs: list[tuple[int, str]] = []
        stack = [(root, root.iter(include_text=True), 0, 0)]
        while stack:
            node, children, start, pre = stack[-1]
            for child in children:
                if child.is_text_node:
                    text = child.text_content or ""
                    pieces.append(text)
                    pos += len(text)
                elif child.is_element_node:
                    order += 1
                    tag = child.tag
                    if tag == "img":
                        alt = collapse(child.attributes.get("alt") or "")
                        if alt:
                            imgs.append((order, alt))
                    stack.append((child, child.iter(include_text=True), pos, order))
                    break
            else:
                stack.pop()
                spans[node.mem_id] = (start, pos, pre, order + 1)
                if node.tag == "a":
                    anchors.append((pre, start, pos))
        anchors.sort()
        self.text = "".join(pieces)
        self.spans = spans
        codes = np.frombuffer(self.text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        unique, inverse = np.unique(codes, return_inverse=True)
        chars = [chr(c) for c in unique.tolist()]
        is_space = np.array([c.isspace() for c in chars], dtype=bool)[inverse]
        is_word = np.array([_WORD.match(c) is not None for c in chars], dtype=bool)[inverse]
        self._is_space = is_space
        self._words = np.concatenate(([0], np.cumsum(is_word, dtype=np.int64)))
        self._commas = np.concatenate(([0], np.cumsum(codes == 44, dtype=np.int64)))
        self._spaces = np.concatenate(([0], np.cumsum(is_space, dtype=np.int64)))
        after_space = np.concatenate(([True], is_space[:-1])) if len(codes) else is_space
        self._starts = np.concatenate(([0], np.cumsum(~is_space & after_space, dtype=np.int64)))
        self._solid = np.flatnonzero(~is_space)
        self._a_pre = [pre for pre, _, _ in anchors]
        words = self._words
        self._a_chars = np.concatenate(([0], np.cumsum([e - s for _, s, e in anchors])))
        self._a_words = np.concatenate(
            ([0], np.cumsum([int(words[e] - words[s]) for _, s, e in anchors]))
        )
        nonempty = [(pre, s, e) for pre, s, e in anchors if e > s]
        self._ne_pre = [pre for pre, _, _ in nonempty]
        self._ne_span = [(s, e) for _, s, e in nonempty]
        self._img_pre = [pre for pre, _ in imgs]
        self._img_alt = [alt for _, alt in imgs]

    def _anchor_range(self, pre: int, end: int) -> tuple[int, int]:
        return bisect_left(self._a_pre, pre + 1), bisect_left(self._a_pre, end)

    def length(self, key: int) -> int:
        start, end, _, _ = self.spans[key]
        return end - start

    def words(self, key: int) -> int:
        start, end, _, _ = self.spans[key]
        return int(self._words[end] - self._words[start])

    def paragraph(self, key: int) -> tuple[int, int]:
        start, end, _, _ = self.spans[key]
        solid = self._solid
        first = int(np.searchsorted(solid, start))
        last = int(np.searchsorted(solid, end)) - 1
        stripped = 0 if last < first else int(solid[last] - solid[first]) + 1
        return stripped, int(self._commas[end] - self._commas[start])

    def link_chars(self, key: int) -> int:
        _, _, pre, end = self.spans[key]
        lo, hi = self._anchor_range(pre, end)
        return int(self._a_chars[hi] - self._a_chars[lo])

    def link_words(self, key: int) -> int:
        _, _, pre, end = self.spans[key]
        lo, hi = self._anchor_range(pre, end)
        return int(self._a_words[hi] - self._a_words[lo])

    def anchors_in(self, key: int) -> tuple[int, list[str]]:
        _, _, pre, end = self.spans[key]
        lo, hi = self._anchor_range(pre, end)
        first, last = bisect_left(self._ne_pre, pre + 1), bisect_left(self._ne_pre, end)
        return hi - lo, [self.text[s:e] for s, e in self._ne_span[first:last]]

    def collapsed(self, key: int, cap: int) -> tuple[str, int]:
        """(collapsed text cut to ``cap``, full collapsed length) without reading it all."""
        start, end, _, _ = self.spans[key]
        if end <= start:
            return "", 0
        solid = (end - start) - int(self._spaces[end] - self._spaces[start])
        if not solid:
            return "", 0
        words = int(self._starts[end] - self._starts[start])
        if start > 0 and not self._is_space[start] and not self._is_space[start - 1]:
            words += 1  # a word that starts at ``start`` but continues a text before it
        full = solid + words - 1
        # Collapsing a prefix gives a prefix of the collapsed whole: read only what is kept.
        reach = 4 * cap + 64
        while True:
            text = collapse(self.text[start : min(end, start + reach)])
            if len(text) >= cap or start + reach >= end:
                return text[:cap], full
            reach *= 4

    def first_alt(self, key: int) -> str:
        _, _, pre, end = self.spans[key]
        at = bisect_left(self._img_pre, pre + 1)
        return self._img_alt[at] if at < len(self._img_pre) and self._img_pre[at] < end else ""


class SubtreeText:
    """Subtree text measures of one page, in total work linear in the page's size.

    ``size`` is the page's size in characters (of HTML); after reading ``factor * size``
    characters through lexbor the one-pass index answers instead (``factor <= 0``: from
    the start). ``anchor_texts`` caches links' raw text by ``mem_id``.
    """

    __slots__ = ("_root", "_budget", "_spent", "_index", "anchor_texts")

    def __init__(
        self, tree: LexborHTMLParser, size: int, factor: float = DEFAULT_WORK_FACTOR
    ) -> None:
        self._root = tree.root
        self._budget = factor * size + _BASE_BUDGET if factor > 0 else -1
        self._spent = 0
        self._index: _Index | None = None
        self.anchor_texts: dict[int, str] = {}
        if factor <= 0:
            self._build()

    @property
    def indexed(self) -> bool:
        """Has the one-pass index taken over (the page was expensive to measure)?"""
        return self._index is not None

    def _build(self) -> _Index:
        if self._index is None:
            self._index = _Index(self._root)
        return self._index

    def _spend(self, work: int) -> None:
        self._spent += work
        if self._spent > self._budget:
            self._build()

    def _text(self, node: LexborNode) -> str:
        text = node.text(deep=True)
        self._spend(len(text) + _CALL)
        return text

    def length(self, node: LexborNode) -> int:
        """Characters of text in ``node`` and its descendants."""
        if self._index is not None:
            return self._index.length(node.mem_id)
        return len(self._text(node))

    def paragraph(self, node: LexborNode) -> tuple[int, int]:
        """(length of the text without surrounding whitespace, commas in it)."""
        if self._index is not None:
            return self._index.paragraph(node.mem_id)
        text = self._text(node)
        return len(text.strip()), text.count(",")

    def _anchors(self, node: LexborNode) -> list[LexborNode]:
        anchors = node.css("a")
        self._spend(_CALL + _NODE * len(anchors))
        return anchors

    def _anchor_raw(self, anchor: LexborNode) -> str:
        key = anchor.mem_id
        text = self.anchor_texts.get(key)
        if text is None:
            text = self.anchor_texts[key] = self._text(anchor)
        return text

    def link_chars(self, node: LexborNode) -> int:
        """Characters of text inside the links below ``node`` (Readability's link text)."""
        if self._index is not None:
            return self._index.link_chars(node.mem_id)
        total = 0
        for anchor in self._anchors(node):
            total += len(self._anchor_raw(anchor))
            if self._index is not None:  # the budget ran out on the way
                return self._index.link_chars(node.mem_id)
        return total

    def word_density(self, node: LexborNode, non_word: re.Pattern) -> tuple[int, int]:
        """(letters and digits in ``node``, of those inside its links)."""
        if self._index is not None:
            key = node.mem_id
            return self._index.words(key), self._index.link_words(key)
        total = len(non_word.sub("", self._text(node)))
        if self._index is not None:
            return total, self._index.link_words(node.mem_id)
        inside = 0
        for anchor in self._anchors(node):
            inside += len(non_word.sub("", self._anchor_raw(anchor)))
            if self._index is not None:
                return total, self._index.link_words(node.mem_id)
        return total, inside

    def short_text(self, node: LexborNode, limit: int) -> str | None:
        """The text of ``node`` if it is at most ``limit`` characters, else ``None``."""
        if self._index is not None:
            key = node.mem_id
            if self._index.length(key) > limit:
                return None
            start, end, _, _ = self._index.spans[key]
            return self._index.text[start:end]
        text = self._text(node)
        return text if len(text) <= limit else None

    def anchors_in(self, node: LexborNode) -> tuple[int, list[str]]:
        """(links below ``node``, the texts of those with text, in document order)."""
        if self._index is not None:
            return self._index.anchors_in(node.mem_id)
        anchors = self._anchors(node)
        texts = [self._anchor_raw(a) for a in anchors]
        return len(anchors), [t for t in texts if t]

    def anchor(self, node: LexborNode, cap: int) -> tuple[str, int]:
        """A link's anchor: its text collapsed, else the first non-empty ``alt`` of an image
        in it; cut to ``cap`` characters, with its full length."""
        if self._index is not None:
            text, full = self._index.collapsed(node.mem_id, cap)
            if not full:
                text = self._index.first_alt(node.mem_id)
                full = len(text)
            return text[:cap], full
        text = collapse(self._anchor_raw(node))
        if not text:
            images = node.css("img[alt]")
            self._spend(_CALL + _NODE * len(images))
            for image in images:
                text = collapse(image.attributes.get("alt") or "")
                if text:
                    break
        return text[:cap], len(text)
