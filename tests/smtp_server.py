"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, with faults on demand.

Faults (all off by default):

- ``refuse[address] = "550 5.1.1 ..."``: answer RCPT with that reply, every time;
- ``temporary[address] = n``: answer RCPT with 451 ``n`` times, then accept;
- ``close_at``: transaction numbers (1-based, counting MAIL commands) at which
  RCPT gets ``421`` and the server closes the connection;
- ``drop_in_data_at``: transaction numbers at which the server answers DATA
  with 354, then drops the connection while the message is coming in;
- ``drop_before_data_at``: transaction numbers at which the server closes the connection
  when DATA comes, without an answer;
- ``drop_after_dot_at``: transaction numbers at which the server logs the message as
  accepted, then closes the connection instead of answering the dot;
- ``data_without_rcpt``: answer DATA with 354 even when every RCPT was refused, then
  554 after the dot (a server RFC 2920 section 3.1 warns of);
- ``delay``: seconds to wait before accepting each message (a slow server);
- ``on_accept(count)``: called after a message is logged as accepted and before
  the 250 goes out (the kill test kills the client there).

``accepted`` logs every message the server took: (recipient, Message-ID, bytes).
``pipelining=True`` advertises PIPELINING in the EHLO answer (aiosmtpd reads the
commands of a group in order as they come; it does not say so itself).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


@dataclass
class Faults:
    refuse: dict[str, str] = field(default_factory=dict)
    temporary: dict[str, int] = field(default_factory=dict)
    close_at: set[int] = field(default_factory=set)
    drop_in_data_at: set[int] = field(default_factory=set)
    drop_before_data_at: set[int] = field(default_factory=set)
    drop_after_dot_at: set[int] = field(default_factory=set)
    data_without_rcpt: bool = False
    delay: float = 0.0
    on_accept: Callable[[int], None] | None = None


@dataclass(frozen=True)
class Accepted:
    recipient: str
    message_id: str
    data: bytes
    mail_from: str


class FaultHandler:
    """aiosmtpd handler that logs what it accepts and misbehaves as told."""

    def __init__(self, faults: Faults, keep_data: bool = True, pipelining: bool = False):
        self.faults = faults
        self.keep_data = keep_data
        self.pipelining = pipelining
        self.accepted: list[Accepted] = []
        self.transactions = 0
        self.connections = 0
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname  # what aiosmtpd does itself without this hook
        if self.pipelining:
            return [*responses[:-1], "250-PIPELINING", responses[-1]]
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self.lock:
            self.transactions += 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        faults = self.faults
        if self.transactions in faults.close_at:
            faults.close_at.discard(self.transactions)
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.3.2 Service shutting down, closing connection"
        if address in faults.refuse:
            return faults.refuse[address]
        if faults.temporary.get(address, 0) > 0:
            faults.temporary[address] -= 1
            return "451 4.3.0 Temporary failure, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.faults.delay:
            await asyncio.sleep(self.faults.delay)
        data = envelope.original_content or b""
        match = MESSAGE_ID.search(data)
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.accepted.append(Accepted(recipient, match.group(1).decode() if match else "",
                                              data if self.keep_data else b"", envelope.mail_from))
            count = len(self.accepted)
        if self.faults.on_accept:
            self.faults.on_accept(count)
        if self.transactions in self.faults.drop_after_dot_at:
            self.faults.drop_after_dot_at.discard(self.transactions)
            server.transport.close()
            return "250 2.0.0 Ok: queued (never heard: the connection is closed)"
        return "250 2.0.0 Ok: queued"

    def recipients(self) -> list[str]:
        with self.lock:
            return [entry.recipient for entry in self.accepted]


