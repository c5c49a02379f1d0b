"""Fixtures for system components a test needs (a browser; later Redis, Spark).

On a user's machine without the component the test is skipped, saying what to install.
Under ``LINKGRAPH_REQUIRE_SYSTEM=1`` (set by ``.ci/run``) a missing component fails the test
instead, so CI cannot pass by skipping.
"""

from __future__ import annotations

import os
import shutil

import pytest


def require_system(what: str, install_hint: str) -> None:
    """Skip (or, under LINKGRAPH_REQUIRE_SYSTEM=1, fail) for a missing component."""
    message = f"{what} is not available; install it with: {install_hint}"
    if os.environ.get("LINKGRAPH_REQUIRE_SYSTEM") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path of a Chromium binary for browser tests (Debian's ``chromium`` package)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    require_system("Chromium", "apt-get install chromium")
    raise AssertionError("unreachable")
