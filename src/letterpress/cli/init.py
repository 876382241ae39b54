"""``letterpress init DIR``: a new publication of one's own (a few lines over :mod:`letterpress.starter.init`)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--title", prompt="The publication's title",
              help="The publication's name, e.g. \"Notes from the Kitchen Table\".")
@click.option("--url", prompt="Its web address (e.g. https://essays.example.org/)",
              help="The site's address, e.g. https://essays.example.org/.")
@click.option("--author", prompt="Your name, as readers will see it", help="The author's name, e.g. \"Ana Sousa\".")
@click.option("--email", prompt="Your email address, for readers' replies and the podcast (Enter: later)",
              default="", show_default=False, help="The author's email: letters come from it, replies reach it.")
@click.option("--postal-address", prompt="The postal address every letter must carry (Enter: later)",
              default="", show_default=False, help="A postal address for the letters' footer (the law asks for one).")
@click.option("--git/--no-git", "use_git", default=True, show_default=True,
              help="Make FOLDER a git repository with a first commit (--no-git: write the files only).")
def init(folder, title, url, author, email, postal_address, use_git):
    """Start a new publication of your own in FOLDER (new, or empty).

    It asks for the title, the web address and your name, and (to fill in
    later if you like) your email and a postal address, or takes them as
    options. It writes the config (mkdocs.yml), a home page, the essay index,
    the authors file with you in it, a first draft, the sign-up pages, the
    letters' footer, podcast artwork and an avatar made from your initials
    (replace both with your own), the site's workflow and a .gitignore.
    The podcast gets its own identifier, and the newsletter starts today.
    Then git init and a first commit. FOLDER must not be inside another git
    repository unless you pass --no-git.
    """
    from ..model.options import from_environment
    from ..starter.answers import checked_answers
    from ..starter.init import start_publication

    answers = checked_answers(title, url, author, email, postal_address)
    started = start_publication(folder, answers, from_environment(), use_git=use_git)
    click.echo(f"created {started.root}: a publication of your own, with a first draft in "
               f"{started.essay.relative_to(started.root)}.")
    if started.committed:
        click.echo("committed it all in a new git repository (branch main); add a remote of your own to push it.")
    for line in started.advice:
        click.echo(line, err=True)
    click.echo(f"next: cd {started.root} && letterpress serve, to see it at http://127.0.0.1:8000; "
               "letterpress check says what is still to fill in.")
