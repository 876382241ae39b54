"""The send loop: one campaign's recipients through a pool of messengers, each outcome into the ledger.

State is explicit: the campaign is ``running``, ``paused`` (with a reason) or
``finished``; counters say what happened in this run; a pacer keeps the rate;
too many errors in a row pause the campaign instead of burning through the
list. A run ends when every recipient is settled — sent, bounced, skipped, or
failed after its retries — waiting for deferred ones when it must.

Replies are read the way a careful sender reads them:

- 2xx: sent.
- 421, or a dropped connection: reconnect and send that message again.
- other 4xx: deferred, tried again with a doubling delay, failed after the last try.
- 5xx for the recipient: bounced (the subscriber is marked bounced) — except
  policy refusals (enhanced status 5.7.x) and refusals of the sender or of
  the message itself: those say the server will not take mail *from us*, the
  address is fine; the message fails and the error counts toward a pause.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .ledger import (
    BOUNCED,
    DEFERRED,
    FAILED,
    OPEN,
    SENT,
    SKIPPED,
    Campaign,
    Delivery,
    Ledger,
    Settlement,
    requeued,
    withdrawn,
)
from .messengers import Letter, Messenger, MessengerConfigError, Outcome, Reply, Withdrawn

RECONNECT = "reconnect"
ADDRESS = re.compile(r"[^\s<>()\[\]\"',;:/]+@[A-Za-z0-9.-]+")


def redact_addresses(text: str) -> str:
    """``text`` with every email address replaced by ``[address]`` (server replies often quote them)."""
    return ADDRESS.sub("[address]", text)


@dataclass(frozen=True)
class SendPolicy:
    """How hard to try, how fast to go, when to stop."""

    pool: int = 1  # connections in parallel; each can leave one duplicate after a crash
    rate: float = 0.0  # messages per second across the pool; 0: as fast as the server takes them
    retry_attempts: int = 5  # tries for a recipient whose server answers 4xx
    retry_backoff: float = 60.0  # seconds before the first retry; doubles each time
    retry_backoff_max: float = 3600.0
    pause_after_errors: int = 10  # errors in a row that pause the campaign
    reconnect_delay: float = 1.0  # seconds between reconnection attempts


@dataclass(frozen=True)
class Composed:
    """One recipient's finished message, ready for the wire."""

    data: bytes
    message_id: str


@dataclass(frozen=True)
class Due:
    """An outcome to commit, and how it counts once committed (``outcome`` "" counts nothing)."""

    settlement: Settlement
    outcome: str
    error: bool | None  # see CampaignRun._count
    reason: str = ""


@dataclass
class Ahead:
    """A worker's letter built for a queued row before its claim, while the server read the one before.

    ``lane``: the worker's place in the pool, which queued rows it guesses it takes next
    (:meth:`Ledger.peek`).
    """

    lane: int
    delivery: Delivery | None = None
    composed: Composed | None = None

    def take(self, delivery: Delivery) -> Composed | None:
        """The letter built ahead, if it was for ``delivery`` (same row, address and name)."""
        guess, composed = self.delivery, self.composed
        self.delivery = self.composed = None
        if guess is None or (guess.id, guess.email, guess.name) != (delivery.id, delivery.email, delivery.name):
            return None
        return composed


@dataclass
class RunResult:
    """How a run ended and what it did."""

    campaign: Campaign
    counts: dict[str, int]  # the whole campaign, by outcome
    this_run: dict[str, int] = field(default_factory=dict)  # outcomes of this run only
    recovered: int = 0  # rows left in flight by an earlier, interrupted run

    @property
    def paused(self) -> bool:
        return self.campaign.status == "paused"


def classify(reply: Reply, attempts: int, policy: SendPolicy) -> str:
    """The ledger outcome of ``reply`` for a recipient already tried ``attempts`` times."""
    if 200 <= reply.code < 300:
        return SENT
    if reply.code == 421:
        return RECONNECT
    if 400 <= reply.code < 500:
        return DEFERRED if attempts + 1 < policy.retry_attempts else FAILED
    if reply.enhanced.startswith("5.7.") or reply.stage == "mail":
        return FAILED  # a policy block or a refused sender: the address is not at fault
    if reply.stage == "rcpt" or reply.enhanced[:4] in ("5.1.", "5.2."):
        return BOUNCED
    return FAILED


def retry_delay(attempts: int, policy: SendPolicy) -> float:
    """Seconds before try number ``attempts + 1``: the backoff, doubled per earlier try, capped."""
    return min(policy.retry_backoff * 2 ** max(attempts - 1, 0), policy.retry_backoff_max)


