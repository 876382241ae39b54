"""The sign-up service's routes: double opt-in, confirmation, one-click unsubscribe.

``POST /subscribe`` does the same for every address before it answers: it
appends the sign-up to the durable queue and waits for that commit (shared
with the sign-ups that arrive with it, see ``queue.py``), then sends the 303
to the site's thank-you page. So an answered sign-up survives a crash, and
the answer is the same, in content and in time, whether the address is new,
pending, active, unsubscribed, bounced or complained: nothing is looked up
before it. Recording the sign-up and sending its one letter follow in the
worker (``worker.py``), with the same work for every address too.

``GET /confirm`` only shows a page with a button; its ``POST`` confirms, so a
mail scanner that opens links confirms no one.

Store operations run one at a time on a worker thread (the store has one
connection; SQLite serialises writers anyway), letters one at a time on
another, so neither blocks the event loop.
"""

from __future__ import annotations

import contextlib
import logging
from urllib.parse import quote

import anyio
from python_multipart.exceptions import MultipartParseError
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import tokens
from ..sending.messengers import Messenger
from ..subscribers.store import InvalidAddressError, SubscriberError, normalise_address, open_store
from .context import CONFIRMED_PAGE, THANKS_PAGE, UNSUBSCRIBED_PAGE, ServiceContext
from .limits import SignupLimiter
from .mail import Postman, clean_name, welcome_message
from .pages import STYLESHEET, environment, page
from .queue import GroupCommit, SignupQueue
from .security import BodySizeLimit, OriginCheck, QuietAccessLog, SecurityHeaders, origin_of
from .worker import SignupWorker

log = logging.getLogger("letterpress.service")
HONEYPOT = "website"  # the form's hidden field: people leave it empty, form-filling robots do not
FORM_LIMITS = {"max_files": 0, "max_fields": 20}
# The confirm page's button must carry an Origin the service accepts (under
# "no-referrer" browsers send "Origin: null"); a Referer, if any, is the origin alone, never the token.
CONFIRM_PAGE_HEADERS = {"referrer-policy": "strict-origin"}


