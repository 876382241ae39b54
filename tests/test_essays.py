"""The Essay model and its errors: every bad input names file and field, exits non-zero."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from letterpress.cli import cli
from letterpress.model.essay import State
from letterpress.model.publication import load_publication
from letterpress.site.loader import load_settings
from run_options import SAMPLE, SAMPLE_ENV, at, child_env

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
SHORT_MP3 = FIXTURES / "short.mp3"  # a real 4 s recording (espeak-ng + lame)

# fixture file -> (field named in the message, words the message must contain)
BAD_ESSAYS = {
    "essay_with_yaml_syntax_error.md": ("", "not valid YAML"),
    "essay_without_date.md": ("'date'", "is missing"),
    "essay_with_unparseable_date.md": ("'date'", "YYYY-MM-DD"),
    "essay_with_unknown_author.md": ("'authors'", "did you mean 'julia'"),
    "essay_with_unknown_key.md": ("'categries'", "did you mean 'categories'"),
    "essay_with_missing_audio_file.md": ("'audio.src'", "not found"),
    "essay_with_audio_that_is_not_audio.md": ("'audio.src'", "not an audio file"),
    "essay_with_remote_audio_without_length.md": ("'audio.length'", "bytes"),
    "essay_with_audio_without_narrator.md": ("'audio.narrator'", "is missing"),
    "essay_with_bad_chapter_start.md": ("'audio.chapters', chapter 2, 'start'", "MM:SS"),
    "essay_with_chapters_out_of_order.md": ("'audio.chapters', chapter 2, 'start'", "in order"),
    "essay_with_chapter_beyond_recording.md": ("'audio.chapters', chapter 2, 'start'", "after the recording ends"),
    "essay_with_duplicate_slug.md": ("'slug'", "also the slug of"),
    "essay_with_empty_body.md": ("", "has no text"),
    "essay_with_list_as_title.md": ("'title'", "expected text, got a list"),
    "essay_with_path_outside_docs.md": ("'image'", "outside docs/"),
    "essay_with_control_character_in_title.md": ("'title'", "control character"),
    "essay_not_utf8.md": ("", "not UTF-8"),
    # front matter that exhausted memory or crashed (hardening finding 12)
    "essay_with_yaml_anchor_and_alias.md": ("'description'", "no use for YAML anchors and aliases"),
    "essay_with_python_tag.md": ("'subtitle'", "tag '!!python/object/apply:os.system' is not allowed"),
    "essay_with_deep_nesting.md": ("'subtitle'", "more than 20 levels deep"),
    "essay_with_deep_nesting_in_a_key.md": ("", "more than 20 levels deep"),
    "essay_with_impossible_date.md": ("'date'", "2025-13-45 is not a date; write it as YYYY-MM-DD"),
    "essay_with_impossible_updated_date.md": ("'date.updated'", "2025-02-30 is not a date"),
    "essay_with_too_long_number.md": ("'subtitle'", "number too long to read; put it in quotes"),
    "essay_with_list_as_key.md": ("'hide'", "list or mapping as a key"),
    "essay_with_oversized_front_matter.md": ("", "KiB allowed"),
    "essay_with_too_many_values.md": ("'tags'", "more than 10000 keys and values"),
    # control characters that `check` passed and the build crashed on or dropped (finding 13)
    "essay_with_control_reference_in_img_alt.md": ("", "'&#8;', the control character U+0008"),
    "essay_with_control_reference_in_text.md": ("", "'&#1;', the control character U+0001"),
    "essay_with_hex_control_reference.md": ("", "'&#x1;', the control character U+0001"),
    "essay_with_zero_reference.md": ("", "'&#0;', the control character U+0000"),
    "essay_with_nul_in_body.md": ("", "invisible control character (U+0000); delete it"),
    "essay_with_raw_control_characters.md": ("", "invisible control character (U+0002); delete it"),
    "essay_with_c1_control_character.md": ("", "invisible control character (U+0085); delete it"),
    "essay_with_windows_1252_reference.md": ("", "not '–' (only browsers read it that way); write '–' itself"),
    "essay_with_control_character_in_tag.md": ("'tags'", "control character"),
}
# Cases too big to keep as files: name -> text.
GENERATED = {
    "essay_with_oversized_front_matter.md": "---\ntitle: Oversized\ndescription: >-\n"
    + "  A description that goes on and on.\n" * 2000 + "date: 2025-08-09\nauthors: [julia]\n---\n\nText.\n",
    "essay_with_too_many_values.md": "---\ntitle: Too Many Values\ndescription: Twelve thousand tags.\n"
    "date: 2025-08-09\nauthors: [julia]\ntags: [" + "x, " * 12000 + "x]\n---\n\nText.\n",
}


def add_essay(root: Path, name: str) -> Path:
    target = root / "docs/essays/posts" / name
    if name in GENERATED:
        target.write_text(GENERATED[name])
    else:
        shutil.copy(FIXTURES / "essays" / name, target)
    return target


def run_check(root: Path, monkeypatch):
    monkeypatch.chdir(root)
    return CliRunner(env=SAMPLE_ENV).invoke(cli, ["check"], catch_exceptions=False)


def refused_build(root: Path, monkeypatch) -> str:
    """``letterpress build`` in ``root``, which must fail with no traceback and no site; its stderr."""
    monkeypatch.chdir(root)
    result = CliRunner(env=SAMPLE_ENV).invoke(cli, ["build"], catch_exceptions=False)
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert not (root / "site").exists()
    return result.stderr


@pytest.mark.parametrize("name", sorted(BAD_ESSAYS))
def test_bad_essay_is_refused_by_check(minimal, monkeypatch, name):
    add_essay(minimal, name)
    result = run_check(minimal, monkeypatch)
    field, words = BAD_ESSAYS[name]
    assert result.exit_code == 1
    line = next((each for each in result.stderr.splitlines() if name in each), "")
    assert f"docs/essays/posts/{name}" in line, result.stderr
    assert field in line and words in line, result.stderr


@pytest.mark.parametrize("name", sorted(BAD_ESSAYS))
def test_bad_essay_fails_mkdocs_build_and_keeps_old_site(minimal, name):
    env = child_env()
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    good = subprocess.run([mkdocs, "build", "-q"], cwd=minimal, env=env, capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    before = sorted(p.relative_to(minimal) for p in (minimal / "site").rglob("*"))
    add_essay(minimal, name)
    bad = subprocess.run([mkdocs, "build", "-q"], cwd=minimal, env=env, capture_output=True, text=True)
    field, words = BAD_ESSAYS[name]
    assert bad.returncode != 0
    assert f"docs/essays/posts/{name}" in bad.stderr and words in bad.stderr, bad.stderr
    assert "Traceback" not in bad.stderr, bad.stderr
    assert sorted(p.relative_to(minimal) for p in (minimal / "site").rglob("*")) == before


# fixture file -> how its message goes on after "docs/essays/posts/<file>:", from the line number
LINES = {
    "essay_with_yaml_syntax_error.md": "2:",
    "essay_with_unknown_key.md": "6: front matter 'categries'",
    # front matter that exhausted memory or crashed: the line of the key
    "essay_with_yaml_anchor_and_alias.md": "3: front matter 'description'",
    "essay_with_python_tag.md": "6: front matter 'subtitle'",
    "essay_with_impossible_updated_date.md": "4: front matter 'date.updated'",
    # control characters in the text: the line they stand on
    "essay_with_nul_in_body.md": "10: the text contains",
    "essay_with_control_reference_in_img_alt.md": "10: the text contains '&#8;'",
    "essay_with_control_reference_in_text.md": "10: the text contains '&#1;'",
}


@pytest.mark.parametrize("name", sorted(LINES))
def test_check_names_the_line(minimal, monkeypatch, name):
    add_essay(minimal, name)
    result = run_check(minimal, monkeypatch)
    assert result.exit_code == 1
    assert f"docs/essays/posts/{name}:{LINES[name]}" in result.stderr, result.stderr


def test_check_prints_every_problem_not_just_the_first(minimal, monkeypatch):
    for name in ("essay_without_date.md", "essay_with_unknown_author.md", "essay_with_bad_chapter_start.md"):
        add_essay(minimal, name)
    result = run_check(minimal, monkeypatch)
    assert result.exit_code == 1
    assert result.stderr.count("docs/essays/posts/") == 3


def test_bom_and_crlf_are_fine(minimal, monkeypatch):
    add_essay(minimal, "essay_with_bom_and_crlf.md")
    result = run_check(minimal, monkeypatch)
    assert result.exit_code == 0, result.stderr
    essay = load_publication(load_settings(minimal), SAMPLE).essay("with-bom-and-crlf")
    assert essay.title == "With BOM and CRLF" and "\r" not in essay.body


def test_letterpress_build_refuses_bad_essay_with_one_line_per_problem(minimal, monkeypatch):
    add_essay(minimal, "essay_with_missing_audio_file.md")
    stderr = refused_build(minimal, monkeypatch)
    assert "front matter 'audio.src': file '../audio/missing.mp3' not found" in stderr


def test_local_audio_facts_come_from_the_file(minimal):
    post = minimal / "docs/essays/posts/narrated.md"
    post.write_text(NARRATED)
    essay = load_publication(load_settings(minimal), SAMPLE).essay("narrated")
    assert essay.audio.length == SHORT_MP3.stat().st_size
    assert essay.audio.mime_type == "audio/mpeg"
    assert 3 < essay.audio.duration < 6
    assert essay.audio.url == "essays/audio/short.mp3"
    assert [c.start for c in essay.audio.chapters] == [0, 2]


def test_remote_audio_takes_length_and_duration_from_front_matter(minimal):
    post = minimal / "docs/essays/posts/remote.md"
    post.write_text(REMOTE)
    essay = load_publication(load_settings(minimal), SAMPLE).essay("remote")
    assert (essay.audio.length, essay.audio.duration) == (4213760, 725.0)
    assert essay.audio.is_remote and essay.audio.url.startswith("https://media.example.org/")


def test_remote_audio_host_must_be_listed_in_media_hosts(minimal, monkeypatch):
    (minimal / "docs/essays/posts/remote.md").write_text(REMOTE.replace("media.example.org", "cdn.other.net"))
    result = run_check(minimal, monkeypatch)
    assert result.exit_code == 1
    assert "'audio.src': host 'cdn.other.net' is not in media_hosts" in result.stderr


@pytest.mark.parametrize("now, state", [
    ("2027-01-14T23:59:00", State.SCHEDULED),
    ("2027-01-15T00:00:00", State.PUBLISHED),
    ("2027-01-15T00:30:00+01:00", State.SCHEDULED),  # 23:30 in Lisbon (UTC+0 in winter)
])
def test_scheduled_state_follows_the_publication_timezone(minimal, now, state):
    (minimal / "docs/essays/posts/future.md").write_text(FUTURE)
    publication = load_publication(load_settings(minimal), at(now))
    assert publication.essay("the-future").state(publication.now()) is state


def test_future_essay_stays_off_the_site_even_with_draft_false(minimal):
    (minimal / "docs/essays/posts/future.md").write_text(FUTURE.replace("authors:", "draft: false\nauthors:"))
    env = child_env()
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    subprocess.run([mkdocs, "build", "-q"], cwd=minimal, env=env, check=True)
    assert not (minimal / "site/essays/the-future").exists()
    assert (minimal / "site/essays/a-good-essay/index.html").exists()
    env["LETTERPRESS_NOW"] = "2027-01-15T08:00:00"
    subprocess.run([mkdocs, "build", "-q"], cwd=minimal, env=env, check=True)
    assert (minimal / "site/essays/the-future/index.html").exists()


def test_new_scaffolds_a_draft_with_a_tk_marker_and_refuses_to_overwrite(minimal, monkeypatch):
    monkeypatch.chdir(minimal)
    runner = CliRunner(env={**SAMPLE_ENV, "LETTERPRESS_NOW": "2026-03-04T10:00:00"})
    first = runner.invoke(cli, ["new", "On Waiting: a Note"], catch_exceptions=False)
    assert first.exit_code == 0, first.stderr
    post = minimal / "docs/essays/posts/on-waiting-a-note.md"
    text = post.read_text()
    assert "draft: true" in text and "TK" in text and "date: 2026-03-04" in text
    assert "title: 'On Waiting: a Note'" in text
    essay = load_publication(load_settings(minimal), SAMPLE).essay("on-waiting-a-note")
    assert essay.draft and essay.authors == ("julia",)
    again = runner.invoke(cli, ["new", "On Waiting: a Note"], catch_exceptions=False)
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_config_unknown_key_and_bad_timezone_are_reported(minimal, monkeypatch):
    config = minimal / "mkdocs.yml"
    config.write_text(config.read_text().replace("timezone: Europe/Lisbon", "timezone: Mars/Olympus\n      feeeds: {}"))
    result = run_check(minimal, monkeypatch)
    assert result.exit_code == 1
    assert "mkdocs.yml: config 'plugins.letterpress.timezone': unknown time zone 'Mars/Olympus'" in result.stderr
    assert "'plugins.letterpress.feeeds': unknown key; did you mean 'feeds'?" in result.stderr


NARRATED = """---
title: Narrated
description: With a short recording.
date: 2025-08-09
authors: [julia]
audio:
  src: ../audio/short.mp3
  narrator: Julia K.
  chapters:
    - {title: "Start", start: "00:00"}
    - {title: "Middle", start: "0:02"}
---

## Start

Words.
"""

REMOTE = """---
title: Remote
description: Hosted on the media host.
date: 2025-08-09
authors: [julia]
audio:
  src: https://media.example.org/essays/remote.mp3
  narrator: Julia K.
  length: 4213760
  duration: "00:12:05"
---

Words.
"""

FUTURE = """---
title: The Future
description: Not yet.
date: 2027-01-15
authors: [julia]
---

Words.
"""
