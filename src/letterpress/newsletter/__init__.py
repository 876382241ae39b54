"""The newsletter: each essay rendered as an email (HTML via MJML, plain text, MIME).

Public API (used by the send):

- :func:`render_issue` renders one essay once, within the size budget;
- :class:`RenderedIssue` personalises it per recipient with :meth:`RenderedIssue.message_for`;
- :func:`unsubscribe_url` makes a recipient's one-click link.

Importing this package registers the writer of the email web versions
(``/newsletter/<slug>/`` and the archive ``/newsletter/``) and the config check.
"""

from __future__ import annotations

from ..checks import CHECKS
from ..tokens import unsubscribe_url
from ..writers import WRITERS
from .check import config_check
from .message import POLICY, RenderedIssue
from .render import render_issue, render_web_version
from .web import write_web_versions

__all__ = ["POLICY", "RenderedIssue", "render_issue", "render_web_version", "unsubscribe_url"]

if write_web_versions not in WRITERS:
    WRITERS.append(write_web_versions)
if config_check not in CHECKS:
    CHECKS.append(config_check)
