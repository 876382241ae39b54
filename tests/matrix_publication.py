"""The small publication the configuration matrix builds: two essays that use everything an address touches.

Each case of ``tests/test_fidelity_matrix.py`` writes it into a folder of its own
with its own blog settings: the narrated essay has chapters, footnotes, an image,
an epigraph, an old address (alias), links to the other essay and to a page, and
the Markdown extensions Material users keep (admonitions, details, tabs,
highlighted code, attribute lists, Markdown in HTML, abbreviations, definition
lists, tables, a permalinked table of contents).
"""

from __future__ import annotations

import posixpath
import shutil
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SERVICE = "https://service.example.net"  # another host: its links are not the site's files

CONFIG = """\
site_name: Matrix Rooms
site_url: {site_url}
{top}theme:
  name: material
  custom_dir: {overrides}
  font: false
  language: en
plugins:
  - search
  - blog:
{blog}      post_excerpt: optional
      draft_if_future_date: true
  - letterpress:
      timezone: UTC
      authors:
        julia: {{cta_label: Work with me}}
      podcast:
        enabled: true
        title: Matrix Rooms, read aloud
        description: Two essays, read aloud.
        artwork: assets/podcast-artwork.jpg
        category: Health & Fitness
        subcategory: Mental Health
        author: Julia Keller
        owner_name: Matrix Rooms
        owner_email: podcast@matrix.example.org
        guid: 2c1a43e2-6b8e-5a8f-9f0e-6e3b1c7d0a11
      newsletter:
        since: 2025-01-01
        sender: "Matrix Rooms <letters@matrix.example.org>"
        postal_address: "Matrix Rooms, PO Box 1, Testville"
      service:
        url: {service}
      site:
        engine: {engine}
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.highlight
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
"""

NARRATED = """\
---
title: The Listening Hour
description: An hour of silence in a session, and what it taught me.
date: 2026-03-14
authors: [julia]
categories: [Essays, Practice]
tags: [listening]
image: ../images/lake.jpg
aliases: [/p/the-listening-hour/]
audio:
  src: ../audio/short.mp3
  narrator: Julia Keller
  chapters:
    - {{title: "Before the first word", start: "00:00"}}
    - {{title: "What the silence holds", start: "00:02"}}
---

> Listening is letting the other person change you a little.
>
> — A note on a fridge

## Before the first word

He arrived early and sat in the car. The HOOKWORD stayed unspoken.[^1] Read
[the other essay](small-rituals.md) and [about us]({about}).

![A still lake at dawn]({image}){{ width=600 }}

!!! note "An aside"

    Silence is never empty.

??? tip "More"

    The clock, the street, the breath.

=== "First"

    One tab.

=== "Second"

    Another tab.

```python
def listen():
    return "silence"
```

Some words stand out.
{{ .lead }}

<div markdown>
Markdown *inside* a block.
</div>

The HTML of the page.

*[HTML]: HyperText Markup Language

Silence
:   What the room holds.

| Minute | What happened |
| ------ | ------------- |
| 20     | He spoke.     |

## What the silence holds

He said it quietly, and I let it be.[^2]

[^1]: The tip of the tongue.
[^2]: See [the other essay](small-rituals.md#the-kettle).
"""

SECOND = """\
---
title: Small Rituals
description: Why the kettle carries more of a life than its big decisions.
date: 2025-11-02
authors: [julia]
categories: [Practice]
---

Most people arrive talking about decisions.

## The kettle

The kettle, the walk, [the listening hour](narrated.md#what-the-silence-holds).
"""

AUTHORS = """\
authors:
  julia:
    name: Julia Keller
    description: A psychotherapist who writes about attention.
    avatar: {avatar}
    url: https://example.org/work-with-julia
"""

HOOK = '''\
def on_page_markdown(markdown, **kwargs):
    return markdown.replace("HOOKWORD", "word the hook wrote")
'''


@dataclass(frozen=True)
class Case:
    """One configuration: blog options, top-level settings, and what the narrated essay's page must be.

    ``page`` and ``other`` are the site-relative files the engine must write for the two essays
    (literal, from Material's rules), ``url`` the narrated essay's absolute URL.
    """

    name: str
    page: str
    other: str
    url: str
    blog: dict[str, str] = field(default_factory=dict)  # blog option -> YAML value as written
    top: tuple[str, ...] = ()  # more top-level lines of mkdocs.yml
    site_url: str = "https://matrix.example.org/"
    hooks: bool = False
    engines: tuple[str, ...] = ("mkdocs", "zensical")

    @property
    def blog_dir(self) -> str:
        return self.blog.get("blog_dir", "blog").strip('"')


def write(case: Case, root: Path, engine: str) -> Path:
    """The publication of ``case`` at ``root``, built by ``engine``; returns ``root``."""
    blog = posixpath.normpath(case.blog_dir)
    posts = posixpath.normpath(posixpath.join(blog, "posts"))
    docs = root / "docs"
    (docs / posts).mkdir(parents=True)
    (docs / "index.md").write_text("# Welcome\n\nTwo essays.\n" if blog != "." else "# Essays\n", encoding="utf-8")
    (docs / "about.md").write_text("# About\n\nWho we are.\n", encoding="utf-8")
    if blog != ".":
        (docs / blog / "index.md").write_text("# Essays\n", encoding="utf-8")
    images = REPO / "docs/essays/images"
    for folder, name, source in ((posixpath.join(blog, "audio"), "short.mp3", FIXTURES / "short.mp3"),
                                 (posixpath.join(blog, "images"), "lake.jpg", images / "still-water.jpg"),
                                 (posixpath.join(blog, "images/avatars"), "julia.png", images / "avatars/julia.png"),
                                 ("assets", "podcast-artwork.jpg", REPO / "docs/assets/podcast-artwork.jpg")):
        (docs / folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(source, docs / folder / name)
    about = posixpath.relpath("about.md", posts)
    (docs / posts / "narrated.md").write_text(NARRATED.format(about=about, image="../images/lake.jpg"),
                                              encoding="utf-8")
    (docs / posts / "small-rituals.md").write_text(SECOND, encoding="utf-8")
    avatar = posixpath.normpath(posixpath.join(blog, "images/avatars/julia.png"))
    (docs / blog / ".authors.yml").write_text(AUTHORS.format(avatar=avatar), encoding="utf-8")
    top = list(case.top)
    if case.hooks:
        (root / "hooks.py").write_text(HOOK, encoding="utf-8")
        top += ["hooks:", "  - hooks.py"]
    (root / "mkdocs.yml").write_text(CONFIG.format(
        site_url=case.site_url, top="".join(f"{line}\n" for line in top), overrides=REPO / "overrides",
        blog="".join(f"      {key}: {value}\n" for key, value in case.blog.items()), service=SERVICE,
        engine=engine), encoding="utf-8")
    return root
