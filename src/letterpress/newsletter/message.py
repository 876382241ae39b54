"""The rendered letter and its MIME messages, personalised cheaply per recipient.

The HTML and text are encoded (quoted-printable) once per letter, with gaps
where the recipient's address and unsubscribe link go; a message for one
reader only encodes those two short values and joins the pieces. Constant
headers are parsed once and shared. That is what makes 10,000 messages cheap:
the stdlib would re-encode the ~80 KB body for every one of them.
"""

from __future__ import annotations

import hashlib
import html as html_module
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import quoprimime
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage, MIMEPart
from email.parser import BytesHeaderParser
from email.policy import EmailPolicy, compat32
from email.utils import format_datetime, formataddr
from urllib.parse import quote

from .. import tokens
from ..model.names import safe_name
from .addresses import HeaderInjectionError, refuse_control
from .attachment import Attachment

PLACEHOLDER_ADDRESS = "@@LP_RECIPIENT_ADDRESS@@"
PLACEHOLDER_UNSUBSCRIBE = "@@LP_UNSUBSCRIBE_URL@@"
PLACEHOLDERS = {PLACEHOLDER_ADDRESS: "address", PLACEHOLDER_UNSUBSCRIBE: "unsubscribe_url"}
_PLACEHOLDER = re.compile("|".join(map(re.escape, PLACEHOLDERS)))
_FIELD_NAME = re.compile(rb"([!-9;-~]+):")  # RFC 5322 section 3.6.8: printable ASCII but the colon


class _CachedRegistry(HeaderRegistry):
    """The stdlib's header registry, building each header class once instead of per lookup."""

    def __init__(self):
        super().__init__()
        self._classes: dict[str, type] = {}

    def __getitem__(self, name):
        key = name.lower()
        if key not in self._classes:
            self._classes[key] = super().__getitem__(name)
        return self._classes[key]


class Preformatted(str):
    """A header value already in its RFC 5322 form (ASCII, encoded words applied, folded)."""


class LetterPolicy(EmailPolicy):
    """``email.policy.default`` that stores :class:`Preformatted` values as they are.

    The stdlib parses every header string into a tree and folds it again for
    each message; the constant headers of a letter are folded once, and the
    per-recipient ones are formatted directly. Reading a header still returns
    the stdlib's parsed header object.
    """

    def header_store_parse(self, name, value):
        if isinstance(value, Preformatted):
            return (name, str(value))
        return super().header_store_parse(name, value)


# Headers are folded only past RFC 5322's hard limit of 998: folding at 78
# columns would turn the unbreakable List-Unsubscribe URL into encoded words,
# which one-click unsubscribe cannot use. Serialize with these policies:
# message.as_bytes() uses POLICY; for SMTP use as_bytes(policy=SMTP_POLICY).
POLICY = LetterPolicy(max_line_length=998, header_factory=_CachedRegistry())
SMTP_POLICY = POLICY.clone(linesep="\r\n")
# Constant headers are folded once at the usual 78 columns (RFC 5322's "should").
_FOLD_POLICY = POLICY.clone(max_line_length=78)


class _Spliced:
    """A body encoded as quoted-printable once, with gaps for the per-recipient values.

    Every gap starts and ends a line of the encoding (soft line breaks around
    it), so a value encoded on its own fits without re-encoding the rest.
    QP never produces "=_", which is why the MIME boundaries below use it.
    """

    def __init__(self, text: str):
        self.pieces: list[str | None] = []
        self.keys: list[str] = []
        position = 0
        for match in _PLACEHOLDER.finditer(text):
            self.pieces.append(_encode(text[position:match.start()]))
            self.pieces.append(None)
            self.keys.append(PLACEHOLDERS[match.group()])
            position = match.end()
        self.pieces.append(_qp(text[position:]))
        self._by_linesep: dict[str, list[str | None]] = {"\n": self.pieces}

    def fill(self, values: dict[str, str], linesep: str = "\n") -> str:
        """The whole encoded body with ``values`` (by placeholder key) in the gaps, lines ending in ``linesep``.

        The same as ``fill(values).replace("\n", linesep)``, without a pass over the whole body.
        """
        pieces = self._by_linesep.get(linesep)
        if pieces is None:
            pieces = self._by_linesep[linesep] = [None if piece is None else piece.replace("\n", linesep)
                                                  for piece in self.pieces]
        encoded = {key: _encode(value).replace("\n", linesep) for key, value in values.items()}
        keys = iter(self.keys)
        return "".join(piece if piece is not None else encoded[next(keys)] for piece in pieces)


