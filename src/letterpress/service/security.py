"""ASGI middleware of the service: security headers, a body size limit, the Origin check, a quiet log.

Plain ASGI classes (not Starlette's ``BaseHTTPMiddleware``), so a refused
request is answered before any body is read and streaming stays intact.
"""

from __future__ import annotations

import logging
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse

log = logging.getLogger("letterpress.service")

# The service's own pages need nothing but their stylesheet and a form that
# posts back to the service; everything else is refused by the browser.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action {form_action}; "
                           "frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = (
    ("referrer-policy", "no-referrer"),  # a token in the URL must not leak to the next site
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
    ("cache-control", "no-store"),  # pages carry tokens and addresses: no cache keeps them
)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def origin_of(url: str) -> str:
    """``https://example.org`` from ``https://example.org/any/path`` (scheme, host, port)."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def route_path(scope) -> str:
    """The request path without the proxy's prefix (uvicorn puts ``root_path`` in front)."""
    path, root = scope.get("path", ""), scope.get("root_path", "")
    return (path[len(root):] or "/") if root and path.startswith(root) else path


def content_security_policy(form_action: tuple[str, ...] = ()) -> str:
    """The pages' CSP; ``form_action``: origins a form's answer may redirect to, beside the service.

    Browsers apply ``form-action`` to the redirects that answer a form too, so
    the site that a button's 303 leads to must be named.
    """
    return CONTENT_SECURITY_POLICY.format(form_action=" ".join(("'self'", *filter(None, form_action))))


class SecurityHeaders:
    """Add the CSP and :data:`SECURITY_HEADERS` to every response, errors included, unless it sets its own."""

    def __init__(self, app, form_action: tuple[str, ...] = ()):
        self.app = app
        headers = (("content-security-policy", content_security_policy(form_action)), *SECURITY_HEADERS)
        self.headers = [(name.encode(), value.encode()) for name, value in headers]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in self.headers if name not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequestTooLarge(Exception):
    """The body grew past the limit while it was read."""


class BodySizeLimit:
    """Answer 413 to a body over ``max_bytes``, announced (Content-Length) or streamed (chunked)."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = Headers(scope=scope).get("content-length", "")
        if length and (not length.isdigit() or int(length) > self.max_bytes):
            status = 413 if length.isdigit() else 400
            return await _refuse(status, scope, receive, send)
        started, seen = False, 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise RequestTooLarge
            return message

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except RequestTooLarge:
            if started:
                raise
            await _refuse(413, scope, receive, send)


class OriginCheck:
    """Refuse (403) a form post whose ``Origin`` is present and not one of ``allowed``.

    Paths in ``exempt`` are not checked: RFC 8058's one-click unsubscribe comes
    from mail providers' servers with no context, and its token is the authority.
    """

    def __init__(self, app, allowed: set[str], exempt: tuple[str, ...] = ()):
        self.app, self.allowed, self.exempt = app, {o.lower() for o in allowed}, exempt

    async def __call__(self, scope, receive, send):
        if (scope["type"] == "http" and scope["method"] not in SAFE_METHODS
                and route_path(scope) not in self.exempt):
            origin = Headers(scope=scope).get("origin")
            if origin is not None and origin.strip().lower() not in self.allowed:
                return await _refuse(403, scope, receive, send)
        await self.app(scope, receive, send)


class QuietAccessLog:
    """One log line per request: method, path, status, milliseconds; errors without their message.

    Never the query string (tokens carry addresses), a body or a client
    address: uvicorn's own access log is switched off for that reason. An
    unexpected error is logged by type and place only, since its message may
    quote an address; Starlette has already answered it with a 500.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start, status, logged = time.perf_counter(), 500, False

        def log_request():
            nonlocal logged
            logged = True
            log.info("%s %s %s %.0fms", scope["method"], route_path(scope), status,
                     (time.perf_counter() - start) * 1000)

        async def recording_send(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                log_request()  # now, not after the background work that may follow the answer

        try:
            await self.app(scope, receive, recording_send)
        except Exception as error:  # every error, so that none reaches the server's log with its message
            log.error("%s %s failed: %s at %s", scope["method"], route_path(scope), type(error).__name__,
                      _where(error))
        finally:
            if not logged:
                log_request()


def _where(error: Exception) -> str:
    """``file.py:123`` of the innermost frame of ``error``'s traceback."""
    frames = traceback.extract_tb(error.__traceback__)
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"


REFUSALS = {
    400: "Bad request.",
    403: "This form may only be sent from the publication's own site.",
    413: "Request too large.",
}


async def _refuse(status: int, scope, receive, send) -> None:
    response = PlainTextResponse(REFUSALS[status], status_code=status, headers={"connection": "close"})
    await response(scope, receive, send)
