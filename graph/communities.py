"""Niches found from the links: communities of the domain graph, labelled by their words.

A user who does not know a niche's seed domains can list the niches (``linkgraph
niches``), then ask for authority inside one of them by its number or label (``linkgraph
rank --niche 2``): the niche's domains become the teleport set of topic-sensitive
PageRank. Definitions in ``docs/authority.md``.

Communities: Louvain (Blondel, Guillaume, Lambiotte and Lefebvre, 2008) through
``networkx.community.louvain_communities`` with a fixed seed, on the undirected domain
graph (a reciprocal link counts twice). Leiden (Traag, Waltman and van Eck, 2019) fixes
Louvain's occasional badly connected communities but needs igraph or leidenalg at run
time; at crawl sizes (thousands to a few hundred thousand domains) Louvain in networkx is
fast enough and already a dependency.

Labels: the most distinctive words of the community's page titles and of the anchors of
links into it from other domains, scored like TF-IDF with the communities as documents
(term frequency: the share of the community's domains using the word), so a word every
niche uses ("home", "about") labels none of them and one site's name does not label its
niche.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crawler.errors import LinkgraphError
from graph.build import LinkGraph, build_graph
from graph.pagerank import pagerank
from graph.store import edges_dataset, pages_dataset, reading

__all__ = ["Niche", "NicheError", "find_niches", "niches_table", "niche_domains"]

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)

# Words too common in titles and anchors to name a niche, whatever the crawl.
STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "your",
        "you",
        "our",
        "are",
        "was",
        "were",
        "has",
        "have",
        "not",
        "but",
        "all",
        "any",
        "can",
        "more",
        "most",
        "about",
        "home",
        "page",
        "pages",
        "site",
        "web",
        "www",
        "com",
        "org",
        "net",
        "http",
        "https",
        "html",
        "index",
        "read",
        "click",
        "here",
        "link",
        "links",
        "new",
        "news",
        "post",
        "posts",
        "blog",
        "contact",
        "privacy",
        "policy",
        "terms",
        "next",
        "previous",
        "prev",
        "back",
        "top",
        "menu",
        "main",
        "search",
        "login",
        "sign",
        "welcome",
        "how",
        "what",
        "why",
        "who",
        "when",
        "where",
        "which",
        "will",
        "one",
        "two",
        "its",
        "into",
        "out",
        "also",
        "just",
        "get",
        "see",
        "via",
        "per",
        "use",
        "used",
        "using",
        "their",
        "there",
    ]
)


#: Words kept per niche: a user may name a niche by any of them that no other niche has.
KEYWORDS = 10


class NicheError(LinkgraphError):
    """A niche number or label that is not in the list (message is one line)."""


@dataclass(frozen=True)
class Niche:
    """One community of the domain graph.

    Attributes
    ----------
    number : int
        1 for the largest community, 2 for the next, ...
    label : str
        Its most distinctive words, space-joined.
    words : list of str
        Its ten most distinctive words, most distinctive first (the label is the first
        ``words`` of them, three by default).
    domains : list of str
        Its domains (or hosts), highest PageRank first.
    """

    number: int
    label: str
    words: list[str]
    domains: list[str]

    @property
    def size(self) -> int:
        return len(self.domains)


def _louvain(graph: LinkGraph, resolution: float, seed: int) -> list[np.ndarray]:
    undirected = nx.Graph()
    undirected.add_nodes_from(range(graph.n))
    weights: Counter[tuple[int, int]] = Counter(
        (min(s, d), max(s, d)) for s, d in zip(graph.src.tolist(), graph.dst.tolist(), strict=True)
    )
    undirected.add_weighted_edges_from((a, b, w) for (a, b), w in weights.items())
    parts = nx.community.louvain_communities(
        undirected, weight="weight", resolution=resolution, seed=seed
    )
    return [np.array(sorted(p), dtype=np.int64) for p in parts]


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def _node_texts(crawl_dirs: Sequence[str | os.PathLike[str]], graph: LinkGraph) -> list[Counter]:
    """Word counts per node: its pages' titles and the anchors of links into it."""
    level = graph.level
    counts: list[Counter] = [Counter() for _ in range(graph.n)]
    index = {name: i for i, name in enumerate(graph.names.to_pylist())}

    def add(table: pa.Table, key: str, text: str) -> None:
        grouped = table.group_by([key, text]).aggregate([([], "count_all")])
        for name, value, n in zip(
            grouped.column(key).to_pylist(),
            grouped.column(text).to_pylist(),
            grouped.column("count_all").to_pylist(),
            strict=True,
        ):
            node = index.get(name)
            if node is None or not value:
                continue
            for word in _words(value):
                counts[node][word] += n

    pages = pages_dataset(crawl_dirs)
    edges = edges_dataset(crawl_dirs)
    cross = pc.field(f"src_{level}") != pc.field(f"dst_{level}")
    with reading([*pages.files, *edges.files]):
        add(pages.to_table(columns=[level, "title"]), level, "title")
        anchors = edges.to_table(columns=[f"dst_{level}", "anchor"], filter=cross)
    add(anchors, f"dst_{level}", "anchor")
    return counts


