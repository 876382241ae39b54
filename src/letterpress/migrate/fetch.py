"""Bounded fetching of pages, images and narrations: timeouts, a size cap, http(s) only.

Redirects are followed here, one hop at a time (at most :data:`MAX_REDIRECTS`), so
that each hop is checked: a redirect to ``file:``, ``ftp:`` or any other scheme
is refused instead of being handed to a client that might know it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..model import urls

MAX_REDIRECTS = 5
TIMEOUT = 20.0  # seconds to connect, and between two reads
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

    def __init__(self, timeout: float = TIMEOUT):
        import httpx  # imported here: only importing commands need it

        self._httpx = httpx
        self._client = httpx.Client(timeout=timeout, follow_redirects=False,
                                    headers={"User-Agent": USER_AGENT})

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self._client.close()

    def get(self, url: str, max_bytes: int = PAGE_BYTES) -> Fetched:
        """The body at ``url``, following at most :data:`MAX_REDIRECTS` http(s) redirects.

        Raises:
            FetchError: not http(s), unreachable, an error status, too many redirects, or
                more than ``max_bytes``.
        """
        for _ in range(MAX_REDIRECTS + 1):
            _check_scheme(url)
            try:
                fetched, location = self._one(url, max_bytes)
            except self._httpx.HTTPError as error:
                raise FetchError(f"cannot be fetched ({type(error).__name__}: {error or 'no answer'})") from None
            if fetched is not None:
                return fetched
            url = urljoin(url, location)
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _one(self, url: str, max_bytes: int) -> tuple[Fetched | None, str]:
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
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            return Fetched(str(response.url), bytes(content), kind), ""


def _check_scheme(url: str) -> None:
    if not urls.is_web_url(url) or not urlsplit(url).hostname:
        raise FetchError("is not an http:// or https:// address")
