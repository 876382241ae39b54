"""Running checks: each is a function ``(publication) -> list[Problem]``.

Each list of checks lives where it is composed, as real functions that mypy and
import-linter can see: the site's in :mod:`letterpress.site.registry` (every build
runs them), the whole list for ``letterpress check``, ``status`` and ``publish`` in
:mod:`letterpress.cli.checks`, which adds the sections of the config that only
sending, the sign-up service and publishing read (so a site build never imports
SMTP, DKIM, Starlette or the deploy code).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .errors import Problem, ProblemsError
from .model.publication import Publication

Check = Callable[[Publication], list[Problem]]


def check_publication(publication: Publication, checks: Iterable[Check]) -> list[Problem]:
    """Problems of the essays, then those of each check in ``checks``."""
    problems = list(publication.problems)
    for check in checks:
        problems.extend(check(publication))
    return problems


def raise_for_errors(publication: Publication, checks: Iterable[Check]) -> list[Problem]:
    """Raise :class:`ProblemsError` when any check finds an error; return the warnings."""
    problems = check_publication(publication, checks)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise ProblemsError(errors)
    return problems
