"""Signed tokens for the subscription links: unsubscribe (forever) and confirm (48 hours).

One module makes and checks both, so the newsletter (which writes the links)
and the sign-up service (which reads them) cannot disagree.

The signing key is ``LETTERPRESS_SECRET`` when the environment sets it, else the
file ``.letterpress/secret`` in the publication's folder, made once by
``letterpress secret`` (mode 0600, ignored by git, never in the repository). Every
machine that signs or checks links (the author's, the server's, CI's) must hold
the same value: each sent record keeps the key's :func:`fingerprint`, and
:func:`key_change_problem` warns when the key here is not the one the last letters
were signed with (their links would stop working).

An unsubscribe token does not expire: a letter read a year later must still
let its reader leave with one click (RFC 8058). It is bound to the address and
the list, so it cannot unsubscribe anyone else or from another list.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import quote

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from .errors import LetterpressError, Problem
from .model import history, urls
from .model.files import create_once
from .model.letters import last_key_fingerprint
from .model.settings import Settings

SECRET_VARIABLE = "LETTERPRESS_SECRET"
SECRET_FILE = ".letterpress/secret"  # under the publication root; the folder ignores itself in git
FINGERPRINT_LENGTH = 16
FINGERPRINT_MESSAGE = b"letterpress key fingerprint"
CONFIRM_MAX_AGE = 48 * 3600
# Different salts keep one kind of token from being accepted as the other.
UNSUBSCRIBE_SALT = "letterpress.unsubscribe"
CONFIRM_SALT = "letterpress.confirm"


class SecretMissingError(LetterpressError):
    """Neither ``LETTERPRESS_SECRET`` nor ``.letterpress/secret`` holds a key, so no link can be signed or checked."""


class InvalidTokenError(LetterpressError):
    """The token was not made with this publication's key, or was altered."""


class ExpiredTokenError(InvalidTokenError):
    """A confirmation token older than its time limit."""


def secret_key(root: Path) -> str:
    """The signing key: ``LETTERPRESS_SECRET`` when set (it wins), else ``<root>/.letterpress/secret``.

    Args:
        root: the publication root (the folder holding ``mkdocs.yml``).

    Raises:
        SecretMissingError: neither holds a key.
    """
    value = find_secret(root)
    if not value:
        raise SecretMissingError(MISSING_SECRET)
    return value


MISSING_SECRET = (
    f"no signing key: {SECRET_VARIABLE} is not set and there is no {SECRET_FILE}; unsubscribe and "
    "confirmation links are signed with it. Run `letterpress secret` once in the publication's folder "
    "(it keeps a key outside git), and give the server the same value (`letterpress secret --show`).")


@dataclass(frozen=True)
class KeptSecret:
    """What :func:`keep_secret` found or did."""

    path: Path
    made: bool  # written now (else it was there already)
    from_variable: bool  # the value written now is LETTERPRESS_SECRET's
    overridden: bool  # LETTERPRESS_SECRET is set to another value, and wins over the file


def keep_secret(root: Path) -> KeptSecret:
    """Make the publication's key in ``<root>/.letterpress/secret`` once: mode 0600, ignored by git.

    An existing file is never replaced. When ``LETTERPRESS_SECRET`` is set, its value is the one
    kept (so a laptop can take the server's key); otherwise a new random one.

    Raises:
        LetterpressError: git would commit the file (it is tracked, or not ignored).
    """
    path = root / SECRET_FILE
    _keep_out_of_git(root, path)
    given = os.environ.get(SECRET_VARIABLE, "").strip()
    made = not path.exists()
    if made:
        made = create_once(path, (given or secrets.token_urlsafe(32)) + "\n")
    kept = path.read_text(encoding="utf-8").strip()
    return KeptSecret(path, made=made, from_variable=made and bool(given), overridden=bool(given) and given != kept)


def _keep_out_of_git(root: Path, path: Path) -> None:
    """Make the key's folder ignore itself (wherever the publication sits in a repository); refuse a
    key git would commit anyway."""
    path.parent.mkdir(mode=0o700, exist_ok=True)
    ignore = path.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Letterpress: the signing key; never commit it.\n*\n", encoding="utf-8")
    if history.git_keeps_out(root, path) is False:
        raise LetterpressError(
            f"{SECRET_FILE}: git would commit it (it is tracked, or a .gitignore rule lets it in), and anyone "
            "with the repository could unsubscribe your readers. Run `git rm --cached "
            f"{SECRET_FILE}` and add /.letterpress/ to .gitignore, then run `letterpress secret` again.")


