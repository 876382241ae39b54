"""A narration's format and size (issue 20, item 7): what podcast apps play, what a git host takes.

Big files are sparse: a copy of the real 4 s recording (tests/fixtures/short.mp3), its header intact,
extended with ``truncate``, so a "101 MB" narration takes a few kilobytes of disk.
"""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

from click.testing import CliRunner

from letterpress.cli import cli
from run_options import SAMPLE_ENV
from scratch_publication import git

FIXTURES = Path(__file__).parent / "fixtures"
MB = 1024 * 1024

ESSAY = """---
title: Read Aloud
description: An essay with a narration.
date: 2025-08-09
authors: [julia]
audio:
  src: ../audio/{name}
  narrator: Julia K.
---

Text.
"""


def narrate(root: Path, name: str, size: int = 0) -> Path:
    """An essay narrated by ``docs/essays/audio/NAME``: a real WAV for .wav, else short.mp3 (sparse to ``size``)."""
    audio = root / "docs/essays/audio" / name
    audio.parent.mkdir(parents=True, exist_ok=True)
    if name.endswith(".wav"):
        with wave.open(str(audio), "wb") as recording:  # one second of silence, 8 kHz mono
            recording.setnchannels(1)
            recording.setsampwidth(2)
            recording.setframerate(8000)
            recording.writeframes(b"\0\0" * 8000)
    else:
        shutil.copy(FIXTURES / "short.mp3", audio)
    if size:
        with audio.open("r+b") as file:
            file.truncate(size)
    (root / "docs/essays/posts/read-aloud.md").write_text(ESSAY.format(name=name), encoding="utf-8")
    return audio


def check(root: Path, monkeypatch):
    monkeypatch.chdir(root)
    return CliRunner(env=SAMPLE_ENV).invoke(cli, ["check"], catch_exceptions=False)


def test_a_wav_narration_is_a_warning_with_the_line_to_convert_it(minimal_publication, monkeypatch):
    narrate(minimal_publication, "read-aloud.wav")
    result = check(minimal_publication, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert ("docs/essays/posts/read-aloud.md:7: front matter 'audio.src': warning: '../audio/read-aloud.wav' "
            "is WAV; podcast apps and some browsers refuse other kinds of recording. Convert it to MP3 and point "
            "src at the new file: ffmpeg -i docs/essays/audio/read-aloud.wav -codec:a libmp3lame -qscale:a 4 "
            "docs/essays/audio/read-aloud.mp3") in result.stderr


def test_a_wav_narration_is_an_error_while_the_podcast_is_on(publication_copy, monkeypatch):
    narrate(publication_copy, "read-aloud.wav")
    result = check(publication_copy, monkeypatch)
    assert result.exit_code == 1
    assert ("docs/essays/posts/read-aloud.md:7: front matter 'audio.src': '../audio/read-aloud.wav' is WAV; "
            "the podcast is on, and podcast apps refuse any other kind of recording.") in result.stderr


def test_an_mp3_narration_says_nothing_of_its_format(minimal_publication, monkeypatch):
    narrate(minimal_publication, "read-aloud.mp3")
    result = check(minimal_publication, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert "read-aloud.md" not in result.stderr


def test_a_narration_over_50_mb_is_a_warning_naming_git_lfs(minimal_publication, monkeypatch):
    narrate(minimal_publication, "read-aloud.mp3", 60 * MB)
    result = check(minimal_publication, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert ("docs/essays/posts/read-aloud.md:7: front matter 'audio.src': warning: '../audio/read-aloud.mp3' is "
            "62.9 MB; every version of it stays in git's history for good, and a git host warns above 50 MB. "
            "Consider Git LFS: git lfs track 'docs/essays/audio/*.mp3'") in result.stderr


def test_a_narration_over_100_mb_is_an_error(minimal_publication, monkeypatch):
    narrate(minimal_publication, "read-aloud.mp3", 101 * MB)
    result = check(minimal_publication, monkeypatch)
    assert result.exit_code == 1
    assert ("docs/essays/posts/read-aloud.md:7: front matter 'audio.src': '../audio/read-aloud.mp3' is 105.9 MB; "
            "a git host refuses a push with a file over 100 MB. Send it through Git LFS: git lfs track "
            "'docs/essays/audio/*.mp3'") in result.stderr


def test_a_narration_over_100_mb_that_goes_through_lfs_is_fine(minimal_publication, monkeypatch):
    git(minimal_publication, "init", "-q")
    (minimal_publication / ".gitattributes").write_text("*.mp3 filter=lfs diff=lfs merge=lfs -text\n")
    narrate(minimal_publication, "read-aloud.mp3", 101 * MB)
    result = check(minimal_publication, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert "read-aloud.md" not in result.stderr


def test_a_narration_over_100_mb_that_lfs_leaves_out_is_an_error(minimal_publication, monkeypatch):
    git(minimal_publication, "init", "-q")
    (minimal_publication / ".gitattributes").write_text("*.m4a filter=lfs diff=lfs merge=lfs -text\n")
    narrate(minimal_publication, "read-aloud.mp3", 101 * MB)
    result = check(minimal_publication, monkeypatch)
    assert result.exit_code == 1
    assert "'../audio/read-aloud.mp3' is 105.9 MB; a git host refuses a push" in result.stderr


def test_a_text_file_named_mp3_is_refused_without_a_library_name(minimal, monkeypatch):
    (minimal / "docs/essays/posts/read-aloud.md").write_text(ESSAY.format(name="not-audio.mp3"), encoding="utf-8")
    result = check(minimal, monkeypatch)
    assert result.exit_code == 1
    assert ("docs/essays/posts/read-aloud.md:7: front matter 'audio.src': '../audio/not-audio.mp3' is not an audio "
            "file that can be played (its sound cannot be read; it may be damaged, or not a recording); export the "
            "narration as MP3 (or M4A) and point src at it.") in result.stderr
    assert "mutagen" not in result.stderr
