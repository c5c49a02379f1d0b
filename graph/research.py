"""Competitor link research: backlinks, intersect, diff, broken, outlinks and SQL over crawls.

The questions an SEO asks of Ahrefs or Semrush, answered from your own crawls: who links to
a domain (its backlink profile), who links to my competitors and not to me (Ahrefs' Link
Intersect, Semrush's Backlink Gap), what changed between two crawls, which backlinks point
at pages that are gone (link reclamation), where a domain links to, and anything else in
SQL. Every function here takes crawl directories (``graph.store``) and returns pyarrow
Tables or small dataclasses of Tables; the ``linkgraph`` commands are a thin layer over
them. Definitions (what "a link", "first seen" and "broken" mean) are in
``docs/research.md``.

Queries run in DuckDB straight over the Parquet files: only the columns a query needs are
read, and the domain filters are pushed down into the Parquet scan. Edges are written in
crawl order, so over the raw files every query still decompresses its columns for every
edge; ``build_index`` (``linkgraph index``) rewrites them bucketed and sorted by target
domain, after which a backlink query reads little more than its own rows (figures in
``docs/benchmarks.md``, "Research queries").
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import shutil
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from crawler.errors import LinkgraphError
from crawler.schema import EDGES_SCHEMA, PAGES_SCHEMA, TIMESTAMP
from crawler.urls import host_of, normalize_url, registered_domain
from graph.store import crawl_dirs, crawl_files

logger = logging.getLogger(__name__)

__all__ = [
    "LINK_COLUMNS",
    "BacklinkProfile",
    "IntersectResult",
    "DiffResult",
    "OutlinkProfile",
    "ResearchError",
    "domain_of",
    "load_authority",
    "backlinks",
    "intersect",
    "diff",
    "broken",
    "outlinks",
    "sql",
    "connect",
    "build_index",
    "index_bucket",
    "INDEX_DIR",
]

#: Columns of every one-row-per-link table (``--out`` of backlinks, broken, outlinks).
LINK_COLUMNS = (
    "src_url",
    "dst_url",
    "src_domain",
    "dst_domain",
    "anchor",
    "rel",
    "nofollow",
    "ugc",
    "sponsored",
    "kind",
    "placement",
    "first_seen",
    "last_seen",
)

#: DuckDB settings: the machine is shared, and a query must not take the whole of it.
DUCKDB_THREADS = int(os.environ.get("LINKGRAPH_DUCKDB_THREADS", "2"))
DUCKDB_MEMORY_LIMIT = os.environ.get("LINKGRAPH_DUCKDB_MEMORY_LIMIT", "1GB")

_REDIRECT_HOPS = 10
# "mailto:x", "javascript:y" (but not "example.com:8080", a host and port).
_OTHER_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)


class ResearchError(LinkgraphError):
    """A research query cannot run as asked (bad domain, bad SQL); the message is one line."""


# --------------------------------------------------------------------------- plumbing


def domain_of(text: str) -> str:
    """The registered domain a user meant by ``text``: a domain, a host or a URL.

    Users type ``www.Example.com``, ``example.com`` or paste ``https://www.example.com/x``;
    all of them mean ``example.com`` (``crawler.urls.registered_domain``).

    >>> domain_of("https://Blog.RoseGarden.co.uk/x?y=1")
    'rosegarden.co.uk'
    >>> domain_of("www.example.com")
    'example.com'
    """
    raw = text.strip()
    if "://" not in raw and _OTHER_SCHEME.match(raw):
        raise ResearchError(f"{text!r} is not a domain, host or http(s) URL")
    url = normalize_url(raw if "://" in raw else "http://" + raw)
    host = host_of(url) if url else ""
    if not host or "." not in host.strip("[]") and host != "localhost":
        raise ResearchError(f"{text!r} is not a domain, host or http(s) URL")
    return registered_domain(host)


@contextmanager
def connect(
    dirs: Sequence[str | os.PathLike[str]] | None = None,
    *,
    dst_domains: Sequence[str] | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection with views ``edges`` and ``pages`` over the crawls' Parquet files.

    With ``dst_domains`` the caller promises to ask only about edges pointing into those
    domains; when every crawl has an up-to-date backlink index (``build_index``), ``edges``
    then reads only the index buckets that can hold them. Threads and memory are capped (``LINKGRAPH_DUCKDB_THREADS``, default 2;
    ``LINKGRAPH_DUCKDB_MEMORY_LIMIT``, default 1GB) and spill files go to a private
    temporary directory that is removed on exit, because DuckDB leaves them behind when a
    connection is not closed. Timestamps are in UTC.
    """
    spill = tempfile.mkdtemp(prefix="linkgraph-duckdb-")
    con = duckdb.connect(
        config={
            "threads": DUCKDB_THREADS,
            "memory_limit": DUCKDB_MEMORY_LIMIT,
            "temp_directory": spill,
        }
    )
    try:
        con.execute("SET TimeZone = 'UTC'")
        if dirs is not None:
            checked = crawl_dirs(dirs)
            for name, schema in (("edges", EDGES_SCHEMA), ("pages", PAGES_SCHEMA)):
                files = crawl_files(checked, name)
                if name == "edges" and dst_domains is not None:
                    files = _indexed_files(checked, dst_domains) or files
                if files:
                    listed = ", ".join(_quote(f) for f in files)
                    con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{listed}])")
                else:
                    con.register(f"_empty_{name}", schema.empty_table())
                    con.execute(f"CREATE VIEW {name} AS SELECT * FROM _empty_{name}")
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


