"""Match the recognised words to the text's (difflib), keeping runs long enough to trust as anchors."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from .recognise import Heard

ANCHOR_RUN = 3  # a run of fewer matching words in a row is too likely to be chance
TRIM = 1  # the words at each end of a run are where a recogniser's mistakes bleed in: not anchors


@dataclass(frozen=True)
class Anchor:
    token: int  # index into the text's spoken tokens
    start: float
    end: float


def anchors(tokens: list[str], heard: list[Heard]) -> list[Anchor]:
    """The text's tokens the recogniser heard in order, in runs of at least ANCHOR_RUN, with their times."""
    matcher = SequenceMatcher(None, tokens, [item.word for item in heard], autojunk=False)
    found = []
    for block in matcher.get_matching_blocks():
        if block.size >= ANCHOR_RUN:
            found += [Anchor(block.a + k, heard[block.b + k].start, heard[block.b + k].end)
                      for k in range(TRIM, block.size - TRIM)]
    return found


def heard_share(tokens: list[str], heard: list[Heard]) -> float:
    """The share of the text's tokens found, in order, among the recognised words (1.0: all of them)."""
    if not tokens:
        return 0.0
    matcher = SequenceMatcher(None, tokens, [item.word for item in heard], autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(tokens)
