"""Fixtures for system components a test needs (a browser; later Redis, Spark).

On a user's machine without the component the test is skipped, saying what to install.
Under ``LINKGRAPH_REQUIRE_SYSTEM=1`` (set by ``.ci/run``) a missing component fails the test
instead, so CI cannot pass by skipping.
"""

from __future__ import annotations

import importlib.util
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


#: Settings for the tests' one Spark session: two cores, few shuffle partitions (Spark's
#: 200 are for big data and cost a task each), no UI, no adaptive re-planning of tiny jobs.
SPARK_TEST_CONFIG = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.sql.adaptive.enabled": "false",
    "spark.ui.enabled": "false",
    "spark.driver.memory": "2g",
}


@pytest.fixture(scope="session")
def spark():
    """One real Spark session (pyspark ``local[2]``) for the whole test session.

    The Spark engine uses a running session as it finds it and does not stop it, so every
    Spark test shares this one (starting a JVM costs seconds).
    """
    if importlib.util.find_spec("pyspark") is None:
        require_system("pyspark", "pip install -e '.[spark]'")
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        require_system("Java", "apt-get install default-jre-headless")
    from graph.engines.spark import spark_session

    session, _ = spark_session("local[2]", SPARK_TEST_CONFIG)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> str:
    """A real Redis for the shared-frontier tests: ``LINKGRAPH_TEST_REDIS_URL`` when set
    (``.ci/run`` starts one), else a ``redis-server`` started here on a free loopback port
    and stopped after the session (Debian's ``redis-server`` package)."""
    from tests.redis_server import start_redis

    given = os.environ.get("LINKGRAPH_TEST_REDIS_URL")
    if given:
        yield given
        return
    binary = shutil.which("redis-server")
    if binary is None:
        require_system("redis-server", "apt-get install redis-server")
    proc, url = start_redis(tmp_path_factory.mktemp("redis"), binary)
    yield url
    proc.terminate()
    proc.wait(timeout=10)