class Service:
    """The request handlers over one subscriber store, one postman and one rate limiter."""

    def __init__(self, context: ServiceContext, messenger: Messenger | None = None):
        self.context = context
        self.settings = context.settings
        self.store = open_store(context.store_path)
        self.postman = Postman(context, messenger)
        options = context.options
        self.limiter = SignupLimiter(options.limit_per_ip, options.limit_per_address, context.secret,
                                     enabled=options.rate_limits)
        self.store_lane = anyio.CapacityLimiter(1)
        self.mail_lane = anyio.CapacityLimiter(1)
        queue = SignupQueue(self.store)
        self.intake = GroupCommit(lambda rows: self._in_store(queue.append, rows), self._committed)
        self.worker = SignupWorker(self.store, self.limiter, self._in_store, self._send, self.intake.busy)

    def _committed(self) -> None:
        self.worker.notify()

    def start(self) -> None:
        """Start the worker (it first finishes what the queue holds from before)."""
        self.worker.start()

    async def stop(self) -> None:
        """Let the worker finish the letters in hand; the queue keeps the rest for the next start."""
        await self.worker.stop()

    def close(self) -> None:
        self.postman.close()
        self.store.close()

    # -- routes -------------------------------------------------------------------------

    async def subscribe(self, request: Request) -> Response:
        """``POST /subscribe``: email, optional name, the honeypot; 303 to the thank-you page.

        The 303 goes out once the sign-up is committed to the queue; 503 when
        the store cannot take it (nothing was recorded, the reader may try again).
        """
        wait = self.limiter.client_wait(_client(request))
        if wait:
            return self._too_many(request, wait)
        form = await _form(request)
        if form is None:
            return PlainTextResponse("Bad request.", status_code=400)
        raw = _text(form.get("email"))
        try:
            address = normalise_address(raw)
        except InvalidAddressError:
            return self._page(request, "page-address-invalid.html.j2", {"address": raw.strip()[:254]}, 400)
        if form.get(HONEYPOT):
            return self._thanks()  # the same answer, and nothing recorded, counted or sent
        try:
            await self.intake.add((address, clean_name(_text(form.get("name")))))
        except Exception as error:  # the log must not carry the address a message may hold
            log.error("sign-up not recorded: %s", type(error).__name__)
            return PlainTextResponse("The sign-up could not be recorded; please try again in a minute.",
                                     status_code=503, headers={"retry-after": "60"})
        return self._thanks()

    async def confirm_page(self, request: Request) -> Response:
        """``GET /confirm?token=…``: a page with one button (and the name the sign-up gave, which the button
        stores); a GET (or HEAD) never confirms."""
        (address, name), refusal = self._confirmation(request)
        if refusal is not None:
            return refusal
        action = f"{_base(request)}/confirm?token={quote(request.query_params['token'], safe='')}"
        return self._page(request, "page-confirm.html.j2", {"address": address, "name": name, "action": action},
                          headers=CONFIRM_PAGE_HEADERS)

    async def confirm(self, request: Request) -> Response:
        """``POST /confirm?token=…`` (the page's button): make the subscriber active, with the name their
        sign-up gave; 303 to the confirmed page."""
        (address, name), refusal = self._confirmation(request)
        if refusal is not None:
            return refusal
        before, after = await self._in_store(self._confirm, address, name)
        if after != "active":
            return self._link_invalid(request, "withdrawn", 410)
        welcome = BackgroundTask(self._welcome, address) if before == "pending" else None
        return RedirectResponse(self.context.site_page(CONFIRMED_PAGE), status_code=303, background=welcome)

    async def unsubscribe_page(self, request: Request) -> Response:
        """``GET /unsubscribe?token=…``: a page with one button; a GET never unsubscribes."""
        try:
            address = self._read(tokens.read_unsubscribe_token, request)
        except tokens.InvalidTokenError:
            return self._link_invalid(request, "invalid", 400)
        action = f"{_base(request)}/unsubscribe?token={quote(request.query_params['token'], safe='')}"
        return self._page(request, "page-unsubscribe.html.j2", {"address": address, "action": action})

    async def unsubscribe(self, request: Request) -> Response:
        """``POST /unsubscribe?token=…``: unsubscribe; RFC 8058's one-click POST gets 200, never a redirect.

        Only the service's own button (field ``action=unsubscribe``) is sent on
        to the site's unsubscribed page; any other POST, a mail provider's
        ``List-Unsubscribe=One-Click`` included, is answered here.
        """
        try:
            address = self._read(tokens.read_unsubscribe_token, request)
        except tokens.InvalidTokenError:
            return self._link_invalid(request, "invalid", 400)
        form = await _form(request) or FormData()
        await self._in_store(self.store.unsubscribe, address)
        if form.get("action") == "unsubscribe":
            return RedirectResponse(self.context.site_page(UNSUBSCRIBED_PAGE), status_code=303)
        return self._page(request, "page-unsubscribed.html.j2", {"address": address})

    async def healthz(self, request: Request) -> Response:
        """``GET /healthz``: 200 when the subscriber store answers."""
        try:
            await self._in_store(self.store.count)
        except Exception as error:  # any failure of the store is "unhealthy"; the reason goes to the log
            log.error("health check failed: %s", type(error).__name__)
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    async def stylesheet(self, request: Request) -> Response:
        """The pages' stylesheet (the publication's ``newsletter/templates/service.css`` if it has one)."""
        env = environment(self.settings)
        if env.loader is None:
            raise RuntimeError("the service's template environment has no loader")
        source, _, _ = env.loader.get_source(env, STYLESHEET.name)
        return Response(source, media_type="text/css", headers={"cache-control": "public, max-age=3600"})

    async def not_found(self, request: Request, error: Exception) -> Response:
        """Starlette's handler for HTTPException (its signature takes any exception)."""
        if not isinstance(error, HTTPException):
            raise error
        if error.status_code == 404:
            return self._page(request, "page-not-found.html.j2", {}, 404)
        return PlainTextResponse(error.detail, status_code=error.status_code, headers=error.headers)

    # -- background work ------------------------------------------------------------------

    async def _welcome(self, address: str) -> None:
        if not self.context.options.welcome_email:
            return
        try:
            subscriber = await self._in_store(self.store.get, address)
            await self._send(welcome_message, address, subscriber.name if subscriber else "")
        except Exception as error:  # as above: no address in the log
            log.error("welcome letter not sent: %s", type(error).__name__)

    async def _send(self, compose, address: str, name: str) -> None:
        def build_and_deliver():
            self.postman.deliver(compose(self.context, address, name), address)

        await anyio.to_thread.run_sync(build_and_deliver, limiter=self.mail_lane)

    # -- helpers -------------------------------------------------------------------------

    def _confirm(self, address: str, name: str) -> tuple[str | None, str | None]:
        """(status before, status after) of confirming ``address`` (with ``name``); (None, None) when unknown."""
        with self.store.lock:
            before = self.store.get(address)
            if before is None:
                return None, None
            try:
                return before.status, self.store.confirm(address, clean_name(name)).status
            except SubscriberError:
                return before.status, None

    async def _in_store(self, function, *args):
        return await anyio.to_thread.run_sync(function, *args, limiter=self.store_lane)

    def _confirmation(self, request: Request) -> tuple[tuple[str, str], Response | None]:
        """The address and name of the request's confirmation token, or the page that refuses the token."""
        try:
            address, list_name, name = tokens.read_confirmation_token(
                request.query_params.get("token", ""), secret=self.context.secret,
                max_age=self.context.confirm_max_age)
            return (self._on_our_list(address, list_name), name), None
        except tokens.ExpiredTokenError:
            return ("", ""), self._link_invalid(request, "expired", 410)
        except tokens.InvalidTokenError:
            return ("", ""), self._link_invalid(request, "invalid", 400)

    def _read(self, reader, request: Request, **options) -> str:
        """The address in the request's token, when the token is ours and names our list."""
        address, list_name = reader(request.query_params.get("token", ""), secret=self.context.secret, **options)
        return self._on_our_list(address, list_name)

    def _on_our_list(self, address: str, list_name: str) -> str:
        if list_name != self.context.list_name:
            raise tokens.InvalidTokenError("the link names another list.")
        return address

    def _thanks(self, background: BackgroundTask | None = None) -> Response:
        return RedirectResponse(self.context.site_page(THANKS_PAGE), status_code=303, background=background)

    def _too_many(self, request: Request, wait: int) -> Response:
        return self._page(request, "page-too-many.html.j2", {"retry_after": wait}, 429,
                          headers={"retry-after": str(wait)})

    def _link_invalid(self, request: Request, reason: str, status: int) -> Response:
        return self._page(request, "page-link-invalid.html.j2",
                          {"reason": reason, "confirm_hours": self.context.options.confirm_hours}, status)

    def _page(self, request: Request, name: str, context: dict, status: int = 200,
              headers: dict | None = None) -> Response:
        return page(self.settings, name, {"base": _base(request)} | context, status, headers)


