"""Markdown -> HTML for every output: the essay's HTML, absolute URLs, the epigraph extension."""
