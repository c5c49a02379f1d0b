"""The sandbox proxy answers real HTTP clients: urllib, raw sockets and Scrapy."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from crawler.sandbox import SandboxServer, SandboxWeb


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener(server: SandboxServer, follow: bool = True) -> urllib.request.OpenerDirector:
    handlers = [urllib.request.ProxyHandler({"http": server.proxy_url})]
    if not follow:
        handlers.append(_NoRedirect())
    return urllib.request.build_opener(*handlers)


def raw_exchange(server: SandboxServer, data: bytes, expect: int = 1) -> list[bytes]:
    """Send ``data`` on one connection and read ``expect`` answers (head + body each)."""
    answers = []
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(data)
        buffer = b""
        while len(answers) < expect:
            end = buffer.find(b"\r\n\r\n")
            if end >= 0:
                head = buffer[:end].decode("latin-1")
                length = int(head.lower().split("content-length: ")[1].split("\r\n")[0])
                if "HEAD" in data[: data.find(b" ")].decode() and not answers:
                    length = 0
                if len(buffer) >= end + 4 + length:
                    answers.append(buffer[: end + 4 + length])
                    buffer = buffer[end + 4 + length :]
                    continue
            chunk = sock.recv(65536)
            if not chunk:
                break
            buffer += chunk
    return answers


def test_urllib_through_the_proxy_gets_the_sandbox_page(sandbox_server, sandbox_web):
    url = "http://www.thedailyledger.com/2026/story.html"
    with opener(sandbox_server).open(url) as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
        assert answer.read() == sandbox_web.respond("GET", url).body


def test_urllib_sees_error_statuses_and_redirects(sandbox_server, sandbox_web):
    features = sandbox_web.features
    for key, status in (("not_found", 404), ("gone", 410), ("server_error", 500)):
        with pytest.raises(urllib.error.HTTPError) as info:
            opener(sandbox_server).open(features[key][0])
        assert info.value.code == status
    with pytest.raises(urllib.error.HTTPError) as info:
        opener(sandbox_server, follow=False).open(features["redirects"]["308"])
    assert info.value.code == 308
    assert (
        info.value.headers["Location"] == "http://www.tinkertools.com.au/catalogue/power-tools.html"
    )
    chain = features["redirect_chain"]
    with opener(sandbox_server).open(chain[0]) as answer:
        assert answer.url == chain[-1]


def test_request_log_records_absolute_url_and_status(sandbox_web):
    with SandboxServer(sandbox_web) as server:
        opener(server).open("http://WWW.THEDAILYLEDGER.COM:80/").read()
        with pytest.raises(urllib.error.HTTPError):
            opener(server).open("http://www.tinkertools.com.au/recalled.html")
        log = [(method, url, status) for _, method, url, status in server.request_log]
        assert log == [
            ("GET", "http://WWW.THEDAILYLEDGER.COM:80/", 200),
            ("GET", "http://www.tinkertools.com.au/recalled.html", 410),
        ]
        assert server.request_log[0][0] <= server.request_log[1][0] <= time.monotonic()
        server.clear_log()
        assert server.request_log == []


def test_keep_alive_answers_pipelined_requests_in_order_on_one_connection(
    sandbox_server, sandbox_web
):
    urls = [
        "http://www.thedailyledger.com/",
        "http://www.thedailyledger.com/2026/media.html",
        "http://www.openwebdirectory.org/robots.txt",
    ]
    data = b"".join(f"GET {u} HTTP/1.1\r\nHost: x\r\n\r\n".encode() for u in urls)
    answers = raw_exchange(sandbox_server, data, expect=3)
    assert len(answers) == 3
    for url, answer in zip(urls, answers, strict=True):
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b"Connection: keep-alive" in answer
        assert answer.endswith(sandbox_web.respond("GET", url).body)


def test_origin_form_requests_use_the_host_header(sandbox_server, sandbox_web):
    data = b"GET /2026/story.html HTTP/1.1\r\nHost: www.thedailyledger.com\r\nConnection: close\r\n\r\n"
    (answer,) = raw_exchange(sandbox_server, data)
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"Connection: close" in answer
    body = sandbox_web.respond("GET", "http://www.thedailyledger.com/2026/story.html").body
    assert answer.endswith(body)


def test_head_sends_the_get_headers_without_a_body(sandbox_server, sandbox_web):
    url = "http://www.thedailyledger.com/"
    data = f"HEAD {url} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    (answer,) = raw_exchange(sandbox_server, data)
    length = len(sandbox_web.respond("GET", url).body)
    assert f"Content-Length: {length}\r\n".encode() in answer
    assert answer.endswith(b"\r\n\r\n")


def test_connect_is_closed_at_once(sandbox_server):
    with socket.create_connection(("127.0.0.1", sandbox_server.port), timeout=5) as sock:
        sock.sendall(b"CONNECT www.thedailyledger.com:443 HTTP/1.1\r\nHost: x\r\n\r\n")
        started = time.monotonic()
        assert sock.recv(1024) == b""
        assert time.monotonic() - started < 1.0


def test_unknown_hosts_get_502_unknown_host(sandbox_server):
    with pytest.raises(urllib.error.HTTPError) as info:
        opener(sandbox_server).open("http://www.example.com/")
    assert info.value.code == 502
    assert info.value.read() == b"unknown host\n"


def test_the_slow_page_does_not_hold_up_other_connections(sandbox_server, sandbox_web):
    (slow,) = sandbox_web.features["slow"]
    timings = {}

    def fetch_slow():
        started = time.monotonic()
        opener(sandbox_server).open(slow).read()
        timings["slow"] = time.monotonic() - started

    thread = threading.Thread(target=fetch_slow)
    thread.start()
    time.sleep(0.2)
    opener(sandbox_server).open("http://www.thedailyledger.com/").read()
    slow_still_waiting = thread.is_alive()
    thread.join()
    assert slow_still_waiting
    assert timings["slow"] >= 2.0


def test_a_busy_port_raises_oserror(sandbox_server, sandbox_web):
    with pytest.raises(OSError), SandboxServer(sandbox_web, port=sandbox_server.port):
        pass


SPIDER = """
import scrapy


