"""Configurations Letterpress cannot honour are refused by ``letterpress check`` in one line, never built wrong.

Each test writes a setting into a copy of ``tests/fixtures/minimal`` and runs the real
command (a child process, so a crash is a crash): two blog instances, a placeholder
no one can fill in, a slugify Zensical cannot run; what Zensical leaves out (hooks,
plugins) is a warning; a slug with capitals is named. The expected lines are literal.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from run_options import child_env

BIN = Path(sys.executable).parent
BLOG = "  - blog:\n      blog_dir: essays\n      post_url_format: \"{slug}\"\n"


def check(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = child_env(LETTERPRESS_NOW="2026-03-01T12:00:00+00:00")
    return subprocess.run([str(BIN / "letterpress"), "check", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


def configure(root: Path, old: str, new: str) -> None:
    path = root / "mkdocs.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def refused(root: Path, *args: str) -> list[str]:
    result = check(root, *args)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr.splitlines()


def test_two_blog_instances_are_refused_naming_the_setting(minimal):
    configure(minimal, BLOG, BLOG + "  - blog:\n      blog_dir: notes\n")
    assert ("mkdocs.yml: config 'plugins': lists the blog plugin 2 times; Letterpress publishes one "
            "blog (the first) and "
            "cannot tell which essays belong to which. Keep one blog plugin, or remove "
            "Letterpress.") in refused(minimal)


def test_a_placeholder_letterpress_cannot_fill_in_is_refused(minimal):
    configure(minimal, 'post_url_format: "{slug}"', 'post_url_format: "{date}/{id}"')
    assert ("mkdocs.yml: config 'plugins.blog.post_url_format': '{id}' is not a placeholder "
            "Letterpress can fill in, so no "
            "feed or letter could link the essays; use {categories}, {date}, {file}, {slug}.") in refused(minimal)


def test_on_zensical_a_slugify_it_cannot_run_is_refused(minimal):
    configure(minimal, BLOG, BLOG + "      post_slugify: !!python/object/apply:pymdownx.slugs.slugify "
              "{kwds: {case: none}}\n")
    assert check(minimal).returncode == 0  # MkDocs runs it
    assert ("mkdocs.yml: config 'plugins.blog.post_slugify': Zensical runs only "
            "pymdownx.slugs.slugify with case: lower or "
            "fold (and no percent_encode), so its pages would not be where Letterpress links them; use such a "
            "slugify, or the mkdocs engine.") in refused(minimal, "--engine", "zensical")


def test_on_zensical_hooks_and_plugins_it_does_not_run_are_warnings(minimal):
    (minimal / "hooks.py").write_text("def on_page_markdown(markdown, **kwargs):\n    return markdown\n",
                                      encoding="utf-8")
    configure(minimal, "plugins:\n", "hooks:\n  - hooks.py\nplugins:\n  - git-revision-date-localized\n")
    result = check(minimal, "--engine", "zensical")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert ("mkdocs.yml: config 'hooks': warning: Zensical does not run MkDocs hooks: with --engine "
            "zensical the pages, "
            "feeds and letters are made without them. Use the mkdocs engine to keep them.") in lines
    assert ("mkdocs.yml: config 'plugins.git-revision-date-localized': warning: Zensical does not "
            "run this plugin: with "
            "--engine zensical the site, feeds and letters are made without it. Use the mkdocs engine to keep "
            "it.") in lines
    assert "hooks" not in check(minimal).stderr  # MkDocs runs them: nothing to say


def test_a_slug_with_capitals_is_named_not_changed(minimal):
    configure(minimal, BLOG, BLOG + "      post_slugify: !!python/object/apply:pymdownx.slugs.slugify "
              "{kwds: {case: none}}\n")
    result = check(minimal)
    assert result.returncode == 0, result.stderr
    assert ("docs/essays/posts/good.md:2: front matter 'title': warning: post_slugify makes the "
            "slug 'A-Good-Essay', with "
            "capitals: on macOS and Windows two pages whose names differ only in case are one file. Give "
            "post_slugify case: lower in mkdocs.yml, or add 'slug: ...'.") in result.stderr.splitlines()


def test_the_plugins_zensical_runs_are_the_ones_it_says_it_supports():
    zensical_config = pytest.importorskip("zensical.config")
    from letterpress.site.fidelity import ZENSICAL_PLUGINS

    supported = set(zensical_config._PLUGIN_UNSUPPORTED_OPTIONS)  # noqa: SLF001 - Zensical's one list of them
    assert supported == ZENSICAL_PLUGINS - {"letterpress"}
