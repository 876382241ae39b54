"""`letterpress newsletter send/status/bounces` end to end: the real rendered letter, a real SMTP server, Maildir.

The publication is a small one written into a temporary folder (its own
config, one essay in each state), so these tests do not depend on the sample.
"""

from __future__ import annotations

import email
import json
import mailbox
import re
import shutil
from email.policy import default
from pathlib import Path

import pytest
from click.testing import CliRunner

import scratch_publication
from letterpress.cli import cli
from letterpress.sending.ledger import Ledger
from letterpress.subscribers.store import open_store
from run_options import SAMPLE_ENV
from smtp_server import SmtpTestServer

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "a-test-secret-that-is-long-enough"
CONFIG = scratch_publication.config("retry_backoff_seconds: 0.02", "reconnect_delay_seconds: 0.01",
                                    "pause_after_errors: 3", "return_path: bounces@test.example.org")
ESSAYS = {
    "a-letter": ("A Letter", "2026-01-10", ""),
    "a-draft": ("A Draft", "2026-01-11", "draft: true"),
    "a-scheduled-letter": ("A Scheduled Letter", "2027-01-15", ""),
    "not-for-email": ("Not for Email", "2026-01-12", "newsletter: false"),
    "an-unfinished-letter": ("An Unfinished Letter", "2026-01-13", ""),
}
PEOPLE = ("ada@example.org", "ben@example.org", "cleo@example.org")


