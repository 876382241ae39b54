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
    "test_publish", "test_wheel",
}
SLOW_TESTS = {
    "test_init.py::test_serve_shows_the_new_publication",
    "test_init.py::test_hostile_answers_land_as_text",
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
    # The slowest of the rest, by measured time (call and teardown, `--durations=0`, 2026-12-07):
    "test_author_path.py::test_newsletter_check_reports_the_same_marker_rule",
    "test_author_path.py::test_without_since_publish_sends_nothing_and_says_the_line_to_paste",
    "test_author_words.py::test_commands_take_the_file_name_an_author_sees_and_refuse_one_that_names_two",
    "test_author_words.py::test_commands_take_the_file_name_or_path_for_the_slug",
    "test_ci_guard.py::test_elsewhere_a_skip_is_a_skip",
    "test_ci_guard.py::test_under_ci_a_skip_fails_the_run",
    "test_feeds.py::test_a_stored_guid_wins_over_a_new_site_url",
    "test_feeds.py::test_episode_guid_and_podcast_guid_survive_a_move_of_the_site",
    "test_feeds.py::test_remote_audio_uses_length_and_duration_from_front_matter",
    "test_fidelity_refusals.py::test_a_slug_with_capitals_is_named_not_changed",
    "test_import_feed.py::test_check_and_build_accept_the_import",
    "test_import_ghost.py::test_images_are_local_and_the_site_builds",
    "test_import_hostile.py::test_a_server_that_sends_a_byte_now_and_then_is_cut_off",
    "test_import_page.py::test_a_sitemap_imports_its_article_pages_and_skips_the_others",
    "test_import_page.py::test_check_and_build_accept_it_and_the_old_address_redirects",
    "test_import_substack.py::test_the_zensical_engine_builds_the_import_too",
    "test_import_wordpress.py::test_check_and_build_accept_the_import",
    "test_newsletter_check.py::test_a_missing_sender_is_an_error",
    "test_newsletter_check.py::test_cli_check_exits_1_on_errors_and_0_when_ready",
    "test_newsletter_check.py::test_reports_size_against_the_budget",
    "test_newsletter_cli.py::test_render_errors_exit_1_and_write_nothing",
    "test_newsletter_cli.py::test_render_into_another_folder_and_say_so_for_drafts",
    "test_newsletter_cli.py::test_render_says_when_the_essay_goes_out_as_an_excerpt",
    "test_newsletter_cli.py::test_render_writes_html_text_and_eml_for_every_sample_essay",
    "test_newsletter_inputs.py::test_a_15000_word_essay_is_sent_as_an_excerpt_under_budget",
    "test_newsletter_inputs.py::test_a_budget_too_small_for_any_section_is_an_error",
    "test_newsletter_inputs.py::test_a_template_overrides_file_by_file",
    "test_newsletter_inputs.py::test_attach_audio_attaches_the_mp3_under_the_cap",
    "test_newsletter_inputs.py::test_attach_audio_leaves_essays_without_a_recording_alone",
    "test_newsletter_inputs.py::test_attach_audio_refuses_a_recording_over_the_cap",
    "test_newsletter_inputs.py::test_raw_html_cannot_bring_scripts_into_the_letter",
    "test_newsletter_links.py::test_a_javascript_author_url_reaches_no_part_of_the_letter",
    "test_newsletter_links.py::test_a_template_override_cannot_write_such_a_link_either",
    "test_newsletter_links.py::test_an_https_author_url_is_the_button",
    "test_newsletter_links.py::test_body_links_keep_their_text_and_lose_every_scheme_but_http_and_mailto",
    "test_newsletter_links.py::test_newsletter_check_says_which_links_were_left_out",
    "test_newsletter_links.py::test_the_letter_itself_refuses_a_bad_author_url_whatever_the_model_holds",
    "test_newsletter_render.py::test_optional_mailto_unsubscribe",
    "test_newsletter_render.py::test_the_two_serialisers_agree_on_any_name_and_address",
    "test_render_once.py::test_a_change_of_delivery_settings_keeps_the_built_html",
    "test_render_once.py::test_a_mkdocs_build_converts_each_published_essay_once",
    "test_render_once.py::test_letterpress_build_reads_each_essay_once",
    "test_sending.py::test_a_server_slower_than_the_timeout_is_a_lost_connection_and_pauses",
    "test_sending_cli.py::test_a_bounce_a_policy_block_and_retry_failed",
    "test_sending_cli.py::test_a_dry_run_counts_and_shows_a_sample_but_sends_nothing",
    "test_sending_cli.py::test_a_late_bounce_report_marks_the_subscriber",
    "test_sending_cli.py::test_a_maildir_trial_writes_the_outbox_and_does_not_block_the_real_send",
    "test_sending_cli.py::test_a_send_that_died_after_its_last_letter_finishes_without_sending",
    "test_sending_cli.py::test_a_test_send_goes_to_one_address_and_is_not_recorded",
    "test_sending_cli.py::test_an_interrupted_send_is_resumed_by_the_same_command",
    "test_sending_cli.py::test_an_smtp_send_delivers_the_letter_once_to_each_active_subscriber",
    "test_sending_cli.py::test_maildir_is_the_default_messenger",
    "test_sending_cli.py::test_repeated_errors_pause_then_the_same_command_resumes",
    "test_sending_cli.py::test_sending_a_sent_essay_again_is_refused",
    "test_sending_cli.py::test_status_lists_every_send",
    "test_sending_cli.py::test_the_send_asks_first",
    "test_sending_cli.py::test_the_sent_record_has_counts_and_no_address",
    "test_sending_cli.py::test_what_must_not_go_out_is_refused",
    "test_sending_pipelining.py::test_a_pool_builds_each_letter_about_once",
    "test_serve.py::test_serve_takes_its_options_and_leaves_the_environment_alone",
    "test_serve_watch.py::test_a_log_or_stray_folder_in_the_publication_root_does_not_rebuild",
    "test_service.py::test_concurrent_sign_ups_lose_no_write",
    "test_service_same_work.py::test_every_class_of_address_gets_the_same_work_and_one_letter",
    "test_structure.py::test_link_schemes_have_one_parser",
    "test_structure.py::test_posts_path_rule_has_one_home",
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
