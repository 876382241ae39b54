"""The first pass: recognise the recording, in chunks cut at quiet moments, with a language model
made from the essay's own sentences (so the recogniser expects this text, but hears what was said)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pocketsphinx import Decoder
from pocketsphinx.lm import ArpaBoLM

from .decode import PCM

CHUNK = 30.0  # seconds a chunk is at most; each is cut at the quietest moment of its last 3 s
FRAMES_PER_SECOND = 100


@dataclass(frozen=True)
class Heard:
    word: str
    start: float
    end: float


def decoder(**options) -> Decoder:
    """A decoder with the US English model inside pocketsphinx, quiet on stderr."""
    return Decoder(samprate=16000, loglevel="FATAL", bestpath=False, **options)


def language_model(lines: list[str], target: Path) -> Path:
    """An ARPA trigram model of ``lines`` (one sentence of spoken tokens each), written to ``target``."""
    model = ArpaBoLM(text="\n".join(lines) + "\n", add_start=True)
    model.compute()
    with target.open("w", encoding="utf-8") as file:
        model.write(file)
    return target


def chunks(pcm: PCM) -> Iterator[tuple[float, float]]:
    """Start and end of each chunk of at most CHUNK seconds, cut at a quiet moment."""
    start = 0.0
    while start < pcm.duration:
        end = pcm.duration if pcm.duration - start <= CHUNK else pcm.quietest(start + CHUNK - 3, start + CHUNK)
        yield start, end
        start = end


def recognise(pcm: PCM, model: Decoder, progress: Callable[[float], None] | None = None) -> list[Heard]:
    """Every word ``model`` hears in ``pcm``, with its start and end in seconds."""
    heard: list[Heard] = []
    for start, end in chunks(pcm):
        model.start_utt()
        model.process_raw(pcm.read(start, end), no_search=False, full_utt=True)
        model.end_utt()
        heard += words_of(model, start)
        if progress:
            progress(end)
    return heard


def words_of(model: Decoder, offset: float) -> list[Heard]:
    """The words of the decoder's last utterance (silences and fillers left out), ``offset`` added."""
    found = []
    for segment in model.seg() or ():  # None when an alignment failed
        word = segment.word.split("(")[0]  # "read(2)": the second pronunciation of "read"
        if word.startswith(("<", "[")) or word == "(NULL)":
            continue
        found.append(Heard(word, offset + segment.start_frame / FRAMES_PER_SECOND,
                           offset + (segment.end_frame + 1) / FRAMES_PER_SECOND))
    return found
