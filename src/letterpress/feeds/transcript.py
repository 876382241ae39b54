"""A narrated essay's timed transcript: WebVTT (and an SRT copy) beside its page, one cue per sentence.

Made from the committed timings file (:mod:`letterpress.model.timings`) when it still fits the
recording and the text; a build never aligns. Each cue ends where its sentence's last word ends,
so no text shows during a pause; a sentence whose words have no time is left out.
"""

from __future__ import annotations

from ..model.essay import Essay
from ..model.layout import Address, Layout
from ..model.settings import Settings
from ..model.timings import fresh, located, sentence_times

VTT_NAME = "transcript.vtt"
SRT_NAME = "transcript.srt"
VTT_TYPE = "text/vtt"
Cue = tuple[float, float, str]


def transcript_address(essay: Essay, layout: Layout, name: str = VTT_NAME) -> Address:
    """Where the essay's transcript (``transcript.vtt`` or ``.srt``) is written and linked."""
    return layout.essay_file(essay, name)


def cues(essay: Essay, settings: Settings) -> list[Cue]:
    """(start, end, text) of each timed sentence of the essay's narration; empty without fresh timings."""
    if essay.audio is None:
        return []
    found = fresh(located(settings.docs_dir, settings.blog_dir, essay.audio.path, essay.path), essay.body,
                  essay.audio.path)
    if found is None:
        return []
    spoken, times = found
    return [(start, end, sentence.text) for sentence, timed in zip(spoken, sentence_times(spoken, times), strict=True)
            if timed is not None for start, end in [timed] if end > start]


def webvtt(found: list[Cue]) -> bytes:
    """The cues as a WebVTT file (UTF-8)."""
    blocks = ["WEBVTT"] + [f"{_clock(start, '.')} --> {_clock(end, '.')}\n{_vtt_text(text)}"
                           for start, end, text in found]
    return ("\n\n".join(blocks) + "\n").encode("utf-8")


def srt(found: list[Cue]) -> bytes:
    """The cues as a SubRip file (UTF-8), numbered from 1."""
    blocks = [f"{index}\n{_clock(start, ',')} --> {_clock(end, ',')}\n{' '.join(text.split())}"
              for index, (start, end, text) in enumerate(found, 1)]
    return ("\n\n".join(blocks) + "\n").encode("utf-8")


def _vtt_text(text: str) -> str:
    """A cue's text: one line, with WebVTT's three special characters escaped (``-->`` cannot survive)."""
    return " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clock(seconds: float, separator: str) -> str:
    milliseconds = round(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}{separator}{rest % 1000:03d}"
