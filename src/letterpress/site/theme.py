"""Letterpress's own templates and assets for the site, found by the engine from the package.

The essay page, the listing entry, the player, the sign-up form, the author's note and
their stylesheets and scripts ship inside the package (``letterpress/templates/site/``),
so a publication's ``custom_dir`` holds only what its author changed. With MkDocs the
plugin puts the folder on the theme's search path, after ``custom_dir`` and before
Material's own templates: a file of the author's with the same name wins. Zensical has
one ``custom_dir`` and runs no plugin of ours, so its staged copy (:func:`overlay`) is
our folder with the author's files laid over it.
"""

from __future__ import annotations

import os
from pathlib import Path

THEME_DIR = Path(__file__).resolve().parent.parent / "templates" / "site"


def add_to_search_path(theme) -> None:
    """Put :data:`THEME_DIR` on an MkDocs theme's search path, just after its ``custom_dir`` (once)."""
    folder = str(THEME_DIR)
    if folder in theme.dirs:
        return
    theme.dirs.insert(1 if theme.custom_dir else 0, folder)


def overlay(custom_dir: Path | None, target: Path) -> Path:
    """``target`` as one folder of links: our templates, then the author's ``custom_dir`` over them.

    Links, not copies (the engine only reads them); returns ``target``.
    """
    for source in (THEME_DIR, custom_dir):
        if source is not None and source.is_dir():
            _link_over(source, target)
    return target


def _link_over(source: Path, target: Path) -> None:
    for folder, _dirs, files in os.walk(source, followlinks=True):
        relative = Path(folder).relative_to(source)
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in files:
            if name.endswith((".pyc", ".pyo")):
                continue
            link = target / relative / name
            if link.is_symlink():
                link.unlink()  # the author's file replaces ours
            link.symlink_to(Path(folder, name).resolve())
