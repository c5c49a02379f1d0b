"""Benchmark: backlink profile and three-competitor intersect over 50M synthetic edges.

Generates (once) a synthetic crawl of ``--edges`` link rows in ``benchmarks/out/`` with
realistic string hosts, URLs and anchors, in the order a crawler writes them (page by page,
so ``src_*`` columns are clustered and ``dst_domain`` is in no particular order), written
as the crawler writes Parquet (zstd, dictionary-encoded strings, 1M-row row groups). Target
domains follow a Zipf law, so the most linked domains have millions of backlinks.

Then, for each query, a fresh subprocess runs ``graph.research.backlinks`` /
``graph.research.intersect`` (the same functions as the CLI; DuckDB underneath) and reports
wall time and peak RSS, over four layouts of the same rows: the generated files (unsorted,
as older crawlers wrote them: the peer, DuckDB scanning unsorted files), the crawl as
today's writer writes it (``research_layouts.written_layout``), the crawl after
``linkgraph compact`` (timed too), and the unsorted files with ``linkgraph index``. With
``--pyarrow``, also each query's core in plain pyarrow (a dataset filter, ``group_by``).

Usage::

    python3 benchmarks/bench_research.py                  # 50M edges (generates ~1 GB once)
    python3 benchmarks/bench_research.py --edges 2000000  # a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.schema import EDGES_SCHEMA, PAGES_SCHEMA  # noqa: E402

DOMAINS = 200_000
LINKS_PER_PAGE = 25
CHUNK = 1_000_000
FILE_ROWS = 5_000_000
WORDS = [
    "rose",
    "garden",
    "shop",
    "news",
    "blog",
    "tech",
    "travel",
    "food",
    "health",
    "money",
    "home",
    "auto",
    "sport",
    "music",
    "book",
    "photo",
    "game",
    "art",
    "design",
    "code",
    "cloud",
    "data",
    "city",
    "green",
    "blue",
    "solar",
    "pet",
    "baby",
    "style",
]
TLDS = ("com", "org", "net", "co.uk", "de", "fr", "io", "com.au", "nl", "it")
ANCHORS = (
    "click here",
    "read more",
    "home",
    "best deals",
    "official site",
    "learn more",
    "",
    "this article",
    "source",
    "contact",
)
PLACEMENTS = ("content", "nav", "header", "footer", "sidebar", "comment")
PLACEMENT_P = (0.45, 0.2, 0.05, 0.15, 0.1, 0.05)


def domain_names() -> list[str]:
    rng = np.random.default_rng(7)
    a = rng.integers(0, len(WORDS), DOMAINS)
    b = rng.integers(0, len(WORDS), DOMAINS)
    t = rng.integers(0, len(TLDS), DOMAINS)
    return [f"{WORDS[a[i]]}{WORDS[b[i]]}{i}.{TLDS[t[i]]}" for i in range(DOMAINS)]


def zipf_targets(rng: np.random.Generator, n: int) -> np.ndarray:
    """Domain ids with P(rank r) proportional to 1/r (rank 0 is the most linked)."""
    weights = 1.0 / np.arange(1, DOMAINS + 1)
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    return np.searchsorted(cdf, rng.random(n)).astype(np.int64)


def _strings(pool: pa.Array, idx: np.ndarray) -> pa.Array:
    return pool.take(pa.array(idx))


def generate(out: Path, edges: int) -> None:
    """Write ``edges`` synthetic edge rows (and one page row per source page) to ``out``."""
    names = domain_names()
    domains = pa.array(names)
    hosts = pa.array(["www." + d for d in names])
    anchors = pa.array(ANCHORS)
    placements = pa.array(PLACEMENTS)
    (out / "edges").mkdir(parents=True, exist_ok=True)
    (out / "pages").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    base_ms = 1_763_000_000_000
    writer = None
    file_no = 0
    in_file = 0
    page_base = 0
    page_tables = []
    for start in range(0, edges, CHUNK):
        n = min(CHUNK, edges - start)
        pages = n // LINKS_PER_PAGE + 1
        # Sources: each page belongs to a domain; pages are written one after another.
        page_dom = rng.integers(0, DOMAINS, pages)
        row_page = np.repeat(np.arange(pages), LINKS_PER_PAGE)[:n]
        src_dom = page_dom[row_page]
        internal = rng.random(n) < 0.6
        dst_dom = np.where(internal, src_dom, zipf_targets(rng, n))
        dst_page = rng.integers(0, 2000, n)
        page_ids = pa.array(row_page + page_base).cast(pa.string())
        src_url = pc.binary_join_element_wise(
            "https://", _strings(hosts, src_dom), "/p/", page_ids, ""
        )
        dst_url = pc.binary_join_element_wise(
            "https://", _strings(hosts, dst_dom), "/a/", pa.array(dst_page).cast(pa.string()), ""
        )
        nofollow = rng.random(n) < 0.2
        ugc = nofollow & (rng.random(n) < 0.2)
        sponsored = nofollow & ~ugc & (rng.random(n) < 0.2)
        rel = np.where(
            ugc, "ugc", np.where(sponsored, "sponsored", np.where(nofollow, "nofollow", ""))
        )
        fetched = base_ms + (row_page + page_base) * 40
        table = pa.table(
            {
                "crawl_id": pa.array(np.full(n, "bench")),
                "src_url": src_url,
                "dst_url": dst_url,
                "src_host": _strings(hosts, src_dom),
                "dst_host": _strings(hosts, dst_dom),
                "src_domain": _strings(domains, src_dom),
                "dst_domain": _strings(domains, dst_dom),
                "anchor": _strings(anchors, rng.integers(0, len(ANCHORS), n)),
                "rel": pa.array(rel),
                "nofollow": pa.array(nofollow),
                "ugc": pa.array(ugc),
                "sponsored": pa.array(sponsored),
                "kind": pa.array(np.full(n, "a")),
                "placement": _strings(placements, rng.choice(len(PLACEMENTS), n, p=PLACEMENT_P)),
                "internal": pa.array(internal | (src_dom == dst_dom)),
                "position": pa.array((np.arange(n) % LINKS_PER_PAGE).astype(np.int32)),
                "fetched_at": pa.array(fetched, pa.int64()).cast(
                    EDGES_SCHEMA.field("fetched_at").type
                ),
            },
            schema=EDGES_SCHEMA,
        )
        page_tables.append(
            pa.table(
                {
                    "url": pc.binary_join_element_wise(
                        "https://",
                        _strings(hosts, page_dom),
                        "/p/",
                        pa.array(np.arange(pages) + page_base).cast(pa.string()),
                        "",
                    ),
                    "dom": pa.array(page_dom),
                    "fetched": pa.array(base_ms + (np.arange(pages) + page_base) * 40),
                }
            )
        )
        page_base += pages
        if writer is None:
            path = out / "edges" / f"part-{file_no:06d}.parquet"
            writer = pq.ParquetWriter(path, EDGES_SCHEMA, compression="zstd")
        writer.write_table(table, row_group_size=CHUNK)
        in_file += n
        if in_file >= FILE_ROWS:
            writer.close()
            writer = None
            file_no += 1
            in_file = 0
        print(f"  generated {start + n:,} edges", file=sys.stderr, flush=True)
    if writer is not None:
        writer.close()
    urls = pa.concat_tables(page_tables)
    n = urls.num_rows
    pages_table = pa.table(
        {
            "crawl_id": pa.array(np.full(n, "bench")),
            "url": urls["url"],
            "host": hosts.take(urls["dom"]),
            "domain": domains.take(urls["dom"]),
            "status": pa.array(np.full(n, 200, np.int32)),
            "content_type": pa.array(np.full(n, "text/html")),
            "fetched_at": urls["fetched"]
            .cast(pa.int64())
            .cast(PAGES_SCHEMA.field("fetched_at").type),
            "depth": pa.array(np.ones(n, np.int32)),
            "title": pa.nulls(n, pa.string()),
            "lang": pa.nulls(n, pa.string()),
            "canonical": pa.nulls(n, pa.string()),
            "robots": pa.nulls(n, pa.string()),
            "redirect_to": pa.nulls(n, pa.string()),
            "ip": pa.nulls(n, pa.string()),
            "bytes": pa.array(np.full(n, 30_000, np.int64)),
            "outlinks": pa.array(np.full(n, LINKS_PER_PAGE, np.int32)),
            "error": pa.nulls(n, pa.string()),
        },
        schema=PAGES_SCHEMA,
    )
    pq.write_table(pages_table, out / "pages" / "part-000000.parquet", compression="zstd")


def authority_table(crawl: Path, path: Path) -> None:
    """A stand-in authority table (domain, authority) so queries measure the join, not PageRank.

    Computing PageRank over 50M edges is ``linkgraph rank``'s job (see its own benchmark); a
    user runs it once and passes its output with ``--authority``. Values here are a simple
    function of the Zipf rank; the join costs the same whatever the values.
    """
    names = domain_names()
    authority = np.clip(100 - 10 * np.log10(np.arange(1, DOMAINS + 1)), 0, 100)
    pq.write_table(pa.table({"domain": names, "authority": authority}), path)


QUERY = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
import pyarrow.parquet as pq
from graph import research
crawl, kind, engine = {crawl!r}, {kind!r}, {engine!r}
authority = pq.read_table({authority!r})
targets = {targets!r}
t0, c0 = time.perf_counter(), time.process_time()
if engine == "linkgraph":
    if kind == "backlinks":
        result = research.backlinks(targets[0], [crawl], authority=authority)
        rows = result.links.num_rows
        summary = result.referring_domains.num_rows
    else:
        result = research.intersect(targets[:3], [crawl], not_domain=targets[3], authority=authority)
        rows = result.domains.num_rows
        summary = result.links.num_rows
else:
    import pyarrow.compute as pc
    import pyarrow.dataset as ds
    from graph.store import edges_dataset
    data = edges_dataset([crawl])
    if kind == "backlinks":
        flt = (pc.field("dst_domain") == targets[0]) & (pc.field("src_domain") != targets[0])
        t = data.to_table(columns=["src_url", "dst_url", "kind", "anchor", "src_domain", "fetched_at"], filter=flt)
        links = t.group_by(["src_url", "dst_url", "kind", "anchor"]).aggregate([("fetched_at", "min"), ("fetched_at", "max")])
        refs = t.group_by("src_domain").aggregate([("src_url", "count")])
        rows, summary = links.num_rows, refs.num_rows
    else:
        flt = pc.field("dst_domain").isin(targets) & (pc.field("src_domain") != pc.field("dst_domain"))
        t = data.to_table(columns=["src_domain", "dst_domain"], filter=flt)
        g = t.group_by("src_domain").aggregate([("dst_domain", "count_distinct")])
        rows, summary = g.num_rows, t.num_rows
seconds, cpu = time.perf_counter() - t0, time.process_time()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"seconds": seconds, "cpu": cpu - c0, "rows": rows, "summary": summary, "peak_bytes": peak}}))
"""


