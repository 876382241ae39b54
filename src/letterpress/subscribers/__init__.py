"""The subscriber list: a SQLite file the author owns (``newsletter/subscribers.sqlite3``).

Library API, shared by the CLI, the send and the sign-up service:

- :func:`open_subscribers` (or :func:`open_store` with a path) -> :class:`SubscriberStore`, with
  ``add``, ``add_pending``, ``confirm``, ``unsubscribe``, ``set_status``, ``get``,
  ``subscribers``, ``count`` and ``is_suppressed``;
- :func:`import_csv`, :func:`export_rows`, :func:`write_csv`;
- :func:`erase_subscriber` (GDPR erasure; a salted hash stays for suppression).
"""

from __future__ import annotations

from pathlib import Path

from ..model.settings import Settings
from .erase import Erasure, erase_subscriber
from .importing import EXPORT_COLUMNS, ImportReport, export_rows, import_csv, write_csv
from .store import (
    STATUSES,
    InvalidAddressError,
    Subscriber,
    SubscriberError,
    SubscriberStore,
    normalise_address,
    open_store,
)


def store_path(settings: Settings) -> Path:
    """Where the publication keeps its subscribers (``sending.subscribers``, relative to the root)."""
    return settings.root / settings.sending.subscribers


def outbox_path(settings: Settings) -> Path:
    """The Maildir the ``maildir`` messenger writes into (``sending.outbox``)."""
    return settings.root / settings.sending.outbox


def open_subscribers(settings: Settings) -> SubscriberStore:
    """Open the publication's subscriber store, creating it on first use."""
    return open_store(store_path(settings))


__all__ = [
    "EXPORT_COLUMNS", "STATUSES", "Erasure", "ImportReport", "InvalidAddressError", "Subscriber",
    "SubscriberError", "SubscriberStore", "erase_subscriber", "export_rows", "import_csv",
    "normalise_address", "open_store", "open_subscribers", "outbox_path", "store_path", "write_csv",
]