# --------------------------------------------------------------------------- the index

#: Where ``build_index`` writes, inside a crawl directory.
INDEX_DIR = "research-index"
INDEX_BUCKETS = 64
_INDEX_VERSION = 1
_INDEX_ROW_GROUP = 16_384


def index_bucket(domain: str, buckets: int = INDEX_BUCKETS) -> int:
    """The index bucket of a registered domain: CRC-32 of its UTF-8 bytes, modulo ``buckets``.

    CRC-32 (``zlib.crc32``) rather than Python's ``hash``, which is salted per process, or
    DuckDB's ``hash``, which may change between versions: an index must mean the same
    thing to every reader.
    """
    return zlib.crc32(domain.encode("utf-8")) % buckets


def _edge_files_state(folder: Path) -> list[list]:
    return [
        [Path(f).name, os.stat(f).st_size, int(os.stat(f).st_mtime)]
        for f in crawl_files([folder], "edges")
    ]


def _index_manifest(folder: Path) -> dict | None:
    """The crawl's index manifest if the index matches the crawl's edge files, else None."""
    try:
        manifest = json.loads((folder / INDEX_DIR / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("version") != _INDEX_VERSION:
        return None
    if manifest.get("edges_files") != _edge_files_state(folder):
        logger.warning("%s: the research index is out of date; not used", folder)
        return None
    return manifest


def _indexed_files(folders: Sequence[Path], domains: Sequence[str]) -> list[str] | None:
    """The index bucket files holding edges into ``domains``, or None to scan everything.

    ``LINKGRAPH_RESEARCH_INDEX=0`` in the environment turns the index off (for measuring).
    """
    if os.environ.get("LINKGRAPH_RESEARCH_INDEX", "1") == "0":
        return None
    files: list[str] = []
    for folder in folders:
        manifest = _index_manifest(folder)
        if manifest is None:
            return None
        buckets = sorted({index_bucket(d, manifest["buckets"]) for d in domains})
        for bucket in buckets:
            path = folder / INDEX_DIR / f"dst-{bucket:03d}.parquet"
            if path.exists():
                files.append(str(path))
    return files


def build_index(
    crawl_dir: str | os.PathLike[str],
    *,
    buckets: int = INDEX_BUCKETS,
    batch_rows: int = 1_000_000,
) -> Path:
    """Write the crawl's edges again, split by target domain into ``buckets`` files.

    A backlink query must find the few edges into one domain among all of them. The
    crawler writes edges page by page, so the target domain is in no order, Parquet
    row-group statistics cannot skip anything, and every query decompresses the whole
    ``dst_domain`` and ``dst_url`` columns. This writes them again, split by a hash of the
    target domain (hash partitioning, as a distributed database would do it), each bucket
    sorted by target domain in small row groups: a query about a domain opens one bucket
    file (1/``buckets`` of the edges) and the row-group statistics of ``dst_domain`` narrow
    it to that domain's rows. The index lives in ``CRAWL_DIR/research-index/`` with a manifest
    of the edge files it was built from; when they change, queries stop using it (and say
    so in the log) until it is built again. Streams one file's batches of ``batch_rows``
    rows at a time.
    """
    folder = crawl_dirs([crawl_dir])[0]
    state = _edge_files_state(folder)
    target = folder / INDEX_DIR
    staging = Path(tempfile.mkdtemp(prefix=".research-index.", dir=folder))
    writers: dict[int, pq.ParquetWriter] = {}
    try:

        def write(table: pa.Table) -> None:
            domains = pc.dictionary_encode(table["dst_domain"]).combine_chunks()
            by_value = np.fromiter(
                (index_bucket(d, buckets) for d in domains.dictionary.to_pylist()),
                dtype=np.int32,
                count=len(domains.dictionary),
            )
            row_bucket = by_value[domains.indices.to_numpy(zero_copy_only=False)]
            order = np.argsort(row_bucket, kind="stable")
            table = table.take(pa.array(order))
            starts = np.searchsorted(row_bucket[order], np.arange(buckets + 1))
            for bucket in range(buckets):
                lo, hi = int(starts[bucket]), int(starts[bucket + 1])
                if hi > lo:
                    if bucket not in writers:
                        writers[bucket] = pq.ParquetWriter(
                            staging / f".unsorted-{bucket:03d}.parquet",
                            EDGES_SCHEMA,
                            compression="zstd",
                        )
                    writers[bucket].write_table(table.slice(lo, hi - lo))

        # One file's batches at a time, no read-ahead: memory stays at a few batches.
        for name in crawl_files([folder], "edges"):
            source = pq.ParquetFile(name)
            for batch in source.iter_batches(batch_size=batch_rows):
                table = pa.Table.from_batches([batch]).cast(EDGES_SCHEMA)
                write(table)
        for writer in writers.values():
            writer.close()
        writers.clear()
        # Second pass, one bucket at a time: sorted by target domain, in small row groups,
        # so the row-group statistics of dst_domain let a reader skip all but one domain's.
        for bucket in range(buckets):
            unsorted = staging / f".unsorted-{bucket:03d}.parquet"
            if unsorted.exists():
                table = pq.read_table(unsorted, schema=EDGES_SCHEMA)
                table = table.sort_by([("dst_domain", "ascending"), ("src_url", "ascending")])
                pq.write_table(
                    table,
                    staging / f"dst-{bucket:03d}.parquet",
                    compression="zstd",
                    row_group_size=_INDEX_ROW_GROUP,
                )
                del table
                unsorted.unlink()
        manifest = {
            "version": _INDEX_VERSION,
            "buckets": buckets,
            "hash": "crc32(utf-8 dst_domain) % buckets",
            "edges_files": state,
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=1), "utf-8")
        os.chmod(staging, 0o755)
        if target.exists():
            old = folder / f".research-index.old.{os.getpid()}"
            os.replace(target, old)
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        for writer in writers.values():
            writer.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _arrow(
    con: duckdb.DuckDBPyConnection, query: str, params: Sequence[object] | None = None
) -> pa.Table:
    """The result of ``query`` as Arrow (see ``_ms``)."""
    return _ms(con.sql(query, params=params).to_arrow_table())


def _ms(table: pa.Table) -> pa.Table:
    """DuckDB's microsecond timestamps back to the contract's milliseconds, in UTC."""
    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(TIMESTAMP))
    return table


