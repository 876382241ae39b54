"""Messengers: where a finished message goes — an SMTP server (``sending.smtp``), or a Maildir on disk.

A messenger sends one message to one recipient and answers with the server's
:class:`Reply`; it decides nothing. The send loop reads the reply (sent,
retry, bounce, fail) and records it. The loop may hand it a ``check`` that the
messenger calls at the last moment — right before it names the recipient, and
again right before DATA — so an unsubscribe committed while the letter was
built or waited for its rate slot stops it (:class:`Withdrawn`). A lost connection is raised as
:class:`ConnectionLost` so the loop can reconnect and go on; a messenger that
cannot work at all (no TLS, login refused) raises :class:`MessengerConfigError`.

The send loop hands letters over with :meth:`Messenger.submit`, which answers with the
outcomes known so far: a messenger that pipelines (``sending.pipelining``) answers a
letter's outcome one letter later, and :meth:`Messenger.flush` gives the last one.
"""

from __future__ import annotations

import mailbox
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..errors import LetterpressError

ENHANCED_STATUS = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})\b")


class MessengerConfigError(LetterpressError):
    """The messenger cannot send at all: a bad URL, no TLS where it is required, a refused login."""


class ConnectionLost(Exception):
    """The connection dropped (or never opened) before the server answered the message.

    ``after_data`` is True when the whole message had been sent and only the
    server's answer was missing: the server may have accepted it.
    """

    def __init__(self, reason: str, after_data: bool = False):
        super().__init__(reason)
        self.after_data = after_data


class Withdrawn(Exception):
    """The send loop's ``check`` said no at the last moment: nothing reached the recipient.

    The message is why (e.g. "not sent: the subscriber is unsubscribed").
    """


# Called by a messenger right before it names the recipient (and before DATA):
# "" to go on, else why the letter must not go out.
Check = Callable[[], str]


def go_on() -> str:
    """The check that never withdraws a letter."""
    return ""


def do_nothing() -> None:
    return None


@dataclass(frozen=True)
class Reply:
    """A server's answer to one message: code, text and the stage it came at.

    ``stage`` is ``mail`` (the envelope sender), ``rcpt`` (the recipient),
    ``data`` (the message itself) or ``written`` (Maildir).
    """

    code: int
    text: str
    stage: str

    @property
    def enhanced(self) -> str:
        """The RFC 3463 enhanced status at the start of the text (``5.7.1``), or ""."""
        match = ENHANCED_STATUS.match(self.text.strip())
        return ".".join(match.groups()) if match else ""

    def __str__(self) -> str:
        return f"{self.code} {self.text}".strip()


@dataclass(frozen=True)
class Letter:
    """One message for one recipient, as the send loop hands it to a messenger.

    ``ref`` is what the caller knows the letter by (the send loop: its ledger row);
    the messenger only gives it back with the letter's outcome.
    """

    sender: str
    recipient: str
    data: bytes
    check: Check = go_on
    ref: Any = None


# A letter and how it ended: the server's reply, or why it did not go out (ConnectionLost,
# Withdrawn, MessengerConfigError).
Outcome = tuple[Letter, Reply | Exception]
UNSENT = (ConnectionLost, Withdrawn, MessengerConfigError)


class Messenger(Protocol):
    """Sends messages to recipients; one instance is one connection."""

    description: str
    trial: bool  # True: nothing reaches a reader (a trial run)

    def send(self, sender: str, recipient: str, message: bytes, check: Check | None = None) -> Reply:
        """Deliver ``message`` for ``recipient`` alone; raise ConnectionLost when the connection drops.

        ``check``, when given, is called right before the recipient is named to
        the server and again right before the message goes out; a non-empty
        answer ends the transaction unsent with :class:`Withdrawn`.
        """

    def submit(self, letter: Letter, meanwhile: Callable[[], None] = do_nothing) -> list[Outcome]:
        """Start ``letter``; return the outcomes now known (of it, or of the letter before it).

        ``meanwhile`` is called once, while the server reads what was sent (the send
        loop builds the next letter then); a messenger that cannot wait calls it after.
        """

    def flush(self) -> list[Outcome]:
        """Finish the letter still in flight, if any, and return its outcome."""

    def close(self) -> None:
        """Release the connection (if any); call :meth:`flush` first, or the letter in flight is lost."""


class OneByOne:
    """:meth:`Messenger.submit` for a messenger that answers each letter before the next goes out."""

    def send(self, sender: str, recipient: str, message: bytes, check: Check | None = None) -> Reply:
        raise NotImplementedError

    def submit(self, letter: Letter, meanwhile: Callable[[], None] = do_nothing) -> list[Outcome]:
        try:
            return [(letter, self.send(letter.sender, letter.recipient, letter.data, letter.check))]
        except UNSENT as error:
            return [(letter, error)]
        finally:
            meanwhile()

    def flush(self) -> list[Outcome]:
        return []


# -- Maildir ------------------------------------------------------------------------------


class MaildirMessenger(OneByOne):
    """Writes each message into a Maildir (``newsletter/outbox/``): a send anyone can look at.

    Every send through it is a trial: nothing reaches a reader, so it writes no
    ``sent/`` record and does not stand in the way of the real send.
    """

    trial = True

    def __init__(self, path: Path):
        self.path = Path(path)
        self.description = f"the Maildir {self.path}"
        self._box: mailbox.Maildir | None = None

    def send(self, sender: str, recipient: str, message: bytes, check: Check | None = None) -> Reply:
        reason = check() if check else ""
        if reason:
            raise Withdrawn(reason)
        if self._box is None:
            self._box = mailbox.Maildir(self.path, factory=None, create=True)
        envelope = f"Return-Path: <{sender}>\r\nDelivered-To: {recipient}\r\n".encode()
        key = self._box.add(envelope + message)
        return Reply(250, f"2.0.0 written to {os.path.join(self.path, 'new', key)}", "written")

    def close(self) -> None:
        self._box = None
