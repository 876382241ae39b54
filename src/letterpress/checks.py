"""``letterpress check``: every problem with the essays and the config, at once."""

from __future__ import annotations

from .errors import Problem, ProblemsError
from .extensions import load_extensions
from .publication import Publication

# Writers (feeds, podcast, newsletter) register extra checks here, each a
# function (publication) -> list[Problem], so `check` and the build agree.
CHECKS: list = []


def check_publication(publication: Publication) -> list[Problem]:
    """Problems of the essays, then those of each registered check."""
    problems = list(publication.problems)
    load_extensions()
    for check in CHECKS:
        problems.extend(check(publication))
    return problems


def raise_for_errors(publication: Publication) -> list[Problem]:
    """Raise :class:`ProblemsError` when any check finds an error; return the warnings."""
    problems = check_publication(publication)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise ProblemsError(errors)
    return problems
