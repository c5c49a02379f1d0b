"""Build the self-contained HTML report of one or more crawls (``linkgraph report``).

One file that opens offline: the CSS and the chart script (``assets/``, plain JavaScript
drawing inline SVG, no library) are inlined, and the data travels as a JSON block the
script reads. Everything that came from the web is hostile: in HTML tables it is escaped
(``html.escape``), in the JSON block ``<``, ``>``, ``&`` and the two JavaScript line
separators are written as ``\\uXXXX`` so nothing can close the block, and the script only
ever puts crawled text into the page through ``textContent``. On top of that the page
carries a Content-Security-Policy that allows exactly its own script and style (by
SHA-256 hash) and nothing else, so even an escaping bug could not run injected script.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import string
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from graph import research
from graph.output import write_text
from graph.store import crawl_dirs

__all__ = ["build_report", "render_report", "AUTHORITY_BANDS"]

_HERE = Path(__file__).resolve().parent
#: Authority bands of the histograms: [0, 10), [10, 20), ... [90, 100].
AUTHORITY_BANDS = tuple((lo, lo + 10) for lo in range(0, 100, 10))


def _asset(name: str) -> str:
    return (_HERE / name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _json_for_html(data: object) -> str:
    """JSON that cannot end its ``<script type=application/json>`` block early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    for char, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def _band(value: float | None) -> str:
    if value is None:
        return "unranked"
    for lo, hi in AUTHORITY_BANDS:
        if value < hi:
            return f"{lo}-{hi}"
    return f"{AUTHORITY_BANDS[-1][0]}-{AUTHORITY_BANDS[-1][1]}"


def _histogram(values: list[float | None], with_unranked: bool = False) -> list[dict]:
    counts = {f"{lo}-{hi}": 0 for lo, hi in AUTHORITY_BANDS}
    if with_unranked:
        counts["unranked"] = 0
    for value in values:
        band = _band(value)
        if band in counts:
            counts[band] += 1
    return [{"band": band, "domains": n} for band, n in counts.items()]


