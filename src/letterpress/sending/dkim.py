"""DKIM signatures (RFC 6376) with dkimpy, covering the headers Gmail and Yahoo look at.

Since 2024 both require bulk mail to be signed, with ``List-Unsubscribe`` and
``List-Unsubscribe-Post`` under the signature (RFC 8058). When the config
names a selector and a domain, each message is signed with the private key
from ``LETTERPRESS_DKIM_KEY`` (the PEM text) or ``sending.dkim_key_file``;
otherwise the relay must sign, and the send says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, ProblemsError
from ..model.settings import CONFIG_FILE, Settings

DKIM_KEY_VARIABLE = "LETTERPRESS_DKIM_KEY"
# Present headers only are signed; absent ones (Reply-To, List-Id) are skipped.
SIGNED_HEADERS = ("From", "To", "Subject", "Date", "Message-ID", "Reply-To", "List-Id",
                  "List-Unsubscribe", "List-Unsubscribe-Post", "MIME-Version", "Content-Type")
REQUIRED_HEADERS = ("From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post")
KEY = "plugins.letterpress.sending"


@dataclass(frozen=True)
class DkimSigner:
    """Signs messages as ``selector._domainkey.domain``."""

    selector: str
    domain: str
    private_key: bytes

    def sign(self, message: bytes) -> bytes:
        """``message`` with a ``DKIM-Signature`` header in front (relaxed/relaxed canonicalisation)."""
        import dkim  # 66 ms to import (dnspython): only a send that signs pays it

        present = _header_names(message)
        headers = [name.encode() for name in SIGNED_HEADERS if name.lower() in present]
        signature = dkim.sign(message, self.selector.encode(), self.domain.encode(), self.private_key,
                              canonicalize=(b"relaxed", b"relaxed"), include_headers=headers)
        return signature + message


def dkim_signer(settings: Settings) -> DkimSigner | None:
    """The signer the config asks for, or None when it names no selector and domain.

    Raises:
        ProblemsError: a selector without a domain (or the reverse), no key, or a key dkimpy cannot read.
    """
    options = settings.sending
    selector, domain = options.dkim_selector.strip(), options.dkim_domain.strip().lower()
    if not selector and not domain:
        return None
    if not selector or not domain:
        missing = "dkim_domain" if selector else "dkim_selector"
        raise ProblemsError([Problem(CONFIG_FILE, f"{KEY}.{missing}", "is missing; DKIM needs both "
                                     "dkim_selector and dkim_domain (e.g. selector 'letters', domain 'example.org').")])
    import dkim

    signer = DkimSigner(selector, domain, _private_key(settings))
    try:
        signer.sign(b"From: a@example.org\r\nTo: b@example.org\r\nSubject: key check\r\n\r\nkey check\r\n")
    except dkim.DKIMException as error:
        raise ProblemsError([Problem(CONFIG_FILE, f"{KEY}.dkim_key_file", f"the DKIM private key cannot be "
                                     f"used ({error}); give an RSA key in PEM form.")]) from None
    return signer


def _private_key(settings: Settings) -> bytes:
    value = os.environ.get(DKIM_KEY_VARIABLE, "").strip()
    if value:
        return value.encode() + b"\n"
    path_text = settings.sending.dkim_key_file.strip()
    if not path_text:
        raise ProblemsError([Problem(CONFIG_FILE, f"{KEY}.dkim_key_file", f"no DKIM private key: set the "
                                     f"environment variable {DKIM_KEY_VARIABLE} to the PEM text, or "
                                     "dkim_key_file to a file outside git.")])
    path = Path(path_text).expanduser()
    path = path if path.is_absolute() else settings.root / path
    try:
        return path.read_bytes()
    except OSError as error:
        raise ProblemsError([Problem(CONFIG_FILE, f"{KEY}.dkim_key_file", f"cannot read {path} "
                                     f"({error.strerror}); fix the path or set {DKIM_KEY_VARIABLE}.")]) from None


def _header_names(message: bytes) -> set[str]:
    head = message.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    names = set()
    for line in head.splitlines():
        if line and not line[:1].isspace() and b":" in line:
            names.add(line.split(b":", 1)[0].strip().decode("ascii", "replace").lower())
    return names
