"""Link spam per domain: spam mass, the ``spam`` flag, and the footprints behind them.

Spam mass (Gyöngyi, Berkhin, Garcia-Molina and Pedersen, 2006) is the share of a domain's
PageRank that does not come from a trusted core: ``spam_mass`` estimates it from the
Ranking's PageRank and trust vectors, ``auto_core`` picks a core when no trusted domains
are given, and ``spam_flag`` turns it (with the signals below, when computed) into the
``spam`` column of ``linkgraph rank``. Everything here works on any engine's vectors.

The signals prove nothing alone; each is a share in 0..1 that is high for the footprints of
the usual schemes (Gyöngyi and Garcia-Molina, "Web Spam Taxonomy", AIRWeb 2005): link
exchanges (reciprocal links), link farms (referring domains that all link to one another),
sitewide footer or blogroll links and comment spam (many links, few editorial votes), and
a profile made of nofollow links. Definitions in ``docs/authority.md`` ("Spam").
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.build import LinkGraph, build_graph
from graph.links import follow_kind_expression
from graph.store import edges_dataset, reading

__all__ = [
    "SIGNAL_COLUMNS",
    "SPAM_MASS_THRESHOLD",
    "auto_core",
    "farm_core",
    "spam_flag",
    "spam_mass",
    "spam_signals",
]

SIGNAL_COLUMNS = (
    "reciprocal_share",
    "farm_share",
    "sitewide_share",
    "comment_share",
    "nofollow_share",
)

#: A source domain's links to a target are sitewide when they sit on at least this share
#: of the source's pages that have links, and on at least ``SITEWIDE_MIN_PAGES`` pages.
SITEWIDE_SHARE = 0.5
SITEWIDE_MIN_PAGES = 3
#: A farm core must have at least this many referring domains.
FARM_MIN_SIZE = 3
#: Above this many referring domains the farm core is not searched (cost grows with the
#: square); the share is reported as NaN.
FARM_MAX_REFERRERS = 5000


#: The automatic trusted core: this share of the domains (at least ``CORE_MIN``), those with
#: the highest PageRank over editorial links only.
CORE_SHARE = 0.1
CORE_MIN = 3
#: ``spam``: a relative spam mass at least this high, on a domain whose PageRank is above
#: the average (1/n) ...
SPAM_MASS_THRESHOLD = 0.9
#: ... or at least this high together with a farm or comment-spam footprint (``--signals``).
SPAM_MASS_WITH_SIGNALS = 0.5
SIGNAL_THRESHOLD = 0.5


def auto_core(editorial_pagerank: np.ndarray) -> np.ndarray:
    """The trusted core chosen when none is given: ids of the top-ranked domains on the
    editorial graph.

    The top ``CORE_SHARE`` of the domains (at least ``CORE_MIN``, at most all), by
    PageRank computed over editorial links only (links outside comment areas, the graph
    trust flows on); ties by id, i.e. by name. A link farm's PageRank comes from links it
    places itself on its own domains and from comment spam: without the comments, a farm
    only circulates its own teleport mass and stays near the average, while the sites the
    web links to editorially rise above it (``docs/authority.md``, "Spam mass").
    """
    scores = np.asarray(editorial_pagerank, dtype=np.float64)
    n = scores.size
    k = min(n, max(CORE_MIN, int(np.ceil(CORE_SHARE * n))))
    return np.sort(np.argsort(-scores, kind="stable")[:k])


def spam_mass(pagerank: np.ndarray, trust: np.ndarray) -> np.ndarray:
    """Relative spam mass per node: the share of its PageRank not explained by the core.

    ``spam_mass = 1 - trust / pagerank``, clipped to 0..1, where ``pagerank`` is PageRank
    (uniform teleport) and ``trust`` the core-based PageRank (TrustRank from the trusted
    core, over editorial links), both distributions summing to 1. This is the relative
    spam mass ``(p - p') / p`` of Gyöngyi et al. (2006), with the core-based PageRank
    ``p'`` scaled to carry the same total mass as ``p`` (their scaling of the core's jump
    vector up to the estimated good part of the web, taken here as all of it): a domain
    that gets its share of PageRank through trusted links scores near 0 (or below, clipped),
    one the core cannot reach scores 1. Nodes with no PageRank score 0.

    References
    ----------
    .. [1] Z. Gyöngyi, P. Berkhin, H. Garcia-Molina, J. Pedersen, "Link Spam Detection
       Based on Mass Estimation", VLDB 2006.
    """
    pr = np.asarray(pagerank, dtype=np.float64)
    tr = np.asarray(trust, dtype=np.float64)
    mass = np.zeros(pr.shape)
    np.divide(pr - tr, pr, out=mass, where=pr > 0)
    return np.clip(mass, 0.0, 1.0)


def spam_flag(
    mass: np.ndarray, pagerank: np.ndarray, signals: pa.Table | None = None
) -> np.ndarray:
    """The ``spam`` flag: PageRank above the average, and mostly not from the trusted core.

    A domain is flagged when its PageRank is above the average ``1/n`` (Gyöngyi et al. only
    judge nodes whose PageRank is worth inflating; a site nobody links to has no bought
    authority to warn about) and either its ``spam_mass`` is at least
    ``SPAM_MASS_THRESHOLD`` (0.9), or, when the spam signals were computed, its
    ``spam_mass`` is at least ``SPAM_MASS_WITH_SIGNALS`` (0.5) and its ``farm_share`` or
    ``comment_share`` is at least ``SIGNAL_THRESHOLD`` (0.5).
    """
    pr = np.asarray(pagerank, dtype=np.float64)
    mass = np.asarray(mass, dtype=np.float64)
    lifted = pr * pr.size > 1.0
    flagged = mass >= SPAM_MASS_THRESHOLD
    if signals is not None:
        footprint = np.zeros(pr.size, dtype=bool)
        for name in ("farm_share", "comment_share"):
            share = np.nan_to_num(np.asarray(signals.column(name), dtype=np.float64))
            footprint |= share >= SIGNAL_THRESHOLD
        flagged |= footprint & (mass >= SPAM_MASS_WITH_SIGNALS)
    return lifted & flagged


def farm_core(adjacency, members: np.ndarray, density: float = 0.5) -> np.ndarray:
    """The densely cross-linked core of ``members``: peel until each links to enough others.

    Repeatedly drop the members that link to fewer than ``density`` of the other remaining
    members; what is left (possibly nothing) is the core. A link farm's domains all link to
    one another and survive; the varied referring domains of a legitimate site do not.
    """
    core = np.asarray(members)
    sub = adjacency[core][:, core]
    keep = np.ones(len(core), dtype=bool)
    while keep.sum() >= 2:
        inside = sub[:, keep][keep].sum(axis=1)
        enough = np.asarray(inside).ravel() >= density * (keep.sum() - 1)
        if enough.all():
            break
        kept = np.flatnonzero(keep)
        keep[kept[~enough]] = False
    return core[keep] if keep.sum() >= 2 else core[:0]


def _link_rows(crawl_dirs: Sequence[str | os.PathLike[str]], level: str) -> pa.Table:
    """Cross-node link rows: source, target, source page, comment, nofollow."""
    src, dst = f"src_{level}", f"dst_{level}"
    keep = follow_kind_expression() & (pc.field(src) != pc.field(dst))
    dataset = edges_dataset(crawl_dirs)
    columns = {
        "src": pc.field(src),
        "dst": pc.field(dst),
        "page": pc.field("src_url"),
        "comment": pc.field("placement") == "comment",
        "nofollow": pc.field("nofollow"),
    }
    with reading(dataset.files):
        return dataset.scanner(columns=columns, filter=keep).to_table()


def spam_signals(
    crawl_dirs: Sequence[str | os.PathLike[str]],
    *,
    level: str = "domain",
    include_nofollow: bool = False,
    graph: LinkGraph | None = None,
) -> pa.Table:
    """Spam signals of every node of the domain (or host) graph.

    Returns
    -------
    pyarrow.Table
        ``domain`` (or ``host``) and, each a share in 0..1 (NaN when it has no
        denominator):

        * ``reciprocal_share``: of the domains with a graph edge to it, those it links back to;
        * ``farm_share``: of those domains, the ones in their densely cross-linked
          core (``farm_core``; 0 when that core has fewer than 3 domains);
        * ``sitewide_share``: of the followable link rows into it (sightings: a sitewide
          link counts once per page), those from a domain that links to it from at
          least half of its pages (and 3 pages);
        * ``comment_share``: of those rows, the ones in comment areas;
        * ``nofollow_share``: of all link rows into it from other domains, the nofollow ones.
    """
    if graph is None:
        graph = build_graph(crawl_dirs, level=level, include_nofollow=include_nofollow)
    n = graph.n
    names = graph.names
    adjacency = graph.adjacency_csr()
    in_degree = graph.in_degree()

    reciprocal = np.zeros(n)
    if graph.m:
        both = adjacency.multiply(adjacency.T)
        reciprocal = np.asarray(both.sum(axis=0)).ravel().astype(np.float64)

    farm = np.zeros(n)
    for node in np.flatnonzero(in_degree >= FARM_MIN_SIZE):
        referrers = graph.indices[graph.indptr[node] : graph.indptr[node + 1]]
        if len(referrers) > FARM_MAX_REFERRERS:
            farm[node] = np.nan
            continue
        core = farm_core(adjacency, referrers)
        if len(core) >= FARM_MIN_SIZE:
            farm[node] = len(core)

    rows = _link_rows(crawl_dirs, graph.level)
    # Rows into a node that is not in the graph (reached only by links the graph does not
    # count) get -1 and are left out.
    ids = pc.fill_null(pc.index_in(rows.column("dst"), value_set=names), -1)
    rows = rows.append_column("dst_id", ids)
    target = ids.to_numpy().astype(np.int64)
    nofollow = rows.column("nofollow").to_numpy(zero_copy_only=False)
    on_graph = target >= 0
    all_rows = np.bincount(target[on_graph], minlength=n).astype(np.float64)
    nofollow_rows = np.bincount(target[on_graph & nofollow], minlength=n)

    counted = ~nofollow if not include_nofollow else np.ones(len(nofollow), dtype=bool)
    followed = rows.filter(pa.array(counted & on_graph))
    followed_rows = np.bincount(
        followed.column("dst_id").to_numpy(zero_copy_only=False).astype(np.int64), minlength=n
    ).astype(np.float64)
    comment_rows = np.bincount(
        followed.filter(followed.column("comment"))
        .column("dst_id")
        .to_numpy(zero_copy_only=False)
        .astype(np.int64),
        minlength=n,
    )
    pages_of = rows.group_by("src").aggregate([("page", "count_distinct")])
    pairs = followed.group_by(["src", "dst_id"]).aggregate(
        [("page", "count_distinct"), ("page", "count")]
    )
    pairs = pairs.join(pages_of, "src", right_suffix="_all")
    pages_with_link = pairs.column("page_count_distinct").to_numpy().astype(np.float64)
    pages_of_source = pairs.column("page_count_distinct_all").to_numpy().astype(np.float64)
    sitewide = (pages_with_link >= SITEWIDE_MIN_PAGES) & (
        pages_with_link >= SITEWIDE_SHARE * pages_of_source
    )
    sitewide_rows = np.bincount(
        pairs.column("dst_id").to_numpy().astype(np.int64)[sitewide],
        weights=pairs.column("page_count").to_numpy().astype(np.float64)[sitewide],
        minlength=n,
    )

    def share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
        out = np.full(n, np.nan)
        np.divide(part, whole, out=out, where=whole > 0)
        return out

    referring = in_degree.astype(np.float64)
    return pa.table(
        {
            graph.level: names,
            "reciprocal_share": share(reciprocal, referring),
            "farm_share": share(farm, referring),
            "sitewide_share": share(sitewide_rows, followed_rows),
            "comment_share": share(comment_rows.astype(np.float64), followed_rows),
            "nofollow_share": share(nofollow_rows.astype(np.float64), all_rows),
        }
    )
