"""Sending one essay: the checks before, the campaign and its messenger, the record after.

``plan_send`` refuses what must not go out (drafts, scheduled essays,
``newsletter: false``, an essay already sent, a letter whose pre-send check
has errors) and works out what would happen; ``run_send`` does it. A paused
or interrupted campaign is resumed rather than started again.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING

from .. import tokens
from ..errors import LetterpressError, Problem, ProblemsError
from ..model.essay import Essay, State
from ..model.files import write_atomic
from ..model.letters import record_fields, record_path, sent_record
from ..model.publication import Publication
from ..model.settings import CONFIG_FILE, Settings
from ..subscribers.paths import outbox_path
from ..subscribers.store import SubscriberStore, normalise_address, open_subscribers
from .campaign import CampaignRun, Composed, RunResult, SendPolicy
from .dkim import DkimSigner, dkim_signer
from .ledger import FAILED, OPEN, Campaign, Delivery, Ledger
from .messengers import MaildirMessenger, Messenger, Reply
from .smtp import SMTP_PASSWORD_VARIABLE, SMTP_URL_VARIABLE, SmtpMessenger, SmtpServer, parse_smtp_url

if TYPE_CHECKING:  # the newsletter is rendered on demand (see plan_send)
    from ..newsletter.message import RenderedIssue

MESSENGERS = ("maildir", "smtp")
MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


class SendRefused(LetterpressError):
    """The send must not start (the message says why and what to do)."""


@dataclass
class SendPlan:
    """Everything a send needs, checked; nothing sent yet."""

    publication: Publication
    essay: Essay
    issue: RenderedIssue
    store: SubscriberStore
    kind: str  # maildir or smtp
    messenger_factory: Callable[[], Messenger]
    messenger_description: str
    sender: str  # the envelope sender (Return-Path)
    policy: SendPolicy
    signer: DkimSigner | None
    campaign: Campaign | None = None  # an unfinished campaign to resume
    retry_failed: bool = False
    recipients: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def trial(self) -> bool:
        return self.kind == "maildir"

    @property
    def ledger(self) -> Ledger:
        return Ledger(self.store)

    def compose(self, delivery: Delivery) -> Composed:
        """One recipient's message as bytes for the wire, DKIM-signed when configured."""
        return compose(self.issue, delivery.email, delivery.name, self.signer)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> SendPlan:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def plan_send(publication: Publication, slug: str, *, force: bool = False, retry_failed: bool = False,
              messenger: str | None = None, rate: float | None = None) -> SendPlan:
    """Check that essay ``slug`` may be sent and prepare its send (renders the letter once).

    Args:
        publication: the publication.
        slug: the essay's slug.
        force: start a new campaign even though the essay was sent before.
        retry_failed: try the failed recipients of the last campaign again.
        messenger: ``smtp`` or ``maildir`` instead of the configured one.
        rate: messages per second for this run instead of ``sending.rate``.

    Raises:
        SendRefused: a draft, scheduled, ``newsletter: false``, already sent, nothing to retry.
        ProblemsError: config problems, or errors in the letter's pre-send check.
        SecretMissingError: no signing key (``LETTERPRESS_SECRET`` or ``.letterpress/secret``).
    """
    essay = publication.essay(slug)
    _refuse_unsendable(publication, essay)
    tokens.secret_key(publication.settings.root)
    issue = _checked_issue(publication, essay)
    plan = _prepare(publication, essay, issue, messenger, rate)
    try:
        _choose_campaign(plan, force, retry_failed)
    except BaseException:
        plan.close()
        raise
    return plan


def plan_test_send(publication: Publication, slug: str, messenger: str | None = None) -> SendPlan:
    """Prepare a test send of essay ``slug`` (any state; drafts carry "[Draft]" in the subject).

    Nothing is checked against the ledger: a test send is not part of any campaign.
    """
    from ..newsletter import render_issue

    essay = publication.essay(slug)
    tokens.secret_key(publication.settings.root)
    return _prepare(publication, essay, render_issue(publication, essay), messenger, None)


def run_send(plan: SendPlan, on_progress: Callable[[dict], None] | None = None) -> RunResult:
    """Send (or resume) the planned campaign; write ``newsletter/sent/<slug>.json`` when a real one finishes.

    Raises:
        SendRefused: another send of this publication is running.
    """
    with _send_lock(plan.store.path):
        ledger = plan.ledger
        campaign = plan.campaign or ledger.create_campaign(plan.essay, plan.issue.subject, plan.kind, plan.trial)
        if plan.retry_failed:
            ledger.requeue_failed(campaign)
        run = CampaignRun(ledger, campaign, plan.compose, plan.messenger_factory, plan.sender,
                          plan.policy, on_progress)
        result = run.run()
    if result.campaign.status == "finished" and not plan.trial:
        write_sent_record(plan.publication, plan.essay, result.campaign, result.counts,
                          tokens.fingerprint(plan.issue.secret))
    return result


