"""Running the service with uvicorn: one process, no access log of its own, proxy-aware."""

from __future__ import annotations

import logging

import uvicorn

from ..model.settings import Settings
from ..sending.send import messenger_kind
from .app import create_app
from .context import prepare
from .pages import check_templates

log = logging.getLogger("letterpress.service")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def uvicorn_config(app, host: str, port: int, root_path: str) -> uvicorn.Config:
    """How the service is served.

    uvicorn's access log is off (it would print query strings, and the
    tokens in them carry addresses; ``QuietAccessLog`` logs without them).
    Proxy headers are read from the addresses in ``FORWARDED_ALLOW_IPS``
    (127.0.0.1 by default), so rate limits see the real client behind nginx.
    One worker: the rate limits live in this process.
    """
    config = uvicorn.Config(app, host=host, port=port, root_path=root_path, access_log=False,
                            proxy_headers=True, server_header=False, lifespan="on",
                            timeout_graceful_shutdown=15, log_config=None)
    # Off for good, even when a logging setup gives the logger handlers again.
    logging.getLogger("uvicorn.access").disabled = True
    return config


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8001, root_path: str | None = None) -> None:
    """Check everything, then serve until stopped (Ctrl-C or SIGTERM finish the letters in flight).

    Raises:
        SecretMissingError: ``LETTERPRESS_SECRET`` is unset or too short.
        ProblemsError: the config lacks what the service needs, or a template is broken.
    """
    context = prepare(settings)
    check_templates(settings)
    app = create_app(context)
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    if messenger_kind(settings) == "maildir":
        log.warning("confirmation letters go to the Maildir %s and reach no one; set LETTERPRESS_SMTP_URL "
                    "to send them.", settings.sending.outbox)
    prefix = settings.service.root_path if root_path is None else root_path
    uvicorn.Server(uvicorn_config(app, host, port, prefix)).run()