class Tiny(scrapy.Spider):
    name = "tiny"
    start_urls = {seeds!r}
    custom_settings = {{"ROBOTSTXT_OBEY": False, "CLOSESPIDER_PAGECOUNT": 12,
                        "LOG_LEVEL": "INFO", "TELNETCONSOLE_ENABLED": False,
                        "HTTPERROR_ALLOW_ALL": True, "RETRY_ENABLED": False}}

    def parse(self, response):
        yield {{"url": response.url, "status": response.status,
                "title": response.css("title::text").get(),
                "proxy": response.request.meta.get("proxy")}}
        for href in response.css("a::attr(href)").getall()[:8]:
            yield response.follow(href, self.parse)
"""


@pytest.mark.slow
def test_a_real_scrapy_crawl_reaches_the_sandbox_through_the_proxy(
    sandbox_env, sandbox_web, sandbox_server, tmp_path
):
    seeds = sandbox_web.default_seeds()
    (tmp_path / "tiny.py").write_text(SPIDER.format(seeds=seeds))
    out = tmp_path / "items.jsonl"
    sandbox_server.clear_log()
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "runspider", "tiny.py", "-O", str(out)],
        cwd=tmp_path,
        env=sandbox_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    items = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(items) >= 10
    by_url = {item["url"]: item for item in items}
    for seed in seeds:
        assert by_url[seed]["status"] == 200
        assert by_url[seed]["title"] == sandbox_web.page(seed).title
    for item in items:
        assert item["proxy"] == sandbox_server.proxy_url
        assert item["status"] == sandbox_web.respond("GET", item["url"]).status
    requested = {url for _, _, url, _ in sandbox_server.request_log}
    assert set(by_url) <= requested


def test_a_fresh_server_gets_its_own_port_and_stops_cleanly():
    web = SandboxWeb(pages=20)
    with SandboxServer(web) as server:
        port = server.port
        assert port > 0
        assert server.proxy_url == f"http://127.0.0.1:{port}"
        with opener(server).open(web.default_seeds()[0]) as answer:
            assert answer.status == 200
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1)
