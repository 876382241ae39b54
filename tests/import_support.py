"""What the import tests share: a local HTTP server with the files an export points at, and the exports."""

from __future__ import annotations

import threading
import zipfile
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from scratch_publication import minimal_copy

publication = minimal_copy  # the import tests' name for it: a fresh copy of tests/fixtures/minimal
FIXTURES = Path(__file__).parent / "fixtures" / "import"
GOLDEN = Path(__file__).parent / "golden" / "import"
TOKEN = "__SERVER__"
POSTS = Path("docs/essays/posts")
# The last line of an import that had problems (it exits 1).
FAILED = ("exit status 1, for the problems above: what could be written was written; each problem names what is "
          "left to do by hand.\n")


def routes() -> dict[str, tuple[int, str, bytes, dict[str, str]]]:
    """path -> (status, content type, body, extra headers) of the fixtures' server."""
    files = FIXTURES / "files"
    mp3 = (Path(__file__).parent / "fixtures" / "short.mp3").read_bytes()
    table = {
        "/images/lamp.png": (200, "image/png", (files / "lamp.png").read_bytes(), {}),
        "/images/window.jpg": (200, "image/jpeg", (files / "window.jpg").read_bytes(), {}),
        "/content/images/2023/05/lamp.png": (200, "image/png", (files / "lamp.png").read_bytes(), {}),
        "/content/images/2023/05/window.jpg": (200, "image/jpeg", (files / "window.jpg").read_bytes(), {}),
        "/audio/quiet-hour.mp3": (200, "audio/mpeg", mp3, {}),
        "/audio/not-a-recording.mp3": (200, "audio/mpeg", b"this is text, not sound\n" * 20, {}),
        "/to-file": (302, "text/plain", b"", {"Location": "file:///etc/passwd"}),
        "/loop": (302, "text/plain", b"", {"Location": "/loop"}),
        "/to-lamp": (301, "text/plain", b"", {"Location": "/images/lamp.png"}),
    }
    for page in (FIXTURES / "pages").glob("*.html") if (FIXTURES / "pages").is_dir() else ():
        table[f"/pages/{page.name}"] = (200, "text/html; charset=utf-8", page.read_bytes(), {})
    table["/feed.xml"] = (200, "application/rss+xml", (FIXTURES / "feed" / "rss.xml").read_bytes(), {})
    table["/sitemap.xml"] = (200, "application/xml", (FIXTURES / "pages" / "sitemap.xml").read_bytes(), {})
    return table


@contextmanager
def fixture_server():
    """Serve :func:`routes` on 127.0.0.1 (a free port); yield the base URL, e.g. ``http://127.0.0.1:4711``."""
    table = routes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            status, kind, body, headers = table.get(self.path.split("?")[0], (404, "text/plain", b"not found", {}))
            body = body.replace(TOKEN.encode(), base.encode())
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def substack_zip(target: Path, base: str, folder: Path = FIXTURES / "substack") -> Path:
    """The Substack fixture as an export zip, its ``__SERVER__`` addresses pointing at ``base``."""
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.writestr(path.relative_to(folder).as_posix(), path.read_text().replace(TOKEN, base))
    return target


def with_server(path: Path, base: str, folder: Path) -> Path:
    """A copy in ``folder`` of the text fixture at ``path``, its ``__SERVER__`` addresses pointing at ``base``."""
    target = folder / path.name
    target.write_text(path.read_text().replace(TOKEN, base))
    return target


def imported_text(text: str, base: str) -> str:
    """An imported file's text with the server's address as the fixture writes it (for golden files)."""
    return text.replace(base, TOKEN)


def run(root: Path, *args: str):
    """``letterpress ARGS`` run in ``root`` (in this process, through click's runner)."""
    import contextlib

    from click.testing import CliRunner

    from letterpress.cli import cli
    from run_options import SAMPLE_ENV

    with contextlib.chdir(root):
        return CliRunner(env=SAMPLE_ENV).invoke(cli, list(args), catch_exceptions=False)


def imported_into(folder: Path, *args: str, problems: int = 0):
    """A fresh :func:`publication` at ``folder/pub`` after ``letterpress import ARGS``: (root, result).

    The import succeeded, or (``problems``) wrote what it could, named that many problems and exited 1.
    """
    root = publication(folder / "pub")
    result = run(root, "import", *args)
    assert result.exit_code == (1 if problems else 0), result.output
    if problems:
        assert f" {problems} problems.\n" in result.output, result.output
        assert result.output.endswith(FAILED), result.output
    return root, result


def build(root: Path, site: Path) -> Path:
    """``site``, into which ``letterpress build`` built the publication at ``root`` (it must succeed)."""
    result = run(root, "build", "--site-dir", str(site))
    assert result.exit_code == 0, result.output
    return site


def refused(root: Path, *args: str) -> str:
    """The one line ``letterpress ARGS`` refuses with (exit status 1), having written nothing under ``root``."""
    before = snapshot(root)
    result = run(root, *args)
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1, result.output
    assert snapshot(root) == before
    return lines[0]


def refused_export(root: Path, source: str, export: Path, content: str | None, *options: str) -> str:
    """The line ``letterpress import SOURCE EXPORT OPTIONS`` refuses ``export`` with (as :func:`refused`), once
    ``content`` is written there (None: no such file); the line names the export first."""
    if content is not None:
        export.write_text(content)
    line = refused(root, "import", source, str(export), *options)
    assert line.startswith(f"error: {export}: "), line
    return line


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but the subscriber store (relative path -> content), to show nothing was written.

    The store is compared by its rows (SQLite's own files change when it is only opened).
    """
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file() and ".sqlite3" not in path.name}


def front_matter(path: Path) -> dict:
    """The front matter of the essay at ``path``, read by the model's own reader."""
    from letterpress.model.frontmatter import read_text, split

    return split(read_text(path.read_bytes(), str(path)), str(path)).meta


def meta(root: Path, name: str) -> dict:
    """The front matter of the imported essay ``name`` (``docs/essays/posts/NAME``) of the publication at ``root``."""
    return front_matter(root / POSTS / name)


def essay_names(root: Path) -> list[str]:
    """The file names of the essays of the publication at ``root`` (``docs/essays/posts/*.md``), sorted."""
    return sorted(path.name for path in (root / POSTS).glob("*.md"))


def golden_essay(root: Path, source: str, name: str, base: str, update: bool) -> str:
    """The text of the imported essay ``name``, the server's address ``base`` as the fixture writes it, once it
    equals the golden file ``tests/golden/import/SOURCE/NAME`` (rewritten first with --update-golden)."""
    text = imported_text((root / POSTS / name).read_text(), base)
    check_golden(text, GOLDEN / source / name, update)
    return text


def import_again(root: Path, *args: str) -> str:
    """The output of ``letterpress import ARGS`` run again at ``root``: it succeeds, doing and writing nothing."""
    before = snapshot(root)
    result = run(root, "import", *args)
    assert result.exit_code == 0 and "nothing to do" in result.output, result.output
    assert snapshot(root) == before
    return result.output


def check_golden(text: str, golden: Path, update: bool) -> None:
    """``text`` equals the golden file (rewritten first with --update-golden)."""
    if update:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text)
    assert text == golden.read_text(), f"{golden.name} differs; review and run pytest --update-golden"
