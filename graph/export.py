"""The domain or host graph for users' own analysis: networkx, GraphML, GEXF, CSV.

``to_networkx`` gives a ``networkx.DiGraph`` whose nodes carry the ranking columns
(``pagerank``, ``authority``, ``referring_domains``, ``backlinks``, ``outlinking_domains``,
``dofollow``, ``graph_in_degree``) and whose edges carry ``links`` (the followable links
behind the edge). ``write_graph`` writes it
for Gephi, Cytoscape and other tools; CSV is two files, nodes and edges, as Gephi's
spreadsheet import expects. networkx is the export format here, never how graphs are
ranked.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path

import networkx as nx
import pyarrow as pa

from crawler.atomic import atomic_path
from crawler.errors import LinkgraphError
from graph.build import LinkGraph, build_graph
from graph.output import neutralise_cell, writing

__all__ = ["EXPORT_FORMATS", "ExportError", "to_networkx", "graph_to_networkx", "write_graph"]

EXPORT_FORMATS = ("graphml", "gexf", "csv")


class ExportError(LinkgraphError):
    """The export cannot be written (message is one line)."""


def graph_to_networkx(graph: LinkGraph, table: pa.Table | None = None) -> nx.DiGraph:
    """A ``networkx.DiGraph`` of ``graph``; node attributes from ``table`` (the ranked table).

    Nodes are named by domain (or host); edge attribute ``links`` counts followable links.
    """
    if table is None:
        table = _ranked(graph)
    result = nx.DiGraph(level=graph.level)
    columns = [c for c in table.column_names if c != graph.level]
    names = table.column(graph.level).to_pylist()
    values = [table.column(c).to_pylist() for c in columns]
    result.add_nodes_from(
        (name, {c: v[i] for c, v in zip(columns, values, strict=True)})
        for i, name in enumerate(names)
    )
    node = graph.names.to_pylist()
    result.add_edges_from(
        (node[s], node[d], {"links": int(k)})
        for s, d, k in zip(
            graph.src.tolist(), graph.dst.tolist(), graph.links.tolist(), strict=True
        )
    )
    return result


def to_networkx(
    crawl_dirs: Sequence[str | os.PathLike[str]],
    *,
    level: str = "domain",
    include_nofollow: bool = False,
    alpha: float = 0.85,
) -> nx.DiGraph:
    """The domain (or host) graph of the crawls as a ``networkx.DiGraph``, with authority.

    >>> import networkx as nx  # doctest: +SKIP
    >>> g = to_networkx(["data/crawls/20261125T090000Z"])  # doctest: +SKIP
    >>> nx.shortest_path(g, "rosegarden.example", "seedshop.example")  # doctest: +SKIP
    """
    graph = build_graph(crawl_dirs, level=level, include_nofollow=include_nofollow)
    return graph_to_networkx(graph, _ranked(graph, alpha=alpha))


def _ranked(graph: LinkGraph, alpha: float = 0.85) -> pa.Table:
    """The ranked table of ``graph`` (local engine): the node attributes of an export."""
    from graph.engines.local import LocalEngine
    from graph.ranking import ranking_of_graph

    return ranking_of_graph(graph, engine=LocalEngine(), alpha=alpha).table()


def _atomic(path: Path, write) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"{path}: directory {folder} does not exist")
    with writing(path), atomic_path(path) as tmp:
        write(str(tmp))


def _write_csv(path: Path, header: list[str], rows) -> None:
    def write(tmp: str) -> None:
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for row in rows:
                writer.writerow([neutralise_cell(v) for v in row])

    _atomic(path, write)


def write_graph(graph: nx.DiGraph, path: str | os.PathLike[str], fmt: str) -> list[Path]:
    """Write ``graph`` (from ``to_networkx``) as GraphML, GEXF or CSV; return the files.

    CSV writes ``PATH`` with the nodes (``id`` and the node attributes) and, next to it,
    ``PATH`` with ``.edges`` before the extension (``source, target, links``), the two
    tables Gephi's "Import spreadsheet" reads. Names are text from the web: CSV cells that
    would run as spreadsheet formulas are neutralised, and GraphML/GEXF are written by
    networkx's XML writers, which escape markup.
    """
    path = Path(path)
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; use graphml, gexf or csv")
    if fmt == "graphml":
        _atomic(path, lambda tmp: nx.write_graphml(graph, tmp))
        return [path]
    if fmt == "gexf":
        _atomic(path, lambda tmp: nx.write_gexf(graph, tmp))
        return [path]
    attributes: list[str] = []
    for _, data in graph.nodes(data=True):
        attributes.extend(k for k in data if k not in attributes)
    _write_csv(
        path,
        ["id", *attributes],
        ([node, *(data.get(k, "") for k in attributes)] for node, data in graph.nodes(data=True)),
    )
    edges_path = path.with_name(f"{path.stem}.edges{path.suffix or '.csv'}")
    _write_csv(
        edges_path,
        ["source", "target", "links"],
        ([s, t, data.get("links", 1)] for s, t, data in graph.edges(data=True)),
    )
    return [path, edges_path]
