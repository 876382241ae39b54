"""Adopting an existing Material blog: what changes, shown as a diff, then written with a backup.

The flow is plan → show → apply. :func:`plan_adoption` reads the blog's ``mkdocs.yml`` and its
theme folder and decides every change without writing anything: the ``letterpress`` plugin
entry (with a ``newsletter:`` section and a fresh podcast guid, placeholders that ``check``
names) and the ``.gitignore`` lines for what git must never hold (the subscribers, trial letters, the key).
Our templates come with the package (the plugin finds them, :mod:`letterpress.site.theme`), so no
file of theirs is written over: one in their ``custom_dir`` named as one of ours (``main.html``)
would hide ours and refuses the whole adoption, naming it. Their settings stay as written (the edit is textual,
:mod:`letterpress.adopt.config_text`), checked by reading both texts with MkDocs' loader: the new
one must hold every setting of the old one, unchanged. A plan of an adopted blog is empty, so a
second run changes nothing.
"""

from __future__ import annotations

import difflib
import json
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import LetterpressError
from ..model.files import write_atomic
from ..site.loader import parse_mkdocs_yml
from ..site.theme import THEME_DIR
from .config_text import CONFIG, append_plugin

PLUGIN = "letterpress"
# What Letterpress writes beside the blog that git must never hold: the subscribers, trial letters, previews, the key.
IGNORED = ("newsletter/subscribers.sqlite3*", "newsletter/outbox/", "newsletter/preview/", ".letterpress/")


class AdoptionRefused(LetterpressError):
    """The blog cannot be adopted as it is; the message names the file and what to do."""


@dataclass(frozen=True)
class Change:
    """One file adoption writes: ``old`` is None for a new file."""

    path: str  # relative to the blog's folder
    new: bytes
    old: bytes | None = None


@dataclass
class Adoption:
    root: Path
    changes: list[Change] = field(default_factory=list)

    def diff(self) -> str:
        """What :func:`apply` would change: a unified diff of edited files, one line per new file."""
        parts = []
        for change in self.changes:
            if change.old is None:
                parts.append(f"new file: {change.path}\n")
                continue
            parts.extend(difflib.unified_diff(
                change.old.decode("utf-8").splitlines(keepends=True), change.new.decode("utf-8").splitlines(
                    keepends=True), fromfile=f"{change.path} (now)", tofile=f"{change.path} (adopted)"))
        return "".join(parts)


def plan_adoption(root: Path, today: date, guid: str | None = None) -> Adoption:
    """Every change that adopts the Material blog at ``root``; nothing is written.

    Args:
        today: the day sending starts (``newsletter.since``): the back catalogue is never mailed.
        guid: the podcast's guid (a fresh one when None).

    Raises:
        AdoptionRefused: no Material blog here, or a file both define differently.
    """
    path = root / CONFIG
    old_text = path.read_text(encoding="utf-8-sig")
    config = parse_mkdocs_yml(old_text)
    _require_blog(config)
    theme_dir, text = _custom_dir(config), old_text
    if theme_dir is not None:
        _refuse_clashes(root, theme_dir)
    if PLUGIN not in _plugin_names(config):
        text = append_plugin(text, plugin_entry(config, today, guid or str(uuid.uuid4())))
    adoption = Adoption(root)
    if text != old_text:
        _require_kept(config, parse_mkdocs_yml(text))
        adoption.changes.append(Change(CONFIG, text.encode("utf-8"), path.read_bytes()))
    adoption.changes.extend(_ignore_changes(root))
    return adoption


def apply(adoption: Adoption) -> list[str]:
    """Write the changes, each edited file first copied to a free ``NAME.bak``; the backups' paths."""
    backups = []
    for change in adoption.changes:
        target = adoption.root / change.path
        if change.old is not None:
            backup = _free_backup(target)
            write_atomic(backup, change.old)
            backups.append(backup.relative_to(adoption.root).as_posix())
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, change.new)
    return backups


