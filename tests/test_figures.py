"""One definition of each number: the CLI, the Python API and the report agree.

On a real crawl of the sandbox web, and on two crawls of that same web (the second a day
later), ``linkgraph rank``, ``linkgraph backlinks``, ``graph.authority.rank_table``,
``graph.research.backlinks`` and the report give every domain the figures that the
definition in ``docs/research.md`` gives, computed here in plain Python from the edge
rows: a link is (src_url, dst_url, anchor, kind), counted once however often it was
seen, with the flags of its latest sighting.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from graph import research
from graph.authority import rank_table
from graph.report import render_report
from linkgraph.cli import main

FIGURES = ("referring_domains", "backlinks", "dofollow", "nofollow", "ugc", "sponsored")


def _later_copy(crawl, folder, days: int = 1):
    """The same crawl, fetched ``days`` later: every page and link again."""
    for table in ("pages", "edges"):
        (folder / table).mkdir(parents=True)
        for part in sorted((crawl / table).glob("*.parquet")):
            rows = pq.read_table(part)
            at = rows.schema.get_field_index("fetched_at")
            later = pc.add(rows.column(at), pa.scalar(timedelta(days=days)))
            rows = rows.set_column(at, rows.schema.field(at), later.cast(rows.schema[at].type))
            pq.write_table(rows, folder / table / part.name)
    return folder


@pytest.fixture(scope="module")
def crawls(sandbox_crawl, tmp_path_factory):
    first = sandbox_crawl[0]
    return {
        "one crawl": [first],
        "two crawls of the same web": [first, _later_copy(first, tmp_path_factory.mktemp("d2"))],
    }


def reference(dirs) -> dict[str, dict[str, int]]:
    """The figures of every domain, by the definition, one row at a time."""
    rows = []
    for folder in dirs:
        rows += ds.dataset(str(folder / "edges"), format="parquet").to_table().to_pylist()
    links: dict[tuple, dict] = {}
    for row in sorted(rows, key=lambda r: (r["fetched_at"], r["position"])):
        if row["src_domain"] != row["dst_domain"]:
            links[(row["src_url"], row["dst_url"], row["anchor"], row["kind"])] = row
    figures: dict[str, dict] = {}
    for link in links.values():
        mine = figures.setdefault(
            link["dst_domain"], {name: 0 for name in FIGURES} | {"from": set()}
        )
        mine["from"].add(link["src_domain"])
        mine["backlinks"] += 1
        mine["dofollow"] += link["kind"] in ("a", "area", "redirect") and not link["nofollow"]
        for flag in ("nofollow", "ugc", "sponsored"):
            mine[flag] += link[flag]
    for mine in figures.values():
        mine["referring_domains"] = len(mine.pop("from"))
    return figures


@pytest.mark.parametrize("which", ["one crawl", "two crawls of the same web"])
def test_rank_backlinks_and_the_report_give_the_definitions_figures(
    crawls, which, tmp_path, capsys
):
    dirs = crawls[which]
    expected = reference(dirs)
    table = rank_table(dirs)
    for row in table.to_pylist():
        want = expected.get(row["domain"], dict.fromkeys(FIGURES, 0))
        assert {k: row[k] for k in ("referring_domains", "backlinks", "dofollow")} == {
            k: want[k] for k in ("referring_domains", "backlinks", "dofollow")
        }, row["domain"]
    # The domain with the most backlinks, and every figure of it, everywhere.
    domain = max(expected, key=lambda d: (expected[d]["backlinks"], d))
    want = expected[domain]
    profile = research.backlinks(domain, dirs)
    assert profile.summary == {name: want[name] for name in profile.summary}
    assert set(profile.summary) == set(FIGURES)
    assert profile.links.num_rows == want["backlinks"]
    assert profile.referring_domains.num_rows == want["referring_domains"]

    argv = [str(d) for d in dirs]
    out = tmp_path / "rank.json"
    assert main(["rank", *argv, "--out", str(out)]) == 0
    ranked = {r["domain"]: r for r in json.loads(out.read_text())}
    assert ranked[domain]["backlinks"] == want["backlinks"]
    assert ranked[domain]["referring_domains"] == want["referring_domains"]
    capsys.readouterr()
    assert main(["backlinks", domain, *argv, "--limit", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        f"Backlink profile of {domain}: backlinks {want['backlinks']:,}, referring domains "
        f"{want['referring_domains']:,}, dofollow {want['dofollow']:,}, nofollow "
        f"{want['nofollow']:,}, ugc {want['ugc']:,}, sponsored {want['sponsored']:,}"
    )

    page = render_report(dirs, domain=domain, authority=table)
    cards = dict(
        (label, int(n.replace(",", "")))
        for n, label in re.findall(r'<div class="card"><b>([\d,]+)</b>([^<]+)</div>', page)
    )
    assert cards["backlinks"] == want["backlinks"]
    assert cards["referring domains"] == want["referring_domains"]
    assert cards["dofollow"] == want["dofollow"]
    assert cards["nofollow"] == want["nofollow"]
    cells = re.search(
        rf"<tr><td>{re.escape(domain)}</td><td class=\"num\">[\d.]+</td>"
        r'<td class="num">[\d.]+</td><td class="num">(?:True|False)</td>'  # trust, spam
        r'<td class="num">(\d+)</td><td class="num">(\d+)</td></tr>',
        page,
    )
    assert cells and tuple(map(int, cells.groups())) == (
        want["referring_domains"],
        want["backlinks"],
    )


def test_two_crawls_of_the_same_web_count_each_link_once(crawls):
    one, two = crawls["one crawl"], crawls["two crawls of the same web"]
    assert reference(two) == reference(one)
    columns = ["domain", "referring_domains", "backlinks", "dofollow"]
    assert rank_table(two).select(columns).equals(rank_table(one).select(columns))
