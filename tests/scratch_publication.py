"""The small "Test Rooms" publication the send, publish and subscriber tests write into a temporary folder,
the git repositories (a bare remote and its clones) the publish tests keep it in, and copies of
tests/fixtures/minimal."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
OVERRIDES = Path(__file__).resolve().parent.parent / "overrides"

MKDOCS_YML = """\
site_name: Test Rooms
site_url: https://test.example.org/
{theme}plugins:
  - blog:
      blog_dir: essays
      post_url_format: "{{slug}}"
  - letterpress:
      timezone: Europe/Lisbon
      newsletter:
        sender: "Test Rooms <letters@test.example.org>"
        postal_address: "Test Rooms, PO Box 1, Testville"
{newsletter}      service:
        url: https://test.example.org/service
{sections}markdown_extensions:
  - footnotes
  - attr_list
"""
ESSAY = """\
---
title: {title}
description: {description}
date: {date}
authors: [julia]
{extra}
---

Attention is the rarest and purest form of generosity.

## A second thought

And it asks for time.
"""


def config(*sending: str, newsletter: Sequence[str] = (), publish: Sequence[str] = (),
           theme: Sequence[str] = ()) -> str:
    """``mkdocs.yml`` with these ``key: value`` lines in its ``sending`` section.

    ``newsletter``: more lines for that section; ``publish``: the lines of a ``publish``
    section; ``theme``: the lines of a ``theme`` section (default: Material with the
    repository's overrides, as every publication has: a letter's HTML comes from its build).
    A section without lines is left out.
    """
    theme = theme or ["name: material", f"custom_dir: {OVERRIDES}", "font: false"]
    return MKDOCS_YML.format(theme=f"theme:\n{_indented(theme, 2)}",
                             newsletter=_indented(newsletter, 8),
                             sections=_section("sending", sending) + _section("publish", publish))


def essay(title: str, date: str, extra: str = "", description: str = "A short essay for the send tests.") -> str:
    """An essay's file: front matter (``extra``: more lines of it) and two short sections."""
    return ESSAY.format(title=title, date=date, extra=extra, description=description)


def _indented(lines: Sequence[str], indent: int) -> str:
    return "".join(f"{' ' * indent}{line}\n" for line in lines)


def _section(name: str, lines: Sequence[str]) -> str:
    """A section of the plugin's config, or "" when it has no lines."""
    return f"      {name}:\n{_indented(lines, 8)}" if lines else ""


def minimal_copy(target: Path) -> Path:
    """A copy of tests/fixtures/minimal (one good essay, author julia) at ``target``, using the repository's
    overrides/; returns ``target``."""
    shutil.copytree(MINIMAL, target)
    config = target / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("../../../overrides", str(OVERRIDES)),
                      encoding="utf-8")
    return target


def git(root: Path, *args: str) -> str:
    """``git ARGS`` run in ``root`` as Julia, with ``root`` as HOME (no one's own git config); its output."""
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "GIT_AUTHOR_NAME": "Julia", "GIT_COMMITTER_NAME": "Julia",
                               "GIT_AUTHOR_EMAIL": "j@example.org", "GIT_COMMITTER_EMAIL": "j@example.org",
                               "HOME": str(root)}).stdout


def seed_remote(seed: Path, bare: Path, message: str) -> Path:
    """A new bare remote at ``bare`` (branch main) holding everything in the folder ``seed`` as one commit."""
    git(bare.parent, "init", "-q", "--bare", "-b", "main", str(bare))
    git(seed, "init", "-q", "-b", "main")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", message)
    git(seed, "push", "-q", str(bare), "main")
    return bare
