"""The service's letters (confirmation, already subscribed, welcome) and the messenger that carries them.

Letters go through the same messengers as the newsletter (``sending.messenger``:
Maildir by default, or SMTP). The service sends them after it has answered
the request, one at a time, so no answer waits for a mail server; every
sign-up gets exactly one letter, whoever the address belongs to (see ``worker.py``).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from .. import tokens
from ..model.names import NAME_LIMIT, clean_name, safe_name
from ..model.settings import Settings
from ..newsletter.addresses import list_header, refuse_control, sender
from ..newsletter.message import POLICY, SMTP_POLICY, check_header_block
from ..sending.dkim import dkim_signer
from ..sending.messengers import ConnectionLost, Messenger
from ..sending.send import envelope_sender, messenger_factory, messenger_kind
from .context import ServiceContext
from .pages import Letter, letter

log = logging.getLogger("letterpress.service")
__all__ = ["NAME_LIMIT", "Postman", "already_message", "clean_name", "confirmation_message",
           "welcome_message"]


def confirmation_message(context: ServiceContext, address: str, name: str) -> EmailMessage:
    """The double opt-in letter with its signed, expiring link; ``name`` (the sign-up's) rides in the link.

    The letter greets no one by name and names no one in ``To``: anyone can sign up any address
    with any name, so the name is a claim until the address's owner confirms it (the confirmation
    page shows it, and confirming makes it theirs).
    """
    settings = context.settings
    values = {"address": address, "name": "",
              "confirm_url": tokens.confirmation_url(settings, address, context.secret, name),
              "confirm_hours": settings.service.confirm_hours}
    return _message(settings, address, "", letter(settings, "email-confirm", values))


def already_message(context: ServiceContext, address: str, name: str) -> EmailMessage:
    """The short letter a sign-up for an active subscriber gets instead of a confirmation.

    It does what the confirmation does for everyone else (one letter, the same
    work), so the service's load after a sign-up does not tell who subscribes.
    """
    settings = context.settings
    values = {"address": address, "name": name,
              "unsubscribe_url": tokens.unsubscribe_url(settings, address, context.secret)}
    return _message(settings, address, name, letter(settings, "email-already", values))


def welcome_message(context: ServiceContext, address: str, name: str) -> EmailMessage:
    """The short welcome after confirming, with the one-click unsubscribe headers of every letter."""
    settings = context.settings
    unsubscribe = tokens.unsubscribe_url(settings, address, context.secret)
    values = {"address": address, "name": name, "unsubscribe_url": unsubscribe}
    message = _message(settings, address, name, letter(settings, "email-welcome", values))
    message["List-Id"] = list_header(settings)
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def _message(settings: Settings, address: str, name: str, content: Letter) -> EmailMessage:
    refuse_control(address, "recipient address")
    name = safe_name(refuse_control(name, "recipient name"))
    refuse_control(content.subject, "subject")
    origin = sender(settings)
    local, _, domain = address.rpartition("@")
    message = EmailMessage(policy=POLICY)
    message["From"] = origin
    message["To"] = Address(display_name=name, username=local, domain=domain)
    message["Subject"] = content.subject
    message["Date"] = format_datetime(datetime.now(UTC), usegmt=True)
    message["Message-ID"] = make_msgid(domain=origin.domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to this
    message.set_content(content.text)
    message.add_alternative(content.html, subtype="html")
    return message


class Postman:
    """Sends the service's letters through one messenger, one at a time, reconnecting once on a drop.

    The messenger, envelope sender and DKIM signature are the send's own
    (``sending`` in the config). Failures are logged without the address.
    """

    def __init__(self, context: ServiceContext, messenger: Messenger | None = None):
        settings = context.settings
        self.envelope_sender = envelope_sender(settings)
        self.signer = dkim_signer(settings)
        if messenger is None:
            factory, self.description = messenger_factory(settings, messenger_kind(settings))
            messenger = factory()
        self.messenger = messenger
        self.lock = threading.Lock()

    def deliver(self, message: EmailMessage, recipient: str) -> bool:
        """Send ``message`` to ``recipient``; True when the messenger accepted it."""
        data = message.as_bytes(policy=SMTP_POLICY)
        check_header_block(data, message.keys())
        if self.signer is not None:
            data = self.signer.sign(data)
        with self.lock:
            for attempt in (1, 2):
                try:
                    reply = self.messenger.send(self.envelope_sender, recipient, data)
                except ConnectionLost as error:
                    if attempt == 2 or error.after_data:
                        log.warning("letter not sent: %s", error.__class__.__name__)
                        return False
                    continue
                if 200 <= reply.code < 300:
                    return True
                log.warning("letter refused: %s (%s)", reply.code, reply.enhanced or reply.stage)
                return False
        return False

    def close(self) -> None:
        with self.lock:
            self.messenger.close()
