"""The sign-up service over HTTP: the real app served by uvicorn on 127.0.0.1, a real SQLite
file and a real Maildir. Double opt-in, one-click unsubscribe, and every attack the issue names.
"""

from __future__ import annotations

import asyncio
import logging
import time

import httpx
import lxml.html
import pytest
from click.testing import CliRunner
from itsdangerous import TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer

from letterpress import tokens
from letterpress.cli import cli
from letterpress.errors import ProblemsError
from letterpress.service import prepare
from letterpress.service.context import check_service
from letterpress.subscribers.store import open_store
from run_options import SAMPLE
from service_support import (
    SECRET,
    after_a_barrier,
    html_of,
    in_own_thread,
    link_in,
    local,
    messages,
    running_service,
    settings_for,
    small_publication,
    status_of,
    text_of,
)

SITE = "https://quietrooms.example.org"
THANKS = f"{SITE}/subscribe/thanks/"
FORM_TYPE = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def secret(monkeypatch):
    monkeypatch.setenv("LETTERPRESS_SECRET", SECRET)
    monkeypatch.delenv("LETTERPRESS_SMTP_URL", raising=False)
    return SECRET


@pytest.fixture
def root(tmp_path):
    return small_publication(tmp_path / "publication")


@pytest.fixture
def settings(root, secret):
    """The sample publication's settings, rate limits off (one test turns them on)."""
    return settings_for(root, rate_limits=False)


@pytest.fixture
def service(settings):
    with running_service(settings) as base:
        with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
            yield client


def sign_up(client, email: str, name: str = "", headers: dict | None = None, **extra) -> httpx.Response:
    return client.post("/subscribe", data={"email": email, "name": name, "website": "", **extra}, headers=headers)


def subscribe_and_confirm(client, settings, email: str, mail_count: int = 2) -> None:
    assert sign_up(client, email).status_code == 303
    confirm = [m for m in messages(settings, mail_count - 1) if m["To"].addresses[0].addr_spec == email][-1]
    assert client.post(local(link_in(confirm, "confirm"), str(client.base_url))).status_code == 303
    assert status_of(settings, email, wait_for="active") == "active"
    messages(settings, mail_count)  # the welcome letter has gone out too


def unsubscribe_path(settings, email: str) -> str:
    return "/unsubscribe?" + tokens.unsubscribe_url(settings, email).split("?", 1)[1]


# -- double opt-in -----------------------------------------------------------------------


def test_sign_up_sends_a_confirmation_and_confirming_makes_the_subscriber_active(service, settings):
    response = sign_up(service, "ada@example.org", "Ada Lovelace")
    assert response.status_code == 303
    assert response.headers["location"] == THANKS
    assert status_of(settings, "ada@example.org", wait_for="pending") == "pending"

    [confirmation] = messages(settings, 1)
    assert confirmation["To"].addresses[0].display_name == ""  # a name is a claim until confirmed
    assert "Lovelace" not in text_of(confirmation) and text_of(confirmation).startswith("Hello,\r\n")
    assert confirmation["From"].addresses[0].addr_spec == "letters@quietrooms.example.org"
    assert "List-Unsubscribe" not in confirmation  # not bulk mail: a single requested letter
    link = link_in(confirmation, "confirm")
    assert link.startswith("https://quietrooms.example.org/service/confirm?token=")
    assert "48 hours" in text_of(confirmation) and link in html_of(confirmation)

    confirmed = service.post(local(link, str(service.base_url)))
    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == f"{SITE}/subscribe/confirmed/"
    assert status_of(settings, "ada@example.org") == "active"

    welcome = messages(settings, 2)[1]
    assert welcome["Subject"] == "Welcome to Quiet Rooms"
    assert welcome["To"].addresses[0].display_name == "Ada Lovelace"  # the name came with the confirmation
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = welcome["List-Unsubscribe"].strip("<>")
    assert tokens.read_unsubscribe_token(unsubscribe.split("token=")[1], SECRET)[0] == "ada@example.org"


