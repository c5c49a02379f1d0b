"""The layouts of ``bench_research.py``'s crawl: as the crawler writes it now, and compacted.

``written_layout`` turns the generated crawl (written page by page in 1M-row row groups, as
older versions of the crawler laid edges out: the target domain in no order) into what
``crawler.writer.CrawlWriter`` writes today: one file per 50,000-edge batch, sorted by
target domain (``EDGES_SORT``) in row groups of ``EDGES_ROW_GROUP`` rows. The batches are
the generated rows in crawl order, so both layouts hold the same rows.
``compacted_layout`` copies the crawl and runs ``graph.compact.compact`` on the copy in a
subprocess (timed, with its peak memory).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.schema import EDGES_SCHEMA  # noqa: E402
from crawler.writer import EDGES_ROW_GROUP, EDGES_SORT  # noqa: E402

BATCH_EDGES = 50_000


def written_layout(source: Path, folder: Path) -> Path:
    """``source`` as today's writer lays it out, in ``folder`` (made once)."""
    if (folder / "done").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "edges").mkdir(parents=True)
    shutil.copytree(source / "pages", folder / "pages")
    part = 0
    for path in sorted((source / "edges").glob("*.parquet")):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_EDGES):
            table = pa.Table.from_batches([batch]).cast(EDGES_SCHEMA).sort_by(EDGES_SORT)
            pq.write_table(
                table,
                folder / "edges" / f"part-{part:06d}.parquet",
                compression="zstd",
                row_group_size=EDGES_ROW_GROUP,
            )
            part += 1
    (folder / "done").write_text("")
    return folder


COMPACT = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from graph.compact import compact
t0 = time.perf_counter()
result = compact({crawl!r})
print(json.dumps({{"seconds": time.perf_counter() - t0, "files": result.files,
                   "peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}}))
"""


def compacted_layout(source: Path, folder: Path) -> tuple[Path, dict | None]:
    """A compacted copy of ``source`` in ``folder`` (made once), and what compacting took."""
    if (folder / "done").exists():
        return folder, json.loads((folder / "done").read_text())
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "edges").mkdir(parents=True)
    shutil.copytree(source / "pages", folder / "pages")
    for path in (source / "edges").glob("*.parquet"):
        shutil.copy2(path, folder / "edges" / path.name)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", COMPACT.format(root=str(ROOT), crawl=str(folder))],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["wall"] = time.perf_counter() - started
    (folder / "done").write_text(json.dumps(figures))
    return folder, figures
