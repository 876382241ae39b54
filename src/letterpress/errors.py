"""Errors an author or operator can act on.

Every problem names the file, the field (and YAML line where there is one),
what was expected and what to do. The library raises these; the CLI and the
MkDocs plugin turn them into one message each and a non-zero exit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input.

    Args:
        path: the file, relative to the publication root where possible.
        field: the dotted front-matter or config key (``audio.src``), or "" for the whole file.
        message: what is wrong and what to do, in the author's words.
        line: 1-based line in ``path`` when known.
        severity: ``error`` stops a build; ``warning`` is printed only.
    """

    path: str
    field: str
    message: str
    line: int | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        if self.field:
            where += f": {self.field_label} {readable_field(self.field)}"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"

    @property
    def field_label(self) -> str:
        if self.path.endswith("mkdocs.yml"):
            return "config"
        return "front matter" if self.path.endswith(".md") else "key"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


# A list's items are counted from one for people: 'audio.chapters.2.start' is chapter 3's start.
ITEM_NAMES = {"chapters": "chapter", "aliases": "alias", "authors": "author", "tags": "tag",
              "categories": "category"}


def readable_field(field: str) -> str:
    """``'audio.chapters.2.start'`` as ``'audio.chapters', chapter 3, 'start'``; other keys quoted as they are."""
    parts = field.split(".")
    for index, part in enumerate(parts[1:], start=1):
        if part.isdigit():
            item = ITEM_NAMES.get(parts[index - 1], "item")
            rest = ".".join(parts[index + 1:])
            return (f"'{'.'.join(parts[:index])}', {item} {int(part) + 1}"
                    + (f", {readable_field(rest)}" if rest else ""))
    return f"'{field}'"


def template_syntax_problem(path: str, message: str, line: int | None) -> Problem:
    """A template's syntax error (the template engine's ``message``) in the author's words: no library named."""
    text = message.replace("Jinja was looking for the following tags", "The template expected one of these tags")
    return Problem(path, "", f"template syntax error: {text}; fix the template tag "
                   "({% ... %} or {{ ... }}) on this line.", line=line)


class LetterpressError(Exception):
    """Base of every error the library raises on purpose."""


class ProblemsError(LetterpressError):
    """One or more problems found while reading the publication."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
