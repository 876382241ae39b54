"""``letterpress init DIR`` on a folder holding an existing Material blog: adopt it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..errors import LetterpressError


def adopt_command_body(directory: Path, dry_run: bool, today: date | None = None) -> None:
    """Adopt the Material blog in ``directory``: show the diff, then (unless ``dry_run``) write it with backups.

    Raises:
        LetterpressError: no blog to adopt there, or a file of theirs that cannot be merged (named).
    """
    from ..adopt.plan import apply, plan_adoption

    if not (directory / "mkdocs.yml").is_file():
        raise LetterpressError(f"{directory}: no mkdocs.yml here, so no blog to adopt.")
    adoption = plan_adoption(directory, today or date.today())
    if not adoption.changes:
        click.echo("Nothing to change: Letterpress is set up in this blog already.")
        return
    click.echo(adoption.diff(), nl=False)
    if dry_run:
        click.echo(f"Dry run: nothing written; {len(adoption.changes)} files would change.")
        return
    for backup in apply(adoption):
        click.echo(f"Your previous {backup.removesuffix('.bak').rsplit('.bak.', 1)[0]} is kept as {backup}.")
    click.echo(f"Adopted: {len(adoption.changes)} files written. Your posts keep their addresses.\n"
               "Next: `letterpress check` names what is left to fill in (the letters' sender and postal "
               "address, authors, narrators), then `letterpress build`.")
