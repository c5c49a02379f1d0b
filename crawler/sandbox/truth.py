"""The ground truth: which pages and links a polite crawl of the sandbox web finds.

``crawl_truth`` simulates the rules of ``docs/crawling.md`` on the sandbox model (never on
its HTML: the links come from the page models, so the crawler's link extractor is checked
against an independent truth), and returns the pages and edges in the crawler's own
Parquet columns (``crawler.schema``). ``write_truth`` writes them in the crawl layout, so
every command that reads a crawl reads a truth export too.

The simulation is a level-ordered breadth-first search: level ``d`` (seeds are level 0) is
fetched before level ``d + 1``; a redirect target (HTTP ``Location`` or meta refresh) joins
the level of the URL that redirected; a URL's depth is the level at which it was first
found. A real crawler runs requests concurrently and may find a URL first through a longer
path; such a URL keeps the same status and links, only its depth (and, for a URL both
linked and listed in a sitemap, its ``discovered_by``) may differ.

Sitemaps (``sitemaps=True``, the crawl's default) are read when a site's first URL is
fetched, by the rules of ``crawler.sitemaps``, from the sitemap models' locs (never from
their XML); the pages they list join the next level, as that URL's links do. Rendering
(``render``: registered domains, or ``"all"``) takes a page's links from the model of its
DOM after its scripts ran (``PageModel.rendered_links``), and marks those the served HTML
lacks ``rendered_only``; a page that never settles keeps its served links and the error
``crawler.rendering.RENDER_TIMEOUT``.
"""

from __future__ import annotations

import json
import os
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from crawler.atomic import write_bytes_atomic, write_parquet_atomic
from crawler.rendering import RENDER_TIMEOUT, link_key, rendered_only_flags, renders
from crawler.robotstxt import RULES, RobotsRules, outcome_of_status, robots_text
from crawler.sandbox.render import Link
from crawler.sandbox.sitemap_truth import sitemap_pages
from crawler.sandbox.web import SandboxWeb
from crawler.schema import EDGES_SCHEMA, PAGES_SCHEMA
from crawler.sitemaps import site_of
from crawler.urls import host_of, normalize_url, registered_domain

__all__ = ["Truth", "crawl_truth", "write_truth", "DEFAULT_FETCHED_AT", "ROBOTS_AGENT"]

#: Every row of a truth export carries this time, so exports are byte-identical.
DEFAULT_FETCHED_AT = datetime(2026, 1, 1, tzinfo=UTC)
#: The product token the crawler's robots.txt groups are matched with.
ROBOTS_AGENT = "linkgraphbot"


@dataclass
class Truth:
    """The result of :func:`crawl_truth`."""

    pages: pa.Table
    edges: pa.Table
    capped_domains: set[str]
    depth: dict[str, int]
    seeds: list[str]
    params: dict
    depth_cut_domains: set[str] = field(default_factory=set)
    robots_blocked: list[str] = field(default_factory=list)
    niches: dict[str, list[str]] = field(default_factory=dict)
    features: dict = field(default_factory=dict)

    @property
    def urls(self) -> list[str]:
        """The fetched URLs in fetch order."""
        return self.pages.column("url").to_pylist()


