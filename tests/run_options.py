"""The run's options the tests pass: the sample's clock and no git dates.

Nothing sets them in ``os.environ`` for the session. In-process code is handed
:data:`SAMPLE` (``load_publication(settings, SAMPLE)``); the command, the edge that reads
the environment, gets :data:`SAMPLE_ENV`: ``CliRunner(env=SAMPLE_ENV)`` in-process, or
``env=child_env()`` for a child process.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime

from letterpress.model.options import GIT_DATES_VARIABLE, NOW_VARIABLE, RunOptions

# A fixed "now" so the future-dated sample essay stays scheduled and output is stable.
SAMPLE_NOW = "2026-11-01T12:00:00"
# Golden files must not depend on this clone's git history (or on it being shallow);
# tests of git dates turn them back on in their own repositories.
SAMPLE = RunOptions(now=datetime.fromisoformat(SAMPLE_NOW), git_dates=False)
PREVIEW = replace(SAMPLE, drafts=True)  # as `letterpress serve` runs
SAMPLE_ENV = {NOW_VARIABLE: SAMPLE_NOW, GIT_DATES_VARIABLE: "0", "NO_MKDOCS_2_WARNING": "1"}


def at(now: str, **changes) -> RunOptions:
    """The sample's options at another ``now`` (ISO text, as LETTERPRESS_NOW takes it)."""
    return replace(SAMPLE, now=datetime.fromisoformat(now), **changes)


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child ``letterpress`` or ``mkdocs``: this one, with the sample's options."""
    return {**os.environ, **SAMPLE_ENV, **extra}
