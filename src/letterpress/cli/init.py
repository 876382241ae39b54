"""``letterpress init [DIR]``: a new publication of one's own, or (DIR holds a ``mkdocs.yml``) the
adoption of an existing Material blog. A few lines over :mod:`letterpress.starter` and :mod:`letterpress.adopt`."""

from __future__ import annotations

from pathlib import Path

import click

from .adopt import adopt_command_body

QUESTIONS = {  # asked, in this order, for what the options did not give (a new publication only)
    "title": ("The publication's title", None),
    "url": ("Its web address (e.g. https://essays.example.org/)", None),
    "author": ("Your name, as readers will see it", None),
    "email": ("Your email address, for readers' replies and the podcast (Enter: later)", ""),
    "postal_address": ("The postal address every letter must carry (Enter: later)", ""),
}


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path), default=".")
@click.option("--title", help="The publication's name, e.g. \"Notes from the Kitchen Table\".")
@click.option("--url", help="The site's address, e.g. https://essays.example.org/.")
@click.option("--author", help="The author's name, e.g. \"Ana Sousa\".")
@click.option("--email", help="The author's email: letters come from it, replies reach it.")
@click.option("--postal-address", help="A postal address for the letters' footer (the law asks for one).")
@click.option("--git/--no-git", "use_git", default=True, show_default=True,
              help="Make FOLDER a git repository with a first commit (--no-git: write the files only).")
@click.option("--dry-run", is_flag=True, help="Print what init would write or change; write nothing.")
def init(folder: Path, use_git: bool, dry_run: bool, **given: str | None) -> None:
    """Start a publication of your own in FOLDER (default: here), or adopt the blog in it.

    \b
    A new or empty FOLDER: init asks for the title, the web address and your
    name, and (to fill in later if you like) your email and a postal address,
    or takes them as options. It writes the config (mkdocs.yml), a home page,
    the essay index, the authors file with you in it, a first draft, the
    sign-up pages, the letters' footer, podcast artwork and an avatar made from
    your initials (replace both with your own), the site's workflow and a
    .gitignore. The podcast gets its own identifier, and the newsletter starts
    today. Then git init and a first commit. FOLDER must not be inside another
    git repository unless you pass --no-git.

    \b
    A FOLDER with an existing Material blog (a mkdocs.yml): init adds the
    Letterpress plugin and its newsletter settings, keeps every setting and
    address of yours, shows the change as a diff and keeps a .bak of each file
    it edits. A second run changes nothing.
    """
    if (folder / "mkdocs.yml").is_file():
        adopt_command_body(folder.resolve(), dry_run)
        return
    _start(folder, use_git, dry_run, given)


def _start(folder: Path, use_git: bool, dry_run: bool, given: dict[str, str | None]) -> None:
    from ..model.options import from_environment
    from ..starter.answers import checked_answers
    from ..starter.init import planned_files, refuse_folder, start_publication

    if folder.resolve() == Path.cwd().resolve():  # the folder is moved into place whole, so not the one you are in
        raise click.UsageError("name the new publication's folder, e.g. `letterpress init my-essays` "
                               "(here has no mkdocs.yml, so there is no blog to adopt).")
    refuse_folder(folder.absolute(), use_git=use_git)  # before any question
    asked = [str(given[key] if given[key] is not None else click.prompt(text, default=default, show_default=False))
             for key, (text, default) in QUESTIONS.items()]
    answers = checked_answers(*asked)
    if dry_run:
        files = planned_files(answers, from_environment())
        click.echo(f"Dry run: nothing written; init would create {folder} with {len(files)} files:")
        click.echo("".join(f"  {name}\n" for name in files), nl=False)
        return
    started = start_publication(folder, answers, from_environment(), use_git=use_git)
    click.echo(f"created {started.root}: a publication of your own, with a first draft in "
               f"{started.essay.relative_to(started.root)}.")
    if started.committed:
        click.echo("committed it all in a new git repository (branch main); add a remote of your own to push it.")
    for line in started.advice:
        click.echo(line, err=True)
    click.echo(f"next: cd {started.root} && letterpress serve, to see it at http://127.0.0.1:8000; "
               "letterpress check says what is still to fill in.")