def send_test(plan: SendPlan, address: str) -> Reply:
    """Send the letter to ``address`` only, through the plan's messenger; nothing is recorded.

    Raises:
        InvalidAddressError: ``address`` is not an email address.
    """
    address = normalise_address(address)
    messenger = plan.messenger_factory()
    try:
        composed = compose(plan.issue, address, "", plan.signer)
        return messenger.send(plan.sender, address, composed.data)
    finally:
        messenger.close()


def compose(issue, address: str, name: str, signer: DkimSigner | None) -> Composed:
    """``issue``'s message for one recipient, as CRLF bytes (signed when ``signer`` is given)."""
    if hasattr(issue, "message_bytes"):
        data = issue.message_bytes(address, name)
    else:
        message = issue.message_for(address, name)
        data = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    match = MESSAGE_ID.search(data.split(b"\r\n\r\n", 1)[0])
    if signer is not None:
        data = signer.sign(data)
    return Composed(data=data, message_id=match.group(1).decode() if match else "")


def write_sent_record(publication: Publication, essay: Essay, campaign: Campaign, counts: dict[str, int],
                      key_fingerprint: str) -> Path:
    """``newsletter/sent/<slug>.json``: the essay's identity and addresses, when and how many, never a
    subscriber's address (for git); ``key_fingerprint``: :func:`letterpress.tokens.fingerprint` of the key
    its links were signed with, kept in the record itself so the proof of a send and its key cannot part."""
    record = {
        **record_fields(publication, essay), "subject": campaign.subject,
        "started": campaign.created_at, "finished": campaign.finished_at,
        "recipients": sum(counts.values()),
        "counts": {outcome: counts[outcome] for outcome in ("sent", "bounced", "failed", "skipped")},
        "key_fingerprint": key_fingerprint,
    }
    # Committed to git as the proof of a send: it must survive a crash, hence durable.
    text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    path = write_atomic(record_path(publication, essay), text, 0o644, durable=True)
    publication.memo.pop("sent_records", None)  # read again when next asked
    return path


# -- checks ---------------------------------------------------------------------------


def _refuse_unsendable(publication: Publication, essay: Essay) -> None:
    settings = publication.settings
    if not settings.newsletter.enabled:
        raise SendRefused(f"{CONFIG_FILE}: config 'plugins.letterpress.newsletter.enabled' is false; "
                          "no letter is sent. Set it to true to send.")
    state = essay.state(publication.now())
    if state is State.DRAFT:
        raise SendRefused(f"{essay.source_path}: front matter 'draft': the essay is a draft and drafts are never "
                          "sent. Remove 'draft: true' when it is ready.")
    if state is State.SCHEDULED:
        raise SendRefused(f"{essay.source_path}: front matter 'date': the essay is scheduled for "
                          f"{essay.date:%Y-%m-%d %H:%M}; it can be sent from then (letterpress publish sends it "
                          "when it is due).")
    if not essay.newsletter:
        raise SendRefused(f"{essay.source_path}: front matter 'newsletter': false; this essay is never emailed.")


def _checked_issue(publication: Publication, essay: Essay) -> RenderedIssue:
    """The letter the pre-send check rendered and passed: rendered once, checked, then sent as is."""
    from ..newsletter.check import check_issue

    report = check_issue(publication, essay)
    if report.errors:
        raise ProblemsError(report.errors + [Problem(essay.source_path, "", "the letter has errors (see "
                                                     f"`letterpress newsletter check {essay.slug}`); "
                                                     "nothing was sent.")])
    return report.issue()


def _prepare(publication: Publication, essay: Essay, issue, messenger: str | None,
             rate: float | None) -> SendPlan:
    settings = publication.settings
    kind = messenger_kind(settings, messenger)
    factory, description = messenger_factory(settings, kind)
    signer = dkim_signer(settings) if kind == "smtp" else None
    plan = SendPlan(publication=publication, essay=essay, issue=issue, store=open_subscribers(settings),
                    kind=kind, messenger_factory=factory, messenger_description=description,
                    sender=envelope_sender(settings), policy=send_policy(settings, rate, kind), signer=signer)
    if kind == "smtp" and signer is None:
        plan.notes.append("letters are not DKIM-signed here: the relay must sign them (Gmail and Yahoo require "
                          "it), or set sending.dkim_selector, dkim_domain and LETTERPRESS_DKIM_KEY.")
    if plan.trial:
        plan.notes.append(f"a trial: letters go to {description}, not to readers (no sent record is written).")
    return plan


