"""A new publication's first images: the podcast artwork and the author's avatar, drawn with Pillow.

Deterministic (no randomness): the same title and name give the same files. They are
placeholders the author replaces with artwork and a photograph of her own.
"""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
SERIF_ITALIC = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf"
ARTWORK_SIZE = 1400  # Apple's smallest square
TEXT_WIDTH = 1000    # inside the frame, with a margin
# Quiet, dark colours that white initials read well on (contrast over 4.5:1).
AVATAR_COLOURS = ((122, 92, 80), (70, 98, 110), (88, 104, 74), (104, 80, 112), (120, 84, 60), (60, 90, 120))


def font(path: str, size: int):
    """The TrueType font at ``path``, else Pillow's own (a system without DejaVu)."""
    try:
        return ImageFont.truetype(path, size)
    except OSError:
        return ImageFont.load_default(size)


def initials(name: str) -> str:
    """``Ana Sousa Lima`` -> ``AL``: the first letters of the first and last words (one for one word)."""
    words = ["".join(ch for ch in word if ch.isalnum()) for word in name.split()]
    words = [word for word in words if word]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def avatar(name: str, target: Path) -> Path:
    """A circle with ``name``'s initials, 128 px (drawn at 4x and scaled down for smooth edges)."""
    size = 512
    image = Image.new("RGB", (size, size), (250, 248, 244))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, size - 1, size - 1), fill=_colour(name))
    draw.text((size / 2, size / 2), initials(name), fill="white", anchor="mm", font=font(SERIF, 200))
    target.parent.mkdir(parents=True, exist_ok=True)
    image.resize((128, 128), Image.Resampling.LANCZOS).save(target, optimize=True)
    return target


def artwork(title: str, byline: str, target: Path) -> Path:
    """Square podcast artwork, 1400 px RGB JPEG: ``title`` large (wrapped to fit), ``byline`` under it."""
    image = Image.new("RGB", (ARTWORK_SIZE, ARTWORK_SIZE))
    draw = ImageDraw.Draw(image)
    for y in range(ARTWORK_SIZE):  # a quiet vertical gradient, dusk to evening
        shade = y / ARTWORK_SIZE
        draw.line([(0, y), (ARTWORK_SIZE, y)], fill=(int(64 - 30 * shade), int(74 - 30 * shade), int(92 - 28 * shade)))
    draw.rectangle((140, 140, ARTWORK_SIZE - 140, ARTWORK_SIZE - 140), outline=(226, 214, 190), width=6)
    lines, title_font = _fitted(draw, title, SERIF, 150, max_lines=4)
    byline_lines, byline_font = _fitted(draw, byline, SERIF_ITALIC, 70, max_lines=2)
    line_height = title_font.size * 1.2
    top = ARTWORK_SIZE / 2 - (len(lines) * line_height) / 2 - 40
    for index, line in enumerate(lines):
        draw.text((ARTWORK_SIZE / 2, top + index * line_height), line, fill=(246, 240, 228), anchor="mt",
                  font=title_font)
    below = top + len(lines) * line_height + 50
    for index, line in enumerate(byline_lines):
        draw.text((ARTWORK_SIZE / 2, below + index * byline_font.size * 1.3), line, fill=(226, 214, 190),
                  anchor="mt", font=byline_font)
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target, quality=85, optimize=True)
    return target


def _fitted(draw, text: str, path: str, size: int, max_lines: int):
    """``text`` wrapped into at most ``max_lines`` lines that fit :data:`TEXT_WIDTH`, and the font it fits at."""
    while True:
        chosen = font(path, size)
        per_line = max(8, int(TEXT_WIDTH / (size * 0.55)))
        lines = textwrap.wrap(text, per_line, break_long_words=True) or [""]
        fits = all(draw.textlength(line, font=chosen) <= TEXT_WIDTH for line in lines)
        if (fits and len(lines) <= max_lines) or size <= 24:
            return lines[:max_lines], chosen
        size -= 8


def _colour(name: str) -> tuple[int, int, int]:
    return AVATAR_COLOURS[hashlib.sha256(name.encode("utf-8")).digest()[0] % len(AVATAR_COLOURS)]
