"""Podcast artwork as Apple requires it: square JPEG or PNG, RGB, 1400 to 3000 pixels."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

MIN_SIZE = 1400
MAX_SIZE = 3000
FORMATS = ("JPEG", "PNG")
# feedgen's itunes_image() drops URLs not ending in .jpg or .png, and so do some apps.
SUFFIXES = (".jpg", ".png")


def artwork_problem(path: Path) -> str | None:
    """What keeps ``path`` from being podcast artwork, in words to act on, or None."""
    if path.suffix.lower() not in SUFFIXES:
        return "must be a .jpg or .png file (podcast apps ignore other names); convert it and rename it."
    try:
        with Image.open(path) as image:
            image_format, mode, (width, height) = image.format, image.mode, image.size
    except (UnidentifiedImageError, OSError) as error:
        return f"cannot be read as an image ({error}); export it again as JPEG or PNG."
    if image_format not in FORMATS:
        return f"is a {image_format} image; Apple accepts JPEG or PNG only."
    if mode != "RGB":
        return f"has colour mode {mode}; save it as RGB (no CMYK, greyscale or transparency)."
    if width != height:
        return f"is {width}×{height} px; it must be square (e.g. 3000×3000)."
    if not MIN_SIZE <= width <= MAX_SIZE:
        return f"is {width}×{height} px; it must be between {MIN_SIZE} and {MAX_SIZE} px on each side."
    return None


def is_episode_artwork(path: Path | None) -> bool:
    """Whether an essay's image can also be its episode's artwork."""
    return path is not None and path.is_file() and artwork_problem(path) is None
