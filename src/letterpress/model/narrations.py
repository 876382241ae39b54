"""What a narration must be beyond playable: a format podcast apps take, a size a git host takes.

Podcast apps (Apple Podcasts first) take MP3 and M4A/AAC and refuse the rest, so a WAV,
Ogg, Opus or FLAC narration is a warning, and an error while the podcast is on. A git host
warns about a file over 50 MB and refuses a push with one over 100 MB, unless the file goes
through Git LFS; and a recording committed stays in the history for good, so a big one is
named before it is committed.

Whether a file goes through LFS is asked of git (``git check-attr filter``), not worked out
from ``.gitattributes`` here: git reads every ``.gitattributes`` on the file's way, its macros,
``-filter`` and ``!filter``, and ``.git/info/attributes``; a gitignore-style matcher (pathspec)
knows none of those and reads ``!`` as a negation gitattributes does not have.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from ..errors import Problem
from .audio import PODCAST_MIME_TYPES, human_size
from .essay import Audio, Essay
from .history import lfs_files
from .publication import Publication

WARN_BYTES = 50 * 1024 * 1024  # a git host warns above this
REFUSE_BYTES = 100 * 1024 * 1024  # and refuses a push with a file above this
LFS_HINT = "git lfs track '{pattern}' (then commit .gitattributes with the recording)"


def format_problems(publication: Publication) -> list[Problem]:
    """A narration that is not MP3 or M4A/AAC: a warning, an error while the podcast is on."""
    podcast = publication.settings.podcast.enabled
    problems = []
    for essay, audio, path in _narrations(publication):
        if audio.mime_type in PODCAST_MIME_TYPES:
            continue
        why = ("the podcast is on, and podcast apps refuse any other kind of recording" if podcast
               else "podcast apps and some browsers refuse other kinds of recording")
        problems.append(_problem(essay, (
            f"'{audio.src}' is {path.suffix.lstrip('.').upper() or 'not MP3'}; {why}. Convert it to MP3 "
            f"and point src at the new file: {convert_command(publication.settings.root, path)}"),
            "error" if podcast else "warning"))
    return problems


def size_problems(publication: Publication) -> list[Problem]:
    """A narration over 50 MB (a warning) or over 100 MB (an error), unless git sends it through LFS."""
    root = publication.settings.root
    big = [(essay, audio, path) for essay, audio, path in _narrations(publication) if audio.length > WARN_BYTES]
    in_lfs = lfs_files(root, [path for _, _, path in big])
    problems = []
    for essay, audio, path in big:
        if path.resolve() in in_lfs:
            continue
        track = LFS_HINT.format(pattern=_shown(root, path.parent) + "/*" + path.suffix)
        if audio.length > REFUSE_BYTES:
            problems.append(_problem(essay, (
                f"'{audio.src}' is {human_size(audio.length)}; a git host refuses a push with a file over "
                f"100 MB. Send it through Git LFS: {track}, or export it smaller (MP3 at 64–96 kbit/s).")))
        else:
            problems.append(_problem(essay, (
                f"'{audio.src}' is {human_size(audio.length)}; every version of it stays in git's history "
                f"for good, and a git host warns above 50 MB. Consider Git LFS: {track}."), "warning"))
    return problems


def convert_command(root: Path, path: Path) -> str:
    """The ffmpeg line that makes an MP3 beside the recording at ``path`` (paths as the author sees them)."""
    source = _shown(root, path)
    target = _shown(root, path.with_suffix(".mp3"))
    return f"ffmpeg -i {shlex.quote(source)} -codec:a libmp3lame -qscale:a 4 {shlex.quote(target)}"


def _narrations(publication: Publication) -> list[tuple[Essay, Audio, Path]]:
    """Each essay whose narration is a file of docs/ (a remote one is its host's business), with it."""
    return [(essay, essay.audio, essay.audio.path) for essay in publication.essays
            if essay.audio is not None and essay.audio.path is not None]


def _problem(essay: Essay, message: str, severity: str = "error") -> Problem:
    return Problem(essay.source_path, "audio.src", message, essay.lines.get("audio.src"), severity)


def _shown(root: Path, path: Path) -> str:
    resolved, top = path.resolve(), root.resolve()
    return resolved.relative_to(top).as_posix() if resolved.is_relative_to(top) else str(path)
