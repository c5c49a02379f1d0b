"""The main content of a page, found from its text (no Scrapy).

Paragraph-like elements with enough text score their parent and grandparent (more text and
more commas, more score), class and id names that read as content or as boilerplate move a
candidate up or down, and a candidate's score is scaled by one minus its link density. This
is the scoring of Arc90's Readability (as in Mozilla's ``Readability.js``), itself a
descendant of the text-density view of Kohlschütter et al., "Boilerplate Detection using
Shallow Text Features" (WSDM 2010): running text is content, short link-dense blocks are
not. Siblings of the best candidate that score nearly as well join it (an article split
over several ``div``s). ``crawler.placement`` labels links relative to it; the rules are in
``docs/extraction.md`` ("Placement").
"""

from __future__ import annotations

import re
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.subtree import SubtreeText

__all__ = ["NON_WORD", "find_main_content"]

#: Runs of characters that are not letters, digits or ``_``: what "letters and digits only"
#: removes when text is measured.
NON_WORD = re.compile(r"\W+")
# Layout wrappers: never a candidate's parent worth climbing to.
_PAGE_WRAPPERS = frozenset({"html", "body", "head"})
_OUTSIDE_BODY = frozenset({"html", "head"})

# Paragraph-like elements whose text scores their ancestors (Readability's tags to score).
_SCORED = "p, pre, td, blockquote, div, section, article, main"
# Blocks holding text directly (no <p>): the text counts as a paragraph of the block itself,
# as Readability turns such text into paragraphs before scoring.
_BARE_TEXT = frozenset({"div", "section", "article", "main"})
_MIN_PARAGRAPH = 25  # characters; shorter blocks are captions, buttons, menu items
_TOP_CANDIDATES = 5

# Readability's initial score of a candidate by its tag.
_TAG_SCORE = {
    "div": 5,
    "article": 5,
    "main": 5,
    "section": 3,
    "pre": 3,
    "td": 3,
    "blockquote": 3,
    "address": -3,
    "ol": -3,
    "ul": -3,
    "dl": -3,
    "dd": -3,
    "dt": -3,
    "li": -3,
    "form": -3,
    "h1": -5,
    "h2": -5,
    "h3": -5,
    "h4": -5,
    "h5": -5,
    "h6": -5,
    "th": -5,
}

_POSITIVE_NAME = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story|prose"
)
_NEGATIVE_NAME = re.compile(
    r"hidden|banner|combx|comment|com-|contact|foot|footer|footnote|gdpr|masthead|media|meta|"
    r"outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|"
    r"tool|widget|menu|nav|breadcrumb|teaser|recirc|newsletter|subscribe"
)


def _link_density(node: LexborNode, length: int, measures: SubtreeText) -> float:
    """Share of ``node``'s text inside links (``length``: its text's length)."""
    if not length:
        return 1.0
    return min(measures.link_chars(node) / length, 1.0)


def _name_weight(node: LexborNode) -> int:
    """Readability's class weight of a candidate: +25 for content names, -25 for boilerplate
    names (per attribute), +25 for ``<article>``, ``<main>`` and ``role=main``."""
    attrs = node.attributes
    return _weight_of(node.tag, attrs.get("class"), attrs.get("id"), attrs.get("role"))


@lru_cache(maxsize=16384)
def _weight_of(tag: str, class_: str | None, id_: str | None, role: str | None) -> int:
    weight = 0
    for name in (class_, id_):
        if name:
            lowered = name.lower()
            if _NEGATIVE_NAME.search(lowered):
                weight -= 25
            if _POSITIVE_NAME.search(lowered):
                weight += 25
    if tag in ("article", "main") or role == "main":
        weight += 25
    return weight


def _landmark(tree: LexborHTMLParser) -> list[LexborNode]:
    """Without running text, the page's own word for its main content: ``<main>`` or
    ``role=main``, else its only ``<article>``."""
    node = tree.css_first("main, [role=main]")
    if node is not None:
        return [node]
    articles = tree.css("article")
    return articles if len(articles) == 1 else []


def find_main_content(
    tree: LexborHTMLParser, measures: SubtreeText | None = None
) -> list[LexborNode]:
    """The elements holding the page's main content, in document order (empty: none found).

    Readability's candidate scoring (see the module docstring): each paragraph-like element
    (``p``, ``pre``, ``td``, ``blockquote``) with at least 25 characters of text adds
    ``1 + commas + min(length // 100, 3)`` to its parent, half of that to its grandparent
    and a sixth to the next ancestor; text written straight into a ``div``/``section``/
    ``article``/``main`` counts as a paragraph of that block. Candidates start from a score
    by tag and by class/id name; the best of the top five is chosen after scaling by
    ``1 - link density``. While an ancestor scores higher (an article split into several
    blocks under it) it is taken instead; siblings of the chosen element that score at
    least a fifth as well (and at least 10) join it. ``<body>`` is the main content only
    when the paragraphs sit right in it.
    A page without such text falls back to its ``<main>`` / ``role=main`` landmark, or its
    only ``<article>``; without those it has no main content.

    ``measures`` answers the text questions (its link texts are reused as anchors); the
    work is linear in the page's size whatever its nesting (``crawler.subtree``).
    """
    if measures is None:
        measures = SubtreeText(tree, len(tree.html or ""))
    scores: dict[int, list] = {}  # mem_id -> [score, node]
    for para in tree.css(_SCORED):
        if para.tag in _BARE_TEXT:
            # Only letters and digits count here: separators between links are not prose.
            text = para.text(deep=False)
            length = len(NON_WORD.sub("", text))
            commas = text.count(",")
            node = para
        else:
            length, commas = measures.paragraph(para)
            node = para.parent
        if length < _MIN_PARAGRAPH:
            continue
        points = 1 + commas + min(length // 100, 3)
        for divider in (1.0, 2.0, 6.0):
            if node is None or node.tag in _OUTSIDE_BODY or not node.is_element_node:
                break
            key = node.mem_id
            entry = scores.get(key)
            if entry is None:
                entry = scores[key] = [_TAG_SCORE.get(node.tag, 0) + _name_weight(node), node]
            entry[0] += points / divider
            node = node.parent
    if not scores:
        return _landmark(tree)
    ranked = sorted(scores.values(), key=lambda entry: entry[0], reverse=True)
    best_score = None
    best: LexborNode | None = None
    for raw, node in ranked[:_TOP_CANDIDATES]:
        score = raw * (1.0 - _link_density(node, measures.length(node), measures))
        if best_score is None or score > best_score:
            best_score, best = score, node
    if best is None or best_score is None or best_score <= 0:
        return _landmark(tree)
    # Climb while the parent scores better: Readability's "parent of the top candidate".
    parent = best.parent
    last = scores[best.mem_id][0]
    while parent is not None and parent.tag not in _PAGE_WRAPPERS:
        entry = scores.get(parent.mem_id)
        if entry is None:
            break
        if entry[0] < last / 3:
            break
        if entry[0] > last:
            best = parent
            last = entry[0]
        parent = parent.parent
    threshold = max(10.0, scores[best.mem_id][0] * 0.2)
    parent = best.parent
    if parent is None or parent.tag in _OUTSIDE_BODY:
        return [best]
    chosen = []
    for sibling in parent.iter():
        if sibling.mem_id == best.mem_id:
            chosen.append(sibling)
            continue
        entry = scores.get(sibling.mem_id)
        if entry is not None and entry[0] >= threshold:
            chosen.append(sibling)
    return chosen
