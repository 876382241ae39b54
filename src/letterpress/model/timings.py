"""A narration's timings file: where each word and sentence of the essay is heard in its recording.

``letterpress narration align`` writes it beside the recording (``the-listening-hour.mp3`` →
``the-listening-hour.timings.json``); it is committed, and a build only reads it, never aligns.
It is keyed by the recording's SHA-256 and the text's: a new recording makes it stale, while a
changed text is mapped through a word diff of the text it was made for and today's, so fixing a
typo keeps every other word's time. It is stale only when too few words still map.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from ..errors import Problem
from .audio import format_clock, format_timecode
from .essay import Chapter
from .spoken import Sentence

FORMAT = "letterpress narration timings 1"
MAPPED_SHARE = 0.9  # fewer of today's words than this still timed through the diff: align again
CHAPTER_LEVEL = 2  # the headings that are chapters
TYPED_START_SLACK = 2.0  # seconds a typed chapter's start may be from its heading's aligned start
MATCH_SHARE = 0.5  # fewer of the text's words than this heard in the recording: not this essay's recording
Times = tuple[float, float] | None


class TimingsError(Exception):
    """The timings file cannot be used; the message says why, in the author's words."""


@dataclass(frozen=True)
class Timings:
    """What one alignment found.

    Attributes:
        recording: the recording's SHA-256; text: the text's, as ``text_hash`` makes it.
        duration: the recording's length in seconds; heard: the share of the text's words recognised.
        words: the text's words as the page shows them; times: (start, end) of each, or None.
    """

    recording: str
    text: str
    duration: float
    heard: float
    words: tuple[str, ...]
    times: tuple[Times, ...]


def timings_path(recording: Path) -> Path:
    """The timings file beside ``recording``."""
    return recording.with_name(recording.stem + ".timings.json")


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def text_hash(sentences: list[Sentence]) -> str:
    return hashlib.sha256("\n".join(sentence.text for sentence in sentences).encode("utf-8")).hexdigest()


def words_of(sentences: list[Sentence]) -> list[str]:
    return [word.text for sentence in sentences for word in sentence.words]


def write(path: Path, timings: Timings, sentences: list[Sentence]) -> None:
    """Write ``timings`` to ``path`` whole (through a temporary file), with each sentence's times."""
    from .files import write_atomic

    document = {"format": FORMAT, "recording": {"sha256": timings.recording, "duration": round(timings.duration, 3)},
                "text": {"sha256": timings.text, "words": list(timings.words)}, "heard": round(timings.heard, 4),
                "words": [None if item is None else [round(item[0], 3), round(item[1], 3)] for item in timings.times],
                "sentences": [_sentence_entry(sentence, item) for sentence, item in
                              zip(sentences, sentence_times(sentences, timings.times), strict=True)]}
    write_atomic(path, json.dumps(document, ensure_ascii=False, indent=1) + "\n")  # a diff git can show


def _sentence_entry(sentence: Sentence, times: Times) -> dict:
    entry: dict = {"text": sentence.text, "start": None, "end": None}
    if times is not None:
        entry.update(start=round(times[0], 3), end=round(times[1], 3))
    if sentence.heading:
        entry["heading"] = sentence.heading
    return entry


def sentence_times(sentences: list[Sentence], times: tuple[Times, ...]) -> list[Times]:
    """Each sentence's (start of its first word, end of its last), or None when those words have no time."""
    found, index = [], 0
    for sentence in sentences:
        own = times[index:index + len(sentence.words)]
        index += len(sentence.words)
        found.append(None if own[0] is None or own[-1] is None else (own[0][0], own[-1][1]))
    return found


def read(path: Path) -> Timings:
    """The timings in ``path``.

    Raises:
        TimingsError: the file is missing, not JSON, or not timings as ``align`` writes them.
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != FORMAT:
            raise ValueError("not a timings file")
        words = tuple(str(word) for word in document["text"]["words"])
        times = tuple(_times(item) for item in document["words"])
        timings = Timings(str(document["recording"]["sha256"]), str(document["text"]["sha256"]),
                          float(document["recording"]["duration"]), float(document["heard"]), words, times)
    except FileNotFoundError:
        raise TimingsError("there is no timings file") from None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        raise TimingsError("it is damaged or was edited by hand") from None
    if len(words) != len(times) or not _in_order(times, timings.duration):
        raise TimingsError("its times are out of order or beyond the recording's end (edited by hand?)")
    return timings


def _times(item) -> Times:
    if item is None:
        return None
    start, end = (float(value) for value in item)
    if not (math.isfinite(start) and math.isfinite(end)):
        raise ValueError("not a time")
    return start, end


def _in_order(times: tuple[Times, ...], duration: float) -> bool:
    timed = [item for item in times if item is not None]
    return all(0 <= start <= end <= duration + 0.5 for start, end in timed) and all(
        earlier[0] <= later[0] for earlier, later in zip(timed, timed[1:], strict=False))


def mapped(timings: Timings, words: list[str]) -> tuple[tuple[Times, ...], float]:
    """The times of today's ``words``, mapped through a word diff from the text the timings were made for,
    and the share of today's words that kept a time through it."""
    if list(timings.words) == words:
        return timings.times, 1.0
    times: list[Times] = [None] * len(words)
    matcher = SequenceMatcher(None, list(timings.words), words, autojunk=False)
    for block in matcher.get_matching_blocks():
        times[block.b:block.b + block.size] = timings.times[block.a:block.a + block.size]
    kept = sum(block.size for block in matcher.get_matching_blocks())
    return tuple(times), kept / len(words) if words else 0.0


