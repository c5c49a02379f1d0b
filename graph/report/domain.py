"""The report's sections about one domain: scores, referring domains explained, anchors,
IPs, new and lost links, broken backlinks, the neighbourhood (``graph.report.builder``)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from graph import research
from graph.explain import Explanation, explain
from graph.ranking import Ranking
from graph.report.analyst import anchor_mix, interactive_table, scores_cards

__all__ = ["NEIGHBOURS", "domain_sections", "explained_referrers", "neighbourhood"]

#: Domains in the neighbourhood graph besides the centre: the highest authority first.
NEIGHBOURS = 16


def explained_referrers(profile, ranking: Ranking, found: Explanation) -> pa.Table:
    """The profile's referring domains with trust, spam, relevance and explained share."""
    from graph.relevance import with_relevance

    refs = with_relevance(profile.referring_domains, ranking, found.domain, after="authority")
    rows = {r["source"]: r for r in found.table.to_pylist()}
    names = refs.column("domain").to_pylist()

    def column(key: str, kind: pa.DataType) -> pa.Array:
        return pa.array([rows.get(d, {}).get(key) for d in names], kind)

    trust = [
        None if (i := ranking.id_of(d)) is None else float(ranking.trust_score[i]) for d in names
    ]
    spam = [None if (i := ranking.id_of(d)) is None else bool(ranking.spam()[i]) for d in names]
    refs = refs.add_column(2, "trust", pa.array(trust, pa.float64()))
    refs = refs.add_column(3, "spam", pa.array(spam, pa.bool_()))
    refs = refs.append_column("share", column("share", pa.float64()))
    order = sorted(range(len(names)), key=lambda i: (-(refs["share"][i].as_py() or 0.0), names[i]))
    return refs.take(pa.array(order, pa.int64()))


def neighbourhood(
    domain: str, dirs: Sequence[Path], profile, out_profile, authority: pa.Table
) -> dict:
    """The domain, its referring and linked domains of highest authority (``NEIGHBOURS``
    in all), and the links among them; every node labelled by its name."""
    auth = dict(
        zip(authority["domain"].to_pylist(), authority["authority"].to_pylist(), strict=True)
    )
    refs = {r["domain"]: r["backlinks"] for r in profile.referring_domains.to_pylist()}
    linked = {r["domain"]: r["links"] for r in out_profile.linked_domains.to_pylist()}
    around = sorted(
        (refs.keys() | linked.keys()) - {domain}, key=lambda d: (-(auth.get(d) or 0.0), d)
    )[:NEIGHBOURS]
    names = [domain, *sorted(around)]
    index = {name: i for i, name in enumerate(names)}
    nodes = []
    for name in names:
        role = "centre"
        if name != domain:
            both = name in refs and name in linked
            role = "both" if both else "referring" if name in refs else "linked"
        value = auth.get(name)
        nodes.append(
            {
                "name": name,
                "role": role,
                "authority": None if value is None else round(float(value), 1),
                "links": refs.get(name, 0) + linked.get(name, 0),
            }
        )
    rows = research.links_among(dirs, names)
    links = [{"source": index[s], "target": index[d], "links": n} for s, d, n in rows]
    return {"nodes": nodes, "links": links}


def _links_list(table: pa.Table, title: str, limit: int = 100) -> str:
    from graph.report.builder import _table

    columns = [
        c for c in ("src_url", "dst_url", "anchor", "rel", "reason") if c in table.column_names
    ]
    return f"<h3>{html.escape(title)} ({table.num_rows:,})</h3>" + _table(table, columns, limit)


def domain_sections(
    target: str,
    folders: Sequence[Path],
    ranking: Ranking,
    profile,
    auth: pa.Table,
    titles: dict[str, str],
) -> tuple[str, dict[str, str], dict]:
    """The scores cards, the sections (by name) and the chart data about ``target``."""
    from graph.report.builder import _section, _table

    found = explain(ranking, target)
    refs = explained_referrers(profile, ranking, found)
    teleport = found.table.column("share")[-1].as_py()
    columns = ["domain", "authority", "trust", "spam", "relevance", "same_niche", "share"]
    columns += ["backlinks", "dofollow", "last_seen"]
    sections = {
        "referring": _section(
            f"Referring domains of {target}: authority, trust, relevance, explained share",
            f'<p class="meta">{found.table.num_rows - 1:,} referring domains pass '
            f"{1 - teleport:.1%} of its PageRank; the random jump and dangling domains "
            f"give the other {teleport:.1%}. Relevant: in its niche "
            "(docs/authority.md).</p>"
            + interactive_table(refs, columns, "referring-table", filters=("same_niche", "spam")),
        )
    }
    mix = anchor_mix(profile.links, target, titles)
    mix_table = pa.table(
        {
            "anchor_kind": [m["kind"] for m in mix],
            "links": [m["links"] for m in mix],
            "share": [m["share"] for m in mix],
        }
    )
    sections["anchors"] = _section(
        "Anchor mix: exact-match, branded, URL, generic",
        _table(mix_table, ["anchor_kind", "links", "share"]),
    )
    sections["ips"] = _section(
        "Referring IPs and subnets",
        '<div class="pair"><div>'
        + _table(profile.ips, ["ip", "referring_domains"], 25)
        + "</div><div>"
        + _table(profile.subnets, ["subnet", "referring_domains"], 25)
        + "</div></div>",
    )
    if len(folders) >= 2:
        change = research.diff(
            [folders[-2]], [folders[-1]], domain=target, authority_old=auth, authority_new=auth
        )
        label = f"{folders[-2].name} \u2192 {folders[-1].name}"
        sections["changes"] = _section(
            f"New and lost backlinks, {label}",
            _links_list(change.new_links, "New") + _links_list(change.lost_links, "Lost"),
        )
    broken = research.broken(target, folders)
    inbound = broken.filter(pa.compute.equal(broken["direction"], "inbound"))
    sections["broken"] = _section(
        "Broken backlinks to reclaim",
        _table(inbound, ["src_url", "dst_url", "anchor", "status", "final_status"], 100),
    )
    data = {
        "own": {
            "authority": round(found.authority, 1),
            "trust": round(found.trust, 1),
            "spam_mass": round(found.spam_mass, 3),
            "spam": found.spam,
        },
        "anchor_mix": mix,
    }
    return scores_cards(found), sections, data
