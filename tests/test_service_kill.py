"""Finding 8: an answered sign-up survives a crash.

The cause: the sign-up is committed to the SQLite file before its 303 leaves
(checked at the moment the answer starts, from another connection). The
effect: a real ``letterpress service`` process is killed (SIGKILL) in the
middle of a burst of sign-ups, twice, and every address that was answered 303
is in the file afterwards; the next start finishes their confirmations.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from browser_helpers import free_port
from letterpress.service import create_app, prepare
from letterpress.subscribers.paths import outbox_path, store_path
from service_support import SECRET, WAIT_SECONDS, in_own_thread, running, settings_for, small_publication

LETTERPRESS = Path(sys.executable).parent / "letterpress"
BURST = 400  # sign-ups per burst; the service is killed after KILL_AFTER of them are answered,
KILL_AFTER = 350  # late enough that the old answer-first service had a backlog (it lost about 100)
CONCURRENCY = 200  # connections at once, each used once (as readers do: one sign-up each)


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("LETTERPRESS_SECRET", SECRET)
    monkeypatch.delenv("LETTERPRESS_SMTP_URL", raising=False)
    root = small_publication(tmp_path / "publication")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "      service:\n"
    assert marker in config
    (root / "mkdocs.yml").write_text(config.replace(marker, marker + "        rate_limits: false\n", 1),
                                     encoding="utf-8")
    return root


def in_file(path: Path) -> set[str]:
    """Every address the file holds: subscribers and queued sign-ups."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT email FROM subscribers UNION SELECT email FROM signup_requests").fetchall()
    return {row[0].lower() for row in rows}


def queued(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM signup_requests").fetchone()[0]


# -- the cause ------------------------------------------------------------------------------------


def committed_at_answer(app, path: Path, seen: dict):
    """``app``, noting at the start of each sign-up's answer whether its address is already in the file."""
    async def wrapped(scope, receive, send):
        async def noting_send(message):
            if message["type"] == "http.response.start" and scope.get("path") == "/subscribe":
                seen[scope["test.address"]] = scope["test.address"] in in_file(path)
            await send(message)

        if scope["type"] == "http":
            scope["test.address"] = dict(scope["headers"]).get(b"x-test-address", b"").decode()
        await app(scope, receive, noting_send)

    return wrapped


def test_the_sign_up_is_committed_before_the_answer(root):
    settings = settings_for(root)
    seen: dict[str, bool] = {}
    app = committed_at_answer(create_app(prepare(settings)), store_path(settings), seen)
    with running(app) as base, httpx.Client(base_url=base) as client:
        for number in range(5):
            email = f"durable{number}@example.org"
            answer = client.post("/subscribe", data={"email": email}, headers={"x-test-address": email})
            assert answer.status_code == 303
    assert seen == {f"durable{number}@example.org": True for number in range(5)}


# -- the effect: SIGKILL in the middle of a burst ---------------------------------------------------


def start(root: Path, port: int, log) -> subprocess.Popen:
    process = subprocess.Popen([str(LETTERPRESS), "service", "--port", str(port), "--root-path", ""],
                               cwd=root, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            assert process.poll() is None, "the service stopped while starting"
            time.sleep(0.05)
    process.kill()
    raise AssertionError("the service did not start")


async def burst(port: int, round_: int, pid: int) -> set[str]:
    """Post BURST sign-ups, a connection each, CONCURRENCY at a time; SIGKILL the service after KILL_AFTER answers.

    Returns the addresses answered 303.
    """
    accepted: set[str] = set()
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30) as client:
        async def one(number: int) -> None:
            email = f"round{round_}-{number}@example.org"
            try:
                answer = await client.post("/subscribe", data={"email": email})
            except httpx.HTTPError:
                return  # the service is gone: this sign-up was never answered
            if answer.status_code == 303:
                accepted.add(email)
                if len(accepted) == KILL_AFTER:
                    os.kill(pid, signal.SIGKILL)

        await asyncio.gather(*(one(number) for number in range(BURST)))
    return accepted


def wait_until_finished(path: Path, accepted: set[str], outbox: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS * 4
    while time.monotonic() < deadline:
        if not queued(path) and len(list((outbox / "new").glob("*"))) >= len(accepted):
            return
        time.sleep(0.1)
    raise AssertionError(f"{queued(path)} sign-ups still queued after the restart")


def test_sigkill_during_a_burst_loses_no_answered_sign_up(root, tmp_path):
    settings = settings_for(root)
    path, accepted = store_path(settings), set()
    with (tmp_path / "service.log").open("ab") as log:
        for round_ in (1, 2):
            process = start(root, port := free_port(), log)
            answered = in_own_thread(asyncio.run, burst(port, round_, process.pid))
            assert process.wait(timeout=WAIT_SECONDS) == -signal.SIGKILL
            assert len(answered) >= KILL_AFTER
            accepted |= answered
            missing = accepted - in_file(path)
            assert not missing, f"{len(missing)} of {len(accepted)} answered sign-ups lost"
        process = start(root, free_port(), log)  # the restart finishes what the crashes left
        try:
            wait_until_finished(path, accepted, outbox_path(settings))
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=WAIT_SECONDS)
    with sqlite3.connect(path) as db:
        pending = {row[0] for row in db.execute("SELECT email FROM subscribers WHERE status = 'pending'")}
    assert accepted <= pending
