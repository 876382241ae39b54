"""Finding 6: no third party can lock a person out of signing up.

The per-address limit counts the letters the service sends, not the sign-ups
it answers: another client's posts for an address (in any letter case, or
robots filling the honeypot) can at worst delay the owner's letter, never get
the owner a 429. Clients are told apart by ``X-Forwarded-For``, which the
service trusts from 127.0.0.1 as it would from its reverse proxy.
"""

from __future__ import annotations

import sqlite3
import time

import httpx
import pytest

from letterpress.subscribers.paths import store_path
from service_support import (
    SECRET,
    WAIT_SECONDS,
    messages,
    name_in_link,
    running_service,
    settings_for,
    small_publication,
)

STRANGER = {"x-forwarded-for": "198.51.100.7"}
OWNER = {"x-forwarded-for": "203.0.113.20"}
SPELLINGS = ("victim@example.com", "VICTIM@example.com", "Victim@Example.COM", "victim@EXAMPLE.com")


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("LETTERPRESS_SECRET", SECRET)
    monkeypatch.delenv("LETTERPRESS_SMTP_URL", raising=False)
    return small_publication(tmp_path / "publication")


def post(client, email: str, headers: dict, **fields) -> httpx.Response:
    return client.post("/subscribe", data={"email": email, "website": "", **fields}, headers=headers)


def waiting_rows(settings) -> list[tuple[str, float]]:
    """The queue's rows that wait for the letter limit, waiting (bounded) until the queue holds only those."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        with sqlite3.connect(store_path(settings)) as db:
            rows = db.execute("SELECT email, not_before FROM signup_requests").fetchall()
        if all(not_before > 0 for _, not_before in rows) or time.monotonic() > deadline:
            return rows
        time.sleep(0.02)


def test_another_clients_sign_ups_in_any_letter_case_do_not_refuse_the_owner(root):
    settings = settings_for(root, limit_per_ip="10/minute", limit_per_address="3/hour")
    with running_service(settings) as base, httpx.Client(base_url=base) as client:
        answers = [post(client, email, STRANGER).status_code for email in SPELLINGS]
        owner = post(client, "victim@example.com", OWNER)
    assert answers == [303] * 4 and owner.status_code == 303
    assert len(messages(settings, 3)) == 3  # the limit held: three letters, whoever asked
    [(email, not_before)] = waiting_rows(settings)  # four sign-ups over the limit wait as one row
    assert email.lower() == "victim@example.com" and not_before > time.time()


def test_the_owners_letter_goes_out_when_the_limit_allows(root):
    settings = settings_for(root, limit_per_ip="10/minute", limit_per_address="2 per 2 seconds")
    with running_service(settings) as base, httpx.Client(base_url=base) as client:
        for email in SPELLINGS[:2]:
            assert post(client, email, STRANGER).status_code == 303
        assert post(client, "victim@example.com", OWNER, name="Vic").status_code == 303
        letters = messages(settings, 3)  # the third waits for the next window, then goes
    assert name_in_link(letters[-1]) == "Vic"  # the owner's own sign-up, not a stranger's
    assert waiting_rows(settings) == []


def test_honeypot_posts_do_not_count_against_the_address(root):
    settings = settings_for(root, limit_per_ip="10/minute", limit_per_address="1/hour")
    with running_service(settings) as base, httpx.Client(base_url=base) as client:
        for email in SPELLINGS[:3]:
            assert post(client, email, STRANGER, website="http://spam.example").status_code == 303
        assert post(client, "victim@example.com", OWNER).status_code == 303
        [letter] = messages(settings, 1)
    assert letter["To"].addresses[0].addr_spec == "victim@example.com"
    assert waiting_rows(settings) == []
