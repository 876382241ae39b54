"""The send ledger on its own, over a real SQLite store: what each call writes, read back by plain SQL.

The send tests (tests/test_sending*.py) drive the ledger through a whole campaign; these pin the
rows and attempts each call leaves, field by field, so a change to one of them shows (the
survivors of ``scripts/mutation sending/ledger.py`` that those tests let through).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from letterpress.sending.ledger import DEFERRED, SENT, Campaign, Delivery, Ledger

STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


@dataclass(frozen=True)
class Named:
    """What the ledger knows an essay by (its identity and its slug)."""

    key: str
    slug: str


@pytest.fixture
def ledger(store) -> Ledger:
    with store.transaction():
        for person in ("ada", "ben", "cy"):
            store.add(f"{person}@example.org", name=person.title())
    return Ledger(store)


def delivery_row(ledger: Ledger, delivery_id: int) -> tuple:
    return tuple(ledger.store.query("SELECT status, attempts, next_attempt_at, last_reply, message_id"
                                    " FROM deliveries WHERE id = ?", (delivery_id,))[0])


def attempt_rows(ledger: Ledger, delivery_id: int) -> list[tuple]:
    return [tuple(row) for row in ledger.store.query(
        "SELECT outcome, code, reply FROM attempts WHERE delivery_id = ? ORDER BY id", (delivery_id,))]


def without_stamp(campaign: Campaign) -> Campaign:
    assert re.fullmatch(STAMP, campaign.created_at), campaign.created_at
    return Campaign(campaign.id, campaign.slug, campaign.subject, campaign.messenger, campaign.trial,
                    campaign.status, campaign.pause_reason, "<stamp>", campaign.finished_at, campaign.essay)


def test_a_campaign_reads_back_every_field_it_was_made_with(ledger):
    made = ledger.create_campaign(Named("posts/quiet-rooms.md", "quiet-rooms"), "Quiet rooms", "smtp", True)
    assert without_stamp(made) == Campaign(1, "quiet-rooms", "Quiet rooms", "smtp", True, "running", "",
                                           "<stamp>", None, "posts/quiet-rooms.md")
    assert ledger.campaign(1) == made


def test_a_campaign_made_from_a_slug_alone_has_no_identity(ledger):
    made = ledger.create_campaign("old-slug", "Old", "maildir", False)
    assert without_stamp(made) == Campaign(1, "old-slug", "Old", "maildir", False, "running", "", "<stamp>",
                                           None, "")


def test_campaigns_are_listed_oldest_first_by_identity_or_by_slug(ledger):
    ledger.create_campaign("walks", "Before identities", "smtp", False)
    ledger.create_campaign(Named("posts/walks.md", "walks"), "With its identity", "smtp", False)
    ledger.create_campaign(Named("posts/other.md", "other"), "Another essay", "smtp", True)
    assert [c.subject for c in ledger.campaigns()] == ["Before identities", "With its identity", "Another essay"]
    assert [c.id for c in ledger.campaigns(Named("posts/walks.md", "walks"))] == [1, 2]
    assert [c.id for c in ledger.campaigns("other")] == [3]
    assert ledger.campaigns(Named("posts/none.md", "none")) == []


def test_finishing_a_campaign_leaves_no_pause_reason_and_makes_it_the_latest_finished(ledger):
    campaign = ledger.create_campaign("walks", "Walks", "smtp", False)
    assert ledger.latest_finished("walks", trial=False) is None
    paused = ledger.set_status(campaign, "paused", "the server is down")
    assert (paused.status, paused.pause_reason, paused.finished_at) == ("paused", "the server is down", None)
    finished = ledger.set_status(paused, "finished")
    assert (finished.status, finished.pause_reason) == ("finished", "")
    assert re.fullmatch(STAMP, finished.finished_at)
    assert ledger.latest_finished("walks", trial=False) == finished
    assert ledger.latest_finished("walks", trial=True) is None


def test_a_claim_takes_its_own_campaign_s_first_recipient(ledger):
    ledger.create_campaign("first", "First", "smtp", False)  # deliveries 1-3
    second = ledger.create_campaign("second", "Second", "smtp", False)  # deliveries 4-6
    assert ledger.claim(second, now=0.0) == (Delivery(4, 2, "ada@example.org", "Ada", 0), 0)
    assert delivery_row(ledger, 4) == ("in_flight", 0, 0.0, "", "")


def test_a_claim_skips_each_reader_who_left_without_counting_an_attempt(ledger):
    campaign = ledger.create_campaign("walks", "Walks", "smtp", False)
    ledger.store.unsubscribe("ada@example.org")
    assert ledger.claim(campaign, now=0.0) == (Delivery(2, 1, "ben@example.org", "Ben", 0), 1)
    assert delivery_row(ledger, 1) == ("skipped", 0, 0.0, "not sent: the subscriber is unsubscribed", "")
    assert attempt_rows(ledger, 1) == [("skipped", 0, "not sent: the subscriber is unsubscribed")]
    ledger.store.unsubscribe("cy@example.org")
    ledger.requeue(Delivery(2, 1, "ben@example.org", "Ben", 0), "connection lost")
    ledger.store.unsubscribe("ben@example.org")
    assert ledger.claim(campaign, now=0.0) == (None, 2)


def test_a_reader_no_longer_in_the_store_is_gone(ledger):
    assert ledger.not_wanted(Delivery(1, 1, "nobody@example.org", "", 0)) == "not sent: the subscriber is gone"
    assert ledger.not_wanted(Delivery(1, 1, "ada@example.org", "Ada", 0)) == ""


def test_peek_takes_the_front_of_the_queue_or_of_its_lane(ledger):
    campaign = ledger.create_campaign("walks", "Walks", "smtp", False)
    assert ledger.peek(campaign) == Delivery(1, 1, "ada@example.org", "Ada", 0)
    assert ledger.peek(campaign, lanes=2) == Delivery(2, 1, "ben@example.org", "Ben", 0)
    assert ledger.peek(campaign, lane=1, lanes=2) == Delivery(1, 1, "ada@example.org", "Ada", 0)
    assert ledger.peek(campaign, lane=0, lanes=3) == Delivery(3, 1, "cy@example.org", "Cy", 0)


def test_record_keeps_each_part_of_the_server_s_answer(ledger):
    campaign = ledger.create_campaign("walks", "Walks", "smtp", False)
    first, _ = ledger.claim(campaign, now=0.0)
    ledger.record(first, DEFERRED, 451, "4.7.1 try later", "<1@example.org>", 1700000000.5)
    assert delivery_row(ledger, 1) == ("deferred", 1, 1700000000.5, "4.7.1 try later", "<1@example.org>")
    assert attempt_rows(ledger, 1) == [("deferred", 451, "4.7.1 try later")]
    second, _ = ledger.claim(campaign, now=0.0)
    ledger.record(second, SENT, 250, "2.0.0 queued")
    assert delivery_row(ledger, 2) == ("sent", 1, 0.0, "2.0.0 queued", "")
    assert attempt_rows(ledger, 2) == [("sent", 250, "2.0.0 queued")]


def test_a_requeue_and_a_skip_record_no_attempt_at_the_server(ledger):
    campaign = ledger.create_campaign("walks", "Walks", "smtp", False)
    first, _ = ledger.claim(campaign, now=0.0)
    ledger.requeue(first, "the connection was lost")
    assert delivery_row(ledger, 1) == ("queued", 0, 0.0, "the connection was lost", "")
    assert attempt_rows(ledger, 1) == [("connection lost", 0, "the connection was lost")]
    again, _ = ledger.claim(campaign, now=0.0)
    assert again == Delivery(1, 1, "ada@example.org", "Ada", 0)
    ledger.skip(again, "not sent: the subscriber is unsubscribed")
    assert delivery_row(ledger, 1) == ("skipped", 0, 0.0, "not sent: the subscriber is unsubscribed", "")
    assert attempt_rows(ledger, 1)[1:] == [("skipped", 0, "not sent: the subscriber is unsubscribed")]


def test_an_interrupted_send_is_queued_again_with_an_interrupted_attempt(ledger):
    campaign = ledger.create_campaign("walks", "Walks", "smtp", False)
    ledger.claim(campaign, now=0.0)
    assert ledger.recover_interrupted(campaign) == 1
    assert delivery_row(ledger, 1) == ("queued", 0, 0.0, "", "")
    assert attempt_rows(ledger, 1) == [
        ("interrupted", 0, "the send stopped before the reply was recorded; sending again")]
