"""``letterpress serve``'s watcher and its Ctrl+C: rebuild for sources only, leave nothing behind.

The watcher is the real one (watchdog on the real file system) over a real
preview build of the minimal publication; the interrupt is a real SIGINT to
a ``letterpress serve`` process. Waits are bounded; none is a timing assertion.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from browser_helpers import free_port
from letterpress.site.serve import Preview, watch
from run_options import PREVIEW, child_env

WAIT_SECONDS = 60  # the most any wait below may take


def wait_until(condition, what: str, seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {seconds} s waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def watched(minimal_publication, tmp_path):
    """The minimal publication built for preview, with the serve watcher running on it."""
    preview = Preview(minimal_publication, tmp_path / "preview" / "site", PREVIEW)
    preview.build()
    observer, watcher = watch(minimal_publication, preview)
    yield minimal_publication, preview, watcher
    observer.stop()
    observer.join()
    preview.stop()


def test_a_log_or_stray_folder_in_the_publication_root_does_not_rebuild(watched):
    root, preview, watcher = watched
    log = root / "serve.log"
    for number in range(20):  # `letterpress serve > serve.log` writes while it serves
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"line {number}\n")
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("an old build", encoding="utf-8")
    # mkdocs.yml is seen through the same watch as the log, so its event comes after the log's.
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    wait_until(lambda: preview.builds >= 2, "the rebuild after mkdocs.yml changed")
    assert set(watcher.changes) == {str(config)}, "something other than mkdocs.yml asked for a rebuild"


def test_an_edit_to_an_essay_rebuilds_the_preview(watched):
    root, preview, watcher = watched
    essay = root / "docs/essays/posts/good.md"
    essay.write_text(essay.read_text(encoding="utf-8").replace("A paragraph of text.", "An edited paragraph."),
                     encoding="utf-8")
    wait_until(lambda: preview.builds >= 2, "the rebuild after the essay changed")
    assert str(essay) in watcher.changes
    assert "An edited paragraph." in (preview.site_dir / "essays/a-good-essay/index.html").read_text(encoding="utf-8")


HOLD_HOOK = """\
import time
from pathlib import Path

HOLD, HELD = Path({hold!r}), Path({held!r})


def on_pre_build(config):
    # While HOLD exists, a build says so (HELD) and waits, bounded, until the test lets it go.
    if HOLD.exists():
        HELD.touch()
        deadline = time.monotonic() + 60
        while HOLD.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
"""


def test_ctrl_c_during_a_rebuild_stops_cleanly_and_removes_the_build(minimal_publication, tmp_path):
    temporary = tmp_path / "tmp"  # the process's TMPDIR: whatever it leaves is in here
    temporary.mkdir()
    # A hook holds the rebuild until the interrupt has been seen: it lands during the rebuild, always.
    hold, held = tmp_path / "hold", tmp_path / "held"
    (minimal_publication / "hold_hook.py").write_text(HOLD_HOOK.format(hold=str(hold), held=str(held)),
                                                      encoding="utf-8")
    config = minimal_publication / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - hold_hook.py\n", encoding="utf-8")
    log = minimal_publication / "serve.log"  # as in `letterpress serve > serve.log 2>&1`
    port = free_port()
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "letterpress"), "serve", "--port", str(port)],
            cwd=minimal_publication, stdout=output, stderr=subprocess.STDOUT,
            env=child_env(TMPDIR=str(temporary), PYTHONUNBUFFERED="1"))
    try:
        def logged(text: str) -> bool:
            return text in log.read_text(encoding="utf-8") or process.poll() is not None

        wait_until(lambda: logged("Serving the site at"), "the server to start")
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200
        hold.touch()
        essay = minimal_publication / "docs/essays/posts/good.md"
        essay.write_text(essay.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
        wait_until(lambda: held.exists() or process.poll() is not None, "the rebuild to start and be held")
        process.send_signal(signal.SIGINT)
        wait_until(lambda: logged("stopping…"), "the interrupt to be seen")
        hold.unlink()
        process.wait(timeout=WAIT_SECONDS)
    finally:
        hold.unlink(missing_ok=True)
        if process.poll() is None:
            process.kill()
            process.wait()
    output = log.read_text(encoding="utf-8")
    assert process.returncode == 0, output
    assert "Traceback" not in output, output
    lines = output.splitlines()
    rebuilds = [line for line in lines if "rebuilding" in line]
    assert rebuilds == [f"{essay} changed; rebuilding…"], "the log in the root made it rebuild:\n" + output
    assert lines.index(rebuilds[0]) < lines.index("stopping…") < lines.index("rebuilt; open pages reload"), \
        "the interrupt did not come during the rebuild:\n" + output
    assert not list(temporary.iterdir()), f"left behind: {sorted(p.name for p in temporary.iterdir())}"
