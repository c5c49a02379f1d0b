"""Main-content extractors as link placement: which links fall inside what each keeps.

Used by ``benchmarks/bench_placement.py --candidates``. For each page an extractor returns
the links of its main content (hrefs resolved against the page's base URL); a page's link
counts as ``content`` when its destination is still among those (a multiset, so a link
repeated in a menu and in the text is matched once per occurrence kept), in document order.

* trafilatura 2.x: ``trafilatura.extract(output_format="xml", include_links=True)``, its
  ``<ref target>`` elements (Barbaresi, ACL 2021);
* readability-lxml: ``Document(html).summary(html_partial=True)``, its ``<a href>``s (a
  port of Arc90's Readability);
* jusText 3: the ``<a href>``s under the paragraphs it classifies as good, found in its own
  pre-processed tree by each paragraph's XPath (Pomikálek, 2011), English stop words.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from selectolax.lexbor import LexborHTMLParser

from crawler.urls import resolve_href

__all__ = ["CANDIDATES", "candidate_flags"]


def _base(html: str, url: str) -> str:
    tree = LexborHTMLParser(html)
    node = tree.css_first("base[href]")
    if node is not None:
        return resolve_href(url, node.attributes.get("href") or "") or url
    return url


def _resolve_all(hrefs, base: str) -> Counter:
    return Counter(dst for href in hrefs if (dst := resolve_href(base, href or "")) is not None)


def trafilatura_links(html: str, url: str) -> Counter:
    import lxml.etree
    import trafilatura

    xml = trafilatura.extract(html, url=url, output_format="xml", include_links=True)
    if not xml:
        return Counter()
    root = lxml.etree.fromstring(xml.encode("utf-8"))
    return _resolve_all((ref.get("target") for ref in root.iter("ref")), _base(html, url))


def readability_links(html: str, url: str) -> Counter:
    from readability import Document

    summary = Document(html).summary(html_partial=True)
    tree = LexborHTMLParser(summary)
    return _resolve_all((a.attributes.get("href") for a in tree.css("a[href]")), _base(html, url))


def justext_links(html: str, url: str) -> Counter:
    import justext
    from justext.core import (
        ParagraphMaker,
        classify_paragraphs,
        html_to_dom,
        preprocessor,
        revise_paragraph_classification,
    )

    dom = preprocessor(html_to_dom(html.encode("utf-8"), "utf-8", None, "replace"))
    paragraphs = ParagraphMaker.make_paragraphs(dom)
    classify_paragraphs(
        paragraphs, justext.get_stoplist("English"), 70, 200, 0.30, 0.32, 0.2, False
    )
    revise_paragraph_classification(paragraphs, 200)
    hrefs = []
    for paragraph in paragraphs:
        if paragraph.is_boilerplate:
            continue
        for element in dom.xpath(paragraph.xpath):
            hrefs.extend(a.get("href") for a in element.iter("a") if a.get("href"))
    return _resolve_all(hrefs, _base(html, url))


CANDIDATES: dict[str, Callable[[str, str], Counter]] = {
    "trafilatura": trafilatura_links,
    "readability-lxml": readability_links,
    "jusText": justext_links,
}


def candidate_flags(name: str, html: str, url: str, dsts: list[str]) -> tuple[list[bool], float]:
    """(for each link destination in document order: is it content?, CPU seconds taken)."""
    started = time.process_time()
    try:
        kept = CANDIDATES[name](html, url)
    except Exception:  # noqa: BLE001 - an extractor failing on a page keeps nothing
        kept = Counter()
    seconds = time.process_time() - started
    flags = []
    for dst in dsts:
        if kept[dst] > 0:
            kept[dst] -= 1
            flags.append(True)
        else:
            flags.append(False)
    return flags, seconds
