"""The subscriber store: commands, CSV import and export, erasure, migrations — on real SQLite files."""

from __future__ import annotations

import csv
import io
import mailbox
import re
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

import scratch_publication
from letterpress.cli import cli
from letterpress.errors import ProblemsError
from letterpress.sending.ledger import Ledger
from letterpress.subscribers.erase import erase_subscriber
from letterpress.subscribers.importing import EXPORT_COLUMNS, export_rows, import_csv, restore_cell, write_csv
from letterpress.subscribers.store import MIGRATIONS, SCHEMA_VERSION, InvalidAddressError, SubscriberError, open_store

CSVS = Path(__file__).parent / "fixtures" / "subscribers"
MKDOCS_YML = scratch_publication.config()


@pytest.fixture
def publication(tmp_path, monkeypatch) -> Path:
    """A publication folder (just its mkdocs.yml) as the working folder."""
    root = tmp_path / "publication"
    root.mkdir()
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def statuses(store) -> dict[str, str]:
    return {person.email: person.status for person in store.subscribers()}


# -- commands --------------------------------------------------------------------------------


def test_add_list_count_remove(publication):
    assert run("subscribers", "add", "Ada@Example.ORG", "--name", "Ada").output == "added Ada@example.org (active).\n"
    assert run("subscribers", "add", "ben@example.org").exit_code == 0
    assert "already on the list" in run("subscribers", "add", "ada@example.org").output
    assert run("subscribers", "count").output == "2\n"
    assert run("subscribers", "remove", "ADA@example.org").output == "unsubscribed Ada@example.org.\n"
    assert run("subscribers", "list").output == "Ada@example.org unsubscribed\nben@example.org active\n"
    assert run("subscribers", "list", "--status", "active").output == "ben@example.org active\n"
    assert run("subscribers", "count").output == "1\n"
    assert "unsubscribed 1" in run("subscribers", "count", "--by-status").output
    assert (publication / "newsletter" / "subscribers.sqlite3").is_file()


@pytest.mark.parametrize("args, message", [
    (("add", "not-an-address"),
     "error: 'not-an-address' is not a valid email address: An email address must have an @-sign."),
    (("add", "ada@example"), "is not a valid email address"),
    (("remove", "nobody@example.org"), "error: nobody@example.org is not on the list; nothing to remove."),
])
def test_bad_input_is_one_line_and_exit_1(publication, args, message):
    result = CliRunner().invoke(cli, ["subscribers", *args])
    assert result.exit_code == 1
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_someone_who_left_is_not_added_back(publication):
    run("subscribers", "add", "ada@example.org")
    run("subscribers", "remove", "ada@example.org")
    result = CliRunner().invoke(cli, ["subscribers", "add", "ada@example.org"])
    assert result.exit_code == 1 and "is unsubscribed" in result.output and "sign-up form" in result.output


def test_the_store_is_private_and_shared_safely(store):
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.connection.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_consent_is_recorded(store):
    person = store.add("ada@example.org", source="met at a reading")
    assert person.consent_source == "met at a reading" and person.consent_at.endswith("Z")


# -- the sign-up service's functions ---------------------------------------------------------


def test_pending_confirm_unsubscribe_for_the_service(store):
    pending = store.add_pending("ada@example.org", source="sign-up form on /about/")
    assert pending.status == "pending" and pending.name == "" and store.count() == 0
    active = store.confirm("ada@example.org", "Ada")
    assert active.status == "active" and active.consent_source == "sign-up form on /about/, confirmed"
    assert active.name == "Ada"  # the name comes with the confirmation
    assert store.unsubscribe("ada@example.org") is True and store.unsubscribe("ada@example.org") is False
    assert store.add_pending("ada@example.org").status == "pending"  # they may ask again
    with pytest.raises(SubscriberError, match="not on the list"):
        store.confirm("nobody@example.org")
    with pytest.raises(InvalidAddressError):
        store.add_pending("nobody")


def test_a_sign_up_changes_no_stored_name_and_only_a_confirmation_names_someone(store):
    store.add("vera@example.org", name="Vera")
    store.unsubscribe("vera@example.org")
    assert store.add_pending("vera@example.org").name == "Vera"  # someone signs Vera up again
    assert store.confirm("vera@example.org", "").name == "Vera"  # a link without a name keeps hers
    store.unsubscribe("vera@example.org")
    store.add_pending("vera@example.org")
    assert store.confirm("vera@example.org", "Vera Lynn").name == "Vera Lynn"
    assert store.confirm("vera@example.org", "Mallory").name == "Vera Lynn"  # active: a link changes nothing


