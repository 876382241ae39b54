"""Messengers: where a finished message goes — an SMTP server, or a Maildir on disk.

A messenger sends one message to one recipient and answers with the server's
:class:`Reply`; it decides nothing. The send loop reads the reply (sent,
retry, bounce, fail) and records it. The loop may hand it a ``check`` that the
messenger calls at the last moment — after MAIL FROM, right before RCPT TO, and
again right before DATA — so an unsubscribe committed while the letter was
built or waited for its rate slot stops it (:class:`Withdrawn`). A lost connection is raised as
:class:`ConnectionLost` so the loop can reconnect and go on; a messenger that
cannot work at all (no TLS, login refused) raises :class:`MessengerConfigError`.
"""

from __future__ import annotations

import ipaddress
import mailbox
import os
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from ..errors import LetterpressError

SMTP_URL_VARIABLE = "LETTERPRESS_SMTP_URL"
SMTP_PASSWORD_VARIABLE = "LETTERPRESS_SMTP_PASSWORD"
ENHANCED_STATUS = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})\b")
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}


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


class Messenger(Protocol):
    """Sends one message to one recipient; one instance is one connection."""

    description: str
    trial: bool  # True: nothing reaches a reader (a trial run)

    def send(self, sender: str, recipient: str, message: bytes, check: Check | None = None) -> Reply:
        """Deliver ``message`` for ``recipient``; raise ConnectionLost when the connection drops.

        ``check``, when given, is called right before the recipient is named to
        the server and again right before the message goes out; a non-empty
        answer ends the transaction unsent with :class:`Withdrawn`.
        """

    def close(self) -> None:
        """Release the connection (if any)."""


