"""``attach_audio``: the narration as an MP3 attached to every letter, within a size cap.

Off by default: a multi-megabyte file sent to every subscriber costs each of
them bandwidth and storage, and large bulk mail is more often deferred or
filtered as spam. The letter already carries a player and the Listen button.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from email.message import MIMEPart
from email.policy import default

from ..errors import Problem, ProblemsError
from ..model.audio import human_size
from ..model.essay import Essay
from ..model.settings import Settings


@dataclass(frozen=True)
class Attachment:
    """A file encoded once, shared by every message of the send."""

    filename: str
    mime_type: str
    size: int
    part: MIMEPart


def audio_attachment(settings: Settings, essay: Essay) -> Attachment | None:
    """The narration to attach, or None when ``attach_audio`` is off or the essay has none.

    Raises:
        ProblemsError: the recording is remote (nothing to attach) or larger
            than ``newsletter.attach_audio_max_mb``.
    """
    options = settings.newsletter
    audio = essay.audio
    if not options.attach_audio or audio is None:
        return None
    if audio.path is None:
        raise ProblemsError([Problem(essay.source_path, "audio.src", "is a remote URL; attach_audio needs "
                                     "the recording as a file in docs/. Set 'attach_audio: false' or add the file.")])
    cap = options.attach_audio_max_mb * 1_000_000
    if audio.length > cap:
        raise ProblemsError([Problem(essay.source_path, "audio.src", (
            f"the recording is {human_size(audio.length)}, over the attach_audio cap of "
            f"{options.attach_audio_max_mb} MB; it is not attached to every letter. Set "
            "'attach_audio: false' (the letter links to the recording) or raise 'attach_audio_max_mb'."))])
    filename = f"{essay.slug}{audio.path.suffix.lower()}"
    part = _part(audio.path.read_bytes(), audio.mime_type, filename)
    return Attachment(filename, audio.mime_type, audio.length, part)


def _part(data: bytes, mime_type: str, filename: str) -> MIMEPart:
    """A base64 MIME part, encoded here once rather than once per recipient."""
    part = MIMEPart(policy=default)
    part["Content-Type"] = f'{mime_type}; name="{filename}"'
    part["Content-Disposition"] = f'attachment; filename="{filename}"'
    part["Content-Transfer-Encoding"] = "base64"
    part.set_payload(base64.encodebytes(data).decode("ascii"))
    return part
