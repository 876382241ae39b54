"""Late bounces (RFC 3464 delivery-status reports) and complaints (ARF, RFC 5965), read from mailboxes."""

from __future__ import annotations

import mailbox
import shutil
from pathlib import Path

import pytest

from letterpress.errors import ProblemsError
from letterpress.sending.bounces import process_reports
from letterpress.sending.ledger import Ledger
from letterpress.subscribers.store import open_store

REPORTS = Path(__file__).parent / "fixtures" / "bounces"
PEOPLE = ("gone@example.com", "full@example.com", "forwarded@example.com", "annoyed@example.com",
          "private@example.com", "reader@example.com")
MESSAGE_IDS = {"forwarded@example.com": "<feedfacefeedfacefeedfacefeedface@quietrooms.example.org>",
               "private@example.com": "<bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb@quietrooms.example.org>"}


@pytest.fixture
def store(tmp_path):
    """Subscribers who were sent a letter; the ledger knows the Message-ID of two of them."""
    with open_store(tmp_path / "subscribers.sqlite3") as opened:
        for address in PEOPLE:
            opened.add(address)
        campaign = Ledger(opened).create_campaign("the-listening-hour", "The Listening Hour", "smtp", False)
        for address, message_id in MESSAGE_IDS.items():
            opened.connection.execute("UPDATE deliveries SET status = 'sent', message_id = ? "
                                      "WHERE campaign_id = ? AND email = ?", (message_id, campaign.id, address))
        yield opened


def maildir_of(folder: Path, names) -> Path:
    box = mailbox.Maildir(folder, create=True)
    for name in names:
        box.add((REPORTS / name).read_bytes())
    return folder


def statuses(store) -> dict[str, str]:
    return {person.email: person.status for person in store.subscribers()}


def test_reports_in_a_maildir_mark_hard_bounces_and_complaints_only(store, tmp_path):
    folder = maildir_of(tmp_path / "bounces", sorted(p.name for p in REPORTS.glob("*.eml")))
    report = process_reports(store, folder)
    assert statuses(store) == {
        "gone@example.com": "bounced",  # 5.1.1, action failed
        "full@example.com": "active",  # delayed 4.2.2: left alone
        "forwarded@example.com": "bounced",  # found through the Message-ID in the ledger
        "annoyed@example.com": "complained",  # ARF abuse, Original-Rcpt-To
        "private@example.com": "complained",  # ARF with the address redacted: Message-ID
        "reader@example.com": "active",  # an ordinary reply is not a report
    }
    assert (report.messages, report.hard, report.soft, report.complaints, report.not_reports) == (6, 2, 1, 2, 1)
    assert (report.marked_bounced, report.marked_complained, report.unknown_recipients) == (2, 2, 0)


def test_reports_in_an_mbox_and_in_a_folder_of_eml_files(store, tmp_path):
    box = mailbox.mbox(tmp_path / "bounces.mbox", create=True)
    box.add((REPORTS / "dsn_user_unknown.eml").read_bytes())
    box.flush()
    process_reports(store, tmp_path / "bounces.mbox")
    assert store.get("gone@example.com").status == "bounced"
    folder = tmp_path / "eml"
    folder.mkdir()
    shutil.copy(REPORTS / "arf_abuse_complaint.eml", folder)
    process_reports(store, folder)
    assert store.get("annoyed@example.com").status == "complained"


def test_a_bounce_never_overrides_a_persons_own_unsubscribe(store, tmp_path):
    store.unsubscribe("gone@example.com")
    process_reports(store, maildir_of(tmp_path / "b", ["dsn_user_unknown.eml"]))
    assert store.get("gone@example.com").status == "unsubscribed"


def test_reports_about_unknown_addresses_change_nothing(tmp_path):
    with open_store(tmp_path / "empty.sqlite3") as empty:
        report = process_reports(empty, maildir_of(tmp_path / "b", ["dsn_user_unknown.eml"]))
        assert report.hard == 1 and report.unknown_recipients == 1 and empty.subscribers() == []


def test_a_path_that_is_not_a_mailbox_is_refused(store, tmp_path):
    with pytest.raises(ProblemsError, match="not found; give a Maildir"):
        process_reports(store, tmp_path / "nowhere")
