"""Dates that surprise: an essay that goes on the site and is never emailed, and one scheduled so far
ahead that its year looks like a slip of the keyboard.

Both are warnings of ``letterpress check`` (and so of ``status``), naming the essay's file and the line:

- ``newsletter: true`` written in an essay dated before ``newsletter.since`` asks for a letter that
  ``publish`` will never send (:func:`~letterpress.model.letters.before_since`). Essays that only take
  the default get one line for all of them, on ``since`` itself: an adopted back catalogue is that rule
  at work, and a line per essay would bury everything else ``check`` says.
- an essay dated more than :data:`FAR_AHEAD` after the run's "now" stays off the site, the feeds and the
  newsletter until then: ``2062-12-06`` for ``2026-12-06`` passes every other check.
"""

from __future__ import annotations

from datetime import timedelta

from ..errors import Problem
from .essay import Essay
from .letters import SINCE_KEY, before_since
from .publication import Publication
from .settings import CONFIG_FILE

FAR_AHEAD = timedelta(days=365)


def date_problems(publication: Publication) -> list[Problem]:
    """For ``letterpress check``: :func:`never_emailed_problems`, then :func:`far_ahead_problems`."""
    return never_emailed_problems(publication) + far_ahead_problems(publication)


def never_emailed_problems(publication: Publication) -> list[Problem]:
    """:func:`asked_never_emailed`, then one warning for the essays that only default to ``newsletter``."""
    since = publication.settings.newsletter.since
    defaulted = sum(1 for essay in before_since(publication) if "newsletter" not in essay.meta)
    problems = asked_never_emailed(publication)
    if defaulted and since is not None:
        problems.append(Problem(CONFIG_FILE, SINCE_KEY, (
            f"{defaulted} essay{'s' if defaulted != 1 else ''} dated before {since.isoformat()} "
            f"{'are' if defaulted != 1 else 'is'} on the site and never emailed (by default: "
            f"{'they do' if defaulted != 1 else 'it does'} not set 'newsletter'). Set 'newsletter: false' to "
            "say so, or move 'since' back."), severity="warning"))
    return problems


def asked_never_emailed(publication: Publication) -> list[Problem]:
    """A warning for each essay that writes ``newsletter: true`` and is dated before ``newsletter.since``
    (``publish`` names them too: a letter asked for and never sent)."""
    since = publication.settings.newsletter.since
    essays = before_since(publication)  # none without 'since'
    return [_asked(essay, since.isoformat()) for essay in essays if "newsletter" in essay.meta] if since else []


def _asked(essay: Essay, since: str) -> Problem:
    return Problem(essay.source_path, "newsletter", (
        f"on the site, never emailed: it is dated {essay.date.date().isoformat()}, before newsletter.since "
        f"({since}); set 'newsletter: false' to say so, or move 'since'."),
        line=essay.lines.get("newsletter"), severity="warning")


def far_ahead_problems(publication: Publication) -> list[Problem]:
    """A warning for each essay (not a draft) dated more than :data:`FAR_AHEAD` after the run's "now"."""
    limit = publication.now() + FAR_AHEAD
    problems = []
    for essay in publication.essays:
        if essay.draft or essay.date <= limit:
            continue
        field = "date.created" if "date.created" in essay.lines else "date"
        problems.append(Problem(essay.source_path, field, (
            f"scheduled for {essay.date.date().isoformat()}: is the year right? Until that day the essay "
            "stays off the site, the feeds and the newsletter."), line=essay.lines.get(field), severity="warning"))
    return problems