def find_secret(root: Path) -> str:
    """The key :func:`secret_key` would return, or "" when there is none."""
    value = os.environ.get(SECRET_VARIABLE, "").strip()
    if value:
        return value
    path = root / SECRET_FILE
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as error:
        raise SecretMissingError(f"{SECRET_FILE}: cannot be read ({error}); it must hold the signing key "
                                 "as one line of text, readable by you.") from None


def key_source(root: Path) -> str:
    """Where the key comes from, for people: the variable, the file, or "" (no key)."""
    if os.environ.get(SECRET_VARIABLE, "").strip():
        return SECRET_VARIABLE
    return SECRET_FILE if find_secret(root) else ""


def fingerprint(secret: str) -> str:
    """A short, keyed fingerprint of ``secret`` (HMAC-SHA256 of a fixed text, 16 hex digits).

    Keyed, never a plain hash of the key: it tells two keys apart and says nothing
    that helps guess one. The sent records keep it, so a changed key is noticed.
    """
    digest = hmac.new(secret.encode("utf-8"), FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()
    return digest[:FINGERPRINT_LENGTH]


def key_change_problem(root: Path) -> Problem | None:
    """A warning when the key here is not the one the last sent letters were signed with.

    None when they match, when no key is set here, or when no sent record keeps a
    fingerprint (letters sent before records kept one).
    """
    last = last_key_fingerprint(root)
    secret = find_secret(root) if last else ""
    if last is None or not secret or hmac.compare_digest(fingerprint(secret), last[1]):
        return None
    path = last[0].relative_to(root).as_posix() if last[0].is_relative_to(root) else str(last[0])
    return Problem(path, "key_fingerprint", (
        "the signing key differs from the one the last letters were signed with: their unsubscribe "
        f"links will stop working; use the same {SECRET_VARIABLE} or {SECRET_FILE} as where they were "
        "sent, here and on the server (`letterpress secret`)."), severity="warning")


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


def make_unsubscribe_token(address: str, list_name: str, secret: str) -> str:
    """A signed token naming ``address`` on ``list_name``, signed with ``secret``; it never expires."""
    return URLSafeSerializer(secret, salt=UNSUBSCRIBE_SALT).dumps([address, list_name])


def read_unsubscribe_token(token: str, secret: str) -> tuple[str, str]:
    """``(address, list_name)`` from a token made by :func:`make_unsubscribe_token`.

    Raises:
        InvalidTokenError: the signature does not match.
    """
    serializer = URLSafeSerializer(secret, salt=UNSUBSCRIBE_SALT)
    try:
        address, list_name = serializer.loads(token)
    except (BadSignature, TypeError, ValueError):
        raise InvalidTokenError("this unsubscribe link is not valid (it may be incomplete).") from None
    return str(address), str(list_name)


def make_confirmation_token(address: str, list_name: str, secret: str, name: str = "") -> str:
    """A signed, time-stamped token for the double opt-in link, carrying the name typed with the sign-up.

    The name becomes the subscriber's when this link confirms them, and only then: a sign-up
    anyone can make for someone else's address changes no stored name.
    """
    return URLSafeTimedSerializer(secret, salt=CONFIRM_SALT).dumps([address, list_name, name])


def read_confirmation_token(token: str, secret: str, max_age: int = CONFIRM_MAX_AGE) -> tuple[str, str, str]:
    """``(address, list_name, name)`` from a confirmation token no older than ``max_age`` seconds
    (``name`` is "" in the tokens made before they carried one).

    Raises:
        ExpiredTokenError: the link is older than ``max_age``.
        InvalidTokenError: the signature does not match.
    """
    serializer = URLSafeTimedSerializer(secret, salt=CONFIRM_SALT)
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


def unsubscribe_url(settings: Settings, address: str, secret: str | None = None) -> str:
    """``<service.url>/unsubscribe?token=<token>`` for ``address`` on this publication's list.

    ``secret``: the key (default: the publication's, :func:`secret_key`).

    Raises:
        SecretMissingError: no ``secret`` given and the publication has no key.
        LetterpressError: ``service.url`` is not configured.
    """
    token = make_unsubscribe_token(address, list_id(settings), secret or secret_key(settings.root))
    return f"{service_url(settings)}/unsubscribe?token={quote(token, safe='')}"


def confirmation_url(settings: Settings, address: str, secret: str, name: str = "") -> str:
    """``<service.url>/confirm?token=<token>``, valid for ``service.confirm_hours``, signed with ``secret``;
    ``name``: the sign-up's."""
    token = make_confirmation_token(address, list_id(settings), secret, name=name)
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
