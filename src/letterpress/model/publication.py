"""The whole publication: settings, authors and every essay, read once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

from ..errors import Problem, ProblemsError
from .authors import Author, load_authors
from .essay import Essay, State
from .history import read_history, with_git_dates
from .options import RunOptions
from .reader import read_essay
from .settings import Settings


@dataclass
class Publication:
    """Settings, authors and essays (newest first), with every problem found, and the run's options."""

    settings: Settings
    authors: dict[str, Author]
    essays: list[Essay]
    run_options: RunOptions  # the clock, git dates and drafts this command runs with (made at its edge)
    problems: list[Problem] = field(default_factory=list)
    # Each essay's HTML as the engine made it, by essay key, kept by letterpress.render.once (the
    # model renders nothing). Not part of the publication's value.
    rendered: dict[str, object] = field(default_factory=dict, compare=False, repr=False)
    # Set by the site adapter: captures the engine's HTML of the essays that have none yet (a build).
    capture_missing: Callable[[Publication], None] | None = field(default=None, compare=False, repr=False)
    # Values derived once per read (the sent records, the config's fingerprint).
    memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def page_urls(self) -> dict[str, str]:
        """docs-relative source path -> page URL of every essay, to rewrite links between essays.

        Computed once: every letter and feed entry needs it.
        """
        return post_pages(self.essays, self.settings)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def now(self) -> datetime:
        """The run's "now" (:attr:`run_options`), in the publication's time zone."""
        return self.run_options.current(self.settings.timezone)

    def published(self, now: datetime | None = None) -> list[Essay]:
        """Essays that are neither drafts nor scheduled, newest first."""
        now = now or self.now()
        return [e for e in self.essays if e.state(now) is State.PUBLISHED]

    def essay(self, name: str) -> Essay:
        """The essay named by its slug, or by its file's name, stem or path (``unfinished-letter.md``,
        ``unfinished-letter``, ``docs/essays/posts/unfinished-letter.md``). An exact slug wins.

        The one place a command's SLUG argument is resolved, so every command takes the same names.

        Raises:
            ProblemsError: no essay has that slug or file (the message lists the known slugs), or a
                file name or stem names more than one essay.
        """
        for essay in self.essays:
            if essay.slug == name:
                return essay
        wanted = Path(name if name.endswith(".md") else f"{name}.md")
        by_file = self._essay_by_file(name, wanted)
        if by_file is not None:
            return by_file
        unreadable = sorted({p.path for p in self.errors if Path(p.path).name == wanted.name})
        if unreadable:
            raise ProblemsError([Problem(unreadable[0], "", "cannot be used until its problems are fixed "
                                         "(`letterpress check` lists them).")])
        known = ", ".join(e.slug for e in self.essays) or "none"
        raise ProblemsError([Problem(name, "", f"no essay with this slug or file name; known: {known}.")])

    def _essay_by_file(self, name: str, wanted: Path) -> Essay | None:
        if len(wanted.parts) > 1:
            target = wanted.resolve()
            return next((e for e in self.essays if e.path.resolve() == target), None)
        matches = [e for e in self.essays if e.path.name == wanted.name]
        if len(matches) > 1:
            files = ", ".join(str(e.path) for e in matches)
            raise ProblemsError([Problem(name, "", f"names {len(matches)} essays ({files}); give the slug "
                                         "or the file's path instead.")])
        return matches[0] if matches else None


def load_publication(settings: Settings, run_options: RunOptions) -> Publication:
    """Read ``.authors.yml`` and every post under ``docs/<blog>/posts/``, for a run with ``run_options``
    (git dates or not; the publication keeps them for its clock and drafts).

    Problems are collected, not raised: ``check`` prints them all, the build
    raises on errors with :func:`letterpress.checks.raise_for_errors`.
    """
    authors, problems = load_authors(settings)
    essays = []
    for path in sorted(settings.posts_dir.rglob("*.md")):
        try:
            essay, found = read_essay(path, settings, authors)
        except FileNotFoundError:  # removed since the folder was listed (a `git rm` while the preview rebuilds)
            continue
        problems.extend(found)
        if essay is not None:
            essays.append(essay)
    problems.extend(_duplicate_slugs(essays))
    history = read_history(settings.root, run_options.git_dates)
    if history.shallow:
        problems.append(SHALLOW_CLONE)
    essays = with_git_dates(settings.root, essays, history)
    essays.sort(key=lambda e: e.date, reverse=True)
    return Publication(settings, authors, essays, run_options, problems)


SHALLOW_CLONE = Problem(
    ".git", "", "this is a shallow clone, so 'Updated' dates come from front matter only; "
    "fetch the whole history (git fetch --unshallow; in CI: fetch-depth: 0).", severity="warning",
)


def _duplicate_slugs(essays: list[Essay]) -> list[Problem]:
    seen: dict[str, Essay] = {}
    problems = []
    for essay in essays:
        first = seen.setdefault(essay.slug.casefold(), essay)  # one file on macOS and Windows
        if first is not essay:
            problems.append(Problem(
                essay.source_path, "slug",
                f"'{essay.slug}' is also the slug of {first.source_path} (or differs only in case); "
                "give one of them a different title or a 'slug:' line.",
            ))
    return problems


def post_pages(essays, settings: Settings) -> dict[str, str]:
    """docs-relative source path -> site-relative page URL of each essay."""
    return {docs_path(essay, settings): settings.layout.essay(essay).url for essay in essays}


def docs_path(essay: Essay, settings: Settings) -> str:
    """The essay's source path relative to docs/ (resolving symlinks only when needed)."""
    try:
        return essay.path.relative_to(settings.docs_dir).as_posix()
    except ValueError:
        return essay.path.resolve().relative_to(settings.docs_dir).as_posix()
