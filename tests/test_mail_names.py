"""Names that try to become headers: an RFC 2047 encoded word holding CR LF, through every
door a name comes in (the public form, CSV import, the CLI) and every letter it reaches.

Python's email package before 3.11.10 / 3.12.5 / 3.13.0 decodes such a word while folding and
writes the line break out raw (gh-121650). These tests hold on any patch level: names with an
encoded word never reach a header, and every message's header block is parsed again before it
leaves, so a value that broke out of its line stops the message whatever the stdlib did.
"""

from __future__ import annotations

import email
import email.policy

import httpx
import pytest
from click.testing import CliRunner

from letterpress.cli import cli
from letterpress.model.names import InvalidNameError, check_name, clean_name, name_problem, safe_name
from letterpress.newsletter.addresses import HeaderInjectionError
from letterpress.newsletter.message import check_header_block
from letterpress.subscribers.store import open_store
from service_support import SECRET, messages, running_service, settings_for, small_publication, status_of

PAYLOAD = ("=?utf-8?q?x=0D=0AReply-To:_phish@attacker.example=0D=0A=0D=0A"
           "Verify_at_http://evil.example/?=")
PAYLOADS = [
    PAYLOAD,
    "=?UTF-8?B?eA0KQmNjOiB2aWN0aW1AZXhhbXBsZS5vcmc=?=",           # base64: "x\r\nBcc: victim@example.org"
    "Zoë =?utf-8?q?=0D=0ABcc:_victim@example.org?=",               # non-ASCII: the stdlib's folding path
    "A" * 40 + " =?utf-8?q?=0D=0ABcc:_victim@example.org?= " + "B" * 30,  # longer than 60 characters
]
# Return-Path and Delivered-To: added by the Maildir messenger, as a mail server would.
SERVICE_HEADERS = {"return-path", "delivered-to", "from", "to", "subject", "date", "message-id", "auto-submitted",
                   "mime-version", "content-type"}


def header_names(data: bytes) -> list[str]:
    head = email.message_from_bytes(data, policy=email.policy.compat32)
    return [name.lower() for name in head.keys()]


# -- the rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAYLOADS)
def test_names_with_an_encoded_word_are_refused_or_dropped(name):
    assert "=?" in name_problem(name)
    with pytest.raises(InvalidNameError, match="plain text"):
        check_name(name)
    assert clean_name(name) == ""
    assert safe_name(name) == ""


@pytest.mark.parametrize("name", ["Ada Lovelace", "Zoë 🌿", "Keller, Julia", "O'Brien", "Ana = Maria?"])
def test_ordinary_names_pass(name):
    assert name_problem(name) is None
    assert check_name(name) == clean_name(name) == safe_name(name) == name


@pytest.mark.parametrize("name", ["Eve\tTab", "Eve\r\nBcc: x", "Eve\x00", "Mallory\u202egnp.exe", "x" * 101])
def test_control_and_invisible_characters_and_length_are_refused(name):
    assert name_problem(name)


def test_a_header_block_that_broke_its_lines_is_caught_whatever_the_stdlib_did():
    # What an unpatched interpreter writes for the payload, byte for byte in shape.
    broken = (b"From: Q <a@example.org>\r\nTo: \"x\r\nReply-To: phish@attacker.example\r\n\r\n"
              b"Verify at http://evil.example/\" <target@example.com>\r\nSubject: Confirm\r\n\r\nbody")
    with pytest.raises(HeaderInjectionError, match="unexpected: reply-to; missing: subject"):
        check_header_block(broken, ["From", "To", "Subject"])
    with pytest.raises(HeaderInjectionError, match="unexpected: bcc"):
        check_header_block(b"From: a\r\nTo: b\r\nBcc: c\r\nSubject: s\r\n\r\n", ["From", "To", "Subject"])
    with pytest.raises(HeaderInjectionError, match="unexpected: to"):
        check_header_block(b"From: a\r\nTo: b\r\nTo: c\r\nSubject: s\r\n\r\n", ["From", "To", "Subject"])
    check_header_block(b"From: a\r\nTo: b\r\nSubject: s\r\n\r\nbody", ["From", "To", "Subject"])


@pytest.mark.parametrize(("block", "problem"), [
    (b"From: a\r\nTo: b\rBcc: c\r\nSubject: s\r\n", "unexpected: bcc"),  # a bare CR is a line end too
    (b"From: a\r\nTo: b\nBcc: c\r\nSubject: s\r\n", "unexpected: bcc"),  # and a bare LF
    (b"From: a\r\nTo: b\r\nTo: c\r\nSubject: s\r\n", "unexpected: to"),
    (b"From: a\r\nTo: b\r\n", "missing: subject"),
])
def test_a_header_block_as_a_letter_writes_it_is_checked_line_by_line(block, problem):
    # The shape message_bytes checks (no blank line; the fast path's): every oddity goes to the parser.
    with pytest.raises(HeaderInjectionError, match=problem):
        check_header_block(block, ["From", "To", "Subject"])


