"""What a build shows and writes, decided once by its caller and handed to either engine's adapter."""

from __future__ import annotations

from dataclasses import dataclass

from ..model.essay import Essay, State
from ..model.letters import previewing_drafts
from ..model.publication import Publication


@dataclass(frozen=True)
class BuildOptions:
    """Options that change a build.

    Attributes:
        drafts: show drafts, marked as such (``letterpress serve``); None: as the preview switch says.
        scheduled: show scheduled essays too (a build that only captures every essay's HTML).
        writers: write the feeds, web versions and redirect pages after the engine's pages.
    """

    drafts: bool | None = None
    scheduled: bool = False
    writers: bool = True

    @property
    def shows_drafts(self) -> bool:
        return previewing_drafts() if self.drafts is None else self.drafts

    def shows(self, essay: Essay, now) -> bool:
        """Whether the build has a page for ``essay``."""
        state = essay.state(now)
        return (state is State.PUBLISHED or (state is State.DRAFT and self.shows_drafts)
                or (state is State.SCHEDULED and self.scheduled))

    def visible(self, publication: Publication) -> list[Essay]:
        """The essays the build has pages for, newest first."""
        now = publication.now()
        return [essay for essay in publication.essays if self.shows(essay, now)]


PUBLISHED = BuildOptions()
EVERY_ESSAY = BuildOptions(drafts=True, scheduled=True, writers=False)  # to capture each essay's HTML
