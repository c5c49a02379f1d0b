"""A throwaway ``redis-server`` on a free loopback port (Debian's ``redis-server``): no
persistence, its files in a folder of the caller's. Used by the tests' ``redis_url`` fixture
and by the frontier benchmarks."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path


def start_redis(folder: Path, binary: str = "redis-server") -> tuple[subprocess.Popen, str]:
    """Start ``binary`` on a free loopback port and wait until it answers; returns the
    process (the caller terminates it) and its ``redis://`` URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.05)
