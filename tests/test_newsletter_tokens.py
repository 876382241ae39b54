"""Signed tokens: unsubscribe (forever) and confirmation (48 hours), one module for both."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from itsdangerous import URLSafeTimedSerializer

from letterpress import tokens
from letterpress.errors import LetterpressError
from newsletter_helpers import TEST_SECRET, load


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv(tokens.SECRET_VARIABLE, TEST_SECRET)


def test_unsubscribe_token_round_trip():
    token = tokens.make_unsubscribe_token("reader@example.org", "letters.example.org", TEST_SECRET)
    assert tokens.read_unsubscribe_token(token, TEST_SECRET) == ("reader@example.org", "letters.example.org")


def test_unsubscribe_token_is_stable():
    assert (tokens.make_unsubscribe_token("a@example.org", "l", TEST_SECRET)
            == tokens.make_unsubscribe_token("a@example.org", "l", TEST_SECRET))


def test_tampered_or_foreign_tokens_are_refused():
    token = tokens.make_unsubscribe_token("reader@example.org", "letters.example.org", TEST_SECRET)
    with pytest.raises(tokens.InvalidTokenError):
        tokens.read_unsubscribe_token(token[:-2] + "xx", TEST_SECRET)
    with pytest.raises(tokens.InvalidTokenError):
        tokens.read_unsubscribe_token(token, "another-test-key")


def test_a_confirmation_token_is_not_an_unsubscribe_token():
    token = tokens.make_confirmation_token("reader@example.org", "letters.example.org", TEST_SECRET)
    with pytest.raises(tokens.InvalidTokenError):
        tokens.read_unsubscribe_token(token, TEST_SECRET)
    assert tokens.read_confirmation_token(token, TEST_SECRET) == ("reader@example.org", "letters.example.org", "")


def test_a_confirmation_token_carries_the_sign_up_s_name_and_older_ones_still_read():
    token = tokens.make_confirmation_token("reader@example.org", "letters.example.org", TEST_SECRET, name="Ada")
    assert tokens.read_confirmation_token(token, TEST_SECRET) == ("reader@example.org", "letters.example.org", "Ada")
    older = URLSafeTimedSerializer(TEST_SECRET, salt=tokens.CONFIRM_SALT).dumps(
        ["reader@example.org", "letters.example.org"])  # as made before tokens carried a name
    assert tokens.read_confirmation_token(older, TEST_SECRET) == ("reader@example.org", "letters.example.org", "")
    longer = URLSafeTimedSerializer(TEST_SECRET, salt=tokens.CONFIRM_SALT).dumps(["a@b.org", "l", "n", "x"])
    with pytest.raises(tokens.InvalidTokenError):
        tokens.read_confirmation_token(longer, TEST_SECRET)


def test_confirmation_tokens_expire():
    token = tokens.make_confirmation_token("reader@example.org", "letters.example.org", TEST_SECRET)
    with pytest.raises(tokens.ExpiredTokenError, match="expired"):
        tokens.read_confirmation_token(token, TEST_SECRET, max_age=-1)


def test_missing_secret_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.delenv(tokens.SECRET_VARIABLE)
    with pytest.raises(tokens.SecretMissingError, match="LETTERPRESS_SECRET is not set and there is no "
                       r"\.letterpress/secret.*Run `letterpress secret` once"):
        tokens.secret_key(tmp_path)


def test_the_fingerprint_is_keyed_and_short():
    # Written out, not computed here: HMAC-SHA256(key, "letterpress key fingerprint"), 16 hex digits.
    assert tokens.fingerprint(TEST_SECRET) == "f1cf40907c858a1d"
    assert tokens.fingerprint("another-test-key") == "801c47f53dddf5ff"


def test_unsubscribe_url_uses_the_service_url(sample_root):
    settings = load(sample_root).settings
    url = tokens.unsubscribe_url(settings, "reader@example.org")
    assert url.startswith("https://quietrooms.example.org/service/unsubscribe?token=")
    assert tokens.list_id(settings) == "letters.quietrooms.example.org"


def test_the_unsubscribe_url_s_token_names_the_address_and_this_list(sample_root):
    settings = load(sample_root).settings
    token = unquote(tokens.unsubscribe_url(settings, "reader@example.org").split("token=", 1)[1])
    assert tokens.read_unsubscribe_token(token, TEST_SECRET) == ("reader@example.org", "letters.quietrooms.example.org")


@pytest.mark.parametrize(("configured", "url"), [
    ("https://example.org/service", "https://example.org/service"),
    ("https://example.org/service/", "https://example.org/service"),
    ("  https://example.org/service//  ", "https://example.org/service"),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
])
def test_the_service_url_loses_its_trailing_slashes_and_spaces_only(configured, url):
    assert tokens.service_url(SimpleNamespace(service=SimpleNamespace(url=configured))) == url


@pytest.mark.parametrize("configured", ["", "   ", "/service", "javascript:alert(1)", "example.org/service"])
def test_a_service_url_that_is_not_a_web_address_is_refused(configured):
    with pytest.raises(LetterpressError, match="plugins.letterpress.service.url"):
        tokens.service_url(SimpleNamespace(service=SimpleNamespace(url=configured)))


def test_the_missing_secret_says_how_to_make_one(monkeypatch, tmp_path):
    monkeypatch.delenv(tokens.SECRET_VARIABLE, raising=False)
    with pytest.raises(tokens.SecretMissingError) as raised:
        tokens.secret_key(tmp_path)  # a publication with no .letterpress/secret
    assert str(raised.value) == (
        "no signing key: LETTERPRESS_SECRET is not set and there is no .letterpress/secret; unsubscribe and "
        "confirmation links are signed with it. Run `letterpress secret` once in the publication's folder "
        "(it keeps a key outside git), and give the server the same value (`letterpress secret --show`).")


@pytest.mark.parametrize(("list_id", "sender", "expected"), [
    (" letters.example.net ", "Quiet Rooms <letters@example.org>", "letters.example.net"),
    ("", "Quiet Rooms <Letters@Example.ORG>", "letters.example.org"),
    ("  ", "Quiet Rooms", "newsletter.invalid"),
])
def test_the_list_id_is_the_configured_one_or_the_sender_s_address(list_id, sender, expected):
    settings = SimpleNamespace(newsletter=SimpleNamespace(list_id=list_id, sender=sender))
    assert tokens.list_id(settings) == expected


def test_a_broken_link_says_which_link_it_is():
    with pytest.raises(tokens.InvalidTokenError) as unsubscribe:
        tokens.read_unsubscribe_token("not-a-token", TEST_SECRET)
    assert str(unsubscribe.value) == "this unsubscribe link is not valid (it may be incomplete)."
    with pytest.raises(tokens.InvalidTokenError) as confirm:
        tokens.read_confirmation_token("not-a-token", TEST_SECRET)
    assert str(confirm.value) == "this confirmation link is not valid (it may be incomplete)."
    with pytest.raises(tokens.ExpiredTokenError) as expired:
        tokens.read_confirmation_token(tokens.make_confirmation_token("a@example.org", "l", TEST_SECRET), TEST_SECRET,
                                      max_age=-1)
    assert str(expired.value) == "this confirmation link has expired; sign up again for a new one."


def test_a_service_url_ending_in_x_keeps_it():
    settings = SimpleNamespace(service=SimpleNamespace(url="https://example.org/BOX/"))
    assert tokens.service_url(settings) == "https://example.org/BOX"


def test_a_missing_service_url_names_the_setting_and_an_example():
    with pytest.raises(LetterpressError) as raised:
        tokens.service_url(SimpleNamespace(service=SimpleNamespace(url="")))
    assert str(raised.value) == (
        "mkdocs.yml: config 'plugins.letterpress.service.url' is missing; the unsubscribe link needs the "
        "sign-up service's address, e.g. 'url: https://example.org/service'.")


def test_a_confirmation_link_made_without_a_name_carries_none():
    settings = SimpleNamespace(newsletter=SimpleNamespace(list_id="letters.example.org", sender=""),
                               service=SimpleNamespace(url="https://example.org/service"))
    token = unquote(tokens.confirmation_url(settings, "reader@example.org", TEST_SECRET).split("token=", 1)[1])
    assert tokens.read_confirmation_token(token, TEST_SECRET) == ("reader@example.org", "letters.example.org", "")
