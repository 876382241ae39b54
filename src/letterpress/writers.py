"""Files the build writes beside the engine's pages: feeds, chapters, email web versions, redirects.

Each writer is a plain function ``(publication, site_dir) -> None`` over the
Essay model and an output folder; the MkDocs plugin calls :func:`write_all`
after its build, and another site engine's adapter can do the same. The list is
written out here (``module:function``, imported on first use); importing a
module registers nothing.
"""

from __future__ import annotations

from pathlib import Path

from .checks import resolve
from .model.publication import Publication

WRITERS = (
    "letterpress.feeds:write_feeds",
    "letterpress.newsletter.web:write_web_versions",
    # Last: it refuses to write over any file the engine or another writer made.
    "letterpress.site.redirects:write_redirects",
)


def write_all(publication: Publication, site_dir: Path) -> None:
    """Run every writer for the published essays."""
    for name in WRITERS:
        resolve(name)(publication, site_dir)
