"""The letter's addresses: sender, Reply-To, List-Id, and the config facts every send needs.

Anything that reaches a header is checked here first: no CR, LF or NUL (no
header injection), and the sender must be a valid address (email-validator,
without DNS look-ups).
"""

from __future__ import annotations

import json
import re
from email.headerregistry import Address
from email.utils import parseaddr
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from .. import tokens
from ..errors import LetterpressError, Problem, ProblemsError
from ..model import urls
from ..model.publication import Publication
from ..model.settings import CONFIG_FILE, Settings

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
KEY = "plugins.letterpress"


class HeaderInjectionError(LetterpressError):
    """A value meant for a header contains a line break or another control character."""


def refuse_control(value: str, what: str) -> str:
    """Return ``value`` unchanged, or raise when it holds CR, LF or another control character."""
    if CONTROL.search(value):
        raise HeaderInjectionError(f"{what} {value!r} contains a line break or control character; "
                                   "it cannot go into an email header.")
    return value


def _host(settings: Settings) -> str:
    """The site's host name (for an example address), or "" when ``site_url`` has none."""
    return urlsplit(settings.site_url).hostname or ""


def config_problems(settings: Settings) -> list[Problem]:
    """What the newsletter config lacks for a letter that may be sent (sender, postal address, service)."""
    options = settings.newsletter
    problems = []
    if not options.sender.strip():
        example = json.dumps(f"{settings.site_name or 'Your Publication'} <letters@{_host(settings) or 'example.org'}>",
                             ensure_ascii=False)  # a YAML double-quoted string: quotes in the name escaped
        problems.append(_problem("newsletter.sender", f"is missing; add e.g. 'sender: {example}' "
                                 "(the From of every letter)."))
    else:
        problems.extend(_sender_problems(options.sender))
    if not options.postal_address.strip():
        problems.append(_problem("newsletter.postal_address", "is missing; bulk mail must carry a postal "
                                 "address (CAN-SPAM). Add 'postal_address: \"PO Box 1, Town, Country\"'."))
    if not urls.is_web_url(settings.service.url.strip()):
        problems.append(_problem("service.url", "is missing; the unsubscribe link needs the sign-up service's "
                                 "address, e.g. 'url: https://example.org/service'."))
    for key in ("postal_address", "reason", "subject_prefix", "list_id", "unsubscribe_mailto"):
        if CONTROL.search(getattr(options, key)):
            problems.append(_problem(f"newsletter.{key}", "contains a line break or control character; "
                                     "keep it on one line."))
    for key, author in settings.authors.items():
        if author.email:
            problems.extend(_address_problems(author.email, f"authors.{key}.email"))
    return problems


def raise_for_config(settings: Settings) -> None:
    problems = config_problems(settings)
    if problems:
        raise ProblemsError(problems)


def sender(settings: Settings) -> Address:
    """The ``From`` address (config ``newsletter.sender``), display name defaulting to the site name."""
    name, address = parseaddr(settings.newsletter.sender)
    local, _, domain = address.rpartition("@")
    return Address(display_name=name or settings.site_name, username=local, domain=domain)


def reply_to(publication: Publication, author_keys) -> tuple[Address, ...]:
    """The essay's authors with an ``email`` in the config, else the sender: replies reach a person."""
    settings = publication.settings
    found = []
    for key in author_keys:
        options = settings.authors.get(key)
        author = publication.authors.get(key)
        if options and options.email and author:
            local, _, domain = options.email.strip().rpartition("@")
            found.append(Address(display_name=author.name, username=local, domain=domain))
    return tuple(found) or (sender(settings),)


def list_header(settings: Settings) -> str:
    """``List-Id`` (RFC 2919): ``Quiet Rooms <letters.quietrooms.example.org>``."""
    return f"{settings.site_name} <{tokens.list_id(settings)}>".strip()


def _sender_problems(value: str) -> list[Problem]:
    if CONTROL.search(value):
        return [_problem("newsletter.sender", "contains a line break or control character; keep it on one line.")]
    name, address = parseaddr(value)
    if not address or "@" not in address:
        return [_problem("newsletter.sender", f"{value!r} is not an address; write it as "
                         "'Name <letters@example.org>'.")]
    return _address_problems(address, "newsletter.sender")


def _address_problems(address: str, key: str) -> list[Problem]:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        return [_problem(key, f"{address!r} is not a valid email address ({error}); fix it.")]
    return []


def _problem(key: str, message: str) -> Problem:
    return Problem(CONFIG_FILE, f"{KEY}.{key}", message)
