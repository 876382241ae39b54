"""``letterpress newsletter send/status/bounces``: the send, its ledger, and late bounce reports.

These commands join the ``newsletter`` group of :mod:`letterpress.cli.newsletter`
(:mod:`letterpress.cli` adds them).
Nothing printed here names a subscriber: output may end up in CI logs.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from .common import load_current_publication, warn_on_changed_key


@click.command(short_help="Send essay SLUG to your subscribers (a trial until mail is set up).")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Send without asking for confirmation.")
@click.option("--rate", type=click.FloatRange(min=0.01), default=None, metavar="N",
              help="At most N letters per second for this run.")
@click.option("--dry-run", is_flag=True, help="Say what would be sent and to how many; send nothing.")
@click.option("--to", "test_address", metavar="EMAIL", default=None,
              help="Send one test letter to EMAIL only; it does not count as the essay's send.")
@click.option("--force", is_flag=True, help="Send again an essay that was already sent (everyone gets it twice).")
@click.option("--retry-failed", is_flag=True, help="Try again the recipients whose letters failed.")
@click.option("--trial", is_flag=True, help="Write the letters to newsletter/outbox/ instead; nobody receives them.")
# The README's "Where letters go" explains it; --trial says the same for an author.
@click.option("--messenger", type=click.Choice(["smtp", "maildir"]), default=None, hidden=True)
def send(slug, yes, rate, dry_run, test_address, force, retry_failed, trial, messenger):
    """Send essay SLUG to your subscribers, or finish a send that stopped.

    SLUG is the essay's slug or its file name (with or without .md). Until your mail server is set up
    (LETTERPRESS_SMTP_URL, see the README), every send is a trial: the letters
    are written to newsletter/outbox/ for you to open with any mail program, and
    nobody receives anything. A real send asks before it starts, notes each
    letter as it goes out, and, if it is stopped, goes on where it stopped when
    you run the same command again.
    """
    from ..sending.send import plan_send, plan_test_send

    publication = load_current_publication()
    warn_on_changed_key(publication.settings.root)
    messenger = "maildir" if trial else messenger
    if test_address:
        _test_send(plan_test_send(publication, slug, messenger), test_address)
        return
    with plan_send(publication, slug, force=force, retry_failed=retry_failed, messenger=messenger,
                   rate=rate) as plan:
        _describe(plan)
        if dry_run:
            _sample(plan)
            click.echo("dry run: nothing was sent.")
        elif not plan.recipients and plan.campaign is None:
            click.echo("nothing to send: no active subscribers (add some with `letterpress subscribers add`).")
        else:
            if not yes and plan.recipients:
                click.confirm(_question(plan), abort=True)
            _run(plan)


def _question(plan) -> str:
    if plan.trial:
        return (f"Write {_letters(plan.recipients)} of '{plan.issue.subject}' to {_outbox(plan)} "
                "(a trial: nobody receives them)?")
    return f"Send '{plan.issue.subject}' to {plan.recipients:,} recipients through {plan.messenger_description}?"


def _letters(count: int) -> str:
    return f"{count:,} letter{'s' if count != 1 else ''}"


def _outbox(plan) -> str:
    return plan.messenger_description.rstrip("/") + "/"


def _describe(plan) -> None:
    click.echo(f"letter: '{plan.issue.subject}' ({plan.issue.html_bytes / 1024:.0f} KB of HTML"
               f"{', an excerpt' if plan.issue.excerpted else ''})")
    action = "resume" if plan.campaign else "new send"
    if plan.trial:
        click.echo(f"recipients: {plan.recipients:,} ({action}, a trial): one letter each, written to "
                   f"{_outbox(plan)}; nobody receives them.")
    else:
        click.echo(f"recipients: {plan.recipients:,} ({action}) through {plan.messenger_description} "
                   f"(pool {plan.policy.pool}, {f'{plan.policy.rate:g}/s' if plan.policy.rate else 'no rate limit'})")
        signer = plan.signer
        click.echo(f"DKIM: signed as {signer.selector}._domainkey.{signer.domain}" if signer else
                   "DKIM: not signed here")
    for note in plan.notes:
        click.echo(f"note: {note}")


def _sample(plan) -> None:
    from ..sending.send import compose

    first = next(iter(plan.store.subscribers("active")), None)
    address, name = (first.email, first.name) if first else ("reader@example.org", "")
    composed = compose(plan.issue, address, name, plan.signer)
    click.echo(f"sample: {len(composed.data) / 1024:.0f} KB message for {_masked(address)}, "
               f"Message-ID {composed.message_id or '(none)'}")


def _masked(address: str) -> str:
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}"


def _run(plan) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from ..sending.send import run_send

    console = Console(stderr=True)
    started = time.monotonic()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]}"), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("writing" if plan.trial else "sending", total=plan.recipients, rate="")

        def update(snapshot: dict) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            waiting = f", {snapshot['waiting']} waiting to retry" if snapshot["waiting"] else ""
            progress.update(task, completed=snapshot["settled"], total=snapshot["total"],
                            rate=f"{snapshot['settled'] / elapsed:.1f}/s{waiting}")

        result = run_send(plan, update)
    _summary(plan, result, time.monotonic() - started)


def _summary(plan, result, seconds: float) -> None:
    counts = result.counts
    settled = ", ".join(f"{counts[o]} {o}" for o in ("sent", "bounced", "failed", "skipped"))
    if result.recovered:
        click.echo(f"resumed: {result.recovered} letters whose outcome an interruption left unknown were sent "
                   "again (the documented duplicate window).")
    if result.paused:
        open_rows = sum(counts[o] for o in ("queued", "in_flight", "deferred"))
        click.echo(f"paused after {seconds:.1f} s: {result.campaign.pause_reason}", err=True)
        click.echo(f"so far: {settled}; {open_rows} left. Fix the cause, then run "
                   f"`letterpress newsletter send {plan.essay.slug}` again to resume.", err=True)
        raise click.exceptions.Exit(1)
    if plan.trial:
        _trial_summary(plan, counts)
        return
    done = sum(result.this_run.get(o, 0) for o in ("sent", "bounced", "failed", "skipped"))
    click.echo(f"finished in {seconds:.1f} s: {settled}; {done / max(seconds, 1e-6):.1f} letters/s.")
    if counts["failed"]:
        click.echo(f"{counts['failed']} failed; try them again later with "
                   f"`letterpress newsletter send {plan.essay.slug} --retry-failed`.")
    if not plan.trial:
        click.echo(f"recorded in newsletter/sent/{plan.essay.slug}.json (counts only; commit it).")


def _trial_summary(plan, counts: dict) -> None:
    """What a trial did, in the author's words: where the letters are, and that nobody got one."""
    written = counts["sent"]
    click.echo(f"trial: {_letters(written)} written to {_outbox(plan)} (open them with any mail program; "
               "`letterpress newsletter outbox` lists whose is which); nothing was sent to anyone.")
    left_out = counts["skipped"] + counts["failed"] + counts["bounced"]
    if left_out:
        click.echo(f"{left_out} not written (unsubscribed meanwhile, or refused); "
                   f"`letterpress newsletter status {plan.essay.slug}` has the counts.")