def test_opening_the_confirmation_link_confirms_no_one_only_its_button_does(service, settings):
    """Finding 15: mail scanners open (GET, HEAD) links; only the page's POST button confirms."""
    sign_up(service, "scanned@example.org")
    link = local(link_in(messages(settings, 1)[0], "confirm"), str(service.base_url))
    for method in ("HEAD", "GET", "GET"):
        assert service.request(method, link).status_code == 200
    assert status_of(settings, "scanned@example.org") == "pending"

    page = service.get(link)
    document = lxml.html.fromstring(page.text)
    [form] = document.xpath("//form")
    assert form.get("method") == "post" and len(document.xpath("//button")) == 1
    assert form.get("action") == "/confirm?" + link.split("?", 1)[1]  # the link's own token
    assert not document.xpath("//script") and "scanned@example.org" in page.text
    assert page.headers["referrer-policy"] == "strict-origin"  # the button's POST carries its Origin
    pressed = service.post(form.get("action"), headers={"origin": SITE})
    assert pressed.status_code == 303 and pressed.headers["location"] == f"{SITE}/subscribe/confirmed/"
    assert status_of(settings, "scanned@example.org") == "active"


def test_the_button_works_when_the_service_has_a_host_of_its_own(root, secret):
    settings = settings_for(root, rate_limits=False, url="https://letters.quietrooms.example.org")
    with running_service(settings) as base, httpx.Client(base_url=base) as client:
        sign_up(client, "own-host@example.org")
        link = local(link_in(messages(settings, 1)[0], "confirm"), base)
        page = client.get(link)
        assert f"form-action 'self' {SITE}" in page.headers["content-security-policy"]  # the 303 leads there
        assert client.post(link, headers={"origin": "https://evil.example"}).status_code == 403
        pressed = client.post(link, headers={"origin": "https://letters.quietrooms.example.org"})
        assert pressed.status_code == 303
    assert status_of(settings, "own-host@example.org") == "active"


def test_a_second_use_of_the_confirmation_link_is_harmless(service, settings):
    subscribe_and_confirm(service, settings, "bo@example.org")
    link = local(link_in(messages(settings, 1)[0], "confirm"), str(service.base_url))
    again = service.post(link)
    assert again.status_code == 303 and again.headers["location"] == f"{SITE}/subscribe/confirmed/"
    assert status_of(settings, "bo@example.org") == "active"
    # A welcome goes out after its confirmation's answer: confirming someone else after this one and
    # waiting for their welcome lets a second welcome to bo, had one been started, arrive first.
    subscribe_and_confirm(service, settings, "barrier@example.org", mail_count=4)
    found = messages(settings, 4)
    assert [m["To"].addresses[0].addr_spec for m in found] == ["bo@example.org"] * 2 + ["barrier@example.org"] * 2


def test_someone_who_unsubscribed_must_confirm_again(service, settings):
    subscribe_and_confirm(service, settings, "cy@example.org")
    assert service.post(unsubscribe_path(settings, "cy@example.org")).status_code == 200
    assert sign_up(service, "cy@example.org").status_code == 303
    assert status_of(settings, "cy@example.org", wait_for="pending") == "pending"
    assert "/confirm?token=" in text_of(messages(settings, 3)[2])


def test_an_old_confirmation_link_does_not_undo_an_unsubscribe(service, settings):
    subscribe_and_confirm(service, settings, "di@example.org")
    link = local(link_in(messages(settings, 1)[0], "confirm"), str(service.base_url))
    service.post(unsubscribe_path(settings, "di@example.org"))
    replayed = service.post(link)
    assert replayed.status_code == 410
    assert "This sign-up is closed" in replayed.text and "Sign up again" in replayed.text
    assert status_of(settings, "di@example.org") == "unsubscribed"


