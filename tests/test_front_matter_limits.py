"""Front matter that could exhaust memory or crash the reader: one line naming file and field.

The bad cases that need no memory cap are in ``BAD_ESSAYS`` of test_essays.py, which
runs each through ``letterpress check`` and ``mkdocs build`` (``LINES`` there checks the
line each is reported on). Here: the billion laughs, under a 1 GiB address-space cap and a
timeout (so a regression fails instead of swapping or hanging), and front matter that must
stay readable.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import yaml

from letterpress.model.publication import load_publication
from letterpress.site.loader import load_settings
from run_options import SAMPLE, child_env
from test_essays import add_essay, run_check

BIN = Path(sys.executable).parent
MEMORY_CAP = 1 << 30
BILLION_LAUGHS = "essay_with_billion_laughs.md"


def _capped():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_capped(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = child_env()
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          preexec_fn=_capped, timeout=120)


def test_billion_laughs_is_refused_by_check_in_bounded_memory(minimal):
    add_essay(minimal, BILLION_LAUGHS)
    result = run_capped([str(BIN / "letterpress"), "check"], minimal)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if BILLION_LAUGHS in line]
    assert lines == [f"docs/essays/posts/{BILLION_LAUGHS}:6: front matter 'lol0': defines the anchor "
                     "'&lol0'; front matter has no use for YAML anchors and aliases: remove it and "
                     "write values out in full."], result.stderr


def test_billion_laughs_fails_mkdocs_build_in_bounded_memory_and_keeps_old_site(minimal):
    mkdocs = [str(BIN / "mkdocs"), "build", "-q"]
    assert run_capped(mkdocs, minimal).returncode == 0
    before = sorted(p.relative_to(minimal) for p in (minimal / "site").rglob("*"))
    add_essay(minimal, BILLION_LAUGHS)
    result = run_capped(mkdocs, minimal)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert f"docs/essays/posts/{BILLION_LAUGHS}:6: front matter 'lol0'" in result.stderr
    assert sorted(p.relative_to(minimal) for p in (minimal / "site").rglob("*")) == before


def test_python_tag_is_not_executed(minimal, monkeypatch):
    add_essay(minimal, "essay_with_python_tag.md")
    assert run_check(minimal, monkeypatch).exit_code == 1
    assert not (minimal / "pwned.txt").exists()


ODD_BUT_FINE = """---
title: Odd but Fine
subtitle: =
description: A lone '=' is text, a date may carry a time and an offset.
date: 2025-08-09 07:30:00+01:00
authors: [julia]
hide: [toc]
---

Text.
"""


def test_values_that_look_like_yaml_syntax_stay_readable(minimal, monkeypatch):
    (minimal / "docs/essays/posts/odd.md").write_text(ODD_BUT_FINE)
    result = run_check(minimal, monkeypatch)
    assert result.exit_code == 0, result.stderr
    essay = load_publication(load_settings(minimal), SAMPLE).essay("odd-but-fine")
    assert essay.subtitle == "="
    assert essay.date.isoformat() == "2025-08-09T07:30:00+01:00"


def test_front_matter_just_under_the_size_cap_is_read(minimal, monkeypatch):
    description = "A description that goes on. " * 2000  # ~55 KiB on one line
    (minimal / "docs/essays/posts/long.md").write_text(
        f"---\ntitle: Long\ndescription: {description}\ndate: 2025-08-09\nauthors: [julia]\n---\n\nText.\n")
    result = run_check(minimal, monkeypatch)
    assert result.exit_code == 0, result.stderr


FRONT = '---\ntitle: "A: title"\ndate: 2025-08-09\ntags: [one, two]\nnested: {a: [1, 2.5, true]}\n---\nBody.\n'
REFUSED = ("---\ntitle: &a x\n---\n", "---\ntitle: !!python/object:os.system x\n---\n", "---\ntitle: [\n---\n",
           "---\ndate: 2025-13-45\n---\n")


def test_libyaml_and_pythons_own_parser_read_front_matter_alike():
    """PyYAML without libyaml falls back to its pure-Python parser: the same data, lines and refusals."""
    from letterpress.model import frontmatter

    class PythonLoader(yaml.composer.Composer, frontmatter._PythonEvents, yaml.constructor.SafeConstructor,
                       yaml.resolver.Resolver):
        pass

    assert "CParser" in [base.__name__ for base in frontmatter._Loader.__mro__]  # libyaml, in this set-up
    source = frontmatter.split(FRONT, "a.md")
    assert source.meta["title"] == "A: title" and source.meta["nested"] == {"a": [1, 2.5, True]}
    assert source.lines["tags"] == 4
    fast = [_refusal(text) for text in REFUSED]
    assert all(fast), fast
    real = frontmatter._Loader
    try:
        frontmatter._Loader = type("_Loader", (PythonLoader,), {
            name: value for name, value in vars(real).items() if name not in ("__dict__", "__weakref__")})
        assert frontmatter.split(FRONT, "a.md").meta == source.meta
        assert frontmatter.split(FRONT, "a.md").lines == source.lines
        slow = [_refusal(text) for text in REFUSED]
        assert "CParser" not in [base.__name__ for base in frontmatter._Loader.__mro__]
    finally:
        frontmatter._Loader = real
    assert [(p.field, p.line) for p in slow] == [(p.field, p.line) for p in fast]
    assert [p.message for p in slow][:2] == [p.message for p in fast][:2]  # syntax errors' wording is the parser's


def _refusal(text: str):
    from letterpress.model import frontmatter

    try:
        frontmatter.split(text, "a.md")
    except frontmatter.FrontMatterError as error:
        return error.problem
    return None