# -- import ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, expected, kind", [
    ("substack_export.csv",
     {"ada@example.org": "active", "ben@example.org": "active", "cleo@example.org": "unsubscribed"}, "Substack"),
    ("buttondown_export.csv",
     {"ada@example.org": "active", "ben@example.org": "active", "cleo@example.org": "unsubscribed",
      "dan@example.org": "pending"}, "Buttondown"),
    ("mailchimp_subscribed.csv", {"ada@example.org": "active", "Ben@example.org": "active"}, "Mailchimp"),
    ("mailchimp_unsubscribed.csv", {"cleo@example.org": "unsubscribed"}, "Mailchimp"),
    ("mailchimp_cleaned.csv", {"erin@example.org": "bounced"}, "Mailchimp"),
    ("csv_with_bom_and_semicolons.csv", {"ada@example.org": "active", "ben@example.org": "active"}, "CSV"),
])
def test_exports_of_other_services_import(store, name, expected, kind):
    report = import_csv(store, CSVS / name)
    assert statuses(store) == expected
    assert kind in report.source


def test_consent_time_and_names_come_from_the_export(store):
    import_csv(store, CSVS / "mailchimp_subscribed.csv")
    ada = store.get("ada@example.org")
    assert ada.name == "Ada Lovelace" and ada.consent_at == "2024-03-01T10:16:00Z"
    assert ada.consent_source == "import of mailchimp_subscribed.csv (Mailchimp export)"


def test_bad_rows_are_reported_and_nothing_is_imported(store):
    with pytest.raises(ProblemsError) as caught:
        import_csv(store, CSVS / "csv_with_bad_rows.csv")
    lines = [str(problem) for problem in caught.value.problems]
    assert any("row 3, column 'email': 'not-an-address' is not a valid email address" in line for line in lines)
    assert any("row 4, column 'email': empty" in line for line in lines)
    assert any("row 5, column 'status': unknown status 'sleeping'" in line for line in lines)
    assert lines[-1].endswith("nothing was imported; fix these rows, or import the others with --skip-invalid.")
    assert store.subscribers() == []


