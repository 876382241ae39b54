"""Aligning a narration to its essay's text (``letterpress narration align``), offline.

The data flows through one module each: the text to speak (:mod:`letterpress.model.spoken`) →
the recording decoded in chunks (:mod:`.decode`) → recognised with a language model made of the
essay's sentences (:mod:`.recognise`) → matched to the text (:mod:`.match`) → each stretch between
matched words force-aligned (:mod:`.force`) → the timings file (:mod:`letterpress.model.timings`).
:mod:`.align` runs them in order. It needs the optional ``narration`` extra (pocketsphinx,
num2words) and Debian's ffmpeg; :func:`require` says in one line what is missing.
"""

from __future__ import annotations

import importlib
import shutil

from ..errors import LetterpressError

INSTALL = "scripts/setup --narration"


def require() -> None:
    """Raise a one-line LetterpressError naming what to install when the aligner's tools are missing."""
    missing = [name for name in ("pocketsphinx", "num2words") if not _importable(name)]
    debian = [] if shutil.which("ffmpeg") else ["ffmpeg"]
    if missing or debian:
        what = ", ".join(missing + [f"Debian's {name}" for name in debian])
        raise LetterpressError(f"aligning a narration needs {what}: run {INSTALL} "
                               f"(or pip install 'letterpress[narration]' and sudo apt-get install ffmpeg)")


def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True
