"""``letterpress status`` at a terminal (issue 20, item 7): the whole title, wrapped, never cut to "Notes o…".

A real ``status`` through ``CliRunner``; ``FORCE_COLOR`` makes rich treat the runner's output as a
terminal and ``COLUMNS`` gives its width. Colours are stripped before comparing.
"""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from letterpress.cli import cli
from run_options import SAMPLE_ENV

TITLE = "Notes on the Long Middle of Therapy, and on Staying When Leaving Would Be Easier"
ESSAY = f"---\n{{slug}}title: {TITLE}\ndescription: A long title.\ndate: 2025-09-01\nauthors: [julia]\n---\n\nWords.\n"


def status_at(root: Path, monkeypatch, columns: int, slug_line: str = "") -> list[str]:
    (root / "docs/essays/posts/notes.md").write_text(ESSAY.format(slug=slug_line), encoding="utf-8")
    monkeypatch.chdir(root)
    env = {**SAMPLE_ENV, "COLUMNS": str(columns), "FORCE_COLOR": "1"}
    result = CliRunner(env=env).invoke(cli, ["status"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return re.sub(r"\x1b\[[0-9;]*m", "", result.stdout).splitlines()


def test_at_100_columns_a_long_title_wraps_in_its_column(minimal_publication, monkeypatch):
    lines = status_at(minimal_publication, monkeypatch, 100, slug_line="slug: notes\n")
    assert lines == [
        "slug          state      date        narrated  words  notes  title",
        "notes         published  2025-09-01  –         1      –      Notes on the Long Middle of Therapy,",
        "                                                             and on Staying When Leaving Would Be",
        "                                                             Easier",
        "a-good-essay  published  2025-08-09  –         4      –      A Good Essay",
    ]


def test_with_no_readable_room_beside_the_slug_the_title_goes_under_its_row(minimal_publication, monkeypatch):
    lines = status_at(minimal_publication, monkeypatch, 100)  # the slug is the title's: 79 characters
    slug = "notes-on-the-long-middle-of-therapy-and-on-staying-when-leaving-would-be-easier"
    assert lines == [
        "slug" + " " * 77 + "state      date        narrated  words  notes",
        f"{slug}  published  2025-09-01  –         1      –",
        f"    {TITLE}",
        "a-good-essay" + " " * 69 + "published  2025-08-09  –         4      –",
        "    A Good Essay",
    ]
