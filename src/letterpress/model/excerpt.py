"""What a post's text says when its front matter does not: its title and its description.

Material's blog accepts a post without ``title:``: MkDocs takes the title from
the first ``# heading`` (when it is the first line of text), else from the
file's name, and the blog makes the post's slug, and so its address, from that
title before any page is rendered. :func:`heading_title` and :func:`file_title`
follow MkDocs' rules (``get_markdown_title`` and ``Page.title``) so the slug we
compute is the engine's. A post without ``description:`` gets one from its
excerpt: the text before the blog's ``post_excerpt_separator``, or its first
paragraph (:func:`excerpt_description`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
import markdown

DEFAULT_SEPARATOR = "<!-- more -->"  # Material's post_excerpt_separator
DESCRIPTION_CHARS = 200
_FOOTNOTE = re.compile(r"\[\^[^\]]+\]")
_SKIPPED_BLOCK = re.compile(r"\A\s*(#|<!--|!\[|\[\^|---|\*\*\*)")  # headings, comments, images, notes, rules


@dataclass(frozen=True)
class Heading:
    """The body's first ``# heading`` when it opens the text: its words and its line in the body (0-based)."""

    title: str
    line: int


def heading_title(body: str) -> Heading | None:
    """The title MkDocs reads from the body: its first non-blank line, when that line starts with ``# ``."""
    for number, line in enumerate(body.split("\n")):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("# "):
            return None
        return Heading(stripped.lstrip("# "), number)
    return None


def without_heading(body: str, heading: Heading) -> str:
    """``body`` without its title heading, so the page (which prints the title itself) shows it once."""
    lines = body.split("\n")
    return "\n".join(lines[:heading.line] + lines[heading.line + 1:]).lstrip("\n")


def file_title(file_name: str) -> str:
    """The title MkDocs gives a page with neither ``title:`` nor a heading: its file name, in words."""
    stem = file_name.rsplit(".", 1)[0]
    title = stem.replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title


def excerpt_description(body: str, separator: str = DEFAULT_SEPARATOR) -> str:
    """A description drawn from the excerpt: its first sentences as plain text, at most DESCRIPTION_CHARS.

    The excerpt is the text before ``separator`` when the post has one, else its first paragraph;
    headings, comments, images and footnotes are left out. ``""`` when the text has no words.
    """
    head, found, _ = body.partition(separator)
    blocks = [block for block in re.split(r"\n\s*\n", head if found else body) if block.strip()]
    kept = [block for block in blocks if not _SKIPPED_BLOCK.match(block)]
    text = _plain(kept if found else kept[:1])
    return _opening(text)


def _plain(blocks: list[str]) -> str:
    if not blocks:
        return ""
    html = markdown.markdown(_FOOTNOTE.sub("", "\n\n".join(blocks)))
    return " ".join(lxml.html.fragment_fromstring(html, create_parent="div").text_content().split())


def _opening(text: str) -> str:
    chosen = ""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if chosen and len(chosen) + len(sentence) >= DESCRIPTION_CHARS:
            break
        chosen = f"{chosen} {sentence}".strip()
    if len(chosen) <= DESCRIPTION_CHARS:
        return chosen
    return chosen[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"
