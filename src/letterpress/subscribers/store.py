"""The subscriber store: one SQLite file the author owns, shared by the CLI, the send and the service.

The schema is versioned with ``PRAGMA user_version`` and migrated forward on
open, one numbered step at a time, so a file made by an older Letterpress
keeps its people. The file runs in WAL mode with a busy timeout, so the
sign-up service can write while a send reads; ``synchronous=FULL`` makes each
commit durable the moment it returns. A send commits once per letter and asks
for less (:meth:`SubscriberStore.relaxed_sync`): a commit survives the process
being killed at once, and a power cut at most a bounded number of commits, so the
duplicate window of a send stays one letter per connection after a crash or a
kill (see ``letterpress.sending.ledger``).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from ..errors import LetterpressError
from ..model.settings import Settings
from .paths import store_path

STATUSES = ("pending", "active", "unsubscribed", "bounced", "complained")
# People who said no (or whose address does not work) stay out: an import or
# `subscribers add` never turns these back into active subscribers.
STOPPED = ("unsubscribed", "bounced", "complained")
BUSY_TIMEOUT_MS = 10_000

MIGRATIONS: tuple[str, ...] = (
    # 1: subscribers
    """
    CREATE TABLE subscribers (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL CHECK (status IN
            ('pending', 'active', 'unsubscribed', 'bounced', 'complained')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX subscribers_status ON subscribers (status);
    """,
    # 2: consent records, erasure suppression list and the store's own salt
    """
    ALTER TABLE subscribers ADD COLUMN consent_source TEXT NOT NULL DEFAULT 'unknown (before consent records)';
    ALTER TABLE subscribers ADD COLUMN consent_at TEXT;
    UPDATE subscribers SET consent_at = created_at;
    CREATE TABLE suppressions (
        hash TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta (key, value) VALUES ('salt', lower(hex(randomblob(16))));
    """,
    # 3: the send ledger: campaigns, one delivery row per recipient, every attempt
    """
    CREATE TABLE campaigns (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL,
        subject TEXT NOT NULL,
        messenger TEXT NOT NULL,
        trial INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'finished')),
        pause_reason TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        finished_at TEXT
    );
    CREATE INDEX campaigns_slug ON campaigns (slug);
    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        email TEXT NOT NULL COLLATE NOCASE,
        name TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL CHECK (status IN
            ('queued', 'in_flight', 'deferred', 'sent', 'bounced', 'failed', 'skipped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL DEFAULT 0,
        message_id TEXT NOT NULL DEFAULT '',
        last_reply TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        UNIQUE (campaign_id, email)
    );
    CREATE INDEX deliveries_pending ON deliveries (campaign_id, status, next_attempt_at);
    CREATE INDEX deliveries_email ON deliveries (email);
    CREATE INDEX deliveries_message_id ON deliveries (message_id);
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        outcome TEXT NOT NULL,
        code INTEGER NOT NULL DEFAULT 0,
        reply TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX attempts_delivery ON attempts (delivery_id);
    """,
    # 4: the sign-up service's durable queue: each answered sign-up, until its letter has gone
    """
    CREATE TABLE signup_requests (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL COLLATE NOCASE,
        name TEXT NOT NULL DEFAULT '',
        received_at TEXT NOT NULL,
        not_before REAL NOT NULL DEFAULT 0
    );
    CREATE INDEX signup_requests_email ON signup_requests (email);
    """,
    # 5: campaigns name their essay by its identity (its file under the posts folder), which outlives a
    # slug; campaigns before this one keep '' and are found by their slug
    """
    ALTER TABLE campaigns ADD COLUMN essay TEXT NOT NULL DEFAULT '';
    CREATE INDEX campaigns_essay ON campaigns (essay);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class SubscriberError(LetterpressError):
    """A subscriber operation that cannot be done as asked."""


class InvalidAddressError(SubscriberError):
    """Not an email address (the reason is in the message)."""


@dataclass(frozen=True)
class Subscriber:
    """One person on the list, with the record of their consent."""

    email: str
    name: str
    status: str
    consent_source: str
    consent_at: str
    created_at: str
    updated_at: str


def utc_now() -> str:
    """The current time as ``2026-01-15T09:00:00Z`` (the store's timestamp format)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalise_address(raw: str) -> str:
    """``raw`` checked and normalised by email-validator (no DNS look-ups).

    Raises:
        InvalidAddressError: with email-validator's reason, in words.
    """
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise InvalidAddressError(f"{raw.strip()!r} is not a valid email address: {error}") from None


def open_store(path: Path) -> SubscriberStore:
    """Open (creating and migrating as needed) the store at ``path``."""
    return SubscriberStore(Path(path))


def open_subscribers(settings: Settings) -> SubscriberStore:
    """Open the publication's subscriber store, creating it on first use."""
    return open_store(store_path(settings))


class SubscriberStore:
    """The subscribers (and, in the same file, the send ledger).

    One connection per store object; it may be shared between threads, each
    use under :attr:`lock` (the send's pool does that). Use it as a context
    manager, or call :meth:`close`.
    """

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Addresses are personal data: the file (and its -wal/-shm, which
            # SQLite creates with the same mode) is readable by its owner only.
            path.touch(mode=0o600)
        self.lock = threading.RLock()
        self._relaxed: tuple[int, float] | None = None  # (commits, seconds) between durable commits
        self._since_sync, self._synced_at = 0, 0.0
        self.connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.connection.row_factory = sqlite3.Row
        try:
            for pragma in (f"busy_timeout = {BUSY_TIMEOUT_MS}", "journal_mode = WAL", "synchronous = FULL",
                           "foreign_keys = ON", "secure_delete = ON"):
                self.connection.execute(f"PRAGMA {pragma}")
            self._migrate()
        except sqlite3.DatabaseError as error:
            self.connection.close()
            raise SubscriberError(f"{path}: not a subscriber store ({error}); check sending.subscribers "
                                  "in mkdocs.yml, or move the file away to start a new one.") from None

    def __enter__(self) -> SubscriberStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    @contextmanager
    def transaction(self):
        """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on an exception), under :attr:`lock`.

        Nested uses join the outer transaction, so a whole import commits once.
        """
        with self.lock:
            if self.connection.in_transaction:
                yield self.connection
                return
            durable = self._sync_due()
            if durable:
                self.connection.execute("PRAGMA synchronous = FULL")
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                self.connection.execute("ROLLBACK")
                if durable:
                    self.connection.execute("PRAGMA synchronous = NORMAL")
                raise
            self.connection.execute("COMMIT")
            if durable:
                self.connection.execute("PRAGMA synchronous = NORMAL")
                self._since_sync, self._synced_at = 0, time.monotonic()

    @contextmanager
    def relaxed_sync(self, every: int = 100, seconds: float = 0.25):
        """Commits under ``synchronous=NORMAL`` for a while (a send), every ``every``-th commit and the first
        after ``seconds`` under ``FULL``; ``FULL`` again afterwards.

        In WAL mode a NORMAL commit is in the operating system's hands when it returns:
        it survives the process crashing or being killed, not a power cut. A FULL
        commit syncs the whole log, the commits before it included, so a power cut
        loses at most the commits since the last FULL one (by default 100, or a
        quarter of a second's).
        """
        with self.lock:
            self.connection.execute("PRAGMA synchronous = NORMAL")
            self._relaxed, self._since_sync, self._synced_at = (every, seconds), 0, time.monotonic()
        try:
            yield self
        finally:
            with self.lock:
                self._relaxed = None
                self.connection.execute("PRAGMA synchronous = FULL")
                self.connection.execute("PRAGMA wal_checkpoint(PASSIVE)")  # syncs the log: all of it durable

    def _sync_due(self) -> bool:
        if self._relaxed is None:
            return False
        every, seconds = self._relaxed
        self._since_sync += 1
        return self._since_sync >= every or time.monotonic() - self._synced_at >= seconds

    def query(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        """Rows of a read, under :attr:`lock` (the connection is shared by the send's threads)."""
        with self.lock:
            return self.connection.execute(sql, args).fetchall()

    @property
    def schema_version(self) -> int:
        return self.connection.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise SubscriberError(
                f"{self.path}: the subscriber store has schema version {version}, newer than this "
                f"Letterpress knows ({SCHEMA_VERSION}); upgrade Letterpress before using it.")
        for number in range(version + 1, SCHEMA_VERSION + 1):
            # executescript commits first, so each step runs in its own transaction.
            self.connection.executescript(
                f"BEGIN IMMEDIATE; {MIGRATIONS[number - 1]}; PRAGMA user_version = {number}; COMMIT;")

    # -- reading --------------------------------------------------------------------

    def get(self, email: str) -> Subscriber | None:
        """The subscriber with this address (any letter case), or None."""
        row = self.connection.execute(
            "SELECT * FROM subscribers WHERE email = ?", (email.strip(),)).fetchone()
        return _subscriber(row) if row else None

    def _existing(self, address: str) -> Subscriber:
        """The subscriber just written (inside this store's own transaction)."""
        found = self.get(address)
        if found is None:
            raise SubscriberError(f"{address} vanished while it was being written.")
        return found

    def subscribers(self, status: str | None = None) -> list[Subscriber]:
        """Every subscriber (or those with ``status``), oldest first."""
        args: tuple[str, ...]
        query, args = "SELECT * FROM subscribers", ()
        if status:
            query, args = query + " WHERE status = ?", (status,)
        return [_subscriber(row) for row in self.connection.execute(query + " ORDER BY id", args)]

    def count(self, status: str = "active") -> int:
        """How many subscribers have ``status``."""
        return self.connection.execute(
            "SELECT count(*) FROM subscribers WHERE status = ?", (status,)).fetchone()[0]

    def counts(self) -> dict[str, int]:
        """Subscribers per status (every status, zero included)."""
        found = dict(self.connection.execute("SELECT status, count(*) FROM subscribers GROUP BY status"))
        return {status: found.get(status, 0) for status in STATUSES}

    # -- adding ---------------------------------------------------------------------

    def add(self, email: str, name: str = "", source: str = "added by hand",
            consent_at: str | None = None, status: str = "active") -> Subscriber:
        """Add a subscriber whose consent the author holds (``subscribers add``, imports).

        ``status`` is ``active`` (or ``pending``, for an import of unconfirmed
        sign-ups). An existing active or pending address keeps its record
        (pending becomes active); someone who unsubscribed, bounced, complained
        or was erased is never added back this way.

        Raises:
            InvalidAddressError: ``email`` is not an address.
            SubscriberError: the person left the list or asked to be erased.
        """
        address = normalise_address(email)
        with self.transaction():
            existing = self.get(address)
            if existing and existing.status in STOPPED:
                raise SubscriberError(f"{address} is {existing.status} (since {existing.updated_at}); "
                                      "only they can subscribe again, through the sign-up form.")
            if existing is None and self.is_suppressed(address):
                raise SubscriberError(f"{address} was erased at their request; only they can subscribe "
                                      "again, through the sign-up form.")
            if existing is None:
                self._insert(address, name, status, source, consent_at)
            elif existing.status == "pending" and status == "active":
                self._set_status(address, "active", source=source, consent_at=consent_at or utc_now())
        return self._existing(address)

    def record_stopped(self, email: str, status: str, name: str = "", source: str = "import",
                       consent_at: str | None = None) -> bool:
        """Record that ``email`` left (unsubscribed, bounced or complained), e.g. from another service's export.

        A new address is stored with that status, so it stays out of later
        imports; an active or pending one takes it. ``consent_at``: when they had
        signed up, as the export says (default: now). Returns True when anything changed.
        """
        if status not in STOPPED:
            raise SubscriberError(f"{status!r} is not one of {', '.join(STOPPED)}.")
        address = normalise_address(email)
        with self.transaction():
            existing = self.get(address)
            if existing is None and not self.is_suppressed(address):
                self._insert(address, name, status, source, consent_at)
                return True
            if existing is not None and existing.status in ("active", "pending"):
                self._set_status(address, status)
                return True
        return False

    def add_pending(self, email: str, source: str = "sign-up form") -> Subscriber:
        """Record a sign-up awaiting its confirmation (double opt-in); the subscriber as stored now.

        One statement for every address, whatever it holds: a new or erased
        address is inserted as pending; someone pending, unsubscribed, bounced
        or complained becomes pending again with this sign-up as their consent
        request (only :meth:`confirm` makes them active: the form is the one
        way back for people who left); an active subscriber is left as they
        are. The sign-up service relies on the same work being done for each.

        A sign-up changes no stored name (a new address is stored without one): anyone can sign
        up anyone. The name typed with it travels in the confirmation link, and :meth:`confirm`
        stores it.
        """
        address, now = normalise_address(email), utc_now()
        with self.transaction():
            row = self.connection.execute(_SIGN_UP, {"email": address, "source": source, "now": now}).fetchone()
        return _subscriber(row)

    def confirm(self, email: str, name: str = "") -> Subscriber:
        """Make a pending subscriber active (their confirmation is the consent), with ``name`` when one is
        given: the name typed with the sign-up whose link this is (an empty one keeps the stored name).

        Raises:
            SubscriberError: no such address.
        """
        address = normalise_address(email)
        with self.transaction():
            existing = self.get(address)
            if existing is None:
                raise SubscriberError(f"{address} is not on the list; sign up again.")
            if existing.status == "pending":
                self._set_status(address, "active", source=f"{existing.consent_source}, confirmed",
                                 consent_at=utc_now())
                if name.strip():
                    self.connection.execute("UPDATE subscribers SET name = ? WHERE email = ?", (name.strip(), address))
                self.connection.execute("DELETE FROM suppressions WHERE hash = ?", (self.address_hash(address),))
        return self._existing(address)

    def _insert(self, address: str, name: str, status: str, source: str, consent_at: str | None) -> None:
        if status not in STATUSES:
            raise SubscriberError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}.")
        now = utc_now()
        self.connection.execute(
            "INSERT INTO subscribers (email, name, status, consent_source, consent_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (address, name.strip(), status, source, consent_at or now, now, now))

    # -- changing -------------------------------------------------------------------

    def unsubscribe(self, email: str) -> bool:
        """Unsubscribe ``email``; False when it is not on the list (or already left)."""
        return self.set_status(email, "unsubscribed")

    def set_status(self, email: str, status: str) -> bool:
        """Set a subscriber's status; False when the address is unknown or already so.

        ``unsubscribed`` never turns into ``bounced``: a person's own choice wins.
        """
        if status not in STATUSES:
            raise SubscriberError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}.")
        with self.transaction():
            existing = self.get(email)
            if existing is None or existing.status == status:
                return False
            if existing.status == "unsubscribed" and status == "bounced":
                return False
            self._set_status(existing.email, status)
        return True

    def _set_status(self, address: str, status: str, source: str | None = None,
                    consent_at: str | None = None, name: str = "") -> None:
        self.connection.execute(
            "UPDATE subscribers SET status = ?, updated_at = ?, consent_source = coalesce(?, consent_source),"
            " consent_at = coalesce(?, consent_at), name = CASE WHEN ? != '' THEN ? ELSE name END"
            " WHERE email = ?",
            (status, utc_now(), source, consent_at, name, name.strip(), address))

    # -- suppression of erased addresses ---------------------------------------------

    def address_hash(self, email: str) -> str:
        """A salted SHA-256 of the lower-cased address; the salt never leaves this file."""
        digest = hashlib.sha256(self._salt().encode() + email.strip().lower().encode("utf-8"))
        return digest.hexdigest()

    def is_suppressed(self, email: str) -> bool:
        """True when this address was erased (only its salted hash is kept)."""
        row = self.connection.execute(
            "SELECT 1 FROM suppressions WHERE hash = ?", (self.address_hash(email),)).fetchone()
        return row is not None

    def _salt(self) -> str:
        return self.connection.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()[0]


# Every expression of the SET reads the row as it was, so ``status = 'active'`` is its old status.
_SIGN_UP = """
    INSERT INTO subscribers (email, name, status, consent_source, consent_at, created_at, updated_at)
    VALUES (:email, '', 'pending', :source, :now, :now, :now)
    ON CONFLICT (email) DO UPDATE SET
        status = CASE WHEN status = 'active' THEN 'active' ELSE 'pending' END,
        consent_source = CASE WHEN status = 'active' THEN consent_source ELSE excluded.consent_source END,
        consent_at = CASE WHEN status = 'active' THEN consent_at ELSE excluded.consent_at END,
        updated_at = CASE WHEN status = 'active' THEN updated_at ELSE excluded.updated_at END
    RETURNING *
"""


def _subscriber(row: sqlite3.Row) -> Subscriber:
    return Subscriber(email=row["email"], name=row["name"], status=row["status"],
                      consent_source=row["consent_source"], consent_at=row["consent_at"] or "",
                      created_at=row["created_at"], updated_at=row["updated_at"])
