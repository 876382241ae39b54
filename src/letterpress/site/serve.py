"""``letterpress serve``: build, serve with HTTP Range support, rebuild on change.

MkDocs' own dev server answers every request with the whole file (no
``Range``), so a browser cannot seek in a narration it has not fully loaded
and chapter links fail. Starlette's static files answer ranges with 206; we
build the site into a temporary folder and serve that.

The preview holds drafts, so it answers only requests addressed to a loopback
name (or to ``--host``): a web page the author visits cannot reach it by DNS
rebinding. Other origins may read the feeds, chapters and published essay
pages (web podcast players fetch them), nothing else.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from ..errors import LetterpressError
from ..feeds.entries import CHAPTERS_NAME
from ..model.layout import FEEDS
from ..model.options import RunOptions
from ..model.publication import Publication
from ..model.settings import CONFIG_FILE
from .build import build_and_swap, read_checked
from .options import BuildOptions
from .previews import EmailPreviews

BUILD_PATH = "/__letterpress/build"
PROBLEMS_PATH = "/__letterpress/problems"  # the last rebuild's problems, one line each (JSON); [] when it built
PREVIEW = BuildOptions(live_reload=BUILD_PATH)  # drafts as the run's options say (serve's --drafts)
# What the site is made of; mkdocs.yml is watched by name (the root holds logs, site/, .git).
SOURCE_DIRS = ("docs", "overrides", "newsletter/templates")
IGNORED_EVENTS = ("opened", "closed_no_write")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
QUIET_SECONDS = 0.3  # an editor's save is several events: rebuild once they stop


def shared_paths(publication: Publication) -> frozenset[str]:
    """URL paths other origins may read: the feeds, and each published essay's page and chapters.

    Web podcast players fetch chapters and transcripts (the essay page is the
    transcript) from other sites; drafts and everything else stay same-origin.
    """
    layout = publication.settings.layout
    paths = list(FEEDS)
    for essay in publication.published():
        page = layout.essay(essay)
        paths += [unquote(page.url), page.file, layout.essay_file(essay, CHAPTERS_NAME).file]
    return frozenset("/" + path for path in paths)


class Preview:
    """The previewed site: its folder, how many builds finished, what other origins may read.

    Each build reads ``root`` for a run with ``run_options`` (drafts: ``--drafts``), and its
    pages poll :data:`BUILD_PATH` to reload.
    """

    def __init__(self, root: Path, site_dir: Path, run_options: RunOptions, engine: str | None = None):
        self.root, self.site_dir, self.engine = root, site_dir, engine
        self.run_options = run_options
        self.builds = 0
        self.publication: Publication | None = None  # as the last good build read it
        self.shared: frozenset[str] = frozenset()
        self._lock = threading.Lock()  # held while a build writes into the folder
        self._timer: threading.Timer | None = None
        self._stopped = False
        self._queue = threading.Lock()  # guards the two below
        self._rebuilding = False  # a rebuild is running (or about to)
        self._again = ""  # what changed while it ran: one more rebuild follows for all of it
        self.problems: list[str] = []  # why the last rebuild failed, as `check` prints it; [] after a good one
        self.after_build: Callable[[Publication], object] | None = None  # e.g. the email previews' update

    def adopt(self, publication: Publication) -> None:
        """Count one more finished build, of ``publication``."""
        self.publication = publication
        self.shared = shared_paths(publication)
        self.problems = []
        self.builds += 1

    def last_built(self) -> Publication:
        """The publication of the last good build (there has been one)."""
        if self.publication is None:
            raise LetterpressError("the preview has not been built yet.")
        return self.publication

    def build(self) -> None:
        """Build and swap the new site in; on an error the last good build stays (and it is raised)."""
        with self._lock:
            if not self._stopped:
                publication = read_checked(self.root, self.run_options)
                self.adopt(build_and_swap(publication, self.site_dir, engine=self.engine, options=PREVIEW))

    def rebuild_soon(self, reason: str) -> None:
        """Rebuild once changes have stopped for a moment; ``reason`` is the path that changed."""
        if self._stopped:
            return
        if self._timer:
            self._timer.cancel()
        self._timer = threading.Timer(QUIET_SECONDS, self._rebuild, args=(reason,))
        self._timer.daemon = True
        self._timer.start()

    def stop(self) -> None:
        """No more rebuilds; returns once a build under way has finished, so the folder can go."""
        self._stopped = True
        if self._timer:
            self._timer.cancel()
        with self._lock:
            pass

    async def build_count(self, request):
        return PlainTextResponse(str(self.builds), headers={"cache-control": "no-store"})

    async def build_problems(self, request):
        return JSONResponse(self.problems, headers={"cache-control": "no-store"})

    def _rebuild(self, reason: str) -> None:
        """Rebuild for ``reason``; saves that arrive meanwhile make one more rebuild, not one each."""
        with self._queue:
            if self._rebuilding:
                self._again = self._again or reason
                return
            self._rebuilding = True
        while reason:
            self._rebuild_once(reason)
            with self._queue:
                reason, self._again = ("" if self._stopped else self._again), ""
                self._rebuilding = bool(reason)

    def _rebuild_once(self, reason: str) -> None:
        print(f"{reason} changed; rebuilding…", file=sys.stderr, flush=True)
        try:
            self.build()
        except LetterpressError as error:
            self._not_rebuilt(str(error))
            return
        except Exception as error:  # a bug inside the engine: the preview goes on, and says so
            self._not_rebuilt(f"the site engine failed: {type(error).__name__}: {error}")
            return
        print("rebuilt; open pages reload", file=sys.stderr, flush=True)
        if self.after_build is not None:
            try:
                self.after_build(self.last_built())
            except Exception as error:  # the site is rebuilt all the same; say what else did not follow
                print(f"the email previews did not follow: {type(error).__name__}: {error}", file=sys.stderr,
                      flush=True)

    def _not_rebuilt(self, message: str) -> None:
        self.problems = [line for line in message.splitlines() if line.strip()]
        print(f"not rebuilt (the last good build is still served):\n{message}", file=sys.stderr, flush=True)


class CorsForSharedMiddleware:
    """Add ``Access-Control-Allow-Origin: *`` to the paths the preview shares (:func:`shared_paths`)."""

    def __init__(self, app, preview: Preview):
        self.app, self.preview = app, preview

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] not in self.preview.shared:
            return await self.app(scope, receive, send)

        async def send_with_cors(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"access-control-allow-origin", b"*")]
            await send(message)

        return await self.app(scope, receive, send_with_cors)


def make_app(preview: Preview, host: str = "127.0.0.1") -> Starlette:
    """An ASGI app serving ``preview.site_dir`` (index.html for folders, 206 for ranges).

    Args:
        preview: the site; its ``shared`` paths get CORS, its build count is at BUILD_PATH.
        host: the address served besides the loopback names; other ``Host`` headers get 400.
    """
    return Starlette(
        routes=[Route(BUILD_PATH, preview.build_count), Route(PROBLEMS_PATH, preview.build_problems),
                Mount("/", app=StaticFiles(directory=preview.site_dir, html=True), name="site")],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=[*LOOPBACK_HOSTS, host]),
                    Middleware(CorsForSharedMiddleware, preview=preview)],
    )


class SourceWatcher(FileSystemEventHandler):
    """Asks the preview to rebuild after a change to the publication's sources, and nothing else."""

    def __init__(self, root: Path, preview: Preview):
        self.sources = [root / name for name in SOURCE_DIRS]
        self.config_file = root / CONFIG_FILE
        self.preview = preview
        self.changes: deque[str] = deque(maxlen=100)  # the paths that asked for a rebuild, newest last

    def on_any_event(self, event):
        path = self.source_path(event)
        if path is not None:
            self.changes.append(path)
            self.preview.rebuild_soon(path)

    def source_path(self, event) -> str | None:
        """The source file or folder ``event`` changed, or None (another file, or only read)."""
        if event.event_type in IGNORED_EVENTS or (event.is_directory and event.event_type == "modified"):
            return None  # read, not written; or a folder whose entries changed (they say so themselves)
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            path = os.fsdecode(raw)
            if path and self.is_source(Path(path)):
                return path
        return None

    def is_source(self, path: Path) -> bool:
        return path == self.config_file or any(path.is_relative_to(folder) for folder in self.sources)