def timings_for(docs_dir: Path, blog_dir: str, essay) -> Path | None:
    """Where an essay's timings file is: beside its recording, or for a narration given by URL, in the
    blog's audio/ folder under the essay's file name. None for an essay without a narration."""
    if essay.audio is None:
        return None
    return located(docs_dir, blog_dir, essay.audio.path, essay.path)


def located(docs_dir: Path, blog_dir: str, recording: Path | None, essay_file: Path) -> Path:
    """The timings file of ``recording`` (None for one given by URL) narrating ``essay_file``."""
    if recording is not None:
        return timings_path(recording)
    return docs_dir / blog_dir / "audio" / (essay_file.stem + ".timings.json")


def fresh(path: Path, body: str, recording: Path | None) -> tuple[list[Sentence], tuple[Times, ...]] | None:
    """``body``'s sentences and each word's time, from the timings file at ``path``; None when it is
    missing, damaged or stale (``check`` says why)."""
    from .spoken import sentences

    try:
        timings = read(path)
    except TimingsError:
        return None
    if (recording is not None and file_hash(recording) != timings.recording) or timings.heard < MATCH_SHARE:
        return None
    spoken = sentences(body)
    times, share = mapped(timings, words_of(spoken))
    return (spoken, times) if share >= MAPPED_SHARE else None


def with_aligned_headings(typed: tuple[Chapter, ...], path: Path, body: str, recording: Path | None,
                          duration: float) -> tuple[Chapter, ...]:
    """``typed`` chapters, and a chapter at the aligned start of every other h2 heading of ``body``.

    A typed chapter is its heading's (matched by title) and keeps its typed start. Timings that
    are missing, damaged or stale add nothing.
    """
    found = fresh(path, body, recording)
    if found is None:
        return typed
    spoken, times = found
    titles, taken = {_title_key(chapter.title) for chapter in typed}, {chapter.start for chapter in typed}
    chapters = list(typed)
    for sentence, start in zip(spoken, sentence_times(spoken, times), strict=True):
        second = None if start is None else int(start[0])  # the link lands just before the heading is heard
        if sentence.heading == CHAPTER_LEVEL and second is not None and second < duration \
                and second not in taken and _title_key(sentence.text) not in titles:
            chapters.append(Chapter(sentence.text, second))
            taken.add(second)
    return tuple(sorted(chapters, key=lambda chapter: chapter.start))


def aligned_heading_starts(path: Path, body: str) -> dict[str, float]:
    """Each h2 heading's aligned start (by title key), for the typed-start check; empty without timings."""
    from .spoken import sentences

    try:
        timings = read(path)
    except TimingsError:
        return {}
    spoken = sentences(body)
    times, _ = mapped(timings, words_of(spoken))
    return {_title_key(sentence.text): start[0] for sentence, start in zip(spoken, sentence_times(spoken, times),
                                                                          strict=True)
            if sentence.heading == CHAPTER_LEVEL and start is not None}


def _typed(seconds: float) -> str:
    """``seconds`` as a chapter's start is typed: MM:SS, or HH:MM:SS from an hour on."""
    shown = format_timecode(int(seconds))
    return shown[3:] if shown.startswith("00:") else shown


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())


def timings_problems(publication) -> list[Problem]:
    """A warning for each narration whose timings file is damaged, stale, or not of this essay's recording.

    No timings file is no warning: aligning is the author's choice.
    """
    problems = []
    for essay in publication.essays:
        path = timings_for(publication.settings.docs_dir, publication.settings.blog_dir, essay)
        if path is None or not path.exists():
            continue
        why = _stale_reason(essay, path)
        if why:
            problems.append(Problem(essay.source_path, "audio.src", f"{why}; align it again: letterpress narration "
                                    f"align {essay.slug}", line=essay.lines.get("audio.src"), severity="warning"))
        else:
            problems += _typed_start_problems(essay, aligned_heading_starts(path, essay.body))
    return problems


def _typed_start_problems(essay, aligned: dict[str, float]) -> list[Problem]:
    """A typed chapter start more than TYPED_START_SLACK from its heading's aligned start (a first chapter
    typed at 0, which takes in the intro, excepted)."""
    typed = (essay.meta.get("audio") or {}).get("chapters") or []
    problems = []
    for index, chapter in enumerate(essay.audio.chapters):
        heard = aligned.get(_title_key(chapter.title))
        raw = next((i for i, item in enumerate(typed) if isinstance(item, dict)
                    and _title_key(str(item.get("title", ""))) == _title_key(chapter.title)), None)
        if heard is None or raw is None or (index == 0 and chapter.start == 0):
            continue
        if abs(chapter.start - heard) > TYPED_START_SLACK:
            key = f"audio.chapters.{raw}.start"
            problems.append(Problem(essay.source_path, key, (
                f"the chapter '{chapter.title}' is typed to start at {format_clock(chapter.start)}, but its heading "
                f"is heard at {format_clock(heard)}; write start: \"{_typed(heard)}\", or remove the chapter and its "
                "heading's heard start is used"), line=essay.lines.get(key), severity="warning"))
    return problems


def _stale_reason(essay, path: Path) -> str | None:
    from .spoken import sentences

    shown = path.name
    try:
        timings = read(path)
    except TimingsError as error:
        return f"its timings file {shown} cannot be used: {error}"
    if essay.audio.path is not None and essay.audio.path.exists() and file_hash(essay.audio.path) != timings.recording:
        return f"the recording changed since {shown} was made"
    if timings.heard < MATCH_SHARE:
        return (f"the recording does not seem to be this essay (only {timings.heard:.0%} of its words were heard "
                f"in it, by {shown}); check audio.src, or record the essay")
    _, share = mapped(timings, words_of(sentences(essay.body)))
    if share < MAPPED_SHARE:
        return f"the text changed since {shown} was made (only {share:.0%} of its words still have a time)"
    return None
