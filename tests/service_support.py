"""Helpers for the sign-up service tests: a real uvicorn server on 127.0.0.1, the Maildir, links.

Plain functions and context managers; the fixtures live in the test modules.
"""

from __future__ import annotations

import dataclasses
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

from browser_helpers import free_port, in_thread
from letterpress.model.settings import Settings
from letterpress.service import create_app, prepare
from letterpress.service.run import uvicorn_config
from letterpress.site.loader import load_settings
from letterpress.subscribers.paths import outbox_path
from letterpress.subscribers.store import open_store

REPO = Path(__file__).resolve().parent.parent
SECRET = "a-test-secret-that-is-long-enough"
WAIT_SECONDS = 15  # the most any wait below takes; none is a timing assertion


def small_publication(root: Path) -> Path:
    """The sample publication's config and email templates in ``root`` (all the service reads)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    if (REPO / "newsletter" / "templates").is_dir():
        shutil.copytree(REPO / "newsletter" / "templates", root / "newsletter" / "templates")
    return root


def settings_for(root: Path, site_url: str | None = None, **service) -> Settings:
    """The publication's settings with ``service`` options (and ``site_url``) replaced."""
    settings = load_settings(root)
    changes = {"service": dataclasses.replace(settings.service, **service)}
    if site_url is not None:
        changes["site_url"] = site_url
    return dataclasses.replace(settings, **changes)


@contextmanager
def running(app, root_path: str = "", port: int | None = None) -> Iterator[str]:
    """Serve the ASGI ``app`` with the service's uvicorn config on 127.0.0.1; yield its base URL."""
    config = uvicorn_config(app, "127.0.0.1", port or free_port(), root_path)
    with in_thread(config, WAIT_SECONDS) as base_url:
        yield base_url


@contextmanager
def running_service(settings: Settings, root_path: str = "") -> Iterator[str]:
    """The sign-up service over ``settings`` (LETTERPRESS_SECRET must be set); yield its base URL."""
    with running(create_app(prepare(settings)), root_path) as base:
        yield base


def messages(settings: Settings, count: int) -> list[EmailMessage]:
    """The first ``count`` messages in the outbox Maildir, waiting (bounded) for them to arrive."""
    box = outbox_path(settings)
    deadline = time.monotonic() + WAIT_SECONDS
    files: list[Path] = []
    while time.monotonic() < deadline:
        files = sorted((box / "new").glob("*"), key=lambda path: (path.stat().st_mtime_ns, path.name))
        if len(files) >= count:
            break
        time.sleep(0.02)
    assert len(files) >= count, f"expected {count} messages in {box}, found {len(files)}"
    return [parse(path.read_bytes()) for path in files]


def parse(data: bytes) -> EmailMessage:
    return message_from_bytes(data, policy=policy.default)


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message: EmailMessage, path: str) -> str:
    """The ``…/<path>?token=…`` link in the message's text."""
    for word in text_of(message).split():
        if f"/{path}?token=" in word:
            return word
    raise AssertionError(f"no /{path} link in the message")


def local(url: str, base: str) -> str:
    """``url`` (on the configured service URL) pointed at the test server ``base``."""
    parts = urlsplit(url)
    return f"{base}/{parts.path.rsplit('/', 1)[-1]}?{parts.query}"


def status_of(settings: Settings, address: str, wait_for: str | None = None) -> str | None:
    """The subscriber's status in the store, optionally waiting (bounded) until it is ``wait_for``."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        with open_store(settings.root / settings.sending.subscribers) as store:
            found = store.get(address)
        status = found.status if found else None
        if wait_for is None or status == wait_for or time.monotonic() > deadline:
            return status
        time.sleep(0.02)


def in_own_thread(function, *args):
    """``function(*args)`` on a thread of its own, its result or its exception.

    Another module's session-wide Playwright browser keeps an event loop
    running on the main thread, where Playwright's sync API and asyncio.run
    then refuse to start; a fresh thread has no loop.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def after_a_barrier(client, settings: Settings, letters: int) -> list[EmailMessage]:
    """The outbox once everything before now has been worked: a last sign-up's confirmation has arrived.

    The worker takes the queue oldest first, so when the barrier's letter is out, any letter an
    earlier request queued is out too: a check for "nothing arrived" cannot pass by being early.
    ``letters``: how many letters the outbox holds before the barrier's.
    """
    answer = client.post("/subscribe", data={"email": "barrier@example.org", "name": "", "website": ""})
    assert answer.status_code == 303
    found = messages(settings, letters + 1)
    assert found[-1]["To"].addresses[0].addr_spec == "barrier@example.org", "a letter came after the barrier"
    return found


def name_in_link(message: EmailMessage) -> str:
    """The name a confirmation letter's link would store (the test secret reads the token)."""
    from urllib.parse import unquote

    from letterpress import tokens

    token = unquote(link_in(message, "confirm").split("token=", 1)[1])
    return tokens.read_confirmation_token(token, secret=SECRET)[2]
