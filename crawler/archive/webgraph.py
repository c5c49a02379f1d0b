"""Common Crawl's host- and domain-level web graphs -> an edges dataset the graph commands read.

The published format (cc-webgraph; ``docs/archives.md``): vertices are
``id<TAB>reversed_name`` (host level) or ``id<TAB>reversed_domain<TAB>num_hosts``
(domain level), sorted by reversed name in byte order, ids 0..n-1 in that order; edges
are ``from_id<TAB>to_id``, sorted, self-loops removed; all gzipped, host-level files in
parts. Both are streamed with Arrow's CSV reader: memory holds the vertex names (the ids
are looked up in them) and one batch of edges, never the whole edge list.

What a row holds (kind ``graph``): an edge says that some page of the source node links
to some page of the target node, nothing more. Its URLs, anchor, rel and the time it was
seen are unknown, so ``src_url``/``dst_url`` hold the node names (host, or domain for a
domain graph: a link's identity, ``graph.links.LINK_KEY``, is then the pair of nodes, one
link per edge), ``anchor`` and ``rel`` are empty, ``placement`` is ``unknown`` and
``fetched_at`` is null. ``src_host``/``dst_host`` are empty at domain level (which host
linked is unknown), so a host-level graph of a domain graph has no links.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from crawler.archive.sources import Source, describe, open_at
from crawler.atomic import write_json_atomic, write_parquet_atomic
from crawler.errors import InputFileError, LinkgraphError, one_line
from crawler.schema import EDGES_SCHEMA
from crawler.urls import registered_domain

__all__ = ["GRAPH_KIND", "Vertices", "arrow_stream", "read_vertices", "write_edges", "unreverse"]

#: ``kind`` of the edges written from a web graph.
GRAPH_KIND = "graph"
#: What a web graph's edges cannot say (crawl.json and the command's output list it).
UNKNOWN_IN_GRAPHS = [
    "URLs (src_url/dst_url hold the node names)",
    "anchor",
    "rel and nofollow",
    "placement",
    "fetched_at",
    "pages",
]
_BLOCK = 1 << 24
_PART_EDGES = 4_000_000


def unreverse(name: str) -> str:
    """A name in reverse domain notation the right way round.

    >>> unreverse("com.example.www")
    'www.example.com'
    """
    return ".".join(name.split(".")[::-1])


@dataclass
class Vertices:
    """The vertices of a graph: names by id (the right way round) and their domains."""

    level: str
    names: pa.Array  # large_string, by id
    domain_codes: np.ndarray  # per id: index into domains
    domains: pa.Array  # distinct registered domains (string)
    hosts: int = 0  # sum of num_hosts at domain level
    sources: list[Source] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.names)


def arrow_stream(source: Source):
    """The (gunzipped) bytes of a file as an Arrow input stream, for Arrow's CSV reader."""
    raw = open_at(source)
    head = raw.read(2)
    raw.seek(0)
    stream = pa.PythonFile(raw, mode="r")
    return pa.CompressedInputStream(stream, "gzip") if head == b"\x1f\x8b" else stream


def _batches(source: Source, columns: dict[str, pa.DataType]) -> Iterator[pa.RecordBatch]:
    reader = pacsv.open_csv(
        arrow_stream(source),
        read_options=pacsv.ReadOptions(column_names=list(columns), block_size=_BLOCK),
        parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False, escape_char=False),
        convert_options=pacsv.ConvertOptions(column_types=columns, strings_can_be_null=False),
    )
    try:
        yield from reader
    except (pa.ArrowInvalid, OSError, EOFError) as exc:
        raise InputFileError(source.name, f"not a web-graph file ({one_line(exc)})") from None


def _columns_of(source: Source) -> int:
    with open_at(source) as raw:
        head = raw.read(2)
        raw.seek(0)
        if head == b"\x1f\x8b":
            import gzip

            raw = gzip.GzipFile(fileobj=raw)
        try:
            first = raw.readline(1 << 16)
        except (OSError, EOFError) as exc:
            raise InputFileError(source.name, f"cannot read ({one_line(exc)})") from None
    if not first.strip():
        raise InputFileError(source.name, "empty vertices file")
    return first.rstrip(b"\r\n").count(b"\t") + 1