def watch(root: Path, preview: Preview) -> tuple[BaseObserver, SourceWatcher]:
    """Start watching ``root``'s sources for ``preview``; stop the returned observer when done."""
    observer, watcher = Observer(), SourceWatcher(root, preview)
    for folder in watcher.sources:
        if folder.is_dir():
            observer.schedule(watcher, str(folder), recursive=True)
    # Not recursive, and filtered by name: a log written here must not rebuild.
    observer.schedule(watcher, str(root), recursive=False)
    observer.start()
    return observer, watcher


def serve_publication(root: Path, run_options: RunOptions, host: str = "127.0.0.1", port: int = 8000,
                      engine: str | None = None) -> None:
    """Build the publication (with ``engine``, default its setting) and serve it until Ctrl+C.

    ``run_options``: the command's (drafts are shown when they say so); the environment is left alone.
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    folder = Path(tempfile.mkdtemp(prefix="letterpress-serve-"))
    preview = Preview(root, folder / "site", run_options, engine)
    try:
        preview.build()
        previews = EmailPreviews(root)
        previews.update(preview.last_built())
        print(f"Email previews: {previews.target.relative_to(root)}/ (and /newsletter/ on the site)", flush=True)
        preview.after_build = previews.update  # each rebuild writes the letters it changed, removes the gone
        _run(preview, host, port)  # returns on Ctrl+C (uvicorn handles it)
    except KeyboardInterrupt:  # Ctrl+C before the server started
        pass
    finally:
        print("stopping…", file=sys.stderr, flush=True)
        preview.stop()  # a rebuild under way would write into the folder being removed
        shutil.rmtree(folder, ignore_errors=True)


def _run(preview: Preview, host: str, port: int) -> None:
    observer, _ = watch(preview.root, preview)
    print(f"Serving the site at http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    try:
        uvicorn.run(make_app(preview, host), host=host, port=port, log_level="warning")
    finally:
        observer.stop()
        observer.join()