def _choose_campaign(plan: SendPlan, force: bool, retry_failed: bool) -> None:
    ledger, slug = plan.ledger, plan.essay.slug
    plan.campaign = ledger.unfinished(plan.essay, plan.trial)
    if retry_failed:
        plan.campaign = plan.campaign or ledger.latest_finished(plan.essay, plan.trial)
        failed = ledger.counts(plan.campaign)[FAILED] if plan.campaign else 0
        if not failed:
            raise SendRefused(f"'{slug}' has no failed recipients to retry.")
        plan.retry_failed = True
    if plan.campaign is not None:
        counts = ledger.counts(plan.campaign)
        plan.recipients = sum(counts[outcome] for outcome in OPEN) + (counts[FAILED] if retry_failed else 0)
        if plan.campaign.status == "paused" and not retry_failed:
            plan.notes.append(f"resuming the paused send (paused: {plan.campaign.pause_reason}).")
        elif plan.campaign.status == "running":
            plan.notes.append("resuming a send that stopped without finishing; letters whose outcome it did "
                              f"not record ({counts['in_flight']}) are sent again.")
        return
    if not plan.trial and not force:
        _refuse_resend(plan)
    plan.recipients = plan.store.count("active")


def _refuse_resend(plan: SendPlan) -> None:
    slug, publication = plan.essay.slug, plan.publication
    record = sent_record(publication, plan.essay)
    finished = plan.ledger.latest_finished(plan.essay, trial=False)
    if record is None and finished is None:
        return
    when = (record or {}).get("finished") or (finished.finished_at if finished else "")
    shown = record_path(publication, plan.essay).relative_to(publication.settings.root).as_posix()
    raise SendRefused(f"'{slug}' was already sent ({when}; {shown}); sending it again would "
                      "mail everyone twice. Use --retry-failed for the failed ones, or --force to send it anyway.")


# -- configuration --------------------------------------------------------------------


def messenger_kind(settings: Settings, override: str | None = None) -> str:
    """``smtp`` or ``maildir``: the override, else SMTP when ``LETTERPRESS_SMTP_URL`` is set, else the config."""
    kind = override or ("smtp" if os.environ.get(SMTP_URL_VARIABLE, "").strip() else settings.sending.messenger)
    if kind not in MESSENGERS:
        raise ProblemsError([Problem(CONFIG_FILE, "plugins.letterpress.sending.messenger",
                                     f"'{kind}' is not one of {', '.join(MESSENGERS)}.")])
    return kind


def smtp_server(settings: Settings) -> SmtpServer:
    """The SMTP server from ``LETTERPRESS_SMTP_URL`` (which wins) or ``sending.smtp_url``.

    Raises:
        ProblemsError: no URL, or a password written into ``mkdocs.yml``.
    """
    key = "plugins.letterpress.sending.smtp_url"
    from_environment = os.environ.get(SMTP_URL_VARIABLE, "").strip()
    url = from_environment or settings.sending.smtp_url.strip()
    if not url:
        raise ProblemsError([Problem(CONFIG_FILE, key, f"is missing; set {SMTP_URL_VARIABLE}="
                                     "smtp://user@host:587 (or smtp_url in mkdocs.yml), and the password in "
                                     f"{SMTP_PASSWORD_VARIABLE}.")])
    where = f"environment {SMTP_URL_VARIABLE}" if from_environment else f"{CONFIG_FILE}: config '{key}'"
    server = parse_smtp_url(url, os.environ.get(SMTP_PASSWORD_VARIABLE, ""),
                            timeout=settings.sending.timeout_seconds, where=where)
    if not from_environment and server.password and not os.environ.get(SMTP_PASSWORD_VARIABLE):
        raise ProblemsError([Problem(CONFIG_FILE, key, "contains a password; secrets stay out of files in git. "
                                     f"Remove it from the URL and set {SMTP_PASSWORD_VARIABLE}.")])
    return server


def messenger_factory(settings: Settings, kind: str) -> tuple[Callable[[], Messenger], str]:
    """A function making one messenger (one connection), and the messenger described in words."""
    if kind == "maildir":
        outbox = outbox_path(settings)
        return (lambda: MaildirMessenger(outbox)), str(outbox.relative_to(settings.root)
                                                       if outbox.is_relative_to(settings.root) else outbox)
    server = smtp_server(settings)
    return (lambda: SmtpMessenger(server)), server.url


def envelope_sender(settings: Settings) -> str:
    """The envelope sender (Return-Path): ``sending.return_path``, else the newsletter sender's address."""
    return settings.sending.return_path.strip() or parseaddr(settings.newsletter.sender)[1]


def send_policy(settings: Settings, rate: float | None = None, kind: str = "smtp") -> SendPolicy:
    options = settings.sending
    return SendPolicy(
        pool=max(options.pool, 1) if kind == "smtp" else 1,
        rate=options.rate if rate is None else rate,
        retry_attempts=max(options.retry_attempts, 1), retry_backoff=options.retry_backoff_seconds,
        retry_backoff_max=options.retry_backoff_max_seconds, pause_after_errors=max(options.pause_after_errors, 1),
        reconnect_delay=options.reconnect_delay_seconds,
    )


@contextmanager
def _send_lock(store_path: Path):
    """One send at a time per subscriber store; the lock goes with the process, even on a crash."""
    lock_path = store_path.with_name(store_path.name + "-send-lock")  # git-ignored like the store
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SendRefused("another send is running for this publication; wait for it to end "
                              "(or stop it), then run this command again to resume.") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