def read_vertices(parts: list[str], level: str | None = None) -> Vertices:
    """Read and check the vertices files (in order): ids 0..n-1 in file order, names
    strictly increasing in byte order; ``InputFileError`` naming the file and line
    otherwise. ``level`` is found from the columns when not given."""
    sources = [describe(p) for p in parts]
    width = _columns_of(sources[0])
    found = {2: "host", 3: "domain"}.get(width)
    if found is None:
        raise InputFileError(parts[0], f"vertices need 2 or 3 tab-separated columns, not {width}")
    if level is not None and level != found:
        raise InputFileError(parts[0], f"holds {found}-level vertices, not {level}-level")
    columns = {"id": pa.int64(), "name": pa.string()}
    if found == "domain":
        columns["num_hosts"] = pa.int64()
    chunks: list[pa.Array] = []
    domain_chunks: list[pa.Array] = []
    hosts = 0
    previous: str | None = None
    for source in sources:
        line = 0
        for batch in _batches(source, columns):
            ids = batch.column("id").to_numpy()
            start = sum(len(c) for c in chunks)
            expected = np.arange(start, start + len(ids))
            if not np.array_equal(ids, expected):
                at = int(np.flatnonzero(ids != expected)[0])
                raise InputFileError(
                    source.name,
                    f"line {line + at + 1}: id {ids[at]}, but ids must run 0..n-1 in file order",
                )
            raw = batch.column("name")
            _check_sorted(source, raw, previous, line)
            previous = raw[-1].as_py() if len(raw) else previous
            names = [unreverse(name) for name in raw.to_pylist()]
            chunks.append(pa.array(names, pa.large_string()))
            if found == "host":
                domain_chunks.append(pa.array([registered_domain(h) for h in names], pa.string()))
            else:
                hosts += int(pc.sum(batch.column("num_hosts")).as_py() or 0)
            line += len(ids)
    if not chunks:
        raise InputFileError(parts[0], "no vertices")
    names = pa.chunked_array(chunks).combine_chunks()
    if found == "domain":  # each vertex is its own domain
        return Vertices(found, names, np.arange(len(names)), names, hosts, sources)
    encoded = pc.dictionary_encode(pa.chunked_array(domain_chunks)).combine_chunks()
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    return Vertices(found, names, codes, encoded.dictionary, hosts, sources)


def _check_sorted(source: Source, raw: pa.Array, previous: str | None, line: int) -> None:
    if not len(raw):
        return
    binary = raw.cast(pa.binary())
    if previous is not None and binary[0].as_py() <= previous.encode():
        _unsorted(source, line + 1, raw[0].as_py(), previous)
    if len(raw) > 1:
        bad = pc.less_equal(binary.slice(1), binary.slice(0, len(raw) - 1))
        if pc.any(bad).as_py():
            at = int(np.flatnonzero(bad.to_numpy(zero_copy_only=False))[0])
            _unsorted(source, line + at + 2, raw[at + 1].as_py(), raw[at].as_py())


def _unsorted(source: Source, line: int, name: str, before: str) -> None:
    raise InputFileError(
        source.name,
        f"vertices not sorted by reversed name in byte order: line {line} ({name!r}) "
        f"does not come after {before!r}",
    )


def _edges_columns(vertices: Vertices, src: np.ndarray, dst: np.ndarray) -> dict:
    n = len(src)
    src_ids, dst_ids = pa.array(src), pa.array(dst)
    src_names = vertices.names.take(src_ids).cast(pa.string())
    dst_names = vertices.names.take(dst_ids).cast(pa.string())
    src_dom = vertices.domains.take(pa.array(vertices.domain_codes[src])).cast(pa.string())
    dst_dom = vertices.domains.take(pa.array(vertices.domain_codes[dst])).cast(pa.string())
    empty = pa.array([""] * n, pa.string()) if n else pa.array([], pa.string())
    host_level = vertices.level == "host"
    false = pa.array(np.zeros(n, dtype=bool))
    columns = {
        "crawl_id": None,
        "src_url": src_names,
        "dst_url": dst_names,
        "src_host": src_names if host_level else empty,
        "dst_host": dst_names if host_level else empty,
        "src_domain": src_dom,
        "dst_domain": dst_dom,
        "anchor": empty,
        "rel": empty,
        "nofollow": false,
        "ugc": false,
        "sponsored": false,
        "kind": pa.array([GRAPH_KIND] * n, pa.string()),
        "placement": pa.array(["unknown"] * n, pa.string()),
        "internal": pa.array(vertices.domain_codes[src] == vertices.domain_codes[dst]),
        "position": pa.array(np.zeros(n, dtype=np.int32)),
        "fetched_at": pa.nulls(n, EDGES_SCHEMA.field("fetched_at").type),
        "rendered_only": pa.nulls(n, pa.bool_()),
    }
    return columns


