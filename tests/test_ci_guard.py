"""The no-skip guard, run on a probe suite in a pytest process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ci_guard import under_ci

HERE = Path(__file__).resolve().parent
PROBE = '''
import pytest

def test_runs():
    assert True

def test_needs_chromium():
    pytest.skip("chromium not installed")
'''


def run_probe(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess:
    (tmp_path / "test_probe.py").write_text(PROBE, encoding="utf-8")
    environment = {key: value for key, value in os.environ.items() if key != "CI"}
    if ci is not None:
        environment["CI"] = ci
    environment["PYTHONPATH"] = str(HERE)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "ci_guard", "-q", "-p", "no:cacheprovider",
                           "test_probe.py"], cwd=tmp_path, env=environment, capture_output=True, text=True,
                          timeout=120)


def test_under_ci_a_skip_fails_the_run(tmp_path):
    result = run_probe(tmp_path, "true")
    assert result.returncode == 1, result.stdout
    assert "1 failed, 1 passed" in result.stdout
    assert "test_probe.py::test_needs_chromium was skipped under CI, where every test must run: " \
           "Skipped: chromium not installed" in result.stdout


def test_elsewhere_a_skip_is_a_skip(tmp_path):
    result = run_probe(tmp_path, None)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 skipped" in result.stdout


@pytest.mark.parametrize(("value", "ci"), [
    ("true", True), ("1", True), ("yes", True), ("", False), ("0", False), ("false", False), ("No", False)])
def test_what_counts_as_ci(monkeypatch, value, ci):
    monkeypatch.setenv("CI", value)
    assert under_ci() is ci
