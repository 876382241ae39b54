"""Kill the sending process (SIGKILL) at random points and resume: nothing lost, duplicates only in the window.

Twenty runs of 1,000 recipients each, half of them pipelined (the server offers
PIPELINING), with one or two connections; in each, the send is killed one to three
times — the first time by the server right after it accepted a message and before
it answered (the documented window, hit on purpose), later ones either so or by a
timer at a random moment — and started again until it finishes. Every run must
have been killed at least once. Then, against the server's log: every recipient
received the letter; every duplicate is a recipient whose ledger row the kill left
``in_flight``; there are at most kills × pool of them; and the ledger's count of
sent letters matches the server's log.

Run as a script, this file is the sending process itself.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SLUG = "kill-test"
SENDER = "bounces@quietrooms.example.org"
RECIPIENTS = 1000
RUNS = 20


def child(store_path: str, port: str, pool: str) -> int:
    """The sending process: resume the campaign until it finishes (exit 0) or pauses (exit 3)."""
    sys.path.insert(0, str(HERE))
    from letterpress.sending.campaign import CampaignRun, SendPolicy
    from letterpress.sending.ledger import Ledger
    from letterpress.sending.send import compose
    from letterpress.sending.smtp import SmtpMessenger, SmtpServer
    from letterpress.subscribers.store import open_store
    from smtp_server import StandInIssue

    policy = SendPolicy(pool=int(pool), reconnect_delay=0.01, pause_after_errors=50)
    issue = StandInIssue(slug=SLUG)
    target = SmtpServer("127.0.0.1", int(port), timeout=10)
    with open_store(Path(store_path)) as store:
        ledger = Ledger(store)
        run = CampaignRun(ledger, ledger.unfinished(SLUG, False), lambda d: compose(issue, d.email, d.name, None),
                          lambda: SmtpMessenger(target), SENDER, policy)
        return 0 if run.run().campaign.status == "finished" else 3


if __name__ == "__main__":
    sys.exit(child(*sys.argv[1:4]))


from letterpress.sending.ledger import Ledger  # noqa: E402 (the child above needs none of the test's imports)
from letterpress.subscribers.store import open_store  # noqa: E402
from smtp_server import SmtpTestServer  # noqa: E402


def prepare(store_path: Path) -> list[str]:
    addresses = [f"reader{n:04d}@example.org" for n in range(RECIPIENTS)]
    with open_store(store_path) as store:
        with store.transaction():
            for address in addresses:
                store.add(address)
        Ledger(store).create_campaign(SLUG, "Kill test", "smtp", False)
    return addresses


def in_flight(store_path: Path) -> set[str]:
    with sqlite3.connect(store_path) as db:
        return {row[0] for row in db.execute("SELECT email FROM deliveries WHERE status = 'in_flight'")}


class Sender:
    """Starts the sending process and kills it when told (by a timer or by the server)."""

    def __init__(self, store_path: Path, port: int, pool: int):
        self.command = [sys.executable, __file__, str(store_path), str(port), str(pool)]
        self.process: subprocess.Popen | None = None
        self.kill_at_count = 0
        self.lock = threading.Lock()

    def start(self) -> subprocess.Popen:
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return self.process

    def kill(self) -> None:
        with self.lock:
            if self.process is not None and self.process.poll() is None:
                self.process.send_signal(signal.SIGKILL)

    def on_accept(self, count: int) -> None:
        """Called by the server after logging a message, before its 250: the window, on purpose."""
        if count == self.kill_at_count:
            self.kill()


def send_with_kills(store_path: Path, server: SmtpTestServer, pool: int, rng: random.Random):
    """Run the sending process until it finishes, killing it 1–3 times; return (kills, rows left in flight)."""
    sender = Sender(store_path, server.port, pool)
    server.faults.on_accept = sender.on_accept
    planned, kills, left_in_flight = rng.randint(1, 3), 0, set()
    for start in range(20):  # bounded: at most this many starts
        process = sender.start()
        timer = None
        if kills < planned:
            # The first kill comes from the server, so it surely lands: a send of 1,000 letters
            # can end before a timer fires.
            if start == 0 or rng.random() < 0.5:
                sender.kill_at_count = len(server.accepted) + rng.randint(1, 300)
            else:
                timer = threading.Timer(rng.uniform(0.05, 0.8), sender.kill)
                timer.start()
        _, stderr = process.communicate(timeout=120)
        if timer:
            timer.cancel()
        sender.kill_at_count = 0
        if process.returncode == -signal.SIGKILL:
            kills += 1
            left_in_flight |= in_flight(store_path)
            continue
        assert process.returncode == 0, stderr.decode()
        return kills, left_in_flight
    pytest.fail("the send did not finish after 20 starts")


@pytest.mark.parametrize("run", range(RUNS))
def test_a_killed_send_resumes_without_loss_and_duplicates_only_in_the_window(tmp_path, run):
    rng = random.Random(run)
    pool = 1 if run % 2 == 0 else 2
    store_path = tmp_path / "subscribers.sqlite3"
    addresses = prepare(store_path)
    with SmtpTestServer(keep_data=False, pipelining=run % 4 < 2) as server:
        kills, left_in_flight = send_with_kills(store_path, server, pool, rng)
        log = Counter(server.handler.recipients())

    assert kills >= 1  # the run tested what it names

    assert [address for address in addresses if not log[address]] == []  # nothing lost
    duplicates = {address: count - 1 for address, count in log.items() if count > 1}
    assert set(duplicates) <= left_in_flight  # every duplicate was in flight at a kill
    assert sum(duplicates.values()) <= kills * pool
    with open_store(store_path) as store:
        ledger = Ledger(store)
        campaign = ledger.unfinished(SLUG, False) or ledger.latest_finished(SLUG, False)
        counts = ledger.counts(campaign)
        interrupted = {row[0] for row in store.connection.execute(
            "SELECT d.email FROM attempts a JOIN deliveries d ON d.id = a.delivery_id "
            "WHERE a.outcome = 'interrupted'")}
    assert campaign.status == "finished"
    assert counts["sent"] == len(log) == RECIPIENTS  # the ledger agrees with the server
    assert set(duplicates) <= interrupted  # and says which letters may have gone twice
