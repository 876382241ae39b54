"""DKIM: each letter signed with dkimpy, checked by dkimpy against the public key."""

from __future__ import annotations

import base64
import shutil
import subprocess

import dkim
import pytest

from letterpress.errors import ProblemsError
from letterpress.model.settings import SendingOptions
from letterpress.sending.campaign import CampaignRun
from letterpress.sending.dkim import DKIM_KEY_VARIABLE, dkim_signer
from letterpress.sending.ledger import Ledger
from letterpress.sending.send import compose
from letterpress.sending.smtp import SmtpMessenger, SmtpServer
from letterpress.subscribers.store import open_store
from smtp_server import SmtpTestServer, StandInIssue
from test_sending import FAST, SENDER


@pytest.fixture(scope="module")
def rsa_key(tmp_path_factory) -> tuple[bytes, str]:
    """(private key PEM, public key as the p= of a DKIM DNS record), made with openssl."""
    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command")
    path = tmp_path_factory.mktemp("dkim") / "private.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(path), "2048"], check=True, capture_output=True)
    public = subprocess.run(["openssl", "rsa", "-in", str(path), "-pubout", "-outform", "DER"],
                            check=True, capture_output=True).stdout
    return path.read_bytes(), base64.b64encode(public).decode()


def settings_with(tmp_path, **sending):
    from letterpress.model.settings import Settings

    return Settings(root=tmp_path, docs_dir=tmp_path / "docs", sending=SendingOptions(**sending))


def dns_for(public: str):
    def lookup(name, timeout=5):
        assert name == b"letters._domainkey.quietrooms.example.org."
        return f"v=DKIM1; k=rsa; p={public}".encode()
    return lookup


def test_a_signed_letter_verifies_and_covers_the_unsubscribe_headers(tmp_path, rsa_key, monkeypatch):
    private, public = rsa_key
    monkeypatch.setenv(DKIM_KEY_VARIABLE, private.decode())
    signer = dkim_signer(settings_with(tmp_path, dkim_selector="letters", dkim_domain="quietrooms.example.org"))
    with open_store(tmp_path / "subscribers.sqlite3") as store, SmtpTestServer() as server:
        store.add("reader@example.org", name="A. Reader")
        ledger = Ledger(store)
        issue = StandInIssue()
        campaign = ledger.create_campaign(issue.slug, issue.subject, "smtp", False)
        target = SmtpServer("127.0.0.1", server.port, timeout=5)
        CampaignRun(ledger, campaign, lambda d: compose(issue, d.email, d.name, signer),
                    lambda: SmtpMessenger(target), SENDER, FAST).run()
        received = server.accepted[0].data
    assert dkim.verify(received, dnsfunc=dns_for(public))
    signature = dkim.DKIM(received)
    signature.verify(dnsfunc=dns_for(public))
    signed = {name.lower() for name in signature.include_headers}
    assert {b"from", b"to", b"subject", b"date", b"message-id",
            b"list-unsubscribe", b"list-unsubscribe-post"} <= signed


def test_a_changed_unsubscribe_header_breaks_the_signature(tmp_path, rsa_key, monkeypatch):
    private, public = rsa_key
    monkeypatch.setenv(DKIM_KEY_VARIABLE, private.decode())
    signer = dkim_signer(settings_with(tmp_path, dkim_selector="letters", dkim_domain="quietrooms.example.org"))
    data = compose(StandInIssue(), "reader@example.org", "", signer).data
    tampered = data.replace(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                            b"List-Unsubscribe-Post: List-Unsubscribe=Nope")
    assert dkim.verify(data, dnsfunc=dns_for(public))
    assert not dkim.verify(tampered, dnsfunc=dns_for(public))


def test_the_key_can_come_from_a_file(tmp_path, rsa_key, monkeypatch):
    monkeypatch.delenv(DKIM_KEY_VARIABLE, raising=False)
    (tmp_path / "dkim.pem").write_bytes(rsa_key[0])
    signer = dkim_signer(settings_with(tmp_path, dkim_selector="letters", dkim_domain="quietrooms.example.org",
                                       dkim_key_file="dkim.pem"))
    assert dkim.verify(compose(StandInIssue(), "a@example.org", "", signer).data, dnsfunc=dns_for(rsa_key[1]))


def test_no_selector_means_no_signer(tmp_path):
    assert dkim_signer(settings_with(tmp_path)) is None


@pytest.mark.parametrize("options, environment, message", [
    ({"dkim_selector": "letters"}, None, "'plugins.letterpress.sending.dkim_domain': is missing"),
    ({"dkim_selector": "letters", "dkim_domain": "example.org"}, None, "no DKIM private key"),
    ({"dkim_selector": "letters", "dkim_domain": "example.org", "dkim_key_file": "missing.pem"}, None,
     "cannot read"),
    ({"dkim_selector": "letters", "dkim_domain": "example.org"}, "not a key", "cannot be used"),
])
def test_dkim_config_problems_name_the_key(tmp_path, monkeypatch, options, environment, message):
    if environment is None:
        monkeypatch.delenv(DKIM_KEY_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(DKIM_KEY_VARIABLE, environment)
    with pytest.raises(ProblemsError, match=message):
        dkim_signer(settings_with(tmp_path, **options))
