"""Files the build writes beside MkDocs' pages: feeds, chapters, email web versions.

Each writer is a plain function ``(publication, site_dir) -> None`` over the
Essay model and an output folder; the MkDocs plugin calls :func:`write_all`
after its build, and another site generator's adapter could do the same.
Writers register themselves in ``WRITERS`` (see ``letterpress.feeds`` etc.).
"""

from __future__ import annotations

from pathlib import Path

from .extensions import load_extensions
from .publication import Publication

WRITERS: list = []


def write_all(publication: Publication, site_dir: Path) -> None:
    """Run every registered writer for the published essays."""
    load_extensions()
    for writer in WRITERS:
        writer(publication, site_dir)
