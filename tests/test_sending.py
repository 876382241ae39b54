"""The send loop against a real SMTP server (aiosmtpd on 127.0.0.1) with faults, and the Maildir.

Each outcome is checked twice: in the server's log (what arrived) and in the
ledger (what was recorded). The letter is a small stand-in here; the CLI
tests send the real rendered letter.
"""

from __future__ import annotations

import mailbox
import shutil
import ssl
import subprocess
import threading
import time
from pathlib import Path

import pytest

from letterpress.sending import campaign as campaign_module
from letterpress.sending.campaign import CampaignRun, Pacer, SendPolicy, classify, redact_addresses, retry_delay
from letterpress.sending.ledger import Ledger
from letterpress.sending.messengers import MaildirMessenger, MessengerConfigError, Reply
from letterpress.sending.send import compose
from letterpress.sending.smtp import SmtpMessenger, SmtpServer
from letterpress.subscribers.store import open_store
from smtp_server import SmtpTestServer, StandInIssue

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
FAST = SendPolicy(retry_attempts=3, retry_backoff=0.02, retry_backoff_max=0.1, reconnect_delay=0.01,
                  pause_after_errors=5)
SENDER = "bounces@quietrooms.example.org"


@pytest.fixture
def server():
    with SmtpTestServer() as running:
        yield running


def add_people(store, count: int, prefix: str = "reader") -> list[str]:
    addresses = [f"{prefix}{n}@example.org" for n in range(count)]
    with store.transaction():
        for address in addresses:
            store.add(address, name=f"Reader {address.split('@')[0]}")
    return addresses


def smtp_factory(server: SmtpTestServer, **options):
    target = SmtpServer("127.0.0.1", server.port, timeout=5, **options)
    return lambda: SmtpMessenger(target)


def send(store, factory, policy: SendPolicy = FAST, issue=None, signer=None, campaign=None, on_progress=None):
    """Run (or resume) a campaign of the stand-in letter to the store's active subscribers."""
    issue = issue or StandInIssue()
    ledger = Ledger(store)
    campaign = campaign or ledger.unfinished(issue.slug, False) or ledger.create_campaign(
        issue.slug, issue.subject, "smtp", False)
    run = CampaignRun(ledger, campaign, lambda d: compose(issue, d.email, d.name, signer), factory, SENDER,
                      policy, on_progress)
    return run.run()


def attempts(store, address: str) -> list[str]:
    return [row[0] for row in store.connection.execute(
        "SELECT a.outcome FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.email = ? "
        "ORDER BY a.id", (address,))]


# -- delivery ------------------------------------------------------------------------------


def test_smtp_send_delivers_one_message_per_active_subscriber(store, server):
    addresses = add_people(store, 40)
    store.add("left@example.org")
    store.unsubscribe("left@example.org")
    store.add_pending("waiting@example.org")
    result = send(store, smtp_factory(server))
    assert result.campaign.status == "finished"
    assert sorted(server.handler.recipients()) == sorted(addresses)
    assert result.counts["sent"] == 40 and sum(result.counts.values()) == 40
    assert {entry.mail_from for entry in server.accepted} == {SENDER}
    recorded = dict(store.connection.execute("SELECT email, message_id FROM deliveries"))
    assert recorded == {entry.recipient: entry.message_id for entry in server.accepted}
    assert len(set(recorded.values())) == 40


def test_the_message_id_is_stable_per_letter_and_recipient():
    issue = StandInIssue()
    first, again = compose(issue, "a@example.org", "", None), compose(issue, "a@example.org", "A", None)
    other = compose(issue, "b@example.org", "", None)
    assert first.message_id == again.message_id != other.message_id
    assert compose(StandInIssue(slug="another"), "a@example.org", "", None).message_id != first.message_id


def test_a_pool_of_connections_delivers_each_message_once(store, server):
    addresses = add_people(store, 60)
    result = send(store, smtp_factory(server), SendPolicy(**{**FAST.__dict__, "pool": 3}))
    assert result.counts["sent"] == 60
    assert sorted(server.handler.recipients()) == sorted(addresses)
    assert server.handler.connections == 3


def test_the_rate_limit_spaces_messages(store, server):
    add_people(store, 6)
    started = time.monotonic()
    result = send(store, smtp_factory(server), SendPolicy(**{**FAST.__dict__, "rate": 20.0}))
    assert result.counts["sent"] == 6
    assert time.monotonic() - started >= 0.25  # five gaps of 0.05 s at least; unpaced it takes ~0.03 s


