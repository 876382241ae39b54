"""Shared fixtures: the sample publication built once per test session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from import_support import fixture_server

REPO = Path(__file__).resolve().parent.parent
# A fixed "now" so the future-dated sample essay stays scheduled and output is stable.
SAMPLE_NOW = "2026-11-01T12:00:00"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite the golden files under tests/golden/ from the current output.")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(scope="session", autouse=True)
def fixed_now():
    """Every test sees the same clock unless it sets LETTERPRESS_NOW itself."""
    previous = os.environ.get("LETTERPRESS_NOW")
    os.environ["LETTERPRESS_NOW"] = SAMPLE_NOW
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # Golden files must not depend on this clone's git history (or on it being shallow);
    # tests of git dates turn them back on in their own repositories.
    os.environ["LETTERPRESS_GIT_DATES"] = "0"
    yield
    if previous is None:
        os.environ.pop("LETTERPRESS_NOW", None)
    else:
        os.environ["LETTERPRESS_NOW"] = previous


@pytest.fixture(scope="session")
def sample_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The sample publication built by a real ``mkdocs build --strict`` (once per session)."""
    site = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "--site-dir", str(site)],
        cwd=REPO, capture_output=True, text=True,
        env={**os.environ, "LETTERPRESS_NOW": SAMPLE_NOW, "NO_MKDOCS_2_WARNING": "1", "LETTERPRESS_GIT_DATES": "0"},
    )
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="session")
def zensical_site(tmp_path_factory) -> Path:
    """The sample publication built by ``letterpress build --engine zensical`` (once per session)."""
    site = tmp_path_factory.mktemp("zensical") / "site"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "letterpress"), "build", "--engine", "zensical", "--site-dir", str(site)],
        cwd=REPO, capture_output=True, text=True,
        env={**os.environ, "LETTERPRESS_NOW": SAMPLE_NOW, "LETTERPRESS_GIT_DATES": "0"},
    )
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="session")
def site_server(built_site):
    """Base URL of ``letterpress serve``'s app serving ``built_site`` on 127.0.0.1."""
    from browser_helpers import serving

    with serving(built_site) as base_url:
        yield base_url


# Module scope: each module's Chromium is closed before the next module starts a Playwright of its own.
@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the test module."""
    from browser_helpers import chromium_browser

    with chromium_browser() as chromium:
        yield chromium


@pytest.fixture
def open_page(browser, site_server):
    """Open a path of the sample build in a fresh context: ``open_page(path, **context_options)``."""
    from browser_helpers import page_opener

    with page_opener(browser, site_server) as open_:
        yield open_


@pytest.fixture(scope="module")
def import_server():
    """Base URL of the import tests' local HTTP server (tests/import_support.py), one per module."""
    with fixture_server() as base:
        yield base


@pytest.fixture
def publication_copy(tmp_path) -> Path:
    """A writable copy of the sample publication (config, docs, overrides, newsletter)."""
    root = tmp_path / "publication"
    root.mkdir()
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for name in ("docs", "overrides", "newsletter"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, root / name,
                            ignore=shutil.ignore_patterns("preview", "outbox", "*.sqlite3*"))
    return root


@pytest.fixture
def minimal_publication(tmp_path) -> Path:
    """A writable copy of tests/fixtures/minimal: one good essay, using the repository's overrides/."""
    from scratch_publication import minimal_copy

    return minimal_copy(tmp_path / "pub")


@pytest.fixture
def minimal(minimal_publication) -> Path:
    """The minimal publication with its audio files: a real recording and a text file named .mp3."""
    root = minimal_publication
    audio = root / "docs/essays/audio"
    audio.mkdir(parents=True, exist_ok=True)  # git keeps no empty folders
    shutil.copy(Path(__file__).parent / "fixtures" / "short.mp3", audio / "short.mp3")  # a real 4 s recording
    (audio / "not-audio.mp3").write_text("This is not a recording.\n")
    return root


@pytest.fixture
def store(tmp_path):
    """An empty subscriber store in a real SQLite file."""
    from letterpress.subscribers import open_store

    with open_store(tmp_path / "subscribers.sqlite3") as opened:
        yield opened
