"""The second pass: force-align each stretch of text between two anchors to the audio between them.

Recognition alone misses words; a single forced alignment of the whole text fails outright on a
skipped paragraph, an ad-lib or noise. Between anchors the stretch is short, so it either aligns
or is given up honestly (its words keep no time) without disturbing the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from pocketsphinx import Decoder

from .decode import PCM
from .match import Anchor
from .recognise import words_of

SECONDS_PER_TOKEN = 0.08  # less audio than this per word: the stretch was not read (a skipped paragraph)
WIDEN = (0, 2, 6)  # anchored words given back on each side, try by try
PAD = 0.15  # seconds of audio around a stretch, so the aligner has room to start and end in silence
MOST_PER_TOKEN = 0.9  # at an unanchored edge, look this far back (or ahead) per word, and a second more


@dataclass(frozen=True)
class Timed:
    token: int
    start: float
    end: float


def align_gaps(pcm: PCM, tokens: list[str], found: list[Anchor], aligner: Decoder) -> list[Timed]:
    """Times for the tokens between anchors (those the recogniser did not place).

    A stretch that does not align between its own anchors is tried again with a few anchored words
    on each side given back to it, since an anchor at a run's edge can be a recogniser's mistake.
    """
    timed = []
    edges = [Anchor(-1, 0.0, 0.0)] + found + [Anchor(len(tokens), pcm.duration, pcm.duration)]
    for index in range(len(edges) - 1):
        first, last = edges[index].token + 1, edges[index + 1].token
        if last <= first:
            continue
        for widen in WIDEN:
            before, after = edges[max(0, index - widen)], edges[min(len(edges) - 1, index + 1 + widen)]
            window = _window(before, after, after.token - before.token - 1, open_end=after.token == len(tokens))
            stretch = align_stretch(pcm, tokens, before.token + 1, after.token, window, aligner)
            if stretch:
                timed += [item for item in stretch if first <= item.token < last]
                break
    return timed


def _window(before: Anchor, after: Anchor, count: int, open_end: bool) -> tuple[float, float]:
    """The audio a stretch of ``count`` tokens is looked for in: between its anchors, bounded at an open edge."""
    reach = count * MOST_PER_TOKEN + 1.0
    start, end = max(0.0, before.end - PAD), after.start + PAD
    if before.token < 0:
        start = max(start, end - reach)
    if open_end:
        end = min(end, start + reach)
    return start, end


def align_stretch(pcm: PCM, tokens: list[str], first: int, last: int, window: tuple[float, float],
                  aligner: Decoder) -> list[Timed]:
    """Times for ``tokens[first:last]`` in the audio of ``window``, or none when it cannot be there."""
    start, end = window
    if end - start < SECONDS_PER_TOKEN * (last - first):
        return []
    try:
        aligner.set_align_text(" ".join(tokens[first:last]))
        aligner.start_utt()
        aligner.process_raw(pcm.read(start, end), no_search=False, full_utt=True)
        aligner.end_utt()
    except RuntimeError:
        return []
    words = words_of(aligner, start)
    if len(words) != last - first:
        return []
    return [Timed(first + k, word.start, word.end) for k, word in enumerate(words)]