class FakeClock:
    """``time.monotonic`` and a stop event whose ``wait`` moves the clock instead of sleeping."""

    def __init__(self, now: float):
        self.now, self.waits = now, []

    def monotonic(self) -> float:
        return self.now

    def wait(self, seconds: float) -> bool:
        self.waits.append(round(seconds, 6))
        self.now += seconds
        return False


def test_the_pacer_gives_each_message_its_own_slot(monkeypatch):
    clock = FakeClock(100.0)
    monkeypatch.setattr(campaign_module.time, "monotonic", clock.monotonic)
    pacer = Pacer(4.0)  # a slot every 0.25 s
    for _ in range(3):
        pacer.wait(clock)
    assert clock.waits == [0.0, 0.25, 0.25] and clock.now == 100.5
    clock.now = 103.0  # idle for a while: no burst of saved-up slots, the next one is now
    pacer.wait(clock)
    pacer.wait(clock)
    assert clock.waits[3:] == [0.0, 0.25]


def test_the_pacer_shares_its_slots_between_connections(monkeypatch):
    clock = FakeClock(0.0)
    monkeypatch.setattr(campaign_module.time, "monotonic", clock.monotonic)
    pacer = Pacer(10.0)
    slots = []
    for _ in range(4):  # four connections asking at the same moment
        clock.now = 0.0
        pacer.wait(clock)
        slots.append(round(clock.now, 6))
    assert slots == [0.0, 0.1, 0.2, 0.3]


def test_an_unpaced_send_never_waits(monkeypatch):
    clock = FakeClock(0.0)
    Pacer(0.0).wait(clock)
    assert clock.waits == []


# -- faults ----------------------------------------------------------------------------------


def test_5xx_for_a_recipient_bounces_but_a_policy_block_does_not(store, server):
    add_people(store, 6)
    server.faults.refuse.update({
        "reader1@example.org": "550 5.1.1 <reader1@example.org>: Recipient address rejected: User unknown",
        "reader2@example.org": "550 5.7.1 Service unavailable; client host blocked using a block list",
    })
    result = send(store, smtp_factory(server))
    assert result.counts["sent"] == 4 and result.counts["bounced"] == 1 and result.counts["failed"] == 1
    assert store.get("reader1@example.org").status == "bounced"
    assert store.get("reader2@example.org").status == "active"  # the address is fine; we were refused
    assert attempts(store, "reader1@example.org") == ["bounced"]


def test_4xx_is_retried_with_backoff_then_delivered(store, server):
    add_people(store, 4)
    server.faults.temporary["reader2@example.org"] = 2
    result = send(store, smtp_factory(server))
    assert result.campaign.status == "finished"
    assert result.counts["sent"] == 4
    assert server.handler.recipients().count("reader2@example.org") == 1
    assert attempts(store, "reader2@example.org") == ["deferred", "deferred", "sent"]


def test_4xx_past_the_retry_limit_fails_and_retry_failed_sends_it_later(store, server):
    add_people(store, 3)
    server.faults.temporary["reader0@example.org"] = 10
    result = send(store, smtp_factory(server))
    assert result.campaign.status == "finished"
    assert result.counts["failed"] == 1 and result.counts["sent"] == 2
    assert attempts(store, "reader0@example.org") == ["deferred", "deferred", "failed"]
    server.faults.temporary.clear()
    ledger = Ledger(store)
    assert ledger.requeue_failed(result.campaign) == 1
    again = send(store, smtp_factory(server), campaign=result.campaign)
    assert again.counts["sent"] == 3 and again.counts["failed"] == 0
    assert server.handler.recipients().count("reader0@example.org") == 1


@pytest.mark.parametrize("attempt, seconds", [(1, 60), (2, 120), (3, 240), (10, 3600)])
def test_the_backoff_doubles_up_to_its_cap(attempt, seconds):
    assert retry_delay(attempt, SendPolicy()) == seconds


def test_421_and_a_dropped_connection_mid_batch_reconnect_and_go_on(store, server):
    addresses = add_people(store, 30)
    server.faults.close_at.update({5, 17})
    result = send(store, smtp_factory(server))
    assert result.counts["sent"] == 30
    assert sorted(server.handler.recipients()) == sorted(addresses)  # none lost, none twice
    assert server.handler.connections == 3
    assert result.this_run["reconnect"] == 2


