"""Helpers shared by the newsletter tests: the sample publication, fixed recipients, long essays."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from letterpress import tokens
from letterpress.model.publication import Publication
from letterpress.site.capture import load_for_outputs
from run_options import SAMPLE

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "newsletter"
GOLDEN = REPO / "tests" / "golden" / "newsletter"
TEST_SECRET = "test-secret-for-letterpress-tests"
READER = "reader@example.org"
READER_NAME = "A. Reader"
FIXED_DATE = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
NARRATED = "the-listening-hour"
LONG = "the-art-of-staying"
DRAFT = "an-unfinished-letter"


def load(root: Path = REPO) -> Publication:
    """The publication at ``root``, able to capture its essays' HTML with a build (as the commands are)."""
    return load_for_outputs(root, SAMPLE)


def reader_unsubscribe_url(publication: Publication, address: str = READER) -> str:
    """The one-click link for ``address``, signed with the test key (no environment needed)."""
    token = tokens.make_unsubscribe_token(address, tokens.list_id(publication.settings), secret=TEST_SECRET)
    return f"{tokens.service_url(publication.settings)}/unsubscribe?token={token}"


def add_essay(root: Path, name: str, text: str) -> Path:
    path = root / "docs" / "essays" / "posts" / name
    path.write_text(text, encoding="utf-8")
    return path


def long_essay(words: int, sections: int, slug: str = "a-very-long-essay") -> str:
    """A synthetic essay of about ``words`` words in ``sections`` sections under ``## `` headings."""
    sentence = "Attention is the rarest and purest form of generosity, and it asks for time. "
    per_paragraph = 60
    paragraphs_per_section = max(1, words // sections // per_paragraph)
    paragraph = (sentence * 6).strip()
    parts = ["---", "title: A Very Long Essay", f"slug: {slug}",
             "description: Fifteen thousand words on attention, to test the size budget.",
             "date: 2026-03-01", "authors: [julia]", "---", ""]
    for number in range(1, sections + 1):
        parts.append(f"## Part {number}\n")
        parts.extend(f"{paragraph}\n" for _ in range(paragraphs_per_section))
    return "\n".join(parts)


def copy_fixture(name: str, target: Path) -> Path:
    shutil.copy(FIXTURES / name, target)
    return target
