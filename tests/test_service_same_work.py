"""Finding 2: what the service does after a sign-up must not tell who subscribes.

A probe sent right after a sign-up feels the service's load, so the cause is
checked here: for every class of address, the same SQL statements run on the
service's connection (traced by SQLite itself, values blanked out) and exactly
one letter is composed and delivered. How near to 50 % a timing probe gets is
measured by ``scripts/bench service``, not asserted here.
"""

from __future__ import annotations

import re
import sqlite3
import time

import httpx
import pytest

from letterpress.service import prepare
from letterpress.service.app import Service, service_app
from letterpress.subscribers.paths import outbox_path, store_path
from letterpress.subscribers.store import open_store
from service_support import WAIT_SECONDS, messages, running, settings_for, small_publication, text_of

CLASSES = ("new", "pending", "active", "unsubscribed", "bounced", "complained")
_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.setenv("LETTERPRESS_SECRET", "a-test-secret-that-is-long-enough")
    monkeypatch.delenv("LETTERPRESS_SMTP_URL", raising=False)
    return settings_for(small_publication(tmp_path / "publication"), rate_limits=False)


def address(kind: str) -> str:
    return f"{kind}@example.org"


def seed(settings) -> None:
    """One subscriber in each status the store knows (and none for ``new``)."""
    with open_store(store_path(settings)) as store:
        store.add_pending(address("pending"))
        for kind in ("active", "unsubscribed", "bounced", "complained"):
            store.add(address(kind))
        store.unsubscribe(address("unsubscribed"))
        store.set_status(address("bounced"), "bounced")
        store.set_status(address("complained"), "complained")


def letters_in_outbox(settings) -> int:
    return len(list((outbox_path(settings) / "new").glob("*")))


def settle(settings, letters: int) -> None:
    """Wait (bounded) until ``letters`` letters are out and the queue is empty: the worker is done."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        with sqlite3.connect(store_path(settings)) as db:
            queued = db.execute("SELECT count(*) FROM signup_requests").fetchone()[0]
        if not queued and letters_in_outbox(settings) >= letters:
            return
        time.sleep(0.02)
    raise AssertionError(f"the worker did not settle: {queued} queued, {letters_in_outbox(settings)} letters")


def shape(statements: list[str]) -> list[str]:
    """The statements with their values blanked out."""
    return [_LITERALS.sub("?", statement) for statement in statements]


def test_every_class_of_address_gets_the_same_work_and_one_letter(settings):
    seed(settings)
    service = Service(prepare(settings))
    statements: list[str] = []
    service.store.connection.set_trace_callback(statements.append)
    work = {}
    with running(service_app(service)) as base, httpx.Client(base_url=base) as client:
        assert client.post("/subscribe", data={"email": "warm-up@example.org"}).status_code == 303
        settle(settings, 1)
        for number, kind in enumerate(CLASSES, start=2):
            mark = len(statements)
            assert client.post("/subscribe", data={"email": address(kind), "name": "N"}).status_code == 303
            settle(settings, number)
            work[kind] = shape(statements[mark:])
    assert any("INSERT INTO signup_requests" in s for s in work["new"])  # committed before the answer
    assert any("ON CONFLICT (email) DO UPDATE" in s for s in work["new"])  # recorded by the worker
    for kind in CLASSES:
        assert work[kind] == work["new"], kind
    letters = {m["To"].addresses[0].addr_spec: m for m in messages(settings, len(CLASSES) + 1)}
    assert len(letters) == len(CLASSES) + 1  # one letter per sign-up, whoever it is for
    assert letters[address("active")]["Subject"] == "You are already subscribed to Quiet Rooms"
    assert "/unsubscribe?token=" in text_of(letters[address("active")])
    for kind in set(CLASSES) - {"active"}:
        assert letters[address(kind)]["Subject"] == "Please confirm: letters from Quiet Rooms", kind


def test_a_sign_up_brings_back_whoever_left_only_through_the_confirmation(settings):
    seed(settings)
    with running(service_app(Service(prepare(settings)))) as base, httpx.Client(base_url=base) as client:
        for kind in CLASSES:
            client.post("/subscribe", data={"email": address(kind)})
        settle(settings, len(CLASSES))
    with open_store(store_path(settings)) as store:
        statuses = {kind: store.get(address(kind)).status for kind in CLASSES}
    assert statuses == {kind: "active" if kind == "active" else "pending" for kind in CLASSES}
