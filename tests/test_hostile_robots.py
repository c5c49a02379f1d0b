"""robots.txt on a hostile web: whole crawls through ``tests/hostile_server.py``, each case
asserted at the server (what the crawl requested) and in what it wrote (pages rows,
crawl.json's ``robots`` record). Which rules a file puts in force:
``tests/test_robotstxt.py``."""

from __future__ import annotations

import json
import socket

import pytest

from tests.fixtures_crawl import read_crawl, run_crawl
from tests.hostile_server import HostileServer, gzip_bomb, links, page, redirect, robots

pytestmark = pytest.mark.slow

HTML = page("<html><title>ok</title></html>")
DISALLOW_ALL = "User-agent: *\nDisallow: /\n"
WAITERS = [f"http://closed.test/p{i}" for i in range(20)]
# A robots.txt far over the 500 KiB read: "Disallow: /" first, comments after.
BIG = DISALLOW_ALL + "# padding to make the file large\n" * 350_000
# 600 KiB of comments between a rule that is read and one that is not.
LATE = "User-agent: *\nDisallow: /early\n" + ("#" * 99 + "\n") * 6_144 + "Disallow: /late\n"


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then let go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Reached directly, not through the proxy: the connection is refused.
REFUSED = f"127.0.0.1:{_closed_port()}"
SITES = {
    "r500.test": [robots("oops", status=500)],
    "r503.test": [robots("busy", status=503)],
    "rdrop.test": [robots("", drop=True)],
    "rslow.test": [robots(DISALLOW_ALL, delay=5)],
    "r404.test": [robots("no such file", status=404)],
    "r302.test": [redirect("/robots-real.txt")],
    "big.test": [robots(BIG)],
    "late.test": [robots(LATE)],
    "bomb.test": [gzip_bomb(50_000_000, "text/plain", prefix=DISALLOW_ALL.encode())],
    "agent.test": [
        robots("User-agent: *\nDisallow: /all\n\nUser-agent: linkgraphbot/0.1\nDisallow: /mine\n")
    ],
    # In flight for half a second (DOWNLOAD_TIMEOUT is 1 s) while its URLs queue up.
    "closed.test": [robots(DISALLOW_ALL, delay=0.5)],
}
PAGES = {
    "http://r500.test/page": HTML,
    "http://r503.test/page": HTML,
    "http://rdrop.test/page": HTML,
    "http://rslow.test/page": HTML,
    "http://r404.test/page": HTML,
    "http://r302.test/secret/a": HTML,
    "http://r302.test/open": HTML,
    "http://big.test/page": HTML,
    "http://late.test/early/x": HTML,
    "http://late.test/late/x": HTML,
    "http://bomb.test/page": HTML,
    "http://agent.test/mine/x": HTML,
    "http://agent.test/all/x": HTML,
    "http://chain5.test/page": HTML,
    "http://chain6.test/page": HTML,
    "http://moved.test/page": redirect("http://target.test/page", status=301),
    "http://target.test/page": HTML,
    "http://seed.test/": links(*WAITERS),
    **dict.fromkeys(WAITERS, HTML),
}


def _chain(server: HostileServer, start: str, hops: int, final: str) -> None:
    """robots.txt of ``start`` reached through ``hops`` redirects, each to another host."""
    url = f"http://{start}/robots.txt"
    for hop in range(1, hops + 1):
        target = f"http://hop{hop}.{start}/r{hop}.txt"
        server.route(url, redirect(target, status=301 if hop % 2 else 302))
        url = target
    server.route(url, robots(final))


@pytest.fixture(scope="module")
def robots_crawl(tmp_path_factory):
    """One crawl of every robots.txt case; (server, pages by URL, crawl.json)."""
    data_dir = tmp_path_factory.mktemp("robots")
    with HostileServer() as server:
        for host, answers in SITES.items():
            server.route(f"http://{host}/robots.txt", *answers)
        server.route("http://r302.test/robots-real.txt", robots("User-agent: *\nDisallow: /secret"))
        _chain(server, "chain5.test", 5, DISALLOW_ALL)
        _chain(server, "chain6.test", 6, DISALLOW_ALL)
        for url, answer in PAGES.items():
            server.route(url, answer)
        seeds = [u for u in PAGES if u not in WAITERS] + [f"http://{REFUSED}/page"]
        run_crawl(
            {**server.env, "no_proxy": "127.0.0.1"},
            data_dir,
            "-a",
            "seeds=" + ",".join(seeds),
            "-a",
            "crawl_id=robots",
            # These tests pin the requests robots.txt leads to; sitemaps: tests/test_sitemaps.py.
            "-a",
            "sitemaps=false",
            "-s",
            "DOWNLOAD_TIMEOUT=1",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            timeout=120,
        )
    pages, _ = read_crawl(data_dir / "robots")
    meta = json.loads((data_dir / "robots" / "crawl.json").read_text())
    return server, {r["url"]: r for r in pages.to_pylist()}, meta


