"""``letterpress newsletter``: the email of one essay, rendered for preview and checked before a send."""

from __future__ import annotations

from pathlib import Path

import click

from .common import load_current_publication

PREVIEW_DIR = Path("newsletter") / "preview"


@click.group()
def newsletter():
    """The email edition of each essay: preview it, check it before it is sent."""


@newsletter.command()
@click.argument("slug")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for SLUG.html, SLUG.txt and SLUG.eml (default: newsletter/preview/).")
def render(slug, out_dir):
    """Render the email of essay SLUG as HTML, text and a full message (.eml).

    Works on drafts too (marked as such). The message goes to a placeholder
    recipient; its unsubscribe link is real only when LETTERPRESS_SECRET is set.
    """
    from ..newsletter.preview import write_preview

    publication = load_current_publication()
    preview = write_preview(publication, publication.essay(slug), out_dir or publication.settings.root / PREVIEW_DIR)
    for line in preview.summary():
        click.echo(line)


@newsletter.command()
@click.argument("slug")
def check(slug):
    """Check the email of essay SLUG before it is sent; exit 1 on any error.

    Size against the budget, relative or broken links, images without alt
    text or width, TK/TODO markers, sender and postal address, subject length,
    and the contrast of the template's colours (light and dark).
    """
    from ..newsletter.check import check_issue

    publication = load_current_publication()
    report = check_issue(publication, publication.essay(slug))
    if report.html_bytes:
        click.echo(f"{slug}: HTML {report.html_bytes / 1024:.0f} KB of the {report.budget // 1024} KB budget.")
    for problem in report.problems:
        click.echo(str(problem), err=True)
    if report.errors:
        count = len(report.errors)
        click.echo(f"{count} error{'s' if count != 1 else ''}: fix before sending.", err=True)
        raise click.exceptions.Exit(1)
    count = len(report.problems)
    noted = f" ({count} warning{'s' if count != 1 else ''})" if count else ""
    click.echo(f"ok: ready to send{noted}.")