def _labels(groups: list[np.ndarray], texts: list[Counter], n_words: int) -> list[list[str]]:
    """The most distinctive words of each community.

    A word's weight in a community is the share of its members whose titles or inbound
    anchors use it (so one site's own name, repeated on all its pages, does not outweigh
    a word the whole niche shares), times a smoothed inverse document frequency over the
    communities (so a word every niche uses labels none). Ties: total uses, then the word.
    """
    spread: list[Counter] = []
    uses: list[Counter] = []
    for members in groups:
        members_using: Counter = Counter()
        total: Counter = Counter()
        for node in members.tolist():
            members_using.update(texts[node].keys())
            total.update(texts[node])
        spread.append(members_using)
        uses.append(total)
    df: Counter = Counter()
    for members_using in spread:
        df.update(members_using.keys())
    k = len(groups)
    labels = []
    for members, members_using, total in zip(groups, spread, uses, strict=True):
        size = members.size

        def weight(word: str, members_using=members_using, size=size) -> float:
            return members_using[word] / size * (math.log((1 + k) / (1 + df[word])) + 1.0)

        ranked = sorted(members_using, key=lambda w: (-weight(w), -total[w], w))
        labels.append(ranked[:n_words])
    return labels


def find_niches(
    crawl_dirs: Sequence[str | os.PathLike[str]],
    *,
    level: str = "domain",
    include_nofollow: bool = False,
    resolution: float = 1.0,
    seed: int = 0,
    words: int = 3,
    graph: LinkGraph | None = None,
    scores: np.ndarray | None = None,
) -> list[Niche]:
    """The communities of the crawls' domain graph, largest first, with labels.

    Parameters
    ----------
    crawl_dirs : sequence of paths
        Crawl directories (their pages give titles, their edges anchors and the graph).
    level : {"domain", "host"}
    include_nofollow : bool
        Build the graph with nofollow links too.
    resolution : float
        Louvain's resolution: above 1 gives more, smaller niches.
    seed : int
        Louvain's random seed, fixed so the same crawl gives the same niches.
    words : int
        Words per label.
    graph : LinkGraph, optional
        An already built graph of the same crawls (saves rebuilding it).
    scores : numpy.ndarray, optional
        The graph's PageRank (``graph.rank(...).pagerank``), which orders each niche's
        members; computed when omitted.

    Returns
    -------
    list of Niche
        Numbered from 1 by decreasing size (ties: the name of the top domain).

    References
    ----------
    .. [1] V. D. Blondel, J.-L. Guillaume, R. Lambiotte, E. Lefebvre, "Fast unfolding of
       communities in large networks", J. Stat. Mech. 2008, P10008.
    .. [2] T. H. Haveliwala, "Topic-Sensitive PageRank", WWW 2002.
    """
    if graph is None:
        graph = build_graph(crawl_dirs, level=level, include_nofollow=include_nofollow)
    if graph.n == 0:
        return []
    if scores is None:
        scores = pagerank(graph)
    groups = _louvain(graph, resolution, seed)
    names = graph.names.to_pylist()
    # Members highest PageRank first (ties by name).
    groups = [g[np.lexsort((np.array([names[i] for i in g]), -scores[g]))] for g in groups]
    groups.sort(key=lambda g: (-g.size, names[g[0]]))
    keywords = _labels(groups, _node_texts(crawl_dirs, graph), max(words, KEYWORDS))
    return [
        Niche(
            number=i + 1,
            label=" ".join(label[:words]) if label else names[group[0]],
            words=label,
            domains=[names[j] for j in group.tolist()],
        )
        for i, (group, label) in enumerate(zip(groups, keywords, strict=True))
    ]


def niches_table(niches: Sequence[Niche], top: int = 5) -> pa.Table:
    """One row per niche: ``niche``, ``label``, ``size``, ``top_domains`` (comma-joined)."""
    return pa.table(
        {
            "niche": pa.array([n.number for n in niches], pa.int32()),
            "label": pa.array([n.label for n in niches], pa.string()),
            "size": pa.array([n.size for n in niches], pa.int64()),
            "top_domains": pa.array([", ".join(n.domains[:top]) for n in niches], pa.string()),
        }
    )


def select_niche(niches: Sequence[Niche], spec: int | str) -> Niche:
    """The niche named by ``spec``: its number, its label, or one of its words (its ten most
    distinctive) that no other niche has among its own."""
    text = str(spec).strip().lower()
    if text.isdigit():
        number = int(text)
        for niche in niches:
            if niche.number == number:
                return niche
        raise NicheError(f"no niche number {number}; there are {len(niches)}")
    for niche in niches:
        if niche.label.lower() == text:
            return niche
    having = [n for n in niches if text in n.words]
    if len(having) == 1:
        return having[0]
    if having:
        numbers = ", ".join(str(n.number) for n in having)
        raise NicheError(f"niche {spec!r} is ambiguous: niches {numbers}; give a number")
    raise NicheError(f"no niche labelled {spec!r}; see `linkgraph niches`")


def niche_domains(
    crawl_dirs: Sequence[str | os.PathLike[str]],
    spec: int | str,
    *,
    graph: LinkGraph | None = None,
    level: str = "domain",
    scores: np.ndarray | None = None,
) -> list[str]:
    """The domains of the niche numbered or labelled ``spec`` (see ``select_niche``)."""
    found = find_niches(crawl_dirs, level=level, graph=graph, scores=scores)
    return select_niche(found, spec).domains