def test_a_file_with_a_giant_field_is_refused_in_one_line(store, tmp_path):
    """A field over the csv module's 128 KiB limit: one problem naming the row, not a traceback."""
    path = tmp_path / "giant.csv"
    path.write_text("email,name\nfirst@example.org,Ann\nsecond@example.org," + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        import_csv(store, path)
    [problem] = caught.value.problems
    assert "row 3: cannot be read" in str(problem) and "nothing was imported" in str(problem)
    assert store.subscribers() == []


def test_skip_invalid_imports_the_good_rows(publication):
    result = run("subscribers", "import", str(CSVS / "csv_with_bad_rows.csv"), "--skip-invalid")
    assert result.exit_code == 0
    assert "read 5 rows (CSV): 2 added, 3 invalid rows skipped." in result.output
    assert "skipped: " in result.output and "row 3, column 'email'" in result.output
    assert run("subscribers", "count").output == "2\n"


def test_import_without_an_email_column_or_file(publication):
    result = CliRunner().invoke(cli, ["subscribers", "import", str(CSVS / "csv_without_email_column.csv")])
    assert result.exit_code == 1
    assert "no email column in the header (found: name, city)" in result.output
    missing = CliRunner().invoke(cli, ["subscribers", "import", "missing.csv"])
    assert missing.exit_code == 1 and "missing.csv: file not found" in missing.output


def test_an_import_never_reactivates_someone_who_left(store):
    store.add("ada@example.org")
    store.unsubscribe("ada@example.org")
    store.add("ben@example.org")
    store.set_status("ben@example.org", "complained")
    store.add("gone@example.org")
    erase_subscriber(store, "gone@example.org")
    (store.path.parent / "again.csv").write_text("email\nada@example.org\nben@example.org\ngone@example.org\n")
    report = import_csv(store, store.path.parent / "again.csv")
    assert report.kept_out == 3 and report.added == 0
    assert statuses(store) == {"ada@example.org": "unsubscribed", "ben@example.org": "complained"}


def test_an_import_records_who_left_elsewhere(store):
    store.add("cleo@example.org")
    import_csv(store, CSVS / "mailchimp_unsubscribed.csv")
    assert store.get("cleo@example.org").status == "unsubscribed"


def test_duplicate_rows_count_once(store, tmp_path):
    (tmp_path / "dup.csv").write_text("email\nada@example.org\nADA@example.org\n")
    report = import_csv(store, tmp_path / "dup.csv")
    assert report.added == 1 and report.duplicates == 1


# -- export --------------------------------------------------------------------------------------


def test_export_then_import_round_trips(publication, tmp_path):
    run("subscribers", "import", str(CSVS / "buttondown_export.csv"))
    result = run("subscribers", "export", "everyone.csv")
    assert result.output == "wrote 4 subscribers to everyone.csv (readable by you only).\n"
    exported = publication / "everyone.csv"
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    kept = ("email", "name", "status", "consent_source", "consent_at")
    with open_store(tmp_path / "elsewhere.sqlite3") as other:
        import_csv(other, exported)
        again = [{key: row[key] for key in kept} for row in export_rows(other)]
    original = [{key: row[key] for key in kept} for row in csv.DictReader(exported.open(encoding="utf-8"))]
    assert again == original
    assert {row["status"] for row in again} == {"active", "unsubscribed", "pending"}


def test_export_to_the_screen_and_of_one_person(publication):
    run("subscribers", "add", "ada@example.org", "--name", "Ada")
    run("subscribers", "add", "ben@example.org")
    everyone = run("subscribers", "export").output
    assert everyone.splitlines()[0] == ",".join(EXPORT_COLUMNS) and len(everyone.splitlines()) == 3
    with open_store(publication / "newsletter" / "subscribers.sqlite3") as opened:
        Ledger(opened).create_campaign("the-listening-hour", "The Listening Hour", "smtp", False)
    one = list(csv.DictReader(io.StringIO(run("subscribers", "export", "--email", "ADA@example.org").output)))
    assert len(one) == 1 and one[0]["email"] == "ada@example.org"
    assert one[0]["letters"].startswith("the-listening-hour: queued (")
    missing = CliRunner().invoke(cli, ["subscribers", "export", "--email", "nobody@example.org"])
    assert missing.exit_code == 1 and "is not in the store" in missing.output


# Addresses and names a spreadsheet would run as formulas (and ones that look like the escape).
FORMULA_PEOPLE = [
    ("ada@example.org", "=cmd|' /C calc'!A0"),
    ("ben@example.org", "+1"),
    ("-x@example.com", "@home"),
    ("+news@example.org", '=HYPERLINK("https://evil.example/","click me")'),
    ("=eq@example.org", "-"),
    ("quote@example.org", "'=already quoted"),
    ("tis@example.org", "'Tis herself"),
]
FORMULA_CELL = re.compile(r"[=+\-@\t\r\0]")


def test_export_neutralises_formulas_and_import_restores_them(publication, tmp_path, monkeypatch):
    for address, name in FORMULA_PEOPLE:
        run("subscribers", "add", f"--name={name}", "--", address)
    run("subscribers", "export", str(tmp_path / "everyone.csv"))
    raw = (tmp_path / "everyone.csv").read_text(encoding="utf-8")
    lines = raw.splitlines()
    assert lines[1].startswith("ada@example.org,'=cmd|' /C calc'!A0,active,")
    assert lines[3].startswith("'-x@example.com,'@home,")
    assert lines[4].startswith("'+news@example.org,\"'=HYPERLINK(\"\"https://evil.example/\"\",\"\"click me\"\")\",")
    assert lines[5].startswith("'=eq@example.org,'-,") and lines[6].startswith("quote@example.org,''=already quoted,")
    assert lines[7].startswith("tis@example.org,'Tis herself,")  # no formula: left as it is
    assert not any(FORMULA_CELL.match(cell) for row in csv.reader(io.StringIO(raw)) for cell in row)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    assert "7 added" in run("subscribers", "import", str(tmp_path / "everyone.csv")).output
    with open_store(elsewhere / "newsletter" / "subscribers.sqlite3") as other:
        assert [(person.email, person.name) for person in other.subscribers()] == FORMULA_PEOPLE
    again = run("subscribers", "export").output
    kept = slice(0, 5)  # email, name, status, consent_source, consent_at: the rest is the new store's
    assert [row[kept] for row in csv.reader(io.StringIO(again))] == [row[kept] for row in csv.reader(io.StringIO(raw))]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tTab", "\rCR", "\0NUL", "'=1", "''+1",
                                   "'quoted", "plain", "", "a=b"])
def test_a_neutralised_cell_reads_back_as_it_was(value, tmp_path):
    text = write_csv([{"email": "ada@example.org", "name": value}], ("email", "name"), None)
    cell = next(csv.DictReader(io.StringIO(text, newline="")))["name"]
    assert not FORMULA_CELL.match(cell)
    assert restore_cell(cell) == value
    assert (cell == value) == (not re.match(r"'*[=+\-@\t\r\0]", value))

