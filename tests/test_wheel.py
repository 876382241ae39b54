"""Letterpress from a wheel, outside this repository: ``pip install`` of it and ``letterpress init`` are enough.

The wheel is built from this tree and installed with its dependencies (pinned by constraints.txt)
into a fresh virtual environment in a temporary folder; nothing of src/ is on the path there, so
the templates, the starter files and the plugin's partials are the wheel's own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx

from init_support import ANSWERS, run, serving

REPO = Path(__file__).resolve().parent.parent


def outside_env(**extra: str) -> dict[str, str]:
    """This environment without PYTHONPATH (the source tree), with the sample's clock and a git identity."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, "LETTERPRESS_NOW": "2026-11-01T12:00:00", "NO_MKDOCS_2_WARNING": "1",
            "GIT_AUTHOR_NAME": "Ana", "GIT_COMMITTER_NAME": "Ana", "GIT_AUTHOR_EMAIL": "ana@example.net",
            "GIT_COMMITTER_EMAIL": "ana@example.net", **extra}


def source_copy(tmp_path: Path) -> Path:
    """What the wheel is built from (pyproject.toml, README.md, src/), copied: a build writes build/ and
    *.egg-info beside its source, and must not write them into the repository."""
    source = tmp_path / "source"
    shutil.copytree(REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    return source


def installed(tmp_path: Path) -> Path:
    """Build the wheel and install it into a new venv; return the venv's bin/."""
    env = outside_env()
    dist = tmp_path / "dist"
    source = source_copy(tmp_path)
    wheel_command = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(dist)]
    subprocess.run(wheel_command,
                   env=env, check=True, capture_output=True, timeout=600)
    (wheel,) = dist.glob("letterpress-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], env=env, check=True, timeout=120)
    subprocess.run([str(venv / "bin/pip"), "install", "-q", "-c", str(REPO / "constraints.txt"), str(wheel)],
                   env=env, check=True, capture_output=True, timeout=900)
    return venv / "bin"


def test_the_wheel_alone_starts_builds_renders_and_serves_a_publication(tmp_path):
    binary = installed(tmp_path)
    env = outside_env()
    where = subprocess.run([str(binary / "python"), "-c", "import letterpress; print(letterpress.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(tmp_path / "venv/lib/")), where
    started = run(tmp_path, "init", "x", *ANSWERS, binary=binary, env=env)
    assert started.returncode == 0, started.stdout + started.stderr
    root = tmp_path / "x"
    built = run(root, "build", binary=binary, env=env)
    assert built.returncode == 0, built.stderr
    assert (root / "site/essays/index.html").is_file()
    assert (root / "site/assets/letterpress/letterpress.css").is_file()  # the plugin found its own theme files
    rendered = run(root, "newsletter", "render", "a-first-essay", binary=binary, env=env)
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    assert (root / "newsletter/preview/a-first-essay.eml").is_file()
    with serving(root, binary=binary, env=env) as base:
        page = httpx.get(base + "/", timeout=30)
    assert page.status_code == 200 and "Letters from Notes from the Kitchen Table" in page.text
