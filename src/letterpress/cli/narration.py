"""``letterpress narration``: the narration aligned to its essay's text."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import LetterpressError

LONG_RECORDING = 120.0  # seconds: a progress bar from here on


@click.group()
def narration():
    """Align each essay's narration to its text (chapters, transcripts)."""


@narration.command()
@click.argument("slug", required=False)
@click.option("--all", "every", is_flag=True, help="Align every essay that has a narration.")
@click.option("--file", "local", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A local copy of a narration given by URL (audio.src on a media host), to align.")
def align(slug, every, local):
    """Align the narration of SLUG (or --all) to the essay's text and write its timings file.

    It listens to the recording offline, finds where each word and sentence of
    the essay is heard, and writes the-essay.timings.json beside the recording
    (commit it with the recording). A build only reads that file, and `check`
    says when a new recording or a rewritten text needs aligning again; a small
    edit does not. It takes about 5-8 seconds of computing per minute of audio.
    English only for now. Needs the narration extra: scripts/setup --narration.
    """
    from ..narration import require

    if bool(slug) == every:
        raise click.UsageError("name one essay (SLUG) or give --all")
    if local is not None and every:
        raise click.UsageError("--file is a copy of one essay's narration: name that essay, not --all")
    require()
    from .common import load_current_publication

    publication = load_current_publication()
    essays = [publication.essay(slug)] if slug else [e for e in publication.essays if e.audio is not None]
    for essay in essays:
        _align_one(publication, essay, local)


def _align_one(publication, essay, local: Path | None) -> None:
    from ..model.timings import MATCH_SHARE, timings_for
    from ..narration.align import align_essay

    if essay.audio is None:
        raise LetterpressError(f"{essay.source_path}: the essay has no narration (audio.src) to align")
    recording = local or essay.audio.path
    if recording is None:
        raise LetterpressError(f"{essay.source_path}: its narration is at {essay.audio.url}; download it and "
                               f"name the copy: letterpress narration align {essay.slug} --file COPY.mp3")
    target = timings_for(publication.settings.docs_dir, publication.settings.blog_dir, essay)
    assert target is not None  # the essay has a narration
    with _progress(essay.audio.duration) as progress:
        aligned = align_essay(publication, essay, recording, target, progress)
    timed = sum(1 for item in aligned.timings.times if item is not None)
    click.echo(f"aligned {essay.slug}: {timed} of {len(aligned.timings.times)} words timed, "
               f"{aligned.timings.heard:.0%} of the text heard; wrote {_shown(aligned.path)}")
    if aligned.timings.heard < MATCH_SHARE:
        click.echo(f"warning: {essay.source_path}: the recording does not seem to be this essay (only "
                   f"{aligned.timings.heard:.0%} of its words were heard in it)", err=True)


class _progress:
    """A progress bar (on stderr) for a long recording; nothing for a short one."""

    def __init__(self, duration: float):
        self.bar = None
        if duration >= LONG_RECORDING:
            from rich.progress import Progress

            self.bar = Progress(transient=True, console=_stderr_console())

    def __enter__(self):
        if self.bar is None:
            return None
        self.bar.start()
        task = self.bar.add_task("listening", total=None)

        def advance(stage: str, done: float, total: float) -> None:
            self.bar.update(task, description=stage, completed=done, total=total)  # type: ignore[union-attr]
        return advance

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def _shown(path: Path) -> str:
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)