def plugin_entry(config: dict, today: date, guid: str) -> list[str]:
    """The ``- letterpress:`` item's lines, its values quoted as YAML (JSON strings are YAML)."""
    name = str(config.get("site_name") or "this publication")
    return [
        "# Letterpress (added by `letterpress init`): feeds, podcast and newsletter. `letterpress check`",
        "# names what is left to fill in.",
        f"- {PLUGIN}:",
        "    timezone: UTC              # the timezone of your posts' dates, e.g. Europe/Lisbon",
        "    podcast:",
        "      enabled: false           # true: narrated posts become a podcast (artwork, category, owner)",
        f"      title: {json.dumps(name + ', read aloud', ensure_ascii=False)}",
        "      # Set once, never changed (not even when site_url does): podcast apps know the show by it.",
        f"      guid: {guid}",
        "    newsletter:",
        "      # The day sending starts: posts dated before it (the back catalogue) are never emailed.",
        f"      since: {today.isoformat()}",
        '      sender: ""               # e.g. "Your Name <letters@example.org>", the From of every letter',
        '      postal_address: ""       # bulk mail must carry a postal address',
        f"      reason: {json.dumps(f'You receive this because you subscribed to {name}.', ensure_ascii=False)}",
        "    sending:",
        "      messenger: maildir       # a trial into newsletter/outbox/; smtp sends",
        "      subscribers: newsletter/subscribers.sqlite3   # never in git",
    ]


def _require_blog(config: dict) -> None:
    theme = config.get("theme")
    theme_name = theme.get("name") if isinstance(theme, dict) else theme
    if theme_name != "material" or not {"blog", "material/blog"} & set(_plugin_names(config)):
        raise AdoptionRefused(f"{CONFIG}: not a Material blog (it needs 'theme: material' and the 'blog' plugin); "
                              "`letterpress init` adopts only those.")


def _plugin_names(config: dict) -> list[str]:
    plugins = config.get("plugins") or []
    if isinstance(plugins, dict):
        return [str(name) for name in plugins]
    return [str(next(iter(item))) if isinstance(item, dict) else str(item) for item in plugins]


def _custom_dir(config: dict) -> str | None:
    theme = config.get("theme")
    return str(theme["custom_dir"]) if isinstance(theme, dict) and theme.get("custom_dir") else None


def _require_kept(old: dict, new: dict) -> None:
    """Every setting of ``old`` is in ``new`` unchanged, but for what adoption adds."""
    if _without_ours(old, old) != _without_ours(new, old):
        raise AdoptionRefused(f"{CONFIG}: adding Letterpress would change a setting of yours (an unusual layout "
                              "of 'plugins:' or 'theme:'); add the plugin entry by hand (README, 'Adopting a blog').")


def _without_ours(config: dict, old: dict) -> dict:
    """``config`` without what adoption adds: our plugin, and ``custom_dir`` unless ``old`` had one."""
    theme = config.get("theme")
    theme = dict(theme) if isinstance(theme, dict) else {"name": theme}
    if _custom_dir(old) is None:
        theme.pop("custom_dir", None)
    plugins = [p for p in config.get("plugins") or [] if not (isinstance(p, dict) and PLUGIN in p)]
    return {**config, "theme": theme, "plugins": plugins}


def _refuse_clashes(root: Path, theme_dir: str) -> None:
    """Refuse a file of their ``custom_dir`` named as one of our templates: theirs would hide ours (the plugin
    finds ours from the package, after ``custom_dir``), and two templates cannot be merged."""
    folder = (root / theme_dir).resolve()
    clashes = [_shown(root, folder / relative) for relative in _our_templates() if (folder / relative).is_file()
               and (folder / relative).read_bytes() != (THEME_DIR / relative).read_bytes()]
    if clashes:
        raise AdoptionRefused(f"{clashes[0]}: your theme's custom_dir has its own {Path(clashes[0]).name}, and "
                              "Letterpress needs its own; two cannot be merged. Rename or remove yours "
                              "(and move what it does into another file) and run `letterpress init` again"
                              + (f" ({len(clashes) - 1} more: {', '.join(clashes[1:])})." if len(clashes) > 1
                                 else "."))


def _our_templates() -> list[str]:
    return sorted(p.relative_to(THEME_DIR).as_posix() for p in THEME_DIR.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def _ignore_changes(root: Path) -> list[Change]:
    """``.gitignore`` with the lines of :data:`IGNORED` it lacks appended (none when it has them all)."""
    path = root / ".gitignore"
    old = path.read_bytes() if path.exists() else None
    text = old.decode("utf-8", errors="replace") if old is not None else ""
    missing = [line for line in IGNORED if line not in text.splitlines()]
    if not missing:
        return []
    lead = "" if not text or text.endswith("\n") else "\n"
    added = "\n".join(["# Letterpress: never in git (subscribers, trial letters, previews, the signing key)", *missing])
    return [Change(".gitignore", (text + lead + added + "\n").encode("utf-8"), old)]


def _shown(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _free_backup(target: Path) -> Path:
    backup = target.with_name(target.name + ".bak")
    number = 2
    while backup.exists():
        backup = target.with_name(f"{target.name}.bak.{number}")
        number += 1
    return backup
