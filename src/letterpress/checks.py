"""``letterpress check``: every problem with the essays and the config, at once.

The checks are written out here, as ``module:function`` names imported on first
use: importing a module registers nothing, and a command imports only the
subsystems whose checks it runs. A site build runs :data:`SITE_CHECKS` (what
the site, its feeds and email web versions are made of); ``letterpress check``
and ``publish`` run :data:`CHECKS`, which adds the sections of the config that
only sending, the sign-up service and publishing read (so a site build never
imports SMTP, DKIM, Starlette or the deploy code).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from .errors import Problem, ProblemsError
from .model.publication import Publication

Check = Callable[[Publication], list[Problem]]

SITE_CHECKS = (
    "letterpress.model.symlinks:symlink_problems",
    "letterpress.model.markers:unfinished_problems",
    "letterpress.feeds.checks:feed_problems",
    "letterpress.newsletter.check:config_check",
    "letterpress.site.checks:bare_build_problems",
    "letterpress.site.fidelity:layout_problems",
    "letterpress.model.site_map:page_problems",
    "letterpress.site.redirects:alias_problems",
)
CHECKS = SITE_CHECKS + (
    "letterpress.sending.checks:sending_problems",
    "letterpress.service.context:check_service",
    "letterpress.publishing.deploy:check_publication_options",
    "letterpress.model.letters:since_problems",
)


def resolve(name: str) -> Callable:
    """The function a ``module:function`` name points at, importing its module."""
    module, _, function = name.partition(":")
    return getattr(importlib.import_module(module), function)


def check_publication(publication: Publication, checks: Iterable[str] = CHECKS) -> list[Problem]:
    """Problems of the essays, then those of each check in ``checks`` (default: all of them)."""
    problems = list(publication.problems)
    for name in checks:
        problems.extend(resolve(name)(publication))
    return problems


def raise_for_errors(publication: Publication, checks: Iterable[str] = CHECKS) -> list[Problem]:
    """Raise :class:`ProblemsError` when any check finds an error; return the warnings."""
    problems = check_publication(publication, checks)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise ProblemsError(errors)
    return problems