async def _form(request: Request) -> FormData | None:
    """The request's form fields (urlencoded or multipart), or None when they cannot be read."""
    try:
        return await request.form(**FORM_LIMITS)
    except (MultiPartException, MultipartParseError, UnicodeDecodeError, ValueError):
        return None


def _client(request: Request) -> str:
    # Behind a proxy, uvicorn's proxy headers support puts the real client here
    # (it trusts X-Forwarded-For from FORWARDED_ALLOW_IPS, 127.0.0.1 by default).
    return request.client.host if request.client else "unknown"


def _base(request: Request) -> str:
    return request.scope.get("root_path", "").rstrip("/")


def _text(value) -> str:
    """A form field as text; a file where text belongs counts as empty."""
    return value if isinstance(value, str) else ""


def create_app(context: ServiceContext, messenger: Messenger | None = None):
    """The service as an ASGI app (Starlette inside the security middleware).

    Args:
        context: from :func:`letterpress.service.context.prepare`.
        messenger: where letters go; default: ``sending.messenger`` of the config.
    """
    return service_app(Service(context, messenger))


def service_app(service: Service):
    """The ASGI app over ``service``; its lifespan starts and stops the sign-up worker."""
    context = service.context

    @contextlib.asynccontextmanager
    async def lifespan(app):
        service.start()
        try:
            yield
        finally:
            await service.stop()
            service.close()

    app = Starlette(
        routes=[Route("/subscribe", service.subscribe, methods=["POST"]),
                Route("/confirm", service.confirm_page, methods=["GET"]),
                Route("/confirm", service.confirm, methods=["POST"]),
                Route("/unsubscribe", service.unsubscribe_page, methods=["GET"]),
                Route("/unsubscribe", service.unsubscribe, methods=["POST"]),
                Route("/healthz", service.healthz, methods=["GET"]),
                Route("/style.css", service.stylesheet, methods=["GET"])],
        middleware=[Middleware(BodySizeLimit, max_bytes=context.options.max_body_bytes),
                    Middleware(OriginCheck, allowed=set(context.allowed_origins), exempt=("/unsubscribe",))],
        exception_handlers={HTTPException: service.not_found},
        lifespan=lifespan,
    )
    # A trailing-slash redirect would be built from the request's Host header: none at all.
    app.router.redirect_slashes = False
    app.state.service = service
    # The pages' forms post to the service, whose answers redirect to the site.
    return SecurityHeaders(QuietAccessLog(app), form_action=(origin_of(context.settings.site_url),))
