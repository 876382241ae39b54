"""Pipelined sends (ESMTP PIPELINING, RFC 2920) against aiosmtpd on 127.0.0.1 that offers it, with faults.

Each letter's content and final dot go out in one write with the next letter's MAIL,
RCPT and DATA. These tests check that the grouping is really used (the client's
writes are counted), and that every way a group can go wrong is recorded as the
server answered it: a RCPT refused in the middle of a group, a 354 for a DATA whose
every RCPT was refused, a connection dropped before the 354, and one dropped after
the dot (the one duplicate the ledger allows).
"""

from __future__ import annotations

import re
import smtplib
from collections import Counter

import pytest

from letterpress.sending.campaign import CampaignRun, SendPolicy
from letterpress.sending.ledger import Ledger
from letterpress.sending.messengers import Letter, Reply, Withdrawn
from letterpress.sending.send import compose
from letterpress.sending.smtp import SmtpMessenger, SmtpServer
from letterpress.subscribers.store import open_store
from smtp_server import SmtpTestServer, StandInIssue

SENDER = "bounces@quietrooms.example.org"
FAST = SendPolicy(retry_attempts=2, retry_backoff=0.02, reconnect_delay=0.01)


@pytest.fixture
def server():
    with SmtpTestServer(pipelining=True) as running:
        yield running


@pytest.fixture
def writes(monkeypatch):
    """How many times the client wrote to a connection (smtplib's ``send`` is its one write)."""
    count = Counter()
    original = smtplib.SMTP.send

    def counted(self, data):
        count["writes"] += 1
        return original(self, data)

    monkeypatch.setattr(smtplib.SMTP, "send", counted)
    return count


def people(store, count: int) -> list[str]:
    addresses = [f"reader{n:02d}@example.org" for n in range(count)]
    with store.transaction():
        for address in addresses:
            store.add(address)
    return addresses


def send(store, server, pipelining: bool = True, policy: SendPolicy = FAST):
    issue = StandInIssue()
    ledger = Ledger(store)
    campaign = ledger.create_campaign(issue.slug, issue.subject, "smtp", False)
    target = SmtpServer("127.0.0.1", server.port, timeout=5)
    return CampaignRun(ledger, campaign, lambda d: compose(issue, d.email, d.name, None),
                       lambda: SmtpMessenger(target, pipelining=pipelining), SENDER, policy).run()


def outcome(store, address: str) -> tuple[str, str]:
    return tuple(store.connection.execute("SELECT status, last_reply FROM deliveries WHERE email = ?",
                                          (address,)).fetchone())


def attempts(store, address: str) -> list[str]:
    return [row[0] for row in store.connection.execute(
        "SELECT a.outcome FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.email = ? "
        "ORDER BY a.id", (address,))]


def test_a_pipelined_send_writes_once_per_letter_and_delivers_each_once(store, server, writes):
    addresses = people(store, 30)
    result = send(store, server)
    assert sorted(server.handler.recipients()) == addresses
    assert result.counts["sent"] == 30 and result.campaign.status == "finished"
    # EHLO, 30 groups (each with the letter before's content), the last content alone, QUIT.
    assert writes["writes"] == 33
    assert server.handler.connections == 1


def test_without_pipelining_the_same_send_takes_four_writes_per_letter(store, server, writes):
    people(store, 30)
    send(store, server, pipelining=False)
    assert writes["writes"] == 2 + 30 * 4  # EHLO, MAIL RCPT DATA and content per letter, QUIT


def test_a_rcpt_refused_in_the_middle_of_a_group_bounces_that_letter_only(store, server):
    addresses = people(store, 8)
    server.faults.refuse[addresses[3]] = "550 5.1.1 No such user here"
    result = send(store, server)
    assert sorted(server.handler.recipients()) == addresses[:3] + addresses[4:]
    assert outcome(store, addresses[3]) == ("bounced", "550 5.1.1 No such user here")
    assert outcome(store, addresses[4])[0] == "sent"  # the next group opened with RSET
    assert result.counts["sent"] == 7 and result.counts["bounced"] == 1
    assert server.handler.connections == 1  # no stalled group, no reconnect
    assert store.connection.execute("SELECT status FROM subscribers WHERE email = ?",
                                    (addresses[3],)).fetchone()[0] == "bounced"


def test_a_354_for_a_data_whose_every_rcpt_was_refused_gets_the_dot_alone(store, server):
    addresses = people(store, 6)
    server.faults.refuse[addresses[2]] = "550 5.1.1 No such user here"
    server.faults.data_without_rcpt = True
    result = send(store, server)
    assert outcome(store, addresses[2]) == ("bounced", "550 5.1.1 No such user here")
    assert sorted(server.handler.recipients()) == addresses[:2] + addresses[3:]
    assert result.counts["sent"] == 5 and result.campaign.status == "finished"
    assert server.handler.connections == 1  # the dot ended that DATA; the next group was read as commands


