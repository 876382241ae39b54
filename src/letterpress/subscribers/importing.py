"""CSV import and export of subscribers, reading the exports of Substack, Buttondown and Mailchimp.

An import is checked whole before anything is written: every bad row is
reported (row, column, reason) and nothing is imported unless the caller
asks to skip the bad rows. People the file marks as gone (unsubscribed,
cleaned, disabled) are recorded as such, so they stay out; and an import never
turns someone who left back into an active subscriber.

An export is opened in spreadsheets, which run a cell that starts with
``=``, ``+``, ``-`` or ``@`` (or a tab, CR or NUL) as a formula: a name typed
into the public form such as ``=HYPERLINK(…)`` would become a live link, or
worse. So such cells are written with a leading ``'`` (OWASP's advice for
CSV injection), and an import removes exactly that ``'`` again, so an
export imports back as it was (addresses may start with ``-``, ``+`` or ``=``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..errors import Problem, ProblemsError
from ..model.files import write_atomic
from ..model.names import name_problem
from .store import STOPPED, InvalidAddressError, SubscriberStore, normalise_address, utc_now

EXPORT_COLUMNS = ("email", "name", "status", "consent_source", "consent_at", "created_at", "updated_at")
# Header names after normalising (lower case, runs of other characters -> "_").
# Substack: email, name, created_at, email_disabled; Buttondown: email (or
# email_address), creation_date, subscriber_type; Mailchimp: "Email Address",
# "First Name", "Last Name", OPTIN_TIME, CONFIRM_TIME, UNSUB_TIME, CLEAN_TIME.
ALIASES = {
    "email": ("email", "email_address", "e_mail", "e_mail_address", "subscriber_email"),
    "name": ("name", "full_name", "subscriber_name", "display_name"),
    "first_name": ("first_name", "firstname", "fname"),
    "last_name": ("last_name", "lastname", "lname"),
    "status": ("status", "subscriber_type", "type"),
    "consent_source": ("consent_source",),
    "consent_at": ("consent_at", "confirm_time", "optin_time", "creation_date", "created_at",
                   "subscription_date", "subscribed_at", "date_subscribed"),
    "unsubscribed_at": ("unsub_time", "unsubscribed_at"),
    "cleaned_at": ("clean_time", "cleaned_at"),
    "email_disabled": ("email_disabled",),
}
STATUS_WORDS = {
    "active": ("active", "subscribed", "regular", "premium", "paid", "free", "gifted", "trialed",
               "churning", "past_due", "unpaid", "comp"),
    "pending": ("pending", "unactivated", "unconfirmed"),
    "unsubscribed": ("unsubscribed", "removed", "paused"),
    "bounced": ("bounced", "cleaned", "undeliverable"),
    "complained": ("complained", "spammy", "blocked"),
}
TRUE_WORDS = ("true", "yes", "1", "y")
# A cell a spreadsheet would run as a formula, after any quotes we added. Cells
# that already start with quotes before such a character get one more, so the
# import can take exactly one off and every cell comes back as it was.
FORMULA_START = re.compile(r"'*[=+\-@\t\r\0]")


@dataclass
class Row:
    """One valid row, read and normalised."""

    line: int
    email: str
    name: str
    status: str
    consent_source: str
    consent_at: str | None


@dataclass
class ImportReport:
    """What an import did, in counts (never addresses) plus the problems found."""

    source: str
    rows: int = 0
    added: int = 0
    activated: int = 0
    unchanged: int = 0
    stopped: int = 0  # rows the file marks as gone, recorded so they stay out
    kept_out: int = 0  # rows for people who had left (or were erased); not re-activated
    duplicates: int = 0
    skipped_invalid: int = 0
    unreadable_dates: int = 0
    problems: list[Problem] = field(default_factory=list)


def import_csv(store: SubscriberStore, path: Path, skip_invalid: bool = False, *, text: str | None = None,
               source: str | None = None) -> ImportReport:
    """Import the subscribers in the CSV file at ``path``.

    Args:
        store: the subscriber store.
        path: a CSV file with a header naming an email column.
        skip_invalid: import the valid rows even when some are not.
        text: the file's text, when it was read already (e.g. from an export's zip; ``path``
            then only names it in messages).
        source: the consent source recorded for rows that name none (default: the file and
            the service whose export it looks like).

    Returns:
        The counts of what happened (and the problems of skipped rows).

    Raises:
        ProblemsError: the file cannot be read, has no email column, or has bad
            rows and ``skip_invalid`` is False; then nothing is imported.
    """
    text = _read_text(path) if text is None else text
    reader = csv.reader(io.StringIO(text, newline=""), **_dialect(text))
    header = next(reader, None)
    header = header or []
    columns = _columns(header, path)
    report = ImportReport(source=source or f"import of {path.name} ({_service(header)})")
    rows = _valid_rows(reader, _Columns(columns, header, str(path)), report)
    errors = [p for p in report.problems if p.is_error]
    if errors and not skip_invalid:
        raise ProblemsError(errors + [Problem(str(path), "", "nothing was imported; fix these rows, or "
                                              "import the others with --skip-invalid.")])
    report.skipped_invalid = len(errors)
    with store.transaction():
        for row in rows:
            _store_row(store, row, report)
    return report


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ProblemsError([Problem(str(path), "", "file not found; give the path of a CSV file.")]) from None
    except UnicodeDecodeError as error:
        raise ProblemsError([Problem(str(path), "", f"not UTF-8 text (byte {error.start}); save the CSV "
                                     "as UTF-8 and import it again.")]) from None


def _dialect(text: str) -> dict:
    """The header's delimiter (comma, semicolon or tab), on Excel's quoting rules.

    Only the delimiter is sniffed: from a header without quotes the sniffer
    also guesses that ``""`` is not an escaped quote, and a name with a ``"``
    in it would then not read back.
    """
    first_line = text.split("\n", 1)[0]
    try:
        sniffed = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        return {"dialect": csv.excel}
    return {"dialect": csv.excel, "delimiter": sniffed.delimiter, "skipinitialspace": sniffed.skipinitialspace}


def _normalise_header(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def _columns(header: list[str], path: Path) -> dict[str, int]:
    """Our field name -> column index, for the columns the header names."""
    names = [_normalise_header(name) for name in header]
    columns = {}
    for key, aliases in ALIASES.items():
        found = next((names.index(alias) for alias in aliases if alias in names), None)
        if found is not None:
            columns[key] = found
    if "email" not in columns:
        shown = ", ".join(header) if header else "an empty file"
        raise ProblemsError([Problem(
            str(path), "email", f"no email column in the header (found: {shown}); the first row must "
            "name the columns, one of them 'email' (or 'Email Address').", line=1)])
    return columns


def _service(header: list[str]) -> str:
    """Which service's export the header looks like, for the report."""
    names = {_normalise_header(name) for name in header}
    if names & {"optin_time", "member_rating", "leid", "euid"}:
        return "Mailchimp export"
    if names & {"subscriber_type", "creation_date"}:
        return "Buttondown export"
    if names & {"active_subscription", "email_disabled"}:
        return "Substack export"
    return "CSV"


