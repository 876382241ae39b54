"""The ledger: every campaign, every recipient's outcome, every attempt — in the subscriber store.

A recipient's row moves ``queued`` -> ``in_flight`` -> ``sent`` | ``deferred``
| ``bounced`` | ``failed`` | ``skipped``; ``deferred`` rows come back for
another try when their time is due. The order is the guarantee:

1. the row is marked ``in_flight`` and committed *before* the message goes out;
2. the server's reply is committed before the connection's next message goes out
   (with the claim of the letter after it: one commit per letter, :meth:`Ledger.claim`).

So after a crash, a row still ``in_flight`` is the only kind whose message the
server may have accepted without the ledger knowing: it is sent again on
resume (at most one per connection of the pool: a pipelining connection has
at most one letter past its final dot without a recorded answer), and every
other row is settled or safely unsent. That is the one window for a duplicate.

What a commit survives (the send runs :meth:`SubscriberStore.relaxed_sync`):

- **the process crashing or being killed** (SIGKILL included): everything; a
  commit is in the operating system's hands when it returns (WAL);
- **a power cut or a kernel crash**: the commits since the last durable one are
  lost, at most 100 or a quarter of a second's. Those rows go back to where they
  were (``in_flight`` or ``queued``) and their letters are sent again: up to
  that many duplicates, never a lost letter. The kill test cannot show this; a
  file system that drops unsynced writes on demand (a LazyFS mount, or a VM
  whose disk cache is thrown away) would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..subscribers.store import SubscriberStore, utc_now

QUEUED, IN_FLIGHT, DEFERRED = "queued", "in_flight", "deferred"
SENT, BOUNCED, FAILED, SKIPPED = "sent", "bounced", "failed", "skipped"
OPEN = (QUEUED, IN_FLIGHT, DEFERRED)
SETTLED = (SENT, BOUNCED, FAILED, SKIPPED)
OUTCOMES = (SENT, BOUNCED, FAILED, SKIPPED, DEFERRED, IN_FLIGHT, QUEUED)
# The rows a claim chooses from, with their subscriber's status now.
_ROWS = ("SELECT d.id, d.email, d.name, d.attempts, s.status AS subscriber FROM deliveries d"
         " LEFT JOIN subscribers s ON s.email = d.email WHERE ")
_DUE = _ROWS + "d.campaign_id = ? AND d.status = ?"
_ONE = _ROWS + "d.id = ? AND d.status = ?"
# A campaign of an essay: by its identity, or (campaigns from before identities) by its slug.
OF_ESSAY = "(essay = ? OR (essay = '' AND slug = ?))"


class EssayName(Protocol):
    """What the ledger knows an essay by (an :class:`~letterpress.model.essay.Essay` is one)."""

    @property
    def key(self) -> str: ...

    @property
    def slug(self) -> str: ...


@dataclass(frozen=True)
class Campaign:
    """One send of one essay to a snapshot of the active subscribers."""

    id: int
    slug: str  # the essay's slug when the send began (for people); ``essay`` is its identity
    subject: str
    messenger: str
    trial: bool
    status: str  # running, paused, finished
    pause_reason: str
    created_at: str
    finished_at: str | None
    essay: str = ""  # Essay.key; "" for campaigns of an older Letterpress (found by their slug)


@dataclass(frozen=True)
class Delivery:
    """One recipient of one campaign, as claimed for sending."""

    id: int
    campaign_id: int
    email: str
    name: str
    attempts: int


@dataclass(frozen=True)
class Settlement:
    """A delivery's new status and the attempt that led to it, to be committed.

    ``count_attempt`` False: nothing reached the server (a skip, a lost connection);
    ``attempt_outcome`` names the attempt when it is not the status.
    """

    delivery: Delivery
    status: str
    code: int = 0
    reply: str = ""
    message_id: str = ""
    retry_at: float = 0.0
    count_attempt: bool = True
    attempt_outcome: str = ""


class Ledger:
    """Campaigns and deliveries over a :class:`SubscriberStore` (same file, same connection)."""

    def __init__(self, store: SubscriberStore):
        self.store = store

    # -- campaigns ------------------------------------------------------------------

    def create_campaign(self, essay: EssayName | str, subject: str, messenger: str, trial: bool) -> Campaign:
        """A new campaign whose recipients are the active subscribers at this moment (one transaction).

        ``essay``: the essay (its identity and slug), or a slug alone (found as older campaigns are).
        """
        key, slug = ("", essay) if isinstance(essay, str) else (essay.key, essay.slug)
        now = utc_now()
        with self.store.transaction() as db:
            cursor = db.execute(
                "INSERT INTO campaigns (slug, essay, subject, messenger, trial, status, created_at)"
                " VALUES (?, ?, ?, ?, ?, 'running', ?)", (slug, key, subject, messenger, int(trial), now))
            db.execute(
                "INSERT INTO deliveries (campaign_id, email, name, status, updated_at)"
                " SELECT ?, email, name, 'queued', ? FROM subscribers WHERE status = 'active' ORDER BY id",
                (cursor.lastrowid, now))
        return self.campaign(cursor.lastrowid)

    def campaign(self, campaign_id: int) -> Campaign:
        return _campaign(self.store.query("SELECT * FROM campaigns WHERE id = ?", (campaign_id,))[0])

    def campaigns(self, essay: EssayName | str | None = None) -> list[Campaign]:
        """Every campaign (of ``essay``), oldest first."""
        query = "SELECT * FROM campaigns"
        args: tuple[str, ...] = ()
        if essay is not None:
            where, args = _of(essay)
            query = f"{query} WHERE {where}"
        return [_campaign(row) for row in self.store.query(query + " ORDER BY id", args)]

    def unfinished(self, essay: EssayName | str, trial: bool) -> Campaign | None:
        """The running or paused campaign of ``essay`` (real or trial), if any."""
        where, args = _of(essay)
        rows = self.store.query(f"SELECT * FROM campaigns WHERE {where} AND trial = ? AND status != 'finished'"
                                " ORDER BY id DESC LIMIT 1", (*args, int(trial)))
        return _campaign(rows[0]) if rows else None

    def latest_finished(self, essay: EssayName | str, trial: bool) -> Campaign | None:
        where, args = _of(essay)
        rows = self.store.query(f"SELECT * FROM campaigns WHERE {where} AND trial = ? AND status = 'finished'"
                                " ORDER BY id DESC LIMIT 1", (*args, int(trial)))
        return _campaign(rows[0]) if rows else None

    def set_status(self, campaign: Campaign, status: str, reason: str = "") -> Campaign:
        finished = utc_now() if status == "finished" else None
        with self.store.transaction() as db:
            db.execute("UPDATE campaigns SET status = ?, pause_reason = ?, finished_at = ? WHERE id = ?",
                       (status, reason, finished, campaign.id))
        return self.campaign(campaign.id)

    # -- deliveries -----------------------------------------------------------------

    def counts(self, campaign: Campaign) -> dict[str, int]:
        """Recipients per outcome (every outcome, zero included)."""
        found: dict[str, int] = {status: count for status, count in self.store.query(
            "SELECT status, count(*) FROM deliveries WHERE campaign_id = ? GROUP BY status", (campaign.id,))}
        return {outcome: found.get(outcome, 0) for outcome in OUTCOMES}

    def recover_interrupted(self, campaign: Campaign) -> int:
        """Queue again the rows a stopped process left ``in_flight``; return how many.

        Their messages may or may not have reached the server (the documented
        duplicate window); each gets an ``interrupted`` attempt in the ledger.
        """
        now = utc_now()
        with self.store.transaction() as db:
            ids = [row[0] for row in db.execute(
                "SELECT id FROM deliveries WHERE campaign_id = ? AND status = 'in_flight'", (campaign.id,))]
            db.executemany("INSERT INTO attempts (delivery_id, at, outcome, reply) VALUES (?, ?, 'interrupted',"
                           " 'the send stopped before the reply was recorded; sending again')",
                           [(i, now) for i in ids])
            db.execute("UPDATE deliveries SET status = 'queued', updated_at = ? "
                       "WHERE campaign_id = ? AND status = 'in_flight'", (now, campaign.id))
        return len(ids)

    def claim(self, campaign: Campaign, now: float, settle: tuple[Settlement, ...] | list[Settlement] = (),
              prefer: int = 0) -> tuple[Delivery | None, int]:
        """The next recipient due, marked ``in_flight`` and committed (None when none is due).

        ``settle``: outcomes that arrived since the last claim, committed in the same
        transaction (one commit per letter). ``prefer``: the id of a row :meth:`peek`
        gave, taken if it is still queued. Recipients who are no longer active
        (unsubscribed mid-campaign) are marked ``skipped`` on the way; the second
        value says how many.
        """
        skipped = 0
        with self.store.transaction() as db:
            self._settle_all(db, settle)
            row = self._queued(db, prefer) if prefer else None
            while (row := row or self._next_due(db, campaign, now)) is not None:
                if row["subscriber"] == "active":
                    db.execute("UPDATE deliveries SET status = 'in_flight', updated_at = ? WHERE id = ?",
                               (utc_now(), row["id"]))
                    return Delivery(row["id"], campaign.id, row["email"], row["name"], row["attempts"]), skipped
                self._settle(db, row["id"], SKIPPED, 0, _not_sent(row["subscriber"]), count_attempt=False)
                skipped, row = skipped + 1, None
            return None, skipped

    def peek(self, campaign: Campaign, lane: int = 0, lanes: int = 1) -> Delivery | None:
        """The first queued recipient of ``lane`` (rows whose id is ``lane`` modulo ``lanes``), unclaimed:
        a letter can be built for them while the server reads the one before, and the claim then takes
        them (``prefer``). Each connection of a pool peeks its own lane, so no other claims its guess.
        When its lane is empty it takes from the back of the queue (``lane`` places from the end), where
        the others, each at the front of its own lane, come last."""
        if lanes <= 1:
            rows = self.store.query(_DUE + " ORDER BY d.next_attempt_at, d.id LIMIT 1", (campaign.id, QUEUED))
        else:
            rows = self.store.query(_DUE + " AND d.id % ? = ? ORDER BY d.next_attempt_at, d.id LIMIT 1",
                                    (campaign.id, QUEUED, lanes, lane)) or \
                self.store.query(_DUE + " ORDER BY d.next_attempt_at DESC, d.id DESC LIMIT 1 OFFSET ?",
                                 (campaign.id, QUEUED, lane))
        return Delivery(rows[0]["id"], campaign.id, rows[0]["email"], rows[0]["name"], rows[0]["attempts"]) \
            if rows else None

    def not_wanted(self, delivery: Delivery) -> str:
        """Why ``delivery``'s recipient must not get the letter now, or "" while they are active.

        One read of the store, made by the messenger right before it names the
        recipient to the server, so an unsubscribe committed since the claim counts.
        """
        rows = self.store.query("SELECT status FROM subscribers WHERE email = ?", (delivery.email,))
        status = rows[0][0] if rows else None
        return "" if status == "active" else _not_sent(status)

    def skip(self, delivery: Delivery, reason: str) -> None:
        """Settle ``delivery`` as ``skipped``: the recipient left after it was claimed, nothing was sent."""
        self.settle([withdrawn(delivery, reason)])

    def _next_due(self, db, campaign: Campaign, now: float):
        # Two queries, each one ordered walk of the index; one query with
        # "status IN (...)" would sort every open row for every message.
        retry = db.execute(_DUE + " AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.id LIMIT 1",
                           (campaign.id, DEFERRED, now)).fetchone()
        return retry or db.execute(_DUE + " ORDER BY d.next_attempt_at, d.id LIMIT 1",
                                   (campaign.id, QUEUED)).fetchone()

    def _queued(self, db, delivery_id: int):
        return db.execute(_ONE, (delivery_id, QUEUED)).fetchone()

    def record(self, delivery: Delivery, outcome: str, code: int, reply: str,
               message_id: str = "", retry_at: float = 0.0) -> None:
        """Commit the server's answer for ``delivery``; a bounce also marks the subscriber ``bounced``."""
        self.settle([Settlement(delivery, outcome, code, reply, message_id, retry_at)])

    def requeue(self, delivery: Delivery, reason: str) -> None:
        """Put ``delivery`` back in the queue after a lost connection (the server did not answer)."""
        self.settle([requeued(delivery, reason)])

    def settle(self, settlements: tuple[Settlement, ...] | list[Settlement]) -> None:
        """Commit ``settlements`` in one transaction."""
        if settlements:
            with self.store.transaction() as db:
                self._settle_all(db, settlements)

    def _settle_all(self, db, settlements) -> None:
        for each in settlements:
            self._settle(db, each.delivery.id, each.status, each.code, each.reply, each.message_id,
                         each.retry_at, each.count_attempt, each.attempt_outcome)
            if each.status == BOUNCED:  # a bounce also marks the subscriber
                db.execute("UPDATE subscribers SET status = 'bounced', updated_at = ? "
                           "WHERE email = ? AND status = 'active'", (utc_now(), each.delivery.email))

    def deferred(self, campaign: Campaign) -> int:
        """How many recipients wait for another try."""
        return self.store.query("SELECT count(*) FROM deliveries WHERE campaign_id = ? AND status = ?",
                                (campaign.id, DEFERRED))[0][0]

    def next_retry_at(self, campaign: Campaign) -> float | None:
        """When the earliest deferred recipient is due again, or None when none is deferred."""
        return self.store.query("SELECT min(next_attempt_at) FROM deliveries WHERE campaign_id = ? AND status = ?",
                                (campaign.id, DEFERRED))[0][0]

    def requeue_failed(self, campaign: Campaign) -> int:
        """Give the failed recipients of ``campaign`` a fresh set of tries; return how many."""
        with self.store.transaction() as db:
            return db.execute("UPDATE deliveries SET status = 'queued', attempts = 0, next_attempt_at = 0,"
                              " updated_at = ? WHERE campaign_id = ? AND status = 'failed'",
                              (utc_now(), campaign.id)).rowcount

    def _settle(self, db, delivery_id: int, status: str, code: int, reply: str, message_id: str = "",
                retry_at: float = 0.0, count_attempt: bool = True, attempt_outcome: str = "") -> None:
        db.execute(
            "UPDATE deliveries SET status = ?, attempts = attempts + ?, next_attempt_at = ?, last_reply = ?,"
            " message_id = CASE WHEN ? != '' THEN ? ELSE message_id END, updated_at = ? WHERE id = ?",
            (status, int(count_attempt), retry_at, reply, message_id, message_id, utc_now(), delivery_id))
        db.execute("INSERT INTO attempts (delivery_id, at, outcome, code, reply) VALUES (?, ?, ?, ?, ?)",
                   (delivery_id, utc_now(), attempt_outcome or status, code, reply))


def requeued(delivery: Delivery, reason: str) -> Settlement:
    """``delivery`` back in the queue: the connection was lost before the server answered."""
    return Settlement(delivery, QUEUED, reply=reason, count_attempt=False, attempt_outcome="connection lost")


def withdrawn(delivery: Delivery, reason: str) -> Settlement:
    """``delivery`` settled as skipped: its reader left after the claim, nothing was sent."""
    return Settlement(delivery, SKIPPED, reply=reason, count_attempt=False)


def _not_sent(status: str | None) -> str:
    return f"not sent: the subscriber is {status or 'gone'}"


def _of(essay: EssayName | str) -> tuple[str, tuple]:
    """The SQL condition (and its arguments) for the campaigns of ``essay``, or of a slug alone."""
    if isinstance(essay, str):
        return "slug = ?", (essay,)
    return OF_ESSAY, (essay.key, essay.slug)


def _campaign(row) -> Campaign:
    return Campaign(id=row["id"], slug=row["slug"], subject=row["subject"], messenger=row["messenger"],
                    trial=bool(row["trial"]), status=row["status"], pause_reason=row["pause_reason"],
                    created_at=row["created_at"], finished_at=row["finished_at"], essay=row["essay"])
