"""The edits adoption makes to the author's ``mkdocs.yml``, made on its text so every byte of theirs stays.

ruamel.yaml would round-trip comments and MkDocs' tags (``!!python/name:``, ``!ENV``), but it is
not a dependency of ours (not pinned in constraints.txt), and PyYAML loses comments, key order and
tags when it writes. The two edits are small and at known places: an item appended to the
top-level ``plugins:`` list, and ``custom_dir`` under ``theme:``. Each result is read back with
MkDocs' own loader and compared with the original (:mod:`letterpress.adopt.plan`), so an edit that
changed a setting of theirs is refused, never written.
"""

from __future__ import annotations

import re

from ..errors import LetterpressError

CONFIG = "mkdocs.yml"
_ITEM = re.compile(r"^(\s*)- ")
_NAME = re.compile(r"^[\w./-]+$")


class ConfigEditError(LetterpressError):
    """The text of mkdocs.yml has a shape the edit does not handle; the message says what to write instead."""


def append_plugin(text: str, entry: list[str]) -> str:
    """``text`` with ``entry`` (lines, ``- name:`` first, children indented under it) last in ``plugins:``."""
    lines = text.split("\n")
    at = _top_level(lines, "plugins")
    if at is None:
        raise ConfigEditError(f"{CONFIG}: has no 'plugins:' list; add 'plugins: [blog]' first.")
    value = _value(lines[at])
    if value.startswith("["):
        lines[at:at + 1] = ["plugins:"] + [f"  - {name}" for name in _flow_names(value, "plugins")]
        value = ""
    if value:
        raise ConfigEditError(f"{CONFIG}:{at + 1}: 'plugins:' is not a list; write one plugin a line, '  - blog'.")
    end = _block_end(lines, at)
    indent = next((m.group(1) for line in lines[at + 1:end] if (m := _ITEM.match(line))), "  ")
    lines[end:end] = [indent + line if line else line for line in entry]
    return "\n".join(lines)


def _top_level(lines: list[str], key: str) -> int | None:
    pattern = re.compile(rf"^{re.escape(key)}\s*:(\s|$)")
    return next((index for index, line in enumerate(lines) if pattern.match(line)), None)


def _value(line: str) -> str:
    """The value written after the key's colon, without a trailing comment."""
    rest = line.split(":", 1)[1]
    return re.split(r"\s#", " " + rest, maxsplit=1)[0].strip()


def _comment(line: str) -> str:
    match = re.search(r"\s+#.*$", line.split(":", 1)[1])
    return match.group(0) if match else ""


def _flow_names(value: str, key: str) -> list[str]:
    """The names of a one-line flow list, ``[search, blog]``; anything else is refused."""
    if not value.endswith("]"):
        raise ConfigEditError(f"{CONFIG}: '{key}:' spans several lines in [ ]; write one item a line, '  - blog'.")
    names = [name.strip().strip("'\"") for name in value[1:-1].split(",") if name.strip()]
    if not all(_NAME.match(name) for name in names):
        raise ConfigEditError(f"{CONFIG}: '{key}: {value}' has settings inside [ ]; write one item a line.")
    return names


def _block_end(lines: list[str], at: int) -> int:
    """The index after the last line of the block under the top-level key at ``at`` (blank lines after it excluded)."""
    end = at + 1
    for index in range(at + 1, len(lines)):
        line = lines[index]
        if line.strip() and not line[0].isspace() and not line.startswith(("-", "#")):
            break
        if line.strip() and not line.startswith("#"):
            end = index + 1
    return end