def load_authority(
    dirs: Sequence[str | os.PathLike[str]], authority: pa.Table | None = None
) -> pa.Table:
    """The ``domain, authority`` table a query joins: the one given, or computed.

    Computing it means ranking the whole domain graph (``graph.authority.rank_table``):
    seconds on a small crawl, much longer on a large one, so callers that ask several
    questions of the same crawls compute it once and pass it in (the CLI's
    ``--authority FILE`` reads a table written by ``linkgraph rank --out``).
    """
    if authority is None:
        from graph.authority import rank_table  # lazy: ranking pulls in scipy

        authority = rank_table(list(dirs), level="domain")
    if "domain" not in authority.column_names or "authority" not in authority.column_names:
        raise ResearchError("the authority table needs columns 'domain' and 'authority'")
    return authority


def _authority_unless(
    empty: bool, dirs: Sequence[str | os.PathLike[str]], authority: pa.Table | None
) -> pa.Table:
    """The authority table, unless the result is empty: then ranking the crawl is waste."""
    if empty and authority is None:
        return pa.table(
            {"domain": pa.array([], pa.string()), "authority": pa.array([], pa.float64())}
        )
    return load_authority(dirs, authority)


def _links_sql(where: str) -> str:
    """One row per link (see ``docs/research.md``) among the edge rows matching ``where``.

    A link is identified by (src_url, dst_url, kind, anchor, placement); its rel flags are
    those of its latest sighting (latest fetch, then last in document order). The flags
    travel in one struct through one ``arg_max``: six separate aggregates, or a
    ``count(DISTINCT crawl_id)``, cost two to four times as much on a million-link profile.
    """
    latest = "struct_pack(t := fetched_at, p := position)"
    carried = "struct_pack(src_domain, dst_domain, rel, nofollow, ugc, sponsored)"
    return f"""
        SELECT src_url, dst_url, s.src_domain AS src_domain, s.dst_domain AS dst_domain,
               anchor, s.rel AS rel, s.nofollow AS nofollow, s.ugc AS ugc,
               s.sponsored AS sponsored, kind, placement, first_seen, last_seen
        FROM (
            SELECT src_url, dst_url, kind, anchor, placement,
                   arg_max({carried}, {latest}) AS s,
                   min(fetched_at) AS first_seen, max(fetched_at) AS last_seen
            FROM edges WHERE {where}
            GROUP BY src_url, dst_url, kind, anchor, placement
        )
    """


