"""The site families: each registers its pages and declares its features, and the web's
feature list is exactly what they declare, so it cannot drift from the pages served."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import crawler.sandbox.families as families
from crawler.sandbox import SandboxWeb, crawl_truth
from crawler.sandbox.family import Request, SiteFamily, merge_features
from crawler.sandbox.render import PageModel, error_page
from crawler.urls import host_of, normalize_url, registered_domain

ROOT = Path(__file__).resolve().parent.parent
WEB_WIDE = {"seeds", "subdomains", "public_suffixes"}
_HOSTNAME = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


def _strings(value: object) -> Iterator[str]:
    """Every string in a feature's value, dict keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _named(features: dict[str, object]) -> tuple[set[str], set[str]]:
    """The normalised URLs and the host or domain names that ``features`` mention."""
    urls, names = set(), set()
    for text in _strings(features):
        if text.startswith("http://"):
            url = normalize_url(text)
            assert url is not None, text
            urls.add(url)
        elif _HOSTNAME.match(text):
            names.add(text)
    return urls, names


def _declarations(web: SandboxWeb) -> list[tuple[str, dict[str, object]]]:
    return [(f.name, f.features()) for f in web.families] + [
        ("regular sites", web.regular.features())
    ]


def _findable(web: SandboxWeb) -> set[str]:
    """The seeds, every URL a page links (a crawl that follows nofollow and renders every
    page), every sitemap a robots.txt declares (or ``/sitemap.xml``) and what it lists."""
    truth = crawl_truth(web, follow_nofollow=True, render="all")
    found = set(truth.edges.column("dst_url").to_pylist()) | set(web.default_seeds())
    for host in web.hosts():
        robots = web.respond("GET", f"http://{host}/robots.txt")
        declared = (
            re.findall(rb"(?im)^sitemap:\s*(\S+)", robots.body) if robots.status == 200 else []
        )
        queue = [normalize_url(u.decode()) for u in declared] or [f"http://{host}/sitemap.xml"]
        while queue:
            url = queue.pop()
            found.add(url)
            model = web.page(url)
            if model is not None and model.status == 200 and model.sitemap_locs is not None:
                locs = [normalize_url(loc) for loc in model.sitemap_locs]
                if model.sitemap_index:
                    queue.extend(locs)
                else:
                    found.update(locs)
    return found


@pytest.fixture(scope="module")
def findable(sandbox_web) -> set[str]:
    return _findable(sandbox_web)


def test_the_web_has_the_documented_families_in_registry_order(sandbox_web):
    assert [f.name for f in sandbox_web.families] == [
        "directory",
        "news",
        "blog",
        "shop",
        "moved",
        "forum",
        "closed",
        "idn",
        "studio",
        "farm",
        "trap",
        "sitemap_only",
        "script_site",
    ]
    assert all(isinstance(f, SiteFamily) and f.features() for f in sandbox_web.families)


def test_every_feature_is_declared_by_a_family_the_regular_sites_or_the_whole_web(sandbox_web):
    declared: dict[str, list[str]] = {}
    for name, features in _declarations(sandbox_web):
        for key in features:
            declared.setdefault(key, []).append(name)
    assert set(sandbox_web.features) == set(declared) | WEB_WIDE
    assert declared["robots_disallowed"] == ["directory", "shop", "forum", "closed", "sitemap_only"]
    assert declared["trusted_seeds"] == ["directory", "news", "regular sites"]
    for name, features in _declarations(sandbox_web):
        for key, value in features.items():
            if len(declared[key]) == 1:
                assert sandbox_web.features[key] == value, (name, key)
            else:
                assert all(item in sandbox_web.features[key] for item in value), (name, key)


@pytest.mark.parametrize("revision", [0, 1])
def test_every_url_a_feature_names_is_findable_in_the_web_and_served(revision, findable):
    web = SandboxWeb(pages=300, seed=1, revision=revision)
    if revision:
        findable = _findable(web)
    hosts, domains = set(web.hosts()), set(web.domains())
    checked = 0
    web_wide = {
        "seeds": web.features["seeds"],
        "subdomains": web.features["subdomains"],
        "public_suffixes": list(web.features["public_suffixes"].values()),  # keys: suffixes
    }
    for name, features in [*_declarations(web), ("web", web_wide)]:
        urls, names = _named(features)
        for url in urls:
            assert url in findable, (name, url)
            assert web.page(url) is not None, (name, url)
        assert names - hosts - domains == set(), name
        checked += len(urls) + len(names)
    assert checked > 100


