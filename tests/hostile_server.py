"""A hostile web on loopback: an HTTP proxy whose hosts misbehave the way real servers do.

A test routes URLs to ``Answer``s (``server.route(url, *answers)``: successive requests
get successive answers, the last one repeats), points a crawl's ``http_proxy`` at
``server.proxy_url`` and then asserts on ``server.log``, the requests the crawl really
sent. Unrouted URLs answer 404 (so an unrouted robots.txt allows everything).

What an ``Answer`` can do that a polite server would not: wait before answering
(``delay``), close the connection without a byte (``drop``), send a body without end and
without ``Content-Length`` (``endless``), send a ``Content-Length`` that lies
(``declared_length``), send its body a byte at a time (``trickle``). ``gzip_bomb`` makes
a small body that inflates to a huge one.

asyncio streams in a background thread: each connection is served by its own task, so a
slow or endless answer never holds up another connection.
"""

from __future__ import annotations

import asyncio
import gzip
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus

__all__ = ["Answer", "HostileServer", "gzip_bomb", "links", "page", "redirect", "robots"]

_REASONS = {s.value: s.phrase for s in HTTPStatus}
_CHUNK = 64 * 1024
#: An endless body stops here all the same, so a client that never reads cannot keep the
#: server writing for ever.
_ENDLESS_LIMIT = 256 * 1024 * 1024


@dataclass(frozen=True)
class Answer:
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    delay: float = 0.0
    drop: bool = False
    endless: bool = False
    declared_length: int | None = None
    trickle: float = 0.0


def page(html: str, status: int = 200, **options) -> Answer:
    """An HTML page."""
    headers = (("Content-Type", "text/html; charset=utf-8"),)
    return Answer(status, headers, html.encode("utf-8"), **options)


def links(*urls: str, **options) -> Answer:
    """An HTML page linking to ``urls``."""
    html = "<html><body>" + "".join(f'<a href="{u}">{u}</a>' for u in urls) + "</body>"
    return page(html, **options)


def robots(text: str | bytes, status: int = 200, **options) -> Answer:
    """A robots.txt answer."""
    body = text.encode("utf-8") if isinstance(text, str) else text
    return Answer(status, (("Content-Type", "text/plain"),), body, **options)


def redirect(location: str, status: int = 302) -> Answer:
    return Answer(status, (("Location", location),))


def gzip_bomb(size: int, content_type: str = "text/html", prefix: bytes = b"") -> Answer:
    """``prefix`` and then zeros up to ``size`` bytes, gzip-compressed (about a thousandth
    of ``size`` on the wire), sent with ``Content-Encoding: gzip``."""
    body = gzip.compress(prefix + b"\0" * (size - len(prefix)), compresslevel=9)
    return Answer(200, (("Content-Type", content_type), ("Content-Encoding", "gzip")), body)


@dataclass
class HostileServer:
    """The proxy in a background thread; a context manager.

    ``log`` holds ``(monotonic time, method, absolute URL)`` for every request, in
    arrival order.
    """

    host: str = "127.0.0.1"
    port: int = 0
    log: list[tuple[float, str, str]] = field(default_factory=list)
    _routes: dict[str, list[Answer]] = field(default_factory=dict)
    _served: dict[str, int] = field(default_factory=dict)
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None

    @property
    def proxy_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """Environment variables that send a crawl through this server (https too, which
        it refuses at once)."""
        return {"http_proxy": self.proxy_url, "https_proxy": self.proxy_url, "no_proxy": ""}

    def route(self, url: str, *answers: Answer) -> None:
        self._routes[url] = list(answers)

    def requested(self, url: str) -> int:
        """How many times ``url`` was requested."""
        return sum(1 for _, _, seen in self.log if seen == url)

    def requests_to(self, host: str) -> list[str]:
        """The URLs requested of ``host``, in order."""
        prefix = f"http://{host}/"
        return [url for _, _, url in self.log if url.startswith(prefix)]

    def _answer_for(self, url: str) -> Answer:
        answers = self._routes.get(url)
        if not answers:
            return page("<html><title>Not found</title></html>", status=404)
        served = self._served.get(url, 0)
        self._served[url] = served + 1
        return answers[min(served, len(answers) - 1)]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                request_line, *header_lines = head.split("\r\n")
                method, target, _ = request_line.split(" ", 2)
                headers = {}
                for line in header_lines:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                if int(headers.get("content-length") or 0):
                    await reader.readexactly(int(headers["content-length"]))
                if method == "CONNECT":
                    return
                url = target if "://" in target else f"http://{headers.get('host')}{target}"
                self.log.append((time.monotonic(), method, url))
                if not await _send(writer, self._answer_for(url), method == "HEAD"):
                    return
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            return
        finally:
            writer.close()

    def start(self) -> HostileServer:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            server = self._loop.run_until_complete(
                asyncio.start_server(self._handle, self.host, self.port)
            )
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            try:
                self._loop.run_forever()
            finally:
                server.close()
                for task in asyncio.all_tasks(self._loop):
                    task.cancel()
                self._loop.run_until_complete(asyncio.sleep(0))
                self._loop.close()

        self._thread = threading.Thread(target=run, name="hostile-server", daemon=True)
        self._thread.start()
        ready.wait()
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def _head(answer: Answer, length: int | None, keep_alive: bool) -> bytes:
    lines = [f"HTTP/1.1 {answer.status} {_REASONS.get(answer.status, 'Unknown')}"]
    lines += [f"{name}: {value}" for name, value in answer.headers]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines.append("Connection: keep-alive" if keep_alive else "Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _send(writer: asyncio.StreamWriter, answer: Answer, head_only: bool) -> bool:
    """Send ``answer``; False when the connection is to be closed after it."""
    if answer.delay:
        await asyncio.sleep(answer.delay)
    if answer.drop:
        return False
    if answer.endless:
        writer.write(_head(answer, None, keep_alive=False))
        chunk = (answer.body or b"x") * (_CHUNK // max(len(answer.body), 1))
        sent = 0
        while sent < _ENDLESS_LIMIT:
            writer.write(chunk)
            await writer.drain()
            sent += len(chunk)
        return False
    honest = answer.declared_length is None
    length = len(answer.body) if honest else answer.declared_length
    writer.write(_head(answer, length, keep_alive=honest))
    if answer.trickle and not head_only:
        for i in range(len(answer.body)):
            writer.write(answer.body[i : i + 1])
            await writer.drain()
            await asyncio.sleep(answer.trickle)
    elif not head_only:
        writer.write(answer.body)
    await writer.drain()
    return honest
