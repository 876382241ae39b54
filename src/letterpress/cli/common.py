"""Helpers shared by the ``letterpress`` command modules (``cli`` and its groups).

They live here rather than in :mod:`letterpress.cli`, so the group modules need not
import ``cli`` back (``cli`` imports them to add their groups).
"""

from __future__ import annotations

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
