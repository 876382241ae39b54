"""``letterpress subscribers``: the subscriber list, a SQLite file the author owns."""

from __future__ import annotations

from pathlib import Path

import click


def _settings():
    from ..site.loader import load_settings

    return load_settings()


def _store():
    from ..subscribers.store import open_subscribers

    return open_subscribers(_settings())


@click.group()
def subscribers():
    """The subscriber list: newsletter/subscribers.sqlite3, kept out of git.

    Statuses: pending, active, unsubscribed, bounced, complained. Only active
    subscribers receive letters.
    """


@subscribers.command()
@click.argument("email")
@click.option("--name", default="", help="The subscriber's name (used in the To header).")
def add(email, name):
    """Add EMAIL as an active subscriber whose consent you hold.

    Someone who unsubscribed, bounced, complained or was erased is not added
    back; only they can subscribe again, through the sign-up form.
    """
    from ..model.names import check_name

    name = check_name(name)
    with _store() as store:
        before = store.get(email)
        person = store.add(email, name, source="added with `letterpress subscribers add`")
    if before is not None and before.status == person.status:
        click.echo(f"{person.email} is already on the list ({person.status}).")
    else:
        click.echo(f"added {person.email} ({person.status}).")


@subscribers.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows even when some rows are not.")
def import_(file, skip_invalid):
    """Import subscribers from a CSV FILE (Substack, Buttondown, Mailchimp exports work).

    The header must name an email column. Every row is checked first; if any
    is invalid, nothing is imported (unless --skip-invalid). People who left
    stay out: an import never re-activates them.
    """
    from ..subscribers.importing import import_csv

    with _store() as store:
        report = import_csv(store, file, skip_invalid=skip_invalid)
    for problem in report.problems:
        click.echo(f"skipped: {problem}", err=True)
    click.echo(_import_summary(report))
    if report.unreadable_dates:
        click.echo(f"{report.unreadable_dates} rows had a sign-up time that could not be read; "
                   "their consent time is the import's.", err=True)


def _import_summary(report) -> str:
    parts = [(report.added, "added"), (report.activated, "activated"), (report.unchanged, "already on the list"),
             (report.stopped, "recorded as having left (unsubscribed, bounced)"),
             (report.kept_out, "kept out (they had left or were erased)"), (report.duplicates, "duplicate rows"),
             (report.skipped_invalid, "invalid rows skipped")]
    done = ", ".join(f"{number} {what}" for number, what in parts if number) or "nothing to do"
    kind = report.source.rsplit("(", 1)[-1].rstrip(")")
    return f"read {report.rows} rows ({kind}): {done}."


@subscribers.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--email", default=None, help="Export one person's data only (for an access request).")
def export(file, email):
    """Export every subscriber (or one, with --email) as CSV to FILE, or to the screen.

    The CSV imports back as it is. Cells a spreadsheet would run as formulas
    (starting with = + - @, tab, CR or NUL) get a leading ' that the import
    takes off again. One person's export adds the letters sent to them.
    """
    from ..subscribers.importing import EXPORT_COLUMNS, export_rows, write_csv

    with _store() as store:
        rows = export_rows(store, email)
    columns = EXPORT_COLUMNS + (("letters",) if email else ())
    text = write_csv(rows, columns, file)
    if file is None:
        click.echo(text, nl=False)
        return
    click.echo(f"wrote {len(rows)} subscriber{'s' if len(rows) != 1 else ''} to {file} (readable by you only).")
    if _in_git(file):
        click.echo(f"warning: {file} is inside the git repository and not ignored; keep it out of commits "
                   "(move it, or add it to .gitignore).", err=True)


def _in_git(path: Path) -> bool:
    """True when ``path`` would be picked up by ``git add`` (inside a work tree, not ignored)."""
    import subprocess

    folder = path.resolve().parent
    try:
        inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=folder,
                                capture_output=True, text=True)
        if inside.stdout.strip() != "true":
            return False
        ignored = subprocess.run(["git", "check-ignore", "-q", str(path.resolve())], cwd=folder)
    except OSError:  # no git here
        return False
    return ignored.returncode != 0


@subscribers.command(name="list")
@click.option("--status", type=click.Choice(["pending", "active", "unsubscribed", "bounced", "complained"]),
              default=None, help="Only subscribers with this status.")
def list_(status):
    """Print one 'address status' line per subscriber."""
    with _store() as store:
        people = store.subscribers(status)
    for person in people:
        click.echo(f"{person.email} {person.status}")


@subscribers.command()
@click.argument("email")
def remove(email):
    """Unsubscribe EMAIL (the record stays, so no import adds them back)."""
    from ..errors import LetterpressError

    with _store() as store:
        person = store.get(email)
        if person is None:
            raise LetterpressError(f"{email.strip()} is not on the list; nothing to remove.")
        changed = store.unsubscribe(person.email)
    click.echo(f"unsubscribed {person.email}." if changed else f"{person.email} was already unsubscribed.")


@subscribers.command()
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase(email, yes):
    """Delete every trace of EMAIL (GDPR erasure): subscriber, ledger rows, outbox copies.

    Only a salted hash of the address is kept, so no later import adds them back.
    """
    from ..subscribers.erase import erase_subscriber
    from ..subscribers.paths import outbox_path, store_path
    from ..subscribers.store import open_store

    settings = _settings()
    if not yes:
        click.confirm(f"Erase every trace of {email.strip()}? This cannot be undone.", abort=True)
    with open_store(store_path(settings)) as store:
        erasure = erase_subscriber(store, email, outbox_path(settings))
    known = "erased the subscriber" if erasure.subscriber else "no subscriber with this address"
    click.echo(f"{known}; deleted {erasure.deliveries} ledger rows and {erasure.outbox_messages} outbox "
               "messages; kept only a salted hash, so no import adds them back.")


@subscribers.command()
@click.option("--by-status", is_flag=True, help="Print the count of every status.")
def count(by_status):
    """Print the number of active subscribers."""
    with _store() as store:
        counts = store.counts()
    if by_status:
        for status, number in counts.items():
            click.echo(f"{status} {number}")
    else:
        click.echo(counts["active"])