INDEX = """
import json, resource, sys
sys.path.insert(0, {root!r})
from graph.research import build_index
build_index({crawl!r})
print(json.dumps({{"peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}}))
"""


def run_query(crawl: Path, authority: Path, kind: str, engine: str, targets: list[str]) -> dict:
    """Run one query in a fresh interpreter; ``engine`` is pyarrow, scan or index."""
    env = {**os.environ, "LINKGRAPH_RESEARCH_INDEX": "1" if engine == "index" else "0"}
    engine = "pyarrow" if engine == "pyarrow" else "linkgraph"
    code = QUERY.format(
        root=str(ROOT),
        crawl=str(crawl),
        kind=kind,
        engine=engine,
        authority=str(authority),
        targets=targets,
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
    )
    if done.returncode != 0:
        raise SystemExit(f"{engine} {kind} failed:\n{done.stderr}")
    return json.loads(next(x for x in reversed(done.stdout.splitlines()) if x.startswith("{")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=50_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep-index", action="store_true", help="reuse an earlier index")
    parser.add_argument("--pyarrow", action="store_true", help="also run the pyarrow peer")
    parser.add_argument("--skip", nargs="*", default=[], help="layouts to skip (e.g. index)")
    args = parser.parse_args()
    from research_layouts import compacted_layout, written_layout

    crawl = ROOT / "benchmarks" / "out" / f"research-{args.edges}"
    if not (crawl / "pages" / "part-000000.parquet").exists():
        print(f"generating {args.edges:,} edges into {crawl} ...", file=sys.stderr)
        t0 = time.perf_counter()
        generate(crawl, args.edges)
        print(f"  took {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    authority = crawl / "authority.parquet"
    if not authority.exists():
        authority_table(crawl, authority)
    names = domain_names()
    size = sum(p.stat().st_size for p in (crawl / "edges").glob("*.parquet"))
    print(f"dataset: {args.edges:,} edges, {size / 1e9:.2f} GB of Parquet, {DOMAINS:,} domains")
    t0 = time.perf_counter()
    written = written_layout(crawl, crawl.with_name(crawl.name + "-written"))
    files = len(list((written / "edges").glob("*.parquet")))
    print(f"as written by the crawler: {files} files ({time.perf_counter() - t0:.0f} s)")
    compacted = crawl.with_name(crawl.name + "-compacted")
    if "compacted" not in args.skip:
        compacted, figures = compacted_layout(crawl, compacted)
        print(
            f"compact: {figures['seconds']:.1f} s, peak RSS "
            f"{figures['peak_bytes'] / 2**30:.2f} GiB, {figures['files']} files"
        )
    cases = [
        ("backlinks", [names[100]], "backlink profile, Zipf rank 100"),
        ("backlinks", [names[1000]], "backlink profile, Zipf rank 1000"),
        ("backlinks", [names[0]], "backlink profile, most linked domain"),
        ("intersect", [names[10], names[20], names[30], names[40]], "3-competitor intersect"),
    ]
    if not args.keep_index:
        shutil.rmtree(crawl / "research-index", ignore_errors=True)
    contenders = [("scan", crawl, "unsorted"), ("scan", written, "written"), ("scan", compacted, "compacted"), ("index", crawl, "index")]  # fmt: skip
    if args.pyarrow:
        contenders.insert(0, ("pyarrow", crawl, "pyarrow"))
    contenders = [c for c in contenders if c[2] not in args.skip]
    results: dict[tuple[str, str], dict] = {}
    for engine, folder, layout in contenders:
        if engine == "index" and not (crawl / "research-index").exists():
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", INDEX.format(root=str(ROOT), crawl=str(crawl))],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            peak = json.loads(done.stdout.strip().splitlines()[-1])["peak_bytes"]
            print(
                f"build_index: {time.perf_counter() - started:.1f} s, "
                f"peak RSS {peak / 2**30:.2f} GiB"
            )
        for kind, targets, label in cases:
            runs = [run_query(folder, authority, kind, engine, targets) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["seconds"])
            results[(label, layout)] = best
            print(
                f"{label:38s} {layout:10s} best of {args.repeat}: {best['seconds']:6.2f} s "
                f"(CPU {best['cpu']:.2f} s), "
                f"peak RSS {best['peak_bytes'] / 2**30:.2f} GiB, rows {best['rows']:,}, "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    for _, _, label in cases if "unsorted" not in args.skip else []:
        peer = results[(label, "unsorted")]["seconds"]
        ratios = ", ".join(
            f"{layout} {results[(label, layout)]['seconds'] / peer:.2f}x"
            for _, _, layout in contenders
            if layout != "unsorted"
        )
        print(f"{label:38s} time / DuckDB on the unsorted files: {ratios}")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