@pytest.fixture
def publication(tmp_path, monkeypatch) -> Path:
    """A publication with one essay per state, three active subscribers and one who left."""
    root = tmp_path / "publication"
    posts = root / "docs" / "essays" / "posts"
    posts.mkdir(parents=True)
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Test Rooms\n", encoding="utf-8")
    shutil.copy(FIXTURES / "minimal" / "docs" / "essays" / ".authors.yml", root / "docs" / "essays")
    shutil.copytree(FIXTURES / "minimal" / "docs" / "essays" / "images", root / "docs" / "essays" / "images")
    for slug, (title, date, extra) in ESSAYS.items():
        text = scratch_publication.essay(title, date, extra)
        if slug == "an-unfinished-letter":
            text += "\nTK: the ending.\n"
        (posts / f"{slug}.md").write_text(text, encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv("LETTERPRESS_SECRET", SECRET)
    for variable in ("LETTERPRESS_SMTP_URL", "LETTERPRESS_SMTP_PASSWORD", "LETTERPRESS_DKIM_KEY"):
        monkeypatch.delenv(variable, raising=False)
    with open_store(root / "newsletter" / "subscribers.sqlite3") as store:
        for address in PEOPLE + ("left@example.org",):
            store.add(address, name=address.split("@")[0].title())
        store.unsubscribe("left@example.org")
    return root


@pytest.fixture
def smtp(monkeypatch):
    """A real SMTP server, named by LETTERPRESS_SMTP_URL (which makes SMTP the messenger)."""
    with SmtpTestServer() as server:
        monkeypatch.setenv("LETTERPRESS_SMTP_URL", f"smtp://127.0.0.1:{server.port}")
        yield server


def run(*args, input=None):
    return CliRunner(env=SAMPLE_ENV).invoke(cli, ["newsletter", *args], input=input)


def no_addresses_in(text: str) -> bool:
    return not any(address in text for address in PEOPLE + ("left@example.org",))


# -- SMTP ------------------------------------------------------------------------------------------


def test_an_smtp_send_delivers_the_letter_once_to_each_active_subscriber(publication, smtp):
    result = run("send", "a-letter", "--yes")
    assert result.exit_code == 0, result.output
    assert re.search(r"^finished in \d+\.\d s: 3 sent, 0 bounced, 0 failed, 0 skipped; \d+\.\d letters/s\.$",
                     result.output, re.MULTILINE), result.output
    assert "DKIM: not signed here" in result.output and "the relay must sign" in result.output
    assert no_addresses_in(result.output)
    assert sorted(smtp.handler.recipients()) == sorted(PEOPLE)
    assert {entry.mail_from for entry in smtp.accepted} == {"bounces@test.example.org"}
    for entry in smtp.accepted:
        message = email.message_from_bytes(entry.data, policy=default)
        assert message["To"].addresses[0].addr_spec == entry.recipient
        assert message["Subject"] == "A Letter"
        assert message["List-Unsubscribe"].startswith("<https://test.example.org/service/unsubscribe?token=")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with open_store(publication / "newsletter" / "subscribers.sqlite3") as store:
        recorded = dict(store.connection.execute("SELECT email, message_id FROM deliveries"))
    assert recorded == {entry.recipient: entry.message_id for entry in smtp.accepted}


def test_the_sent_record_has_counts_and_no_address(publication, smtp):
    run("send", "a-letter", "--yes")
    record_path = publication / "newsletter" / "sent" / "a-letter.json"
    text = record_path.read_text(encoding="utf-8")
    record = json.loads(text)
    assert set(record) == {"essay", "slug", "url", "web", "subject", "started", "finished", "recipients", "counts",
                           "key_fingerprint"}
    assert record["key_fingerprint"] == "0bf6c6e872b7ce7e"  # of SECRET, keyed: HMAC-SHA256, 16 hex digits
    assert (record["essay"], record["url"], record["web"]) == (
        "a-letter.md", "essays/a-letter/", "newsletter/a-letter/")
    assert record["counts"] == {"sent": 3, "bounced": 0, "failed": 0, "skipped": 0} and record["recipients"] == 3
    assert "@" not in text


def test_sending_a_sent_essay_again_is_refused(publication, smtp):
    run("send", "a-letter", "--yes")
    again = run("send", "a-letter", "--yes")
    assert again.exit_code == 1
    assert "'a-letter' was already sent" in again.output and "--force" in again.output
    assert len(smtp.accepted) == 3
    forced = run("send", "a-letter", "--yes", "--force")
    assert forced.exit_code == 0 and len(smtp.accepted) == 6


def test_a_bounce_a_policy_block_and_retry_failed(publication, smtp):
    smtp.faults.refuse.update({"ada@example.org": "550 5.1.1 <ada@example.org>: User unknown",
                               "ben@example.org": "550 5.7.1 <ben@example.org>: blocked by policy"})
    first = run("send", "a-letter", "--yes")
    assert first.exit_code == 0, first.output
    assert "1 sent, 1 bounced, 1 failed" in first.output and "--retry-failed" in first.output
    assert no_addresses_in(first.output)
    smtp.faults.refuse.clear()
    retry = run("send", "a-letter", "--yes", "--retry-failed")
    assert retry.exit_code == 0, retry.output
    assert "2 sent, 1 bounced, 0 failed" in retry.output
    assert sorted(smtp.handler.recipients()) == ["ben@example.org", "cleo@example.org"]
    nothing = run("send", "a-letter", "--yes", "--retry-failed")
    assert nothing.exit_code == 1 and "no failed recipients to retry" in nothing.output


def test_repeated_errors_pause_then_the_same_command_resumes(publication, smtp):
    smtp.faults.refuse.update({address: f"554 5.7.1 <{address}>: Relay access denied" for address in PEOPLE})
    paused = run("send", "a-letter", "--yes")
    assert paused.exit_code == 1
    assert "paused after" in paused.output and "3 errors in a row; the last: 554 5.7.1" in paused.output
    assert "run `letterpress newsletter send a-letter` again to resume" in paused.output
    assert no_addresses_in(paused.output)
    assert "paused" in run("status", "a-letter").output
    smtp.faults.refuse.clear()
    with open_store(publication / "newsletter" / "subscribers.sqlite3") as store:
        Ledger(store).requeue_failed(Ledger(store).unfinished("a-letter", False))
    resumed = run("send", "a-letter", "--yes")
    assert resumed.exit_code == 0, resumed.output
    assert "resuming the paused send" in resumed.output and "3 sent" in resumed.output


def test_the_send_asks_first(publication, smtp):
    declined = run("send", "a-letter", input="n\n")
    assert declined.exit_code == 1
    assert "Send 'A Letter' to 3 recipients through smtp://127.0.0.1:" in declined.output
    assert smtp.accepted == []
    accepted = run("send", "a-letter", input="y\n")
    assert accepted.exit_code == 0 and len(smtp.accepted) == 3


def test_a_dry_run_counts_and_shows_a_sample_but_sends_nothing(publication, smtp):
    result = run("send", "a-letter", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "recipients: 3 (new send)" in result.output
    assert "sample:" in result.output and "a***@example.org" in result.output
    assert "dry run: nothing was sent." in result.output
    assert smtp.accepted == []
    assert "no sends of a-letter yet." in run("status", "a-letter").output


def test_a_test_send_goes_to_one_address_and_is_not_recorded(publication, smtp):
    result = run("send", "a-draft", "--to", "me@example.net")
    assert result.exit_code == 0, result.output
    assert "test letter sent to me@example.net through smtp://127.0.0.1:" in result.output
    assert "(not recorded as a send of a-draft)" in result.output and "250" not in result.output
    assert smtp.handler.recipients() == ["me@example.net"]
    message = email.message_from_bytes(smtp.accepted[0].data, policy=default)
    assert message["Subject"] == "[Draft] A Draft"
    assert "no sends yet." in run("status").output


def test_a_late_bounce_report_marks_the_subscriber(publication, smtp, tmp_path):
    box = mailbox.Maildir(tmp_path / "reports", create=True)
    report = (FIXTURES / "bounces" / "dsn_user_unknown.eml").read_bytes()
    box.add(report.replace(b"gone@example.com", b"ada@example.org"))
    result = run("bounces", str(tmp_path / "reports"))
    assert result.exit_code == 0, result.output
    assert "1 permanent failures" in result.output and "marked 1 bounced" in result.output
    assert no_addresses_in(result.output)
    sent = run("send", "a-letter", "--yes")
    assert "2 sent" in sent.output and "ada@example.org" not in smtp.handler.recipients()


# -- Maildir -----------------------------------------------------------------------------------------


def test_a_maildir_trial_writes_the_outbox_and_does_not_block_the_real_send(publication, smtp, monkeypatch):
    trial = run("send", "a-letter", "--yes", "--messenger", "maildir")
    assert trial.exit_code == 0, trial.output
    assert "a trial: letters go to newsletter/outbox" in trial.output
    box = mailbox.Maildir(publication / "newsletter" / "outbox", create=False)
    messages = [box[key] for key in box.keys()]
    recipients = sorted(email.message_from_bytes(m.as_bytes(), policy=default)["To"].addresses[0].addr_spec
                        for m in messages)
    assert recipients == sorted(PEOPLE)
    assert not (publication / "newsletter" / "sent" / "a-letter.json").exists()
    assert smtp.accepted == []
    real = run("send", "a-letter", "--yes")
    assert real.exit_code == 0 and len(smtp.accepted) == 3
    status = run("status", "a-letter").output
    assert "a-letter (trial): finished" in status and "#2 a-letter: finished" in status


def test_maildir_is_the_default_messenger(publication):
    result = run("send", "a-letter", "--yes")
    assert result.exit_code == 0, result.output
    assert len(mailbox.Maildir(publication / "newsletter" / "outbox", create=False)) == 3


# -- refusals ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug, message", [
    ("a-draft", "front matter 'draft': the essay is a draft and drafts are never sent"),
    ("a-scheduled-letter", "front matter 'date': the essay is scheduled for 2027-01-15"),
    ("not-for-email", "front matter 'newsletter': false; this essay is never emailed"),
    ("an-unfinished-letter", "the letter has errors (see `letterpress newsletter check an-unfinished-letter`)"),
    ("no-such-essay", "no essay with this slug"),
])
def test_what_must_not_go_out_is_refused(publication, smtp, slug, message):
    result = run("send", slug, "--yes")
    assert result.exit_code == 1
    assert message in result.output
    assert smtp.accepted == []