def test_a_connection_dropped_in_the_middle_of_data_is_sent_again(store, server):
    addresses = add_people(store, 12)
    server.faults.drop_in_data_at.update({4, 9})
    result = send(store, smtp_factory(server))
    assert result.counts["sent"] == 12
    assert sorted(server.handler.recipients()) == sorted(addresses)
    assert "connection lost" in attempts(store, "reader3@example.org")


def test_a_slow_server_gets_every_message(store, server):
    addresses = add_people(store, 6)
    server.faults.delay = 0.05
    result = send(store, smtp_factory(server), SendPolicy(**{**FAST.__dict__, "pool": 2}))
    assert result.counts["sent"] == 6
    assert sorted(server.handler.recipients()) == sorted(addresses)


def test_a_server_slower_than_the_timeout_is_a_lost_connection_and_pauses(store, server):
    add_people(store, 3)
    server.faults.delay = 1.0
    result = send(store, lambda: SmtpMessenger(SmtpServer("127.0.0.1", server.port, timeout=0.2)),
                  SendPolicy(**{**FAST.__dict__, "pause_after_errors": 2}))
    assert result.paused
    assert "errors in a row" in result.campaign.pause_reason and "timed out" in result.campaign.pause_reason


def test_repeated_errors_pause_the_campaign_and_a_resume_finishes_it(store, server):
    addresses = add_people(store, 20)
    blocked = "554 5.7.1 <{}>: Relay access denied"
    server.faults.refuse.update({address: blocked.format(address) for address in addresses})
    result = send(store, smtp_factory(server))
    assert result.paused and result.campaign.status == "paused"
    assert result.campaign.pause_reason.startswith("5 errors in a row; the last: 554 5.7.1")
    assert "@" not in result.campaign.pause_reason  # no address reaches the screen or the status
    assert result.counts["failed"] == 5 and result.counts["queued"] == 15
    server.faults.refuse.clear()
    resumed = send(store, smtp_factory(server))
    assert resumed.campaign.status == "finished" and resumed.counts["sent"] == 15
    assert resumed.campaign.id == result.campaign.id


def test_a_server_that_is_down_pauses_the_campaign(store, server):
    add_people(store, 3)
    port = server.port
    server.stop()
    result = send(store, lambda: SmtpMessenger(SmtpServer("127.0.0.1", port, timeout=1)))
    assert result.paused and "could not connect to 127.0.0.1" in result.campaign.pause_reason
    assert result.counts["queued"] == 3 and result.counts["sent"] == 0


def test_someone_who_unsubscribes_mid_campaign_is_skipped(store, server, tmp_path):
    add_people(store, 10)

    def unsubscribe_later(count: int) -> None:
        if count == 2:  # another process (the sign-up service) writes to the same file
            with open_store(store.path) as service:
                service.unsubscribe("reader7@example.org")

    server.faults.on_accept = unsubscribe_later
    result = send(store, smtp_factory(server))
    assert "reader7@example.org" not in server.handler.recipients()
    assert result.counts["skipped"] == 1 and result.counts["sent"] == 9


def test_a_recipient_whose_message_cannot_be_built_fails_alone(store, server):
    add_people(store, 3)
    store.connection.execute("UPDATE subscribers SET name = 'Bad\nName' WHERE email = 'reader1@example.org'")

    class Strict(StandInIssue):
        def message_for(self, address, name="", unsubscribe_url=""):
            if "\n" in name:
                raise ValueError("a line break in the name")
            return super().message_for(address, name, unsubscribe_url)

    result = send(store, smtp_factory(server), issue=Strict())
    assert result.counts["sent"] == 2 and result.counts["failed"] == 1
    assert result.campaign.status == "finished"


# -- classification ----------------------------------------------------------------------------


@pytest.mark.parametrize("code, text, stage, attempts_so_far, expected", [
    (250, "2.0.0 Ok: queued as 4F2", "data", 0, "sent"),
    (451, "4.7.1 Greylisted, try again", "rcpt", 0, "deferred"),
    (452, "4.2.2 Mailbox full", "rcpt", 2, "failed"),  # the last of FAST's three tries
    (421, "4.3.2 Shutting down", "rcpt", 0, "reconnect"),
    (550, "5.1.1 User unknown", "rcpt", 0, "bounced"),
    (550, "No such user here", "rcpt", 0, "bounced"),
    (550, "5.7.1 Message rejected as spam", "rcpt", 0, "failed"),
    (554, "5.7.1 Relay access denied", "rcpt", 0, "failed"),
    (553, "5.1.8 Sender address rejected", "mail", 0, "failed"),
    (552, "5.3.4 Message too big", "data", 0, "failed"),
    (550, "5.1.1 Mailbox does not exist", "data", 0, "bounced"),
])
def test_replies_are_classified(code, text, stage, attempts_so_far, expected):
    assert classify(Reply(code, text, stage), attempts_so_far, FAST) == expected


