"""``newsletter/preview/`` kept with the essays while ``letterpress serve`` runs.

Every essay's letter is written when the preview starts; after each good rebuild, only the
letters whose essay changed are written again (all of them when ``mkdocs.yml``, the authors
file or a publication template changed), and a removed essay's preview files go.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from ..errors import LetterpressError
from ..model.publication import Publication
from .capture import attach

PREVIEW_SUFFIXES = (".html", ".txt", ".eml")  # what newsletter.preview.write_preview writes per essay


class EmailPreviews:
    """The preview folder of the publication at ``root``, and what each letter in it was written from."""

    def __init__(self, root: Path):
        self.root = root
        self.target = root / "newsletter" / "preview"
        self.written: dict[str, str] = {}  # slug -> the essay text its files were written from
        self.shared = ""  # the fingerprint of what every letter is made with, when last written

    def update(self, publication: Publication) -> int:
        """Write what changed since the last update and remove what went; returns how many letters were written."""
        from ..newsletter.preview import write_preview

        publication = attach(publication)
        shared = self._shared_fingerprint(publication)
        everything, self.shared = shared != self.shared, shared
        self._remove_gone({essay.slug for essay in publication.essays})
        count = 0
        for essay in publication.essays:
            if not everything and self.written.get(essay.slug) == essay.text:
                continue
            try:
                write_preview(publication, essay, self.target)
            except LetterpressError as error:  # a broken letter must not stop the preview of the site
                print(f"no email preview for {essay.slug}: {error}", file=sys.stderr, flush=True)
                self.written.pop(essay.slug, None)
                continue
            self.written[essay.slug] = essay.text
            count += 1
        return count

    def _remove_gone(self, slugs: set[str]) -> None:
        """The files of essays no longer in the publication (from this session or an earlier one)."""
        if not self.target.is_dir():
            return
        for path in self.target.iterdir():
            if path.suffix in PREVIEW_SUFFIXES and path.stem not in slugs and path.is_file():
                path.unlink()
                self.written.pop(path.stem, None)

    @staticmethod
    def _shared_fingerprint(publication: Publication) -> str:
        """``mkdocs.yml``, the authors file and the publication's templates: they shape every letter."""
        settings = publication.settings
        templates = settings.root / "newsletter" / "templates"
        files = [settings.config_path, settings.docs_dir / settings.layout.authors_file,
                 *(sorted(templates.rglob("*")) if templates.is_dir() else [])]
        digest = hashlib.sha256()
        for path in files:
            digest.update(str(path).encode("utf-8", "surrogateescape") + b"\0")
            digest.update(path.read_bytes() if path.is_file() else b"-")
        return digest.hexdigest()
