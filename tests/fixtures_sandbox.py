"""Fixtures: the demo sandbox web, a running proxy on it, and its ground truth.

Session-scoped: the web is generated on request, so sharing one instance costs nothing and
every test sees the same pages.
"""

from __future__ import annotations

import os

import pytest

from crawler.sandbox import SandboxServer, SandboxWeb, Truth, crawl_truth


@pytest.fixture(scope="session")
def sandbox_web() -> SandboxWeb:
    """The demo web: 300 regular pages, seed 1 (about 30 domains in 3 niches)."""
    return SandboxWeb(pages=300, seed=1)


@pytest.fixture(scope="session")
def sandbox_server(sandbox_web: SandboxWeb):
    """A running proxy on ``sandbox_web``; tests may ``clear_log()`` before they crawl."""
    with SandboxServer(sandbox_web) as server:
        yield server


@pytest.fixture(scope="session")
def sandbox_truth(sandbox_web: SandboxWeb) -> Truth:
    """What a crawl from the default seeds with default settings must find."""
    return crawl_truth(sandbox_web)


@pytest.fixture(scope="session")
def sandbox_env(sandbox_server: SandboxServer) -> dict[str, str]:
    """The environment for a subprocess that crawls through the proxy (``env=`` ready).

    The current environment plus ``http_proxy`` = ``https_proxy`` = the proxy and an empty
    ``no_proxy`` (upper-case twins too). https goes to the same proxy, which closes CONNECT
    at once, so an https link fails fast instead of waiting on DNS.
    """
    env = dict(os.environ)
    for name in ("http_proxy", "https_proxy"):
        env[name] = env[name.upper()] = sandbox_server.proxy_url
    env["no_proxy"] = env["NO_PROXY"] = ""
    return env
