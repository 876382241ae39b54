"""``letterpress import substack``: a Substack export (made from the documented format) into a real publication.

The export's images and narration are served by a local HTTP server; the
imported publication is checked with ``letterpress check`` and built for real.
Regenerate the golden files with ``pytest tests/test_import_substack.py --update-golden``.
"""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest

import import_support as support


@pytest.fixture(scope="module")
def export_zip(tmp_path_factory, import_server) -> Path:
    return support.substack_zip(tmp_path_factory.mktemp("export") / "export.zip", import_server)


@pytest.fixture(scope="module")
def imported(tmp_path_factory, export_zip):
    """The minimal publication after one import of the fixture export: (root, result)."""
    # The Lost Picture's image answers 404: a problem, so the import exits 1 after writing the rest.
    return support.imported_into(tmp_path_factory.mktemp("substack"), "substack", str(export_zip), problems=1)


@pytest.fixture(scope="module")
def built(imported, tmp_path_factory) -> Path:
    return support.build(imported[0], tmp_path_factory.mktemp("substack-site"))


@pytest.fixture
def fresh(minimal_publication) -> Path:
    return minimal_publication


def test_each_post_becomes_an_essay_and_the_thread_is_skipped(imported):
    root, result = imported
    assert support.essay_names(root) == ["for-members.md", "good.md", "the-lost-picture.md", "the-quiet-hour.md",
                       "unfinished-thoughts.md"]
    assert "skipped 'Ask Me Anything' (substack:171234570): a thread, not an essay" in result.output
    assert "4 essays written, 1 skipped, 1 images and 1 narrations fetched, 1 problems." in result.output


def test_front_matter_of_a_published_post(imported):
    essay = support.meta(imported[0], "the-quiet-hour.md")
    assert essay["title"] == "The Quiet Hour"
    assert essay["subtitle"] == "What an empty room teaches a listener"
    # Not the subtitle again (a listing shows both): the first paragraph's opening.
    assert essay["description"] == ("Most of what a therapist learns, she learns in the minutes when nobody speaks. "
                                    "The room fills with what the words left out.")
    assert str(essay["date"]) == "2024-03-10 09:30:00"  # 09:30 UTC is 09:30 in Lisbon in March
    assert essay["authors"] == ["julia"]  # the export names no author: the publication's own
    assert essay["newsletter"] is False and "draft" not in essay
    assert essay["slug"] == "the-quiet-hour"
    assert essay["aliases"] == ["/p/the-quiet-hour"]
    assert essay["imported_from"] == "substack:171234567"
    assert essay["audio"] == {"src": "../audio/the-quiet-hour.mp3", "narrator": "Julia Keller"}


@pytest.mark.parametrize(("name", "why"), [("for-members.md", "paid-only"), ("unfinished-thoughts.md", "unpublished"),
                                           ("the-lost-picture.md", "image not found")])
def test_paid_unpublished_and_unfetchable_posts_are_drafts(imported, name, why):
    essay = support.meta(imported[0], name)
    assert essay["draft"] is True, why
    assert essay["newsletter"] is False


def test_a_file_that_cannot_be_fetched_is_named_in_the_report(imported, import_server):
    _, result = imported
    assert (f"problem: 'The Lost Picture' (substack:171234571): image {import_server}/images/gone.png answered "
            "HTTP 404; written as a draft until it is fixed") in result.output


@pytest.mark.parametrize("name", ["the-quiet-hour.md", "for-members.md"])
def test_markdown_matches_golden(imported, import_server, update_golden, name):
    support.golden_essay(imported[0], "substack", name, import_server, update_golden)


def test_images_and_narration_are_local_files(imported):
    root = imported[0]
    image = root / "docs/essays/images/the-quiet-hour/lamp.png"
    assert image.read_bytes() == (support.FIXTURES / "files" / "lamp.png").read_bytes()
    narration = root / "docs/essays/audio/the-quiet-hour.mp3"
    assert narration.read_bytes() == (Path(__file__).parent / "fixtures" / "short.mp3").read_bytes()


def test_letterpress_check_accepts_the_imported_essays(imported):
    result = support.run(imported[0], "check")
    assert result.exit_code == 0, result.output
    assert "ok: no errors" in result.output


