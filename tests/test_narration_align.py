"""letterpress narration align: real recordings (tests/fixtures/narration/, made by
scripts/make-test-narrations with flite: 0.9-1.12x speed, 0.3-2.5 s pauses, pink noise, MP3 at
64 kbit/s), the real recogniser, the timings file, and what `check` says of it."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from letterpress.cli import cli
from run_options import SAMPLE_ENV

FIXTURES = Path(__file__).parent / "fixtures" / "narration"
ESSAY = "docs/essays/posts/a-short-walk.md"
RECORDING = "docs/essays/audio/a-short-walk.mp3"
TIMINGS = "docs/essays/audio/a-short-walk.timings.json"
# Where each sentence starts in read-as-written.mp3 (printed by scripts/make-test-narrations).
READ_AS_WRITTEN = [1.000, 2.919, 5.749, 9.332, 13.120, 16.173, 19.619, 22.857, 28.098, 31.195, 36.699]
HEADINGS = {"The gate": 1.000, "The hill": 13.120, "Home": 28.098}
TOLERANCE = 0.25  # seconds



def _missing() -> list[str]:
    tools = [name for name in ("pocketsphinx", "num2words") if importlib.util.find_spec(name) is None]
    return tools + ([] if shutil.which("ffmpeg") else ["ffmpeg"])


needs_the_aligner = pytest.mark.skipif(bool(_missing()), reason=f"needs {', '.join(_missing())}: "
                                       "scripts/setup --narration (CI installs them with scripts/setup --test)")
pytestmark = pytest.mark.slow


@pytest.fixture
def walk(minimal_publication, monkeypatch) -> Path:
    """The minimal publication with a-short-walk.md, narrated by read-as-written.mp3."""
    root = minimal_publication
    shutil.copy(FIXTURES / "a-short-walk.md", root / ESSAY)
    (root / RECORDING).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "read-as-written.mp3", root / RECORDING)
    monkeypatch.chdir(root)
    return root


def run(*args: str):
    return CliRunner(env=SAMPLE_ENV).invoke(cli, list(args), catch_exceptions=False)


def sentences(root: Path) -> list[dict]:
    return json.loads((root / TIMINGS).read_text(encoding="utf-8"))["sentences"]


@needs_the_aligner
def test_a_recording_read_as_written_is_aligned_sentence_by_sentence(walk):
    result = run("narration", "align", "a-short-walk")
    assert result.exit_code == 0, result.output
    assert "aligned a-short-walk: 76 of 76 words timed" in result.output
    found = sentences(walk)
    assert [item["text"] for item in found][:2] == ["The gate", "I left the house before seven."]
    for item, start in zip(found, READ_AS_WRITTEN, strict=True):
        assert item["start"] == pytest.approx(start, abs=TOLERANCE), item["text"]
    assert {item["text"]: item["start"] for item in found if item.get("heading") == 2} == pytest.approx(
        HEADINGS, abs=TOLERANCE)
    assert "a-short-walk" not in run("check").output  # the minimal publication's own warnings only


@needs_the_aligner
def test_a_typo_fixed_keeps_the_timings_and_a_rewrite_asks_for_another_alignment(walk):
    run("narration", "align", "a-short-walk")
    essay = walk / ESSAY
    essay.write_text(essay.read_text().replace("hedges were full", "hedges where full"))
    assert "a-short-walk" not in run("check").output  # the minimal publication's own warnings only
    essay.write_text(essay.read_text().split("## The gate")[0] + "## Elsewhere\n\nA different essay entirely.\n")
    assert ("docs/essays/posts/a-short-walk.md:7: front matter 'audio.src': warning: the text changed since "
            "a-short-walk.timings.json was made (only 0% of its words still have a time); align it again: "
            "letterpress narration align a-short-walk") in run("check").output


@needs_the_aligner
def test_a_new_recording_makes_the_timings_stale(walk):
    run("narration", "align", "a-short-walk")
    shutil.copy(FIXTURES / "skipped-paragraph.mp3", walk / RECORDING)
    assert ("warning: the recording changed since a-short-walk.timings.json was made; align it again: "
            "letterpress narration align a-short-walk") in run("check").output


@needs_the_aligner
def test_a_skipped_paragraph_leaves_the_rest_aligned(walk):
    shutil.copy(FIXTURES / "skipped-paragraph.mp3", walk / RECORDING)
    assert run("narration", "align", "a-short-walk").exit_code == 0
    found = {item["text"]: item["start"] for item in sentences(walk)}
    expected = {"The gate": 1.000, "I left the house before seven.": 2.919, "Nobody else was awake.": 9.332,
                "The hill": 13.120, "Home": 16.173, "It was the best morning of the month.": 24.841}
    assert {text: found[text] for text in expected} == pytest.approx(expected, abs=TOLERANCE)


@needs_the_aligner
def test_another_essays_recording_is_named(walk):
    essay = walk / ESSAY
    front, _ = essay.read_text().split("## The gate")
    essay.write_text(front + "## Letters\n\nShe wrote to her sister every winter, about the cold, the price of "
                     "coal and the neighbours' quarrels. Her sister never answered, and she never minded.\n")
    result = run("narration", "align", "a-short-walk")
    assert "warning: docs/essays/posts/a-short-walk.md: the recording does not seem to be this essay" in result.output
    assert "the recording does not seem to be this essay" in run("check").output


def test_a_damaged_timings_file_is_named_with_the_command_to_run(walk):
    (walk / TIMINGS).write_text('{"format": "letterpress narration timings 1", "words": [')
    assert ("warning: its timings file a-short-walk.timings.json cannot be used: it is damaged or was edited by "
            "hand; align it again: letterpress narration align a-short-walk") in run("check").output


def test_another_language_is_refused_in_one_line(walk):
    config = walk / "mkdocs.yml"
    config.write_text(config.read_text().replace("theme:\n", "theme:\n  language: pt\n", 1))
    result = run("narration", "align", "a-short-walk")
    assert result.exit_code == 1
    assert result.output == ("error: docs/essays/posts/a-short-walk.md: its language is 'pt', and only English "
                             "narrations can be aligned for now\n")


def test_without_the_narration_extra_align_says_what_to_install(walk, monkeypatch):
    monkeypatch.setitem(sys.modules, "pocketsphinx", None)  # as where the extra is not installed
    result = run("narration", "align", "--all")
    assert result.exit_code == 1
    assert result.output.startswith("error: aligning a narration needs pocketsphinx: run scripts/setup --narration")
    assert result.output.count("\n") == 1


@needs_the_aligner
def test_every_heading_is_a_chapter_at_its_aligned_start_and_a_typed_start_far_from_it_is_named(walk):
    from letterpress.model.essay import Chapter
    from letterpress.model.publication import load_publication
    from letterpress.site.loader import load_settings
    from run_options import SAMPLE

    run("narration", "align", "a-short-walk")
    chapters = load_publication(load_settings(walk), SAMPLE).essay("a-short-walk").audio.chapters
    assert chapters == (Chapter("The gate", 0), Chapter("The hill", 13), Chapter("Home", 28))  # heard at 0.9x s
    essay = walk / ESSAY
    essay.write_text(essay.read_text().replace("  narrator: Julia Marsh\n", (
        "  narrator: Julia Marsh\n  chapters:\n    - {title: \"The gate\", start: \"00:00\"}\n"
        "    - {title: \"Home\", start: \"00:20\"}\n")))
    chapters = load_publication(load_settings(walk), SAMPLE).essay("a-short-walk").audio.chapters
    assert chapters == (Chapter("The gate", 0), Chapter("The hill", 13), Chapter("Home", 20))
    assert ("docs/essays/posts/a-short-walk.md:11: front matter 'audio.chapters', chapter 2, 'start': warning: the "
            "chapter 'Home' is typed to start at 0:20, but its heading is heard at 0:28; write start: \"00:28\", or "
            "remove the chapter and its heading's heard start is used") in run("check").output
