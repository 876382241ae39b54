"""``letterpress newsletter``: the email of one essay, rendered for preview and checked before a send."""

from __future__ import annotations

from pathlib import Path

import click

from .common import load_current_publication, warn_on_changed_key

PREVIEW_DIR = Path("newsletter") / "preview"


@click.group()
def newsletter():
    """The letter each essay becomes: look at it, check it, send it, follow it up.

    In the order you use them: render (see the letter), check (what to fix
    before it goes out), send (a trial into newsletter/outbox/ until your mail
    server is set up), outbox (which trial letter is whose), status (what was
    sent, to how many) and bounces (letters that came back).
    """


@newsletter.command(short_help="See the letter of essay SLUG as subscribers will.")
@click.argument("slug")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for SLUG.html, SLUG.txt and SLUG.eml (default: newsletter/preview/).")
def render(slug, out_dir):
    """See the letter of essay SLUG (or its file name) as your subscribers will.

    Writes it to newsletter/preview/ three ways: a web page (SLUG.html), plain
    text (SLUG.txt) and a message any mail program opens (SLUG.eml). Works on
    drafts too, marked as such. Nothing is sent; the unsubscribe link in it is
    signed only when there is a key (`letterpress secret`, or LETTERPRESS_SECRET).
    """
    from ..newsletter.preview import write_preview

    publication = load_current_publication()
    warn_on_changed_key(publication.settings.root)
    preview = write_preview(publication, publication.essay(slug), out_dir or publication.settings.root / PREVIEW_DIR)
    for line in preview.summary():
        click.echo(line)


@newsletter.command(short_help="What to fix before the letter of SLUG goes out.")
@click.argument("slug")
def check(slug):
    """Check the letter of essay SLUG (or its file name) before it is sent.

    It looks at what readers would trip over: the letter's size, links that
    lead nowhere, pictures without a description, TK or TODO left in the text,
    the sender and postal address, a subject too long for an inbox, and colours
    hard to read. It says "ready to send" only when a send would start: not for
    a draft, an essay already sent, or while there is no signing key
    (`letterpress secret` makes one).
    """
    from ..newsletter.check import check_issue

    publication = load_current_publication()
    essay = publication.essay(slug)
    report = check_issue(publication, essay)
    if report.html_bytes:
        click.echo(f"{essay.slug}: HTML {report.html_bytes / 1024:.0f} KB of the {report.budget // 1024} KB budget.")
    for problem in report.problems:
        click.echo(str(problem), err=True)
    if report.errors:
        count = len(report.errors)
        click.echo(f"{count} error{'s' if count != 1 else ''}: fix before sending.", err=True)
        raise click.exceptions.Exit(1)
    if report.refusals:
        # Never "ready" when the send would refuse: the letter is fine, the send is not possible yet.
        count = len(report.refusals)
        click.echo(f"not ready to send: the letter has no errors, but the send would refuse to start "
                   f"({count} reason{'s' if count != 1 else ''} above).", err=True)
        raise click.exceptions.Exit(1)
    count = len(report.problems)
    noted = f" ({count} warning{'s' if count != 1 else ''})" if count else ""
    click.echo(f"ok: ready to send{noted}.")