class FaultySMTP(SMTP):
    """aiosmtpd's SMTP session, able to drop the connection in the middle of DATA."""

    def __init__(self, handler: FaultHandler, **kwargs):
        super().__init__(handler, **kwargs)
        self.fault_handler = handler

    def connection_made(self, transport):
        with self.fault_handler.lock:
            self.fault_handler.connections += 1
        super().connection_made(transport)

    async def smtp_DATA(self, arg):
        faults = self.fault_handler.faults
        if self.fault_handler.transactions in faults.drop_before_data_at:
            faults.drop_before_data_at.discard(self.fault_handler.transactions)
            self.transport.close()
            return
        if faults.data_without_rcpt and not self.envelope.rcpt_tos:
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            while await self._reader.readuntil(b"\r\n") != b".\r\n":
                pass
            await self.push("554 5.5.1 Error: no valid recipients")
            return
        if self.fault_handler.transactions in faults.drop_in_data_at:
            faults.drop_in_data_at.discard(self.fault_handler.transactions)
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            self.transport.close()
            return
        await super().smtp_DATA(arg)


class SmtpTestServer:
    """The server on its own event loop thread; ``port`` is known once started.

    Args:
        faults: what to get wrong.
        tls: an SSL context for implicit TLS (smtps) on the listening socket.
        starttls: an SSL context offered through STARTTLS.
        logins: user -> password; when given, AUTH is required.
        keep_data: keep each accepted message's bytes (off for the big runs).
        pipelining: advertise ESMTP PIPELINING.
    """

    def __init__(self, faults: Faults | None = None, tls: ssl.SSLContext | None = None,
                 starttls: ssl.SSLContext | None = None, logins: dict[str, str] | None = None,
                 keep_data: bool = True, pipelining: bool = False):
        self.handler = FaultHandler(faults or Faults(), keep_data, pipelining)
        self.tls, self.starttls, self.logins = tls, starttls, logins
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="smtp-test-server", daemon=True)
        self.server = None
        self.port = 0

    @property
    def faults(self) -> Faults:
        return self.handler.faults

    @property
    def accepted(self) -> list[Accepted]:
        return self.handler.accepted

    def start(self) -> SmtpTestServer:
        self.thread.start()
        future = asyncio.run_coroutine_threadsafe(self._serve(), self.loop)
        self.server = future.result(timeout=10)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def _serve(self):
        return await self.loop.create_server(self._session, "127.0.0.1", 0, ssl=self.tls)

    def _session(self) -> FaultySMTP:
        # AUTH without TLS is fine here: the tests talk over loopback only.
        options = dict(hostname="letterpress-test", loop=self.loop, tls_context=self.starttls,
                       require_starttls=False, auth_require_tls=False)
        if self.logins is not None:
            options.update(authenticator=self._authenticate, auth_required=True)
        return FaultySMTP(self.handler, **options)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            user, password = auth_data.login.decode(), auth_data.password.decode()
            return AuthResult(success=self.logins.get(user) == password, handled=False)
        return AuthResult(success=False, handled=False)

    def stop(self) -> None:
        if self.loop.is_closed():
            return

        async def close():
            self.server.close()
            await self.server.wait_closed()

        if self.server is not None:
            asyncio.run_coroutine_threadsafe(close(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()

    def __enter__(self) -> SmtpTestServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class StandInIssue:
    """A letter in miniature, shaped like the newsletter's ``RenderedIssue`` (subject, message_for).

    The send loop's tests use it where the letter's content does not matter,
    so they need no publication and start fast; the CLI tests use the real one.
    """

    def __init__(self, slug: str = "a-test-letter", subject: str = "A test letter"):
        self.slug, self.subject = slug, subject
        self.html_bytes, self.excerpted = 1024, False

    def message_for(self, address: str, name: str = "", unsubscribe_url: str = "") -> EmailMessage:
        digest = hashlib.sha256(f"{self.slug}\n{address.lower()}".encode()).hexdigest()[:32]
        url = unsubscribe_url or f"https://quietrooms.example.org/service/unsubscribe?token={digest}"
        message = EmailMessage()
        message["From"] = "Quiet Rooms <letters@quietrooms.example.org>"
        message["To"] = Address(display_name=name, addr_spec=address)
        message["Subject"] = self.subject
        message["Date"] = "Mon, 02 Nov 2026 08:30:00 +0000"
        message["Message-ID"] = f"<{digest}@quietrooms.example.org>"
        message["List-Unsubscribe"] = f"<{url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message.set_content(f"Dear reader,\n\nA short letter.\n\nLeave: {url}\n")
        return message
