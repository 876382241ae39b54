"""``letterpress check`` for the ``sending`` section: what would stop a send, found before one starts."""

from __future__ import annotations

import os

from email_validator import EmailNotValidError, validate_email

from ..errors import Problem, ProblemsError
from ..model.publication import Publication
from ..model.settings import CONFIG_FILE
from .dkim import DKIM_KEY_VARIABLE
from .messengers import MessengerConfigError
from .send import MESSENGERS, smtp_server
from .smtp import SMTP_URL_VARIABLE

KEY = "plugins.letterpress.sending"


def sending_problems(publication: Publication) -> list[Problem]:
    """Problems of the ``sending`` section: messenger, SMTP URL, numbers, return path, DKIM."""
    settings = publication.settings
    options = settings.sending
    problems = []
    if options.messenger not in MESSENGERS:
        problems.append(_problem("messenger", f"'{options.messenger}' is not one of {', '.join(MESSENGERS)}."))
    if options.smtp_url.strip() or os.environ.get(SMTP_URL_VARIABLE, "").strip():
        try:
            smtp_server(settings)
        except ProblemsError as error:
            problems.extend(error.problems)
        except MessengerConfigError as error:
            problems.append(_problem("smtp_url", str(error).split(": ", 1)[-1]))
    for name, minimum in (("pool", 1), ("retry_attempts", 1), ("pause_after_errors", 1), ("rate", 0)):
        if getattr(options, name) < minimum:
            problems.append(_problem(name, f"must be at least {minimum}."))
    if options.return_path.strip():
        try:
            validate_email(options.return_path.strip(), check_deliverability=False)
        except EmailNotValidError as error:
            problems.append(_problem("return_path", f"'{options.return_path}' is not an address ({error})."))
    return problems + _dkim_problems(settings)


def _dkim_problems(settings) -> list[Problem]:
    options = settings.sending
    if bool(options.dkim_selector.strip()) != bool(options.dkim_domain.strip()):
        missing = "dkim_domain" if options.dkim_selector.strip() else "dkim_selector"
        return [_problem(missing, "is missing; DKIM needs both dkim_selector and dkim_domain.")]
    if options.dkim_selector.strip() and not options.dkim_key_file.strip() and not os.environ.get(DKIM_KEY_VARIABLE):
        return [_problem("dkim_selector", f"is set, but no key: {DKIM_KEY_VARIABLE} is not set here and "
                         "dkim_key_file is empty (a send from this machine would stop).", severity="warning")]
    return []


def _problem(name: str, message: str, severity: str = "error") -> Problem:
    return Problem(CONFIG_FILE, f"{KEY}.{name}", message, severity=severity)

