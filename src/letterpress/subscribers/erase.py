"""Erasure at a person's request (GDPR art. 17): every trace goes, a salted hash stays.

Deleted: the subscriber row, every ledger row and attempt naming the address,
and the copies of letters to them in the Maildir outbox. Kept: a salted hash
of the address, so a later import cannot add them back. SQLite's
``secure_delete`` (set by the store) zeroes the deleted rows in the file, and
a WAL checkpoint empties the write-ahead log that still held them.
"""

from __future__ import annotations

import mailbox
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import default
from email.utils import getaddresses
from pathlib import Path

from .store import InvalidAddressError, SubscriberStore, normalise_address, utc_now


@dataclass(frozen=True)
class Erasure:
    """What was deleted, in counts."""

    subscriber: bool
    deliveries: int
    outbox_messages: int


def erase_subscriber(store: SubscriberStore, email: str, outbox: Path | None = None) -> Erasure:
    """Delete every trace of ``email``; keep only its salted hash for suppression.

    Args:
        store: the subscriber store.
        email: the address (any letter case).
        outbox: the Maildir outbox, whose copies of letters to ``email`` are deleted too.

    Returns:
        How many rows and files were deleted (all zero when nothing was known).
    """
    address = _address(email)
    with store.transaction() as connection:
        subscriber = connection.execute("DELETE FROM subscribers WHERE email = ?", (address,)).rowcount
        deliveries = connection.execute("DELETE FROM deliveries WHERE email = ?", (address,)).rowcount
        # A sign-up the service answered but has not yet worked through would re-add them.
        connection.execute("DELETE FROM signup_requests WHERE email = ?", (address,))
        connection.execute("INSERT OR IGNORE INTO suppressions (hash, reason, created_at) VALUES (?, ?, ?)",
                           (store.address_hash(address), "erased at their request", utc_now()))
    # Old page images in the write-ahead log still hold the deleted rows.
    store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    removed = remove_from_outbox(outbox, address) if outbox else 0
    return Erasure(subscriber=bool(subscriber), deliveries=deliveries, outbox_messages=removed)


def remove_from_outbox(outbox: Path, address: str) -> int:
    """Delete the messages addressed to ``address`` in the Maildir ``outbox``; return how many."""
    if not (outbox / "cur").is_dir():
        return 0
    box = mailbox.Maildir(outbox, factory=None, create=False)
    parser = BytesHeaderParser(policy=default)
    wanted = address.lower()
    removed = 0
    for key in list(box.keys()):
        with box.get_file(key) as file:
            headers = parser.parsebytes(file.read())
        recipients = getaddresses(headers.get_all("To", []) + headers.get_all("Delivered-To", []))
        if any(found.lower() == wanted for _, found in recipients):
            box.discard(key)
            removed += 1
    return removed


def _address(email: str) -> str:
    # An address stored before validation tightened may not validate now; erase it as written.
    try:
        return normalise_address(email)
    except InvalidAddressError:
        return email.strip()
