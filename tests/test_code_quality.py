"""The code-quality tools run with the tests, so CI runs them: ruff, mypy, deptry, import-linter.

Their settings are in pyproject.toml ([tool.ruff], [tool.mypy], [tool.deptry], [tool.importlinter]).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

TOOLS = {
    "ruff": ["ruff", "check"],
    "mypy": ["mypy", "src"],
    "deptry": ["deptry", "src"],
    "import-linter": ["lint-imports", "--no-cache"],
}


@pytest.mark.parametrize("command", TOOLS.values(), ids=TOOLS.keys())
def test_tool_finds_nothing(command):
    result = subprocess.run([str(BIN / command[0]), *command[1:]], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}{result.stderr}"
