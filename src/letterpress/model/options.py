"""What a command's run takes from outside the publication's files: the clock, git dates, drafts.

A :class:`RunOptions` value is made once, at the edge (the ``letterpress`` command, or the
MkDocs plugin in a bare ``mkdocs build``), and handed down with the publication
(:func:`letterpress.model.publication.load_publication`). Nothing below the edge reads the
environment: :func:`from_environment` is the one reader of ``LETTERPRESS_NOW`` and
``LETTERPRESS_GIT_DATES``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from ..errors import LetterpressError

NOW_VARIABLE = "LETTERPRESS_NOW"
# LETTERPRESS_GIT_DATES=0 ignores git history: output then depends on the files alone
# (the test suite's golden files, or a build that must match on any clone).
GIT_DATES_VARIABLE = "LETTERPRESS_GIT_DATES"


@dataclass(frozen=True)
class RunOptions:
    """Inputs that change what a command answers, though no file says them.

    Attributes:
        now: a fixed "now" (``LETTERPRESS_NOW``), for tests and previews; None: the real clock.
            Without an offset it is read in the publication's time zone.
        git_dates: take "Updated" dates from git history (off: from the files alone).
        drafts: drafts are previewed, marked as such (``letterpress serve``): pages and web versions.
    """

    now: datetime | None = None
    git_dates: bool = True
    drafts: bool = False

    def current(self, tz: tzinfo = UTC) -> datetime:
        """The current time as an aware datetime in ``tz``: the fixed ``now``, else the clock's."""
        if self.now is None:
            return datetime.now(tz)
        fixed = self.now if self.now.tzinfo is not None else self.now.replace(tzinfo=tz)
        return fixed.astimezone(tz)


def from_environment(environ: Mapping[str, str] = os.environ) -> RunOptions:
    """The run's options as ``environ`` gives them; called only at the edge.

    ``LETTERPRESS_NOW`` (ISO 8601 date or date-time) fixes the clock;
    ``LETTERPRESS_GIT_DATES=0`` ignores git history. Drafts are never previewed
    from the environment: only ``letterpress serve`` asks for them.

    Raises:
        LetterpressError: ``LETTERPRESS_NOW`` is not an ISO date-time.
    """
    return RunOptions(now=_fixed_now(environ.get(NOW_VARIABLE, "").strip()),
                      git_dates=environ.get(GIT_DATES_VARIABLE, "").strip() != "0")


def _fixed_now(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise LetterpressError(
            f"environment {NOW_VARIABLE}={value!r} is not an ISO date-time; "
            "use e.g. 2026-01-15T09:00 or unset it."
        ) from None
