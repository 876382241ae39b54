"""The import connects to the address it checked: no second answer from DNS, no proxy, TLS for the name.

A name that answers the check with one address and the connection with another (DNS rebinding)
is played here by a resolver that answers ``rebind.test`` with 127.0.0.1 first and 127.0.0.2
after; a decoy server on 127.0.0.2 (loopback too) shows whether the second answer was used. In
the tests where the check must pass, the fetcher is told that 127.0.0.1 is public (``private=``),
standing in for a public server; every server here listens on the loopback interface.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpcore
import pytest

from letterpress.migrate.fetch import Fetcher, FetchError
from letterpress.migrate.pinned import PinnedBackend

PNG = b"\x89PNG\r\n\x1a\n"
PUBLIC_SOURCE = "https://93.184.216.34/feed.xml"  # nothing is fetched from it


def _only_decoy_is_private(address: str) -> bool:
    return address != "127.0.0.1"  # 127.0.0.1 plays a public server here


@contextmanager
def recording_server(address: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None):
    """A server that records (path, Host) of each request; ``/to/<url>`` redirects to ``<url>``, the rest is a PNG."""
    seen: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            seen.append((self.path, self.headers.get("Host", "")))
            redirect = self.path.startswith("/to/")
            self.send_response(302 if redirect else 200)
            if redirect:
                self.send_header("Location", self.path.removeprefix("/to/"))
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", "0" if redirect else str(len(PNG)))
            self.end_headers()
            self.wfile.write(b"" if redirect else PNG)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((address, port), Handler)
    server.daemon_threads = True
    if tls:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def resolver(monkeypatch):
    """Answers for made-up names (a list: one answer per question, the last one repeated); counts the questions."""
    answers: dict[str, list[str]] = {}
    asked: dict[str, int] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        asked[host] = asked.get(host, 0) + 1
        address = answers[host][min(asked[host], len(answers[host])) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port or 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers, asked


@pytest.fixture
def server_and_decoy():
    """A server on 127.0.0.1 and a decoy on 127.0.0.2, the same port: (port, seen by server, seen by decoy)."""
    with recording_server() as (port, seen), recording_server("127.0.0.2", port) as (_, decoy_seen):
        yield port, seen, decoy_seen


def test_the_connection_goes_to_the_address_that_passed_the_check(resolver, server_and_decoy):
    answers, asked = resolver
    answers["rebind.test"] = ["127.0.0.1", "127.0.0.2"]
    port, seen, decoy_seen = server_and_decoy
    with Fetcher(timeout=5, private=_only_decoy_is_private) as fetcher:
        fetcher.came_from(PUBLIC_SOURCE)  # so the page's address is checked
        assert fetcher.get(f"http://rebind.test:{port}/image.png").content == PNG
        assert fetcher.get(f"http://rebind.test:{port}/again.png").content == PNG
    assert seen == [("/image.png", f"rebind.test:{port}"), ("/again.png", f"rebind.test:{port}")]
    assert decoy_seen == []
    assert asked == {"rebind.test": 1}


def test_a_redirect_is_checked_and_connected_to_by_the_same_answer(resolver, server_and_decoy):
    answers, asked = resolver
    answers["rebind.test"] = ["127.0.0.1", "127.0.0.2"]
    port, seen, decoy_seen = server_and_decoy
    target = f"http://rebind.test:{port}/image.png"
    with Fetcher(timeout=5, private=_only_decoy_is_private) as fetcher:
        fetched = fetcher.get(f"http://127.0.0.1:{port}/to/{target}")
    assert (fetched.url, fetched.content) == (f"http://rebind.test:{port}/image.png", PNG)
    assert seen == [(f"/to/{target}", f"127.0.0.1:{port}"), ("/image.png", f"rebind.test:{port}")]
    assert decoy_seen == []
    assert asked == {"rebind.test": 1}


def test_a_redirect_to_a_name_that_answers_a_private_address_is_refused_before_connecting(resolver, server_and_decoy):
    answers, _ = resolver
    answers["rebind.test"] = ["127.0.0.2", "127.0.0.1"]  # private to the check, "public" if asked again
    port, seen, decoy_seen = server_and_decoy
    with Fetcher(timeout=5, private=_only_decoy_is_private) as fetcher, \
            pytest.raises(FetchError, match=f"redirects to rebind.test:{port}, a local or private address"):
        fetcher.get(f"http://127.0.0.1:{port}/to/http://rebind.test:{port}/image.png")
    assert len(seen) == 1 and decoy_seen == []


def test_the_backend_connects_to_no_host_that_was_not_checked():
    with recording_server() as (port, seen), pytest.raises(httpcore.ConnectError, match="not resolved and checked"):
        PinnedBackend(lambda host: None).connect_tcp("127.0.0.1", port, timeout=5)
    assert seen == []


def test_a_proxy_in_the_environment_is_never_contacted(monkeypatch, resolver):
    answers, _ = resolver
    answers["rebind.test"] = ["127.0.0.1"]
    with recording_server() as (port, seen), recording_server() as (proxy_port, proxy_seen):
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.setenv(name, f"http://127.0.0.1:{proxy_port}")
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        with Fetcher(timeout=5) as fetcher:
            assert fetcher.get(f"http://rebind.test:{port}/image.png").content == PNG
    assert seen == [("/image.png", f"rebind.test:{port}")]
    assert proxy_seen == []


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for the name letterpress.test (made with the openssl command): (key, cert)."""
    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "2", "-subj", "/CN=letterpress.test",
                    "-addext", "subjectAltName=DNS:letterpress.test"], check=True, capture_output=True)
    return key, cert


@pytest.fixture
def tls_server(certificate, resolver):
    """A TLS server on 127.0.0.1 for letterpress.test (other.test resolves there too): (port, seen, names in SNI)."""
    key, cert = certificate
    answers, _ = resolver
    answers.update({"letterpress.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
    names: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda connection, name, ctx: names.append(name)
    with recording_server(tls=context) as (port, seen):
        yield port, seen, names


def _trusting(certificate) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[1]))


def test_tls_is_verified_for_the_host_name_while_connecting_to_the_pinned_address(certificate, tls_server):
    port, seen, names = tls_server
    with Fetcher(timeout=5, verify=_trusting(certificate)) as fetcher:
        assert fetcher.get(f"https://letterpress.test:{port}/image.png").content == PNG
    assert seen == [("/image.png", f"letterpress.test:{port}")]
    assert names == ["letterpress.test"]


def test_a_certificate_for_another_name_is_refused(certificate, tls_server):
    port, seen, names = tls_server
    with Fetcher(timeout=5, verify=_trusting(certificate)) as fetcher, \
            pytest.raises(FetchError, match="certificate verify failed: Hostname mismatch"):
        fetcher.get(f"https://other.test:{port}/image.png")
    assert seen == [] and names == ["other.test"]
