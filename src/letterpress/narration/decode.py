"""Decode a recording to 16 kHz mono PCM with ffmpeg, into a temporary file read back in slices.

ffmpeg, not sox: sox's MP3 decoder (libmad) ignores the encoder delay LAME records, which makes
every time about 50 ms late. The PCM goes to a file (about 115 MB an hour), never into memory
whole, so a 3-hour recording is aligned in bounded memory.
"""

from __future__ import annotations

import shutil
import subprocess
from array import array
from collections.abc import Callable
from pathlib import Path

from ..errors import LetterpressError

RATE = 16000  # samples a second, what the acoustic model was trained on
BYTES_PER_SECOND = RATE * 2
BLOCK = 1 << 20


class PCM:
    """A recording as 16-bit mono samples at RATE in a file, read back by time."""

    def __init__(self, path: Path):
        self.path = path
        self.duration = path.stat().st_size / BYTES_PER_SECOND

    def read(self, start: float, end: float) -> bytes:
        """The samples from ``start`` to ``end`` seconds (clipped to the recording)."""
        first = max(0, int(start * RATE)) * 2
        last = min(self.path.stat().st_size, int(end * RATE) * 2)
        with self.path.open("rb") as file:
            file.seek(first)
            return file.read(max(0, last - first))

    def quietest(self, start: float, end: float) -> float:
        """The start of the quietest 10 ms between ``start`` and ``end``: where a chunk may be cut."""
        samples = array("h", self.read(start, end))
        frame = RATE // 100
        energies = [sum(abs(value) for value in samples[i:i + frame]) for i in range(0, len(samples) - frame, frame)]
        if not energies:
            return end
        return start + energies.index(min(energies)) / 100


def decode(recording: Path, target: Path, progress: Callable[[float], None] | None = None) -> PCM:
    """Decode ``recording`` into ``target`` (raw PCM) and return it.

    Raises:
        LetterpressError: ffmpeg is missing, or the file holds no sound it can decode.
    """
    if shutil.which("ffmpeg") is None:
        raise LetterpressError("ffmpeg is missing: sudo apt-get install ffmpeg (or run scripts/setup --narration)")
    command = ["ffmpeg", "-nostdin", "-v", "error", "-i", str(recording), "-vn", "-ac", "1",
               "-ar", str(RATE), "-f", "s16le", "-"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child, \
            target.open("wb") as out:
        assert child.stdout is not None and child.stderr is not None
        while block := child.stdout.read(BLOCK):
            out.write(block)
            if progress:
                progress(out.tell() / BYTES_PER_SECOND)
        complaint = child.stderr.read().decode("utf-8", "replace").strip()
    pcm = PCM(target)
    if child.returncode != 0 or pcm.duration < 0.1:
        why = complaint.splitlines()[-1] if complaint else "no sound in it"
        raise LetterpressError(f"{recording}: cannot be aligned, its sound cannot be decoded ({why})")
    return pcm
