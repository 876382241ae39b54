"""Letterpress: one Markdown essay becomes a page, feed entries, a podcast episode and an email."""

__version__ = "0.1.0"
