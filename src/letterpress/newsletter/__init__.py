"""The newsletter: each essay rendered as an email (HTML via MJML, plain text, MIME).

Public API (used by the send):

- :func:`render_issue` renders one essay once, within the size budget;
- :class:`RenderedIssue` personalises it per recipient with :meth:`RenderedIssue.message_for`;
- :func:`unsubscribe_url` makes a recipient's one-click link.

The email web versions (``/newsletter/<slug>/`` and the archive ``/newsletter/``) are
written by :func:`letterpress.newsletter.web.write_web_versions`, one of the build's writers.
"""

from __future__ import annotations

from ..tokens import unsubscribe_url
from .message import POLICY, RenderedIssue
from .render import render_issue, render_web_version

__all__ = ["POLICY", "RenderedIssue", "render_issue", "render_web_version", "unsubscribe_url"]