def test_a_temporary_refusal_in_a_group_is_tried_again(store, server):
    addresses = people(store, 5)
    server.faults.temporary[addresses[1]] = 1
    result = send(store, server)
    assert Counter(server.handler.recipients()) == Counter(addresses)
    assert attempts(store, addresses[1]) == ["deferred", "sent"]
    assert result.counts["sent"] == 5 and server.handler.connections == 1


def test_a_connection_dropped_before_the_354_sends_that_letter_again_and_nothing_twice(store, server):
    addresses = people(store, 6)
    server.faults.drop_before_data_at = {3}  # the third MAIL's DATA: letter 2's dot was in the same write
    result = send(store, server)
    assert Counter(server.handler.recipients()) == Counter(addresses)  # each exactly once
    assert attempts(store, addresses[1]) == ["sent"]
    assert attempts(store, addresses[2]) == ["connection lost", "sent"]
    assert result.counts["sent"] == 6 and server.handler.connections == 2


def test_a_connection_dropped_after_the_dot_is_the_one_duplicate_and_the_ledger_says_so(store, server):
    addresses = people(store, 6)
    server.faults.drop_after_dot_at = {3}  # letter 3 is taken, its answer never comes
    result = send(store, server)
    log = Counter(server.handler.recipients())
    assert {address: count for address, count in log.items() if count > 1} == {addresses[2]: 2}
    assert all(log[address] == 1 for address in addresses if address != addresses[2])
    assert attempts(store, addresses[2]) == ["connection lost", "sent"]
    assert attempts(store, addresses[3]) == ["connection lost", "sent"]  # its group was unanswered
    assert result.counts["sent"] == 6


def test_a_421_in_the_middle_of_a_group_reconnects_and_goes_on(store, server):
    addresses = people(store, 6)
    server.faults.close_at = {4}  # 421 to the fourth RCPT, then the server closes
    result = send(store, server)
    assert Counter(server.handler.recipients()) == Counter(addresses)
    assert attempts(store, addresses[3]) == ["connection lost", "sent"]
    assert result.counts["sent"] == 6 and server.handler.connections == 2


def test_a_pool_of_pipelined_connections_shares_the_ledger(store, server):
    addresses = people(store, 120)
    result = send(store, server, policy=SendPolicy(pool=3))
    assert Counter(server.handler.recipients()) == Counter(addresses)
    assert result.counts["sent"] == 120 and server.handler.connections == 3


def test_a_rate_limited_pipelined_send_finishes_each_letter_before_its_slot(store, server, writes):
    people(store, 5)
    result = send(store, server, policy=SendPolicy(rate=100.0))
    assert result.counts["sent"] == 5
    assert writes["writes"] == 2 + 5 * 2  # EHLO; per letter its envelope, then its content; QUIT


def test_the_pipelined_send_resumes_a_campaign_left_in_flight(store, server):
    addresses = people(store, 4)
    ledger = Ledger(store)
    campaign = ledger.create_campaign("a-test-letter", "A test letter", "smtp", False)
    ledger.claim(campaign, 0.0)  # a killed run left the first row in flight
    issue = StandInIssue()
    target = SmtpServer("127.0.0.1", server.port, timeout=5)
    with open_store(store.path) as again:
        run = CampaignRun(Ledger(again), campaign, lambda d: compose(issue, d.email, d.name, None),
                          lambda: SmtpMessenger(target), SENDER, FAST)
        result = run.run()
    assert result.recovered == 1 and result.counts["sent"] == 4
    assert sorted(server.handler.recipients()) == addresses


MESSAGE = (b"Subject: dots\r\nMessage-ID: <dots@example.org>\r\n\r\n"
           b".a line that starts with a dot\r\n..two\r\n.\r\nend\r\n")


def test_lines_that_start_with_a_dot_arrive_as_written(server):
    messenger = SmtpMessenger(SmtpServer("127.0.0.1", server.port, timeout=5))
    letters = [Letter(SENDER, "a@example.org", MESSAGE), Letter(SENDER, "b@example.org", b"." + MESSAGE[1:])]
    outcomes = [*messenger.submit(letters[0]), *messenger.submit(letters[1]), *messenger.flush()]
    messenger.close()
    assert [(letter.recipient, reply.code) for letter, reply in outcomes] == [("a@example.org", 250),
                                                                            ("b@example.org", 250)]
    assert [entry.data for entry in server.accepted] == [MESSAGE, b"." + MESSAGE[1:]]


