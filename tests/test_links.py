"""What a link is, written once: the SQL and the dictionary-code readers agree on it.

``graph.research`` groups edge rows into links in SQL (``links_sql``), the graph reads
them over Parquet dictionary codes (``graph.linkscan.read_links``): two implementations
of one definition, held here to the same links, flags and counts on crawls built to
trip them (a link seen twice on a page, again in a later crawl with other flags, split
over files and row groups, fingerprints that collide).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import graph.linkscan
from crawler.schema import EDGES_SCHEMA
from graph.links import (
    FOLLOW_KIND,
    Links,
    flags_from_columns,
    follow_kind_expression,
    followable_flags,
    followable_sql,
    link_counts,
    placements_of,
)
from graph.linkscan import fingerprints, read_links
from graph.research.session import connect, links_sql
from tests.test_graph_build import edge

JAN = datetime(2026, 1, 1, tzinfo=UTC)
FEB = datetime(2026, 2, 1, tzinfo=UTC)


def write(folder, rows, *, files: int = 1, row_group: int = 1 << 20):
    (folder / "edges").mkdir(parents=True)
    (folder / "pages").mkdir()
    step = max(1, -(-len(rows) // files))
    for i in range(files):
        table = pa.Table.from_pylist(rows[i * step : (i + 1) * step], schema=EDGES_SCHEMA)
        pq.write_table(table, folder / "edges" / f"part-{i:06d}.parquet", row_group_size=row_group)
    return folder


def by_sql(dirs, level="domain") -> Links:
    with connect(dirs) as con:
        where = f"src_{level} <> dst_{level}"
        sql = links_sql(where)
        if level == "host":
            sql = sql.replace("src_domain, dst_domain", "src_host, dst_host")
            sql = sql.replace("s.src_domain AS src_domain", "s.src_host AS src_host")
            sql = sql.replace("s.dst_domain AS dst_domain", "s.dst_host AS dst_host")
        rows = con.sql(sql).to_arrow_table()
    return Links.from_rows(rows, level=level)


def as_multiset(links: Links) -> Counter:
    names = links.names.to_pylist()
    return Counter(
        (names[s], names[d], int(f))
        for s, d, f in zip(
            links.src.tolist(), links.dst.tolist(), links.flags.tolist(), strict=True
        )
    )


# A web whose links are seen more than once, in every way a crawl sees them.
PAGE = [
    edge("a.com/p", "b.com/x", anchor="home", position=1, nofollow=True, rel="nofollow"),
    edge("a.com/p", "b.com/x", anchor="home", position=8, placement="footer"),  # latest
    edge(
        "a.com/p",
        "b.com/x",
        anchor="other",
        position=9,
        placement="comment",
        ugc=True,
        nofollow=True,
        rel="ugc",
    ),
    edge("a.com/p", "b.com/x", anchor="home", position=3, kind="redirect"),  # another kind
    edge("a.com/q", "c.com/", position=0, sponsored=True, nofollow=True, rel="sponsored"),
    edge("www.a.com/", "blog.a.com/", position=0),  # inside a.com; between two hosts
    edge("c.com/", "b.com/y", position=0, kind="img"),  # a link, but no follow kind
]
PAGE = [{**row, "fetched_at": JAN} for row in PAGE]
LATER = [
    {**edge("a.com/p", "b.com/x", anchor="home", position=2, nofollow=True), "fetched_at": FEB},
    {**edge("a.com/q", "c.com/", position=0), "fetched_at": FEB},  # now followed
]


@pytest.mark.parametrize(
    ("files", "row_group"), [(1, 1 << 20), (3, 1 << 20), (2, 2)], ids=["one", "files", "groups"]
)
@pytest.mark.parametrize("level", ["domain", "host"])
def test_sql_and_dictionary_codes_find_the_same_links(tmp_path, files, row_group, level):
    dirs = [
        write(tmp_path / "jan", PAGE, files=files, row_group=row_group),
        write(tmp_path / "feb", LATER, files=files, row_group=row_group),
    ]
    found = read_links(dirs, level=level)
    assert as_multiset(found) == as_multiset(by_sql(dirs, level))
    assert link_counts(found).equals(link_counts(by_sql(dirs, level)))


def test_a_link_is_its_urls_anchor_and_kind_with_its_latest_flags_and_placement(tmp_path):
    dirs = [write(tmp_path / "jan", PAGE), write(tmp_path / "feb", LATER)]
    counts = {r["domain"]: r for r in link_counts(read_links(dirs)).to_pylist()}
    # To b.com: "home" (latest: FEB, nofollow), "other" (ugc), the redirect, c.com's img.
    assert counts["b.com"] == {
        "domain": "b.com",
        "referring_domains": 2,
        "backlinks": 4,
        "dofollow": 1,
        "nofollow": 2,
        "ugc": 1,
        "sponsored": 0,
    }
    # a.com/q -> c.com/ was sponsored in January and is followed in February.
    assert counts["c.com"]["dofollow"] == 1 and counts["c.com"]["sponsored"] == 0
    latest_home = [f for (s, d, f) in as_multiset(read_links(dirs[:1])) if d == "b.com"]
    assert sorted(placements_of(np.array(latest_home, dtype=np.uint8))) == [
        "comment",
        "content",
        "content",
        "footer",
    ]


def test_colliding_fingerprints_are_told_apart_by_their_strings(tmp_path, monkeypatch):
    rows = [edge(f"a.com/{i}", f"b.com/{j}", position=j) for i in range(4) for j in range(3)]
    dirs = [write(tmp_path / "one", rows, files=4), write(tmp_path / "two", rows[:5], files=2)]
    honest = as_multiset(read_links(dirs))
    monkeypatch.setattr(graph.linkscan, "fingerprints", lambda s: np.zeros(len(s), np.uint64))
    assert as_multiset(read_links(dirs)) == honest
    assert sum(honest.values()) == 12


def test_fingerprints_depend_on_the_string_only():
    first = pa.array(["https://a.com/x", "", "ab", "https://a.com/x", "https://a.com/y"])
    second = pa.array(["zz", "https://a.com/x", "ab", ""]).slice(1)
    fa, fb = fingerprints(first), fingerprints(second)
    assert fa[0] == fa[3] == fb[0]
    assert fa[2] == fb[1] and fa[1] == fb[2]
    assert len(set(fa.tolist())) == 4


def test_the_followable_rule_is_the_same_in_sql_pyarrow_and_numpy():
    kinds = ["a", "area", "redirect", "img"]
    rows = pa.table(
        {
            "kind": kinds * 2,
            "nofollow": [False] * 4 + [True] * 4,
            "ugc": [False] * 8,
            "sponsored": [False] * 8,
            "placement": ["content"] * 8,
        }
    )
    expected = [True, True, True, False, False, False, False, False]
    con = duckdb.connect()
    con.register("edges", rows)
    in_sql = [r[0] for r in con.execute(f"SELECT {followable_sql()} FROM edges").fetchall()]
    in_arrow = rows.filter(follow_kind_expression() & ~pa.compute.field("nofollow"))
    flags = flags_from_columns(*(rows.column(c).combine_chunks() for c in rows.column_names))
    assert in_sql == expected
    assert in_arrow.num_rows == sum(expected)
    assert followable_flags(flags).tolist() == expected
    assert ((flags & FOLLOW_KIND) != 0).tolist() == [True, True, True, False] * 2


def test_a_crawl_given_twice_is_counted_once(tmp_path):
    crawl = write(tmp_path / "jan", PAGE, files=2)
    assert as_multiset(read_links([crawl, crawl])) == as_multiset(read_links([crawl]))
