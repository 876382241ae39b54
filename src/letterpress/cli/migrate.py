"""``letterpress import``: essays (and Substack's subscribers) from another platform."""

from __future__ import annotations

from pathlib import Path

import click


def _common(command):
    """The options every import command shares."""
    command = click.option("--overwrite", is_flag=True,
                           help="Replace essays imported before (recognised by their source id or old URL).")(command)
    command = click.option("--dry-run", is_flag=True, help="Write nothing; print what would be written.")(command)
    return click.option("--author", "author", default=None, metavar="KEY",
                        help="Give every essay this one author from .authors.yml (default: every author the "
                             "post had, each added to .authors.yml when new).")(command)


def _options(author, dry_run, overwrite):
    from ..migrate.writing import Options
    from ..model.options import from_environment

    return Options(author=author, dry_run=dry_run, overwrite=overwrite, run_options=from_environment())


def _settings():
    from ..site.loader import load_settings

    return load_settings()


def _print(report) -> None:
    """Print the report; exit 1 after it when anything was a problem (what could be written is written)."""
    for line in report.lines():
        click.echo(line)
    if report.problems:
        click.get_current_context().exit(1)


@click.group(name="import")
def import_group():
    """Bring essays in from Substack, WordPress, Ghost, any feed or article pages.

    Each essay gets its old addresses as aliases (the built site redirects them),
    `imported_from:` naming the source item, `newsletter: false`, and its images
    and narration as local files. Running an import again writes nothing new.
    Any problem (a file that could not be fetched, something with no Markdown)
    makes the exit status 1, after everything that could be written is written.
    """


@import_group.command()
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--no-subscribers", is_flag=True, help="Import the essays only, not email_list*.csv.")
@_common
def substack(export, no_subscribers, author, dry_run, overwrite):
    """Import a Substack EXPORT (.zip): posts, narrations and subscribers.

    Subscribers come in as active with the consent source "imported from
    Substack" and their sign-up date; disabled addresses as unsubscribed. Paid
    subscriptions stay at Substack.
    """
    from ..migrate.substack import import_substack

    _print(import_substack(export, _settings(), _options(author, dry_run, overwrite),
                           subscribers=not no_subscribers))


@import_group.command()
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@_common
def wordpress(export, author, dry_run, overwrite):
    """Import a WordPress EXPORT (the .xml file of Tools → Export): posts, images, authors.

    Pages, attachments and comments are not essays. Drafts, pending, private and
    password-protected posts become drafts; scheduled ones keep their date.
    """
    from ..migrate.wordpress import read_wordpress
    from ..migrate.writing import import_items

    _print(import_items(read_wordpress(export), _settings(), _options(author, dry_run, overwrite), "WordPress"))


@import_group.command()
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", "old_site", required=True, metavar="OLD_SITE",
              help="The old site's address (Ghost writes it as __GHOST_URL__ in the export).")
@_common
def ghost(export, old_site, author, dry_run, overwrite):
    """Import a Ghost EXPORT (.json, Settings → Labs → Export): posts, images, authors.

    Pages are not essays. Drafts, email-only posts and posts for members or
    paid tiers become drafts; scheduled ones keep their date. Internal #tags
    are dropped.
    """
    from ..migrate.ghost import read_ghost
    from ..migrate.writing import import_items

    _print(import_items(read_ghost(export, old_site), _settings(), _options(author, dry_run, overwrite), "Ghost"))


@import_group.command()
@click.argument("source", metavar="URL_OR_FILE")
@_common
def feed(source, author, dry_run, overwrite):
    """Import every entry of an RSS or Atom feed (its address or a saved file).

    Where an entry carries only a summary, its page is fetched and the article
    taken from it; if that fails, the summary is imported as a draft.
    """
    from ..migrate.feed import read_feed
    from ..migrate.fetch import Fetcher
    from ..migrate.writing import import_items

    with Fetcher() as fetcher:
        export = read_feed(source, fetcher)
        _print(import_items(export, _settings(), _options(author, dry_run, overwrite), "the feed", fetcher))


@import_group.command()
@click.argument("addresses", nargs=-1, metavar="[URL]...")
@click.option("--sitemap", default=None, metavar="URL", help="Also import every article page this sitemap lists.")
@_common
def page(addresses, sitemap, author, dry_run, overwrite):
    """Import article pages by their addresses (for a site with no export).

    The article is taken from each page (navigation, banners, share buttons and
    footers left out). With --sitemap, every page the sitemap lists; pages with
    no article are skipped.
    """
    from ..migrate.fetch import Fetcher
    from ..migrate.page import read_pages
    from ..migrate.writing import import_items

    with Fetcher() as fetcher:
        export = read_pages(list(addresses), sitemap, fetcher)
        _print(import_items(export, _settings(), _options(author, dry_run, overwrite), "the old site", fetcher))
