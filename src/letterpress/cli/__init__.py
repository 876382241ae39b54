"""The ``letterpress`` command: one module per command group over the library."""

from .main import cli, main

__all__ = ["cli", "main"]
