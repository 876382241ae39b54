"""The service's building blocks on their own: rate limits, names fit for a header, origins."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from letterpress.service.limits import LimitSpecError, SignupLimiter, parse_limits
from letterpress.service.mail import NAME_LIMIT, clean_name
from letterpress.service.security import origin_of, route_path


def test_limits_count_per_client_and_per_address_separately():
    limiter = SignupLimiter("3/minute", "2/hour", key="k" * 16)
    assert [limiter.client_wait("10.0.0.1") for _ in range(4)][:3] == [0, 0, 0]
    assert limiter.client_wait("10.0.0.1") > 0
    assert limiter.client_wait("10.0.0.2") == 0
    assert [limiter.letter_wait("Ann@Example.org") for _ in range(2)] == [0, 0]
    assert limiter.letter_wait("ann@example.org") > 0  # the same address in other letter case
    assert limiter.letter_wait("bob@example.org") == 0


def test_the_limiter_keeps_no_address_in_memory(monkeypatch):
    limiter = SignupLimiter("3/minute", "2/hour", key="k" * 16)
    keys = []
    hit = limiter.limiter.hit
    monkeypatch.setattr(limiter.limiter, "hit", lambda item, *identifiers: keys.append(identifiers) or
                        hit(item, *identifiers))
    limiter.letter_wait("ann@example.org")
    limiter.letter_wait("Ann@Example.org")
    [(kind, key)] = set(keys)  # both letter cases count as one address
    assert kind == "address" and len(key) == 32 and "ann" not in key and "example" not in key


def traced() -> int:
    return tracemalloc.get_traced_memory()[0]


def test_expired_windows_are_dropped_so_memory_stays_bounded():
    limiter = SignupLimiter("5/second", "5/second", key="k" * 16)
    limiter.client_wait("10.9.9.9")
    tracemalloc.start()
    try:
        base, after = traced(), []
        for batch in range(2):  # two crowds of 5,000 clients, one after the other
            for number in range(5000):
                limiter.client_wait(f"10.{batch}.{number // 250}.{number % 250}")
            grown = traced() - base
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and traced() - base > grown / 3:
                time.sleep(0.1)
                limiter.client_wait("10.9.9.9")  # any activity sweeps the expired windows
            after.append((grown, traced() - base))
    finally:
        tracemalloc.stop()
    (first_grown, first_left), (second_grown, second_left) = after
    assert first_grown > 1_000_000  # 5,000 windows held at once: the crowd was counted
    assert first_left < first_grown / 3 and second_left < first_grown / 3, after  # and let go


def test_switched_off_limits_let_everything_through():
    limiter = SignupLimiter("1/hour", "1/hour", key="k" * 16, enabled=False)
    assert {limiter.client_wait("10.0.0.1") for _ in range(5)} == {0}


@pytest.mark.parametrize("spec", ["often", "10 per fortnight", ""])
def test_unreadable_limits_say_what_is_expected(spec):
    with pytest.raises(LimitSpecError, match="write it as e.g. '10/minute;60/day'"):
        parse_limits(spec)


@pytest.mark.parametrize("raw, clean", [
    ("Ada Lovelace", "Ada Lovelace"),
    ("  Ada \t Lovelace  ", "Ada Lovelace"),
    ("Eve\r\nBcc: victim@example.org", "Eve Bcc: victim@example.org"),
    ("Eve\x00\x1b[31m", "Eve [31m"),
    ("Mallory\u202egnp.exe", "Mallorygnp.exe"),  # a right-to-left override would disguise the name
    ("Zoë 🌿", "Zoë 🌿"),
])
def test_names_are_made_fit_for_a_header(raw, clean):
    assert clean_name(raw) == clean


def test_long_names_are_cut():
    assert len(clean_name("a" * 500)) == NAME_LIMIT


def test_origins_and_paths():
    assert origin_of("https://Example.org/some/page?x=1") == "https://example.org"
    assert origin_of("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"
    assert origin_of("not a url") == ""
    assert route_path({"path": "/service/subscribe", "root_path": "/service"}) == "/subscribe"
    assert route_path({"path": "/subscribe", "root_path": ""}) == "/subscribe"