def _encode(segment: str) -> str:
    if not segment:
        return ""
    encoded = _qp(segment)
    return encoded if segment.endswith("\n") else encoded + "=\n"


def _qp(text: str) -> str:
    # quoprimime works on one character per byte, as the stdlib's own content manager feeds it.
    # 75, not 76: a soft break ("=") may follow the last line, and QP lines end at 76.
    return quoprimime.body_encode(text.encode("utf-8").decode("latin-1"), maxlinelen=75, eol="\n")


def _folded(name: str, value) -> Preformatted:
    """``value`` formatted and folded by the stdlib once, for every message of the letter."""
    folded = POLICY.header_factory(name, value).fold(policy=_FOLD_POLICY)
    return Preformatted(folded[len(name) + 2:].rstrip("\n"))


def _recipient(address: str, name: str):
    """The ``To`` value; formatted directly in the common case (ASCII, short name).

    A stored name that no longer passes the name rules (an encoded word, an
    invisible character) is left out: the letter goes to the bare address.
    """
    name = safe_name(name)
    if address.isascii() and name.isascii() and len(name) < 60:
        return Preformatted(formataddr((name, address)))
    local, _, domain = address.rpartition("@")
    return Address(display_name=name, username=local, domain=domain)


@dataclass(frozen=True)
class RenderedIssue:
    """One essay rendered as a letter, ready to be personalised per recipient.

    Attributes:
        slug: the essay's slug.
        subject: the Subject (title after ``subject_prefix``; "[Draft]" on drafts).
        html, text: the two bodies, with placeholders for the recipient's values.
        excerpted: True when the essay was cut to fit ``budget_kb``.
        html_bytes: the HTML's size as the longest possible address would receive it.
        sections: (sections carried, sections in the essay).
        secret: the key the unsubscribe links are signed with ("": none here; a message
            then needs its ``unsubscribe_url`` given).
    """

    slug: str
    subject: str
    html: str
    text: str
    excerpted: bool
    html_bytes: int
    draft: bool = False
    date: datetime | None = None
    sender: Address | None = None
    reply_to: tuple[Address, ...] = ()
    list_id: str = ""
    list_name: str = ""
    service_url: str = ""
    unsubscribe_mailto: str = ""
    attachment: Attachment | None = None
    sections: tuple[int, int] = (1, 1)
    secret: str = field(default="", repr=False)
    _prepared: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        refuse_control(self.subject, "subject")
        refuse_control(self.list_id, "List-Id")
        digest = hashlib.sha256(f"{self.list_name}\n{self.slug}".encode()).hexdigest()[:24]
        self._prepared.update(
            html=_Spliced(self.html), text=_Spliced(self.text),
            boundary=f"=_lp_alt_{digest}", mixed_boundary=f"=_lp_mix_{digest}",
            headers=self._constant_headers(),
            date=_gmt(self.date or datetime.now(UTC)),
            text_type=Preformatted('text/plain; charset="utf-8"'),
            html_type=Preformatted('text/html; charset="utf-8"'),
            qp=Preformatted("quoted-printable"),
        )

    def message_for(self, address: str, name: str = "", unsubscribe_url: str = "",
                    date: datetime | None = None) -> EmailMessage:
        """The complete message for one recipient; no template is rendered here.

        Args:
            address: the recipient's address (``To``).
            name: their name, if known (``To: Name <address>``).
            unsubscribe_url: their one-click link; default: :meth:`unsubscribe_url`.
            date: the ``Date`` header; default: when the letter was rendered.

        Raises:
            HeaderInjectionError: a line break or control character in ``address`` or ``name``.
            SecretMissingError: no ``unsubscribe_url`` given and no ``secret``.
        """
        url = self._checked_url(address, name, unsubscribe_url)
        message = EmailMessage(policy=POLICY)
        for header_name, value in self._headers(address, name, url, date):
            message[header_name] = value
        text_payload, html_payload = self._payloads(address, url)
        text = self._part(self._prepared["text_type"], text_payload)
        html = self._part(self._prepared["html_type"], html_payload)
        if self.attachment is None:
            _multipart(message, "alternative", self._prepared["boundary"], [text, html])
            return check_message_headers(message)
        alternative = MIMEPart(policy=POLICY)
        _multipart(alternative, "alternative", self._prepared["boundary"], [text, html])
        _multipart(message, "mixed", self._prepared["mixed_boundary"], [alternative, self.attachment.part])
        return check_message_headers(message)

    def message_bytes(self, address: str, name: str = "", unsubscribe_url: str = "",
                      date: datetime | None = None, linesep: str = "\r\n") -> bytes:
        """``message_for(...).as_bytes(policy=SMTP_POLICY)``, byte for byte, composed directly.

        The stdlib's generator writes the ~80 KB body line by line for every
        message; here the pre-encoded pieces are joined. Same arguments and
        errors as :meth:`message_for`; ``linesep`` is CRLF for SMTP.
        """
        url = self._checked_url(address, name, unsubscribe_url)
        policy = POLICY.clone(linesep=linesep)
        headers = self._headers(address, name, url, date)
        head = "".join(policy.fold(header_name, value if isinstance(value, str) else
                                   POLICY.header_factory(header_name, value))
                       for header_name, value in headers)
        text, html = self._payloads(address, url, linesep)
        parts = [self._part_text("text_type", text, linesep), self._part_text("html_type", html, linesep)]
        body = _multipart_text(self._prepared["boundary"], parts, linesep)
        if self.attachment is not None:
            alternative = f'Content-Type: multipart/alternative; boundary="{self._prepared["boundary"]}"'
            attached = self.attachment.part.as_string(policy=policy)
            body = _multipart_text(self._prepared["mixed_boundary"],
                                   [alternative + linesep + linesep + body, attached], linesep)
            head += policy.fold("Content-Type", Preformatted(
                f'multipart/mixed; boundary="{self._prepared["mixed_boundary"]}"'))
        else:
            head += policy.fold("Content-Type", Preformatted(
                f'multipart/alternative; boundary="{self._prepared["boundary"]}"'))
        check_header_block(head.encode("ascii"), [*(header_name for header_name, _ in headers), "Content-Type"])
        return (head + linesep + body).encode("ascii")

    def html_for(self, address: str, unsubscribe_url: str) -> str:
        """The HTML one recipient receives (for previews)."""
        return _fill(self.html, html_module.escape(address), html_module.escape(unsubscribe_url))

    def text_for(self, address: str, unsubscribe_url: str) -> str:
        """The text one recipient receives (for previews)."""
        return _fill(self.text, address, unsubscribe_url)

    # -- parts ---------------------------------------------------------------------

    def _constant_headers(self) -> list[tuple[str, object]]:
        return [("From", _folded("From", self.sender)),
                ("Reply-To", _folded("Reply-To", list(self.reply_to))),
                ("Subject", _folded("Subject", self.subject)),
                ("List-Id", _folded("List-Id", self.list_id))]

    def unsubscribe_url(self, address: str) -> str:
        """``address``'s one-click link, signed with :attr:`secret`.

        Raises:
            SecretMissingError: the issue has no key.
        """
        if not self.secret:
            raise tokens.SecretMissingError(tokens.MISSING_SECRET)
        token = tokens.make_unsubscribe_token(address, self.list_name, self.secret)
        return f"{self.service_url}/unsubscribe?token={quote(token, safe='')}"

    def _list_unsubscribe(self, url: str) -> str:
        links = f"<{url}>"
        if self.unsubscribe_mailto:
            links += f", <mailto:{self.unsubscribe_mailto}?subject=unsubscribe>"
        return Preformatted(links) if links.isascii() else links

    def _checked_url(self, address: str, name: str, unsubscribe_url: str) -> str:
        refuse_control(address, "recipient address")
        refuse_control(name, "recipient name")
        url = unsubscribe_url or self.unsubscribe_url(address)
        return refuse_control(url, "unsubscribe URL")

    def _headers(self, address: str, name: str, url: str, date: datetime | None) -> list[tuple[str, object]]:
        """Every header but Content-Type, in order; only To, Message-ID and List-Unsubscribe vary."""
        if self.sender is None:
            raise ValueError(f"{self.slug}: a letter needs a sender (newsletter.sender)")
        return [*self._prepared["headers"],
                ("To", _recipient(address, name)),
                ("Date", _gmt(date) if date else self._prepared["date"]),
                ("Message-ID", Preformatted(message_id(self.list_name, self.slug, address, self.sender.domain))),
                ("List-Unsubscribe", self._list_unsubscribe(url)),
                ("List-Unsubscribe-Post", Preformatted("List-Unsubscribe=One-Click")),
                ("MIME-Version", Preformatted("1.0"))]

    def _payloads(self, address: str, url: str, linesep: str = "\n") -> tuple[str, str]:
        """The encoded text and HTML with this recipient's values."""
        values = {"address": address, "unsubscribe_url": url}
        escaped = {key: html_module.escape(value) for key, value in values.items()}
        return self._prepared["text"].fill(values, linesep), self._prepared["html"].fill(escaped, linesep)

    def _part_text(self, type_key: str, payload: str, linesep: str) -> str:
        return (f"Content-Type: {self._prepared[type_key]}{linesep}"
                f"Content-Transfer-Encoding: quoted-printable{linesep}{linesep}{payload}")

    def _part(self, content_type, payload: str) -> MIMEPart:
        part = MIMEPart(policy=POLICY)
        part["Content-Type"] = content_type
        part["Content-Transfer-Encoding"] = self._prepared["qp"]
        part.set_payload(payload)
        return part


