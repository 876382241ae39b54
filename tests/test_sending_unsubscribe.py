"""Unsubscribes that land in the middle of a send, against aiosmtpd on 127.0.0.1 and real SQLite files.

The sign-up service writes to the same store from another connection while the
send loop runs. The loop checks each recipient when it claims them, and the
messenger checks again at the last moment: after MAIL FROM, right before RCPT
TO (after any wait for the rate limit), and right before DATA. So an
unsubscribe committed before the RCPT never sees its RCPT, and one committed
before DATA never sees its letter; only a letter already in DATA goes out.
"""

from __future__ import annotations

import mailbox
import threading

import pytest

from letterpress.sending.campaign import CampaignRun, SendPolicy
from letterpress.sending.ledger import Ledger
from letterpress.sending.messengers import MaildirMessenger
from letterpress.sending.send import compose
from letterpress.sending.smtp import SmtpMessenger, SmtpServer
from letterpress.subscribers.store import open_store
from smtp_server import FaultHandler, SmtpTestServer, StandInIssue

SENDER = "bounces@quietrooms.example.org"
PACED = SendPolicy(rate=50.0, retry_attempts=2, retry_backoff=0.02, reconnect_delay=0.01)


class WatchingHandler(FaultHandler):
    """The test server's handler, logging every RCPT and calling ``on_mail``/``on_rcpt`` before answering.

    Each hook gets the transaction number (1-based) and runs on the server's
    thread, so the client waits for the reply while it runs: whatever the hook
    commits is committed before the client's next command.
    """

    def __init__(self, faults, pipelining: bool = False):
        super().__init__(faults, pipelining=pipelining)
        self.rcpts: list[str] = []
        self.on_mail = self.on_rcpt = lambda transaction, address=None: None

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        reply = await super().handle_MAIL(server, session, envelope, address, mail_options)
        self.on_mail(self.transactions)
        return reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpts.append(address)
        reply = await super().handle_RCPT(server, session, envelope, address, rcpt_options)
        self.on_rcpt(self.transactions, address)
        return reply


@pytest.fixture
def server():
    running = SmtpTestServer()
    running.handler = WatchingHandler(running.faults)
    with running:
        yield running


@pytest.fixture
def pipelining_server():
    running = SmtpTestServer()
    running.handler = WatchingHandler(running.faults, pipelining=True)
    with running:
        yield running


def add_people(store, count: int) -> list[str]:
    addresses = [f"reader{n}@example.org" for n in range(count)]
    with store.transaction():
        for address in addresses:
            store.add(address)
    return addresses


def unsubscribe_elsewhere(store, address: str) -> None:
    """What the service's one-click POST does: its own connection to the file, committed on return."""
    with open_store(store.path) as service:
        assert service.unsubscribe(address)


def send(store, factory, policy: SendPolicy = PACED, before_compose=lambda address: None):
    issue = StandInIssue()
    ledger = Ledger(store)
    campaign = ledger.create_campaign(issue.slug, issue.subject, "smtp", False)

    def build(delivery):
        before_compose(delivery.email)
        return compose(issue, delivery.email, delivery.name, None)

    return CampaignRun(ledger, campaign, build, factory, SENDER, policy).run()


def smtp(server):
    return lambda: SmtpMessenger(SmtpServer("127.0.0.1", server.port, timeout=5))


def last_reply(store, address: str) -> str:
    return store.connection.execute("SELECT last_reply FROM deliveries WHERE email = ?", (address,)).fetchone()[0]


def test_an_unsubscribe_after_the_claim_and_before_the_rate_wait_gets_no_rcpt(store, server):
    addresses = add_people(store, 6)
    leaving = addresses[3]

    def unsubscribe_while_building(address: str) -> None:
        if address == leaving:  # claimed as active; the letter is built, then waits for its slot
            unsubscribe_elsewhere(store, leaving)

    result = send(store, smtp(server), before_compose=unsubscribe_while_building)
    assert leaving not in server.handler.rcpts
    assert sorted(server.handler.recipients()) == sorted(set(addresses) - {leaving})
    assert result.counts["skipped"] == 1 and result.counts["sent"] == 5
    assert last_reply(store, leaving) == "not sent: the subscriber is unsubscribed"


