"""``letterpress status``: where each essay stands."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..checks import Check, check_publication
from ..model.letters import sent_record
from ..model.publication import Publication
from .tracked import shown, uncommitted_files


@dataclass(frozen=True)
class EssayStatus:
    """One row of the status table (and one object of ``status --json``)."""

    slug: str
    title: str
    state: str  # draft, scheduled, published, emailed (or invalid: the file cannot be read)
    date: str
    updated: str | None
    words: int
    audio: dict | None
    problems: list[str]
    uncommitted: bool  # the essay or a file it needs (narration, images) is not committed
    emailed: dict | None
    uncommitted_files: list[str] = field(default_factory=list)  # which, relative to the publication root

    def as_dict(self) -> dict:
        return asdict(self)


def essay_statuses(publication: Publication, checks: Iterable[Check]) -> list[EssayStatus]:
    """The status of every essay, newest first; its notes are the problems ``checks`` find."""
    problems = check_publication(publication, checks)
    changed = uncommitted_files(publication, publication.essays)
    now = publication.now()
    rows = []
    for essay in publication.essays:
        emailed = sent_record(publication, essay)
        state = "emailed" if emailed else essay.state(now).value
        rows.append(EssayStatus(
            slug=essay.slug, title=essay.title, state=state,
            date=essay.date.isoformat(), updated=essay.updated.isoformat() if essay.updated else None,
            words=essay.words,
            audio={"duration_seconds": round(essay.audio.duration, 3)} if essay.audio else None,
            problems=[str(p) for p in problems if p.path == essay.source_path],
            uncommitted=essay.slug in changed,
            emailed={"finished": emailed.get("finished"), "counts": emailed.get("counts", {})} if emailed else None,
            uncommitted_files=[shown(publication.settings, path) for path in changed.get(essay.slug, [])],
        ))
    return rows + _unreadable(publication, problems)


def _unreadable(publication: Publication, problems) -> list[EssayStatus]:
    """Rows for post files that could not be read at all, so their problems show too."""
    known = {e.source_path for e in publication.essays}
    paths = sorted({p.path for p in problems if p.path.endswith(".md") and p.path not in known})
    return [EssayStatus(slug=Path(path).stem, title="", state="invalid", date="", updated=None,
                        words=0, audio=None, problems=[str(p) for p in problems if p.path == path],
                        uncommitted=False, emailed=None) for path in paths]


