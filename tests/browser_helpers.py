"""Helpers for the served-site tests: a real server on 127.0.0.1, Chromium, axe.

Plain functions and context managers; the fixtures that use them live in
conftest.py: the server of the sample build (one per session), Chromium (one per
test module) and ``open_page``.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from letterpress.model.publication import load_publication
from letterpress.site.loader import load_settings
from letterpress.site.serve import Preview, make_app
from run_options import PREVIEW, SAMPLE

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
    # The narration must start from a script's play() without a real click.
    "--autoplay-policy=no-user-gesture-required",
]
# axe-core's own defaults: every rule except experimental ones, so WCAG 2.0-2.2
# A/AA *and* best practices (landmarks, heading order, region, ...).
AXE_OPTIONS = {"resultTypes": ["violations"]}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


REPO = Path(__file__).resolve().parent.parent


def built_preview(site_dir: Path, root: Path = REPO) -> Preview:
    """``letterpress serve``'s view of ``site_dir``, a build of the publication at ``root``
    (default: the sample), sharing what that publication publishes."""
    preview = Preview(root, site_dir, PREVIEW)
    preview.adopt(load_publication(load_settings(root), SAMPLE))
    return preview


@contextmanager
def serving(site_dir: Path, root: Path = REPO) -> Iterator[str]:
    """Serve ``site_dir`` (built from ``root``) with ``letterpress serve``'s app; yield its base URL."""
    config = uvicorn.Config(make_app(built_preview(site_dir, root)), host="127.0.0.1", port=free_port(),
                            log_level="warning", lifespan="off")
    with in_thread(config) as base_url:
        yield base_url


@contextmanager
def in_thread(config: uvicorn.Config, wait_seconds: float = 10.0) -> Iterator[str]:
    """Run a uvicorn server on 127.0.0.1 in a thread until the block ends; yield its base URL."""
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + wait_seconds
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    if not server.started:
        raise RuntimeError(f"the server did not start on 127.0.0.1:{config.port}")
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=wait_seconds)


def launch_chromium(playwright):
    """Debian's Chromium through Playwright, or skip (CI counts a skip as a failure)."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("chromium not installed (apt-get install chromium); browser tests need it")
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


@contextmanager
def chromium_browser():
    """One headless Chromium for a test module (a module fixture yields from this)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@contextmanager
def page_opener(browser, base_url: str):
    """``open_(path, **context_options)``: a page of ``base_url`` in a fresh context, closed after."""
    contexts = []

    def open_(path: str, **options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=base_url, **options)
        contexts.append(context)
        page = context.new_page()
        page.goto(path)
        return page

    try:
        yield open_
    finally:
        for context in contexts:
            context.close()


def run_axe(page, axe) -> dict:
    """axe-core's results for the loaded page (default rules and best practices)."""
    return axe.run(page, options=AXE_OPTIONS).response


def rules_run(results: dict) -> set[str]:
    """The ids of every rule axe ran, whatever its outcome."""
    return {rule["id"] for kind in ("violations", "passes", "incomplete", "inapplicable")
            for rule in results[kind]}


def describe_violations(violations: list[dict]) -> str:
    """One line per failing element: rule, impact, CSS target, what to fix."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"{violation['id']} ({violation['impact']}) at {', '.join(map(str, node['target']))}: "
                         f"{violation['help']}. {summary}")
    return "\n".join(lines)
