"""Chapters of a narration as a Podcasting 2.0 JSON chapters file (spec version 1.2.0).

Podcast apps read ``podcast:chapters`` from the feed and fetch this file; it is
written beside the essay's page (``chapters.json`` in the page's folder, see
:meth:`letterpress.model.layout.Layout.essay_file`).
"""

from __future__ import annotations

import json

from ..model.essay import Essay
from ..model.layout import Address, Layout
from .entries import CHAPTERS_NAME

VERSION = "1.2.0"
MIME_TYPE = "application/json+chapters"


def chapters_address(essay: Essay, layout: Layout) -> Address:
    """Where the essay's chapters file is written and linked."""
    return layout.essay_file(essay, CHAPTERS_NAME)


def chapters_json(essay: Essay, podcast_name: str, page_url: str) -> bytes:
    """The chapters file of a narrated essay with chapters, as UTF-8 bytes.

    Args:
        essay: a narrated essay whose ``audio.chapters`` is not empty.
        podcast_name: the podcast's title.
        page_url: the essay page's absolute URL; each chapter links to its moment there.
    """
    audio = essay.audio
    if audio is None:
        raise ValueError(f"{essay.source_path}: only a narrated essay has chapters")
    document = {
        "version": VERSION,
        "title": essay.title,
        "podcastName": podcast_name,
        "author": audio.narrator,
        "chapters": [
            {"startTime": chapter.start, "title": chapter.title, "url": f"{page_url}#t={chapter.start}"}
            for chapter in audio.chapters
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