def test_the_built_site_has_the_essay_without_platform_chrome(built):
    page = (built / "essays/the-quiet-hour/index.html").read_text()
    assert "Listening without an agenda" in page and 'href="https://example.org/clocks"' in page
    assert 'src="../images/the-quiet-hour/lamp.png"' in page  # the image, moved beside the essays
    assert (built / "essays/images/the-quiet-hour/lamp.png").is_file()
    assert "the-quiet-hour.mp3" in page
    assert "Type your email" not in page and "action=share" not in page
    assert "&lt;b&gt;in angle brackets&lt;/b&gt;" in page  # text, not a tag
    assert "<hr" in page and "―" not in page  # Substack's <h2>―</h2> divider: a thematic break, not a heading


def test_old_addresses_redirect_and_drafts_get_none(built):
    redirect = (built / "p/the-quiet-hour/index.html").read_text()
    assert "essays/the-quiet-hour/" in redirect
    assert not (built / "p/for-members").exists() and not (built / "p/the-lost-picture").exists()


def _subscribers(root: Path) -> dict[str, tuple]:
    with sqlite3.connect(root / "newsletter/subscribers.sqlite3") as connection:
        rows = connection.execute("SELECT email, status, consent_source, consent_at FROM subscribers")
        return {email: (status, source, consent_at) for email, status, source, consent_at in rows}


def test_subscribers_arrive_with_consent_and_disabled_ones_unsubscribed(imported):
    root, result = imported
    people = _subscribers(root)
    assert people["reader.one@example.org"] == ("active", "imported from Substack", "2023-01-05T10:00:00Z")
    assert people["paying.reader@example.org"][0] == "active"
    assert people["reader.two@example.org"][:2] == ("active", "imported from Substack")
    assert people["gone.away@example.org"][0] == "unsubscribed"
    assert "5 added" in result.output and "1 recorded as unsubscribed" in result.output
    # One row is paying now (active_subscription); two more name a plan that lapsed.
    assert "; 1 paid subscriptions stay at Substack (billing did not move)" in result.output
    assert "@" not in result.output  # no address is ever printed


def test_running_again_changes_nothing(imported, export_zip):
    root = imported[0]
    people = _subscribers(root)
    output = support.import_again(root, "substack", str(export_zip))
    assert "skipped 'The Quiet Hour' (substack:171234567): already imported (docs/essays/posts/the-quiet-hour.md)" \
        in output
    assert "subscribers: 5 already on the list; 1 paid" in output
    assert _subscribers(root) == people


def test_overwrite_replaces_the_same_files(fresh, export_zip):
    assert support.run(fresh, "import", "substack", str(export_zip), "--no-subscribers").exit_code == 1  # a 404
    essay = fresh / support.POSTS / "the-quiet-hour.md"
    essay.write_text(essay.read_text() + "\nEdited.\n")
    result = support.run(fresh, "import", "substack", str(export_zip), "--overwrite", "--no-subscribers")
    assert result.exit_code == 1 and "1 problems." in result.output, result.output
    assert "Edited." not in essay.read_text()
    assert len(support.essay_names(fresh)) == 5


