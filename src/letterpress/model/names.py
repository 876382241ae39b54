"""Subscribers' names: the one place that decides what a name may hold.

A name ends up in the ``To`` header of every letter and in greetings. Python's
email package decodes RFC 2047 encoded words (``=?utf-8?q?…?=``) in a display
name and, before 3.11.10 / 3.12.5 / 3.13.0 (gh-121650), folds a decoded line
break out raw, so an encoded word can add headers or start the body. A person's
name never needs an encoded word or a control character, so names with either
are refused where a person types them for someone else (CSV import, the CLI)
and neutralised where the public types them (the sign-up form), whatever the
interpreter's patch level.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import LetterpressError

NAME_LIMIT = 100
# "=?" starts an RFC 2047 encoded word; no one's name contains it.
_ENCODED_WORD = re.compile(r"=\?")
_SPACES = re.compile(r"\s+")


class InvalidNameError(LetterpressError):
    """A name holds a control character, an invisible format character or an encoded word."""


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a subscriber's name, or None when it can.

    Refused: control characters (tab, CR, LF, NUL, …), invisible format
    characters (bidirectional overrides, zero-width), ``=?`` (an RFC 2047
    encoded word) and more than :data:`NAME_LIMIT` characters.
    """
    for ch in name:
        category = unicodedata.category(ch)
        if category == "Cc":
            return f"contains the control character U+{ord(ch):04X}; keep the name on one line, as plain text"
        if category == "Cf":
            return f"contains the invisible character U+{ord(ch):04X}; remove it"
    if _ENCODED_WORD.search(name):
        return "contains '=?' (an encoded email header word); write the name as plain text"
    if len(name.strip()) > NAME_LIMIT:
        return f"is longer than {NAME_LIMIT} characters; shorten it"
    return None


def check_name(name: str) -> str:
    """``name`` stripped, or :class:`InvalidNameError` with :func:`name_problem`'s reason."""
    problem = name_problem(name)
    if problem:
        raise InvalidNameError(f"name {name[:40]!r} {problem}.")
    return name.strip()


def clean_name(raw: str) -> str:
    """A name typed into the public form, made harmless rather than refused.

    Control characters become spaces, format characters are dropped, runs of
    spaces collapse, and a name holding an encoded word is dropped whole
    (``""``): the person is still signed up, greeted without a name. The
    answer to the form is the same either way.
    """
    kept = "".join(" " if unicodedata.category(ch) == "Cc" else ch
                   for ch in raw if unicodedata.category(ch) != "Cf")
    name = _SPACES.sub(" ", kept).strip()[:NAME_LIMIT].strip()
    return "" if _ENCODED_WORD.search(name) else name


def safe_name(name: str) -> str:
    """``name`` when it may go into a header, else ``""`` (names stored before these rules)."""
    return "" if name_problem(name) else name.strip()