def test_no_secret_no_send(publication, smtp, monkeypatch):
    monkeypatch.delenv("LETTERPRESS_SECRET")
    result = run("send", "a-letter", "--yes")
    assert result.exit_code == 1 and "LETTERPRESS_SECRET is not set" in result.output


def test_a_password_written_into_mkdocs_yml_is_refused(publication, monkeypatch):
    config = publication / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      sending:\n", "      sending:\n        smtp_url: smtp://letters:hunter2@127.0.0.1:2525\n"))
    result = run("send", "a-letter", "--yes", "--messenger", "smtp")
    assert result.exit_code == 1
    assert "'plugins.letterpress.sending.smtp_url': contains a password" in result.output
    assert "hunter2" not in result.output


def test_smtp_without_a_url_says_what_to_set(publication):
    result = run("send", "a-letter", "--yes", "--messenger", "smtp")
    assert result.exit_code == 1
    assert "'plugins.letterpress.sending.smtp_url': is missing; set LETTERPRESS_SMTP_URL=" in result.output


def test_status_lists_every_send(publication, smtp):
    run("send", "a-letter", "--yes", "--messenger", "maildir")
    lines = run("status").output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("#1 a-letter (trial): finished")
    assert "3 written to the outbox, 0 bounced, 0 failed, 0 skipped" in lines[0]


