"""The trial outbox (``newsletter/outbox/``, a Maildir): which letter in it is whose.

Maildir names its files for machines (``1796176697.M4953P8558Q1.host``); a
mail program shows their senders and subjects, and :func:`outbox_letters`
lists them for a person at a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import default
from pathlib import Path


@dataclass(frozen=True)
class OutboxLetter:
    """One letter in the outbox: its file, when it was written, its subject and recipient."""

    path: Path
    date: str
    subject: str
    to: str


def outbox_letters(path: Path) -> list[OutboxLetter]:
    """Every letter in the Maildir at ``path``, oldest first (empty when there is no outbox yet).

    A Maildir keeps each message as one file in ``new/`` (or ``cur/`` once a mail
    program has seen it); names starting with a dot are not messages.
    """
    files = [entry for sub in ("new", "cur") if (path / sub).is_dir()
             for entry in (path / sub).iterdir() if entry.is_file() and not entry.name.startswith(".")]
    letters = []
    for file in sorted(files, key=lambda entry: (entry.stat().st_mtime_ns, entry.name)):
        with file.open("rb") as handle:
            headers = BytesHeaderParser(policy=default).parse(handle)
        letters.append(OutboxLetter(file, str(headers.get("Date", "")), str(headers.get("Subject", "")),
                                    str(headers.get("To", ""))))
    return letters
