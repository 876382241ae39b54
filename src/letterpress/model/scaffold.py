"""``letterpress new``: a new essay with its front matter filled in."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import LetterpressError
from .publication import Publication
from .reader import CONTROL, material_slugify

TEMPLATE = """\
---
title: {title}
description: TK One or two sentences that say what this essay is about.
date: {date}
authors: [{author}]
categories: [Essays]
tags: []
draft: true
newsletter: true
# audio:
#   src: ../audio/{slug}.mp3
#   narrator: {narrator}
---

TK Write the essay here. An epigraph is a quotation whose last line starts with an em dash:

> A line worth carrying.
>
> — Its author
"""


def new_essay(publication: Publication, title: str) -> Path:
    """Write ``docs/<blog>/posts/<slug>.md`` as a draft and return its path.

    Raises:
        LetterpressError: an empty or multi-line title, or the file already exists.
    """
    title = title.strip()
    if not title or CONTROL.search(title):
        raise LetterpressError("the title must be one line of text, e.g. letterpress new \"On Waiting\".")
    slug = material_slugify(title, "-")
    path = publication.settings.posts_dir / f"{slug}.md"
    if path.exists():
        raise LetterpressError(f"{path.relative_to(publication.settings.root)} already exists; "
                               "choose another title or edit that file.")
    author = next(iter(publication.authors.values()), None)
    text = TEMPLATE.format(
        title=_yaml_scalar(title), slug=slug,
        date=publication.now().date().isoformat(),
        author=author.key if author else "your-key",
        narrator=author.name if author else "Your Name",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _yaml_scalar(text: str) -> str:
    """The title as YAML would write it (quoted when it contains ': ' and the like)."""
    return yaml.safe_dump(text, allow_unicode=True, default_style=None).removesuffix("\n...\n").strip()