@dataclass(frozen=True)
class _Columns:
    """Where each field is in a row, and the header's own names (for messages)."""

    index: dict[str, int]
    header: list[str]
    path: str

    def cell(self, values: list[str], key: str) -> str:
        position = self.index.get(key)
        return restore_cell(values[position]).strip() if position is not None and position < len(values) else ""

    def problem(self, key: str, message: str, line: int) -> Problem:
        """A problem naming the row (as a spreadsheet numbers it, header = 1) and the file's column."""
        column = self.header[self.index[key]].strip()
        return Problem(self.path, "", f"row {line}, column '{column}': {message}")


def _valid_rows(reader, columns: _Columns, report: ImportReport) -> list[Row]:
    try:
        return _rows_of(reader, columns, report)
    except csv.Error as error:  # a field over the csv module's limit (128 KiB), or a NUL byte
        raise ProblemsError([Problem(columns.path, "", f"row {reader.line_num}: cannot be read ({error}); "
                                     "nothing was imported: this does not look like a subscriber list.")]) from None


def _rows_of(reader, columns: _Columns, report: ImportReport) -> list[Row]:
    rows, seen = [], set()
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        report.rows += 1
        row = _read_row(values, columns, reader.line_num, report)
        if row is None:
            continue
        if row.email.lower() in seen:
            report.duplicates += 1
            continue
        seen.add(row.email.lower())
        rows.append(row)
    return rows


def _read_row(values: list[str], columns: _Columns, line: int, report: ImportReport) -> Row | None:
    def cell(key: str) -> str:
        return columns.cell(values, key)

    if not cell("email"):
        report.problems.append(columns.problem("email", "empty; every row needs an address.", line))
        return None
    try:
        email = normalise_address(cell("email"))
    except InvalidAddressError as error:
        report.problems.append(columns.problem("email", str(error), line))
        return None
    status = _status(cell, columns, line, report)
    if status is None:
        return None
    name = cell("name") or " ".join(part for part in (cell("first_name"), cell("last_name")) if part)
    problem = name_problem(name)
    if problem:
        key = "name" if cell("name") else ("first_name" if name_problem(cell("first_name")) else "last_name")
        report.problems.append(columns.problem(key, f"{problem}.", line))
        return None
    return Row(line=line, email=email, name=name, status=status,
               consent_source=cell("consent_source") or report.source,
               consent_at=_timestamp(cell("consent_at"), report))