def write_edges(
    vertices: Vertices,
    parts: list[Source],
    out_dir: str | os.PathLike[str],
    crawl_id: str,
    progress=None,
) -> dict:
    """Stream the edges files into ``out_dir/edges/graph-NNNNNN.parquet`` (each written
    atomically); returns the counts for ``crawl.json``."""
    folder = Path(out_dir) / "edges"
    folder.mkdir(parents=True, exist_ok=True)
    counts = {"edges_read": 0, "edges_written": 0, "self_loops_dropped": 0, "parts": 0}
    pending: list[tuple[np.ndarray, np.ndarray]] = []
    held = 0

    def flush() -> None:
        nonlocal held
        if not pending:
            return
        src = np.concatenate([p[0] for p in pending])
        dst = np.concatenate([p[1] for p in pending])
        pending.clear()
        held = 0
        columns = _edges_columns(vertices, src, dst)
        columns["crawl_id"] = pa.array([crawl_id] * len(src), pa.string())
        table = pa.Table.from_pydict(columns, schema=EDGES_SCHEMA)
        write_parquet_atomic(table, folder / f"graph-{counts['parts']:06d}.parquet")
        counts["parts"] += 1
        counts["edges_written"] += len(src)

    for source in parts:
        for batch in _batches(source, {"from": pa.int64(), "to": pa.int64()}):
            src = batch.column("from").to_numpy()
            dst = batch.column("to").to_numpy()
            counts["edges_read"] += len(src)
            if len(src) and (
                min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= vertices.n
            ):
                bad = int(src.max() if src.max() >= vertices.n else dst.max())
                raise InputFileError(
                    source.name,
                    f"edge with vertex id {bad}, but the vertices have ids 0..{vertices.n - 1}",
                )
            loops = src == dst
            if loops.any():
                counts["self_loops_dropped"] += int(loops.sum())
                src, dst = src[~loops], dst[~loops]
            pending.append((src, dst))
            held += len(src)
            if held >= _PART_EDGES:
                flush()
            if progress is not None:
                progress(len(batch))
    flush()
    if not counts["edges_read"]:
        raise LinkgraphError(f"{parts[0].name}: no edges")
    return counts


def ingest_webgraph(
    vertices: str,
    edges: str,
    out_dir: str | os.PathLike[str],
    crawl_id: str,
    *,
    level: str | None = None,
    progress=None,
) -> dict:
    """Read a published graph into ``out_dir`` (its edges parts are replaced whole) and
    write its ``crawl.json``; returns that. ``progress(edges)`` after each batch."""
    from crawler.archive.ingest import now, prepare_dir, record_meta
    from crawler.archive.sources import expand
    from crawler.record import CRAWL_JSON

    out_dir = Path(out_dir)
    prepare_dir(out_dir, "webgraph")
    vertex_parts, edge_parts = expand(vertices), expand(edges)
    graph = read_vertices(vertex_parts, level)
    (out_dir / "pages").mkdir(parents=True, exist_ok=True)
    for old in (out_dir / "edges").glob("graph-*.parquet"):
        old.unlink()
    edge_sources = [describe(p) for p in edge_parts]
    meta = record_meta(crawl_id, "webgraph", "linkgraph ingest-webgraph")
    meta.update(level=graph.level)
    write_json_atomic(meta, out_dir / CRAWL_JSON)
    counts = write_edges(graph, edge_sources, out_dir, crawl_id, progress)
    meta.update(
        status="finished",
        finished_at=now(),
        vertices={"parts": [s.manifest() for s in graph.sources], "count": graph.n},
        edges={"parts": [s.manifest() for s in edge_sources], **counts},
        output={"pages_written": 0, "edges_written": counts["edges_written"]},
        unknown=UNKNOWN_IN_GRAPHS,
    )
    if graph.level == "domain":
        meta["vertices"]["hosts"] = graph.hosts
    write_json_atomic(meta, out_dir / CRAWL_JSON)
    return meta