def test_a_test_send_to_something_that_is_not_an_address(publication, smtp):
    result = run("send", "a-letter", "--to", "me-at-example.net")
    assert result.exit_code == 1 and "is not a valid email address" in result.output
    assert smtp.accepted == []


def test_an_interrupted_send_is_resumed_by_the_same_command(publication, smtp):
    """A crash left one letter in flight and the campaign 'running': the next send finishes it."""
    with open_store(publication / "newsletter" / "subscribers.sqlite3") as store:
        ledger = Ledger(store)
        campaign = ledger.create_campaign("a-letter", "A Letter", "smtp", False)
        delivery, _ = ledger.claim(campaign, 1e12)
        assert delivery is not None  # in flight, as a kill would leave it
    result = run("send", "a-letter", "--yes")
    assert result.exit_code == 0, result.output
    assert "resuming a send that stopped without finishing" in result.output
    assert "resumed: 1 letters whose outcome an interruption left unknown were sent again" in result.output
    assert sorted(smtp.handler.recipients()) == sorted(PEOPLE)
    assert json.loads((publication / "newsletter" / "sent" / "a-letter.json").read_text())["counts"]["sent"] == 3


def test_a_send_that_died_after_its_last_letter_finishes_without_sending(publication, smtp):
    with open_store(publication / "newsletter" / "subscribers.sqlite3") as store:
        ledger = Ledger(store)
        campaign = ledger.create_campaign("a-letter", "A Letter", "smtp", False)
        store.connection.execute("UPDATE deliveries SET status = 'sent'")
    result = run("send", "a-letter", "--yes")
    assert result.exit_code == 0, result.output
    assert smtp.accepted == [] and (publication / "newsletter" / "sent" / "a-letter.json").exists()
    assert ledger is not None and campaign.id == 1


def test_check_reports_problems_of_the_sending_section(publication):
    config = publication / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      sending:\n", "      sending:\n        messenger: pigeon\n        pool: 0\n"
        "        dkim_selector: letters\n").replace("bounces@test.example.org", "nobody"))
    result = CliRunner(env=SAMPLE_ENV).invoke(cli, ["check"])
    assert result.exit_code == 1
    for expected in ("'plugins.letterpress.sending.messenger': 'pigeon' is not one of maildir, smtp",
                     "'plugins.letterpress.sending.pool': must be at least 1",
                     "'plugins.letterpress.sending.dkim_domain': is missing",
                     "'plugins.letterpress.sending.return_path': 'nobody' is not an address"):
        assert expected in result.output


def test_a_file_that_is_not_a_store_is_named(publication):
    (publication / "newsletter" / "subscribers.sqlite3").unlink()
    for leftover in (publication / "newsletter").glob("subscribers.sqlite3-*"):
        leftover.unlink()
    (publication / "newsletter" / "subscribers.sqlite3").write_text("not a database, just text " * 100)
    result = CliRunner(env=SAMPLE_ENV).invoke(cli, ["subscribers", "count"])
    assert result.exit_code == 1 and "not a subscriber store" in result.output
