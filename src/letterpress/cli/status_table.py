"""The human-readable status table (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..model.audio import format_clock
from ..publishing.status import EssayStatus

STATE_STYLES = {"invalid": "red", "draft": "yellow", "scheduled": "cyan", "published": "green", "emailed": "bold green"}


def print_status_table(rows: list[EssayStatus], console: Console | None = None) -> None:
    """One line per essay, then the problems of each essay that has any."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("essay", "state", "date", "narrated", "words", ""):
        table.add_column(column, no_wrap=column != "essay")
    for row in rows:
        table.add_row(row.slug, _state(row), row.date[:10], _narrated(row), str(row.words or ""), _flags(row))
    console = console or Console()
    console.print(table)
    for row in rows:
        if row.problems:
            console.print(f"\n[bold]{row.slug}[/bold]")
            for problem in row.problems:
                console.print(f"  {problem}", style="red", soft_wrap=True, markup=False)


def _state(row: EssayStatus) -> str:
    text = row.state
    if row.state == "scheduled":
        text = f"scheduled for {row.date[:10]}"
    if row.emailed:
        sent = sum(row.emailed["counts"].get(k, 0) for k in ("sent",))
        finished = (row.emailed.get("finished") or "")[:10]
        text = f"emailed {finished} ({sent} sent)"
    return f"[{STATE_STYLES.get(row.state, '')}]{text}[/]"


def _narrated(row: EssayStatus) -> str:
    return format_clock(row.audio["duration_seconds"]) if row.audio else "–"


def _flags(row: EssayStatus) -> str:
    flags = []
    if row.uncommitted:
        flags.append("[yellow]uncommitted[/]")
    if row.problems:
        flags.append(f"[red]{len(row.problems)} problem{'s' if len(row.problems) > 1 else ''}[/]")
    return " ".join(flags)

