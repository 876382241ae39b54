"""``letterpress init DIR``: a new publication of one's own, through the real command."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import lxml.html
import pytest
import yaml
from PIL import Image

from init_support import ANSWERS, run, serving
from letterpress.starter.images import initials
from run_options import child_env

REPO = Path(__file__).resolve().parent.parent

# Everything of the sample publication a new one must not carry: names, addresses, its podcast's guid,
# its avatar's initials, its sentences.
SAMPLE_WORDS = (
    "Quiet Rooms", "quietrooms", "Julia", "Keller", "julia", "Tomás", "Tomas", "Ferreira", "tomas",
    "ac9a4cec-9dcd-5366-b8c1-694c9b81df1f", "JK", "TF",
    "is written slowly, read aloud, and answered by hand", "PO Box 1204", "Portland", "Lisbon",
    "psychotherapist", "Coaching with", "Book a first conversation", "essays, read aloud",
    "Essays on attention, therapy and ordinary life", "We write slowly", "example.org/work-with",
    "still-water", "the-listening-hour",
)


@pytest.fixture(scope="module")
def started(tmp_path_factory) -> Path:
    parent = tmp_path_factory.mktemp("init")
    result = run(parent, "init", "mine", *ANSWERS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "a first draft in docs/essays/posts/a-first-essay.md" in result.stdout
    return parent / "mine"


def test_init_writes_a_whole_publication_and_commits_it(started):
    tracked = subprocess.run(["git", "ls-files"], cwd=started, capture_output=True, text=True, check=True).stdout
    assert tracked.split() == [
        ".github/workflows/pages.yml", ".gitignore", "docs/assets/podcast-artwork.jpg", "docs/essays/.authors.yml",
        "docs/essays/images/avatars/ana-sousa.png", "docs/essays/index.md", "docs/essays/posts/a-first-essay.md",
        "docs/index.md", "docs/subscribe/confirmed.md", "docs/subscribe/thanks.md", "docs/subscribe/unsubscribed.md",
        "mkdocs.yml", "newsletter/README.md", "newsletter/templates/footer.mjml.j2", "overrides/README.md",
        "requirements.txt"]
    log = subprocess.run(["git", "log", "--format=%s"], cwd=started, capture_output=True, text=True, check=True)
    assert log.stdout == "A publication of my own (letterpress init)\n"
    ignored = (started / ".gitignore").read_text(encoding="utf-8").split()
    assert {"/site/", "/.cache/", "/.letterpress/", "*.sqlite3", "/newsletter/preview/"} <= set(ignored)


def test_the_config_is_the_authors_own(started):
    config = yaml.safe_load((started / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "Notes from the Kitchen Table"
    assert config["site_url"] == "https://ana.example.net/"
    options = next(p["letterpress"] for p in config["plugins"] if isinstance(p, dict) and "letterpress" in p)
    assert options["newsletter"]["since"].isoformat() == "2026-11-01"  # today, by the sample's clock
    assert options["newsletter"]["sender"] == "Notes from the Kitchen Table <ana@example.net>"
    assert options["service"]["url"] == "https://ana.example.net/service"
    assert options["service"]["allowed_origin"] == "https://ana.example.net"
    guid = options["podcast"]["guid"]
    assert len(guid) == 36 and guid.count("-") == 4
    authors = yaml.safe_load((started / "docs/essays/.authors.yml").read_text(encoding="utf-8"))
    assert authors["authors"]["ana-sousa"]["name"] == "Ana Sousa"
    footer = (started / "newsletter/templates/footer.mjml.j2").read_text(encoding="utf-8")
    assert "Thank you for reading Notes from the Kitchen Table." in footer


def test_two_publications_get_two_podcast_guids(tmp_path):
    for name in ("one", "two"):
        assert run(tmp_path, "init", name, *ANSWERS, "--no-git").returncode == 0
    guids = {yaml.safe_load((tmp_path / name / "mkdocs.yml").read_text(encoding="utf-8"))["plugins"][2]
             ["letterpress"]["podcast"]["guid"] for name in ("one", "two")}
    assert len(guids) == 2


def test_nothing_of_the_sample_is_left_in_it(started):
    found = []
    for path in sorted(started.rglob("*")):
        if path.is_file() and ".git" not in path.relative_to(started).parts:
            if path.suffix in (".jpg", ".png"):  # drawn from the answers (test_the_images_are_made_from_the_answers)
                continue
            text = path.read_text(encoding="utf-8")
            found += [f"{path.relative_to(started)}: {word}" for word in SAMPLE_WORDS if word in text]
    assert found == []


def test_the_images_are_made_from_the_answers(started):
    with Image.open(started / "docs/assets/podcast-artwork.jpg") as artwork:
        assert (artwork.format, artwork.mode, artwork.size) == ("JPEG", "RGB", (1400, 1400))
    with Image.open(started / "docs/essays/images/avatars/ana-sousa.png") as avatar:
        assert avatar.size == (128, 128)
    sample = REPO / "docs/assets/podcast-artwork.jpg"
    assert (started / "docs/assets/podcast-artwork.jpg").read_bytes() != sample.read_bytes()
    assert initials("Ana Sousa") == "AS" and initials("Zoë  de la O'Brien") == "ZO" and initials("Ana") == "A"


def test_the_new_publication_checks_builds_and_takes_a_new_essay(started):
    check = run(started, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.strip() == "ok: no errors."
    build = run(started, "build", "--site-dir", str(started.parent / "built"))
    assert build.returncode == 0, build.stderr
    home = (started.parent / "built/index.html").read_text(encoding="utf-8")
    assert '<h1 id="notes-from-the-kitchen-table">Notes from the Kitchen Table<a class="headerlink"' in home
    assert 'id="lp-subscribe-title">Letters from Notes from the Kitchen Table</h2>' in home
    assert (started.parent / "built/assets/letterpress/letterpress.css").is_file()  # found in the package
    new = run(started, "new", "On Waiting")
    assert new.returncode == 0 and "created docs/essays/posts/on-waiting.md" in new.stdout
    assert "authors: [ana-sousa]" in (started / "docs/essays/posts/on-waiting.md").read_text(encoding="utf-8")


def test_the_first_drafts_letter_renders(started):
    result = run(started, "newsletter", "render", "a-first-essay")
    assert result.returncode == 0, result.stdout + result.stderr
    html = (started / "newsletter/preview/a-first-essay.html").read_text(encoding="utf-8")
    assert "Thank you for reading Notes from the Kitchen Table." in html
    assert "Rua das Flores 12, 1200-195 Lisboa, Portugal" in html


def test_serve_shows_the_new_publication(started):
    with serving(started) as base:
        page = httpx.get(base + "/", timeout=30)
        essay = httpx.get(base + "/essays/a-first-essay/", timeout=30)
    assert page.status_code == 200 and "<title>Notes from the Kitchen Table</title>" in page.text
    assert essay.status_code == 200 and "Draft: visible only in your local preview." in essay.text


def test_hostile_answers_land_as_text(tmp_path):
    title = 'Notes: "{{ 7*7 }}" & <b>[[ x ]]</b> # *stars*'
    result = run(tmp_path, "init", "odd", "--title", title, "--url", "https://odd.example.net/x",
                 "--author", "Zoë O'Brien", "--email", "", "--postal-address", "", "--no-git")
    assert result.returncode == 0, result.stderr
    root = tmp_path / "odd"
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == title and config["site_url"] == "https://odd.example.net/x/"
    footer = (root / "newsletter/templates/footer.mjml.j2").read_text(encoding="utf-8")
    assert "Notes: &#34;&#123;&#123; 7*7 &#125;&#125;&#34; &amp; &lt;b&gt;[[ x ]]&lt;/b&gt; # *stars*." in footer
    assert run(root, "check").returncode == 0
    assert run(root, "build").returncode == 0
    home = lxml.html.parse(str(root / "site/index.html")).getroot()
    assert home.findtext(".//title") == title
    assert [h1.text for h1 in home.iter("h1")] == [title]
    assert home.find(".//b") is None


@pytest.mark.parametrize(("answers", "message"), [
    (("--title", "", "--url", "https://a.example.net", "--author", "Ana"), "--title: give one line of text"),
    (("--title", "T", "--url", "javascript:alert(1)", "--author", "Ana"), "--url: 'javascript:alert(1)' is not"),
    (("--title", "T", "--url", "https://a.example.net/?q=1", "--author", "Ana"), "is not a web address"),
    (("--title", "T", "--url", "https://a.example.net", "--author", "A\nB"), "--author: give one line"),
    (("--title", "T", "--url", "https://a.example.net", "--author", "Ana", "--email", "not-an-address"),
     "--email: 'not-an-address' is not an email address"),
])
def test_bad_answers_are_refused_and_nothing_is_written(tmp_path, answers, message):
    result = run(tmp_path, "init", "mine", *answers, "--email", "", "--postal-address", "", "--no-git") \
        if "--email" not in answers else run(tmp_path, "init", "mine", *answers, "--postal-address", "", "--no-git")
    assert result.returncode == 1 and message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_is_not_empty_is_refused(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full/notes.txt").write_text("mine")
    result = run(tmp_path, "init", "full", *ANSWERS)
    assert result.returncode == 1
    assert "full: exists and is not empty; letterpress init writes a new publication" in result.stderr
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["notes.txt"]


def test_a_folder_with_a_site_is_adopted_not_overwritten(tmp_path):
    (tmp_path / "blog").mkdir()
    (tmp_path / "blog/mkdocs.yml").write_text("site_name: Mine\n")
    result = run(tmp_path, "init", "blog", *ANSWERS)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "no Material theme" in result.stderr or "not a Material blog" in result.stderr, result.stderr
    assert (tmp_path / "blog/mkdocs.yml").read_text() == "site_name: Mine\n"


def test_a_new_publication_needs_a_folder_of_its_own(tmp_path):
    result = run(tmp_path, "init", *ANSWERS)
    assert result.returncode == 2 and "name the new publication's folder, e.g. `letterpress init my-essays`" \
        in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_dry_run_lists_the_files_and_writes_nothing(tmp_path):
    result = run(tmp_path, "init", "mine", *ANSWERS, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Dry run: nothing written; init would create mine with " in result.stdout
    assert "  mkdocs.yml\n" in result.stdout and "  docs/essays/.authors.yml\n" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_an_empty_folder_is_used(tmp_path):
    (tmp_path / "empty").mkdir()
    assert run(tmp_path, "init", "empty", *ANSWERS, "--no-git").returncode == 0
    assert (tmp_path / "empty/mkdocs.yml").is_file() and not (tmp_path / "empty/.git").exists()


def test_inside_another_repository_init_makes_no_nested_one_unless_told(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    refused = run(tmp_path, "init", "mine", *ANSWERS)
    assert refused.returncode == 1 and f"inside the git repository at {tmp_path}" in refused.stderr
    assert "pass --no-git" in refused.stderr and not (tmp_path / "mine").exists()
    written = run(tmp_path, "init", "mine", *ANSWERS, "--no-git")
    assert written.returncode == 0 and (tmp_path / "mine/mkdocs.yml").is_file()
    assert not (tmp_path / "mine/.git").exists()


def test_without_a_git_identity_the_files_are_written_and_it_says_how_to_commit(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {key: value for key, value in child_env(HOME=str(home), GIT_CONFIG_NOSYSTEM="1").items()
           if not key.startswith(("GIT_AUTHOR", "GIT_COMMITTER")) and key != "EMAIL"}
    result = run(tmp_path, "init", "mine", *ANSWERS, env=env)
    assert result.returncode == 0, result.stderr
    assert "git has no user.name and no user.email, so the files are staged but not committed" in result.stderr
    assert f'git -C {tmp_path / "mine"} commit -m "A publication of my own (letterpress init)"' in result.stderr
    status = subprocess.run(["git", "status", "--porcelain"], cwd=tmp_path / "mine", capture_output=True,
                            text=True, env=env, check=True)
    assert "A  mkdocs.yml" in status.stdout.splitlines()


def test_init_asks_when_not_told(tmp_path):
    answers = "Kitchen Table\nhttps://k.example.net\nAna Sousa\n\n\n"
    result = subprocess.run([str(Path(run.__globals__["BIN"]) / "letterpress"), "init", "asked", "--no-git"],
                            cwd=tmp_path, input=answers, capture_output=True, text=True, env=child_env(), check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The publication's title:" in result.stdout
    assert yaml.safe_load((tmp_path / "asked/mkdocs.yml").read_text(encoding="utf-8"))["site_name"] == "Kitchen Table"
