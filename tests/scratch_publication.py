"""The small "Test Rooms" publication the send tests write into a temporary folder."""

from __future__ import annotations

MKDOCS_YML = """\
site_name: Test Rooms
site_url: https://test.example.org/
plugins:
  - blog:
      blog_dir: essays
      post_url_format: "{{slug}}"
  - letterpress:
      timezone: Europe/Lisbon
      newsletter:
        sender: "Test Rooms <letters@test.example.org>"
        postal_address: "Test Rooms, PO Box 1, Testville"
      service:
        url: https://test.example.org/service
      sending:
{sending}
markdown_extensions:
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


def config(*sending: str) -> str:
    """``mkdocs.yml`` with these ``key: value`` lines in its ``sending`` section."""
    return MKDOCS_YML.format(sending="\n".join(f"        {line}" for line in sending))


def essay(title: str, date: str, extra: str = "", description: str = "A short essay for the send tests.") -> str:
    """An essay's file: front matter (``extra``: more lines of it) and two short sections."""
    return ESSAY.format(title=title, date=date, extra=extra, description=description)
