"""SMTP: one connection to a mail server, its TLS and login, one transaction per letter or pipelined.

``smtp://`` upgrades with STARTTLS, ``smtps://`` is TLS from the first byte. Where the
server offers ESMTP PIPELINING (RFC 2920), :meth:`SmtpMessenger.submit` hands the letters
to :class:`~letterpress.sending.pipelining.Pipeline`: one round trip per letter instead of four.
"""

from __future__ import annotations

import ipaddress
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .messengers import (
    UNSENT,
    Check,
    ConnectionLost,
    Letter,
    MessengerConfigError,
    OneByOne,
    Outcome,
    Reply,
    Withdrawn,
    do_nothing,
    go_on,
)
from .pipelining import Pipeline, ascii_domain, reply_text

SMTP_URL_VARIABLE = "LETTERPRESS_SMTP_URL"
SMTP_PASSWORD_VARIABLE = "LETTERPRESS_SMTP_PASSWORD"
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}


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


class SmtpMessenger(OneByOne):
    """One reusable connection to an SMTP server (a pool is several of these).

    ``smtp://`` upgrades with STARTTLS and refuses to go on without it, except
    on loopback, where the mail never leaves the machine (a local relay's
    certificate is usually not one the system trusts; ``require_tls`` overrides). ``smtps://`` is TLS
    from the first byte. The connection opens on the first send and is reused;
    after a drop the next send opens a new one. :meth:`submit` pipelines where the
    server offers it (``pipelining=False`` turns it off) and else sends one by one.
    """

    trial = False

    def __init__(self, server: SmtpServer, ssl_context: ssl.SSLContext | None = None,
                 local_hostname: str | None = None, require_tls: bool | None = None, pipelining: bool = True):
        self.server = server
        self.pipelining = pipelining
        self.require_tls = (not server.is_loopback) if require_tls is None else require_tls
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.local_hostname = local_hostname
        self.description = server.url
        self._connection: smtplib.SMTP | None = None
        self._stage = ""  # the command in progress, to tell a drop before DATA from one during it
        self._pipeline: Pipeline | None = None  # on a connection that pipelines

    def submit(self, letter: Letter, meanwhile: Callable[[], None] = do_nothing) -> list[Outcome]:
        outcomes = self._pipeline.abandon_if_withdrawn() if self._pipeline else []
        self._drop_if_broken()
        try:
            self._connection or self._connect()
        except UNSENT as error:
            meanwhile()
            return [*outcomes, (letter, error)]
        if self._pipeline is None:
            return outcomes + super().submit(letter, meanwhile)
        outcomes += self._pipeline.submit(letter, meanwhile)
        self._drop_if_broken()
        return outcomes

    def flush(self) -> list[Outcome]:
        if self._pipeline is None:
            return []
        outcomes = self._pipeline.abandon_if_withdrawn() + self._pipeline.flush()
        self._drop_if_broken()
        return outcomes

    def send(self, sender: str, recipient: str, message: bytes, check: Check | None = None) -> Reply:
        connection = self._connection or self._connect()
        self._stage = "mail"
        try:
            reply = self._transaction(connection, sender, recipient, message, check or go_on)
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self._drop()
            # Lost during DATA, the server may have taken the message before the drop.
            raise ConnectionLost(f"connection to {self.server.host} lost: {error or type(error).__name__}",
                                 after_data=self._stage == "data") from None
        if reply.code == 421:  # the server is closing the connection
            self._drop()
        return reply

    def close(self) -> None:
        if self._pipeline is not None and self._pipeline.waiting is not None:
            self._drop()  # mid-DATA a QUIT would be read as the letter's text: the server discards it
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
        code, text = connection.rcpt(ascii_domain(recipient))
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
        return Reply(code, reply_text(text), "data")

    def _refused(self, connection: smtplib.SMTP, code: int, text, stage: str) -> Reply:
        if code != 421:
            connection.rset()  # start the next message with a clean transaction
        return Reply(code, reply_text(text), stage)

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
            if self.pipelining and connection.has_extn("pipelining"):
                self._pipeline = Pipeline(connection, lambda to, data: self._mail_options(connection, to, data))
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
                                       f"{reply_text(error.smtp_error)}); check the user name and "
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

    def _drop_if_broken(self) -> None:
        if self._pipeline is not None and self._pipeline.broken:
            self._drop()

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except OSError:
                pass
        self._connection = None
        self._pipeline = None


def _withdraw_if_told(connection: smtplib.SMTP, check: Check) -> None:
    """Abandon the transaction (RSET: the server drops the envelope) when ``check`` says why."""
    reason = check()
    if reason:
        connection.rset()
        raise Withdrawn(reason)
