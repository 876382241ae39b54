"""Symlinks in docs/: MkDocs follows them, so one pointing outside would publish its target.

``letterpress check`` refuses every symlink whose target is outside docs/, dangling, or
a folder around the link itself, naming the link; ``mkdocs build`` stops with the same
line, keeps the old site and publishes nothing of the target. Links inside docs/ are fine.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from run_options import child_env
from test_essays import refused_build, run_check

MKDOCS = str(Path(sys.executable).parent / "mkdocs")
SECRET = "SECRET-FROM-OUTSIDE-DOCS"
GOOD_ESSAY = (Path(__file__).parent / "fixtures/minimal/docs/essays/posts/good.md").read_text()

# link (under docs/) -> (what it points to, words of the message)
BAD_LINKS = {
    "hostname.txt": ("{outside}/secret.txt", "is a symlink to the file"),
    "etc": ("{outside}", "is a symlink to the folder"),
    "essays/posts/borrowed.md": ("{outside}/essay.md", "is a symlink to the file"),
    "essays/images/gone.png": ("missing.png", "which does not exist"),
    "essays/around": ("..", "a folder that holds the link itself"),
    "loop-a": ("loop-b", "leads back to itself"),
}


@pytest.fixture
def outside(minimal) -> Path:
    """A folder beside docs/ (not inside it) holding a secret file and an essay."""
    folder = minimal.parent / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET + "\n")
    (folder / "essay.md").write_text(GOOD_ESSAY.replace("A Good Essay", "Borrowed").replace(
        "A paragraph of text.", SECRET))
    return folder


def make_link(minimal: Path, outside: Path, link: str) -> Path:
    path = minimal / "docs" / link
    path.symlink_to(BAD_LINKS[link][0].format(outside=outside))
    if link == "loop-a":
        (minimal / "docs/loop-b").symlink_to("loop-a")
    return path


def published(site: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in site.rglob("*") if p.is_file())


@pytest.mark.parametrize("link", sorted(BAD_LINKS))
def test_symlink_out_of_docs_is_refused_by_check(minimal, outside, monkeypatch, link):
    make_link(minimal, outside, link)
    result = run_check(minimal, monkeypatch)
    assert result.exit_code == 1
    line = next((each for each in result.stderr.splitlines() if each.startswith(f"docs/{link}:")), "")
    assert BAD_LINKS[link][1] in line and "remove the link" in line, result.stderr


@pytest.mark.parametrize("link", sorted(BAD_LINKS))
def test_symlink_out_of_docs_fails_mkdocs_build_and_publishes_nothing(minimal, outside, link):
    env = child_env()
    good = subprocess.run([MKDOCS, "build", "-q"], cwd=minimal, env=env, capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    before = sorted(p.relative_to(minimal) for p in (minimal / "site").rglob("*"))
    make_link(minimal, outside, link)
    bad = subprocess.run([MKDOCS, "build", "-q"], cwd=minimal, env=env, capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode != 0
    assert f"docs/{link}: " in bad.stderr and BAD_LINKS[link][1] in bad.stderr, bad.stderr
    assert "Traceback" not in bad.stderr, bad.stderr
    assert sorted(p.relative_to(minimal) for p in (minimal / "site").rglob("*")) == before
    assert SECRET not in published(minimal / "site")


def test_letterpress_build_refuses_a_symlink_out_of_docs(minimal, outside, monkeypatch):
    make_link(minimal, outside, "hostname.txt")
    stderr = refused_build(minimal, monkeypatch)
    assert f"docs/hostname.txt: is a symlink to the file {outside}/secret.txt, outside docs/" in stderr


def test_symlinks_inside_docs_are_fine_and_published(minimal, monkeypatch):
    docs = minimal / "docs"
    (docs / "portrait.png").symlink_to("essays/images/julia.png")
    (docs / "pictures").symlink_to(docs / "essays/images")  # absolute, still inside docs/
    result = run_check(minimal, monkeypatch)
    assert result.exit_code == 0, result.stderr
    env = child_env()
    built = subprocess.run([MKDOCS, "build", "-q"], cwd=minimal, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert (minimal / "site/portrait.png").is_file() and (minimal / "site/pictures/julia.png").is_file()