def old_confirmation_token(address: str, hours: int) -> str:
    class Backdated(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - hours * 3600

    serializer = URLSafeTimedSerializer(SECRET, salt=tokens.CONFIRM_SALT, signer=Backdated)
    return serializer.dumps([address, "letters.quietrooms.example.org"])


def test_an_expired_confirmation_link_gets_a_page_with_a_way_to_sign_up_again(service, settings):
    sign_up(service, "ed@example.org")
    assert status_of(settings, "ed@example.org", wait_for="pending") == "pending"
    response = service.get("/confirm", params={"token": old_confirmation_token("ed@example.org", 49)})
    assert response.status_code == 410
    assert "This link has expired" in response.text
    assert f'href="{SITE}/#subscribe"' in response.text
    assert status_of(settings, "ed@example.org") == "pending"
    assert service.post("/confirm", params={"token": old_confirmation_token("ed@example.org", 49)}).status_code == 410
    fresh = service.post("/confirm", params={"token": old_confirmation_token("ed@example.org", 47)})
    assert fresh.status_code == 303


FORGED = {
    "another key": URLSafeTimedSerializer("some-other-secret-entirely", salt=tokens.CONFIRM_SALT)
    .dumps(["fi@example.org", "letters.quietrooms.example.org"]),
    "an unsubscribe token": URLSafeSerializer(SECRET, salt=tokens.UNSUBSCRIBE_SALT)
    .dumps(["fi@example.org", "letters.quietrooms.example.org"]),
    "another list": URLSafeTimedSerializer(SECRET, salt=tokens.CONFIRM_SALT)
    .dumps(["fi@example.org", "other.example.org"]),
    "garbage": "not-a-token",
    "empty": "",
}


@pytest.mark.parametrize("kind", FORGED)
def test_forged_confirmation_tokens_are_refused(service, settings, kind):
    sign_up(service, "fi@example.org")
    assert status_of(settings, "fi@example.org", wait_for="pending") == "pending"
    for method in ("GET", "POST"):
        response = service.request(method, "/confirm", params={"token": FORGED[kind]})
        assert response.status_code == 400
        assert "This link does not work" in response.text
    assert status_of(settings, "fi@example.org") == "pending"


def test_a_tampered_confirmation_token_is_refused(service, settings):
    sign_up(service, "gu@example.org")
    token = link_in(messages(settings, 1)[0], "confirm").split("token=")[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert service.post("/confirm", params={"token": tampered}).status_code == 400
    assert status_of(settings, "gu@example.org") == "pending"


# -- unsubscribe -------------------------------------------------------------------------


def test_get_shows_one_button_and_never_unsubscribes(service, settings):
    subscribe_and_confirm(service, settings, "ha@example.org")
    path = unsubscribe_path(settings, "ha@example.org")
    for method in ("GET", "HEAD"):
        response = service.request(method, path)
        assert response.status_code == 200
    page = service.get(path).text
    assert page.count("<form") == 1 and page.count("<button") == 1
    assert 'method="post"' in page and "ha@example.org" in page
    assert status_of(settings, "ha@example.org") == "active"


def test_the_button_unsubscribes_and_sends_the_reader_to_the_site(service, settings):
    subscribe_and_confirm(service, settings, "io@example.org")
    response = service.post(unsubscribe_path(settings, "io@example.org"), data={"action": "unsubscribe"})
    assert response.status_code == 303
    assert response.headers["location"] == f"{SITE}/subscribe/unsubscribed/"
    assert status_of(settings, "io@example.org") == "unsubscribed"


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_rfc_8058_one_click_post_unsubscribes_with_200(service, settings, encoding):
    subscribe_and_confirm(service, settings, "jo@example.org")
    path = unsubscribe_path(settings, "jo@example.org")
    if encoding == "urlencoded":
        response = service.post(path, content=b"List-Unsubscribe=One-Click", headers=FORM_TYPE)
    else:
        response = service.post(path, files={"List-Unsubscribe": (None, "One-Click")})
    assert response.status_code == 200  # RFC 8058: no redirect
    assert "set-cookie" not in response.headers
    assert "You are unsubscribed" in response.text
    assert status_of(settings, "jo@example.org") == "unsubscribed"
    again = service.post(path, content=b"List-Unsubscribe=One-Click", headers=FORM_TYPE)
    assert again.status_code == 200


def test_one_click_needs_no_origin_check(service, settings):
    subscribe_and_confirm(service, settings, "ka@example.org")
    response = service.post(unsubscribe_path(settings, "ka@example.org"), content=b"List-Unsubscribe=One-Click",
                            headers={**FORM_TYPE, "origin": "https://mail.provider.example"})
    assert response.status_code == 200
    assert status_of(settings, "ka@example.org") == "unsubscribed"


@pytest.mark.parametrize("token", [
    "", "nonsense", URLSafeSerializer("another-secret-key-here", salt=tokens.UNSUBSCRIBE_SALT)
    .dumps(["la@example.org", "letters.quietrooms.example.org"])])
def test_forged_unsubscribe_tokens_are_refused(service, settings, token):
    subscribe_and_confirm(service, settings, "la@example.org")
    for method in ("GET", "POST"):
        response = service.request(method, "/unsubscribe", params={"token": token},
                                   content=b"List-Unsubscribe=One-Click", headers=FORM_TYPE)
        assert response.status_code == 400
    assert status_of(settings, "la@example.org") == "active"


# -- enumeration, injection, redirects ---------------------------------------------------------


def test_known_and_unknown_addresses_get_the_same_answer(service, settings):
    subscribe_and_confirm(service, settings, "active@example.org")
    sign_up(service, "pending@example.org")
    subscribe_and_confirm(service, settings, "left@example.org", mail_count=5)
    service.post(unsubscribe_path(settings, "left@example.org"))
    assert status_of(settings, "left@example.org", wait_for="unsubscribed") == "unsubscribed"

    answers = {email: sign_up(service, email) for email in
               ("new@example.org", "pending@example.org", "active@example.org", "left@example.org")}
    shapes = {(r.status_code, r.headers["location"], len(r.content), tuple(sorted(set(r.headers) - {"date"})))
              for r in answers.values()}
    assert len(shapes) == 1, shapes
    assert shapes.pop()[:3] == (303, THANKS, 0)


def confirmed_with_name(client, settings, email: str, name: str):
    """Sign ``email`` up with ``name`` and confirm: the confirmation page, then the welcome letter."""
    assert sign_up(client, email, name).status_code == 303
    link = local(link_in(messages(settings, 1)[0], "confirm"), str(client.base_url))
    page = client.get(link)
    assert client.post(link).status_code == 303
    return page, messages(settings, 2)[1]


def test_a_line_break_in_the_name_cannot_add_a_header(service, settings):
    name = "Mo\r\nBcc: victim@example.org\r\nSubject: hi"
    _, welcome = confirmed_with_name(service, settings, "mo@example.org", name)
    assert "Bcc" not in welcome
    assert [a.addr_spec for a in welcome["To"].addresses] == ["mo@example.org"]
    assert welcome["To"].addresses[0].display_name == "Mo Bcc: victim@example.org Subject: hi"
    assert welcome["Subject"] == "Welcome to Quiet Rooms"


def test_markup_in_the_name_is_escaped_on_the_page_and_in_the_letters(service, settings):
    name = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    page, welcome = confirmed_with_name(service, settings, "oz@example.org", name)
    for html in (page.text, html_of(welcome)):
        assert "<script>" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert name in text_of(welcome)  # plain text shows what was typed, as text


# -- a name belongs to the sign-up that is confirmed ---------------------------------------


@pytest.mark.parametrize("status", ["pending", "unsubscribed", "bounced", "complained"])
def test_a_stranger_s_sign_up_names_no_one(service, settings, status):
    """Someone signs up another person's address with words of their own: the words reach no letter."""
    with open_store(settings.root / settings.sending.subscribers) as store:
        store.add("vera@example.org", name="Vera", status=status)
    assert sign_up(service, "vera@example.org", "You were signed up by Mallory").status_code == 303
    [confirmation] = messages(settings, 1)
    assert "Mallory" not in confirmation.as_string() and confirmation["To"].addresses[0].display_name == ""
    with open_store(settings.root / settings.sending.subscribers) as store:
        assert store.get("vera@example.org").name == "Vera"
    # Vera signs up herself, with her name, and confirms with her own letter's link.
    assert sign_up(service, "vera@example.org", "Vera Lynn").status_code == 303
    own = messages(settings, 2)[1]
    assert service.post(local(link_in(own, "confirm"), str(service.base_url))).status_code == 303
    welcome = messages(settings, 3)[2]
    assert welcome["To"].addresses[0].display_name == "Vera Lynn" and "Mallory" not in welcome.as_string()
    with open_store(settings.root / settings.sending.subscribers) as store:
        assert store.get("vera@example.org").name == "Vera Lynn"


def test_the_stranger_s_link_shows_their_words_before_anything_is_stored(service, settings):
    assert sign_up(service, "wren@example.org", "Mallory was here").status_code == 303
    link = local(link_in(messages(settings, 1)[0], "confirm"), str(service.base_url))
    page = service.get(link)
    assert "The letters will greet you as <strong>Mallory was here</strong>" in page.text  # the owner sees the words
    with open_store(settings.root / settings.sending.subscribers) as store:
        assert store.get("wren@example.org").name == ""  # and nothing is stored until the button


def test_addresses_are_escaped_on_pages(service, settings):
    invalid = service.post("/subscribe", data={"email": '<img src=x onerror=alert(1)>"@x'})
    assert invalid.status_code == 400
    assert "<img src=x" not in invalid.text and "&lt;img src=x onerror=alert(1)&gt;" in invalid.text
    subscribe_and_confirm(service, settings, "o'neil&co@example.org")
    page = service.get(unsubscribe_path(settings, "o'neil&co@example.org")).text
    assert "o&#39;neil&amp;co@example.org" in page


@pytest.mark.parametrize("attempt", [
    {"data": {"next": "https://evil.example/"}},
    {"data": {"redirect": "//evil.example"}},
    {"headers": {"host": "evil.example"}},
    {"headers": {"x-forwarded-host": "evil.example", "referer": "https://evil.example/"}},
])
def test_sign_up_redirects_only_to_the_configured_site(service, attempt):
    data = {"email": "pa@example.org", **attempt.get("data", {})}
    response = service.post("/subscribe", data=data, headers=attempt.get("headers", {}))
    assert response.status_code == 303 and response.headers["location"] == THANKS


@pytest.mark.parametrize("path", ["//evil.example/", "/subscribe/", "/confirm/", "/%2F%2Fevil.example"])
def test_no_path_is_an_open_redirect(service, path):
    response = service.get(path, headers={"host": "evil.example"})
    assert response.status_code in (404, 405)
    assert "location" not in response.headers


def test_confirmation_redirects_only_to_the_site(service, settings):
    sign_up(service, "qu@example.org")
    link = local(link_in(messages(settings, 1)[0], "confirm"), str(service.base_url))
    response = service.post(link + "&next=https://evil.example/", headers={"host": "evil.example"})
    assert response.headers["location"] == f"{SITE}/subscribe/confirmed/"


def test_the_honeypot_answers_the_same_and_records_nothing(service, settings):
    response = service.post("/subscribe", data={"email": "robot@example.org", "website": "http://spam.example"})
    assert response.status_code == 303 and response.headers["location"] == THANKS
    assert len(after_a_barrier(service, settings, 0)) == 1
    assert status_of(settings, "robot@example.org") is None


# -- limits, origin, headers ------------------------------------------------------------------


def test_an_oversized_body_gets_413(service):
    big = b"email=a%40example.org&name=" + b"x" * 20_000
    assert service.post("/subscribe", content=big, headers=FORM_TYPE).status_code == 413

    def chunks():
        for _ in range(40):
            yield b"x" * 1000

    streamed = service.post("/subscribe", content=chunks(), headers=FORM_TYPE)
    assert streamed.status_code == 413


def test_the_client_limit_answers_429(root, secret):
    settings = settings_for(root, limit_per_ip="4/minute", limit_per_address="2/hour")
    with running_service(settings) as base, httpx.Client(base_url=base) as client:
        answers = [sign_up(client, f"r{n}@example.org").status_code for n in range(5)]
        assert answers == [303, 303, 303, 303, 429]
        limited = sign_up(client, "rc@example.org")
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) > 0
        assert "Please wait" in limited.text
        other = sign_up(client, "rd@example.org", headers={"x-forwarded-for": "203.0.113.9"})
        assert other.status_code == 303  # another client (behind the trusted proxy) is not limited


@pytest.mark.parametrize("origin, status", [
    ("https://quietrooms.example.org", 303), (None, 303), ("https://evil.example", 403), ("null", 403),
    ("https://quietrooms.example.org.evil.example", 403), ("http://quietrooms.example.org", 403),
])
def test_a_form_post_from_another_origin_is_refused(service, settings, origin, status):
    headers = {"origin": origin} if origin else {}
    response = service.post("/subscribe", data={"email": "sa@example.org"}, headers=headers)
    assert response.status_code == status
    if status == 403:
        assert len(after_a_barrier(service, settings, 0)) == 1
        assert status_of(settings, "sa@example.org") is None


def test_cors_is_closed(service):
    preflight = service.options("/subscribe", headers={
        "origin": "https://evil.example", "access-control-request-method": "POST"})
    assert preflight.status_code == 405
    for response in (preflight, service.get("/healthz", headers={"origin": "https://evil.example"})):
        assert not any(name.startswith("access-control-") for name in response.headers)


def test_every_answer_carries_the_security_headers(service, settings):
    answers = [sign_up(service, "ta@example.org"), service.get("/healthz"), service.get("/nowhere"),
               service.get("/confirm?token=x"), service.post("/subscribe", content=b"x" * 20_000,
                                                             headers=FORM_TYPE),
               service.post("/subscribe", data={"email": "tb@example.org"}, headers={"origin": "https://e.example"})]
    for response in answers:
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "server" not in response.headers
    assert [r.status_code for r in answers] == [303, 200, 404, 400, 413, 403]


def test_healthz_and_the_stylesheet(service):
    assert service.get("/healthz").json() == {"status": "ok"}
    css = service.get("/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


def test_concurrent_sign_ups_lose_no_write(service, settings):
    async def many(count: int):
        async with httpx.AsyncClient(base_url=str(service.base_url)) as client:
            return await asyncio.gather(*(client.post("/subscribe", data={"email": f"c{i}@example.org"})
                                          for i in range(count)))

    answers = in_own_thread(asyncio.run, many(60))
    assert {r.status_code for r in answers} == {303}
    messages(settings, 60)  # every confirmation written, so every sign-up recorded before it
    with open_store(settings.root / settings.sending.subscribers) as store:
        assert store.count("pending") == 60


def test_no_address_or_token_reaches_the_log(service, settings, caplog):
    caplog.set_level(logging.DEBUG)
    subscribe_and_confirm(service, settings, "secret.person@example.org")
    path = unsubscribe_path(settings, "secret.person@example.org")
    service.get(path)
    service.post(path, content=b"List-Unsubscribe=One-Click", headers=FORM_TYPE)
    service.post("/subscribe", data={"email": "not an address"})
    # The service's own records and uvicorn's (httpx, the test's client, prints its URLs).
    logged = "\n".join(record.getMessage() for record in caplog.records
                       if record.name.startswith(("letterpress", "uvicorn")))
    assert "POST /subscribe 303" in logged  # the service does log its requests
    token = path.split("token=")[1]
    for secret_text in ("secret.person", token[:20], "not an address"):
        assert secret_text not in logged


def test_the_service_behind_a_proxy_prefix(settings):
    with running_service(settings, root_path="/service") as base, httpx.Client(base_url=base) as client:
        assert client.post("/subscribe", data={"email": "ua@example.org"}).status_code == 303
        page = client.get(unsubscribe_path(settings, "ua@example.org")).text
        assert 'href="/service/style.css"' in page
        assert 'action="/service/unsubscribe?token=' in page


# -- starting ---------------------------------------------------------------------------------


def test_the_service_refuses_to_start_without_the_secret(root, monkeypatch):
    monkeypatch.delenv("LETTERPRESS_SECRET", raising=False)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["service", "--port", "1"])
    assert result.exit_code == 1
    assert "LETTERPRESS_SECRET is not set" in result.output
    with pytest.raises(tokens.SecretMissingError):
        prepare(settings_for(root))


def test_the_service_refuses_a_short_secret(root, monkeypatch):
    monkeypatch.setenv("LETTERPRESS_SECRET", "short")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["service", "--port", "1"])
    assert result.exit_code == 1 and "at least 16" in result.output


