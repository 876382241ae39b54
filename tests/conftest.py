"""Shared fixtures: the sample publication built once per test session."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from import_support import fixture_server
from run_options import child_env

pytest_plugins = ["ci_guard"]  # under CI a skip fails the run (tests/ci_guard.py)

REPO = Path(__file__).resolve().parent.parent


# The slow tests, by measurement (a full run's junit times on 2 cores): whole modules of real
# builds, kills and browsers, and single tests of a second or more. `pytest -m "not slow"` leaves
# a loop of about a minute; the README's test command runs everything.
SLOW_MODULES = {
    "test_sending_kill", "test_service_kill", "test_fidelity_matrix", "test_docs_symlinks", "test_bare_engines",
    "test_publish",
}
SLOW_TESTS = {
    "test_essays.py::test_bad_essay_fails_mkdocs_build_and_keeps_old_site",
    "test_essays.py::test_future_essay_stays_off_the_site_even_with_draft_false",
    "test_aliases.py::test_following_each_alias_in_chromium_lands_on_the_essay",
    "test_aliases.py::test_redirects_are_written_exactly_at_the_published_aliases",
    "test_service_limits.py::test_expired_windows_are_dropped_so_memory_stays_bounded",
    "test_service_lockout.py::test_the_owners_letter_goes_out_when_the_limit_allows",
    "test_sending_unsubscribe.py::test_unsubscribes_committed_after_the_rate_wait_just_before_rcpt_never_see_it",
    "test_fidelity_identity.py::test_a_new_address_rule_or_title_sends_nothing_again_and_the_old_links_redirect",
    "test_serve_watch.py::test_ctrl_c_during_a_rebuild_stops_cleanly_and_removes_the_build",
    "test_serve_watch.py::test_an_edit_to_an_essay_rebuilds_the_preview",
    "test_author_path.py::test_the_readme_workflow_in_a_fresh_clone_commits_what_builds_in_another",
    "test_author_path.py::test_publish_refuses_to_deploy_an_essay_whose_narration_is_not_committed",
    "test_author_path.py::test_the_dry_run_names_every_reason_the_real_run_stops_or_holds_back",
    "test_import_hostile.py::test_ten_thousand_footnotes",
    "test_import_hostile.py::test_a_substack_export_of_many_posts_is_read_once",
    "test_front_matter_limits.py::test_billion_laughs_fails_mkdocs_build_in_bounded_memory_and_keeps_old_site",
    "test_newsletter_inputs.py::test_a_bad_template_is_one_problem_naming_file_and_line",
    "test_fidelity_refusals.py::test_on_zensical_hooks_and_plugins_it_does_not_run_are_warnings",
    "test_fidelity_refusals.py::test_on_zensical_a_slugify_it_cannot_run_is_refused",
    "test_feeds.py::test_two_builds_give_byte_identical_feeds",
    "test_essay_text.py::test_tabs_references_and_code_are_fine_and_built",
    "test_author_path.py::test_the_dry_run_promises_what_the_real_run_does",
    "test_newsletter_links.py::test_the_web_version_on_the_built_site_has_the_same_links",
    "test_site_imports.py::test_a_site_build_imports_no_sending_service_publishing_or_subscribers",
    "test_author_words.py::test_the_page_and_the_letter_both_say_read_by",
    "test_render_once.py::test_publish_reads_and_converts_each_essay_once",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.path.stem
        if module in SLOW_MODULES or item.get_closest_marker("browser") or \
                f"{item.path.name}::{item.originalname}" in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite the golden files under tests/golden/ from the current output.")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


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
        env=child_env(),
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
        env=child_env(),
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
    return copy_publication(tmp_path / "publication")


def copy_publication(root: Path) -> Path:
    """Copy the sample publication (config, docs, overrides, newsletter) to the new folder ``root``."""
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
    from letterpress.subscribers.store import open_store

    with open_store(tmp_path / "subscribers.sqlite3") as opened:
        yield opened