def _test_send(plan, address: str) -> None:
    from ..sending.send import send_test

    with plan:
        reply = send_test(plan, address)
    if not 200 <= reply.code < 300:
        raise click.ClickException(f"the mail server refused the test letter to {address}: {reply.text}")
    if plan.trial:
        click.echo(f"trial: 1 letter (to {address}) written to {_outbox(plan)} (open it with any mail program); "
                   "nothing was sent to anyone.")
    else:
        click.echo(f"test letter sent to {address} through {plan.messenger_description} "
                   f"(not recorded as a send of {plan.essay.slug}).")


@click.command(short_help="What was sent (of SLUG), to how many, and what is left.")
@click.argument("slug", required=False)
def status(slug):
    """Every send (of essay SLUG, or its file name): when, how many letters went out, what is left."""
    from ..sending.ledger import Ledger
    from ..site.loader import load_settings
    from ..subscribers.store import open_subscribers

    essay = load_current_publication().essay(slug) if slug else None  # by its identity, whatever its slug was
    slug = essay.slug if essay else slug
    with open_subscribers(load_settings()) as store:
        ledger = Ledger(store)
        campaigns = ledger.campaigns(essay)
        if not campaigns:
            click.echo(f"no sends{f' of {slug}' if slug else ''} yet.")
            return
        for campaign in campaigns:
            click.echo(_campaign_line(campaign, ledger.counts(campaign)))


