"""What every build checks and writes, as real functions: the site adapters run these.

``SITE_CHECKS`` are the checks the site, its feeds and email web versions depend on (every
build runs them, and ``letterpress check`` runs them first). ``WRITERS`` write the files beside
the engine's pages, in order; each is ``(publication, output) -> None``, takes everything from the
publication and writes through ``output``, the site's one writer, so either engine's adapter can
run them (:func:`write_all`) and no output replaces a page or another output.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..checks import Check
from ..feeds import write_feeds
from ..feeds.checks import feed_problems
from ..model.markers import unfinished_problems
from ..model.narrations import format_problems
from ..model.publication import Publication
from ..model.site_map import page_problems
from ..model.site_output import SiteOutput, output_problems
from ..model.symlinks import symlink_problems
from ..newsletter.check import config_check
from ..newsletter.web import write_web_versions
from .checks import bare_build_problems
from .fidelity import layout_problems
from .redirects import alias_problems, write_redirects
from .sitemap import write_sitemap

Writer = Callable[[Publication, SiteOutput], None]

SITE_CHECKS: tuple[Check, ...] = (
    symlink_problems,
    unfinished_problems,
    feed_problems,
    format_problems,
    config_check,
    bare_build_problems,
    layout_problems,
    page_problems,
    alias_problems,
    output_problems,
)
WRITERS: tuple[Writer, ...] = (
    write_feeds,
    write_web_versions,
    write_sitemap,  # the engine's, without the sign-up service's pages
    write_redirects,  # last: a redirect from a moved address gives way to any other file
)


def write_all(publication: Publication, site_dir: Path, local: bool = False) -> None:
    """Run every writer for the published essays, through one :class:`SiteOutput` of ``site_dir``.

    ``local``: a preview's build (``letterpress serve``), whose redirects stay on the preview's address.
    """
    output = SiteOutput(publication, site_dir, local)
    for writer in WRITERS:
        writer(publication, output)
