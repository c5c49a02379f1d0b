"""The research commands against the sandbox web's ground truth.

Two truths of the same sandbox (300 pages, seed 1): revision 0 in January and revision 1
(links added and removed, a page that breaks) in February, written in crawl layout. Every
expected value is computed here from the truth tables with plain Python, independently of
the SQL in ``graph.research``; "the same link" is (src_url, dst_url, anchor, kind), with
the flags and placement of its latest sighting, as ``docs/research.md`` defines it.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import UTC, datetime

import pytest

from crawler.sandbox import SandboxWeb, crawl_truth, write_truth
from graph import research
from linkgraph.cli import main

JAN = datetime(2026, 1, 1, tzinfo=UTC)
FEB = datetime(2026, 2, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def truths(tmp_path_factory):
    """(web, truth, crawl dir) for revision 0 and revision 1 of the sandbox."""
    base = tmp_path_factory.mktemp("research-sandbox")
    result = []
    for revision, at in ((0, JAN), (1, FEB)):
        web = SandboxWeb(pages=300, seed=1, revision=revision)
        truth = crawl_truth(web, crawl_id=f"rev{revision}", fetched_at=at)
        folder = write_truth(truth, base / f"rev{revision}")
        result.append((web, truth, folder))
    return result


@pytest.fixture(scope="module")
def authority(truths):
    from graph.authority import rank_table

    return rank_table([truths[0][2]])


def links_of(truth) -> dict[tuple, dict]:
    """One row per link (the key), the last in document order winning, as the SQL does."""
    result: dict[tuple, dict] = {}
    for row in sorted(truth.edges.to_pylist(), key=lambda r: (r["src_url"], r["position"])):
        key = (row["src_url"], row["dst_url"], row["anchor"], row["kind"])
        result[key] = row
    return result


def backlinks_of(truth, domain: str) -> dict[tuple, dict]:
    return {
        k: r
        for k, r in links_of(truth).items()
        if r["dst_domain"] == domain and r["src_domain"] != domain
    }


def final_status(truth) -> dict[str, int | None]:
    """Each URL's final status along redirect_to (None when the chain loops or leaves the truth)."""
    pages = {p["url"]: p for p in truth.pages.to_pylist()}
    result = {}
    for url in pages:
        seen, current = {url}, pages[url]
        while current["status"] is not None and 300 <= current["status"] < 400:
            nxt = current["redirect_to"]
            if not nxt or nxt in seen or nxt not in pages:
                current = None
                break
            seen.add(nxt)
            current = pages[nxt]
        result[url] = None if current is None else current["status"]
    return result


def test_backlink_profile_of_the_money_site_matches_the_truth(truths, authority):
    web, truth, folder = truths[0]
    money = web.features["money_site"]
    expected = backlinks_of(truth, money)
    profile = research.backlinks(money, [folder], authority=authority)
    assert len(expected) > 5
    assert profile.links.num_rows == len(expected)
    assert {r["domain"] for r in profile.referring_domains.to_pylist()} == {
        r["src_domain"] for r in expected.values()
    }
    assert set(web.features["link_farm"]) <= {
        r["domain"] for r in profile.referring_domains.to_pylist()
    }
    by_placement = Counter(r["placement"] for r in expected.values())
    assert {r["placement"]: r["links"] for r in profile.by_placement.to_pylist()} == by_placement
    by_kind = Counter(r["kind"] for r in expected.values())
    assert {r["kind"]: r["links"] for r in profile.by_kind.to_pylist()} == by_kind
    ranks = dict(zip(*authority.select(["domain", "authority"]).to_pydict().values(), strict=True))
    for row in profile.referring_domains.to_pylist():
        assert row["authority"] == ranks.get(row["domain"])


@pytest.mark.parametrize("feature", ["comment_links", "sponsored_links", "sitewide_footer"])
def test_rel_and_placement_counts_match_the_truth_where_the_sandbox_has_special_links(
    truths, authority, feature
):
    web, truth, folder = truths[0]
    spec = web.features[feature]
    if isinstance(spec, dict):
        domains = [research.domain_of(spec["target"])]
    else:
        rows = [r for r in truth.edges.to_pylist() if r["src_url"] in spec and not r["internal"]]
        domains = sorted({r["dst_domain"] for r in rows})
    assert domains
    for domain in domains:
        expected = backlinks_of(truth, domain).values()
        profile = research.backlinks(domain, [folder], authority=authority)
        counts = {
            r["type"]: (r["links"], r["referring_domains"]) for r in profile.by_rel.to_pylist()
        }

        def count(flag, rows=expected):
            chosen = [r for r in rows if flag(r)]
            return len(chosen), len({r["src_domain"] for r in chosen})

        assert counts == {
            "dofollow": count(lambda r: not r["nofollow"]),
            "nofollow": count(lambda r: r["nofollow"]),
            "ugc": count(lambda r: r["ugc"]),
            "sponsored": count(lambda r: r["sponsored"]),
        }
        assert {r["placement"]: r["links"] for r in profile.by_placement.to_pylist()} == Counter(
            r["placement"] for r in expected
        )