def _table(table: pa.Table, columns: Sequence[str], limit: int | None = None) -> str:
    """An escaped HTML table of ``columns`` of ``table``."""
    if table.num_rows == 0:
        return '<p class="empty">None.</p>'
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for row in table.select(list(columns)).slice(0, limit).to_pylist():
        cells = []
        for column in columns:
            value = row[column]
            if isinstance(value, float):
                cells.append(f'<td class="num">{value:.1f}</td>')
            elif isinstance(value, int | bool):
                cells.append(f'<td class="num">{html.escape(str(value))}</td>')
            elif isinstance(value, datetime):
                cells.append(f'<td class="when">{value:%Y-%m-%d %H:%M}</td>')
            else:
                cells.append(f"<td>{html.escape('' if value is None else str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if limit is not None and table.num_rows > limit:
        more = f'<p class="meta">{table.num_rows - limit} more rows not shown.</p>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def _section(title: str, content: str) -> str:
    return f'<h2>{html.escape(title)}</h2>\n<div class="box">{content}</div>\n'


def _chart(chart_id: str) -> str:
    return f'<div id="{chart_id}"></div>'


def _with_scores(auth: pa.Table, scores: pa.Table) -> pa.Table:
    """``auth`` with the ranking's ``trust`` and ``spam`` beside each domain's authority."""
    if "trust" in auth.column_names and "spam" in auth.column_names:
        return auth
    by_name = {r["domain"]: r for r in scores.select(["domain", "trust", "spam"]).to_pylist()}
    names = auth.column("domain").to_pylist()
    for position, key, kind in ((2, "trust", pa.float64()), (3, "spam", pa.bool_())):
        if key not in auth.column_names:
            values = [by_name.get(d, {}).get(key) for d in names]
            auth = auth.add_column(min(position, auth.num_columns), key, pa.array(values, kind))
    return auth


def render_report(
    dirs: Sequence[str | os.PathLike[str]],
    *,
    domain: str | None = None,
    competitors: Sequence[str] | None = None,
    authority: pa.Table | None = None,
    version: str | None = None,
) -> str:
    """The report as one HTML string (``build_report`` writes it to a file); ``version``,
    when given, is the linkgraph version it names as its generator."""
    from graph.ranking import rank
    from graph.report.domain import NEIGHBOURS, domain_sections, neighbourhood

    folders = crawl_dirs(dirs)
    target = research.domain_of(domain) if domain else None
    ranking = rank(folders)
    if target and ranking.id_of(target) is None:
        raise research.ResearchError(
            f"{target} is not in these crawls: no followable link to or from it was found "
            f"among {ranking.graph.n:,} linked domains; check the spelling, or crawl it"
        )
    scores = ranking.table()
    auth = research.load_authority(folders, authority if authority is not None else scores)
    counts = research.crawl_summary(folders)
    ranked = _with_scores(auth, scores).sort_by(
        [("authority", "descending"), ("domain", "ascending")]
    )
    data: dict[str, object] = {
        "domain": target,
        "authority_histogram": _histogram(auth["authority"].to_pylist()),
        "top_domains": [
            {"domain": r["domain"], "authority": round(float(r["authority"] or 0), 1)}
            for r in ranked.select(["domain", "authority"]).slice(0, 15).to_pylist()
        ],
    }
    sections = []
    cards = [
        ("crawls", counts["crawls"]),
        ("pages", counts["pages"]),
        ("links between domains", counts["links"]),
        ("domains", counts["domains"]),
    ]
    top_columns = [
        c
        for c in ("domain", "authority", "trust", "spam", "referring_domains", "backlinks")
        if c in ranked.column_names
    ]
    sections.append(_section("Authority distribution of the crawl", _chart("chart-authority")))
    sections.append(
        _section(
            "Top domains by authority",
            _chart("chart-top-domains") + _table(ranked, top_columns, 25),
        )
    )
    own = ""
    if target:
        profile = research.backlinks(target, folders, authority=auth)
        out_profile = research.outlinks(target, folders, authority=auth)
        summary = profile.summary
        titles = research.page_titles(folders, profile.links["dst_url"].unique().to_pylist())
        own, analyst, extra = domain_sections(target, folders, ranking, profile, auth, titles)
        data.update(extra)
        cards = [
            ("backlinks", summary["backlinks"]),
            ("referring domains", summary["referring_domains"]),
            ("dofollow", summary["dofollow"]),
            ("nofollow", summary["nofollow"]),
            *cards,
        ]
        data["referring_bands"] = _histogram(
            profile.referring_domains["authority"].to_pylist(), with_unranked=True
        )
        data["by_rel"] = profile.by_rel.select(["type", "links"]).to_pylist()
        data["by_placement"] = profile.by_placement.select(["placement", "links"]).to_pylist()
        data["top_anchors"] = [
            {"anchor": r["anchor"] if r["anchor"] else "(no text)", "links": r["links"]}
            for r in profile.top_anchors.slice(0, 15).to_pylist()
        ]
        data["changes"] = research.backlink_changes(target, folders)
        data["neighbourhood"] = neighbourhood(target, folders, profile, out_profile, auth)
        top_pages = profile.top_pages.slice(0, 25)
        top_pages = top_pages.append_column(
            "title",
            pa.array([titles.get(u) for u in top_pages["dst_url"].to_pylist()], pa.string()),
        )
        sections += [
            _section(f"Referring domains of {target} by authority band", _chart("chart-ref-bands")),
            analyst["referring"],
            _section("Dofollow and nofollow backlinks", _chart("chart-rel")),
            _section("Where the backlinks sit on the page", _chart("chart-placement")),
            _section(
                "Top anchors",
                _chart("chart-anchors")
                + _table(profile.top_anchors, ["anchor", "links", "referring_domains"], 25),
            ),
            analyst["anchors"],
            _section(
                "Top linked pages",
                _table(top_pages, ["dst_url", "title", "links", "referring_domains"]),
            ),
            analyst["ips"],
            _section("New and lost backlinks over the crawls", _chart("chart-changes")),
            analyst.get("changes", ""),
            analyst["broken"],
            _section(
                f"Link neighbourhood of {target} (the {NEIGHBOURS} neighbours of highest "
                "authority)",
                '<p class="key"><span><i class="centre"></i>the domain</span>'
                '<span><i class="referring"></i>links to it</span>'
                '<span><i class="linked"></i>it links to</span>'
                '<span><i class="both"></i>both</span></p>'
                + _chart("chart-neighbourhood")
                + '<p class="info" id="chart-neighbourhood-info"></p>',
            ),
            _section(
                "Backlinks",
                _table(
                    profile.links,
                    ["src_url", "dst_url", "anchor", "rel", "placement", "first_seen", "last_seen"],
                    100,
                ),
            ),
        ]
    else:
        data["by_rel"] = counts["by_rel"]
        data["by_placement"] = counts["by_placement"]
        sections += [
            _section("Links between domains: dofollow and nofollow", _chart("chart-rel")),
            _section("Links between domains: placement", _chart("chart-placement")),
        ]
    if competitors:
        gap = research.intersect(
            competitors, folders, not_domain=target, min_competitors=1, authority=auth
        )
        vs = ", ".join(gap.competitors) + (f" and not to {target}" if target else "")
        ordered = gap.domains.sort_by(
            [
                ("competitors_linked", "descending"),
                ("authority", "descending"),
                ("domain", "ascending"),
            ]
        )
        sections.append(
            _section(
                f"Link intersect: domains linking to {vs}",
                _table(
                    ordered,
                    ["domain", "authority", "competitors_linked", "competitors", "links"],
                    100,
                ),
            )
        )
    title = f"Backlink report: {target}" if target else "Link graph report"
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    meta = "Crawls: " + ", ".join(html.escape(f.name) for f in folders)
    card_html = (
        '<div class="cards">'
        + "".join(f'<div class="card"><b>{n:,}</b>{html.escape(label)}</div>' for label, n in cards)
        + "</div>"
    )
    css, js = _asset("assets/report.css"), _asset("assets/report.js")
    template = string.Template(_asset("templates/report.html"))
    return template.substitute(
        script_hash=_csp_hash(js),
        style_hash=_csp_hash(css),
        generator=html.escape(f"linkgraph {version}" if version else "linkgraph"),
        title=html.escape(title),
        meta=meta,
        body=own + card_html + "\n" + "".join(sections),
        generated=generated,
        data=_json_for_html(data),
        css=css,
        js=js,
    )


def build_report(
    dirs: Sequence[str | os.PathLike[str]],
    *,
    out: str | os.PathLike[str],
    domain: str | None = None,
    competitors: Sequence[str] | None = None,
    authority: pa.Table | None = None,
    version: str | None = None,
) -> Path:
    """Write the report of the crawls to ``out`` atomically; returns its path.

    With ``domain``: its backlink profile, referring domains by authority band, dofollow vs
    nofollow, placement, top anchors, new and lost links from each crawl to the next and
    its link neighbourhood. With ``competitors``: the link-intersect table (domains linking
    to any of them and not to ``domain``, most competitors first).
    """
    page = render_report(
        dirs, version=version, domain=domain, competitors=competitors, authority=authority
    )
    return write_text(page, out)
