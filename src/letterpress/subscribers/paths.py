"""Where the publication keeps its subscribers and its outbox: paths only, so asking opens nothing."""

from __future__ import annotations

from pathlib import Path

from ..model.settings import Settings


def store_path(settings: Settings) -> Path:
    """Where the publication keeps its subscribers (``sending.subscribers``, relative to the root)."""
    return settings.root / settings.sending.subscribers


def outbox_path(settings: Settings) -> Path:
    """The Maildir the ``maildir`` messenger writes into (``sending.outbox``)."""
    return settings.root / settings.sending.outbox
