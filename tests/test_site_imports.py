"""A site build imports the site and its outputs, nothing of sending, the service, publishing or the
subscriber store (sqlite3 itself it does import: the HTML cache is a SQLite file). Naming the
subscribers package, or asking where its file is, opens no SQLite either.

Run in a fresh interpreter: a real ``mkdocs build`` of the sample publication through the plugin
(or the one import), then the names in ``sys.modules``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import REPO
from run_options import child_env

BUILD_AND_LIST = """
import json, sys
from mkdocs.__main__ import cli
try:
    cli(["build", "--quiet", "--site-dir", sys.argv[1]], standalone_mode=False)
finally:
    print(json.dumps(sorted(sys.modules)))
"""
FORBIDDEN_PACKAGES = ("letterpress.sending", "letterpress.service", "letterpress.publishing", "letterpress.subscribers")
FORBIDDEN_LIBRARIES = ("starlette", "uvicorn", "httpx", "dkim", "aiosmtpd", "smtplib")


def test_a_site_build_imports_no_sending_service_publishing_or_subscribers(tmp_path):
    env = child_env()
    result = subprocess.run([sys.executable, "-c", BUILD_AND_LIST, str(tmp_path / "site")], cwd=REPO,
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    modules = json.loads(result.stdout.strip().splitlines()[-1])
    assert "letterpress.site.plugin" in modules and (tmp_path / "site" / "rss.xml").is_file()
    loaded = [name for name in modules
              if name.startswith(FORBIDDEN_PACKAGES) or name.split(".")[0] in FORBIDDEN_LIBRARIES]
    assert loaded == []


@pytest.mark.parametrize(("statement", "expected"), [
    ("import letterpress.subscribers", []),
    # what publishing and the service context need
    ("from letterpress.subscribers.paths import store_path", ["letterpress.subscribers.paths"]),
])
def test_the_subscribers_package_and_its_paths_load_no_store(statement, expected):
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    modules = json.loads(result.stdout)
    loaded = [name for name in modules if name.startswith(("letterpress.subscribers.", "sqlite3", "_sqlite3"))
              or name.split(".")[0] == "email_validator"]
    assert loaded == expected
    assert "letterpress.subscribers" in modules