def _only_robots_requested(server: HostileServer, host: str) -> list[str]:
    return sorted(set(server.requests_to(host)))


@pytest.mark.parametrize(
    ("host", "status", "error"),
    [
        ("r500.test", 500, None),
        ("r503.test", 503, None),
        ("rdrop.test", None, "connection lost"),
        ("rslow.test", None, "timeout"),
        (REFUSED, None, "connection refused"),
    ],
)
def test_a_robots_txt_that_fails_disallows_its_whole_site(robots_crawl, host, status, error):
    server, pages, meta = robots_crawl
    expected = [] if host == REFUSED else [f"http://{host}/robots.txt"]
    assert _only_robots_requested(server, host) == expected
    assert f"http://{host}/page" not in pages
    record = meta["robots"][f"http://{host}"]
    assert (record["status"], record["error"], record["outcome"], record["refused"]) == (
        status,
        error,
        "disallow all",
        1,
    )


def test_a_robots_txt_answering_503_is_retried_before_it_counts(robots_crawl):
    server, _, _ = robots_crawl
    assert server.requested("http://r503.test/robots.txt") == 3  # RETRY_TIMES is 2
    assert server.requested("http://r500.test/robots.txt") == 1  # a 500 is not retried


def test_a_robots_txt_answering_404_allows_its_whole_site(robots_crawl):
    server, pages, meta = robots_crawl
    assert server.requests_to("r404.test") == [
        "http://r404.test/robots.txt",
        "http://r404.test/page",
    ]
    assert pages["http://r404.test/page"]["status"] == 200
    assert meta["robots"]["http://r404.test"]["outcome"] == "allow all"


def test_a_redirected_robots_txt_is_followed_and_its_rules_apply(robots_crawl):
    server, pages, meta = robots_crawl
    assert "http://r302.test/secret/a" not in server.requests_to("r302.test")
    assert "http://r302.test/open" in pages and "http://r302.test/secret/a" not in pages
    record = meta["robots"]["http://r302.test"]
    assert (record["url"], record["redirects"], record["disallow_rules"]) == (
        "http://r302.test/robots-real.txt",
        1,
        1,
    )


def test_five_redirects_across_hosts_are_followed_and_a_sixth_is_not(robots_crawl):
    server, pages, meta = robots_crawl
    assert server.requested("http://hop5.chain5.test/r5.txt") == 1
    assert "http://chain5.test/page" not in pages
    chain5 = meta["robots"]["http://chain5.test"]
    assert (chain5["url"], chain5["redirects"], chain5["disallow_rules"]) == (
        "http://hop5.chain5.test/r5.txt",
        5,
        1,
    )
    # Past five redirects the file is unavailable: everything allowed, the last hop unasked.
    assert server.requested("http://hop6.chain6.test/r6.txt") == 0
    assert pages["http://chain6.test/page"]["status"] == 200
    chain6 = meta["robots"]["http://chain6.test"]
    assert (chain6["outcome"], chain6["error"], chain6["redirects"]) == (
        "allow all",
        "too many redirects",
        5,
    )


def test_an_11_mb_robots_txt_is_read_up_to_500_kib_and_its_rules_apply(robots_crawl):
    server, pages, meta = robots_crawl
    assert len(BIG) > 11_000_000
    assert server.requests_to("big.test") == ["http://big.test/robots.txt"]
    assert "http://big.test/page" not in pages
    record = meta["robots"]["http://big.test"]
    assert (record["truncated"], record["bytes"], record["disallow_rules"]) == (True, 512_000, 1)


def test_rules_past_500_kib_are_ignored_and_the_rules_before_apply(robots_crawl):
    server, pages, _ = robots_crawl
    assert LATE.index("Disallow: /late") > 512_000
    assert "http://late.test/late/x" in pages
    assert "http://late.test/early/x" not in server.requests_to("late.test")


def test_a_gzip_bomb_robots_txt_is_decoded_up_to_500_kib_and_its_rules_apply(robots_crawl):
    server, pages, meta = robots_crawl
    assert server.requests_to("bomb.test") == ["http://bomb.test/robots.txt"]
    record = meta["robots"]["http://bomb.test"]
    assert (record["outcome"], record["truncated"], record["bytes"]) == ("rules", True, 512_000)


