"""The ``letterpress`` command: each command is a few lines over a library function.

Library errors are turned into messages and exit codes in one place
(:class:`LetterpressGroup`).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from .. import __version__
from ..errors import LetterpressError, ProblemsError
from ..model.settings import ENGINES
from . import send as cli_send
from .common import load_current_publication, warn_on_changed_key
from .init import init as _init_command
from .migrate import import_group as _import_group
from .newsletter import newsletter as _newsletter_group
from .secret import secret as _secret_command
from .service import service as _service_command
from .subscribers import subscribers as _subscribers_group


class LetterpressGroup(click.Group):
    """Print library errors as one line each and exit 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ProblemsError as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            count = len(error.problems)
            click.echo(f"{count} problem{'s' if count != 1 else ''} found.", err=True)
            ctx.exit(1)
        except LetterpressError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(1)


@click.group(cls=LetterpressGroup)
@click.version_option(__version__, prog_name="letterpress")
def cli():
    """Publish essays from git: site, feeds, podcast and newsletter from one Markdown file.

    Run every command from the publication's folder (the one with mkdocs.yml).
    """


@cli.command()
@click.argument("title")
def new(title):
    """Start a new essay titled TITLE, as a draft with today's date.

    The file is named after the title in plain letters, digits and dashes
    ("Café — été" becomes cafe-ete.md, in the folder of your essays), and the
    same name is the essay's slug: its web address and the name the other
    commands know it by. Replace every TK in it before you publish. An
    existing file is never overwritten.
    """
    from ..model.scaffold import new_essay

    created = new_essay(load_current_publication(), title)
    click.echo(f"created {_shown(created.path)}: a draft (draft: true) with TK markers to replace.")
    click.echo(f"its slug is {created.slug} (the file name without .md): the page's address ends in "
               f"/{created.slug}/, and other commands take {created.slug} or the file name.")


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it."""
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


@cli.command()
@click.option("--engine", type=click.Choice(ENGINES), default=None,
              help="Also check what this site engine cannot do (default: the site.engine setting).")
def check(engine):
    """Validate every essay and the config; print all problems; exit 1 on any error."""
    from ..checks import check_publication
    from ..site.fidelity import zensical_problems
    from .checks import EVERY_CHECK

    publication = load_current_publication()
    problems = check_publication(publication, EVERY_CHECK)
    if engine == "zensical" and publication.settings.site.engine != "zensical":  # else the checks said it
        problems += zensical_problems(publication.settings)
    for problem in problems:
        click.echo(str(problem), err=True)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise click.exceptions.Exit(_summary(errors, problems))
    click.echo(f"ok: no errors{', ' + _count(len(problems), 'warning') if problems else ''}.")


def _summary(errors, problems) -> int:
    warnings = len(problems) - len(errors)
    click.echo(f"{_count(len(errors), 'error')}{', ' + _count(warnings, 'warning') if warnings else ''}.", err=True)
    return 1


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@cli.command()
@click.option("--site-dir", type=click.Path(path_type=Path), default=None,
              help="Where to write the site (default: site/).")
@click.option("--strict", is_flag=True, help="Treat the engine's warnings as errors.")
@click.option("--engine", type=click.Choice(ENGINES), default=None,
              help="The site engine: mkdocs or zensical (default: the site.engine setting, else mkdocs).")
def build(site_dir, strict, engine):
    """Build the site (pages, feeds, email web versions) into site/.

    The old site stays in place until the new one is complete.
    """
    from ..model.options import from_environment
    from ..site.build import build_site, read_checked
    from ..site.fidelity import zensical_problems
    from ..site.loader import find_root, load_settings

    root = find_root()
    settings = load_settings(root)
    if (engine or settings.site.engine) == "zensical":  # what Zensical leaves out, said before it runs
        for problem in zensical_problems(settings):
            if not problem.is_error:
                click.echo(str(problem), err=True)
    target = build_site(read_checked(root, from_environment()), site_dir, strict=strict, engine=engine)
    click.echo(f"built {target}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--drafts/--no-drafts", default=True, show_default=True,
              help="Show drafts (marked as such) in the preview.")
@click.option("--engine", type=click.Choice(ENGINES), default=None,
              help="The site engine: mkdocs or zensical (default: the site.engine setting, else mkdocs).")
def serve(host, port, drafts, engine):
    """Preview your site in a browser while you write (http://127.0.0.1:8000).

    Pages reload when you save; drafts are shown, marked as drafts, and the
    narration plays and jumps to its chapters as it will on the real site.
    Each essay's letter is written to newsletter/preview/ too. Press Ctrl+C to stop.
    """
    from dataclasses import replace

    from ..model.options import from_environment
    from ..site.loader import find_root
    from ..site.serve import serve_publication

    run_options = replace(from_environment(), drafts=drafts)
    serve_publication(find_root(), run_options, host=host, port=port, engine=engine)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print pure JSON on stdout (a list, one object per essay).")
def status(as_json):
    """Where each essay stands: draft, scheduled, published or emailed.

    One line per essay: its slug (the name other commands take), state, date,
    narration length, words, notes (problems from `check`, changes not yet
    committed) and title. At a terminal a long title wraps in its column (or,
    with no readable room beside the slug, on lines under its row); piped into
    another program or a file, each line is plain text, the title whole.
    Then each file every build reads (mkdocs.yml, the authors file, overrides/,
    newsletter/templates/) that is not committed, on stderr when piped or --json.
    """
    from ..publishing.status import essay_statuses
    from ..publishing.tracked import input_problems
    from .checks import EVERY_CHECK
    from .status_table import print_status_table

    publication = load_current_publication()
    rows = essay_statuses(publication, EVERY_CHECK)
    uncommitted = [str(problem) for problem in input_problems(publication.settings)]
    if as_json:
        click.echo(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=2))
        for line in uncommitted:
            click.echo(line, err=True)
    else:
        print_status_table(rows, uncommitted=uncommitted)


for _command in (cli_send.send, cli_send.status, cli_send.outbox, cli_send.bounces):
    _newsletter_group.add_command(_command)
cli.add_command(_newsletter_group)
cli.add_command(_subscribers_group)
cli.add_command(_service_command)
cli.add_command(_secret_command)
cli.add_command(_import_group)
cli.add_command(_init_command)


@cli.command()
@click.option("--dry-run", is_flag=True, help="Pull nothing, send nothing: say what would happen.")
def publish(dry_run):
    """Pull, check, build, deploy, send the newsletters that are due, commit their records.

    Run it on the machine that holds the subscriber file (a systemd timer or a
    git hook). Running it twice does nothing the second time.
    """
    from ..model.options import from_environment
    from ..publishing.pipeline import publish as run_pipeline
    from ..site.loader import find_root
    from .checks import EVERY_CHECK

    root = find_root()
    warn_on_changed_key(root)  # the records as they are before the pull
    report = run_pipeline(root, EVERY_CHECK, from_environment(), dry_run=dry_run, say=click.echo)
    if not dry_run and not (report.sent or report.waiting or report.held):
        click.echo("nothing to send.")


def main() -> None:
    cli(prog_name="letterpress")


if __name__ == "__main__":
    main()