_LINK_ORDER = "ORDER BY src_domain, src_url, dst_url, anchor, kind, placement"


def _placeholders(values: Sequence[str]) -> str:
    return ", ".join("?" for _ in values)


# --------------------------------------------------------------------------- backlinks


@dataclass(frozen=True)
class BacklinkProfile:
    """The backlink profile of one domain: every table a ``backlinks`` report shows."""

    domain: str
    #: one row per link, ``LINK_COLUMNS`` plus ``authority`` (of the linking domain)
    links: pa.Table
    #: domain, authority, backlinks, dofollow, first_seen, last_seen
    referring_domains: pa.Table
    #: type (dofollow, nofollow, ugc, sponsored), links, referring_domains
    by_rel: pa.Table
    #: placement, links, referring_domains
    by_placement: pa.Table
    #: kind, links, referring_domains
    by_kind: pa.Table
    #: anchor, links, referring_domains
    top_anchors: pa.Table
    #: dst_url, links, referring_domains
    top_pages: pa.Table
    #: ip, referring_domains
    ips: pa.Table
    #: subnet, referring_domains
    subnets: pa.Table

    @property
    def summary(self) -> dict[str, int]:
        """Headline counts: backlinks, referring domains, and links by rel type."""
        counts = {
            "backlinks": self.links.num_rows,
            "referring_domains": self.referring_domains.num_rows,
        }
        for row in self.by_rel.to_pylist():
            counts[row["type"]] = row["links"]
        return counts


def backlinks(
    domain: str,
    dirs: Sequence[str | os.PathLike[str]],
    *,
    dofollow_only: bool = False,
    authority: pa.Table | None = None,
) -> BacklinkProfile:
    """The backlink profile of ``domain`` over the crawls in ``dirs``.

    A backlink is a link from a page of another registered domain to a page of
    ``domain`` (internal links are not backlinks). Followed or not, every link counts,
    unless ``dofollow_only`` (then only links whose latest sighting is followed).
    """
    domain = domain_of(domain)
    with connect(dirs, dst_domains=[domain]) as con:
        flt = "NOT nofollow" if dofollow_only else "TRUE"
        con.execute(
            f"CREATE TEMP TABLE links AS SELECT * FROM ({_links_sql('dst_domain = ? AND src_domain <> ?')}) WHERE {flt}",
            [domain, domain],
        )
        return _profile(con, domain, dirs, authority)


def _profile(
    con: duckdb.DuckDBPyConnection,
    domain: str,
    dirs: Sequence[str | os.PathLike[str]],
    authority: pa.Table | None,
) -> BacklinkProfile:
    """Summaries of the temp table ``links`` (the backlinks of ``domain``)."""
    empty = con.execute("SELECT count(*) FROM links").fetchall()[0][0] == 0
    auth = _authority_unless(empty, dirs, authority)
    con.register("authority_t", auth.select(["domain", "authority"]))
    cols = ", ".join(f"l.{c}" for c in LINK_COLUMNS)
    links = _arrow(
        con,
        f"SELECT {cols}, a.authority FROM links l LEFT JOIN authority_t a "
        f"ON a.domain = l.src_domain {_LINK_ORDER}",
    )
    refs = _arrow(
        con,
        """
            SELECT l.src_domain AS domain, any_value(a.authority) AS authority,
                   count(*) AS backlinks, count(*) FILTER (NOT nofollow) AS dofollow,
                   min(first_seen) AS first_seen, max(last_seen) AS last_seen
            FROM links l LEFT JOIN authority_t a ON a.domain = l.src_domain
            GROUP BY l.src_domain
            ORDER BY authority DESC NULLS LAST, backlinks DESC, domain
            """,
    )
    flags = (
        ("dofollow", "NOT nofollow"),
        ("nofollow", "nofollow"),
        ("ugc", "ugc"),
        ("sponsored", "sponsored"),
    )
    counted = con.execute(
        "SELECT "
        + ", ".join(
            f"count(*) FILTER ({cond}), count(DISTINCT src_domain) FILTER ({cond})"
            for _, cond in flags
        )
        + " FROM links"
    ).fetchall()[0]
    by_rel = pa.table(
        {
            "type": [name for name, _ in flags],
            "links": pa.array(counted[0::2], pa.int64()),
            "referring_domains": pa.array(counted[1::2], pa.int64()),
        }
    )

    def count_by(column: str, limit: int | None = None) -> pa.Table:
        tail = f" LIMIT {int(limit)}" if limit else ""
        return _arrow(
            con,
            f"SELECT {column}, count(*) AS links, count(DISTINCT src_domain) AS "
            f"referring_domains FROM links GROUP BY {column} "
            f"ORDER BY referring_domains DESC, links DESC, {column}{tail}",
        )

    ip_pairs = _arrow(
        con,
        """
            WITH src AS (SELECT DISTINCT src_url, src_domain FROM links),
                 latest AS (SELECT url, arg_max(ip, fetched_at) AS ip FROM pages
                            WHERE url IN (SELECT src_url FROM src) GROUP BY url)
            SELECT DISTINCT src.src_domain, latest.ip FROM src JOIN latest
                ON latest.url = src.src_url WHERE latest.ip IS NOT NULL
            """,
    )
    ips, subnets = _ip_tables(ip_pairs)
    return BacklinkProfile(
        domain=domain,
        links=links,
        referring_domains=refs,
        by_rel=by_rel,
        by_placement=count_by("placement"),
        by_kind=count_by("kind"),
        top_anchors=count_by("anchor", 100),
        top_pages=count_by("dst_url", 100),
        ips=ips,
        subnets=subnets,
    )


