"""The human-readable status: a table at a terminal, plain lines when piped.

The slug is what every other command takes, so it is never cut; nor is the title.
At a terminal the title's column narrows to fit, down to a readable width, and the
title wraps inside it; when even that width is not left (long slugs, a narrow
window), each title goes on its own lines under its essay's row.
"""

from __future__ import annotations

from collections.abc import Sequence

import click
from rich.console import Console
from rich.text import Text

from ..model.audio import format_clock
from ..publishing.status import EssayStatus

STATE_STYLES = {"invalid": "red", "draft": "yellow", "scheduled": "cyan", "published": "green", "emailed": "bold green"}
HEADERS = ("slug", "state", "date", "narrated", "words", "notes", "title")
READABLE_TITLE = 24  # the narrowest title column worth reading; below it, titles go under their rows
TITLE_INDENT = "    "  # of a title under its row


def print_status_table(rows: list[EssayStatus], console: Console | None = None,
                       uncommitted: Sequence[str] = ()) -> None:
    """One line per essay, then the problems of each essay that has any, then ``uncommitted``: a line for
    each of the publication's own files git has not committed.

    At a terminal the title wraps to fit its width and states are coloured;
    piped (or into a file) the lines are plain text, the title whole, the problems on stderr.
    """
    console = console or Console()
    lines = [list(HEADERS)] + [_cells(row) for row in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADERS) - 1)]
    if not console.is_terminal:
        for line in lines:
            click.echo(_joined(line, widths))
        for row in rows:
            for problem in row.problems:
                click.echo(f"{row.slug}: {problem}", err=True)
        for note in uncommitted:
            click.echo(note, err=True)
        return
    start = sum(widths) + 2 * len(widths)  # the title column's
    beside = console.width - start >= READABLE_TITLE
    for line, shown in zip(lines, [None, *rows], strict=True):
        title, line[-1] = line[-1], ""
        if beside:
            _print_beside(console, _styled(_joined(line, widths), shown, widths), title, start)
        else:
            console.print(_styled(_joined(line, widths).rstrip(), shown, widths), soft_wrap=True)
            if shown is not None:
                _print_wrapped(console, title, TITLE_INDENT)
    _print_notes(console, [(row.slug, row.problems, "red") for row in rows if row.problems])
    _print_notes(console, [("uncommitted", list(uncommitted), "yellow")] if uncommitted else [])


def _print_notes(console: Console, groups: list[tuple[str, list[str], str]]) -> None:
    """Each group's heading in bold, then its notes indented in its colour."""
    for heading, notes, style in groups:
        console.print(Text(f"\n{heading}", style="bold"))
        for note in notes:
            console.print(Text(f"  {note}", style=style), soft_wrap=True)


def _joined(line: list[str], widths: list[int]) -> str:
    """The cells padded to their column's width; the title last, unpadded."""
    return "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False)) + "  " + line[-1]


def _print_beside(console: Console, row: Text, title: str, start: int) -> None:
    """The row with its title wrapped in the title column (from ``start`` to the edge)."""
    parts = Text(title).wrap(console, console.width - start)
    for part in parts:
        part.rstrip()
    console.print(row + (parts[0] if parts else Text()), soft_wrap=True)
    for part in parts[1:]:
        console.print(Text(" " * start) + part, soft_wrap=True)


def _print_wrapped(console: Console, title: str, indent: str) -> None:
    """``title`` on lines of its own, each indented, wrapped to the terminal's width."""
    for part in Text(title).wrap(console, max(console.width - len(indent), 1)):
        part.rstrip()
        console.print(Text(indent) + part, soft_wrap=True)


def _styled(text: str, row: EssayStatus | None, widths: list[int]) -> Text:
    """The line as rich Text (never markup: a title is front matter), the header bold, state and notes coloured."""
    styled = Text(text, style="bold" if row is None else "")
    if row is not None:
        starts = [sum(widths[:i]) + 2 * i for i in range(len(widths))]
        styled.stylize(STATE_STYLES.get(row.state, ""), starts[1], starts[1] + widths[1])
        styled.stylize(_notes_style(row), starts[5], starts[5] + widths[5])
    return styled


def _cells(row: EssayStatus) -> list[str]:
    """The row's text, in the order of HEADERS."""
    return [row.slug, _state(row), row.date[:10], _narrated(row), str(row.words or ""), _notes(row), row.title]


def _state(row: EssayStatus) -> str:
    return "emailed" if row.emailed else row.state


def _narrated(row: EssayStatus) -> str:
    return format_clock(row.audio["duration_seconds"]) if row.audio else "–"


def _notes(row: EssayStatus) -> str:
    notes = []
    if row.emailed:
        finished = (row.emailed.get("finished") or "")[:10]
        notes.append(f"{row.emailed['counts'].get('sent', 0)} sent{f' on {finished}' if finished else ''}")
    if row.uncommitted:
        notes.append("uncommitted")
    if row.problems:
        notes.append(f"{len(row.problems)} problem{'s' if len(row.problems) > 1 else ''}")
    return ", ".join(notes) or "–"


def _notes_style(row: EssayStatus) -> str:
    return "red" if row.problems else "yellow" if row.uncommitted else ""
