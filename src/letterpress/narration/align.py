"""Align one essay's recording to its text and write the timings file beside the recording."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import LetterpressError
from ..model import timings as timings_file
from ..model.essay import Essay
from ..model.publication import Publication
from ..model.spoken import Sentence, sentences
from . import force, match, pronounce, recognise
from .decode import decode

Progress = Callable[[str, float, float], None]  # (stage, seconds done, seconds in all)


@dataclass(frozen=True)
class Tokens:
    """The text's spoken tokens the recogniser can say, and the word (index in the text) each belongs to."""

    spoken: list[str]
    word: list[int]
    unknown: set[str]  # tokens with no pronunciation: left out, their words keep no time of their own


@dataclass(frozen=True)
class Aligned:
    path: Path  # the timings file written
    timings: timings_file.Timings
    sentences: list[Sentence]


def language_problem(publication: Publication, essay: Essay) -> str | None:
    """Why this essay cannot be aligned for its language (only English can, for now), or None."""
    language = str(essay.meta.get("language") or publication.settings.language or "en")
    if language.lower().split("-")[0].split("_")[0] == "en":
        return None
    return (f"{essay.source_path}: its language is '{language}', and only English narrations can be aligned "
            "for now")


def align_essay(publication: Publication, essay: Essay, recording: Path, target: Path,
                progress: Progress | None = None) -> Aligned:
    """Align ``recording`` (the essay's narration, or a local copy of a remote one) and write ``target``."""
    refusal = language_problem(publication, essay)
    if refusal:
        raise LetterpressError(refusal)
    spoken = sentences(essay.body)
    if not spoken:
        raise LetterpressError(f"{essay.source_path}: the essay has no text to align its narration to")
    model = recognise.decoder()
    tokens = _tokens(spoken, model)
    with tempfile.TemporaryDirectory(prefix="letterpress-align-") as folder:
        pcm = decode(recording, Path(folder) / "audio.pcm")
        model.add_lm_file("essay", str(recognise.language_model(_lines(spoken, tokens), Path(folder) / "essay.lm")))
        model.activate_search("essay")
        heard = recognise.recognise(pcm, model, _stage(progress, "listening", pcm.duration))
        anchors = match.anchors(tokens.spoken, heard)
        gaps = force.align_gaps(pcm, force.Text(tokens.spoken, _sentence_starts(spoken, tokens), heard), anchors, model)
        duration = pcm.duration
    token_times = {item.token: (item.start, item.end) for item in anchors}
    token_times.update({item.token: (item.start, item.end) for item in gaps})
    words = timings_file.words_of(spoken)
    result = timings_file.Timings(timings_file.file_hash(recording), timings_file.text_hash(spoken), duration,
                                  match.heard_share(tokens.spoken, heard), tuple(words),
                                  _word_times(len(words), tokens, token_times))
    timings_file.write(target, result, spoken)
    return Aligned(target, result, spoken)


def _tokens(spoken: list[Sentence], model) -> Tokens:
    every = [(token, index) for index, word in enumerate(w for s in spoken for w in s.words) for token in word.spoken]
    unknown = pronounce.add_unknown(model, {token for token, _ in every})
    kept = [(token, index) for token, index in every if token not in unknown]
    return Tokens([token for token, _ in kept], [index for _, index in kept], unknown)


def _sentence_starts(spoken: list[Sentence], tokens: Tokens) -> list[int]:
    """The position in ``tokens`` where each sentence's first sayable token is."""
    first_words, count = set(), 0
    for sentence in spoken:
        first_words.add(count)
        count += len(sentence.words)
    return [position for position, word in enumerate(tokens.word)
            if word in first_words and (position == 0 or tokens.word[position - 1] != word)]


def _lines(spoken: list[Sentence], tokens: Tokens) -> list[str]:
    """The language model's corpus: one sentence a line, of the tokens the recogniser can say."""
    return [" ".join(t for word in sentence.words for t in word.spoken if t not in tokens.unknown)
            for sentence in spoken]


def _word_times(count: int, tokens: Tokens, token_times: dict[int, tuple[float, float]]) -> tuple:
    """Each word's (start of its first timed token, end of its last), or None."""
    times: list = [None] * count
    for position, word in enumerate(tokens.word):
        if position in token_times:
            start, end = token_times[position]
            if times[word] is not None:  # a later token of a word said as several ("twenty fourteen")
                start, end = min(times[word][0], start), max(times[word][1], end)
            times[word] = (start, end)
    return _in_order(times)


def _in_order(times: list) -> tuple:
    """``times`` with any word that starts before the word timed ahead of it left untimed: a word
    placed out of order is a mistake, and a timings file's times only go forward."""
    latest, kept = 0.0, []
    for item in times:
        if item is not None and item[0] >= latest:
            latest = item[0]
            kept.append(item)
        else:
            kept.append(None)
    return tuple(kept)


def _stage(progress: Progress | None, stage: str, total: float) -> Callable[[float], None] | None:
    if progress is None:
        return None
    return lambda done: progress(stage, done, total)
