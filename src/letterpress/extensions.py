"""The modules that register checks (``letterpress.checks.CHECKS``) and writers
(``letterpress.writers.WRITERS``) when imported.

They are imported on first use rather than at start-up, so commands that need
none of them (``new``, ``status``) stay quick.
"""

from __future__ import annotations

import importlib

MODULES = ("letterpress.symlinks", "letterpress.feeds", "letterpress.newsletter",
           "letterpress.service", "letterpress.sending", "letterpress.publishing")


def load_extensions() -> None:
    """Import every registering module (a no-op after the first call)."""
    for module in MODULES:
        importlib.import_module(module)
