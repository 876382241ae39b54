"""The small "Test Rooms" publication the send, publish and subscriber tests write into a temporary folder."""

from __future__ import annotations

from collections.abc import Sequence

MKDOCS_YML = """\
site_name: Test Rooms
site_url: https://test.example.org/
{theme}plugins:
  - blog:
      blog_dir: essays
      post_url_format: "{{slug}}"
  - letterpress:
      timezone: Europe/Lisbon
      newsletter:
        sender: "Test Rooms <letters@test.example.org>"
        postal_address: "Test Rooms, PO Box 1, Testville"
{newsletter}      service:
        url: https://test.example.org/service
{sections}markdown_extensions:
  - footnotes
  - attr_list
"""
ESSAY = """\
---
title: {title}
description: {description}
date: {date}
authors: [julia]
{extra}
---

Attention is the rarest and purest form of generosity.

## A second thought

And it asks for time.
"""


def config(*sending: str, newsletter: Sequence[str] = (), publish: Sequence[str] = (),
           theme: Sequence[str] = ()) -> str:
    """``mkdocs.yml`` with these ``key: value`` lines in its ``sending`` section.

    ``newsletter``: more lines for that section; ``publish``: the lines of a ``publish``
    section; ``theme``: the lines of a ``theme`` section (none: MkDocs' default theme).
    A section without lines is left out.
    """
    return MKDOCS_YML.format(theme=f"theme:\n{_indented(theme, 2)}" if theme else "",
                             newsletter=_indented(newsletter, 8),
                             sections=_section("sending", sending) + _section("publish", publish))


def essay(title: str, date: str, extra: str = "", description: str = "A short essay for the send tests.") -> str:
    """An essay's file: front matter (``extra``: more lines of it) and two short sections."""
    return ESSAY.format(title=title, date=date, extra=extra, description=description)


def _indented(lines: Sequence[str], indent: int) -> str:
    return "".join(f"{' ' * indent}{line}\n" for line in lines)


def _section(name: str, lines: Sequence[str]) -> str:
    """A section of the plugin's config, or "" when it has no lines."""
    return f"      {name}:\n{_indented(lines, 8)}" if lines else ""