def test_addresses_are_redacted_from_reasons():
    reason = "550 5.7.1 <jo.doe+news@example.org>: rejected for from=<letters@example.org>"
    assert "@" not in redact_addresses(reason)


# -- authentication and TLS ------------------------------------------------------------------


def test_login_and_a_refused_login(store):
    add_people(store, 2)
    with SmtpTestServer(logins={"letters": "right"}) as server:
        refused = send(store, smtp_factory(server, username="letters", password="wrong"))
        assert refused.paused and "refused the login" in refused.campaign.pause_reason
        assert "wrong" not in refused.campaign.pause_reason
        accepted = send(store, smtp_factory(server, username="letters", password="right"))
        assert accepted.campaign.status == "finished" and accepted.counts["sent"] == 2


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (made with the openssl command)."""
    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return key, cert


def _contexts(certificate) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    key, cert = certificate
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(cert, key)
    client_side = ssl.create_default_context(cafile=str(cert))
    return server_side, client_side


def test_smtps_is_tls_from_the_first_byte(store, certificate):
    add_people(store, 2)
    server_side, client_side = _contexts(certificate)
    with SmtpTestServer(tls=server_side) as server:
        target = SmtpServer("127.0.0.1", server.port, implicit_tls=True, timeout=5)
        result = send(store, lambda: SmtpMessenger(target, ssl_context=client_side))
        assert result.counts["sent"] == 2


def test_starttls_is_used_and_required_away_from_loopback(store, certificate):
    add_people(store, 2)
    server_side, client_side = _contexts(certificate)
    with SmtpTestServer(starttls=server_side) as server:
        target = SmtpServer("127.0.0.1", server.port, timeout=5)
        result = send(store, lambda: SmtpMessenger(target, ssl_context=client_side, require_tls=True))
        assert result.counts["sent"] == 2
    with SmtpTestServer() as plain:  # offers no STARTTLS
        messenger = SmtpMessenger(SmtpServer("127.0.0.1", plain.port, timeout=5), require_tls=True)
        with pytest.raises(MessengerConfigError, match="does not offer STARTTLS"):
            messenger.send(SENDER, "reader0@example.org", b"Subject: x\r\n\r\nx\r\n")
        assert plain.accepted == []


def test_a_certificate_the_system_does_not_trust_is_refused(store, certificate):
    server_side, _ = _contexts(certificate)
    with SmtpTestServer(tls=server_side) as server:
        messenger = SmtpMessenger(SmtpServer("127.0.0.1", server.port, implicit_tls=True, timeout=5))
        with pytest.raises(MessengerConfigError, match="TLS with 127.0.0.1"):
            messenger.send(SENDER, "reader0@example.org", b"Subject: x\r\n\r\nx\r\n")


# -- Maildir -----------------------------------------------------------------------------------


def test_a_maildir_send_writes_one_message_per_active_subscriber(store, tmp_path):
    addresses = add_people(store, 8)
    store.add("gone@example.org")
    store.unsubscribe("gone@example.org")
    outbox = tmp_path / "outbox"
    result = send(store, lambda: MaildirMessenger(outbox))
    assert result.counts["sent"] == 8
    box = mailbox.Maildir(outbox, create=False)
    messages = [box[key] for key in box.keys()]
    assert sorted(message["To"].split("<")[-1].rstrip(">") for message in messages) == sorted(addresses)
    assert all(message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for message in messages)
    assert {message["Delivered-To"] for message in messages} == set(addresses)


def test_progress_is_reported_after_each_outcome(store, server):
    add_people(store, 4)
    seen = []
    lock = threading.Lock()

    def progress(snapshot):
        with lock:
            seen.append(snapshot["settled"])

    send(store, smtp_factory(server), on_progress=progress)
    assert seen == [1, 2, 3, 4]


def test_a_non_ascii_address_the_server_cannot_take_fails_alone(store, server):
    store.add("jörg@example.org")
    add_people(store, 2)
    result = send(store, smtp_factory(server))
    assert result.counts["failed"] == 1 and result.counts["sent"] == 2
    assert attempts(store, "jörg@example.org") == ["failed"]

