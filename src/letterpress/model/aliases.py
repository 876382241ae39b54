"""The old addresses of an essay (``aliases:``) and the source it was imported from (``imported_from:``).

An alias is the path part of a URL the essay used to have elsewhere
(``/p/my-slug``, ``/2019/05/old-post/``, ``/old.html``). The build writes a
redirect page at each one, so the path becomes a file name under ``site/``: it
is refused unless it is a plain path that stays inside the site. Web servers
decode ``%XX`` before they look for the file, so an alias is kept decoded
(``/caf%C3%A9/`` and ``/café/`` are the same alias) and every check runs on the
decoded text. The standard library's ``urllib.parse`` does the decoding; the rules
themselves are ours, because no library knows which paths a static site may hold.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath
from urllib.parse import quote, unquote, urlsplit

__all__ = ["MAX_ALIASES", "AliasError", "alias_file", "alias_url", "check_imported_from", "parse_alias"]

MAX_LENGTH = 300  # characters of an alias as written; old permalinks are far shorter
MAX_PART_BYTES = 200  # a file name is at most 255 bytes, and the atomic write adds a prefix and suffix
MAX_ALIASES = 50
MAX_IMPORTED_FROM = 300
FILE_SUFFIXES = (".html", ".htm")  # served as that file; any other path becomes <path>/index.html
# Not allowed in a URL path even percent-encoded: they mean something else to a browser,
# a web server or a file system ('\' is '/' to browsers and Windows).
UNSAFE = set('\\<>"|^`{}*')
PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
IMPORTED_FROM = re.compile(r"[a-z][a-z0-9-]{0,30}:\S.*")


class AliasError(ValueError):
    """An alias or ``imported_from`` value that cannot be used; the message says what to do."""


def parse_alias(value: object) -> str:
    """The alias ``value`` checked and decoded, e.g. ``/p/my-slug`` or ``/2019/05/old-post/``.

    Raises:
        AliasError: with a message (no field name) saying what is wrong and how to fix it.
    """
    if not isinstance(value, str):
        raise AliasError(f"{value!r} is not a path; write each old address as text, e.g. '/p/my-slug'.")
    text = value.strip()
    _check_written(text)
    _check_escapes(text)
    decoded = unquote(text, errors="strict")
    _check_parts(text, decoded)
    return decoded


def _check_written(text: str) -> None:
    if len(text) > MAX_LENGTH:
        raise AliasError(f"is {len(text)} characters long, more than {MAX_LENGTH}; an old address is a short path.")
    if _has_control(text):
        raise AliasError("contains an invisible or control character (line break, tab, NUL); "
                         "write the path on one line.")
    parts = urlsplit(text) if "://" in text or text.startswith("//") else None
    if parts is not None and (parts.scheme or parts.netloc):
        path = parts.path or "/"
        raise AliasError(f"'{_shown(text)}' names a site, not a path; write only the path, '{_shown(path)}' "
                         "(a redirect can only be written on this site).")
    if not text.startswith("/"):
        raise AliasError(f"'{_shown(text)}' does not start with '/'; write the old page's path from the "
                         "site's root, e.g. '/p/my-slug'.")


def _check_escapes(text: str) -> None:
    if "?" in text or "#" in text:
        raise AliasError(f"'{_shown(text)}' has a '?' query or '#' fragment; a redirect page answers a path "
                         "only: remove everything from the '?' or '#'.")
    if PERCENT.search(text):
        raise AliasError(f"'{_shown(text)}' has a '%' that is not followed by two hex digits; "
                         "write a literal '%' as '%25'.")
    try:
        unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise AliasError(f"'{_shown(text)}' has %-escapes that are not UTF-8 text; copy the address "
                         "from the browser again.") from None


def _check_parts(text: str, decoded: str) -> None:
    if text == "/":
        raise AliasError("'/' is the home page; an alias names an old page's path, e.g. '/p/my-slug'.")
    if _has_control(decoded) or any(ch.isspace() or ch in UNSAFE for ch in decoded):
        raise AliasError(f"'{_shown(text)}' contains a space, a control character or one of \\ < > \" | ^ ` {{ }} *; "
                         "an old address has none: copy it from the browser again.")
    if re.search(r"%2f", text, re.IGNORECASE):
        raise AliasError(f"'{_shown(text)}' has an encoded '/' (%2F); write the path with plain '/'.")
    parts = decoded.strip("/").split("/")
    for part in parts:
        if part in ("", ".", ".."):
            raise AliasError(f"'{_shown(text)}' has an empty, '.' or '..' part; write the path without "
                             "'//', './' or '../'.")
        if part.startswith("."):
            raise AliasError(f"'{_shown(text)}' has a part starting with '.' ('{_shown(part)}'); "
                             "web servers hide such files: an alias cannot be one.")
        if len(part.encode("utf-8")) > MAX_PART_BYTES:
            raise AliasError(f"'{_shown(text)}' has a part longer than {MAX_PART_BYTES} bytes; "
                             "no file can be named so.")


def alias_file(alias: str) -> PurePosixPath:
    """The site-relative file a redirect for ``alias`` (as :func:`parse_alias` returns it) is written to.

    ``/x.html`` is that file; ``/x`` and ``/x/`` are ``x/index.html``.
    """
    path = PurePosixPath(alias.strip("/"))
    if not alias.endswith("/") and path.suffix.lower() in FILE_SUFFIXES:
        return path
    return path / "index.html"


def alias_url(alias: str) -> str:
    """The alias as it appears in a URL (non-ASCII letters percent-encoded)."""
    return quote(alias, safe="/!$&'()*+,;=:@~-._")


def check_imported_from(value: object) -> str:
    """``imported_from`` checked: ``<source>:<id>``, e.g. ``substack:171234567``.

    Raises:
        AliasError: with what to write instead.
    """
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise AliasError("expected text '<source>:<id>', e.g. 'imported_from: \"substack:171234567\"'.")
    text = str(value).strip()
    if _has_control(text):
        raise AliasError("contains a control character (line break, tab or NUL); keep it on one line.")
    if len(text) > MAX_IMPORTED_FROM:
        raise AliasError(f"is {len(text)} characters long, more than {MAX_IMPORTED_FROM}; "
                         "write '<source>:<id>', e.g. 'substack:171234567'.")
    if not IMPORTED_FROM.fullmatch(text):
        raise AliasError(f"'{_shown(text)}' is not '<source>:<id>' (a lower-case source name, ':' and "
                         "the item's id), e.g. 'substack:171234567'.")
    return text


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


def _shown(text: str) -> str:
    """``text`` cut short for a message (it is printed in a terminal: controls were refused before)."""
    return text if len(text) <= 60 else text[:60] + "…"
