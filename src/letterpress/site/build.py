"""Build the site with its engine into a fresh folder and swap it into place.

A failed build leaves the previous site untouched: the engine writes into a
temporary sibling folder, which replaces ``site/`` only when the build succeeded.
The essays are read and checked once (:func:`read_checked`, with the run's options the
caller made at its edge), whatever the engine: MkDocs gets the publication handed to its
plugin (which reads by itself only in a bare ``mkdocs build``); Zensical, which runs no
plugin, a staged copy (:mod:`.zensical`).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError, PluginError

from ..checks import raise_for_errors
from ..errors import LetterpressError
from ..model.files import swap_directory
from ..model.options import RunOptions
from ..model.publication import Publication, load_publication
from ..model.settings import ENGINES
from .loader import load_settings
from .options import PUBLISHED, BuildOptions
from .plugin import hand_over
from .registry import SITE_CHECKS
from .zensical import build_with_zensical

MKDOCS_ERRORS = (PluginError, ConfigurationError, Abort)


class BuildError(LetterpressError):
    """MkDocs could not build the site; the message says why."""


def read_checked(root: Path, run_options: RunOptions) -> Publication:
    """The publication at ``root``, read for a run with ``run_options`` and checked by the build's checks.

    Its problems reach the caller as a :class:`ProblemsError` (one line each) rather than
    inside the engine's log.
    """
    publication = load_publication(load_settings(root), run_options)
    raise_for_errors(publication, SITE_CHECKS)
    return publication


def build_site(publication: Publication, site_dir: Path | None = None, strict: bool = False,
               engine: str | None = None) -> Path:
    """Build ``publication`` (read and checked: :func:`read_checked`) into ``site_dir`` (default ``root/site``).

    ``engine``: ``mkdocs`` or ``zensical``; default: the ``site.engine`` setting.

    Returns:
        The folder holding the built site.

    Raises:
        BuildError: with MkDocs' or Letterpress' message; the old site is kept.
    """
    target = (site_dir or publication.settings.root / "site").resolve()
    build_and_swap(publication, target, strict=strict, engine=engine)
    return target


def build_and_swap(publication: Publication, target: Path, strict: bool = False, engine: str | None = None,
                   options: BuildOptions = PUBLISHED) -> Publication:
    """Build into a temporary sibling of ``target``, then swap it into place.

    Returns:
        The publication built. On any error (or an interrupt) the temporary
        folder is removed and ``target`` is left as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        build_into(publication, staging, strict=strict, engine=engine, options=options)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_directory(staging, target)
    return publication


def build_into(publication: Publication, site_dir: Path, strict: bool = False, engine: str | None = None,
               options: BuildOptions = PUBLISHED) -> None:
    """Build ``publication``, read and checked by the caller, into the empty folder ``site_dir`` (no swap).

    No essay is read again.
    """
    engine = engine or publication.settings.site.engine
    if engine == "zensical":
        build_with_zensical(publication, site_dir, strict=strict, options=options)
    elif engine == "mkdocs":
        build_with_mkdocs(publication, site_dir, strict=strict, options=options)
    else:
        raise BuildError(f"'{engine}' is not a site engine; use one of: {', '.join(ENGINES)}.")


def _start_plugins(config) -> None:
    """Start the plugins as ``mkdocs build`` does, in a process that may have built before.

    MkDocs keeps one instance of each plugin with start-up or shut-down hooks for the whole
    process. Material's blog makes its temporary folder when it is made and removes it on
    shutdown, so from the second build on the folder is made again here; otherwise a build that
    fails before the blog writes there ends in a FileNotFoundError from the shutdown, which hides
    the build's own error (and stopped the preview's rebuilds).
    """
    for plugin in config.plugins.values():
        folder = getattr(plugin, "temp_dir", None)
        if isinstance(folder, str):
            os.makedirs(folder, exist_ok=True)
    config.plugins.on_startup(command="build", dirty=False)


def build_with_mkdocs(publication: Publication, site_dir: Path, strict: bool = False,
                      options: BuildOptions = PUBLISHED) -> None:
    """Run ``mkdocs build`` for ``publication`` into ``site_dir``, its plugin handed ``publication`` and ``options``."""
    try:
        config = load_config(str(publication.settings.config_path), site_dir=str(site_dir), strict=strict)
    except MKDOCS_ERRORS as error:
        raise BuildError(str(error)) from None
    # As `mkdocs build` does: Material's blog removes its temporary folder on shutdown.
    hand_over(config, publication, options)
    _start_plugins(config)
    errors = _ErrorLines()
    logging.getLogger("mkdocs").addHandler(errors)
    try:
        build(config)
    except MKDOCS_ERRORS as error:  # MkDocs logs a plugin's or a hook's message and aborts without it
        raise BuildError("; ".join(errors.lines) or str(error)) from None
    finally:
        logging.getLogger("mkdocs").removeHandler(errors)
        config.plugins.on_shutdown()


class _ErrorLines(logging.Handler):
    """The error lines MkDocs logs during one build (its ``Abort`` carries none of them)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())
