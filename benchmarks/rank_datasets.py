"""The datasets of ``bench_rank.py``: a synthetic web-like edges dataset in the crawl
layout, and a copy of a crawl fetched later (two crawls of the same web)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "out"


def generate(folder: Path, n_domains: int, n_edges: int, seed: int = 7) -> None:
    """Write the synthetic edges dataset into ``folder`` (crawl layout), atomically per file."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from crawler.schema import EDGES_SCHEMA

    rng = np.random.default_rng(seed)
    words = np.array(["rose", "garden", "news", "shop", "blog", "tech", "travel", "food"])
    names = pa.array(
        [f"{words[i % 8]}{i}.{('com', 'org', 'net', 'co.uk')[i % 4]}" for i in range(n_domains)]
    )
    # Popularity: Zipf-like weights in a random order of domains (in-degree heavy-tailed).
    popularity = 1.0 / np.arange(1, n_domains + 1) ** 0.9
    popularity = popularity[rng.permutation(n_domains)]
    cumulative = np.cumsum(popularity)
    cumulative /= cumulative[-1]
    linking = rng.permutation(n_domains)[: int(n_domains * 0.8)]  # 20% dangling
    # Log-normal out-degree, scaled so the distinct edges reach n_edges after top-ups.
    out = rng.lognormal(mean=0.0, sigma=1.2, size=linking.size)
    out = np.maximum(1, np.round(out * n_edges / out.sum())).astype(np.int64)
    keys = np.zeros(0, dtype=np.int64)
    while keys.size < n_edges:
        need = n_edges - keys.size
        src = np.repeat(linking, out) if keys.size == 0 else rng.choice(linking, need + need // 4)
        dst = np.searchsorted(cumulative, rng.random(src.size))
        fresh = src.astype(np.int64) * n_domains + dst
        fresh = fresh[src != dst]
        keys = np.concatenate([keys, fresh])
        keys.sort()
        first = np.ones(keys.size, dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        keys = keys[first]
    keys = keys[rng.permutation(keys.size)[:n_edges]]
    src, dst = keys // n_domains, keys % n_domains
    # Extra rows the graph must not count as distinct edges: duplicates, internal, nofollow.
    dup = rng.integers(0, n_edges, n_edges // 10)
    internal_src = rng.choice(linking, n_edges // 20)
    nofollow_src = rng.choice(linking, n_edges // 20)
    nofollow_dst = rng.integers(0, n_domains, nofollow_src.size)
    all_src = np.concatenate([src, src[dup], internal_src, nofollow_src])
    all_dst = np.concatenate([dst, dst[dup], internal_src, nofollow_dst])
    nofollow = np.zeros(all_src.size, dtype=bool)
    nofollow[-nofollow_src.size :] = True
    kind = np.where(rng.random(all_src.size) < 0.02, 1, 0)  # 2% redirects
    # A crawl writes page by page: order rows by source domain (domains in random order).
    order = np.argsort(rng.permutation(n_domains)[all_src], kind="stable")
    all_src, all_dst, nofollow, kind = all_src[order], all_dst[order], nofollow[order], kind[order]
    (folder / "edges").mkdir(parents=True, exist_ok=True)
    (folder / "pages").mkdir(exist_ok=True)
    chunk = 1_000_000
    when = pa.scalar(1_764_000_000_000, pa.timestamp("ms", tz="UTC"))
    for part, start in enumerate(range(0, all_src.size, chunk)):
        s = pa.array(all_src[start : start + chunk])
        d = pa.array(all_dst[start : start + chunk])
        rows = len(s)
        src_name, dst_name = names.take(s), names.take(d)
        page = pa.array(rng.integers(0, 50, rows)).cast(pa.string())
        src_url = pc.binary_join_element_wise("https://", src_name, "/p", page, "")
        dst_url = pc.binary_join_element_wise("https://", dst_name, "/", "")
        nf = pa.array(nofollow[start : start + chunk])
        table = pa.table(
            {
                "crawl_id": pa.array(["bench"] * rows),
                "src_url": src_url,
                "dst_url": dst_url,
                "src_host": src_name,
                "dst_host": dst_name,
                "src_domain": src_name,
                "dst_domain": dst_name,
                "anchor": pa.array(["link"] * rows),
                "rel": pc.if_else(nf, "nofollow", ""),
                "nofollow": nf,
                "ugc": pa.array(np.zeros(rows, dtype=bool)),
                "sponsored": pa.array(np.zeros(rows, dtype=bool)),
                "kind": pa.array(np.array(["a", "redirect"])[kind[start : start + chunk]]),
                "placement": pa.array(["content"] * rows),
                "internal": pc.equal(s, d),
                "position": pa.array(np.zeros(rows, dtype=np.int32)),
                "fetched_at": pa.array([when.value] * rows, pa.timestamp("ms", tz="UTC")),
            },
            schema=EDGES_SCHEMA,
        )
        path = folder / "edges" / f"part-{part:06d}.parquet"
        tmp = path.with_name(f".{path.name}.tmp")
        # As the crawler writes them (crawler/writer.py): zstd, dictionary-encoded strings,
        # 50,000 edges per dictionary (it writes one 50,000-edge batch per file).
        pq.write_table(table, tmp, compression="zstd", row_group_size=50_000)
        os.replace(tmp, path)
    (folder / "done").write_text(json.dumps({"domains": n_domains, "edges": n_edges}))


def dataset_dir(n_domains: int, n_edges: int) -> Path:
    folder = OUT / f"web-{n_domains}-{n_edges}-rg50k"
    if not (folder / "done").exists():
        started = time.perf_counter()
        generate(folder, n_domains, n_edges)
        print(f"generated {folder} in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


def later_copy(folder: Path, days: int = 1) -> Path:
    """The crawl ``folder`` fetched again ``days`` later: the same rows, later times (made
    once, beside it)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    copy = folder.with_name(folder.name + f"-later{days}")
    if (copy / "done").exists():
        return copy
    for table in ("edges", "pages"):
        (copy / table).mkdir(parents=True, exist_ok=True)
        for part in sorted((folder / table).glob("*.parquet")):
            rows = pq.read_table(part)
            at = rows.schema.get_field_index("fetched_at")
            shifted = pc.add(rows.column(at), pa.scalar(days * 86_400_000, pa.duration("ms")))
            rows = rows.set_column(at, rows.schema.field(at), shifted.cast(rows.schema[at].type))
            pq.write_table(
                rows, copy / table / part.name, compression="zstd", row_group_size=50_000
            )
    (copy / "done").write_text("")
    return copy


def relaid(folder: Path, layout: str) -> Path:
    """The same rows in another layout, beside ``folder`` (made once):

    - ``written``: as ``crawler.writer.CrawlWriter`` writes today, one file per
      50,000-row batch, sorted by target domain in ``EDGES_ROW_GROUP``-row row groups;
    - ``pyarrow``: as other writers lay edges out (archive ingest, users' own pipelines):
      ``pyarrow.parquet.write_table``'s defaults on 2M-row chunks (row groups of about 1M
      rows, each with its own large dictionaries; snappy).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from crawler.schema import EDGES_SCHEMA
    from crawler.writer import EDGES_ROW_GROUP, EDGES_SORT

    copy = folder.with_name(f"{folder.name}-{layout}")
    if (copy / "done").exists():
        return copy
    (copy / "edges").mkdir(parents=True, exist_ok=True)
    (copy / "pages").mkdir(exist_ok=True)
    rows = 50_000 if layout == "written" else 2_000_000
    part = 0
    for path in sorted((folder / "edges").glob("*.parquet")):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=rows):
            table = pa.Table.from_batches([batch]).cast(EDGES_SCHEMA)
            target = copy / "edges" / f"part-{part:06d}.parquet"
            if layout == "written":
                pq.write_table(
                    table.sort_by(EDGES_SORT),
                    target,
                    compression="zstd",
                    row_group_size=EDGES_ROW_GROUP,
                )
            else:
                pq.write_table(table, target)
            part += 1
    (copy / "done").write_text("")
    return copy
