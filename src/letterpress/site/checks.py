"""Checks of what a bare engine build would publish (``zensical build``, or MkDocs without our plugin).

Material's blog (and Zensical's) leaves a post out when it says ``draft: true``
and, with ``draft_if_future_date: true``, when it is dated in the future. That is
the defence for someone who runs the engine by hand; it has Material's limits: a
post with any ``draft:`` key is judged by that key alone, and dates are compared
in UTC. When Letterpress drives the build it schedules by itself, in the
publication's timezone, so these are warnings, never errors.
"""

from __future__ import annotations

from ..errors import Problem
from ..model.essay import State
from ..model.publication import Publication
from ..model.settings import CONFIG_FILE

OPTION = "draft_if_future_date"


def bare_build_problems(publication: Publication) -> list[Problem]:
    """A warning when a bare engine build would publish a scheduled essay."""
    problems = []
    if publication.settings.blog_options.get(OPTION) is not True:
        problems.append(Problem(
            CONFIG_FILE, f"plugins.blog.{OPTION}",
            f"not set: a bare 'zensical build' (or mkdocs without Letterpress) would publish scheduled "
            f"essays; add '{OPTION}: true' under '- blog:'.", severity="warning"))
    now = publication.now()
    for essay in publication.essays:
        if essay.state(now) is State.SCHEDULED and "draft" in essay.meta:
            problems.append(Problem(
                essay.source_path, "draft",
                "a scheduled essay with a 'draft:' line is published by a bare engine build "
                "(Material judges it by that line alone); remove the 'draft:' line.", severity="warning"))
    return problems
