"""Late bounces and complaints: delivery-status reports (RFC 3464) and abuse reports (ARF, RFC 5965).

A relay accepts most letters and reports failures later, by mail to the
envelope sender. ``letterpress newsletter bounces PATH`` reads those reports
from a Maildir, an mbox or a folder of ``.eml`` files with the stdlib email
package: a permanent failure (action ``failed``, status 5.x.x) marks the
subscriber *bounced*, a delay or temporary failure is left alone, and an abuse
report marks them *complained*. When a report names no known address (some
relays rewrite it, complaint loops redact it), the letter's Message-ID, kept
in the ledger, says whom it was for.
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_binary_file, message_from_bytes
from email.message import EmailMessage
from email.parser import HeaderParser
from email.policy import default
from email.utils import getaddresses
from pathlib import Path

from ..errors import Problem, ProblemsError
from ..subscribers.store import SubscriberStore

HARD, SOFT, COMPLAINT = "hard", "soft", "complaint"
# A complaint stops mail from anything; a hard bounce does not override a person's own choice.
BOUNCE_FROM = ("active", "pending")
COMPLAINT_FROM = ("active", "pending", "bounced", "unsubscribed")


@dataclass(frozen=True)
class Finding:
    """One recipient in one report."""

    kind: str  # hard, soft, complaint
    address: str  # "" when the report does not say
    status: str  # the enhanced status (5.1.1) or the feedback type (abuse)
    message_id: str  # of the original letter, "" when not included


@dataclass
class BounceReport:
    """What a pass over the reports found and changed, in counts (never addresses)."""

    messages: int = 0
    not_reports: int = 0
    hard: int = 0
    soft: int = 0
    complaints: int = 0
    marked_bounced: int = 0
    marked_complained: int = 0
    unknown_recipients: int = 0
    findings: list[Finding] = field(default_factory=list, repr=False)


def process_reports(store: SubscriberStore, path: Path) -> BounceReport:
    """Read every report at ``path`` and update the subscribers it names.

    Raises:
        ProblemsError: ``path`` is neither a Maildir, an mbox file nor a folder of .eml files.
    """
    report = BounceReport()
    for message in read_messages(path):
        report.messages += 1
        findings = findings_in(message)
        if not findings:
            report.not_reports += 1
        for finding in findings:
            _apply(store, finding, report)
    return report


def read_messages(path: Path) -> Iterator[EmailMessage]:
    """The messages of a Maildir, an mbox file, or a folder of ``.eml`` files."""
    if (path / "cur").is_dir() and (path / "new").is_dir():
        box = mailbox.Maildir(path, factory=None, create=False)
        for key in box.iterkeys():
            yield message_from_bytes(box.get_bytes(key), policy=default)
    elif path.is_file():
        for entry in mailbox.mbox(path, factory=None, create=False):
            yield message_from_bytes(entry.as_bytes(), policy=default)
    elif path.is_dir():
        for file_path in sorted(path.glob("*.eml")):
            with file_path.open("rb") as file:
                yield message_from_binary_file(file, policy=default)
    else:
        raise ProblemsError([Problem(str(path), "", "not found; give a Maildir (with cur/ and new/), an mbox "
                                     "file, or a folder of .eml files holding the bounce reports.")])


def findings_in(message: EmailMessage) -> list[Finding]:
    """The bounces or complaint one report carries ([] for anything that is not a report)."""
    if message.get_content_type() != "multipart/report":
        return []
    report_type = str(message.get_param("report-type", "")).lower()
    parts = list(message.iter_parts())
    original_to, message_id = _original(parts)
    if report_type == "delivery-status":
        return _dsn_findings(parts, message_id)
    if report_type == "feedback-report":
        return _arf_findings(parts, original_to, message_id)
    return []


def _dsn_findings(parts, message_id: str) -> list[Finding]:
    status_part = next((p for p in parts if p.get_content_type() == "message/delivery-status"), None)
    if status_part is None:
        return []
    blocks = status_part.get_payload()
    findings = []
    for block in blocks[1:] if isinstance(blocks, list) else []:  # the first block is per-message
        action = str(block.get("Action", "")).strip().lower()
        status = str(block.get("Status", "")).strip()
        address = _typed_address(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
        if action == "failed" and status.startswith("5."):
            findings.append(Finding(HARD, address, status, message_id))
        elif action in ("failed", "delayed"):
            findings.append(Finding(SOFT, address, status, message_id))
    return findings


def _arf_findings(parts, original_to: str, message_id: str) -> list[Finding]:
    feedback = next((p for p in parts if p.get_content_type() == "message/feedback-report"), None)
    if feedback is None:
        return []
    payload = feedback.get_payload()
    # The email package parses message/* parts into a message: its headers are the report's fields.
    fields = payload[0] if isinstance(payload, list) else HeaderParser(policy=default).parsestr(_text_of(feedback))
    kind = str(fields.get("Feedback-Type", "")).strip().lower()
    if kind != "abuse":
        return []
    address = _typed_address(fields.get("Original-Rcpt-To", "")) or original_to
    return [Finding(COMPLAINT, address, kind, message_id)]


def _original(parts) -> tuple[str, str]:
    """(To, Message-ID) of the original letter returned inside the report, when it is there."""
    for part in parts[2:]:
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()[0] if isinstance(part.get_payload(), list) else part.get_payload()
            return _first_address(inner.get_all("To", [])), str(inner.get("Message-ID", "")).strip()
        if part.get_content_type() == "text/rfc822-headers":
            headers = HeaderParser(policy=default).parsestr(_text_of(part))
            return _first_address(headers.get_all("To", [])), str(headers.get("Message-ID", "")).strip()
    return "", ""


def _text_of(part) -> str:
    payload = part.get_payload(decode=True)
    if payload is None:
        payload = part.get_payload()
        return payload if isinstance(payload, str) else ""
    return payload.decode("utf-8", "replace")


def _typed_address(value) -> str:
    """``rfc822; person@example.org`` -> ``person@example.org`` (RFC 3464 address-type; address)."""
    text = str(value).strip()
    kind, _, address = text.partition(";")
    address = address if address else kind
    return address.strip().strip("<>").strip()


def _first_address(values) -> str:
    found = getaddresses([str(v) for v in values])
    return found[0][1] if found else ""


def _apply(store: SubscriberStore, finding: Finding, report: BounceReport) -> None:
    report.findings.append(finding)
    if finding.kind == SOFT:
        report.soft += 1
        return
    report.hard += finding.kind == HARD
    report.complaints += finding.kind == COMPLAINT
    subscriber = _subscriber_for(store, finding)
    if subscriber is None:
        report.unknown_recipients += 1
        return
    allowed, status = (BOUNCE_FROM, "bounced") if finding.kind == HARD else (COMPLAINT_FROM, "complained")
    if subscriber.status in allowed and store.set_status(subscriber.email, status):
        report.marked_bounced += status == "bounced"
        report.marked_complained += status == "complained"


def _subscriber_for(store: SubscriberStore, finding: Finding):
    subscriber = store.get(finding.address) if finding.address else None
    if subscriber is None and finding.message_id:
        row = store.connection.execute("SELECT email FROM deliveries WHERE message_id = ? LIMIT 1",
                                       (finding.message_id,)).fetchone()
        subscriber = store.get(row[0]) if row else None
    return subscriber