def test_the_service_refuses_an_incomplete_config(root, secret):
    settings = settings_for(root, url="", allowed_origin="example.org/x", limit_per_ip="often")
    with pytest.raises(ProblemsError) as raised:
        prepare(settings)
    keys = {problem.field for problem in raised.value.problems}
    assert {"plugins.letterpress.service.url", "plugins.letterpress.service.allowed_origin",
            "plugins.letterpress.service.limit_per_ip"} <= keys


def test_check_reports_the_service_section(root):
    from letterpress.model.publication import load_publication

    settings = settings_for(root, confirm_hours=0, limit_per_address="3 a day")
    problems = check_service(load_publication(settings, SAMPLE))
    assert [p.field for p in problems] == ["plugins.letterpress.service.confirm_hours",
                                          "plugins.letterpress.service.limit_per_address"]
    assert "'10/minute;60/day'" in problems[1].message


def test_the_command_has_help():
    result = CliRunner().invoke(cli, ["service", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--root-path", "LETTERPRESS_SECRET"):
        assert option in result.output


def test_the_publication_can_override_the_letters(root, secret):
    override = root / "newsletter" / "templates" / "email-welcome.txt.j2"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text('{% set subject = "You are in, " ~ (name or "friend") %}Hello from the override.\n'
                        "{{ unsubscribe_url }}\n", encoding="utf-8")
    settings = settings_for(root, rate_limits=False)
    with running_service(settings) as base, httpx.Client(base_url=base) as client:
        subscribe_and_confirm(client, settings, "vi@example.org")
    welcome = messages(settings, 2)[1]
    assert welcome["Subject"] == "You are in, friend"
    assert text_of(welcome).startswith("Hello from the override.")


def test_the_publication_can_override_the_already_subscribed_letter(root, secret):
    override = root / "newsletter" / "templates" / "email-already.txt.j2"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text('{% set subject = "Still here, " ~ (name or "friend") %}You are on the list already.\n',
                        encoding="utf-8")
    settings = settings_for(root, rate_limits=False)
    with running_service(settings) as base, httpx.Client(base_url=base) as client:
        subscribe_and_confirm(client, settings, "wy@example.org")
        assert sign_up(client, "wy@example.org").status_code == 303
    already = messages(settings, 3)[2]
    assert already["Subject"] == "Still here, friend"
    assert text_of(already).startswith("You are on the list already.")


def test_a_broken_override_stops_the_start_naming_its_line(root, secret, monkeypatch):
    override = root / "newsletter" / "templates" / "email-confirm.txt.j2"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text('{% set subject = "Confirm" %}\nHello {{ nmae }},\n', encoding="utf-8")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["service", "--port", "1"])
    assert result.exit_code == 1
    assert "newsletter/templates/email-confirm.txt.j2:2: template error: 'nmae' is undefined" in result.output


def test_an_override_without_a_subject_is_refused(root, secret):
    from letterpress.service.pages import check_templates

    override = root / "newsletter" / "templates" / "email-welcome.txt.j2"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text("Welcome.\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as raised:
        check_templates(settings_for(root))
    assert str(raised.value.problems[0]).startswith("newsletter/templates/email-welcome.txt.j2: sets no subject")


@pytest.mark.parametrize("email", ["wa@example.org\r\nBcc: victim@example.org", "wb@example.org\nX: y",
                                   "", "no-at-sign", "a" * 300 + "@example.org"])
def test_an_address_that_is_not_one_gets_400_and_no_letter(service, settings, email):
    response = service.post("/subscribe", data={"email": email})
    assert response.status_code == 400
    assert "That address does not look right" in response.text
    assert len(after_a_barrier(service, settings, 0)) == 1


def test_a_file_where_the_address_belongs_is_refused(service):
    response = service.post("/subscribe", files={"email": ("a.txt", b"x@example.org", "text/plain")})
    assert response.status_code == 400