def check_header_block(data: bytes, expected) -> None:
    """Raise unless the message in ``data`` has exactly the headers ``expected``, one each.

    The serialized header block is parsed again, without decoding anything
    (``compat32``): a value that smuggled in a line break shows up as an
    extra header, or as a blank line that pushes the real headers into the
    body. This holds whatever the interpreter's email package does when it
    folds (gh-121650), so the check runs on every message we hand out.

    Raises:
        HeaderInjectionError: naming the unexpected and the missing headers.
    """
    if _plainly_these(data, expected):
        return
    found = [name.lower() for name in BytesHeaderParser(policy=compat32).parsebytes(data, headersonly=True).keys()]
    wanted = [name.lower() for name in expected]
    if sorted(found) != sorted(wanted):
        extra = sorted(set(found) - set(wanted)) or sorted(name for name in set(found) if found.count(name) > 1)
        missing = sorted(set(wanted) - set(found))
        raise HeaderInjectionError(f"a header value broke out of its line (unexpected: {', '.join(extra) or '-'}; "
                                   f"missing: {', '.join(missing) or '-'}); the message was not sent.")


def _plainly_these(data: bytes, expected) -> bool:
    """True when every line of the header block ``data`` is an expected header's ``Name:`` line, once each,
    or a folded continuation, with no CR or LF but the line ends; False leaves it to the parser.

    Hand-written because the stdlib's parser costs a third of composing a message. It accepts
    only blocks the parser reads the same way (it splits lines at CR and LF alike, and a
    field name is printable ASCII up to the first colon); anything else, the parser decides.
    """
    linesep = b"\r\n" if data.endswith(b"\r\n") else b"\n"
    *lines, last = data.split(linesep)
    names: list[bytes] = []
    for line in lines:
        if not line or b"\r" in line or b"\n" in line:
            return False
        if line[:1] in (b" ", b"\t"):
            if not names:
                return False
            continue
        match = _FIELD_NAME.match(line)
        if match is None:
            return False
        names.append(match.group(1).lower())
    return last == b"" and sorted(names) == sorted(name.lower().encode("ascii", "replace") for name in expected)


