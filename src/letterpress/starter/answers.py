"""What ``letterpress init`` asks: the title, the address and the author's name, checked as hostile text."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from ..errors import LetterpressError
from ..model import urls
from ..model.reader import CONTROL

MAX_LENGTH = 200


@dataclass(frozen=True)
class Answers:
    """The new publication's title, its site's address (ending in ``/``), its author's name,
    and (optional, "" when not given) the author's email and the postal address letters carry."""

    title: str
    url: str
    author: str
    email: str = ""
    postal_address: str = ""


def checked_answers(title: str, url: str, author: str, email: str = "", postal_address: str = "") -> Answers:
    """The answers, trimmed and checked (``email`` and ``postal_address`` may be empty).

    Raises:
        LetterpressError: a title or name that is empty, not one line, or over 200 characters;
            an address that is not ``http(s)://host/...`` without a query or fragment; an email that is not one.
    """
    postal_address = (postal_address or "").strip()
    return Answers(_line(title, "--title", "Notes from the Kitchen Table"), _address(url),
                   _line(author, "--author", "Ana Sousa"), _email(email),
                   _line(postal_address, "--postal-address", "PO Box 1, Town, Country") if postal_address else "")


def _email(email: str) -> str:
    email = (email or "").strip()
    if not email:
        return ""
    try:
        return validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        raise LetterpressError(f"--email: {email!r} is not an email address; e.g. --email ana@example.org") from None


def _line(value: str, option: str, example: str) -> str:
    value = (value or "").strip()
    if not value or CONTROL.search(value) or len(value) > MAX_LENGTH:
        raise LetterpressError(f"{option}: give one line of text of up to {MAX_LENGTH} characters, "
                               f"e.g. {option} \"{example}\".")
    return value


def _address(url: str) -> str:
    url = (url or "").strip()
    parts = urls.split(url)
    if (not urls.is_web_url(url) or parts is None or not parts.hostname or parts.query or parts.fragment
            or any(ch.isspace() or ch in "\"'<>\\" for ch in url) or CONTROL.search(url)):
        raise LetterpressError(f"--url: {url!r} is not a web address; give the site's address, "
                               "e.g. --url https://essays.example.org/")
    return url if url.endswith("/") else url + "/"
