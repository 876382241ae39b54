"""TK and TODO left in an essay: which essays, which lines, and the words the author reads (model/markers.py).

In-process and literal, so scripts/mutation can tell when a change to the rule goes unnoticed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from letterpress.errors import Problem
from letterpress.model.essay import Essay
from letterpress.model.markers import marker_problems, unfinished_problems
from letterpress.model.publication import Publication
from run_options import SAMPLE

MESSAGE = "'{}' marker left in the text; finish or remove it (or keep the essay a draft: 'draft: true')."


def essay(body: str, draft: bool = False, name: str = "draft-one.md") -> Essay:
    return Essay(path=Path(name), source_path=f"docs/essays/posts/{name}", slug=name.removesuffix(".md"),
                 title="A title", description="A description", date=datetime(2026, 1, 5, tzinfo=UTC),
                 body=body, authors=("julia",), draft=draft, front_matter="---\ntitle: A title\n---\n")


@pytest.mark.parametrize("marker", ["TK", "TODO"])
def test_one_kind_of_marker_alone_is_found(marker):
    found = marker_problems(essay(f"First line.\nA {marker} here.\n"))
    assert found == [Problem("docs/essays/posts/draft-one.md", "", MESSAGE.format(marker), line=5)]


def test_a_marker_inside_a_word_is_not_one():
    assert marker_problems(essay("TKO and TODOS and ATK are words.\n")) == []


def test_only_essays_that_are_not_drafts_are_refused():
    done = essay("TODO: an ending.\n", name="done.md")
    publication = Publication(settings=None, authors={}, essays=[essay("TK\n", draft=True), done],
                              run_options=SAMPLE)
    assert unfinished_problems(publication) == [
        Problem("docs/essays/posts/done.md", "", MESSAGE.format("TODO"), line=4)]