def check_message_headers(message: EmailMessage) -> EmailMessage:
    """``message`` unchanged once :func:`check_header_block` holds for its own headers, serialized."""
    head = "".join(POLICY.fold(name, value) for name, value in message.raw_items())
    check_header_block((head + "\n").encode("utf-8", "surrogateescape"), message.keys())
    return message


def _multipart(message, subtype: str, boundary: str, parts: list) -> None:
    message["Content-Type"] = Preformatted(f'multipart/{subtype}; boundary="{boundary}"')
    message.set_payload(parts)


def _multipart_text(boundary: str, parts: list[str], linesep: str) -> str:
    """A multipart body as the stdlib's generator writes it (no preamble or epilogue)."""
    delimiter = f"{linesep}--{boundary}{linesep}"
    return f"--{boundary}{linesep}" + delimiter.join(parts) + f"{linesep}--{boundary}--{linesep}"


def _fill(text: str, address: str, unsubscribe_url: str) -> str:
    return text.replace(PLACEHOLDER_ADDRESS, address).replace(PLACEHOLDER_UNSUBSCRIBE, unsubscribe_url)


def _gmt(moment: datetime) -> Preformatted:
    return Preformatted(format_datetime(moment.astimezone(UTC), usegmt=True))


def message_id(list_name: str, slug: str, address: str, domain: str) -> str:
    """``<hash@domain>``, the same for the same letter and recipient, every time.

    A resent message after a crash keeps its Message-ID, so clients and
    servers can tell it is the same letter.
    """
    digest = hashlib.sha256(f"{list_name}\n{slug}\n{address.lower()}".encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"
