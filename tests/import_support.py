"""What the import tests share: a local HTTP server with the files an export points at, and the exports."""

from __future__ import annotations

import threading
import zipfile
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "import"
GOLDEN = Path(__file__).parent / "golden" / "import"
TOKEN = "__SERVER__"


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


def with_server(path: Path, base: str, target: Path) -> Path:
    """A copy of the text fixture at ``path`` with its ``__SERVER__`` addresses pointing at ``base``."""
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

    with contextlib.chdir(root):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but the subscriber store (relative path -> content), to show nothing was written.

    The store is compared by its rows (SQLite's own files change when it is only opened).
    """
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file() and ".sqlite3" not in path.name}


def publication(target: Path) -> Path:
    """A copy of tests/fixtures/minimal (one essay, author julia) at ``target``, using the repository's overrides/."""
    import shutil

    shutil.copytree(Path(__file__).parent / "fixtures" / "minimal", target)
    config = target / "mkdocs.yml"
    repo = Path(__file__).resolve().parent.parent
    config.write_text(config.read_text().replace("../../../overrides", str(repo / "overrides")))
    return target


def front_matter(path: Path) -> dict:
    """The front matter of the essay at ``path``, read by the model's own reader."""
    from letterpress.model.frontmatter import read_text, split

    return split(read_text(path.read_bytes(), str(path)), str(path)).meta


def check_golden(text: str, golden: Path, update: bool) -> None:
    """``text`` equals the golden file (rewritten first with --update-golden)."""
    if update:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text)
    assert text == golden.read_text(), f"{golden.name} differs; review and run pytest --update-golden"
