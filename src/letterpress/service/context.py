"""What the service needs to run, checked once before it starts.

:func:`prepare` turns the publication's settings and its signing key
(``LETTERPRESS_SECRET``, else the publication's ``.letterpress/secret``) into a
:class:`ServiceContext`, or refuses with every problem at once: the service holds
other people's addresses, so it does not start half-configured.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .. import tokens
from ..errors import Problem, ProblemsError
from ..model import urls
from ..model.layout import SERVICE_PAGES
from ..model.publication import Publication
from ..model.settings import CONFIG_FILE, Settings
from ..subscribers.paths import store_path
from .limits import LimitSpecError, parse_limits
from .security import origin_of

# The publication's own pages the service sends people to (docs/subscribe/*.md), as addresses:
# "subscribe/thanks/" and so on.
THANKS_PAGE, CONFIRMED_PAGE, UNSUBSCRIBED_PAGE = (page.removesuffix(".md") + "/" for page in SERVICE_PAGES)
MIN_SECRET_LENGTH = 16
KEY = "plugins.letterpress.service"


class WeakSecretError(tokens.SecretMissingError):
    """``LETTERPRESS_SECRET`` is too short to sign links that guard people's subscriptions."""


@dataclass(frozen=True)
class ServiceContext:
    """The checked facts every request uses.

    Attributes:
        settings: the publication's settings.
        secret: the signing key (:func:`letterpress.tokens.secret_key`).
        list_name: the list the tokens name (``tokens.list_id``).
        allowed_origins: origins whose forms may post: the site's (``/subscribe``) and the service's
            own (its confirm page's button).
        store_path: the subscriber file, shared with ``letterpress newsletter send``.
    """

    settings: Settings
    secret: str = field(repr=False)  # never printed, whatever prints the context
    list_name: str
    allowed_origins: frozenset[str]
    store_path: Path

    @property
    def options(self):
        return self.settings.service

    @property
    def confirm_max_age(self) -> int:
        """How long a confirmation link works, in seconds."""
        return self.options.confirm_hours * 3600

    def site_page(self, path: str) -> str:
        """An absolute URL on the publication's site; every redirect goes to one of these."""
        return self.settings.absolute_url(path)


def prepare(settings: Settings) -> ServiceContext:
    """Check the config and the secret; the context for :func:`letterpress.service.create_app`.

    Raises:
        SecretMissingError: no signing key, neither ``LETTERPRESS_SECRET`` nor ``.letterpress/secret``
            (or :class:`WeakSecretError`: too short).
        ProblemsError: every config problem, each naming its ``mkdocs.yml`` key.
    """
    secret = tokens.secret_key(settings.root)
    if len(secret) < MIN_SECRET_LENGTH:
        raise WeakSecretError(
            f"the signing key ({tokens.key_source(settings.root)}) is only {len(secret)} characters; the service "
            f"needs at least {MIN_SECRET_LENGTH}. Make one with `letterpress secret` (letters already sent "
            "keep working only with the key they were signed with).")
    problems = service_problems(settings, required=True)
    if problems:
        raise ProblemsError(problems)
    origins = frozenset({allowed_origin(settings), origin_of(tokens.service_url(settings))})
    return ServiceContext(settings=settings, secret=secret, list_name=tokens.list_id(settings),
                          allowed_origins=origins,
                          store_path=store_path(settings))


def allowed_origin(settings: Settings) -> str:
    """``service.allowed_origin``, or else the origin of ``site_url``."""
    return origin_of(settings.service.allowed_origin or settings.site_url)


def service_problems(settings: Settings, required: bool = False) -> list[Problem]:
    """What is wrong with the ``service`` section (and, when ``required``, what the service lacks)."""
    options = settings.service
    problems = []
    if required:
        problems.extend(_required_problems(settings))
    if options.allowed_origin and not _is_origin(options.allowed_origin):
        problems.append(_problem("allowed_origin", f"{options.allowed_origin!r} is not an origin; write "
                                 "the site's scheme and host only, e.g. 'https://example.org'."))
    if options.confirm_hours < 1:
        problems.append(_problem("confirm_hours", "must be at least 1 (hours a confirmation link works)."))
    if not 1024 <= options.max_body_bytes <= 1_048_576:
        problems.append(_problem("max_body_bytes", "must be between 1024 and 1048576 (bytes)."))
    if options.root_path and (not options.root_path.startswith("/") or options.root_path.endswith("/")):
        problems.append(_problem("root_path", f"{options.root_path!r}: write it like '/service' "
                                 "(a leading slash, none at the end)."))
    for key in ("limit_per_ip", "limit_per_address"):
        try:
            parse_limits(getattr(options, key))
        except LimitSpecError as error:
            problems.append(_problem(key, str(error)))
    return problems


def _required_problems(settings: Settings) -> list[Problem]:
    from ..newsletter.addresses import config_problems  # sender, postal address, service.url

    problems = list(config_problems(settings))
    if not urls.is_web_url(settings.site_url):
        problems.append(Problem(CONFIG_FILE, "site_url", "is missing; the service sends people back to the "
                                "site's pages. Add e.g. 'site_url: https://example.org/'."))
    return problems


def check_service(publication: Publication) -> list[Problem]:
    """``letterpress check``: the service section, when the publication configures the service."""
    settings = publication.settings
    return service_problems(settings) if settings.service.url.strip() else []


def _is_origin(value: str) -> bool:
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and parts.path in ("", "/") \
        and not parts.query and not parts.fragment


def _problem(key: str, message: str) -> Problem:
    return Problem(CONFIG_FILE, f"{KEY}.{key}", message)
