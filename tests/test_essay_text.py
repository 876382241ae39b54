"""Control characters in an essay's text: ``check`` refuses them, naming file and line,
and the build stops with the same line instead of an lxml or MJML traceback.

Each bad case is also in ``BAD_ESSAYS`` of test_essays.py (through ``check`` and a real
``mkdocs build``), and the line each is reported on in ``LINES`` there; here: one line per
file, and what stays fine.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from run_options import child_env
from test_essays import add_essay, refused_build, run_check

MKDOCS = str(Path(sys.executable).parent / "mkdocs")


def test_many_control_characters_make_one_line_per_file(minimal, monkeypatch):
    add_essay(minimal, "essay_with_windows_1252_reference.md")
    result = run_check(minimal, monkeypatch)
    lines = [line for line in result.stderr.splitlines() if "essay_with_windows_1252_reference.md" in line]
    assert result.exit_code == 1
    assert lines == ["docs/essays/posts/essay_with_windows_1252_reference.md:8: the text contains "
                     "'&#150;', the control character U+0096, not '–' (only browsers read it that way); "
                     "write '–' itself. (1 more like it in this file)"]


def test_letterpress_build_stops_with_the_check_line(minimal, monkeypatch):
    add_essay(minimal, "essay_with_control_reference_in_img_alt.md")
    stderr = refused_build(minimal, monkeypatch)
    assert "essay_with_control_reference_in_img_alt.md:10: the text contains '&#8;'" in stderr
    assert "MJML" not in stderr


def test_tabs_references_and_code_are_fine_and_built(minimal, monkeypatch):
    add_essay(minimal, "essay_with_tabs_and_references_in_code.md")
    result = run_check(minimal, monkeypatch)
    assert result.exit_code == 0, result.stderr
    env = child_env()
    built = subprocess.run([MKDOCS, "build", "-q"], cwd=minimal, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    page = (minimal / "site/essays/tabs-and-references-in-code/index.html").read_text()
    assert "&amp;#8;" in page and "&amp;#0;" in page


UNMATCHED_BACKTICKS = """---
title: Unmatched Backticks
description: A code span needs a closing run of backticks of the same length.
date: 2025-08-09
authors: [julia]
---

One ` and two `` do not make code, so this &#1; is in the text.
"""


def test_backticks_that_make_no_code_span_do_not_hide_a_reference(minimal, monkeypatch):
    (minimal / "docs/essays/posts/unmatched.md").write_text(UNMATCHED_BACKTICKS)
    result = run_check(minimal, monkeypatch)
    assert result.exit_code == 1
    assert "docs/essays/posts/unmatched.md:8: the text contains '&#1;'" in result.stderr
