"""Connections to the address the import checked, never to a second answer from the resolver.

httpx resolves a host name again when it connects. An import that checked a name's addresses
and then let httpx resolve it would leave a window (DNS rebinding): a name may answer the check
with a public address and the connection with 127.0.0.1. Here the TCP connection is made by a
network backend that takes the addresses the :class:`~letterpress.migrate.fetch.Fetcher` checked
and resolves nothing itself; httpcore, above the backend, still sends the host name in the Host
header and uses it for TLS (SNI and the name the certificate must carry).
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterable

import httpcore
import httpx

Checked = Callable[[str], "tuple[str, ...] | None"]  # a host name -> the addresses checked for it


class PinnedBackend(httpcore.SyncBackend):
    """httpcore's blocking backend, connecting to the checked addresses of a host (in order) instead of its name."""

    def __init__(self, checked: Checked):
        self._checked = checked

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None) -> httpcore.NetworkStream:
        """A stream to the first of ``host``'s checked addresses that answers on ``port``.

        Raises:
            httpcore.ConnectError: ``host`` was not checked (nothing is resolved here), or no address answered.
        """
        failure: Exception = httpcore.ConnectError(f"{host} was not resolved and checked before connecting")
        for address in self._checked(host) or ():
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error  # the next address, as socket.create_connection would try it
        raise failure


def pinned_transport(checked: Checked, verify: ssl.SSLContext | None = None) -> httpx.HTTPTransport:
    """An httpx transport whose connections go to ``checked(host)``; certificates are checked by ``verify``.

    ``verify`` defaults to certifi's authorities. Nothing is taken from the environment: no proxy
    (it would connect instead of us, and the pin would mean nothing), no ``SSL_CERT_FILE``.
    """
    context = verify or httpx.create_ssl_context(trust_env=False)
    transport = httpx.HTTPTransport(verify=context, trust_env=False)
    # httpx 0.28 cannot be given a network backend (encode/httpx#3749 would add it), so its pool is
    # replaced by one with ours. If httpx no longer keeps its pool there, refuse rather than connect unpinned.
    if type(getattr(transport, "_pool", None)) is not httpcore.ConnectionPool:
        raise RuntimeError(f"httpx {httpx.__version__} keeps no httpcore.ConnectionPool in HTTPTransport._pool, "
                           "so the import cannot choose where it connects; see letterpress/migrate/pinned.py")
    transport._pool = httpcore.ConnectionPool(ssl_context=context, max_keepalive_connections=20,
                                              keepalive_expiry=5.0, network_backend=PinnedBackend(checked))
    return transport