def test_dry_run_and_no_subscribers_write_nothing_of_theirs(fresh, export_zip):
    before = support.snapshot(fresh)
    result = support.run(fresh, "import", "substack", str(export_zip), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would write docs/essays/posts/the-quiet-hour.md" in result.output
    assert "subscribers: would import 6 rows; 1 paid subscriptions stay at Substack" in result.output
    assert support.snapshot(fresh) == before
    assert support.run(fresh, "import", "substack", str(export_zip), "--no-subscribers").exit_code == 1  # a 404
    assert not (fresh / "newsletter/subscribers.sqlite3").exists()


def test_author_option_must_name_a_known_author(fresh, export_zip):
    line = support.refused(fresh, "import", "substack", str(export_zip), "--author", "nobody")
    assert line == ("error: --author nobody: no such author in docs/essays/.authors.yml "
                    "(known: julia); add them there first or leave --author out.")


def _zip(path: Path, members: dict[str, str], symlink: str = "") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (0o120777 << 16)
            archive.writestr(info, "/etc/passwd")
    return path


POSTS_CSV = (support.FIXTURES / "substack" / "posts.csv").read_text()


@pytest.mark.parametrize(("case", "expected"), [
    ("corrupt", "not a readable zip file"),
    ("not_an_export", "no posts.csv inside; this is not a Substack export"),
    ("dot_dot", "the entry '../../outside.html' would land outside the publication"),
    ("absolute", "the entry '/etc/cron.d/x' would land outside the publication"),
    ("symlink", "the entry 'posts/link.html' is a symbolic link"),
    ("missing", "file not found"),
    ("bad_list", "no email column; this is not Substack's subscriber list"),
])
def test_bad_exports_are_refused_with_one_line_and_nothing_written(fresh, tmp_path, case, expected):
    target = tmp_path / f"{case}.zip"
    if case == "corrupt":
        target.write_bytes(b"PK\x03\x04 this is not really a zip file")
    elif case == "not_an_export":
        _zip(target, {"readme.txt": "hello", "data.csv": "a,b\n"})
    elif case == "dot_dot":
        _zip(target, {"posts.csv": POSTS_CSV, "../../outside.html": "<p>x</p>"})
    elif case == "absolute":
        _zip(target, {"posts.csv": POSTS_CSV, "/etc/cron.d/x": "* * * * * true"})
    elif case == "symlink":
        _zip(target, {"posts.csv": POSTS_CSV}, symlink="posts/link.html")
    elif case == "bad_list":
        _zip(target, {"posts.csv": POSTS_CSV, "email_list.csv": "name,created_at\nJo,2023-01-01\n"})
    line = support.refused(fresh, "import", "substack", str(target))
    assert line.startswith(f"error: {target}") and expected in line, line


def test_an_export_that_unpacks_too_big_is_refused(fresh, tmp_path, monkeypatch):
    monkeypatch.setattr("letterpress.migrate.archive.MAX_UNPACKED", 1000)
    target = _zip(tmp_path / "big.zip", {"posts.csv": POSTS_CSV, "posts/x.html": "<p>" + "a" * 5000 + "</p>"})
    assert "more than the 1,000 allowed" in support.refused(fresh, "import", "substack", str(target))


NOT_A_RECORDING = "is not a recording (its sound cannot be read; it may be damaged, or not a recording)"


@pytest.mark.parametrize(("audio", "why"), [("/audio/not-a-recording.mp3", NOT_A_RECORDING),
                                           ("/audio/gone.mp3", "answered HTTP 404")])
def test_a_narration_that_cannot_be_fetched_leaves_a_draft_with_its_old_address(fresh, tmp_path, import_server,
                                                                                 audio, why):
    rows = POSTS_CSV.splitlines()
    header, quiet = rows[0], rows[1].replace("/audio/quiet-hour.mp3", audio)
    html = (support.FIXTURES / "substack/posts/171234567.the-quiet-hour.html").read_text()
    target = _zip(tmp_path / "export.zip",
                  {"posts.csv": f"{header}\n{quiet}\n".replace("__SERVER__", import_server),
                   "posts/171234567.the-quiet-hour.html": html.replace("__SERVER__", import_server)})
    result = support.run(fresh, "import", "substack", str(target))
    assert result.exit_code == 1, result.output  # a problem: exit 1, after writing the essay
    assert f"problem: 'The Quiet Hour' (substack:171234567): narration {import_server}{audio} {why}" in result.output
    assert result.output.endswith(support.FAILED)
    essay = support.meta(fresh, "the-quiet-hour.md")
    assert essay["draft"] is True and "audio" not in essay
    assert not (fresh / "docs/essays/audio/the-quiet-hour.mp3").exists()
    text = (fresh / support.POSTS / "the-quiet-hour.md").read_text()
    assert (f"imported_from: substack:171234567\n"
            f"# The narration could not be fetched from {import_server}{audio}\n"
            "# Save it as docs/essays/audio/the-quiet-hour.mp3, add the line "
            "'audio: {src: ../audio/the-quiet-hour.mp3}' and take out 'draft: true'.\n---\n") in text
    assert support.run(fresh, "check").exit_code == 0


def test_the_zensical_engine_builds_the_import_too(imported, tmp_path):
    pytest.importorskip("zensical")
    site = tmp_path / "zensical-site"
    result = support.run(imported[0], "build", "--engine", "zensical", "--site-dir", str(site))
    assert result.exit_code == 0, result.output
    page = (site / "essays/the-quiet-hour/index.html").read_text()
    assert "Listening without an agenda" in page and "the-quiet-hour.mp3" in page
    assert (site / "essays/images/the-quiet-hour/lamp.png").is_file()
    assert "essays/the-quiet-hour/" in (site / "p/the-quiet-hour/index.html").read_text()
