"""What a build shows and writes, decided once by its caller and handed to either engine's adapter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..model.essay import Essay, State
from ..model.publication import Publication


@dataclass(frozen=True)
class BuildOptions:
    """Options that change a build (the run's clock, git dates and drafts ride on its publication).

    Attributes:
        drafts: show drafts, marked as such; None: as the run's options say
            (:attr:`RunOptions.drafts <letterpress.model.options.RunOptions.drafts>`).
        scheduled: show scheduled essays too (a build that only captures every essay's HTML).
        writers: write the feeds, web versions and redirect pages after the engine's pages.
        live_reload: the address each page polls to reload when a new build is in (``letterpress
            serve``'s build counter); empty: no reload script.
    """

    drafts: bool | None = None
    scheduled: bool = False
    writers: bool = True
    live_reload: str = ""

    def shows_drafts(self, publication: Publication) -> bool:
        return publication.run_options.drafts if self.drafts is None else self.drafts

    def shows(self, essay: Essay, publication: Publication, now: datetime) -> bool:
        """Whether the build of ``publication`` has a page for ``essay`` at ``now``."""
        state = essay.state(now)
        return (state is State.PUBLISHED or (state is State.DRAFT and self.shows_drafts(publication))
                or (state is State.SCHEDULED and self.scheduled))

    def visible(self, publication: Publication) -> list[Essay]:
        """The essays the build has pages for, newest first."""
        now = publication.now()
        return [essay for essay in publication.essays if self.shows(essay, publication, now)]


PUBLISHED = BuildOptions()
EVERY_ESSAY = BuildOptions(drafts=True, scheduled=True, writers=False)  # to capture each essay's HTML
