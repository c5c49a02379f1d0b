"""Sitemaps on a web that misbehaves: robots.txt applies to every sitemap, a sitemap on
another host speaks for the site that declared it, the per-site file cap ends an index
of indexes, and a broken or huge sitemap lists nothing past what can be read."""

from __future__ import annotations

import gzip

import pytest

from tests.fixtures_crawl import read_crawl, run_crawl
from tests.hostile_server import Answer, HostileServer, links, robots

pytestmark = pytest.mark.slow


def _xml(*locs: str, index: bool = False) -> Answer:
    tag, root = ("sitemap", "sitemapindex") if index else ("url", "urlset")
    body = f"<{root}>" + "".join(f"<{tag}><loc>{u}</loc></{tag}>" for u in locs) + f"</{root}>"
    return Answer(200, (("Content-Type", "application/xml"),), body.encode())


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("sitemaps")
    with HostileServer() as server:
        # robots.txt forbids the sitemap it declares: never fetched.
        server.route(
            "http://shy.test/robots.txt",
            robots("User-agent: *\nDisallow: /maps/\nSitemap: http://shy.test/maps/s.xml\n"),
        )
        server.route("http://shy.test/maps/s.xml", _xml("http://shy.test/hidden"))
        # A sitemap on another host, declared by a.test: it lists a.test's pages, and
        # b.test's robots.txt is read before it is fetched.
        server.route(
            "http://a.test/robots.txt",
            robots("User-agent: *\nDisallow:\nSitemap: http://cdn.b.test/a-map.xml.gz\n"),
        )
        listed = ["http://a.test/listed", "http://cdn.b.test/not-a-page", "http://c.test/x"]
        server.route(
            "http://cdn.b.test/a-map.xml.gz",
            Answer(200, (("Content-Type", "application/gzip"),), gzip.compress(_xml(*listed).body)),
        )
        # An index of indexes without end: the file cap stops it.
        for i in range(10):
            server.route(
                f"http://deep.test/i{i}.xml", _xml(f"http://deep.test/i{i + 1}.xml", index=True)
            )
        server.route("http://deep.test/robots.txt", robots("Sitemap: http://deep.test/i0.xml\n"))
        # No robots.txt (404): /sitemap.xml, which is not XML at all.
        server.route("http://junk.test/sitemap.xml", Answer(200, (), b"\x00\x01 not xml"))
        seeds = [f"http://{h}/" for h in ("shy.test", "a.test", "deep.test", "junk.test")]
        for seed in seeds:
            server.route(seed, links())
        run_crawl(
            server.env,
            data_dir,
            *("-a", "seeds=" + ",".join(seeds), "-a", "crawl_id=maps"),
            *("-s", "LINKGRAPH_SITEMAP_MAX_FILES=4", "-s", "AUTOTHROTTLE_ENABLED=False"),
            timeout=120,
        )
        log = [url for _, _, url in server.log]
        yield server, log, read_crawl(data_dir / "maps")


def test_robots_txt_applies_to_the_sitemaps_it_declares(crawl):
    server, _, (pages, _) = crawl
    assert server.requests_to("shy.test") == ["http://shy.test/robots.txt", "http://shy.test/"]
    assert "http://shy.test/hidden" not in pages.column("url").to_pylist()


def test_a_sitemap_on_another_host_lists_pages_of_the_site_that_declared_it(crawl):
    server, log, (pages, _) = crawl
    rows = {r["url"]: r for r in pages.to_pylist()}
    assert rows["http://a.test/listed"]["discovered_by"] == "sitemap"
    assert "http://cdn.b.test/not-a-page" not in log and "http://c.test/x" not in log
    assert log.index("http://cdn.b.test/robots.txt") < log.index("http://cdn.b.test/a-map.xml.gz")
    assert "http://cdn.b.test/a-map.xml.gz" not in rows, "a sitemap is not a page"


def test_an_endless_index_stops_at_the_files_cap_of_its_site(crawl):
    server, _, _ = crawl
    fetched = [u for u in server.requests_to("deep.test") if u.endswith(".xml")]
    assert fetched == [f"http://deep.test/i{i}.xml" for i in range(4)]


def test_a_sitemap_that_is_not_xml_lists_nothing(crawl):
    server, _, (pages, _) = crawl
    assert server.requested("http://junk.test/sitemap.xml") == 1
    assert [u for u in pages.column("url").to_pylist() if "junk.test" in u] == ["http://junk.test/"]
