"""The report's analyst sections: the domain's own scores, its referring domains with the
share of its PageRank each explains, the anchor mix, new and lost links, broken backlinks.

Every string from the crawl is escaped here (``html.escape``); the interactive table is
plain HTML whose rows the report's script reorders and hides (sort, filter, search), never
rebuilds from markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import pyarrow as pa

__all__ = ["ANCHOR_KINDS", "anchor_kind", "anchor_mix", "interactive_table", "scores_cards"]

#: Anchor classes, in the order the report lists them.
ANCHOR_KINDS = ("exact-match", "branded", "URL", "generic", "other")

#: Anchors that say nothing about the target (the usual "generic anchor" list of SEO tools).
GENERIC = frozenset(
    {
        "",
        "click here",
        "here",
        "this",
        "link",
        "read more",
        "more",
        "learn more",
        "visit",
        "website",
        "site",
        "this site",
        "homepage",
        "home",
        "page",
        "source",
        "view",
        "details",
        "continue",
        "see more",
        "more info",
        "find out more",
        "check it out",
    }
)
_URLISH = re.compile(r"^(https?://|www\.)|^[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?$", re.IGNORECASE)
_FOLD = re.compile(r"[^a-z0-9]+")


def _fold(text: str) -> str:
    return _FOLD.sub("", text.lower())


def anchor_kind(anchor: str | None, domain: str, title: str | None = None) -> str:
    """The class of one backlink's anchor text (``docs/authority.md``, "The report's domain sections").

    * ``URL``: the anchor is a URL or a bare host name;
    * ``branded``: it contains the brand, the domain's name without its suffix
      (``willow-yard.com`` -> ``willowyard``, compared without spaces, case or punctuation);
    * ``generic``: it is one of the usual content-free anchors (``click here``, ``read
      more``, ``website``...) or empty;
    * ``exact-match``: it is the linked page's title (the words a page targets), case and
      punctuation aside;
    * ``other``: anything else (partial matches, descriptions).
    """
    text = (anchor or "").strip()
    if _URLISH.match(text):
        return "URL"
    brand = _fold(domain.split(".")[0])
    folded = _fold(text)
    if brand and brand in folded:
        return "branded"
    if text.lower() in GENERIC or not folded:
        return "generic"
    if title and folded == _fold(title):
        return "exact-match"
    return "other"


def anchor_mix(links: pa.Table, domain: str, titles: dict[str, str]) -> list[dict]:
    """The share of backlinks (rows of ``links``: ``anchor``, ``dst_url``) in each class."""
    counts = dict.fromkeys(ANCHOR_KINDS, 0)
    rows = links.select(["anchor", "dst_url"]).to_pylist()
    for row in rows:
        counts[anchor_kind(row["anchor"], domain, titles.get(row["dst_url"]))] += 1
    total = max(1, len(rows))
    return [{"kind": k, "links": n, "share": round(n / total, 4)} for k, n in counts.items()]


def scores_cards(found) -> str:
    """The domain's own authority, trust and spam flag, first in the report."""
    verdict = "spam" if found.spam else "not spam"
    cells = [
        ("authority", f"{found.authority:.1f}", "PageRank on a 0-100 log scale"),
        ("trust", f"{found.trust:.1f}", "TrustRank from the trusted core, 0-100"),
        ("spam mass", f"{found.spam_mass:.2f}", "share of PageRank not from the core"),
        ("spam flag", verdict, "docs/authority.md, Spam mass"),
    ]
    flag = " flagged" if found.spam else ""
    return (
        f'<div class="cards scores{flag}" id="own-scores">'
        + "".join(
            f'<div class="card" title="{html.escape(hint)}"><b>{html.escape(value)}</b>'
            f"{html.escape(label)}</div>"
            for label, value, hint in cells
        )
        + "</div>"
    )


def _cell(value: object, column: str) -> str:
    if value is None:
        return '<td class="num" data-value="">-</td>'
    if isinstance(value, bool):
        shown = "yes" if value else "no"
        return f'<td data-number data-value="{int(value)}">{shown}</td>'
    if isinstance(value, float):
        shown = (
            f"{value:.1%}" if column == "share" else f"{value:.2f}" if value < 1 else f"{value:.1f}"
        )
        return f'<td class="num" data-number data-value="{value!r}">{shown}</td>'
    if isinstance(value, int):
        return f'<td class="num" data-number data-value="{value}">{value:,}</td>'
    text = html.escape(str(value))
    return f'<td data-value="{text}">{text}</td>'


def interactive_table(
    table: pa.Table, columns: Sequence[str], table_id: str, filters: Sequence[str] = ()
) -> str:
    """A table the page can sort (click a header), search (the box) and filter (the
    checkboxes, one per boolean column in ``filters``: only rows where it is true)."""
    if table.num_rows == 0:
        return '<p class="empty">None.</p>'
    controls = [
        f'<input type="search" class="table-search" data-table="{table_id}" '
        'placeholder="Search this table" aria-label="Search this table">'
    ]
    for name in filters:
        controls.append(
            f'<label class="table-filter"><input type="checkbox" data-table="{table_id}" '
            f'data-column="{columns.index(name)}"> {html.escape(name.replace("_", " "))} only'
            "</label>"
        )
    head = "".join(
        f'<th data-column="{i}" title="sort by {html.escape(c)}">{html.escape(c)}</th>'
        for i, c in enumerate(columns)
    )
    body = "".join(
        "<tr>" + "".join(_cell(row[c], c) for c in columns) + "</tr>"
        for row in table.select(list(columns)).to_pylist()
    )
    return (
        f'<div class="table-controls">{"".join(controls)}</div>'
        f'<table class="interactive" id="{table_id}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )
