"""Build the site with Zensical, Material's successor, from a staged copy of the publication.

Zensical runs no plugin of ours, so :mod:`letterpress.site.staging` hands it
everything the pages need before its build; after it, the same writers as with
MkDocs write the feeds, chapters and email web versions, and the pages get what
is not a page fact: the "Listen from here" links (and, in ``serve``, the reload
script). Zensical runs in a child process: it keeps its configuration in
process-wide state, and a panic in its core must not take the command with it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import LetterpressError, ProblemsError
from ..model.publication import Publication
from . import staging
from .article import capture_articles
from .fidelity import missing_pages, zensical_problems
from .options import PUBLISHED, BuildOptions
from .pages import finish_pages
from .registry import write_all

INSTALL_HINT = ("Zensical is not installed; install it with "
                ".venv/bin/pip install -c constraints.txt -e '.[zensical]' (or choose engine mkdocs).")
OUTPUT_LINES = 12  # of Zensical's output, in an error message


class ZensicalError(LetterpressError):
    """Zensical could not build the site; the message says why."""


def build_with_zensical(publication: Publication, site_dir: Path, strict: bool = False,
                        options: BuildOptions = PUBLISHED) -> None:
    """Build ``publication`` into the empty folder ``site_dir`` with Zensical, then run the writers.

    Each essay's HTML is taken out of its built page (:mod:`.article`) before anything
    is added to the pages, so feeds and letters carry what Zensical made.

    Raises:
        ProblemsError: a setting Zensical cannot honour, or an essay's page not where Letterpress links it.
        ZensicalError: Zensical is missing, or failed.
    """
    if importlib.util.find_spec("zensical") is None:
        raise ZensicalError(INSTALL_HINT)
    errors = [problem for problem in zensical_problems(publication.settings) if problem.is_error]
    if errors:
        raise ProblemsError(errors)
    folder = Path(tempfile.mkdtemp(prefix=".letterpress-zensical-", dir=site_dir.parent))
    try:
        config = staging.stage(publication, folder, options)
        _run_zensical(config, strict)
        site_dir.rmdir()
        (folder / "site").rename(site_dir)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    shown = options.visible(publication)
    missing = missing_pages(publication, shown, site_dir)
    if missing:
        raise ProblemsError(missing)
    capture_articles(publication, shown, site_dir)
    finish_pages(publication, site_dir, options)
    if options.writers:
        write_all(publication, site_dir, local=bool(options.live_reload))


def _run_zensical(config: Path, strict: bool) -> None:
    command = [sys.executable, "-m", "zensical", "build", "--clean", "-f", str(config)]
    if strict:
        command.append("--strict")
    result = subprocess.run(command, cwd=config.parent, capture_output=True, text=True,
                            env={**os.environ, "NO_COLOR": "1"}, check=False)
    if result.returncode != 0 or not (config.parent / "site").is_dir():
        output = (result.stderr or result.stdout).strip().splitlines()[-OUTPUT_LINES:]
        raise ZensicalError("Zensical could not build the site:\n  " + "\n  ".join(output or ["(no output)"]))
