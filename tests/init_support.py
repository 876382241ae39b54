"""Running the real ``letterpress`` in a child process, for ``letterpress init``'s tests (and the wheel's)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from browser_helpers import free_port
from run_options import child_env

BIN = Path(sys.executable).parent
ANSWERS = ("--title", "Notes from the Kitchen Table", "--url", "https://ana.example.net",
           "--author", "Ana Sousa", "--email", "ana@example.net",
           "--postal-address", "Rua das Flores 12, 1200-195 Lisboa, Portugal")
GIT_PERSON = {"GIT_AUTHOR_NAME": "Ana", "GIT_COMMITTER_NAME": "Ana",
              "GIT_AUTHOR_EMAIL": "ana@example.net", "GIT_COMMITTER_EMAIL": "ana@example.net"}


def run(cwd: Path, *args: str, binary: Path = BIN, env: dict | None = None, **extra) -> subprocess.CompletedProcess:
    """``letterpress ARGS`` in ``cwd`` (the sample's clock), its output as text."""
    return subprocess.run([str(binary / "letterpress"), *args], cwd=cwd, capture_output=True, text=True,
                          env=env or child_env(**GIT_PERSON, **extra), timeout=300, check=False)


@contextmanager
def serving(root: Path, binary: Path = BIN, env: dict | None = None):
    """``letterpress serve`` on a free port of 127.0.0.1 in ``root``; yield its base URL; stop it after."""
    port = free_port()
    process = subprocess.Popen([str(binary / "letterpress"), "serve", "--port", str(port)], cwd=root,
                               env=env or child_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            try:
                httpx.get(base + "/", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, 9)
            process.wait()