# -- erasure ---------------------------------------------------------------------------------------


def test_erase_leaves_only_the_suppression_hash(publication):
    address = "erase.me@example.org"
    run("subscribers", "add", address, "--name", "Erase Me")
    run("subscribers", "add", "stays@example.org")
    store_path = publication / "newsletter" / "subscribers.sqlite3"
    with open_store(store_path) as opened:
        ledger = Ledger(opened)
        campaign = ledger.create_campaign("the-listening-hour", "The Listening Hour", "maildir", True)
        delivery, _ = ledger.claim(campaign, 1e12)
        ledger.record(delivery, "sent", 250, f"250 ok <{delivery.email}>", "<id@quietrooms.example.org>")
    outbox = mailbox.Maildir(publication / "newsletter" / "outbox", create=True)
    outbox.add(f"To: Erase Me <{address}>\nSubject: hi\n\nhello\n".encode())
    outbox.add(b"To: stays@example.org\nSubject: hi\n\nhello\n")

    result = run("subscribers", "erase", address, "--yes")
    assert result.output == ("erased the subscriber; deleted 1 ledger rows and 1 outbox messages; kept only a "
                             "salted hash, so no import adds them back.\n")
    assert len(outbox.keys()) == 1
    with open_store(store_path) as opened:
        assert opened.get(address) is None and opened.is_suppressed(address)
        rows = opened.connection.execute("SELECT count(*) FROM deliveries").fetchone()[0]
        assert rows == 1  # the other recipient's row stays
        with pytest.raises(SubscriberError, match="was erased at their request"):
            opened.add(address)
    raw = b"".join(path.read_bytes() for path in store_path.parent.glob("subscribers.sqlite3*"))
    assert address.encode() not in raw and b"Erase Me" not in raw  # not even in free pages or the WAL


def test_erase_asks_first(publication):
    run("subscribers", "add", "ada@example.org")
    result = CliRunner().invoke(cli, ["subscribers", "erase", "ada@example.org"], input="n\n")
    assert result.exit_code == 1 and run("subscribers", "count").output == "1\n"


def test_erase_drops_a_sign_up_still_waiting_in_the_service_queue(store):
    store.add("ada@example.org", "Ada")
    store.connection.execute("INSERT INTO signup_requests (email, name, received_at) VALUES (?, ?, ?)",
                             ("ada@example.org", "Ada", "2026-12-01T00:00:00Z"))
    store.connection.commit()
    erase_subscriber(store, "ada@example.org")
    assert store.connection.execute("SELECT count(*) FROM signup_requests").fetchone()[0] == 0


def test_someone_erased_may_sign_up_again_themselves(store):
    store.add("ada@example.org")
    erase_subscriber(store, "ada@example.org")
    store.add_pending("ada@example.org")
    assert store.confirm("ada@example.org").status == "active"
    assert not store.is_suppressed("ada@example.org")


# -- migrations --------------------------------------------------------------------------------------


def test_a_store_from_an_older_version_is_migrated_with_its_people(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
    old.execute("INSERT INTO subscribers (email, name, status, created_at, updated_at) VALUES "
                "('ada@example.org', 'Ada', 'active', '2023-01-01T00:00:00Z', '2023-01-01T00:00:00Z')")
    old.commit()
    old.close()
    with open_store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        ada = store.get("ada@example.org")
        assert (ada.name, ada.status, ada.consent_at) == ("Ada", "active", "2023-01-01T00:00:00Z")
        assert ada.consent_source == "unknown (before consent records)"
        assert Ledger(store).create_campaign("x", "X", "maildir", True).id == 1


def test_a_store_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.sqlite3"
    with sqlite3.connect(path) as newer:
        newer.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(SubscriberError, match="newer than this Letterpress knows"):
        open_store(path)


def test_an_export_into_the_repository_is_flagged(publication):
    import subprocess

    subprocess.run(["git", "init", "-q"], cwd=publication, check=True)
    (publication / ".gitignore").write_text("*.sqlite3\n*.sqlite3-*\nprivate/\n")
    run("subscribers", "add", "ada@example.org")
    flagged = CliRunner().invoke(cli, ["subscribers", "export", "everyone.csv"])
    assert "warning: everyone.csv is inside the git repository and not ignored" in flagged.output
    (publication / "private").mkdir()
    quiet = CliRunner().invoke(cli, ["subscribers", "export", "private/everyone.csv"])
    assert "warning" not in quiet.output
