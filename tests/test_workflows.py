"""The GitHub workflows pass actionlint and run what the README says."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((REPO / ".github/workflows").glob("*.yml"))


def actionlint() -> str:
    found = Path(sys.executable).parent / "actionlint"
    return str(found) if found.exists() else shutil.which("actionlint") or "actionlint"


def test_workflows_pass_actionlint():
    result = subprocess.run([actionlint(), "-no-color", *map(str, WORKFLOWS)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pull_requests_run_the_readme_test_command_and_a_strict_build():
    steps = yaml.safe_load((REPO / ".github/workflows/test.yml").read_text())["jobs"]["test"]["steps"]
    commands = " ".join(step.get("run", "") for step in steps)
    assert "scripts/setup --test && .venv/bin/python -m pytest" in commands
    assert "mkdocs build --strict" in commands


def test_pages_deploys_on_push_and_daily_with_full_history():
    workflow = yaml.safe_load((REPO / ".github/workflows/pages.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key 'on' as True
    assert triggers["push"]["branches"] == ["main"] and triggers["schedule"]
    checkout = workflow["jobs"]["build"]["steps"][0]
    assert checkout["with"]["fetch-depth"] == 0
