"""``letterpress check``: every problem with the essays and the config, at once."""

from __future__ import annotations

from .errors import Problem
from .publication import Publication

# Writers (feeds, podcast, newsletter) register extra checks here, each a
# function (publication) -> list[Problem], so `check` and the build agree.
CHECKS: list = []


def check_publication(publication: Publication) -> list[Problem]:
    """Problems of the essays, then those of each registered check."""
    problems = list(publication.problems)
    for check in CHECKS:
        problems.extend(check(publication))
    return problems
