"""``letterpress serve``: build, serve with HTTP Range support, rebuild on change.

MkDocs' own dev server answers every request with the whole file (no
``Range``), so a browser cannot seek in a narration it has not fully loaded
and chapter links fail. Starlette's static files answer ranges with 206; we
build the site into a temporary folder and serve that.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from ..errors import LetterpressError
from .build import build_into
from .plugin import LIVE_RELOAD, PREVIEW_DRAFTS

BUILD_PATH = "/__letterpress/build"
WATCHED = ("docs", "overrides", "newsletter/templates", "mkdocs.yml")
# Web podcast players fetch chapters and transcripts from other origins.
CORS_SUFFIXES = ("chapters.json", ".html", "/", ".xml", ".json")


class CorsForFeedsMiddleware:
    """Add ``Access-Control-Allow-Origin: *`` to feeds, chapters and transcripts."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].endswith(CORS_SUFFIXES):
            return await self.app(scope, receive, send)

        async def send_with_cors(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"access-control-allow-origin", b"*")]
            await send(message)

        return await self.app(scope, receive, send_with_cors)


class BuildCounter:
    """How many builds have finished; pages poll it to reload after a rebuild."""

    def __init__(self):
        self.value = 1

    async def endpoint(self, request):
        return PlainTextResponse(str(self.value), headers={"cache-control": "no-store"})


def make_app(site_dir: Path, builds: BuildCounter | None = None) -> Starlette:
    """An ASGI app serving ``site_dir`` (index.html for folders, 206 for ranges)."""
    builds = builds or BuildCounter()
    return Starlette(
        routes=[Route(BUILD_PATH, builds.endpoint),
                Mount("/", app=StaticFiles(directory=site_dir, html=True), name="site")],
        middleware=[Middleware(CorsForFeedsMiddleware)],
    )


class _Rebuilder(FileSystemEventHandler):
    """Rebuild into a fresh folder after changes; keep serving the last good build."""

    def __init__(self, root: Path, site_dir: Path, builds: BuildCounter):
        self.root, self.site_dir, self.builds = root, site_dir, builds
        self.timer: threading.Timer | None = None

    def on_any_event(self, event):
        if event.event_type in ("opened", "closed_no_write") or "/site" in str(event.src_path):
            return
        if self.timer:
            self.timer.cancel()
        self.timer = threading.Timer(0.3, self.rebuild)
        self.timer.start()

    def rebuild(self):
        try:
            build_into(self.root, self.site_dir)
        except LetterpressError as error:
            print(f"not rebuilt (the last good build is still served):\n{error}", file=sys.stderr, flush=True)
            return
        self.builds.value += 1
        print("rebuilt; open pages reload", file=sys.stderr, flush=True)


def serve_publication(root: Path, host: str = "127.0.0.1", port: int = 8000, drafts: bool = True) -> None:
    """Build the publication and serve it until interrupted."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    if drafts:
        os.environ[PREVIEW_DRAFTS] = "1"
    os.environ[LIVE_RELOAD] = BUILD_PATH
    with tempfile.TemporaryDirectory(prefix="letterpress-serve-") as folder:
        site_dir, builds = Path(folder), BuildCounter()
        build_into(root, site_dir)
        write_email_previews(root)
        observer = _watch(root, site_dir, builds)
        print(f"Serving the site at http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
        try:
            uvicorn.run(make_app(site_dir, builds), host=host, port=port, log_level="warning")
        finally:
            observer.stop()


def write_email_previews(root: Path) -> None:
    """Every essay's email as HTML, text and .eml in newsletter/preview/, to open beside the site."""
    from ..newsletter.preview import write_preview
    from ..publication import load_publication
    from .loader import load_settings

    publication = load_publication(load_settings(root))
    target = root / "newsletter" / "preview"
    for essay in publication.essays:
        try:
            write_preview(publication, essay, target)
        except LetterpressError as error:  # a broken letter must not stop the preview of the site
            print(f"no email preview for {essay.slug}: {error}", file=sys.stderr, flush=True)
    print(f"Email previews: {target.relative_to(root)}/ (and /newsletter/ on the site)", flush=True)


def _watch(root: Path, site_dir: Path, builds: BuildCounter) -> Observer:
    observer = Observer()
    handler = _Rebuilder(root, site_dir, builds)
    for name in WATCHED:
        path = root / name
        if path.is_dir():
            observer.schedule(handler, str(path), recursive=True)
        elif path.is_file():
            observer.schedule(handler, str(root), recursive=False)
    observer.start()
    return observer