def _status(cell, columns: _Columns, line: int, report: ImportReport) -> str | None:
    if cell("cleaned_at"):
        return "bounced"
    if cell("unsubscribed_at") or cell("email_disabled").lower() in TRUE_WORDS:
        return "unsubscribed"
    word = cell("status").lower()
    if not word:
        return "active"
    for status, words in STATUS_WORDS.items():
        if word in words:
            return status
    known = ", ".join(STATUS_WORDS)
    report.problems.append(columns.problem("status", f"unknown status {word!r}; expected one of {known} "
                                           "(or leave it empty for active).", line))
    return None


def _timestamp(value: str, report: ImportReport) -> str | None:
    """An export's sign-up time in the store's format, or None (then: the import's time)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace(" UTC", "").strip())
    except ValueError:
        report.unreadable_dates += 1
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _store_row(store: SubscriberStore, row: Row, report: ImportReport) -> None:
    existing = store.get(row.email)
    if row.status in STOPPED:
        report.stopped += store.record_stopped(row.email, row.status, row.name, row.consent_source,
                                               row.consent_at)
        return
    if (existing and existing.status in STOPPED) or (existing is None and store.is_suppressed(row.email)):
        report.kept_out += 1
        return
    if existing and existing.status == "active":
        report.unchanged += 1
        return
    store.add(row.email, row.name, source=row.consent_source, consent_at=row.consent_at or utc_now(),
              status=row.status)
    if existing is None:
        report.added += 1
    elif row.status == "active":
        report.activated += 1
    else:
        report.unchanged += 1


def export_rows(store: SubscriberStore, email: str | None = None) -> list[dict]:
    """Every subscriber (or the one with ``email``) as dicts of :data:`EXPORT_COLUMNS`.

    One person's export (``email``) adds ``letters``: every letter sent to them and its outcome.

    Raises:
        ProblemsError: ``email`` is given but not on the list.
    """
    if email is None:
        people = store.subscribers()
    else:
        person = store.get(email)
        if person is None:
            raise ProblemsError([Problem(str(store.path), "email", f"{email.strip()!r} is not in the store "
                                         "(nothing to export; it may have been erased).")])
        people = [person]
    rows = [{column: getattr(person, column) for column in EXPORT_COLUMNS} for person in people]
    if email is not None:  # an access request: what was sent to them, too
        rows[0]["letters"] = person_letters(store, rows[0]["email"])
    return rows


def neutralise_cell(value):
    """``value`` with a leading ``'`` when a spreadsheet would take it for a formula (text only)."""
    return "'" + value if isinstance(value, str) and FORMULA_START.match(value) else value


def restore_cell(value: str) -> str:
    """A cell as it was before :func:`neutralise_cell`: exactly one added ``'`` taken off."""
    return value[1:] if value.startswith("'") and FORMULA_START.match(value, 1) else value


def write_csv(rows: list[dict], columns, target: Path | None) -> str | None:
    """Write ``rows`` as CSV to ``target`` (atomically), or return the CSV text when ``target`` is None.

    Cells that a spreadsheet would run as formulas get a leading ``'`` (see :func:`neutralise_cell`).
    """
    buffer = io.StringIO(newline="")
    # CRLF, as RFC 4180 has it: the csv module quotes a cell holding a CR only
    # when CR is part of the line terminator, and an unquoted CR splits the row.
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({key: neutralise_cell(value) for key, value in row.items()} for row in rows)
    if target is None:
        return buffer.getvalue()
    write_atomic(target, buffer.getvalue(), 0o600)  # addresses: readable by the owner only
    return None


def person_letters(store: SubscriberStore, email: str) -> str:
    """The letters sent to ``email``, for an access request: ``slug: outcome (time)``, one per campaign."""
    rows = store.connection.execute(
        "SELECT c.slug, d.status, d.updated_at, c.trial FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id"
        " WHERE d.email = ? ORDER BY d.id", (email.strip(),))
    return "; ".join(f"{slug}: {status} ({when}){' [trial]' if trial else ''}" for slug, status, when, trial in rows)
