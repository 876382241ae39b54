"""A pytest plugin (loaded by conftest.py): under CI, a skipped test is a failed one.

A browser test skips where Chromium is missing, a TLS or DKIM test where the
``openssl`` command is, an engine test where Zensical is: on a developer's
machine that is a convenience, in CI it would let whole parts of the suite
vanish behind a green run. ``CI`` is set by GitHub Actions and by ``.ci/run``.
"""

from __future__ import annotations

import os

import pytest


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and under_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid} was skipped under CI, where every test must run: {reason}"