def test_folded_header_lines_pass_the_line_by_line_check():
    check_header_block(b"From: a\r\nTo: b\r\nSubject: a long\r\n subject\r\n", ["From", "To", "Subject"])
    check_header_block(b"From: a\nTo: b\nSubject: s\n", ["From", "To", "Subject"])


# -- the newsletter -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAYLOADS)
def test_a_letter_to_a_stored_payload_name_has_its_headers_and_no_more(issues, name):
    [issue] = list(issues.values())[:1]
    data = issue.message_bytes("target@example.com", name, unsubscribe_url="https://x.example/u")
    names = header_names(data)
    assert "bcc" not in names and "reply-to" in names and names.count("reply-to") == 1
    assert sorted(names) == sorted({*names})  # one each
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert parsed["To"].addresses[0].display_name == ""
    assert parsed["To"].addresses[0].addr_spec == "target@example.com"
    assert b"evil.example" not in data and b"victim@" not in data
    eml = issue.message_for("target@example.com", name, unsubscribe_url="https://x.example/u").as_bytes()
    assert header_names(eml) == names


@pytest.fixture(scope="module")
def issues():
    """The sample's narrated essay rendered as a letter."""
    from letterpress.newsletter import render_issue
    from newsletter_helpers import NARRATED, load

    publication = load()
    return {NARRATED: render_issue(publication, publication.essay(NARRATED))}


# -- the sign-up form -----------------------------------------------------------------------------


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.setenv("LETTERPRESS_SECRET", SECRET)
    monkeypatch.delenv("LETTERPRESS_SMTP_URL", raising=False)
    return settings_for(small_publication(tmp_path / "publication"), rate_limits=False)


@pytest.mark.parametrize("name", PAYLOADS[:2])
def test_the_confirmation_letter_to_a_payload_name_has_only_its_own_headers(settings, name):
    with running_service(settings) as base, httpx.Client(base_url=base, timeout=30) as client:
        answer = client.post("/subscribe", data={"email": "target@example.com", "name": name, "website": ""})
        assert answer.status_code == 303
        [message] = messages(settings, 1)
        assert status_of(settings, "target@example.com", wait_for="pending") == "pending"
    assert {key.lower() for key in message.keys()} == SERVICE_HEADERS
    assert message["To"].addresses[0].display_name == ""
    assert message["Subject"] == "Please confirm: letters from Quiet Rooms"
    assert "evil.example" not in message.as_string()
    with open_store(settings.root / settings.sending.subscribers) as store:
        assert store.get("target@example.com").name == ""


def test_a_second_sign_up_cannot_plant_a_payload_name(settings):
    with running_service(settings) as base, httpx.Client(base_url=base, timeout=30) as client:
        client.post("/subscribe", data={"email": "target@example.com", "name": "Tara", "website": ""})
        messages(settings, 1)
        client.post("/subscribe", data={"email": "target@example.com", "name": PAYLOAD, "website": ""})
        second = messages(settings, 2)[1]
    assert {key.lower() for key in second.keys()} == SERVICE_HEADERS
    with open_store(settings.root / settings.sending.subscribers) as store:
        assert "=?" not in store.get("target@example.com").name


# -- CSV import and the CLI -------------------------------------------------------------------------


@pytest.fixture
def publication(tmp_path, monkeypatch):
    root = small_publication(tmp_path / "pub")
    monkeypatch.chdir(root)
    return root


def test_subscribers_add_refuses_a_payload_name(publication):
    result = CliRunner().invoke(cli, ["subscribers", "add", "target@example.com", "--name", PAYLOAD])
    assert result.exit_code == 1
    assert "'=?'" in result.output and "plain text" in result.output
    assert "Traceback" not in result.output
    assert CliRunner().invoke(cli, ["subscribers", "count"]).output.strip() == "0"


def test_a_csv_with_a_payload_name_imports_nothing(publication):
    csv_file = publication / "people.csv"
    csv_file.write_text(f'email,name\nann@example.org,Ann\ntarget@example.com,"{PAYLOAD}"\n')
    result = CliRunner().invoke(cli, ["subscribers", "import", str(csv_file)])
    assert result.exit_code == 1
    assert "row 3, column 'name'" in result.output and "'=?'" in result.output
    assert CliRunner().invoke(cli, ["subscribers", "count"]).output.strip() == "0"
