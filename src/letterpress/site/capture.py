"""The engine's HTML for commands that need it outside a site build (letters, previews, checks).

A letter carries the essay's HTML as the site engine makes it
(:mod:`letterpress.render.once`). A build captures it for every page it makes,
and the cache keeps it; an essay the cache does not hold (a draft, a scheduled
essay, a text edited since the last build) is captured by one build of every
essay, drafts and scheduled ones included, into a scratch folder that is
removed after. The build runs the same engine and settings as the site's, so the
letter can never carry HTML the page would not show.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..model.options import RunOptions
from ..model.publication import Publication, load_publication
from ..render.once import has_html
from .options import EVERY_ESSAY


def load_for_outputs(root: Path | None, run_options: RunOptions) -> Publication:
    """The publication at ``root`` (None: the working folder) for a run with ``run_options``,
    able to capture the HTML it lacks."""
    from .loader import load_settings

    return attach(load_publication(load_settings(root), run_options))


def attach(publication: Publication) -> Publication:
    """Let ``publication`` capture the engine's HTML of essays that have none (one build, when first asked)."""
    publication.capture_missing = capture_every_essay
    return publication


def capture_every_essay(publication: Publication) -> None:
    """Build every essay once into a scratch folder, keeping each page's HTML; writes no site.

    Runs at most once per publication: an essay still without HTML afterwards is an
    error for the caller to report, not a reason to build again.
    """
    from .build import build_into

    publication.capture_missing = None
    if all(has_html(publication, essay) for essay in publication.essays):
        return
    folder = Path(tempfile.mkdtemp(prefix="letterpress-capture-"))
    try:
        (folder / "site").mkdir()
        build_into(publication, folder / "site", options=EVERY_ESSAY)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