def crawl_truth(
    web: SandboxWeb,
    seeds: list[str] | None = None,
    *,
    max_pages_per_domain: int = 1000,
    max_depth: int = 10,
    follow_external: bool = True,
    follow_nofollow: bool = False,
    sitemaps: bool = True,
    render: str | list[str] | tuple[str, ...] | None = None,
    crawl_id: str = "truth",
    fetched_at: datetime = DEFAULT_FETCHED_AT,
) -> Truth:
    """Simulate a polite crawl of ``web`` from ``seeds`` (default: the web's default seeds).

    ``capped_domains`` lists the registered domains whose budget ran out (which of their
    URLs a real, concurrent crawl fetches then depends on timing); ``depth_cut_domains``
    those with followed links that ``max_depth`` left unscheduled (the calendar trap).
    """
    if max_pages_per_domain < 1:
        raise ValueError(f"max_pages_per_domain must be at least 1, got {max_pages_per_domain}")
    if max_depth < 0:
        raise ValueError(f"max_depth must be 0 or more, got {max_depth}")
    raw_seeds = list(web.default_seeds() if seeds is None else seeds)
    normalized: list[str] = []
    for seed in raw_seeds:
        url = normalize_url(seed)
        if url is None:
            raise ValueError(f"seed is not an http(s) URL: {seed!r}")
        if url not in normalized:
            normalized.append(url)
    seed_domains = {registered_domain(host_of(u)) for u in normalized}

    levels: list[deque[str]] = [deque(normalized)]
    depth: dict[str, int] = dict.fromkeys(normalized, 0)
    discovered: dict[str, str] = dict.fromkeys(normalized, "seed")
    robots: dict[str, RobotsRules] = {}
    sites_read: set[str] = set()
    sitemaps_fetched: set[str] = set()
    rendered = _render_names(render)
    budget: dict[str, int] = {}
    capped: set[str] = set()
    depth_cut: set[str] = set()
    blocked: list[str] = []
    page_rows, edge_rows = _Columns(PAGES_SCHEMA), _Columns(EDGES_SCHEMA)
    pages, edges = page_rows.columns, edge_rows.columns
    fetched: set[str] = set()

    def schedule(url: str, level: int, kind: str) -> None:
        if url in depth:
            return
        if not follow_external and registered_domain(host_of(url)) not in seed_domains:
            return
        if level > max_depth:
            depth_cut.add(registered_domain(host_of(url)))
            return
        depth[url] = level
        discovered[url] = kind
        while len(levels) <= level:
            levels.append(deque())
        levels[level].append(url)

    level = 0
    while level < len(levels):
        queue = levels[level]
        while queue:
            url = queue.popleft()
            host = host_of(url)
            domain = registered_domain(host)
            if not _allowed(web, robots, url, host):
                blocked.append(url)
                continue
            if budget.get(domain, 0) >= max_pages_per_domain:
                capped.add(domain)
                continue
            budget[domain] = budget.get(domain, 0) + 1
            site = site_of(url)
            if sitemaps and site not in sites_read:
                sites_read.add(site)
                _allowed(web, robots, site + "/", host)
                allowed = lambda u: _allowed(web, robots, u, host_of(u))  # noqa: E731
                for listed_url in sitemap_pages(web, site, robots[host], allowed, sitemaps_fetched):
                    schedule(listed_url, level + 1, "sitemap")
            # A host outside the web answers 502 to its robots.txt too: never reached here.
            model = web.page(url)
            links: list[Link] = []
            only: list[bool] | None = None
            error = None
            if (
                300 <= model.status < 400
                and model.redirect_to
                or 200 <= model.status < 300
                and model.is_html
            ):
                links = model.links
                if model.is_html and renders(rendered, domain, host):
                    if model.never_settles:
                        error = RENDER_TIMEOUT
                    elif model.rendered_links is not None:
                        only = rendered_only_flags(
                            [link_key(x) for x in links],
                            [link_key(x) for x in model.rendered_links],
                        )
                        links = model.rendered_links
            for position, link in enumerate(links):
                nofollow = link.rel_nofollow or model.robots_nofollow
                dst_host = host_of(link.dst_url)
                dst_domain = registered_domain(dst_host)
                edges["crawl_id"].append(crawl_id)
                edges["src_url"].append(url)
                edges["dst_url"].append(link.dst_url)
                edges["src_host"].append(host)
                edges["dst_host"].append(dst_host)
                edges["src_domain"].append(domain)
                edges["dst_domain"].append(dst_domain)
                edges["anchor"].append(link.anchor)
                edges["rel"].append(link.rel)
                edges["nofollow"].append(nofollow)
                edges["ugc"].append(link.ugc)
                edges["sponsored"].append(link.sponsored)
                edges["kind"].append(link.kind)
                edges["placement"].append(link.placement)
                edges["internal"].append(domain == dst_domain)
                edges["position"].append(position)
                edges["fetched_at"].append(fetched_at)
                edges["rendered_only"].append(only[position] if only else False)
                if nofollow and not follow_nofollow:
                    continue
                if link.kind == "redirect":
                    schedule(link.dst_url, level, "redirect")
                else:
                    schedule(link.dst_url, level + 1, "link")
            fetched.add(url)
            _page_row(
                pages,
                crawl_id,
                url,
                host,
                domain,
                model.status,
                model.content_type,
                fetched_at,
                level,
                len(model.body),
                len(links),
                model,
                discovered[url],
                error,
            )
            page_rows.flush_if_big()
            edge_rows.flush_if_big()
        level += 1

    params = {
        "pages": web.pages,
        "seed": web.seed,
        "revision": web.revision,
        "max_pages_per_domain": max_pages_per_domain,
        "max_depth": max_depth,
        "follow_external": follow_external,
        "follow_nofollow": follow_nofollow,
        "sitemaps": sitemaps,
        "render": list(rendered),
        "crawl_id": crawl_id,
        "fetched_at": fetched_at.isoformat(),
    }
    return Truth(
        pages=page_rows.table(),
        edges=edge_rows.table(),
        capped_domains=capped,
        depth={u: d for u, d in depth.items() if u in fetched},
        seeds=normalized,
        params=params,
        depth_cut_domains=depth_cut,
        robots_blocked=blocked,
        niches=web.niches,
        features=web.features,
    )


class _Columns:
    """Rows gathered as Python lists, turned into Arrow batches every 256k rows.

    A million-page truth has tens of millions of edges: as Arrow they take a fraction of
    the memory of Python lists.
    """

    _BATCH = 1 << 18

    def __init__(self, schema: pa.Schema) -> None:
        self.schema = schema
        self.columns: dict[str, list] = {f.name: [] for f in schema}
        self.batches: list[pa.RecordBatch] = []

    def flush_if_big(self, force: bool = False) -> None:
        first = self.columns[self.schema.names[0]]
        if first and (force or len(first) >= self._BATCH):
            self.batches.append(pa.RecordBatch.from_pydict(self.columns, schema=self.schema))
            for values in self.columns.values():
                values.clear()

    def table(self) -> pa.Table:
        self.flush_if_big(force=True)
        return pa.Table.from_batches(self.batches, schema=self.schema)


def _render_names(render: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """``render`` as ``-a render`` gives it: a comma-separated string, or names."""
    if render is None:
        return ()
    if isinstance(render, str):
        render = render.split(",")
    return tuple(name.strip().lower() for name in render if name.strip())


def _allowed(web: SandboxWeb, cache: dict, url: str, host: str) -> bool:
    """robots.txt as the crawler applies it (``crawler.robotstxt``): 4xx allows everything,
    5xx (the proxy's 502 for a host outside the web) disallows everything."""
    if host not in cache:
        scheme = url[: url.find(":")]
        response = web.respond("GET", f"{scheme}://{host}/robots.txt")
        outcome = outcome_of_status(response.status)
        cache[host] = (
            RobotsRules.parse(robots_text(response.body)[0], ROBOTS_AGENT)
            if outcome == RULES
            else RobotsRules.everything(outcome, ROBOTS_AGENT)
        )
    return cache[host].allowed(url)


def _page_row(
    pages,
    crawl_id,
    url,
    host,
    domain,
    status,
    content_type,
    fetched_at,
    depth,
    size,
    outlinks,
    model=None,
    discovered_by=None,
    error=None,
) -> None:
    pages["crawl_id"].append(crawl_id)
    pages["url"].append(url)
    pages["host"].append(host)
    pages["domain"].append(domain)
    pages["status"].append(status)
    pages["content_type"].append(content_type)
    pages["fetched_at"].append(fetched_at)
    pages["depth"].append(depth)
    pages["title"].append(model.title if model else None)
    pages["lang"].append(model.lang if model else None)
    pages["canonical"].append(model.canonical if model else None)
    pages["robots"].append(",".join(model.robots) if model and model.robots else None)
    pages["redirect_to"].append(model.redirect_to if model else None)
    pages["ip"].append(None)
    pages["bytes"].append(size)
    pages["outlinks"].append(outlinks)
    pages["error"].append(error)
    pages["discovered_by"].append(discovered_by)
    for capped in ("links_dropped", "title_length", "anchors_truncated"):
        pages[capped].append(None)  # the sandbox's pages are within every cap


def write_truth(truth: Truth, out_dir: str | os.PathLike) -> Path:
    """Write ``truth`` in the crawl layout: pages/, edges/ (Parquet, zstd) and truth.json.

    truth.json holds the parameters, seeds, capped domains, niches and features. Every file
    appears atomically (temporary name in the same folder, then ``os.replace``).
    """
    out = Path(out_dir)
    for name, table in (("pages", truth.pages), ("edges", truth.edges)):
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        write_parquet_atomic(table, folder / "part-000000.parquet")
    meta = {
        "params": truth.params,
        "seeds": truth.seeds,
        "capped_domains": sorted(truth.capped_domains),
        "depth_cut_domains": sorted(truth.depth_cut_domains),
        "robots_blocked": truth.robots_blocked,
        "pages": truth.pages.num_rows,
        "edges": truth.edges.num_rows,
        "niches": truth.niches,
        "features": truth.features,
    }
    text = json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_bytes_atomic(text.encode("utf-8"), out / "truth.json")
    return out
