"""``letterpress new``: a new essay with its front matter filled in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from slugify import slugify

from ..errors import LetterpressError
from .files import write_atomic
from .publication import Publication
from .reader import CONTROL

TEMPLATE = """\
---
title: {title}
{slug_line}description: TK One or two sentences that say what this essay is about.
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


@dataclass(frozen=True)
class NewEssay:
    """What ``letterpress new`` wrote: the file and the essay's slug."""

    path: Path
    slug: str


def new_essay(publication: Publication, title: str) -> NewEssay:
    """Write ``docs/<blog>/posts/<slug>.md`` as a draft; the slug is the title in ASCII with single dashes.

    Raises:
        LetterpressError: an empty or multi-line title, a title with no letters or digits,
            or the file already exists.
    """
    title = title.strip()
    if not title or CONTROL.search(title):
        raise LetterpressError("the title must be one line of text, e.g. letterpress new \"On Waiting\".")
    slug = ascii_slug(title)
    path = publication.settings.posts_dir / f"{slug}.md"
    if path.exists():
        raise LetterpressError(f"{path.relative_to(publication.settings.root)} already exists; "
                               "choose another title or edit that file.")
    author = next(iter(publication.authors.values()), None)
    text = TEMPLATE.format(
        title=_yaml_scalar(title), slug=slug,
        # The blog would make its own slug of the title (post_slugify: accents kept); say ours when it differs.
        slug_line="" if publication.settings.layout.slug(title) == slug else f"slug: {slug}\n",
        date=publication.now().date().isoformat(),
        author=author.key if author else "your-key",
        narrator=author.name if author else "Your Name",
    )
    write_atomic(path, text)
    return NewEssay(path, slug)


def ascii_slug(title: str) -> str:
    """``Café — été`` -> ``cafe-ete``: ASCII letters and digits, single dashes (python-slugify).

    Raises:
        LetterpressError: nothing of the title is left (only punctuation or symbols).
    """
    slug = slugify(title, max_length=80, word_boundary=True)
    if not slug:
        raise LetterpressError(f"the title {title!r} has no letters or digits to name the file after; "
                               "give it a title with words, e.g. letterpress new \"On Waiting\".")
    return slug


def _yaml_scalar(text: str) -> str:
    """The title as YAML would write it (quoted when it contains ': ' and the like)."""
    return yaml.safe_dump(text, allow_unicode=True, default_style=None).removesuffix("\n...\n").strip()

