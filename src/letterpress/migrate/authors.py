"""Which author an imported essay gets, and new authors appended to ``.authors.yml`` as text.

The file is the author's, with their comments and order: it is never loaded and
dumped again (that would lose both). A new entry is added as lines at the end
of the ``authors:`` block, its values written as quoted YAML strings, and the
result is parsed again before it is written, so a file we cannot extend safely
is refused instead of broken.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..model.authors import authors_file
from ..model.files import write_atomic
from ..model.layout import DEFAULT_SLUGIFY as material_slugify
from ..model.settings import Settings
from .convert import plain_text
from .items import SourceError

NAME_CHARS = 100
AVATAR_SIZE = 128
AVATAR_GREY = (176, 176, 176)


@dataclass
class AuthorBook:
    """The authors the publication has (key -> name) and the ones this import adds."""

    settings: Settings
    known: dict[str, str]
    added: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return authors_file(self.settings)

    def keys_for(self, names: tuple[str, ...], chosen: str | None, source: str) -> list[str]:
        """The author keys of a post by ``names``, in order (``chosen`` is --author, which replaces them all)."""
        if chosen:
            return [chosen]
        keys = [self.key_for(name, None, source) for name in names if plain_text(name)]
        return list(dict.fromkeys(keys)) or [self.key_for("", None, source)]

    def key_for(self, name: str, chosen: str | None, source: str) -> str:
        """The author key of a post by ``name`` (``chosen`` is --author, which wins)."""
        if chosen:
            return chosen
        name = plain_text(name)[:NAME_CHARS]  # a name with markup or control characters is its text
        for key, known_name in {**self.known, **self.added}.items():
            if known_name.casefold() == name.casefold() and name:
                return key
        key = material_slugify(name, "-") if name else ""
        if key in self.known or key in self.added:
            return key
        if not key:
            if self.known:
                return next(iter(self.known))
            raise SourceError(f"the {source} names no author and {self._shown()} has none; "
                              "pass --author KEY with a key you add there.")
        self.added[key] = name
        return key

    def name_of(self, key: str) -> str:
        return {**self.known, **self.added}.get(key, key)

    def save(self, source: str) -> None:
        """Append the new authors to ``.authors.yml`` and write each a placeholder avatar."""
        if not self.added:
            return
        text = self.path.read_text(encoding="utf-8-sig") if self.path.exists() else "authors:\n"
        updated = _with_entries(text, self._entries(source), self._shown())
        for key in self.added:
            write_atomic(self.settings.docs_dir / self._avatar(key), _avatar_png())
        write_atomic(self.path, updated)

    def _avatar(self, key: str) -> str:
        return self.settings.layout.in_blog(f"images/avatars/{key}.png")

    def _entries(self, source: str) -> dict[str, dict[str, str]]:
        return {key: {"name": name, "description": f"Imported from {source}; write a short bio here.",
                      "avatar": self._avatar(key)} for key, name in self.added.items()}

    def _shown(self) -> str:
        return self.path.relative_to(self.settings.root).as_posix()


def load_book(settings: Settings, chosen: str | None) -> AuthorBook:
    """The publication's authors; ``chosen`` (--author) must be one of them.

    Raises:
        SourceError: ``chosen`` is not in ``.authors.yml``.
    """
    from ..model.authors import load_authors

    authors, _ = load_authors(settings)
    book = AuthorBook(settings, {key: author.name for key, author in authors.items()})
    if chosen and chosen not in book.known:
        known = ", ".join(book.known) or "none"
        raise SourceError(f"--author {chosen}: no such author in {book._shown()} (known: {known}); "
                          "add them there first or leave --author out.")
    return book


def _with_entries(text: str, entries: dict[str, dict[str, str]], shown: str) -> str:
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"authors:\s*(#.*)?$", line)), None)
    if start is None:
        raise SourceError(f"{shown} has no 'authors:' block at the start of a line; add the new authors "
                          "by hand, or pass --author KEY.")
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"[^\s#]", lines[i])), len(lines))
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1  # blank lines and comments after the last entry stay after the new ones
    indent = next((re.match(r"\s+", line).group() for line in lines[start + 1:end]  # type: ignore[union-attr]
                   if line.strip() and not line.lstrip().startswith("#")), "  ")
    block = "".join(f"{indent}{key}:\n" + "".join(f"{indent * 2}{name}: {json.dumps(value, ensure_ascii=False)}\n"
                                                  for name, value in entry.items())
                    for key, entry in entries.items())
    before = "".join(lines[:end])
    if before and not before.endswith("\n"):
        before += "\n"
    updated = before + block + "".join(lines[end:])
    _check_entries(updated, entries, shown)
    return updated


def _check_entries(text: str, entries: dict[str, dict[str, str]], shown: str) -> None:
    try:
        authors = (yaml.safe_load(text) or {}).get("authors") or {}
    except (yaml.YAMLError, AttributeError):
        authors = {}
    if any(not isinstance(authors, dict) or authors.get(key) != entry for key, entry in entries.items()):
        raise SourceError(f"{shown} could not be extended safely (its layout is unusual); add the new "
                          f"authors ({', '.join(entries)}) by hand, or pass --author KEY.")


def _avatar_png() -> bytes:
    """A plain grey square: Material needs an avatar, and the author replaces it."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (AVATAR_SIZE, AVATAR_SIZE), AVATAR_GREY).save(buffer, format="PNG")
    return buffer.getvalue()
