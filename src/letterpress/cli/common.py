"""Helpers shared by the ``letterpress`` command modules (``cli`` and its groups).

They live here rather than in :mod:`letterpress.cli`, so the group modules need not
import ``cli`` back (``cli`` imports them to add their groups).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model.publication import Publication


def load_current_publication() -> Publication:
    """The publication in the current folder (the one with mkdocs.yml), read and checked, for a run
    with the environment's options (:func:`letterpress.model.options.from_environment`: the CLI is the edge).

    It can capture the engine's HTML of an essay no build has made yet (:mod:`letterpress.site.capture`).
    """
    from ..model.options import from_environment
    from ..site.capture import load_for_outputs

    return load_for_outputs(None, from_environment())


def warn_on_changed_key(root: Path) -> None:
    """On stderr: the key this command signs with is not the one the last sent letters were signed with."""
    import click

    from ..tokens import key_change_problem

    problem = key_change_problem(root)
    if problem is not None:
        click.echo(str(problem), err=True)