class Pacer:
    """At most ``rate`` messages per second, shared by every connection of the pool.

    Hand-written because it is a few lines: ``limits`` answers "allowed or
    not", while a sender needs "wait until the next slot".
    """

    def __init__(self, rate: float):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_slot = 0.0
        self.lock = threading.Lock()

    def wait(self, stop: threading.Event) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            slot = max(self.next_slot, now)
            self.next_slot = slot + self.interval
        stop.wait(slot - now)


class CampaignRun:
    """One run of a campaign's send loop.

    Args:
        ledger: the ledger (and through it the subscriber store).
        campaign: the campaign to send.
        compose: builds one recipient's message (``Delivery -> Composed``).
        messenger_factory: makes one messenger (one connection) per worker.
        sender: the envelope sender (Return-Path), where late bounces go.
        policy: rate, retries, pool, pause threshold.
        on_progress: called after every recorded outcome with :meth:`snapshot`.
    """

    def __init__(self, ledger: Ledger, campaign: Campaign, compose: Callable[[Delivery], Composed],
                 messenger_factory: Callable[[], Messenger], sender: str, policy: SendPolicy,
                 on_progress: Callable[[dict], None] | None = None):
        self.ledger, self.campaign, self.compose = ledger, campaign, compose
        self.messenger_factory, self.sender, self.policy = messenger_factory, sender, policy
        self.on_progress = on_progress or (lambda snapshot: None)
        self.stop = threading.Event()
        self.pacer = Pacer(policy.rate)
        self.lock = threading.Lock()
        self.this_run = {SENT: 0, BOUNCED: 0, FAILED: 0, SKIPPED: 0, DEFERRED: 0, RECONNECT: 0}
        self.total = 0  # recipients open when the run started
        self.errors_in_a_row = 0
        self.last_error = ""
        self.pause_reason = ""

    def run(self) -> RunResult:
        """Send until every recipient is settled, the campaign pauses, or Ctrl-C; return how it ended."""
        self.campaign = self.ledger.set_status(self.campaign, "running")
        recovered = self.ledger.recover_interrupted(self.campaign)
        counts = self.ledger.counts(self.campaign)
        self.total = sum(counts[outcome] for outcome in OPEN)
        workers = [threading.Thread(target=self._worker, args=(n,), name=f"letterpress-send-{n}", daemon=True)
                   for n in range(max(self.policy.pool, 1))]
        with self.ledger.store.relaxed_sync():  # see the ledger's promise: kills lose nothing
            for worker in workers:
                worker.start()
            try:
                for worker in workers:
                    while worker.is_alive():
                        worker.join(0.2)
            except KeyboardInterrupt:
                self._pause("stopped at your request (Ctrl-C)")
                for worker in workers:
                    worker.join()
        return self._finish(recovered)

    def snapshot(self) -> dict:
        """This run's counters; ``settled`` of ``total``, and how many wait for a retry now."""
        settled = sum(self.this_run[outcome] for outcome in (SENT, BOUNCED, FAILED, SKIPPED))
        waiting = self.ledger.deferred(self.campaign) if self.this_run[DEFERRED] else 0
        return {**self.this_run, "settled": settled, "total": self.total, "waiting": waiting}

    # -- the workers ----------------------------------------------------------------

    def _worker(self, index: int) -> None:
        """One connection's loop. Each claim also commits the outcomes that arrived since the one before:
        one commit per letter, and at most one letter of this connection past its dot unrecorded."""
        messenger: Messenger | None = None
        due: list[Due] = []
        ahead = Ahead(lane=index)
        try:
            messenger = self.messenger_factory()
            while not self.stop.is_set():
                if any(d.error for d in due):  # it may pause the run: committed and counted before a claim
                    self.ledger.settle([d.settlement for d in due])
                    due = self._counted(due)
                    continue
                delivery, skipped = self.ledger.claim(self.campaign, time.time(), [d.settlement for d in due],
                                                      prefer=ahead.delivery.id if ahead.delivery else 0)
                due = self._counted(due)
                if skipped:
                    self._count(SKIPPED, error=None, times=skipped)
                if delivery is not None:
                    due = self._hand_over(messenger, delivery, ahead)
                    continue
                due = self._settled(messenger.flush())
                if not due and not self._wait_for_retry():
                    return
        except Exception as error:  # the ledger itself failed: stop cleanly, resumable
            self._pause(f"unexpected error: {type(error).__name__}: {error}")
        finally:
            if messenger is not None:
                self._close(messenger, due)

    def _close(self, messenger: Messenger, due: list[Due]) -> None:
        """Finish the letter in flight, commit what is due, release the connection."""
        try:
            due = due + self._settled(messenger.flush())
            self.ledger.settle([d.settlement for d in due])
            self._counted(due)
        except Exception as error:  # unrecorded rows stay in flight: sent again on resume
            self._pause(f"unexpected error: {type(error).__name__}: {error}")
        finally:
            messenger.close()

    def _wait_for_retry(self) -> bool:
        """Sleep until the next deferred recipient is due (at most a second); False when none is left."""
        due = self.ledger.next_retry_at(self.campaign)
        if due is None:
            return False
        self.stop.wait(min(max(due - time.time(), 0.01), 1.0))
        return True

    def _hand_over(self, messenger: Messenger, delivery: Delivery, ahead: Ahead) -> list[Due]:
        """Build ``delivery``'s letter (or take the one built ahead) and give it to the messenger, which
        builds the next one ahead while the server reads; the outcomes it answers, to commit."""
        try:
            composed = ahead.take(delivery) or self.compose(delivery)
        except Exception as error:  # one bad row (e.g. a name with a line break) must not stop the rest
            return [Due(Settlement(delivery, FAILED, reply=f"could not build the message: {error}"), FAILED, None)]
        due = []
        if self.pacer.interval:  # a paced letter's content does not wait a slot long past its 354
            due = self._settled(messenger.flush())
        self.pacer.wait(self.stop)
        # The claim checked the subscriber, but building the letter and waiting
        # for the rate slot take time: the messenger asks again at the last
        # moment, right before it names the recipient and before the content.
        letter = Letter(self.sender, delivery.email, composed.data, lambda: self.ledger.not_wanted(delivery),
                        ref=(delivery, composed.message_id))
        return due + self._settled(messenger.submit(letter, lambda: self._build_ahead(ahead)))

    def _build_ahead(self, ahead: Ahead) -> None:
        """Build the letter of the queued row this worker would take next (unclaimed: a guess)."""
        ahead.delivery = ahead.composed = None
        upcoming = self.ledger.peek(self.campaign, ahead.lane, max(self.policy.pool, 1))
        if upcoming is None:
            return
        try:
            ahead.composed, ahead.delivery = self.compose(upcoming), upcoming
        except Exception:  # built again after the claim, which records why it fails
            return

    def _settled(self, outcomes: list[Outcome]) -> list[Due]:
        return [self._settlement(letter, result) for letter, result in outcomes]

    def _settlement(self, letter: Letter, result: Reply | Exception) -> Due:
        """What to commit for one letter's outcome, and how it counts."""
        delivery, message_id = letter.ref
        if isinstance(result, Withdrawn):
            return Due(withdrawn(delivery, str(result)), SKIPPED, None)
        if isinstance(result, Exception):  # not sent: queued again after a drop or a config error
            if isinstance(result, MessengerConfigError):
                self._pause(str(result))
                return Due(requeued(delivery, str(result)), "", None)
            self.stop.wait(self.policy.reconnect_delay)
            return Due(requeued(delivery, str(result)), RECONNECT, True, str(result))
        outcome = classify(result, delivery.attempts, self.policy)
        if outcome == RECONNECT:
            return Due(requeued(delivery, str(result)), RECONNECT, True, str(result))
        retry_at = time.time() + retry_delay(delivery.attempts + 1, self.policy) if outcome == DEFERRED else 0.0
        settlement = Settlement(delivery, outcome, result.code, str(result), message_id, retry_at)
        return Due(settlement, outcome, outcome in (DEFERRED, FAILED), str(result))

    def _counted(self, due: list[Due]) -> list[Due]:
        """Count what was just committed; an empty list, for the next outcomes."""
        for each in due:
            if each.outcome:
                self._count(each.outcome, each.error, each.reason)
        return []

    def _count(self, outcome: str, error: bool | None, reason: str = "", times: int = 1) -> None:
        """Count an outcome; ``error`` True adds to the errors in a row, False ends the run of them,
        None (a skip, a message that could not be built) leaves it as it is."""
        with self.lock:
            self.this_run[outcome] += times
            if error is not None:
                self.errors_in_a_row = self.errors_in_a_row + 1 if error else 0
            if error:
                self.last_error = reason
            too_many = self.errors_in_a_row >= self.policy.pause_after_errors
        if too_many:
            self._pause(f"{self.errors_in_a_row} errors in a row; the last: {self.last_error}")
        self.on_progress(self.snapshot())

    def _pause(self, reason: str) -> None:
        with self.lock:
            if not self.pause_reason:  # shown on screen and in `status`: no addresses
                self.pause_reason = redact_addresses(reason)
        self.stop.set()

    def _finish(self, recovered: int) -> RunResult:
        counts = self.ledger.counts(self.campaign)
        if self.pause_reason:
            self.campaign = self.ledger.set_status(self.campaign, "paused", self.pause_reason)
        elif not any(counts[outcome] for outcome in OPEN):
            self.campaign = self.ledger.set_status(self.campaign, "finished")
        else:  # workers ended with rows open (e.g. a deferred row re-opened late): resumable
            self.campaign = self.ledger.set_status(self.campaign, "paused", "the run ended with recipients left")
        return RunResult(self.campaign, counts, dict(self.this_run), recovered)
