"""Signed tokens for the subscription links: unsubscribe (forever) and confirm (48 hours).

One module makes and checks both, so the newsletter (which writes the links)
and the sign-up service (which reads them) cannot disagree. The signing key is
the environment variable ``LETTERPRESS_SECRET``; it never lives in a file.

An unsubscribe token does not expire: a letter read a year later must still
let its reader leave with one click (RFC 8058). It is bound to the address and
the list, so it cannot unsubscribe anyone else or from another list.
"""

from __future__ import annotations

import os
from email.utils import parseaddr
from urllib.parse import quote

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from .errors import LetterpressError
from .model import urls
from .model.settings import Settings

SECRET_VARIABLE = "LETTERPRESS_SECRET"
CONFIRM_MAX_AGE = 48 * 3600
# Different salts keep one kind of token from being accepted as the other.
UNSUBSCRIBE_SALT = "letterpress.unsubscribe"
CONFIRM_SALT = "letterpress.confirm"


class SecretMissingError(LetterpressError):
    """``LETTERPRESS_SECRET`` is not set, so no link can be signed or checked."""


class InvalidTokenError(LetterpressError):
    """The token was not made with this publication's key, or was altered."""


class ExpiredTokenError(InvalidTokenError):
    """A confirmation token older than its time limit."""


def secret_key() -> str:
    """The signing key from the environment.

    Raises:
        SecretMissingError: the variable is unset or empty.
    """
    value = os.environ.get(SECRET_VARIABLE, "").strip()
    if not value:
        raise SecretMissingError(
            f"environment variable {SECRET_VARIABLE} is not set; unsubscribe and confirmation links "
            "are signed with it. Set it to a long random value, e.g. the output of "
            "`python3 -c \"import secrets; print(secrets.token_urlsafe(32))\"`, and keep it out of git."
        )
    return value


def list_id(settings: Settings) -> str:
    """The list's identifier, e.g. ``letters.quietrooms.example.org`` (RFC 2919).

    ``newsletter.list_id`` when the config gives one, else the sender's address
    with ``@`` turned into ``.``; tokens and the ``List-Id`` header both use it.
    """
    configured = settings.newsletter.list_id.strip()
    if configured:
        return configured
    address = parseaddr(settings.newsletter.sender)[1]
    return address.replace("@", ".").lower() if "@" in address else "newsletter.invalid"


def make_unsubscribe_token(address: str, list_name: str, secret: str | None = None) -> str:
    """A signed token naming ``address`` on ``list_name``; it never expires."""
    return URLSafeSerializer(secret or secret_key(), salt=UNSUBSCRIBE_SALT).dumps([address, list_name])


def read_unsubscribe_token(token: str, secret: str | None = None) -> tuple[str, str]:
    """``(address, list_name)`` from a token made by :func:`make_unsubscribe_token`.

    Raises:
        InvalidTokenError: the signature does not match.
    """
    serializer = URLSafeSerializer(secret or secret_key(), salt=UNSUBSCRIBE_SALT)
    try:
        address, list_name = serializer.loads(token)
    except (BadSignature, TypeError, ValueError):
        raise InvalidTokenError("this unsubscribe link is not valid (it may be incomplete).") from None
    return str(address), str(list_name)


def make_confirmation_token(address: str, list_name: str, secret: str | None = None, name: str = "") -> str:
    """A signed, time-stamped token for the double opt-in link, carrying the name typed with the sign-up.

    The name becomes the subscriber's when this link confirms them, and only then: a sign-up
    anyone can make for someone else's address changes no stored name.
    """
    return URLSafeTimedSerializer(secret or secret_key(), salt=CONFIRM_SALT).dumps([address, list_name, name])


def read_confirmation_token(token: str, max_age: int = CONFIRM_MAX_AGE,
                            secret: str | None = None) -> tuple[str, str, str]:
    """``(address, list_name, name)`` from a confirmation token no older than ``max_age`` seconds
    (``name`` is "" in the tokens made before they carried one).

    Raises:
        ExpiredTokenError: the link is older than ``max_age``.
        InvalidTokenError: the signature does not match.
    """
    serializer = URLSafeTimedSerializer(secret or secret_key(), salt=CONFIRM_SALT)
    try:
        address, list_name, *rest = serializer.loads(token, max_age=max_age)
        if len(rest) > 1:
            raise ValueError("too many parts")
        name = rest[0] if rest else ""
    except SignatureExpired:
        raise ExpiredTokenError("this confirmation link has expired; sign up again for a new one.") from None
    except (BadSignature, TypeError, ValueError):
        raise InvalidTokenError("this confirmation link is not valid (it may be incomplete).") from None
    return str(address), str(list_name), str(name)


def unsubscribe_url(settings: Settings, address: str) -> str:
    """``<service.url>/unsubscribe?token=<token>`` for ``address`` on this publication's list.

    Raises:
        SecretMissingError: ``LETTERPRESS_SECRET`` is unset.
        LetterpressError: ``service.url`` is not configured.
    """
    token = make_unsubscribe_token(address, list_id(settings))
    return f"{service_url(settings)}/unsubscribe?token={quote(token, safe='')}"


def confirmation_url(settings: Settings, address: str, name: str = "") -> str:
    """``<service.url>/confirm?token=<token>``, valid for ``service.confirm_hours``; ``name``: the sign-up's."""
    token = make_confirmation_token(address, list_id(settings), name=name)
    return f"{service_url(settings)}/confirm?token={quote(token, safe='')}"


def service_url(settings: Settings) -> str:
    """The sign-up service's base URL without a trailing slash.

    Raises:
        LetterpressError: the config does not name it.
    """
    url = settings.service.url.strip().rstrip("/")
    if not urls.is_web_url(url):
        raise LetterpressError(
            "mkdocs.yml: config 'plugins.letterpress.service.url' is missing; the unsubscribe link needs "
            "the sign-up service's address, e.g. 'url: https://example.org/service'."
        )
    return url