# -- SMTP ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to reach an SMTP server: ``smtp://`` (STARTTLS) or ``smtps://`` (implicit TLS)."""

    host: str
    port: int
    implicit_tls: bool = False
    username: str = ""
    password: str = ""
    timeout: float = 30.0

    @property
    def url(self) -> str:
        """The server as a URL, without the password (safe to print)."""
        user = f"{self.username}@" if self.username else ""
        return f"{'smtps' if self.implicit_tls else 'smtp'}://{user}{self.host}:{self.port}"

    @property
    def is_loopback(self) -> bool:
        return is_loopback(self.host)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses (mail that never leaves the machine)."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_smtp_url(url: str, password: str = "", timeout: float = 30.0, where: str = "") -> SmtpServer:
    """``smtp://user@host:587`` or ``smtps://user@host:465`` as an :class:`SmtpServer`.

    Args:
        url: the URL; a password inside it is accepted only from the environment.
        password: the password (from ``LETTERPRESS_SMTP_PASSWORD``).
        timeout: seconds to wait for the server at each step.
        where: where the URL came from, for messages.

    Raises:
        MessengerConfigError: not an smtp:// or smtps:// URL with a host.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise MessengerConfigError(f"{where}: {_without_password(url)!r} is not an SMTP URL; write "
                                   "smtp://user@host:587 (STARTTLS) or smtps://user@host:465 (TLS).")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise MessengerConfigError(f"{where}: the port in {_without_password(url)!r} is not a number.") from None
    return SmtpServer(host=parts.hostname, port=port, implicit_tls=parts.scheme == "smtps",
                      username=unquote(parts.username or ""),
                      password=password or unquote(parts.password or ""), timeout=timeout)


def _without_password(url: str) -> str:
    return re.sub(r"(//[^:/@]*):[^@/]*@", r"\1:***@", url)


class SmtpMessenger:
    """One reusable connection to an SMTP server (a pool is several of these).

    ``smtp://`` upgrades with STARTTLS and refuses to go on without it, except
    on loopback, where the mail never leaves the machine (a local relay's
    certificate is usually not one the system trusts; ``require_tls`` overrides). ``smtps://`` is TLS
    from the first byte. The connection opens on the first send and is reused;
    after a drop the next send opens a new one.
    """

    trial = False

    def __init__(self, server: SmtpServer, ssl_context: ssl.SSLContext | None = None,
                 local_hostname: str | None = None, require_tls: bool | None = None):
        self.server = server
        self.require_tls = (not server.is_loopback) if require_tls is None else require_tls
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.local_hostname = local_hostname
        self.description = server.url
        self._connection: smtplib.SMTP | None = None
        self._stage = ""  # the command in progress, to tell a drop before DATA from one during it

    def send(self, sender: str, recipient: str, message: bytes, check: Check | None = None) -> Reply:
        connection = self._connection or self._connect()
        self._stage = "mail"
        try:
            reply = self._transaction(connection, sender, recipient, message, check or _go_on)
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self._drop()
            # Lost during DATA, the server may have taken the message before the drop.
            raise ConnectionLost(f"connection to {self.server.host} lost: {error or type(error).__name__}",
                                 after_data=self._stage == "data") from None
        if reply.code == 421:  # the server is closing the connection
            self._drop()
        return reply

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()

    def _transaction(self, connection: smtplib.SMTP, sender: str, recipient: str, message: bytes,
                     check: Check) -> Reply:
        # The three commands one at a time (smtplib's sendmail keeps no replies):
        # the ledger records what the server said, e.g. its queue id. The check
        # runs after MAIL's round trip, so nothing but one read of the store
        # lies between it and the RCPT (and again between it and DATA).
        if not recipient.split("@")[0].isascii() and not connection.has_extn("smtputf8"):
            return Reply(553, "5.6.7 this server does not take non-ASCII addresses (no SMTPUTF8)", "mail")
        code, text = connection.mail(sender, self._mail_options(connection, recipient, message))
        if code != 250:
            return self._refused(connection, code, text, "mail")
        self._stage = "rcpt"
        _withdraw_if_told(connection, check)
        code, text = connection.rcpt(_ascii_domain(recipient))
        if code not in (250, 251):
            return self._refused(connection, code, text, "rcpt")
        _withdraw_if_told(connection, check)
        self._stage = "data"
        try:
            code, text = connection.data(message)
        except smtplib.SMTPDataError as error:  # the server refused to take the message at all
            return self._refused(connection, error.smtp_code, error.smtp_error, "data")
        if code != 250:
            return self._refused(connection, code, text, "data")
        return Reply(code, _text(text), "data")

    def _refused(self, connection: smtplib.SMTP, code: int, text, stage: str) -> Reply:
        if code != 421:
            connection.rset()  # start the next message with a clean transaction
        return Reply(code, _text(text), stage)

    def _mail_options(self, connection: smtplib.SMTP, recipient: str, message: bytes) -> list[str]:
        options = []
        if not recipient.split("@")[0].isascii() and connection.has_extn("smtputf8"):
            options.append("SMTPUTF8")
        if not message.isascii() and connection.has_extn("8bitmime"):
            options.append("BODY=8BITMIME")
        return options

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        try:
            connection = self._connection = self._open()
            connection.ehlo()
            self._secure(connection)
            if server.username:
                connection.login(server.username, server.password)
        except MessengerConfigError:
            self._drop()
            raise
        except smtplib.SMTPNotSupportedError as error:
            self._drop()
            raise MessengerConfigError(f"{server.url}: {error} Remove the user name from the URL, or use the "
                                       "server's submission port (587 or 465).") from None
        except smtplib.SMTPAuthenticationError as error:
            self._drop()
            raise MessengerConfigError(f"{server.url} refused the login ({error.smtp_code} "
                                       f"{_text(error.smtp_error)}); check the user name and "
                                       f"{SMTP_PASSWORD_VARIABLE}.") from None
        except ssl.SSLError as error:
            self._drop()
            raise MessengerConfigError(f"TLS with {server.host}:{server.port} failed ({error.reason}); "
                                       "check the host name and port (465 for smtps://, 587 for smtp://).") from None
        except (smtplib.SMTPException, OSError) as error:
            self._drop()
            raise ConnectionLost(f"could not connect to {server.host}:{server.port}: "
                                 f"{error or type(error).__name__}") from None
        return connection

    def _open(self) -> smtplib.SMTP:
        server = self.server
        if server.implicit_tls:
            return smtplib.SMTP_SSL(server.host, server.port, local_hostname=self.local_hostname,
                                    timeout=server.timeout, context=self.ssl_context)
        return smtplib.SMTP(server.host, server.port, local_hostname=self.local_hostname, timeout=server.timeout)

    def _secure(self, connection: smtplib.SMTP) -> None:
        if self.server.implicit_tls or not self.require_tls:
            return
        if not connection.has_extn("starttls"):
            raise MessengerConfigError(
                f"{self.server.host}:{self.server.port} does not offer STARTTLS, and Letterpress does not send "
                "passwords and addresses unencrypted; use the server's TLS port with smtps://host:465.")
        connection.starttls(context=self.ssl_context)
        connection.ehlo()

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except OSError:
                pass
        self._connection = None


def _go_on() -> str:
    return ""


def _withdraw_if_told(connection: smtplib.SMTP, check: Check) -> None:
    """Abandon the transaction (RSET: the server drops the envelope) when ``check`` says why."""
    reason = check()
    if reason:
        connection.rset()
        raise Withdrawn(reason)


def _ascii_domain(address: str) -> str:
    local, _, domain = address.rpartition("@")
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}" if not domain.isascii() else address
    except UnicodeError:
        return address


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


# -- Maildir ------------------------------------------------------------------------------


class MaildirMessenger:
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