def test_a_group_named_with_the_product_token_and_version_is_the_bots(robots_crawl):
    server, pages, meta = robots_crawl
    assert "http://agent.test/all/x" in pages
    assert "http://agent.test/mine/x" not in server.requests_to("agent.test")
    assert meta["robots"]["http://agent.test"]["group"] == "linkgraphbot"


def test_urls_waiting_for_a_robots_txt_in_flight_are_all_checked(robots_crawl):
    server, pages, meta = robots_crawl
    assert server.requests_to("closed.test") == ["http://closed.test/robots.txt"]
    assert not set(WAITERS) & set(pages)
    assert meta["robots"]["http://closed.test"]["refused"] == len(WAITERS) == 20
    assert meta["stats"]["linkgraph/robots/disallowed"] == 20 + 5 + 6  # waiters, fails, rules


def test_a_redirect_to_another_host_fetches_that_hosts_robots_txt_first(robots_crawl):
    server, pages, _ = robots_crawl
    assert server.requests_to("target.test") == [
        "http://target.test/robots.txt",
        "http://target.test/page",
    ]
    assert pages["http://moved.test/page"]["redirect_to"] == "http://target.test/page"


def test_crawl_json_records_each_sites_robots_txt_with_its_age(robots_crawl):
    _, _, meta = robots_crawl
    record = meta["robots"]["http://agent.test"]
    assert {k: record[k] for k in ("url", "status", "error", "outcome", "fetches")} == {
        "url": "http://agent.test/robots.txt",
        "status": 200,
        "error": None,
        "outcome": "rules",
        "fetches": 1,
    }
    assert (record["allow_rules"], record["disallow_rules"], record["delay"]) == (0, 1, None)
    assert record["fetched_at"] < record["expires_at"]
    assert meta["settings"]["LINKGRAPH_ROBOTS_MAX_BYTES"] == 512_000


@pytest.fixture(scope="module")
def retry_crawl(tmp_path_factory):
    """A robots.txt that fails first, one that expires, and a slow page bringing a second
    URL of each after the retry interval and the maximum age (1 s each here)."""
    data_dir = tmp_path_factory.mktemp("retry")
    with HostileServer() as server:
        server.route("http://flaky.test/robots.txt", robots("", status=503), robots("Allow: /"))
        server.route("http://aged.test/robots.txt", robots("User-agent: *\nDisallow: /x\n"))
        for url in ("flaky.test/1", "flaky.test/2", "aged.test/1", "aged.test/2"):
            server.route(f"http://{url}", HTML)
        server.route(
            "http://slow.test/", links("http://flaky.test/2", "http://aged.test/2", delay=2.5)
        )
        run_crawl(
            server.env,
            data_dir,
            "-a",
            "seeds=http://flaky.test/1,http://aged.test/1,http://slow.test/",
            "-a",
            "crawl_id=retry",
            "-a",
            "sitemaps=false",
            "-s",
            "RETRY_TIMES=0",
            "-s",
            "LINKGRAPH_ROBOTS_RETRY_SECONDS=1",
            "-s",
            "LINKGRAPH_ROBOTS_MAX_AGE=1",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            timeout=120,
        )
    pages, _ = read_crawl(data_dir / "retry")
    meta = json.loads((data_dir / "retry" / "crawl.json").read_text())
    return server, {r["url"] for r in pages.to_pylist()}, meta


def test_a_failed_robots_txt_is_fetched_again_after_the_retry_interval(retry_crawl):
    server, pages, meta = retry_crawl
    assert server.requests_to("flaky.test") == [
        "http://flaky.test/robots.txt",
        "http://flaky.test/robots.txt",
        "http://flaky.test/2",
    ]
    assert "http://flaky.test/2" in pages and "http://flaky.test/1" not in pages
    record = meta["robots"]["http://flaky.test"]
    assert (record["status"], record["outcome"], record["fetches"]) == (200, "rules", 2)


def test_a_robots_txt_is_fetched_again_once_older_than_its_maximum_age(retry_crawl):
    server, pages, meta = retry_crawl
    assert server.requests_to("aged.test") == [
        "http://aged.test/robots.txt",
        "http://aged.test/1",
        "http://aged.test/robots.txt",
        "http://aged.test/2",
    ]
    assert meta["robots"]["http://aged.test"]["fetches"] == 2