def test_a_letter_whose_check_says_no_is_never_named_and_the_one_before_still_goes(server):
    messenger = SmtpMessenger(SmtpServer("127.0.0.1", server.port, timeout=5))
    first = Letter(SENDER, "a@example.org", MESSAGE)
    gone = Letter(SENDER, "b@example.org", MESSAGE, check=lambda: "not sent: the subscriber is unsubscribed")
    assert messenger.submit(first) == []  # its content waits for the next group
    withdrawn = messenger.submit(gone)
    assert [(letter.recipient, type(error), str(error)) for letter, error in withdrawn] == [
        ("b@example.org", Withdrawn, "not sent: the subscriber is unsubscribed")]
    assert messenger.flush() == [(first, Reply(250, "2.0.0 Ok: queued", "data"))]
    messenger.close()
    assert server.handler.recipients() == ["a@example.org"] and server.handler.transactions == 1


def test_a_send_commits_once_per_letter(store, server):
    people(store, 30)
    statements = []
    store.connection.set_trace_callback(statements.append)
    send(store, server)
    # The campaign, "running", the recovery of rows left in flight, 30 claims that each commit the
    # outcome before, the two that find nobody left (each commits the last outcomes), "finished".
    assert statements.count("COMMIT") == 36


def add_traced(store, count, **relaxed):
    """The SQL statements of adding `count` readers, one transaction each, inside relaxed_sync."""
    statements = []
    store.connection.set_trace_callback(statements.append)
    with store.relaxed_sync(**relaxed):
        for number in range(count):
            with store.transaction():
                store.add(f"reader{number}@example.org")
    return statements


def test_a_relaxed_store_makes_every_nth_commit_durable_and_all_of_it_at_the_end(store):
    statements = add_traced(store, 35, every=10, seconds=3600)
    assert statements[0] == "PRAGMA synchronous = NORMAL"
    synced = [statements[:n].count("COMMIT") + 1 for n, text in enumerate(statements)
              if text == "PRAGMA synchronous = FULL"]
    assert synced == [10, 20, 30, 36]  # the 10th, 20th and 30th commits, then FULL from the end on
    assert statements[-1] == "PRAGMA wal_checkpoint(PASSIVE)"
    assert store.connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_a_relaxed_store_makes_the_first_commit_after_its_time_bound_durable(store):
    statements = add_traced(store, 3, every=1000, seconds=0.0)
    assert statements.count("PRAGMA synchronous = FULL") == 3 + 1


def test_each_connection_of_a_pool_peeks_its_own_lane_of_the_queue(store):
    people(store, 8)
    ledger = Ledger(store)
    campaign = ledger.create_campaign("the-listening-hour", "Subject", "smtp", False)
    assert [ledger.peek(campaign, lane, 3).id for lane in range(3)] == [3, 1, 2]
    ledger.claim(campaign, 0.0, prefer=1)
    ledger.claim(campaign, 0.0, prefer=4)
    assert ledger.peek(campaign, 1, 3).id == 7
    ledger.claim(campaign, 0.0, prefer=7)
    assert ledger.peek(campaign, 1, 3).id == 6  # lane 1 is empty: the row one place from the back
    assert ledger.peek(campaign, 0, 1).id == 2  # one connection: the front of the queue


def test_a_pool_builds_each_letter_about_once(store, server):
    people(store, 360)
    issue, built, claimed = StandInIssue(), Counter(), Counter()

    def counted(delivery):
        built[delivery.email] += 1
        return compose(issue, delivery.email, delivery.name, None)

    ledger = Ledger(store)
    claim = ledger.claim

    def counted_claim(*args, **options):
        delivery, skipped = claim(*args, **options)
        if delivery is not None:
            claimed[delivery.email] += 1
        return delivery, skipped

    ledger.claim = counted_claim  # a letter sent again after a lost connection is claimed (and built) again
    campaign = ledger.create_campaign(issue.slug, issue.subject, "smtp", False)
    target = SmtpServer("127.0.0.1", server.port, timeout=5)
    CampaignRun(ledger, campaign, counted, lambda: SmtpMessenger(target), SENDER, SendPolicy(pool=3)).run()
    assert len(built) == 360
    wasted = sum(built.values()) - sum(claimed.values())
    assert wasted <= 8, (wasted, sum(claimed.values()))  # only near the end: 0-4 seen, 13-21 before lanes


def test_a_finished_campaign_records_when_and_a_paused_one_does_not(store):
    ledger = Ledger(store)
    campaign = ledger.create_campaign("the-listening-hour", "Subject", "smtp", False)
    assert campaign.finished_at is None
    assert ledger.set_status(campaign, "paused", "a reason").finished_at is None
    finished = ledger.set_status(campaign, "finished")
    assert re.fullmatch(r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ", finished.finished_at or "")
    assert ledger.campaign(campaign.id).finished_at == finished.finished_at  # stored, not only returned
    assert ledger.latest_finished("the-listening-hour", False).id == campaign.id
