"""A host that answers 503 with ``Retry-After`` is left alone that long, in the frontier, while
other hosts are crawled; the retry comes after it. Measured at ``tests/hostile_server.py``."""

from __future__ import annotations

import pytest

from tests.fixtures_crawl import read_crawl, run_crawl
from tests.hostile_server import Answer, HostileServer, links, page

pytestmark = pytest.mark.slow


def test_a_host_answering_503_with_retry_after_waits_that_long_and_others_go_on(tmp_path):
    busy = ["http://busy.test/1", "http://busy.test/2"]
    calm = [f"http://calm.test/{i}" for i in range(8)]
    with HostileServer() as server:
        unavailable = Answer(503, (("Retry-After", "2"),), b"busy")
        server.route(busy[0], unavailable, page("<html></html>"))
        server.route(busy[1], page("<html></html>"))
        for i, url in enumerate(calm):
            server.route(url, links(*calm[i + 1 : i + 2], delay=0.3))
        run_crawl(
            server.env,
            tmp_path,
            "-a",
            "seeds=" + ",".join([*busy, calm[0]]),
            "-a",
            "crawl_id=backoff",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            timeout=120,
        )
    log = [(t, url) for t, _, url in server.log if not url.endswith("/robots.txt")]
    first, retry = [t for t, url in log if url == busy[0]]
    assert retry - first >= 1.9
    # Nothing of busy.test meanwhile, while calm.test went on.
    between = [url for t, url in log if first < t < retry]
    assert busy[1] not in between
    assert [t for t, url in log if url == busy[1]][0] > retry - 0.1  # it waited its turn too
    assert any(url.startswith("http://calm.test/") for url in between)
    pages, _ = read_crawl(tmp_path / "backoff")
    assert sorted(pages.column("url").to_pylist()) == sorted([*busy, *calm])