def _campaign_line(campaign, counts: dict) -> str:
    kind = " (trial)" if campaign.trial else ""
    # A trial's letters went into the outbox, not to anyone: say "written", never "sent".
    words = {"sent": "written to the outbox" if campaign.trial else "sent"}
    settled = ", ".join(f"{counts[o]} {words.get(o, o)}" for o in ("sent", "bounced", "failed", "skipped"))
    open_rows = counts["queued"] + counts["in_flight"] + counts["deferred"]
    left = f"; {open_rows} left ({counts['deferred']} waiting to retry)" if open_rows else ""
    when = f"{campaign.created_at} → {campaign.finished_at}" if campaign.finished_at else campaign.created_at
    reason = f" — {campaign.pause_reason}" if campaign.status == "paused" and campaign.pause_reason else ""
    return f"#{campaign.id} {campaign.slug}{kind}: {campaign.status}{reason}, {when}: {settled}{left}"


@click.command(short_help="Which trial letter in newsletter/outbox/ is whose.")
def outbox():
    """List the trial letters in newsletter/outbox/: file, date, subject and recipient.

    Any mail program opens them; this says which file is whose.
    """
    from ..sending.outbox import outbox_letters
    from ..site.loader import load_settings
    from ..subscribers.paths import outbox_path

    settings = load_settings()
    folder = outbox_path(settings)
    letters = outbox_letters(folder)
    shown = folder.relative_to(settings.root) if folder.is_relative_to(settings.root) else folder
    if not letters:
        click.echo(f"{shown}/ holds no letters.")
        return
    click.echo(f"{shown}/ holds {_letters(len(letters))} (a trial: none was sent):")
    for letter in letters:
        click.echo(f"{letter.path.relative_to(folder)}  {letter.date}  '{letter.subject}'  to {_recipient(letter.to)}")


def _recipient(header: str) -> str:
    """``Ada <a***@example.org>``: the name, and the address masked (output may end up in logs)."""
    from email.utils import getaddresses

    name, address = next(iter(getaddresses([header])), ("", ""))
    masked = _masked(address) if "@" in address else "(no address)"
    return f"{name} <{masked}>" if name else masked


@click.command(short_help="Read the reports of letters that came back, from PATH.")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def bounces(path):
    """Read the reports of letters that came back, from PATH (a mail folder, or a folder of .eml files).

    An address that no longer exists is marked bounced and gets no more
    letters; a delay is left alone; someone who reported a letter as spam is
    marked complained and gets no more letters either.
    """
    from ..sending.bounces import process_reports
    from ..site.loader import load_settings
    from ..subscribers.store import open_subscribers

    with open_subscribers(load_settings()) as store:
        report = process_reports(store, path)
    click.echo(f"read {report.messages} messages: {report.hard} permanent failures, {report.soft} delays or "
               f"temporary failures (left alone), {report.complaints} complaints, "
               f"{report.not_reports} not reports.")
    click.echo(f"marked {report.marked_bounced} bounced and {report.marked_complained} complained"
               f"{f'; {report.unknown_recipients} not on the list' if report.unknown_recipients else ''}.")
