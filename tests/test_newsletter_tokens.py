"""Signed tokens: unsubscribe (forever) and confirmation (48 hours), one module for both."""

from __future__ import annotations

import pytest

from letterpress import tokens
from newsletter_helpers import TEST_SECRET, load


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv(tokens.SECRET_VARIABLE, TEST_SECRET)


def test_unsubscribe_token_round_trip():
    token = tokens.make_unsubscribe_token("reader@example.org", "letters.example.org")
    assert tokens.read_unsubscribe_token(token) == ("reader@example.org", "letters.example.org")


def test_unsubscribe_token_is_stable():
    assert tokens.make_unsubscribe_token("a@example.org", "l") == tokens.make_unsubscribe_token("a@example.org", "l")


def test_tampered_or_foreign_tokens_are_refused(monkeypatch):
    token = tokens.make_unsubscribe_token("reader@example.org", "letters.example.org")
    with pytest.raises(tokens.InvalidTokenError):
        tokens.read_unsubscribe_token(token[:-2] + "xx")
    monkeypatch.setenv(tokens.SECRET_VARIABLE, "another-test-key")
    with pytest.raises(tokens.InvalidTokenError):
        tokens.read_unsubscribe_token(token)


def test_a_confirmation_token_is_not_an_unsubscribe_token():
    token = tokens.make_confirmation_token("reader@example.org", "letters.example.org")
    with pytest.raises(tokens.InvalidTokenError):
        tokens.read_unsubscribe_token(token)
    assert tokens.read_confirmation_token(token) == ("reader@example.org", "letters.example.org")


def test_confirmation_tokens_expire():
    token = tokens.make_confirmation_token("reader@example.org", "letters.example.org")
    with pytest.raises(tokens.ExpiredTokenError, match="expired"):
        tokens.read_confirmation_token(token, max_age=-1)


def test_missing_secret_is_a_clear_error(monkeypatch):
    monkeypatch.delenv(tokens.SECRET_VARIABLE)
    with pytest.raises(tokens.SecretMissingError, match="LETTERPRESS_SECRET is not set"):
        tokens.make_unsubscribe_token("reader@example.org", "l")


def test_unsubscribe_url_uses_the_service_url(sample_root):
    settings = load(sample_root).settings
    url = tokens.unsubscribe_url(settings, "reader@example.org")
    assert url.startswith("https://quietrooms.example.org/service/unsubscribe?token=")
    assert tokens.list_id(settings) == "letters.quietrooms.example.org"
