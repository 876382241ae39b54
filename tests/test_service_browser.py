"""Double opt-in end to end in headless Chromium, with JavaScript off and on.

A copy of the sample publication whose config points at a service on
127.0.0.1 is built and served; a reader signs up with the form on the home
page, opens the confirmation link from the Maildir and presses the one button
of the page it shows (opening it confirms nothing), receives an essay (a
Maildir send), and leaves with the one-click POST its List-Unsubscribe header
names; the next send skips them; the other reader leaves with the button of the
unsubscribe page.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import sync_playwright

from browser_helpers import free_port, launch_chromium, serving
from letterpress.sending.send import plan_send, run_send
from letterpress.service import create_app, prepare
from letterpress.site.capture import load_for_outputs
from letterpress.site.loader import load_settings
from letterpress.subscribers.store import open_store
from run_options import SAMPLE, child_env
from service_support import SECRET, in_own_thread, link_in, messages, running, status_of

pytestmark = pytest.mark.browser

WAIT_MS = 15_000
READERS = {False: "no-script@example.org", True: "with-script@example.org"}


def point_service_at(root: Path, site_url: str, service_url: str) -> None:
    """Rewrite the copy's ``site_url`` and ``service`` section for servers on 127.0.0.1."""
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^site_url: .*$", f"site_url: {site_url}", config)
    lines, out, skipping = config.splitlines(), [], False
    for line in lines:
        if line.strip() == "service:":
            indent = line[: len(line) - len(line.lstrip())] + "  "
            out += [line, f"{indent}url: {service_url}", f"{indent}allowed_origin: {site_url.rstrip('/')}"]
            skipping = True
            continue
        if skipping and (line.startswith(indent) or not line.strip()):
            continue
        skipping = False
        out.append(line)
    (root / "mkdocs.yml").write_text("\n".join(out) + "\n", encoding="utf-8")


def build(root: Path, site: Path) -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "--site-dir", str(site)],
        cwd=root, capture_output=True, text=True,
        env=child_env())
    assert result.returncode == 0, result.stderr


def sign_up_in_browser(browser, site: str, address: str, javascript: bool) -> None:
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(site + "/")
        form = page.locator("form[data-lp-subscribe]")
        form.get_by_label("Email address").fill(address)
        form.get_by_label("Name").fill("Reader <b>& Co</b>")
        with page.expect_navigation(url=f"{site}/subscribe/thanks/", timeout=WAIT_MS):
            form.get_by_role("button", name="Subscribe").click()
        assert page.locator("h1").inner_text().startswith("Check your inbox")
    finally:
        context.close()


def confirm_in_browser(browser, settings, site: str, link: str, address: str, javascript: bool) -> None:
    """Open the letter's link (which confirms nothing, as a scanner's visit would not), then press its button."""
    context = browser.new_context(java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.goto(link)
        assert page.url == link and status_of(settings, address) == "pending"
        with page.expect_navigation(url=f"{site}/subscribe/confirmed/", timeout=WAIT_MS):
            page.get_by_role("button", name="Confirm my subscription").click()
        assert page.locator("h1").inner_text().startswith("You are subscribed")
    finally:
        context.close()


def send_first_essay(root: Path) -> str:
    """A Maildir send of the newest published essay (forced: a trial may be repeated); its slug."""
    publication = load_for_outputs(root, SAMPLE)
    essay = next(e for e in publication.published(publication.now()) if e.newsletter)
    plan = plan_send(publication, essay.slug, messenger="maildir", force=True)
    try:
        run_send(plan)
    finally:
        plan.close()
    return essay.slug


def test_double_opt_in_and_one_click_unsubscribe(publication_copy, monkeypatch):
    monkeypatch.setenv("LETTERPRESS_SECRET", SECRET)
    monkeypatch.delenv("LETTERPRESS_SMTP_URL", raising=False)
    site_dir = publication_copy / "site"
    site_dir.mkdir()
    service = f"http://127.0.0.1:{free_port()}"
    with serving(site_dir) as site:  # serves what the build below writes into the folder
        point_service_at(publication_copy, site + "/", service)
        build(publication_copy, site_dir)
        settings = load_settings(publication_copy)
        with running(create_app(prepare(settings)), port=int(service.rsplit(":", 1)[1])):
            run_the_story(publication_copy, settings, site, service)


def sign_up_and_confirm_each_reader(settings, site: str) -> None:
    """Each reader signs up on the home page and confirms, one with JavaScript off, one with it on."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            sign_up_and_confirm(browser, settings, site)
        finally:
            browser.close()


def sign_up_and_confirm(browser, settings, site: str) -> None:
    for number, (javascript, address) in enumerate(READERS.items()):
        sign_up_in_browser(browser, site, address, javascript)
        confirmation = messages(settings, 2 * number + 1)[2 * number]
        assert confirmation["To"].addresses[0].addr_spec == address
        assert confirmation["To"].addresses[0].display_name == ""  # the name is a claim until confirmed
        confirm_in_browser(browser, settings, site, link_in(confirmation, "confirm"), address, javascript)
        assert status_of(settings, address, wait_for="active") == "active"
        welcome = messages(settings, 2 * number + 2)[2 * number + 1]
        assert welcome["To"].addresses[0].display_name == "Reader <b>& Co</b>"


def recipients_of_a_send(root: Path, settings, already: int) -> dict:
    """Send the newest essay to the Maildir; its letters by recipient address."""
    send_first_essay(root)
    with open_store(settings.root / settings.sending.subscribers) as store:
        expected = store.count("active")
    return {m["To"].addresses[0].addr_spec: m for m in messages(settings, already + expected)[already:]}


def one_click_unsubscribe(letter, service: str, settings, address: str) -> None:
    """A link scanner's GET, then the mail provider's RFC 8058 POST to the letter's List-Unsubscribe URL."""
    assert letter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.search(r"<(https?://[^>]+/unsubscribe\?token=[^>]+)>", letter["List-Unsubscribe"]).group(1)
    assert url.startswith(service + "/unsubscribe?token=")
    with httpx.Client() as client:
        assert client.get(url).status_code == 200
        assert status_of(settings, address) == "active"  # the GET changed nothing
        answer = client.post(url, content=b"List-Unsubscribe=One-Click",
                             headers={"content-type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 200 and "location" not in answer.headers
    assert status_of(settings, address) == "unsubscribed"


def leave_with_the_button(settings, site: str, letter, address: str) -> None:
    """The other reader opens the unsubscribe link in a letter's text and presses the page's button."""
    link = link_in(letter, "unsubscribe")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            page.goto(link)
            with page.expect_navigation(url=f"{site}/subscribe/unsubscribed/", timeout=WAIT_MS):
                page.get_by_role("button", name="Unsubscribe").click()
            assert page.locator("h1").inner_text().startswith("You are unsubscribed")
        finally:
            browser.close()
    assert status_of(settings, address) == "unsubscribed"


def run_the_story(root: Path, settings, site: str, service: str) -> None:
    in_own_thread(sign_up_and_confirm_each_reader, settings, site)
    first = recipients_of_a_send(root, settings, already=4)
    assert set(first) == set(READERS.values())
    one_click_unsubscribe(first[READERS[False]], service, settings, READERS[False])
    second = recipients_of_a_send(root, settings, already=6)
    assert set(second) == {READERS[True]}
    in_own_thread(leave_with_the_button, settings, site, second[READERS[True]], READERS[True])
