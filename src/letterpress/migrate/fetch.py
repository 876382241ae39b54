"""Bounded fetching of pages, images and narrations: timeouts, a size cap, a time cap, http(s) only.

Redirects are followed here, one hop at a time (at most :data:`MAX_REDIRECTS`), so
that each hop is checked: a redirect to ``file:``, ``ftp:`` or any other scheme
is refused instead of being handed to a client that might know it, and so is a
redirect to a loopback, private or link-local address other than the one the
address started at (a page elsewhere cannot send the import to a service on
this computer or its network). The read timeout bounds each wait, not the
whole file: a server that sends a byte now and then would hold an import for
ever, so each file also has a time cap (:data:`SECONDS` plus a second per MiB
it may have).

What a feed or sitemap from the web lists is the web's word, not the author's: once
the import has read a source from a public address (:meth:`Fetcher.came_from`), it
fetches no page on a local address but those the author named (:meth:`Fetcher.allow`),
so a hostile feed cannot have the text of a page on the author's network imported
as an essay.

A host name is resolved once for each :class:`Fetcher`: every check of it and every connection
to it use that one answer (:mod:`.pinned`), so a name cannot pass a check with a public address
and then be connected to on a local one, and a kept-alive connection goes to a checked address too.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..model import urls

MAX_REDIRECTS = 5
TIMEOUT = 20.0  # seconds to connect, and between two reads
SECONDS = 60.0  # the time a file may take, plus a second for each MiB it may have
BYTES_PER_SECOND = 1024 * 1024
PAGE_BYTES = 5 * 1024 * 1024
IMAGE_BYTES = 20 * 1024 * 1024
AUDIO_BYTES = 500 * 1024 * 1024
USER_AGENT = "letterpress-import (+a publication moving its archive)"


class FetchError(Exception):
    """A URL that could not be fetched; the message says why, in a few words."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content: bytes
    content_type: str  # lower case, parameters dropped


class Fetcher:
    """Fetches http(s) URLs with one connection pool; use it as a context manager."""

    def __init__(self, timeout: float = TIMEOUT, seconds: float = SECONDS, verify: ssl.SSLContext | None = None,
                 private: Callable[[str], bool] | None = None):
        """``verify`` checks certificates (certifi's authorities by default); ``private`` tells whether an
        IP address is this computer's or its private network's (loopback, private, link-local by default)."""
        import httpx  # imported here: only importing commands need it

        from .pinned import pinned_transport

        self._httpx = httpx
        self._seconds = seconds
        self._public_only = False
        self._allowed: set[tuple[str | None, int | None]] = set()
        self._addresses: dict[str, tuple[str, ...]] = {}  # host name -> what it resolved to, checked and pinned
        self._private = private or _local_address
        self._client = httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT},
                                    trust_env=False, transport=pinned_transport(self._addresses.get, verify))

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self._client.close()

    def allow(self, url: str) -> None:
        """``url``'s host and port are the author's own choice (given on the command line)."""
        try:
            parts = urlsplit(url)
            self._allowed.add((parts.hostname, parts.port))
        except ValueError:
            pass  # not an address: get() says so

    def came_from(self, url: str) -> None:
        """What is fetched next was found in ``url``: if that is a public address, no local one follows."""
        try:
            local = self.is_local(self._host(url))
        except (FetchError, self._httpx.InvalidURL, ValueError):
            local = False  # an address that cannot be reached sends nothing local either
        if not local:
            self._public_only = True

    def get(self, url: str, max_bytes: int = PAGE_BYTES) -> Fetched:
        """The body at ``url``, following at most :data:`MAX_REDIRECTS` http(s) redirects.

        Raises:
            FetchError: not http(s), unreachable, an error status, too many redirects, or
                more than ``max_bytes``.
        """
        first, deadline = url, time.monotonic() + self._seconds + max_bytes / BYTES_PER_SECOND
        for hop in range(MAX_REDIRECTS + 1):
            try:
                _check_scheme(url)
                self._resolve(self._host(url))
                if hop:
                    self._check_redirect(first, url)
                elif self._public_only:
                    self._check_public(url)
                fetched, location = self._one(url, max_bytes, deadline)
                if fetched is not None:
                    return fetched
                url = urljoin(url, location)
            except self._httpx.HTTPError as error:
                raise FetchError(f"cannot be fetched ({type(error).__name__}: {error or 'no answer'})") from None
            except (self._httpx.InvalidURL, ValueError) as error:  # a control character, a broken [IPv6] host
                raise FetchError(f"is not an address that can be fetched ({error})") from None
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _host(self, url: str) -> str:
        """The host name of ``url`` as httpx connects to it (IDNA, lower case, IPv6 without brackets)."""
        return self._httpx.URL(url).raw_host.decode("ascii")

    def _resolve(self, host: str) -> tuple[str, ...]:
        """``host``'s addresses, asked for once: the checks and the connections all use this answer."""
        if host not in self._addresses:
            try:
                self._addresses[host] = _resolve(host)
            except (OSError, UnicodeError) as error:
                raise FetchError(f"cannot be fetched ({host} does not resolve: {error})") from None
        return self._addresses[host]

    def is_local(self, host: str) -> bool:
        """Whether ``host`` is, or resolves to, an address of this computer or its private network.

        Raises:
            FetchError: ``host`` does not resolve.
        """
        return _local_name(host) or any(self._private(address) for address in self._resolve(host))

    def _check_public(self, url: str) -> None:
        parts = urlsplit(url)
        if (parts.hostname, parts.port) not in self._allowed and self.is_local(self._host(url)):
            raise FetchError(f"is on {parts.hostname}, a local or private address, and was found in what the "
                             "import read from the web; an import never fetches it")

    def _check_redirect(self, first: str, url: str) -> None:
        """Refuse a redirect to a local address (loopback, private, link-local) other than where ``first`` is."""
        start, target = urlsplit(first), urlsplit(url)
        if (start.hostname, start.port) == (target.hostname, target.port) or not self.is_local(self._host(url)):
            return
        raise FetchError(f"redirects to {target.hostname}:{target.port or target.scheme}, a local or private "
                         "address; an import never follows a redirect there")

    def _one(self, url: str, max_bytes: int, deadline: float) -> tuple[Fetched | None, str]:
        with self._client.stream("GET", url) as response:
            if response.is_redirect:
                return None, response.headers.get("location", "")
            if response.status_code != 200:
                raise FetchError(f"answered HTTP {response.status_code}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"is {int(declared):,} bytes, more than the {max_bytes:,} allowed")
            content = bytearray()
            for chunk in response.iter_bytes():
                content += chunk
                if len(content) > max_bytes:
                    raise FetchError(f"is more than the {max_bytes:,} bytes allowed")
                if time.monotonic() > deadline:
                    raise FetchError(f"took longer than the {self._seconds + max_bytes / BYTES_PER_SECOND:.0f} "
                                     "seconds allowed (the server sends too slowly)")
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            return Fetched(str(response.url), bytes(content), kind), ""


def _check_scheme(url: str) -> None:
    if not urls.is_web_url(url) or not urlsplit(url).hostname:
        raise FetchError("is not an http:// or https:// address")


def _local_name(host: str) -> bool:
    return host == "localhost" or host.endswith(".localhost")


def _resolve(host: str) -> tuple[str, ...]:
    """The addresses ``host`` resolves to, each once, in the resolver's order (OSError if none)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return tuple(dict.fromkeys(str(info[4][0]) for info in infos))


def _local_address(text: str) -> bool:
    address = ipaddress.ip_address(text.split("%")[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast
