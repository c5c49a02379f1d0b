"""The whole served web, pinned by a digest, so a change to the generator's code that is
meant to change nothing (a refactor) is proven to change nothing.

A digest covers, for one ``(pages, seed, revision)``: the web's hosts, domains, default
seeds, niches and features; every answer (status, headers, body, delay) and every page
model (title, robots, canonical, links, ...) of every URL a crawl that follows nofollow
links reaches, of every host's robots.txt, sitemap.xml and every URL its sitemap lists, and
of an unknown path on every host; and the ground truth's pages and edges rows. Everything
is read through the public API only.

The digests below were computed with ``web_digest`` when the sitemap-only site and the
script site joined the web (with the sitemap and rendered-DOM parts of the page models),
and the truth's pages rows gained the parsing caps' columns (null: no sandbox page is cut). A digest that no longer matches
means the served web changed: if that is intended (a new family, page or link), say so in
the commit and pin the new digests, which this prints:

    python3 -c "import sys; sys.path.insert(0, 'tests'); from test_sandbox_digest import
    PINNED, web_digest; [print(k, web_digest(*k)) for k in PINNED]"
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime

import pytest

from crawler.sandbox import SandboxWeb, crawl_truth

PINNED = {
    (300, 1, 0): "839e6b43069cf4e594edb964d7b2659ac76fc29f4f3eec86a196c912ba474527",
    (300, 1, 1): "0bbd21dd604d75514b9f8363014e5a252c886e8055e97208ee1312c31ea37a24",
    (2500, 7, 0): "a85f554015487f89db19444462ac9d10c87231c0fc43d888b335bc09c3671807",
}


def _feed(digest, value) -> None:
    def default(obj):
        if isinstance(obj, datetime):
            return obj.isoformat()
        if isinstance(obj, bytes):
            return obj.hex()
        raise TypeError(type(obj))

    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=default)
    digest.update(text.encode("utf-8"))
    digest.update(b"\n")


def _urls(web: SandboxWeb) -> list[str]:
    """Every URL the digest reads: a full crawl, each host's robots, sitemap and 404."""
    urls = set(crawl_truth(web, follow_nofollow=True).urls)
    for host in web.hosts():
        urls.update(f"http://{host}{path}" for path in ("/robots.txt", "/no/such/page.html"))
        sitemap = f"http://{host}/sitemap.xml"
        urls.add(sitemap)
        answer = web.respond("GET", sitemap)
        if answer.status == 200:
            urls.update(loc.decode() for loc in re.findall(rb"<loc>([^<]+)</loc>", answer.body))
    urls.add("http://www.not-in-the-sandbox.example/")
    return sorted(urls)


def web_digest(pages: int, seed: int, revision: int) -> str:
    """sha256 of everything the web of ``(pages, seed, revision)`` serves and promises."""
    web = SandboxWeb(pages=pages, seed=seed, revision=revision)
    digest = hashlib.sha256()
    _feed(
        digest,
        {
            "hosts": web.hosts(),
            "domains": web.domains(),
            "seeds": web.default_seeds(),
            "niches": web.niches,
            "features": web.features,
        },
    )
    for url in _urls(web):
        answer = web.respond("GET", url)
        _feed(digest, [url, answer.status, answer.headers, answer.delay])
        digest.update(answer.body)
        model = web.page(url)
        if model is None:
            _feed(digest, None)
            continue
        _feed(
            digest,
            {
                "url": model.url,
                "status": model.status,
                "content_type": model.content_type,
                "charset": model.charset,
                "headers": model.headers,
                "body": hashlib.sha256(model.body).hexdigest(),
                "title": model.title,
                "lang": model.lang,
                "canonical": model.canonical,
                "robots": model.robots,
                "redirect_to": model.redirect_to,
                "links": [
                    [link.href, link.dst_url, link.anchor, link.rel, link.kind, link.placement]
                    for link in model.links
                ],
                "non_edge_hrefs": model.non_edge_hrefs,
                "base_href": model.base_href,
                "delay": model.delay,
                "sitemap": [model.sitemap_locs, model.sitemap_index],
                "rendered_links": None
                if model.rendered_links is None
                else [
                    [x.dst_url, x.anchor, x.rel, x.kind, x.placement] for x in model.rendered_links
                ],
                "never_settles": model.never_settles,
            },
        )
    truth = crawl_truth(web)
    _feed(digest, truth.pages.to_pylist())
    _feed(digest, truth.edges.to_pylist())
    _feed(digest, [sorted(truth.capped_domains), sorted(truth.depth_cut_domains)])
    return digest.hexdigest()


@pytest.mark.parametrize(("pages", "seed", "revision"), sorted(PINNED))
def test_the_served_web_is_exactly_the_pinned_one(pages, seed, revision):
    assert web_digest(pages, seed, revision) == PINNED[(pages, seed, revision)]
