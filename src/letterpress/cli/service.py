"""``letterpress service``: the sign-up and unsubscribe service, a few lines over ``letterpress.service``."""

from __future__ import annotations

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (keep 127.0.0.1 behind a reverse proxy).")
@click.option("--port", default=8001, show_default=True, help="Port to listen on.")
@click.option("--root-path", default=None,
              help="The path prefix the reverse proxy strips, e.g. /service (default: service.root_path).")
def service(host, port, root_path):
    """Run the sign-up service: double opt-in, confirmation, one-click unsubscribe (RFC 8058).

    Needs the signing key the letters are signed with (LETTERPRESS_SECRET, or
    .letterpress/secret: see `letterpress secret`) and service.url in
    mkdocs.yml; shares the subscriber file with `letterpress newsletter send`.
    """
    from ..service import serve
    from ..site.loader import load_settings
    from .common import warn_on_changed_key

    settings = load_settings()
    warn_on_changed_key(settings.root)
    serve(settings, host=host, port=port, root_path=root_path)