def _subnet(ip: str) -> str:
    """The /24 of an IPv4 address, the /48 of an IPv6 one (the usual "same C-block")."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    prefix = 24 if addr.version == 4 else 48
    return str(ipaddress.ip_network(f"{addr}/{prefix}", strict=False))


def _ip_tables(pairs: pa.Table) -> tuple[pa.Table, pa.Table]:
    by_ip: dict[str, set[str]] = {}
    by_net: dict[str, set[str]] = {}
    for row in pairs.to_pylist():
        by_ip.setdefault(row["ip"], set()).add(row["src_domain"])
        by_net.setdefault(_subnet(row["ip"]), set()).add(row["src_domain"])

    def table(name: str, groups: dict[str, set[str]]) -> pa.Table:
        rows = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        return pa.table(
            {
                name: pa.array([k for k, _ in rows], pa.string()),
                "referring_domains": pa.array([len(v) for _, v in rows], pa.int64()),
            }
        )

    return table("ip", by_ip), table("subnet", by_net)


# --------------------------------------------------------------------------- intersect


@dataclass(frozen=True)
class IntersectResult:
    """Domains that link to competitors and not to mine, and the links that show it."""

    competitors: tuple[str, ...]
    not_domain: str | None
    min_competitors: int
    #: domain, authority, competitors_linked, competitors, links, pages
    domains: pa.Table
    #: one row per link from those domains to the competitors (``LINK_COLUMNS``)
    links: pa.Table


def intersect(
    competitors: Sequence[str],
    dirs: Sequence[str | os.PathLike[str]],
    *,
    not_domain: str | None = None,
    min_competitors: int | None = None,
    dofollow_only: bool = False,
    authority: pa.Table | None = None,
) -> IntersectResult:
    """Domains linking to at least ``min_competitors`` of ``competitors`` and not to ``not_domain``.

    Ahrefs' Link Intersect, Semrush's Backlink Gap: the sites that link to your
    competitors are the likeliest to link to you. ``min_competitors`` defaults to all of
    them. A linking domain is dropped when any of its pages links to ``not_domain``, and
    ``not_domain`` itself is never listed. Ranked by authority, then by the number of
    competitors linked.
    """
    comps = tuple(dict.fromkeys(domain_of(c) for c in competitors))
    if not comps:
        raise ResearchError("no competitor domain given")
    mine = domain_of(not_domain) if not_domain else None
    if mine in comps:
        raise ResearchError(f"{mine} is both a competitor and the domain to exclude")
    k = len(comps) if min_competitors is None else int(min_competitors)
    if not 1 <= k <= len(comps):
        raise ResearchError(f"--min must be between 1 and {len(comps)} (the competitors given)")
    targets = comps + ((mine,) if mine else ())
    with connect(dirs, dst_domains=targets) as con:
        where = f"dst_domain IN ({_placeholders(targets)}) AND src_domain <> dst_domain"
        if dofollow_only:
            where += " AND NOT nofollow"
        # The gap first, from the raw rows (cheap aggregates), then the links of its
        # domains only: most domains linking to competitors are not in the gap.
        linked = " + ".join("bool_or(dst_domain = ?)::INTEGER" for _ in comps)
        names = ", ".join("CASE WHEN bool_or(dst_domain = ?) THEN ? END" for _ in comps)
        con.execute(
            f"""
            CREATE TEMP TABLE gap AS
            SELECT src_domain AS domain, ({linked}) AS competitors_linked,
                   concat_ws(',', {names}) AS competitors
            FROM edges WHERE {where}
            GROUP BY src_domain
            HAVING competitors_linked >= {k} AND src_domain <> ?
               AND NOT bool_or(dst_domain = ?)
            """,
            [*comps, *(v for c in comps for v in (c, c)), *targets, mine or "", mine or ""],
        )
        con.execute(
            "CREATE TEMP TABLE links AS "
            + _links_sql(f"{where} AND src_domain IN (SELECT domain FROM gap)"),
            list(targets),
        )
        empty = con.execute("SELECT count(*) FROM gap").fetchall()[0][0] == 0
        auth = _authority_unless(empty, dirs, authority)
        con.register("authority_t", auth.select(["domain", "authority"]))
        domains = _arrow(
            con,
            """
                WITH counts AS (SELECT src_domain AS domain, count(*) AS links,
                                       count(DISTINCT src_url) AS pages
                                FROM links GROUP BY src_domain)
                SELECT g.domain, a.authority, g.competitors_linked::INTEGER AS competitors_linked,
                       g.competitors, c.links, c.pages
                FROM gap g JOIN counts c USING (domain)
                LEFT JOIN authority_t a ON a.domain = g.domain
                ORDER BY a.authority DESC NULLS LAST, g.competitors_linked DESC, c.links DESC,
                         g.domain
                """,
        )
        cols = ", ".join(LINK_COLUMNS)
        links = _arrow(
            con,
            f"SELECT {cols} FROM links {_LINK_ORDER}",
        )
    return IntersectResult(comps, mine, k, domains, links)


# --------------------------------------------------------------------------- outlinks


@dataclass(frozen=True)
class OutlinkProfile:
    """Where a domain links to."""

    domain: str
    #: one row per link to another domain (``LINK_COLUMNS``)
    links: pa.Table
    #: domain, authority, links, dofollow, pages (of the source domain linking there)
    linked_domains: pa.Table


def outlinks(
    domain: str,
    dirs: Sequence[str | os.PathLike[str]],
    *,
    dofollow_only: bool = False,
    authority: pa.Table | None = None,
) -> OutlinkProfile:
    """The links from pages of ``domain`` to other registered domains."""
    domain = domain_of(domain)
    with connect(dirs) as con:
        flt = " AND NOT nofollow" if dofollow_only else ""
        con.execute(
            "CREATE TEMP TABLE links AS " + _links_sql(f"src_domain = ? AND dst_domain <> ?{flt}"),
            [domain, domain],
        )
        empty = con.execute("SELECT count(*) FROM links").fetchall()[0][0] == 0
        auth = _authority_unless(empty, dirs, authority)
        con.register("authority_t", auth.select(["domain", "authority"]))
        cols = ", ".join(LINK_COLUMNS)
        links = _arrow(con, f"SELECT {cols} FROM links {_LINK_ORDER}")
        linked = _arrow(
            con,
            """
                SELECT l.dst_domain AS domain, any_value(a.authority) AS authority,
                       count(*) AS links, count(*) FILTER (NOT nofollow) AS dofollow,
                       count(DISTINCT src_url) AS pages
                FROM links l LEFT JOIN authority_t a ON a.domain = l.dst_domain
                GROUP BY l.dst_domain ORDER BY links DESC, domain
                """,
        )
    return OutlinkProfile(domain, links, linked)


# --------------------------------------------------------------------------- broken


def _final_status(con: duckdb.DuckDBPyConnection, urls: list[str]) -> dict[str, tuple]:
    """For each URL: (its status, final URL, final status), following redirects.

    Each URL's answer is its latest fetch over the crawls. A 3xx is followed along
    ``redirect_to`` (at most ten hops); a chain that ends at a URL never fetched, or loops,
    has final status null (unknown), never "broken".
    """
    known: dict[str, tuple[int | None, str | None]] = {}
    frontier = set(urls)
    for _ in range(_REDIRECT_HOPS + 1):
        frontier -= known.keys()
        if not frontier:
            break
        con.register("_want", pa.table({"url": pa.array(sorted(frontier), pa.string())}))
        rows = con.execute(
            """
            SELECT url, arg_max(status, fetched_at), arg_max(redirect_to, fetched_at)
            FROM pages WHERE url IN (SELECT url FROM _want) GROUP BY url
            """
        ).fetchall()
        con.unregister("_want")
        found = {url: (status, redirect) for url, status, redirect in rows}
        for url in frontier:
            known[url] = found.get(url, (None, None))
        frontier = {r for s, r in found.values() if r and s is not None and 300 <= s < 400}
    result = {}
    for url in urls:
        status, redirect = known.get(url, (None, None))
        final, final_status, seen = url, status, {url}
        while final_status is not None and 300 <= final_status < 400:
            nxt = known.get(final, (None, None))[1]
            if not nxt or nxt in seen or nxt not in known:
                final_status = None
                break
            seen.add(nxt)
            final, final_status = nxt, known[nxt][0]
        result[url] = (status, final, final_status)
    return result


def broken(domain: str, dirs: Sequence[str | os.PathLike[str]]) -> pa.Table:
    """Links to or from ``domain`` whose target answered 4xx/5xx, or redirects into one.

    ``direction`` says which: ``inbound`` (another domain's page links to a broken URL of
    ``domain``: a backlink to reclaim), ``outbound`` (a page of ``domain`` links to a broken
    URL elsewhere) or ``internal`` (a broken link inside ``domain``). Columns: ``direction``,
    ``LINK_COLUMNS``, ``status`` (the target's own answer), ``final_url`` and
    ``final_status`` (where its redirects end; equal to the target when it did not redirect).
    A target that was never fetched, or gave no HTTP answer, is not counted as broken.
    """
    domain = domain_of(domain)
    with connect(dirs) as con:
        con.execute(
            "CREATE TEMP TABLE links AS " + _links_sql("dst_domain = ? OR src_domain = ?"),
            [domain, domain],
        )
        targets = [r[0] for r in con.execute("SELECT DISTINCT dst_url FROM links").fetchall()]
        status = _final_status(con, targets)
        bad = [(u, s, f, fs) for u, (s, f, fs) in status.items() if fs is not None and fs >= 400]
        con.register(
            "_bad",
            pa.table(
                {
                    "url": pa.array([b[0] for b in bad], pa.string()),
                    "status": pa.array([b[1] for b in bad], pa.int32()),
                    "final_url": pa.array([b[2] for b in bad], pa.string()),
                    "final_status": pa.array([b[3] for b in bad], pa.int32()),
                }
            ),
        )
        cols = ", ".join(f"l.{c}" for c in LINK_COLUMNS)
        return _arrow(
            con,
            f"""
                SELECT CASE WHEN l.src_domain = l.dst_domain THEN 'internal'
                            WHEN l.dst_domain = ? THEN 'inbound' ELSE 'outbound' END
                           AS direction,
                       {cols}, b.status, b.final_url, b.final_status
                FROM links l JOIN _bad b ON b.url = l.dst_url
                ORDER BY direction, l.src_domain, l.src_url, l.dst_url, l.anchor, l.kind,
                         l.placement
                """,
            [domain],
        )


# --------------------------------------------------------------------------- diff


@dataclass(frozen=True)
class DiffResult:
    """What changed between an old and a new crawl (optionally, for one domain)."""

    domain: str | None
    #: one row per new or lost backlink: ``change`` (new, lost), ``reason``, ``LINK_COLUMNS``
    links: pa.Table
    #: change (new, lost), referring_domain, domain, links
    referring_domains: pa.Table
    #: domain, authority_old, authority_new, change
    authority: pa.Table

    @property
    def new_links(self) -> pa.Table:
        return self.links.filter(pc.equal(self.links["change"], "new"))

    @property
    def lost_links(self) -> pa.Table:
        return self.links.filter(pc.equal(self.links["change"], "lost"))


def diff(
    old: Sequence[str | os.PathLike[str]],
    new: Sequence[str | os.PathLike[str]],
    *,
    domain: str | None = None,
    authority_old: pa.Table | None = None,
    authority_new: pa.Table | None = None,
) -> DiffResult:
    """New and lost backlinks, referring domains and authority between two crawls.

    Backlinks are links between different registered domains (to ``domain`` only, when
    given). A link is new when the new crawl has it and the old one does not, lost the other
    way round (same link: ``docs/research.md``). ``reason`` says why, from the pages:
    a lost link's source page was fetched again and the link is gone (``link removed``),
    it now answers an error or a redirect (``page answered NNN``), or it was not fetched
    again (``page not crawled``); a new link is on a page the old crawl also fetched
    (``link added``) or on one it did not (``new page``).
    """
    target = domain_of(domain) if domain else None
    where = "src_domain <> dst_domain" + (" AND dst_domain = ?" if target else "")
    params = [target] if target else []
    old_dirs, new_dirs = crawl_dirs(old), crawl_dirs(new)
    scope = [target] if target else None
    with connect(old_dirs, dst_domains=scope) as con_old:
        old_links = _arrow(con_old, _links_sql(where), params)
        old_pages = _arrow(
            con_old, "SELECT url, arg_max(status, fetched_at) AS status FROM pages GROUP BY url"
        )
    with connect(new_dirs, dst_domains=scope) as con:
        con.register("old_links", old_links)
        con.register("old_pages", old_pages)
        con.execute(f"CREATE TEMP TABLE new_links AS {_links_sql(where)}", params)
        con.execute(
            "CREATE TEMP TABLE new_pages AS SELECT url, arg_max(status, fetched_at) AS status "
            "FROM pages GROUP BY url"
        )
        key = "USING (src_url, dst_url, kind, anchor, placement)"
        links = _arrow(
            con,
            f"""
                SELECT 'new' AS change,
                       CASE WHEN op.url IS NULL THEN 'new page' ELSE 'link added' END AS reason,
                       {", ".join("n." + c for c in LINK_COLUMNS)}
                FROM new_links n ANTI JOIN old_links o {key}
                LEFT JOIN old_pages op ON op.url = n.src_url
                UNION ALL
                SELECT 'lost', CASE WHEN np.url IS NULL THEN 'page not crawled'
                                    WHEN np.status BETWEEN 200 AND 299 THEN 'link removed'
                                    ELSE 'page answered ' || coalesce(np.status::VARCHAR,
                                                                      'nothing') END,
                       {", ".join("o." + c for c in LINK_COLUMNS)}
                FROM old_links o ANTI JOIN new_links n {key}
                LEFT JOIN new_pages np ON np.url = o.src_url
                ORDER BY change DESC, src_domain, src_url, dst_url, anchor, kind, placement
                """,
        )
        refs = _arrow(
            con,
            """
                WITH o AS (SELECT src_domain, dst_domain, count(*) AS links FROM old_links
                           GROUP BY ALL),
                     n AS (SELECT src_domain, dst_domain, count(*) AS links FROM new_links
                           GROUP BY ALL)
                SELECT 'new' AS change, src_domain AS referring_domain, dst_domain AS domain,
                       links FROM n ANTI JOIN o USING (src_domain, dst_domain)
                UNION ALL
                SELECT 'lost', src_domain, dst_domain, links
                FROM o ANTI JOIN n USING (src_domain, dst_domain)
                ORDER BY change DESC, domain, referring_domain
                """,
        )
        referring = set(old_links["src_domain"].to_pylist()) | {
            row[0] for row in con.execute("SELECT DISTINCT src_domain FROM new_links").fetchall()
        }
    auth_old = load_authority(old_dirs, authority_old)
    auth_new = load_authority(new_dirs, authority_new)
    with connect() as con:
        con.register("ao", auth_old.select(["domain", "authority"]))
        con.register("an", auth_new.select(["domain", "authority"]))
        flt = ""
        if target:
            wanted = sorted(referring | {target})
            con.register("_wanted", pa.table({"domain": pa.array(wanted, pa.string())}))
            flt = "WHERE domain IN (SELECT domain FROM _wanted)"
        authority = _arrow(
            con,
            f"""
                SELECT domain, ao.authority AS authority_old, an.authority AS authority_new,
                       an.authority - ao.authority AS change
                FROM ao FULL OUTER JOIN an USING (domain) {flt}
                ORDER BY abs(coalesce(an.authority, 0) - coalesce(ao.authority, 0)) DESC,
                         domain
                """,
        )
    return DiffResult(target, links, refs, authority)


# --------------------------------------------------------------------------- sql


_DOMAINS_VIEW = re.compile(r"\bdomains\b", re.IGNORECASE)


def sql(
    query: str,
    dirs: Sequence[str | os.PathLike[str]],
    *,
    authority: pa.Table | None = None,
) -> pa.Table:
    """Run the user's own SQL over views ``pages``, ``edges`` and ``domains``; the result.

    ``domains`` is the authority table (``graph.authority.rank_table``: domain, pagerank,
    authority, referring_domains, backlinks, outlinking_domains); it is computed only when
    the query names it. DuckDB's SQL dialect; errors come back as one-line
    ``ResearchError``.
    """
    if not query.strip():
        raise ResearchError("the SQL query is empty")
    with connect(dirs) as con:
        if _DOMAINS_VIEW.search(query):
            con.register("_domains", load_authority(dirs, authority))
            con.execute("CREATE VIEW domains AS SELECT * FROM _domains")
        try:
            relation = con.sql(query)
            if relation is None:  # a statement, not a query
                return pa.table({})
            return _ms(relation.to_arrow_table())
        except duckdb.Error as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ResearchError(f"SQL error: {message}") from None