def test_every_special_page_belongs_to_a_family_that_declared_it(sandbox_web, findable):
    served = {url for url in findable if sandbox_web.page(url) is not None}
    for family in sandbox_web.families:
        for url in family.urls:
            served.add(url)
            assert host_of(url) in family.hosts, (family.name, url)
    declared_domains: dict[str, set[str]] = {}
    for family in sandbox_web.families:
        urls, names = _named(family.features())
        declared_domains[family.name] = {
            registered_domain(host) for host in names | {host_of(u) for u in urls}
        }
    special = 0
    for url in served:
        host = host_of(url)
        family = sandbox_web.family_of(host)
        if family is None:
            assert sandbox_web.regular.site_of(host) is not None, url
            continue
        special += 1
        assert host in family.hosts
        assert registered_domain(host) in declared_domains[family.name], (family.name, url)
    assert special > 80


def test_each_host_is_served_by_exactly_one_family_or_regular_site(sandbox_web):
    family_hosts = [host for family in sandbox_web.families for host in family.hosts]
    assert len(family_hosts) == len(set(family_hosts)) == 18
    assert not set(family_hosts) & set(sandbox_web.regular.hosts())
    assert sorted([*family_hosts, *sandbox_web.regular.hosts()]) == sandbox_web.hosts()


def test_a_host_registered_by_two_families_is_refused(monkeypatch):
    monkeypatch.setattr(families, "FAMILIES", (*families.FAMILIES, "closed.Closed"))
    with pytest.raises(ValueError, match="host www.hiddenorchard.org of family closed is closed's"):
        SandboxWeb(pages=20)


class _Probe(SiteFamily):
    """A family for testing the registration rules: one host, no pages yet."""

    name = "probe"

    def register(self) -> None:
        self.add_host("www.probe.example", None)

    def features(self) -> dict[str, object]:
        return {"probe": ["http://www.probe.example/"]}


def _page(url: str) -> PageModel:
    return error_page(url, 410)


def test_a_family_page_must_be_normalised_and_on_one_of_its_hosts(sandbox_web):
    probe = _Probe(sandbox_web.regular)
    probe.add_page("http://www.probe.example/gone.html", _page)
    assert probe.urls == ["http://www.probe.example/gone.html"]
    with pytest.raises(ValueError, match="not on one of the family's hosts"):
        probe.add_page("http://www.thedailyledger.com/mine.html", _page)
    with pytest.raises(ValueError, match="not normalised"):
        probe.add_page("HTTP://www.probe.example/", _page)


def test_a_family_answers_robots_sitemap_its_pages_and_404_by_default(sandbox_web):
    probe = _Probe(sandbox_web.regular)
    probe.add_page("http://www.probe.example/gone.html", _page)

    def answer(path: str, query: str = "") -> PageModel:
        url = "http://www.probe.example" + path + ("?" + query if query else "")
        return probe.answer(Request(url, "www.probe.example", path, query))

    assert answer("/robots.txt").status == 404
    assert answer("/sitemap.xml").body == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        b"<url><loc>http://www.probe.example/gone.html</loc></url>\n"
        b"</urlset>\n"
    )
    assert answer("/gone.html").status == 410
    assert answer("/gone.html", "utm_source=feed").status == 410
    assert answer("/other.html").status == 404


def test_features_several_declarers_share_are_lists_concatenated_in_order():
    merged = merge_features(
        [("a", {"seeds": ["x"], "only_a": {"k": 1}}), ("b", {"seeds": ["y", "z"], "only_b": 2})]
    )
    assert merged == {"seeds": ["x", "y", "z"], "only_a": {"k": 1}, "only_b": 2}
    with pytest.raises(ValueError, match="'host' is declared by a and b"):
        merge_features([("a", {"host": "h1"}), ("b", {"host": "h2"})])


def test_the_docs_list_under_each_declarer_exactly_the_features_it_declares(sandbox_web):
    documented: dict[str, set[str]] = {}
    section = None
    for line in (ROOT / "docs" / "sandbox.md").read_text().splitlines():
        if line.startswith("## "):
            section = None
        elif line.startswith("### "):
            section = line[4:].split(" (", 1)[0]
            documented[section] = set()
        elif section is not None and line.startswith("| `"):
            documented[section].add(line.split("`", 2)[1])
    declared = {name: set(features) for name, features in _declarations(sandbox_web)}
    declared["web"] = set(WEB_WIDE)
    assert documented == declared
