"""The README and the CLI agree: every command has help text and is documented."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from letterpress.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def all_commands(group: click.Group, prefix: str = "letterpress"):
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from all_commands(command, path)


COMMANDS = list(all_commands(cli))


@pytest.mark.parametrize("path, command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_has_help_and_is_in_the_readme(path, command):
    assert (command.help or "").strip(), f"{path} has no help text"
    shown = path.replace("letterpress", ".venv/bin/letterpress", 1)
    assert f"`{shown}" in README, f"README.md does not document `{shown}`"


def test_the_readme_writes_the_command_as_it_is_typed():
    """Only .venv/bin/letterpress exists after scripts/setup: a bare `letterpress check` is "command not found"."""
    bare = re.findall(r"(?:`|^|[ (])letterpress [a-z-]+", README, re.MULTILINE)
    assert bare == [], bare


def test_readme_opens_with_the_two_commands():
    head = README[:1500]
    assert "scripts/setup && .venv/bin/letterpress serve" in head
    assert "scripts/setup --test && .venv/bin/python -m pytest" in head


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parent.parent / ".ci/run").read_text()
    assert "scripts/setup --test" in ci and ".venv/bin/python -m pytest" in ci
