"""Characters an essay's text cannot carry: control characters, raw or as references.

No editor shows them, and each output fails on them differently: lxml refuses
them when the page is made ("All strings must be XML compatible"), MJML fails
on the letter with an error about its template, Python-Markdown silently drops
STX and ETX (its own placeholders), and C1 characters reach feeds and letters
as invisible junk. Tab, LF and CR are text; a BOM is removed when the file is read.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# C0 but tab, LF and CR; DEL; C1; U+FFFE and U+FFFF, which XML refuses as well.
RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
# Markdown shows references inside code as written (escaped), so those are fine.
FENCED_CODE = re.compile(r"^ {0,3}(?P<fence>(?P<c>[`~])(?P=c){2,})[^\n]*\n.*?"
                         r"(?:^ {0,3}(?P=fence)(?P=c)*[ \t]*$|\Z)", re.M | re.S)
LINE_WITH_BACKTICK = re.compile(r"[^\n]*`[^\n]*")
BACKTICKS = re.compile(r"`+")


@dataclass(frozen=True)
class Found:
    """A character the text cannot carry: where (0-based offset) and what to tell the author."""

    offset: int
    message: str


def find_unusable(text: str) -> list[Found]:
    """Every control character in ``text``, raw or as a numeric reference, in order."""
    found = [Found(m.start(), _raw_message(m.group())) for m in RAW.finditer(text)]
    references = [(m.start(), message) for m in REFERENCE.finditer(text)
                  if (message := _reference_message(m))]
    if references:  # rare, so only then work out which of them are code
        starts, ends = _code_ranges(text)
        for offset, message in references:
            index = bisect.bisect_right(starts, offset) - 1
            if index < 0 or offset >= ends[index]:
                found.append(Found(offset, message))
    return sorted(found, key=lambda f: f.offset)


def _code_ranges(text: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the code blocks and spans in ``text``, sorted, not overlapping."""
    ranges = [m.span() for m in FENCED_CODE.finditer(text)]
    for line in LINE_WITH_BACKTICK.finditer(text):
        ranges.extend(_code_spans(line.group(), line.start()))
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(ranges):
        if ends and start < ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _code_spans(line: str, offset: int) -> list[tuple[int, int]]:
    """Code spans of one line: a run of backticks up to the next run of the same length.

    In linear time, however the backticks fall (a regex would retry every run).
    """
    runs = list(BACKTICKS.finditer(line))
    following: list[int | None] = [None] * len(runs)
    last: dict[int, int] = {}  # length of a run -> index of the nearest such run after it
    for index in reversed(range(len(runs))):
        length = len(runs[index].group())
        following[index], last[length] = last.get(length), index
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        closing = following[index]
        if closing is None:
            index += 1
            continue
        spans.append((offset + runs[index].start(), offset + runs[closing].end()))
        index = closing + 1
    return spans


def _raw_message(char: str) -> str:
    what = "non-character" if char in "\ufffe\uffff" else "control character"
    return (f"the text contains an invisible {what} ({_code(ord(char))}); "
            "delete it (retype the words around it if your editor does not show it).")


def _reference_message(match: re.Match) -> str:
    """What is wrong with a reference such as ``&#8;``, or "" when it is a character."""
    digits, base = (match.group(1), 16) if match.group(1) else (match.group(2), 10)
    point = int(digits, base) if len(digits) <= 8 else -1
    written = match.group()
    if _is_character(point):
        return ""
    if 0x80 <= point <= 0x9F and _windows_1252(point):
        return (f"the text contains '{written}', the control character {_code(point)}, not "
                f"'{_windows_1252(point)}' (only browsers read it that way); write "
                f"'{_windows_1252(point)}' itself.")
    what = f"the control character {_code(point)}" if 0 <= point <= 0x9F else "not a character"
    return f"the text contains '{written}', {what}; pages, feeds and letters cannot carry it: delete it."


def _is_character(point: int) -> bool:
    """Whether a reference to code point ``point`` is text that every output can carry."""
    if point in (9, 10, 13):
        return True
    if point < 0x20 or 0x7F <= point <= 0x9F or point in (0xFFFE, 0xFFFF):
        return False
    return point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF


def _windows_1252(point: int) -> str:
    try:
        return bytes([point]).decode("cp1252")
    except UnicodeDecodeError:
        return ""


def _code(point: int) -> str:
    return f"U+{point:04X}"
