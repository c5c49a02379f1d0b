"""``linkgraph ingest`` and ``linkgraph ingest-webgraph``: web archives into crawl directories.

Thin layer over ``crawler.archive``: ``ingest`` reads WARC and WAT files (paths or URLs)
into ``DATA_DIR/CRAWL_ID/`` with the pages and edges of a crawl; ``ingest-webgraph`` reads
Common Crawl's host- or domain-level graph. Both directories are read by ``rank``,
``backlinks``, ``intersect``, ``report`` and the rest like any crawl. What each column
holds for archive data, and what is unknown: ``docs/archives.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from linkgraph.commands.common import UsageError, command

INGEST_EXAMPLE = """\
example:
  linkgraph ingest CC-MAIN-20200808165417-20200808195417-00395.warc.gz --crawl-id cc-sample
  linkgraph ingest data/crawls/first/warc/*.warc.gz --crawl-id first-again --jobs 2
  linkgraph rank data/crawls/cc-sample
  # run it again on the same files: those done are skipped, no row is stored twice
"""

WEBGRAPH_EXAMPLE = """\
example:
  linkgraph ingest-webgraph cc-main-2024-feb-apr-may-domain-vertices.txt.gz \\
      cc-main-2024-feb-apr-may-domain-edges.txt.gz --crawl-id cc-domains
  linkgraph ingest-webgraph host-vertices.paths.gz host-edges.paths.gz \\
      --crawl-id cc-hosts --level host
  linkgraph rank data/crawls/cc-domains --authority \\
      cc-main-2024-feb-apr-may-domain-ranks.txt.gz  # or compare with their ranks
"""


def _crawl_id(text: str) -> str:
    if not text or any(c in text for c in '/\\:*?"<>|') or text.startswith("."):
        raise argparse.ArgumentTypeError(f"{text!r}: must be a plain directory name")
    return text


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (one per core) or more, not {value}")
    return value


def _target_args() -> argparse.ArgumentParser:
    group = argparse.ArgumentParser(add_help=False)
    group.add_argument(
        "--crawl-id", required=True, type=_crawl_id, help="name of the directory written"
    )
    group.add_argument(
        "--data-dir",
        default="data/crawls",
        metavar="DIR",
        help="where crawl directories live (default data/crawls, as for crawls)",
    )
    return group


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = command(
        subparsers,
        "ingest",
        "read WARC and WAT files into a crawl directory",
        "Read WARC files (response records, through the crawler's own extraction) and "
        "Common Crawl WAT files (link metadata; placement unknown), gzipped or not, local "
        "paths or URLs, into DATA_DIR/CRAWL_ID/ with the pages and edges of a crawl. Files "
        "are read in parallel, one process per core; damaged records are counted and "
        "skipped; files already ingested there are skipped. crawl.json lists the files "
        "(size, SHA-256) and what was read. See docs/archives.md.",
        INGEST_EXAMPLE,
        [_target_args()],
    )
    parser.add_argument("files", metavar="FILE_OR_URL", nargs="+", help="WARC or WAT files")
    parser.add_argument(
        "--jobs", type=_jobs, default=0, metavar="N", help="processes (default 0: one per core)"
    )
    parser.set_defaults(handler=run_ingest)
    graph = command(
        subparsers,
        "ingest-webgraph",
        "read a Common Crawl host- or domain-level web graph",
        "Read Common Crawl's published web graph (vertices and edges files: each a single "
        "file, a *.paths.gz listing of part files, or a folder of part-* files; gzipped; "
        "paths or URLs) into DATA_DIR/CRAWL_ID/, which rank, backlinks, intersect and report "
        "read like a crawl. Names are turned back the right way round. The edges carry no "
        "URLs, anchors, rel or placement: the URL columns hold the node names, anchors are "
        "empty, placement is 'unknown'. See docs/archives.md.",
        WEBGRAPH_EXAMPLE,
        [_target_args()],
    )
    graph.add_argument("vertices", metavar="VERTICES", help="vertices file, listing or folder")
    graph.add_argument("edges", metavar="EDGES", help="edges file, listing or folder")
    graph.add_argument(
        "--level",
        choices=("host", "domain"),
        help="the graph's level (default: found from the vertices' columns)",
    )
    graph.set_defaults(handler=run_webgraph)


def run_ingest(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from crawler.archive.ingest import ingest

    out_dir = Path(args.data_dir) / args.crawl_id
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[records]:,} records"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=_console(), transient=False) as bar:
        tasks: dict[str, tuple[int, int]] = {}
        total = {"task": None}

        def planned(sources, todo) -> None:
            skipped = len(sources) - len(todo)
            if skipped:
                bar.console.print(f"{skipped} of {len(sources)} files already ingested here")
            size = sum(s.size or 0 for s in todo)
            total["task"] = bar.add_task(f"{len(todo)} files", total=size or None, records=0)
            for source in todo:
                tasks[source.key] = (0, 0)

        def progress(key: str, position: int, records: int) -> None:
            tasks[key] = (position, records)
            done = sum(p for p, _ in tasks.values())
            count = sum(r for _, r in tasks.values())
            bar.update(total["task"], completed=done, records=count)

        meta = ingest(
            args.files, out_dir, args.crawl_id, jobs=args.jobs, progress=progress, planned=planned
        )
    records, output = meta["records"], meta["output"]
    skipped = ", ".join(f"{n:,} {what}" for what, n in records["skipped"].items()) or "none"
    print(
        f"{out_dir}: {output['pages_written']:,} pages, {output['edges_written']:,} edges "
        f"from {records['read']:,} records ({records['malformed']:,} malformed; skipped: "
        f"{skipped}); depth is unknown in archives (null)",
        file=sys.stderr,
    )
    for entry in meta["inputs"]:
        for example in (entry.get("records") or {}).get("malformed_examples", []):
            print(f"malformed: {entry['source']}: {example}", file=sys.stderr)
    return 0


def run_webgraph(args: argparse.Namespace) -> int:
    from rich.progress import Progress, TextColumn

    from crawler.archive.webgraph import UNKNOWN_IN_GRAPHS, ingest_webgraph

    out_dir = Path(args.data_dir) / args.crawl_id
    if args.vertices == args.edges:
        raise UsageError("VERTICES and EDGES must be different files")
    columns = (TextColumn("{task.description}"), TextColumn("{task.completed:,.0f} edges"))
    with Progress(*columns, console=_console()) as bar:
        task = bar.add_task("reading edges")
        meta = ingest_webgraph(
            args.vertices,
            args.edges,
            out_dir,
            args.crawl_id,
            level=args.level,
            progress=lambda n: bar.advance(task, n),
        )
    edges = meta["edges"]
    print(
        f"{out_dir}: {meta['level']}-level graph, {meta['vertices']['count']:,} vertices, "
        f"{edges['edges_written']:,} edges ({edges['self_loops_dropped']:,} self-loops "
        f"dropped); unknown for these edges: {', '.join(UNKNOWN_IN_GRAPHS)}",
        file=sys.stderr,
    )
    return 0


def _console():
    from rich.console import Console

    return Console(stderr=True)
