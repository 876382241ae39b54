"""``letterpress newsletter render``: the letter written to files for the author to look at."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import tokens
from ..model.essay import Essay
from ..model.files import write_atomic
from ..model.publication import Publication
from .message import POLICY, RenderedIssue
from .render import render_issue

PREVIEW_ADDRESS = "reader@example.org"
PREVIEW_NAME = "A. Reader"


@dataclass(frozen=True)
class Preview:
    """The files written and what the author should know about them."""

    issue: RenderedIssue
    paths: tuple[Path, ...]
    budget: int
    signed: bool  # whether the unsubscribe link carries a real token

    def summary(self) -> list[str]:
        """Lines for the terminal."""
        issue = self.issue
        lines = [f"wrote {', '.join(_shown(p) for p in self.paths)}",
                 f"HTML {issue.html_bytes / 1024:.0f} KB of the {self.budget // 1024} KB budget."]
        if issue.excerpted:
            shown, total = issue.sections
            lines.append(f"the whole essay is over the budget: the letter carries sections 1–{shown} "
                         f"of {total} and ends with 'Continue reading' to the web version.")
        if issue.draft:
            lines.append("draft: the preview is marked as a draft; drafts are never sent.")
        if not self.signed:
            lines.append(f"{tokens.SECRET_VARIABLE} is not set and there is no {tokens.SECRET_FILE}: the "
                         "preview's unsubscribe link carries a placeholder token (`letterpress secret` makes a key).")
        return lines


def write_preview(publication: Publication, essay: Essay, out_dir: Path) -> Preview:
    """Render ``essay`` and write ``SLUG.html``, ``SLUG.txt`` and ``SLUG.eml`` into ``out_dir``.

    Everything is rendered before anything is written, and each file is
    written through a temporary name, so an error leaves no partial preview.
    """
    issue = render_issue(publication, essay)
    signed = bool(issue.secret)
    url = issue.unsubscribe_url(PREVIEW_ADDRESS) if signed else \
        f"{tokens.service_url(publication.settings)}/unsubscribe?token=preview"
    message = issue.message_for(PREVIEW_ADDRESS, PREVIEW_NAME, unsubscribe_url=url)
    contents = {".html": issue.html_for(PREVIEW_ADDRESS, url).encode("utf-8"),
                ".txt": issue.text_for(PREVIEW_ADDRESS, url).encode("utf-8"),
                ".eml": message.as_bytes(policy=POLICY)}
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = tuple(_write(out_dir / f"{essay.slug}{suffix}", data) for suffix, data in contents.items())
    return Preview(issue, paths, publication.settings.newsletter.budget_kb * 1024, signed)


def _write(path: Path, data: bytes) -> Path:
    return write_atomic(path, data, 0o600)  # previews hold a rendered letter: owner only, as before


def _shown(path: Path) -> str:
    """``path`` relative to the working folder when it is inside it."""
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)
