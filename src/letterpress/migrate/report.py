"""What an import did, in words: essays written and skipped, files fetched, subscribers, problems."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# What a terminal takes as a command (ESC starts colour, title and cursor sequences): the report
# names items, files and addresses from the export, so these are shown as \x1b and the like.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass
class Report:
    """The outcome of one import. It names items and files, never a subscriber's address."""

    dry_run: bool = False
    written: list[str] = field(default_factory=list)  # essay paths
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (item, why)
    drafts: list[tuple[str, str]] = field(default_factory=list)  # (essay path, why it is a draft)
    images: int = 0
    narrations: int = 0
    authors_added: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what could not be converted or fetched
    notes: list[str] = field(default_factory=list)  # what the import changed that the author should look at
    subscribers: str = ""  # one line, from the subscriber import

    def lines(self) -> list[str]:
        """The report, one line each, as the command prints it."""
        verb = "would write" if self.dry_run else "wrote"
        lines = [f"{verb} {path}" for path in self.written]
        lines += [f"draft {path}: {why}" for path, why in self.drafts]
        lines += [f"skipped {item}: {why}" for item, why in self.skipped]
        lines += [f"note: {note}" for note in self.notes]
        lines += [f"problem: {problem}" for problem in self.problems]
        added = "would add" if self.dry_run else "added"
        lines += [f"{added} author '{key}' to .authors.yml" for key in self.authors_added]
        if self.subscribers:
            lines.append(self.subscribers)
        lines.append(self.summary())
        if self.problems:
            lines.append(self.failure())
        return [CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", line) for line in lines]

    def failure(self) -> str:
        """The last line when there were problems (the command then exits 1)."""
        done = "this dry run wrote nothing" if self.dry_run else "what could be written was written"
        return f"exit status 1, for the problems above: {done}; each problem names what is left to do by hand."

    def summary(self) -> str:
        if not self.written and not self.problems:
            return f"nothing to do: {len(self.skipped)} skipped, no essay to write."
        verb = "would be written" if self.dry_run else "written"
        fetched = "to fetch" if self.dry_run else "fetched"
        return (f"{len(self.written)} essays {verb}, {len(self.skipped)} skipped, "
                f"{self.images} images and {self.narrations} narrations {fetched}, "
                f"{len(self.problems)} problems.")
