"""TK and TODO: the marks of an unfinished essay, and the one rule about them.

``letterpress new`` scaffolds a draft full of TK markers. In a draft they are
fine; once an essay is no longer a draft (published, or scheduled to publish by
itself on its day) a marker left in it is an error: ``letterpress check``,
every build and ``publish`` stop, and the letter's pre-send check
(``newsletter check``) reports the same lines with the same words.
"""

from __future__ import annotations

import re

from ..errors import Problem
from .essay import Essay
from .publication import Publication

MARKER = re.compile(r"\b(TK|TODO)\b")


def marker_problems(essay: Essay) -> list[Problem]:
    """Each 'TK' or 'TODO' left in ``essay`` (front matter included), by line of the file as loaded."""
    problems: list[Problem] = []
    if "TK" not in essay.text and "TODO" not in essay.text:  # nearly every essay: two fast scans, no regex
        return problems
    for number, line in enumerate(essay.text.splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            problems.append(Problem(essay.source_path, "", f"'{match.group(1)}' marker left in the text; "
                                    "finish or remove it (or keep the essay a draft: 'draft: true').",
                                    line=number))
    return problems


def unfinished_problems(publication: Publication) -> list[Problem]:
    """For ``letterpress check`` and every build: markers in essays that are not drafts."""
    return [problem for essay in publication.essays if not essay.draft for problem in marker_problems(essay)]