def test_unsubscribes_committed_after_the_rate_wait_just_before_rcpt_never_see_it(store, server):
    addresses = add_people(store, 100)
    leaving = {addresses[n] for n in range(4, 100, 10)}  # ten of them, spread through the send

    def unsubscribe_at_mail(transaction: int, address=None) -> None:
        # One connection, recipients in order: transaction n carries addresses[n - 1].
        if addresses[transaction - 1] in leaving:
            unsubscribe_elsewhere(store, addresses[transaction - 1])

    server.handler.on_mail = unsubscribe_at_mail
    result = send(store, smtp(server))
    assert leaving.isdisjoint(server.handler.rcpts)
    assert sorted(server.handler.recipients()) == sorted(set(addresses) - leaving)
    assert result.counts["skipped"] == 10 and result.counts["sent"] == 90
    assert result.campaign.status == "finished"


def test_an_unsubscribe_committed_between_rcpt_and_data_gets_no_letter(store, server):
    addresses = add_people(store, 4)
    leaving = addresses[1]

    def unsubscribe_at_rcpt(transaction: int, address=None) -> None:
        if address == leaving:
            unsubscribe_elsewhere(store, leaving)

    server.handler.on_rcpt = unsubscribe_at_rcpt
    result = send(store, smtp(server))
    assert leaving in server.handler.rcpts  # named, then abandoned with RSET before DATA
    assert leaving not in server.handler.recipients()
    assert result.counts["skipped"] == 1 and result.counts["sent"] == 3


def test_a_pool_with_a_rate_skips_everyone_who_left_before_their_rcpt(store, server):
    addresses = add_people(store, 60)
    leaving = set(addresses[5::6])
    lock = threading.Lock()

    def unsubscribe_while_building(address: str) -> None:
        if address in leaving:
            with lock:
                unsubscribe_elsewhere(store, address)

    result = send(store, smtp(server), SendPolicy(**{**PACED.__dict__, "pool": 3, "rate": 200.0}),
                  before_compose=unsubscribe_while_building)
    assert leaving.isdisjoint(server.handler.rcpts)
    assert result.counts["skipped"] == len(leaving) and result.counts["sent"] == 60 - len(leaving)


def test_the_maildir_checks_at_the_last_moment_too(store, tmp_path):
    addresses = add_people(store, 3)

    def unsubscribe_while_building(address: str) -> None:
        if address == addresses[0]:
            unsubscribe_elsewhere(store, address)

    outbox = tmp_path / "outbox"
    result = send(store, lambda: MaildirMessenger(outbox), before_compose=unsubscribe_while_building)
    delivered = {message["Delivered-To"] for message in mailbox.Maildir(outbox, create=False)}
    assert delivered == set(addresses[1:])
    assert result.counts["skipped"] == 1


def test_pipelined_unsubscribes_answered_while_their_group_is_at_the_server_get_no_letter(store, pipelining_server):
    server = pipelining_server
    addresses = add_people(store, 100)
    leaving = {addresses[n] for n in range(4, 100, 10)}

    def unsubscribe_at_mail(transaction: int, address=None) -> None:
        if addresses[transaction - 1] in leaving:  # its RCPT and DATA are already on the wire
            unsubscribe_elsewhere(store, addresses[transaction - 1])

    server.handler.on_mail = unsubscribe_at_mail
    result = send(store, smtp(server), SendPolicy(retry_attempts=2, reconnect_delay=0.01))
    assert leaving <= set(server.handler.rcpts)  # named in the group, then never sent
    assert sorted(server.handler.recipients()) == sorted(set(addresses) - leaving)
    assert result.counts["skipped"] == 10 and result.counts["sent"] == 90
    assert server.handler.connections == 11  # each abandoned letter cost its connection
    assert all(last_reply(store, address) == "not sent: the subscriber is unsubscribed" for address in leaving)


def test_a_pipelined_send_names_nobody_who_left_before_their_group(store, pipelining_server):
    addresses = add_people(store, 30)
    leaving = set(addresses[3::7])

    def unsubscribe_while_building(address: str) -> None:
        if address in leaving:
            unsubscribe_elsewhere(store, address)

    result = send(store, smtp(pipelining_server), SendPolicy(retry_attempts=2),
                  before_compose=unsubscribe_while_building)
    assert leaving.isdisjoint(pipelining_server.handler.rcpts)
    assert sorted(pipelining_server.handler.recipients()) == sorted(set(addresses) - leaving)
    assert result.counts["skipped"] == len(leaving)
