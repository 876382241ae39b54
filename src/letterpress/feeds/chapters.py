"""Chapters of a narration as a Podcasting 2.0 JSON chapters file (spec version 1.2.0).

Podcast apps read ``podcast:chapters`` from the feed and fetch this file; it is
written beside the essay page, at ``/essays/<slug>/chapters.json``.
"""

from __future__ import annotations

import json

from ..model.essay import Essay
from .entries import CHAPTERS_NAME

VERSION = "1.2.0"
MIME_TYPE = "application/json+chapters"


def chapters_path(essay: Essay, blog_dir: str) -> str:
    """Site-relative path of the essay's chapters file."""
    return essay.url_path(blog_dir) + CHAPTERS_NAME


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
