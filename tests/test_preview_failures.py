"""A preview rebuild that fails keeps the last good site and says why, whatever failed inside the engine.

Real in-process MkDocs builds of the minimal publication, one after another in this process, as
``letterpress serve`` runs them; no timing is asserted.
"""

from __future__ import annotations

import threading
import time

import pytest
import uvicorn

from browser_helpers import free_port, in_thread
from letterpress.site.serve import Preview, make_app, watch
from run_options import PREVIEW

BROKEN_HOOK = """from mkdocs.exceptions import PluginError


def on_config(config):
    raise PluginError("the hook is broken on purpose")
"""


def add_broken_hook(root) -> None:
    (root / "broken_hook.py").write_text(BROKEN_HOOK, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - broken_hook.py\n", encoding="utf-8")


def test_a_build_that_fails_before_the_blog_writes_names_its_own_error(minimal_publication, tmp_path, capsys):
    # MkDocs keeps one instance of Material's blog plugin per process; its temporary folder, removed by
    # the shutdown after the first build, was never made again, so this failure ended in a
    # FileNotFoundError from the second shutdown, raised out of the rebuild's thread: a stale preview.
    preview = Preview(minimal_publication, tmp_path / "preview" / "site", PREVIEW)
    preview.build()
    page = (tmp_path / "preview" / "site" / "index.html").read_text(encoding="utf-8")
    add_broken_hook(minimal_publication)
    preview._rebuild("mkdocs.yml")
    err = capsys.readouterr().err
    assert "the hook is broken on purpose" in err, err
    assert "not rebuilt (the last good build is still served)" in err
    assert "FileNotFoundError" not in err
    assert (tmp_path / "preview" / "site" / "index.html").read_text(encoding="utf-8") == page
    assert preview.builds == 1


def test_an_engine_crash_is_a_problem_in_the_terminal_not_a_dead_thread(minimal_publication, tmp_path, capsys,
                                                                        monkeypatch):
    preview = Preview(minimal_publication, tmp_path / "preview" / "site", PREVIEW)
    preview.build()

    def crash(*args, **kwargs):
        raise KeyError("a bug inside the engine")

    monkeypatch.setattr("letterpress.site.serve.build_and_swap", crash)
    preview._rebuild("docs/essays/posts/good.md")
    err = capsys.readouterr().err
    assert "not rebuilt (the last good build is still served)" in err
    assert "the site engine failed: KeyError: 'a bug inside the engine'" in err, err
    assert preview.builds == 1


def test_saves_during_a_rebuild_coalesce_into_one_more(minimal_publication, tmp_path, monkeypatch):
    preview = Preview(minimal_publication, tmp_path / "preview" / "site", PREVIEW)
    preview.build()
    from letterpress.site import serve

    real, entered, release = serve.build_and_swap, threading.Event(), threading.Event()
    builds: list[int] = []

    def held(*args, **kwargs):
        builds.append(1)
        if len(builds) == 1:
            entered.set()
            assert release.wait(60), "the test never released the first rebuild"
        return real(*args, **kwargs)

    monkeypatch.setattr(serve, "build_and_swap", held)
    first = threading.Thread(target=preview._rebuild, args=("a.md",))
    first.start()
    assert entered.wait(60), "the first rebuild never started"
    for name in ("b.md", "c.md", "d.md", "e.md"):  # four saves while it runs: their timers fire
        preview._rebuild(name)
    release.set()
    first.join(60)
    assert not first.is_alive()
    assert len(builds) == 2  # the running one, then one more for all four saves
    assert preview.builds == 3


# -- in the browser: the failure over the page, gone with the next good rebuild ---------------------------

GOOD = "docs/essays/posts/good.md"


@pytest.mark.browser
@pytest.mark.parametrize(("broken", "expected"), [
    ("---\ntitle: A Good Essay\ndescription: It has everything an essay needs.\ndate: 2025-08-09\n"
     "authors: [julia]\n---\n\nA paragraph of text. TK: the ending.\n",
     "docs/essays/posts/good.md:8: 'TK' marker left in the text; finish or remove it (or keep the essay a "
     "draft: 'draft: true')."),
    ("---\ntitle: [A Good Essay\ndescription: It has everything.\n---\n\nA paragraph of text.\n",
     "docs/essays/posts/good.md"),
])
def test_a_failed_rebuild_shows_over_the_page_until_a_good_one(minimal_publication, tmp_path, browser, broken,
                                                                expected):
    preview = Preview(minimal_publication, tmp_path / "preview" / "site", PREVIEW)
    preview.build()
    essay = minimal_publication / GOOD
    good = essay.read_text(encoding="utf-8")
    config = uvicorn.Config(make_app(preview), host="127.0.0.1", port=free_port(), lifespan="off",
                            log_level="warning")
    with in_thread(config) as base_url:
        page = browser.new_page()
        page.goto(base_url + "/")
        essay.write_text(broken, encoding="utf-8")
        preview._rebuild(GOOD)
        overlay = page.wait_for_selector("#lp-problems", timeout=20_000)
        shown = overlay.inner_text()
        assert shown.startswith("Not rebuilt: this is the last good build. Fix this, then save:")
        assert expected in shown, shown
        assert preview.problems and all(line in shown for line in preview.problems)
        page.screenshot(path=str(tmp_path / "overlay.png"))
        essay.write_text(good, encoding="utf-8")
        preview._rebuild(GOOD)
        page.wait_for_selector("#lp-problems", state="detached", timeout=20_000)
        assert preview.problems == []
        page.close()


# -- the race the preview once lost: sources removed and edited while it rebuilds ---------------------------

def wait_until(condition, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {seconds} s waiting for {what}")
        time.sleep(0.05)


def test_removing_essays_and_editing_the_authors_during_rebuilds_ends_on_the_new_state(minimal_publication,
                                                                                       tmp_path, capsys):
    root = minimal_publication
    posts, authors = root / "docs/essays/posts", root / "docs/essays/.authors.yml"
    good = (posts / "good.md").read_text(encoding="utf-8")
    for number in range(1, 5):
        (posts / f"extra-{number}.md").write_text(good.replace("A Good Essay", f"Extra Essay {number}"),
                                                  encoding="utf-8")
    preview = Preview(root, tmp_path / "preview" / "site", PREVIEW)
    preview.build()
    site = preview.site_dir
    assert (site / "essays/extra-essay-4/index.html").is_file()
    observer, _ = watch(root, preview)
    try:
        for number in range(1, 5):  # each round lands during the rebuild the round before started
            authors.write_text(authors.read_text(encoding="utf-8").replace(
                "writes about attention", f"writes about round {number}").replace(
                f"writes about round {number - 1}", f"writes about round {number}"), encoding="utf-8")
            (posts / f"extra-{number}.md").unlink()
            time.sleep(0.3)

        def on_the_new_state() -> bool:
            page = site / "essays/a-good-essay/index.html"
            return (not any((site / f"essays/extra-essay-{n}").exists() for n in range(1, 5))
                    and page.is_file() and "writes about round 4" in page.read_text(encoding="utf-8"))

        wait_until(on_the_new_state, "the preview to show the essays removed and the authors edited")
    finally:
        observer.stop()
        observer.join()
        preview.stop()
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    # A rebuild that met a file half gone may say so; the one after it, for that change, builds.
    outcomes = [line for line in err.splitlines() if line.startswith(("rebuilt", "not rebuilt"))]
    assert outcomes and outcomes[-1] == "rebuilt; open pages reload", err
    assert preview.problems == []


# -- the email previews follow the essays ------------------------------------------------------------------

def preview_files(root) -> set[str]:
    return {path.name for path in (root / "newsletter/preview").iterdir()}


SAMPLE_PREVIEWS = {f"{slug}{suffix}" for slug in ("small-rituals", "the-art-of-staying", "the-listening-hour",
                                                   "the-year-ahead", "an-unfinished-letter")
                   for suffix in (".html", ".txt", ".eml")}


def test_the_email_previews_follow_the_essays(publication_copy):
    from letterpress.model.publication import load_publication
    from letterpress.site.loader import load_settings
    from letterpress.site.previews import EmailPreviews
    from run_options import SAMPLE

    root = publication_copy
    posts = root / "docs/essays/posts"
    (root / "newsletter/preview").mkdir(parents=True, exist_ok=True)
    (root / "newsletter/preview/an-essay-removed-before.eml").write_bytes(b"from an earlier session\n")

    def update() -> int:
        return previews.update(load_publication(load_settings(root), SAMPLE))

    previews = EmailPreviews(root)
    assert update() == 5
    assert preview_files(root) == SAMPLE_PREVIEWS  # the earlier session's file is gone
    assert update() == 0  # nothing changed: nothing written
    rituals = (posts / "small-rituals.md").read_text(encoding="utf-8")
    (posts / "copy.md").write_text(rituals.replace("title: Small Rituals", "title: A Copy"), encoding="utf-8")
    assert update() == 1  # the new essay only
    assert "a-copy.eml" in preview_files(root)
    (posts / "copy.md").unlink()
    (posts / "small-rituals.md").write_text(rituals + "\nA sentence added.\n", encoding="utf-8")
    assert update() == 1
    assert "A sentence added." in (root / "newsletter/preview/small-rituals.txt").read_text(encoding="utf-8")
    assert preview_files(root) == SAMPLE_PREVIEWS  # the removed essay's files went with it
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert update() == 5  # the config shapes every letter: all of them again