def test_intersect_of_chosen_domains_matches_the_truth(truths, authority):
    _, truth, folder = truths[0]
    referring: dict[str, set[str]] = defaultdict(set)
    for row in truth.edges.to_pylist():
        if row["src_domain"] != row["dst_domain"]:
            referring[row["dst_domain"]].add(row["src_domain"])
    popular = sorted(referring, key=lambda d: (-len(referring[d]), d))
    competitors, mine = popular[:3], popular[3]
    expected = {}
    for source in set().union(*(referring[c] for c in competitors)):
        linked = sum(source in referring[c] for c in competitors)
        if linked >= 2 and source not in referring[mine] and source != mine:
            expected[source] = linked
    assert expected, "the chosen competitors share linking domains"
    result = research.intersect(
        competitors, [folder], not_domain=mine, min_competitors=2, authority=authority
    )
    assert {r["domain"]: r["competitors_linked"] for r in result.domains.to_pylist()} == expected
    values = [r["authority"] for r in result.domains.to_pylist()]
    assert values == sorted(values, key=lambda v: -1 if v is None else -v)


def test_broken_finds_the_sandboxes_dead_pages_and_redirects_into_them(truths):
    web, truth, folder = truths[0]
    domain = research.domain_of(web.features["not_found"][0])
    status = final_status(truth)
    expected = {
        (k[0], k[1])
        for k, r in links_of(truth).items()
        if domain in (r["src_domain"], r["dst_domain"])
        and status.get(r["dst_url"]) is not None
        and status[r["dst_url"]] >= 400
    }
    table = research.broken(domain, [folder])
    assert {(r["src_url"], r["dst_url"]) for r in table.to_pylist()} == expected
    targets = {r["dst_url"] for r in table.to_pylist()}
    for feature in ("not_found", "gone", "server_error"):
        assert set(web.features[feature]) <= targets, feature
    assert not set(web.features["redirect_loop"]) & targets


def test_diff_between_two_revisions_of_the_sandbox_matches_the_truth(truths, authority):
    (web0, truth0, old), (web1, truth1, new) = truths
    links0 = {k for k, r in links_of(truth0).items() if r["src_domain"] != r["dst_domain"]}
    links1 = {k for k, r in links_of(truth1).items() if r["src_domain"] != r["dst_domain"]}
    result = research.diff([old], [new], authority_old=authority, authority_new=authority)
    key = ("src_url", "dst_url", "anchor", "kind")
    got_new = {tuple(r[c] for c in key) for r in result.new_links.to_pylist()}
    got_lost = {tuple(r[c] for c in key) for r in result.lost_links.to_pylist()}
    assert got_new == links1 - links0
    assert got_lost == links0 - links1
    changes = web1.features["revision_changes"]
    pairs_new = {(k[0], k[1]) for k in got_new}
    pairs_lost = {(k[0], k[1]) for k in got_lost}
    for src, dst in changes["links_added"]:
        assert (src, dst) in pairs_new
    for src, dst in changes["links_removed"]:
        assert (src, dst) in pairs_lost


def test_a_page_that_breaks_in_the_new_revision_shows_in_broken(truths):
    (_, truth0, old), (web1, truth1, new) = truths
    (page,) = web1.features["revision_changes"]["broken"]
    domain = research.domain_of(page)
    assert page not in {r["dst_url"] for r in research.broken(domain, [old]).to_pylist()}
    rows = [r for r in research.broken(domain, [old, new]).to_pylist() if r["dst_url"] == page]
    assert rows and all(r["status"] >= 400 for r in rows)
    # Links seen in either crawl count (the page's own self-links were seen in January).
    seen = links_of(truth0) | links_of(truth1)
    expected = {k[0] for k, r in seen.items() if r["dst_url"] == page}
    assert {r["src_url"] for r in rows} == expected


def test_sql_csv_neutralises_the_sandboxes_formula_anchors(truths, tmp_path):
    web, _, folder = truths[0]
    (hostile,) = web.features["hostile_anchors"]
    out = tmp_path / "anchors.csv"
    query = f"SELECT anchor FROM edges WHERE src_url = '{hostile}' ORDER BY position"
    assert main(["sql", query, str(folder), "--out", str(out)]) == 0
    with out.open(newline="", encoding="utf-8") as fh:
        cells = [row[0] for row in csv.reader(fh)][1:]
    anchors = research.sql(query, [folder])["anchor"].to_pylist()
    assert len(cells) == len(anchors)
    for cell, anchor in zip(cells, anchors, strict=True):
        assert cell == ("'" + anchor if anchor[:1] in ("=", "+", "-", "@") else anchor)
    assert any(a.startswith("=") for a in anchors) and any(a.startswith("<script") for a in anchors)
