"""The second pass: force-align each stretch of text between two anchors to the audio between them.

Recognition alone misses words; a single forced alignment of the whole text fails outright on a
skipped paragraph, an ad-lib or noise. Between anchors the stretch is short, so it either aligns
or is given up honestly (its words keep no time) without disturbing the rest. A stretch that
does not fit its audio whole (a paragraph the narrator skipped, an ad-lib) is aligned sentence by
sentence from both of its ends, each sentence kept only when the recogniser heard some of its
words there too, so the sentences that were read keep their times and the rest keep none.
"""

from __future__ import annotations

from dataclasses import dataclass

from pocketsphinx import Decoder

from .decode import PCM
from .match import Anchor
from .recognise import Heard, words_of

SECONDS_PER_TOKEN = 0.08  # less audio than this per word: the stretch was not read (a skipped paragraph)
WIDEN = (0, 2, 6)  # anchored words given back on each side, try by try
PAD = 0.15  # seconds of audio around a stretch, so the aligner has room to start and end in silence
MOST_PER_TOKEN = 0.9  # at an open edge, look this far along per word, and a second more
EDGE_SLACK = 3.0  # or, sentence by sentence from a stretch's ends, this much more (the pause before a heading)
HEARD_SHARE = 0.3  # a sentence aligned from an edge is kept when the recogniser heard this share of it there


@dataclass(frozen=True)
class Timed:
    token: int
    start: float
    end: float


@dataclass(frozen=True)
class Text:
    """What the second pass aligns: the spoken tokens, the token each sentence starts at, what was heard."""

    tokens: list[str]
    starts: list[int]
    heard: list[Heard]


def align_gaps(pcm: PCM, text: Text, found: list[Anchor], aligner: Decoder) -> list[Timed]:
    """Times for the tokens between anchors (those the recogniser did not place).

    A stretch that does not align between its own anchors is tried again with a few anchored words
    on each side given back to it, since an anchor at a run's edge can be a recogniser's mistake;
    then sentence by sentence from its ends.
    """
    timed = []
    edges = [Anchor(-1, 0.0, 0.0)] + found + [Anchor(len(text.tokens), pcm.duration, pcm.duration)]
    for index in range(len(edges) - 1):
        first, last = edges[index].token + 1, edges[index + 1].token
        if last > first:
            timed += _align_between(pcm, text, edges, index, aligner)
    return timed


def _align_between(pcm: PCM, text: Text, edges: list[Anchor], index: int, aligner: Decoder) -> list[Timed]:
    first, last = edges[index].token + 1, edges[index + 1].token
    for widen in WIDEN:
        before, after = edges[max(0, index - widen)], edges[min(len(edges) - 1, index + 1 + widen)]
        window = _window(before, after, after.token - before.token - 1, len(text.tokens))
        stretch = align_stretch(pcm, text.tokens, before.token + 1, after.token, window, aligner)
        if stretch:
            return _within([item for item in stretch if first <= item.token < last], edges[index], edges[index + 1])
    window = _window(edges[index], edges[index + 1], last - first, len(text.tokens))
    return _within(from_the_ends(pcm, text, (first, last), window, aligner), edges[index], edges[index + 1])


def _within(timed: list[Timed], before: Anchor, after: Anchor) -> list[Timed]:
    """``timed`` kept between the anchors around it (the padding around a window can reach into them)."""
    floor, ceiling = before.end, after.start
    return [Timed(item.token, min(max(item.start, floor), ceiling), min(max(item.end, floor), ceiling))
            for item in timed]


def _window(before: Anchor, after: Anchor, count: int, total: int) -> tuple[float, float]:
    """The audio a stretch of ``count`` tokens is looked for in: between its anchors, bounded at an open edge."""
    reach = count * MOST_PER_TOKEN + 1.0
    start, end = max(0.0, before.end - PAD), after.start + PAD
    if before.token < 0:
        start = max(start, end - reach)
    if after.token >= total:
        end = min(end, start + reach)
    return start, end


def from_the_ends(pcm: PCM, text: Text, span: tuple[int, int], window: tuple[float, float],
                  aligner: Decoder) -> list[Timed]:
    """Align the sentences of ``span`` one by one inward from each end of ``window``; stop at the first
    that was not heard there (what is left between was not read)."""
    pieces = _sentences_of(text, *span)
    timed: list[Timed] = []
    left, right = window
    while pieces:
        first, last = pieces[0]
        found = _heard_there(text, first, last, align_stretch(
            pcm, text.tokens, first, last, (left, min(right, left + _reach(first, last))), aligner))
        if not found:
            break
        timed += found
        left, pieces = found[-1].end, pieces[1:]
    while pieces:
        first, last = pieces[-1]
        found = _heard_there(text, first, last, align_stretch(
            pcm, text.tokens, first, last, (max(left, right - _reach(first, last)), right), aligner))
        if not found:
            break
        timed += found
        right, pieces = found[0].start, pieces[:-1]
    return timed


def _reach(first: int, last: int) -> float:
    return (last - first) * MOST_PER_TOKEN + EDGE_SLACK


def _sentences_of(text: Text, first: int, last: int) -> list[tuple[int, int]]:
    """``range(first, last)`` cut where sentences start."""
    cuts = [first] + [start for start in text.starts if first < start < last] + [last]
    return list(zip(cuts, cuts[1:], strict=False))


def _heard_there(text: Text, first: int, last: int, found: list[Timed]) -> list[Timed]:
    """``found`` when the recogniser heard at least HEARD_SHARE of those words in that audio, else none."""
    if not found:
        return []
    start, end = found[0].start - PAD, found[-1].end + PAD
    heard = {item.word for item in text.heard if start <= item.start and item.end <= end}
    share = sum(1 for token in text.tokens[first:last] if token in heard) / (last - first)
    return found if share >= HEARD_SHARE else []


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
