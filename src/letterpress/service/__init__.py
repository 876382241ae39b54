"""The sign-up service: double opt-in sign-up, confirmation, RFC 8058 one-click unsubscribe.

The one part of Letterpress that runs all the time, over the same SQLite
subscriber file as ``letterpress newsletter send``. Library API:

- :func:`prepare` checks the config and ``LETTERPRESS_SECRET`` into a :class:`ServiceContext`;
- :func:`create_app` makes the ASGI app over it;
- :func:`serve` runs it with uvicorn (``letterpress service``).
"""

from __future__ import annotations

from .context import ServiceContext, prepare

__all__ = ["ServiceContext", "create_app", "prepare", "serve"]


def create_app(context: ServiceContext, messenger=None):
    """The ASGI app (see :func:`letterpress.service.app.create_app`)."""
    from .app import create_app as make

    return make(context, messenger)


def serve(settings, host: str = "127.0.0.1", port: int = 8001, root_path: str | None = None) -> None:
    """Run the service (see :func:`letterpress.service.run.serve`)."""
    from .run import serve as run

    run(settings, host=host, port=port, root_path=root_path)
