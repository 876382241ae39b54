"""``letterpress init`` in an existing Material blog: adopt it, keeping every setting and address of theirs.

:mod:`.plan` decides the changes (plan → show as a diff → apply with backups);
:mod:`.config_text` edits ``mkdocs.yml`` as text. :func:`bundled_theme` finds the
site templates the plugin's pages need, which adoption merges into the blog's theme folder.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import LetterpressError


def bundled_theme() -> Path:
    """Our site templates: the package's ``templates/site/`` when shipped there, else the checkout's ``overrides/``."""
    package = Path(__file__).resolve().parent.parent
    for folder in (package / "templates" / "site", package.parents[1] / "overrides"):
        if (folder / "essay.html").is_file():
            return folder
    raise LetterpressError("the site templates did not come with this installation of Letterpress; reinstall it.")
