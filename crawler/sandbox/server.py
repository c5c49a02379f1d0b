"""The sandbox web served as an HTTP proxy on loopback.

A client that sets ``http_proxy=http://127.0.0.1:PORT`` sends requests in absolute form
(``GET http://www.rosegarden.co.uk/care/ HTTP/1.1``) and reaches every sandbox host by its
own name, with no DNS. Requests in origin form with a ``Host`` header are answered too, so
the server also works as a plain virtual-host web server.

A small hand-rolled ``asyncio.Protocol`` rather than ``http.server``: it keeps connections
alive, answers pipelined requests in order, and delays a slow page with a timer, so one
slow answer never holds up other connections. ``CONNECT`` (https through the proxy) gets
the connection closed at once: the sandbox is http only, and a closed connection makes an
https link fail at once in Scrapy, where a 502 answer to ``CONNECT`` was seen to leave its
tunnel requests hanging (``tests/test_sandbox_server.py`` checks the close).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from http import HTTPStatus

from crawler.sandbox.web import SandboxResponse, SandboxWeb

__all__ = ["SandboxServer", "serve"]

logger = logging.getLogger(__name__)

_MAX_HEAD = 64 * 1024
_REASONS = {s.value: s.phrase for s in HTTPStatus}


class _ProxyProtocol(asyncio.Protocol):
    """One client connection: parse requests, answer them in order."""

    def __init__(self, web: SandboxWeb, log: list, loop: asyncio.AbstractEventLoop) -> None:
        self.web = web
        self.log = log
        self.loop = loop
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.waiting = False  # a delayed answer is pending: later requests wait their turn
        self.closed = False
        self.timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def connection_lost(self, exc) -> None:
        self.closed = True
        if self.timer is not None:
            self.timer.cancel()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.waiting:
            self._process()

    def _close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def _process(self) -> None:
        while not self.waiting and not self.closed:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > _MAX_HEAD:
                    self._reply_error(431, keep_alive=False)
                return
            lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
            parts = lines[0].split(" ")
            headers: dict[str, str] = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            try:
                body_length = int(headers.get("content-length", "0"))
            except ValueError:
                body_length = -1
            if len(parts) != 3 or body_length < 0:
                del self.buffer[:]
                self._reply_error(400, keep_alive=False)
                return
            if len(self.buffer) < end + 4 + body_length:
                return  # the request body is still arriving
            del self.buffer[: end + 4 + body_length]
            method, target, version = parts
            if method == "CONNECT":
                self._close()
                return
            connection = headers.get("connection", "").lower()
            if version == "HTTP/1.1":
                keep_alive = "close" not in connection
            else:
                keep_alive = "keep-alive" in connection
            if target.startswith(("http://", "https://")):
                url = target
            elif target.startswith("/") and "host" in headers:
                url = f"http://{headers['host']}{target}"
            else:
                self._reply_error(400, keep_alive=False)
                return
            self._answer(method, url, keep_alive)

    def _answer(self, method: str, url: str, keep_alive: bool) -> None:
        received = time.monotonic()
        try:
            response = self.web.respond("GET", url)
        except Exception:  # a bug in the generator must not kill the server
            logger.exception("sandbox: error answering %s", url)
            response = SandboxResponse(500, [("Content-Type", "text/plain")], b"error\n")
        self.log.append((received, method, url, response.status))
        data = _encode(response, method == "HEAD", keep_alive)
        if response.delay > 0:
            self.waiting = True
            self.timer = self.loop.call_later(response.delay, self._send_later, data, keep_alive)
            return
        self._send(data, keep_alive)

    def _send(self, data: bytes, keep_alive: bool) -> None:
        if self.closed or self.transport is None:
            return
        self.transport.write(data)
        if not keep_alive:
            self._close()

    def _send_later(self, data: bytes, keep_alive: bool) -> None:
        self.timer = None
        self.waiting = False
        self._send(data, keep_alive)
        if not self.closed:
            self._process()

    def _reply_error(self, status: int, keep_alive: bool) -> None:
        body = f"{status} {_REASONS.get(status, '')}\n".encode()
        response = SandboxResponse(status, [("Content-Type", "text/plain")], body)
        self._send(_encode(response, False, keep_alive), keep_alive)


def _encode(response: SandboxResponse, head_only: bool, keep_alive: bool) -> bytes:
    status = response.status
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}"]
    lines.extend(f"{name}: {value}" for name, value in response.headers)
    lines.append(f"Content-Length: {len(response.body)}")
    lines.append("Connection: keep-alive" if keep_alive else "Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if head_only else head + response.body


async def _start(web: SandboxWeb, host: str, port: int, log: list) -> asyncio.Server:
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: _ProxyProtocol(web, log, loop), host, port)


class SandboxServer:
    """The proxy in a background thread; a context manager.

    >>> with SandboxServer(SandboxWeb(pages=300)) as server:  # doctest: +SKIP
    ...     os.environ["http_proxy"] = server.proxy_url

    ``request_log`` holds ``(monotonic time, method, absolute URL as requested, status)``
    for every request, in arrival order: tests read it to check politeness.
    """

    def __init__(self, web: SandboxWeb, host: str = "127.0.0.1", port: int = 0) -> None:
        self.web = web
        self.host = host
        self._requested_port = port
        self.port = 0
        self.request_log: list[tuple[float, str, str, int]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def proxy_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def clear_log(self) -> None:
        self.request_log.clear()

    def start(self) -> SandboxServer:
        """Bind and start serving; raises ``OSError`` when the port is busy."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                self._server = loop.run_until_complete(
                    _start(self.web, self.host, self._requested_port, self.request_log)
                )
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)
                ready.set()
                loop.close()
                return
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            try:
                loop.run_forever()
            finally:
                self._server.close()
                loop.run_until_complete(self._server.wait_closed())
                loop.close()

        self._thread = threading.Thread(target=run, name="sandbox-proxy", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def serve(
    web: SandboxWeb,
    host: str = "127.0.0.1",
    port: int = 8899,
    *,
    ready: Callable[[int], None] | None = None,
) -> None:
    """Serve ``web`` in the foreground until interrupted (Ctrl-C raises KeyboardInterrupt).

    ``ready(port)`` is called once the socket is bound; a busy port raises ``OSError``.
    """

    async def main() -> None:
        server = await _start(web, host, port, _DiscardLog())
        if ready is not None:
            ready(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


class _DiscardLog(list):
    """The foreground server keeps no request log: it may run for days."""

    def append(self, item) -> None:  # noqa: D102
        return None
