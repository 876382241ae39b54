"""Facts about a narration: size, duration and MIME type, read with mutagen."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import mutagen

# mutagen reports e.g. 'audio/mp3' first for MP3; feeds and browsers want the
# registered types, so map mutagen's format class to the one to publish.
MIME_TYPES = {
    "MP3": "audio/mpeg",
    "MP4": "audio/mp4",
    "OggVorbis": "audio/ogg",
    "OggOpus": "audio/ogg",
    "FLAC": "audio/flac",
    "WAVE": "audio/wav",
    "AAC": "audio/aac",
}
# What podcast apps (Apple's first) play: MP3, and AAC in an M4A file or bare.
PODCAST_MIME_TYPES = frozenset({"audio/mpeg", "audio/mp4", "audio/aac"})
MIME_BY_SUFFIX = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".mp4": "audio/mp4",
                  ".aac": "audio/aac", ".ogg": "audio/ogg", ".opus": "audio/ogg",
                  ".oga": "audio/ogg", ".flac": "audio/flac", ".wav": "audio/wav"}

TIMECODE = re.compile(r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})")


@dataclass(frozen=True)
class AudioFacts:
    length: int
    duration: float
    mime_type: str


class NotAudioError(Exception):
    """The file exists but is not a recording that can be read; the message says why, in the author's words."""


def read_facts(path: Path) -> AudioFacts:
    """Read the byte size, duration in seconds and MIME type of an audio file.

    Raises:
        NotAudioError: the file is not a recording mutagen understands (its message names
            no library: it reaches the author).
    """
    try:
        recording = mutagen.File(path)
    except mutagen.MutagenError:
        raise NotAudioError("its sound cannot be read; it may be damaged, or not a recording") from None
    length = getattr(getattr(recording, "info", None), "length", 0)
    if recording is None or not length:
        raise NotAudioError("no sound was found in it")
    mime = MIME_TYPES.get(type(recording).__name__) or MIME_BY_SUFFIX.get(path.suffix.lower())
    if mime is None:
        raise NotAudioError("its kind of recording is not one browsers and podcast apps play")
    return AudioFacts(path.stat().st_size, float(length), mime)


def parse_timecode(value) -> int | None:
    """Seconds from ``MM:SS`` or ``HH:MM:SS`` (or a YAML integer), else None.

    YAML 1.1 reads an unquoted ``4:12`` as the base-60 integer 252, which is
    already the number of seconds, so integers are accepted as seconds.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    match = TIMECODE.fullmatch(str(value).strip())
    if not match:
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    if seconds >= 60 or (match.group(1) and minutes >= 60):
        return None
    return hours * 3600 + minutes * 60 + seconds


def format_timecode(seconds: float) -> str:
    """``HH:MM:SS`` (as Apple's itunes:duration and our front matter write it)."""
    total = int(round(seconds))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def format_clock(seconds: float) -> str:
    """``M:SS`` or ``H:MM:SS``, the way a player shows time."""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration such as ``PT3M5S`` (schema.org's AudioObject.duration)."""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return "PT" + parts + (f"{secs}S" if secs or not parts else "")


def human_size(length: int) -> str:
    """``3.2 MB`` / ``640 KB`` (decimal units, as file managers show)."""
    if length >= 1_000_000:
        return f"{length / 1_000_000:.1f} MB"
    return f"{max(1, round(length / 1000))} KB"
