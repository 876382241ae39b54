"""``letterpress import substack EXPORT.zip``: Substack's export of posts and subscribers.

The export holds ``posts.csv`` (one row per post: ``post_id`` = ``<number>.<slug>``,
``post_date``, ``is_published``, ``type``, ``audience``, ``title``, ``subtitle``,
``podcast_url``, …), each post's body as ``<post_id>.html`` in a folder and the
subscribers as ``email_list*.csv``. Threads are not essays; paid-only posts (whose
HTML may be cut short) and unpublished ones become drafts.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..model.settings import Settings
from .archive import read_zip
from .items import Export, Item, SourceError, utc_moment
from .report import Report
from .writing import Options, import_items

SOURCE = "Substack"
CONSENT = "imported from Substack"
FREE_AUDIENCES = ("everyone", "only_free", "free", "")
NOT_ESSAYS = ("thread",)
TRUE = ("true", "t", "yes", "1")


@dataclass
class SubstackExport:
    """The posts and the subscriber lists (file name -> text) of one export."""

    export: Export
    lists: dict[str, str] = field(default_factory=dict)


def read_substack(path: Path) -> SubstackExport:
    """Read and check the whole export before anything is written.

    Raises:
        SourceError: not a zip, no ``posts.csv``, a post row without its columns, or
            a subscriber list without an email column.
    """
    members = read_zip(path, lambda name: name.endswith((".csv", ".html")))
    posts = sorted((name for name in members if PurePosixPath(name).name == "posts.csv"), key=len)
    if not posts:
        raise SourceError(f"{path}: no posts.csv inside; this is not a Substack export "
                          "(Settings → Exports → Create new export).")
    root = posts[0][: -len("posts.csv")]
    rows = _rows(members[posts[0]], f"{path}:{posts[0]}")
    export = Export()
    bodies = _bodies(members, root)
    for row in rows:
        _add_post(export, row, bodies, path)
    lists = {name: _text(data, f"{path}:{name}") for name, data in members.items()
             if PurePosixPath(name).name.startswith("email_list") and name.endswith(".csv")}
    for name, text in lists.items():
        _check_list(text, f"{path}:{name}")
    return SubstackExport(export, lists)


def _text(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(f"{shown}: not UTF-8 text (byte {error.start}); download the export again.") from None


def _rows(data: bytes, shown: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(_text(data, shown), newline=""))
    try:
        missing = {"post_id", "title"} - set(reader.fieldnames or ())
        if missing:
            raise SourceError(f"{shown}: no {', '.join(sorted(missing))} column; this is not Substack's posts.csv.")
        return [{key: (value or "").strip() for key, value in row.items() if key} for row in reader]
    except csv.Error as error:
        raise _unreadable(shown, error, reader.line_num) from None


def _unreadable(shown: str, error: csv.Error, line: int) -> SourceError:
    """A CSV file the csv module refuses (a field over its 128 KiB, a stray quote): no platform writes one."""
    return SourceError(f"{shown}: line {line} cannot be read as CSV ({error}); download the export again.")


def _bodies(members: dict[str, bytes], root: str) -> dict[str, bytes]:
    """The posts' HTML under the export's folder by file name (looked up once each: an export may hold
    100,000 members, and a search of them all for each of as many rows would take hours)."""
    bodies: dict[str, bytes] = {}
    for member, data in members.items():
        if member.startswith(root) and member.endswith(".html"):
            bodies.setdefault(PurePosixPath(member).name, data)
    return bodies


def _add_post(export: Export, row: dict[str, str], bodies: dict[str, bytes], path: Path) -> None:
    post_id = row["post_id"]
    number, _, slug = post_id.partition(".")
    name = f"{row.get('title') or '(untitled)'!r} (substack:{number})"
    if row.get("type", "").lower() in NOT_ESSAYS:
        export.skipped.append((name, f"a {row['type'].lower()}, not an essay"))
        return
    body = bodies.get(f"{post_id}.html")
    if body is None:
        export.skipped.append((name, f"no {post_id}.html in the export"))
        return
    export.items.append(Item(
        source="substack", source_id=number, title=row.get("title", ""), html=_text(body, f"{path}:{post_id}"),
        slug=slug, subtitle=row.get("subtitle", ""), created=utc_moment(row.get("post_date", "")),
        draft_reason=_draft_reason(row), aliases=(f"/p/{slug}",) if slug else (),
        audio_url=row.get("podcast_url", ""),
    ))


def _draft_reason(row: dict[str, str]) -> str:
    if row.get("is_published", "").lower() not in TRUE:
        return "not published on Substack"
    if row.get("audience", "").lower() not in FREE_AUDIENCES:
        return "for paid subscribers only on Substack"
    return ""


def _check_list(text: str, shown: str) -> None:
    """The list has an email column and every row can be read (before any essay is written)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
        if "email" not in [name.strip().lower() for name in header]:
            raise SourceError(f"{shown}: no email column; this is not Substack's subscriber list.")
        for _ in reader:
            pass
    except csv.Error as error:
        raise _unreadable(shown, error, reader.line_num) from None


def import_substack(path: Path, settings: Settings, options: Options, subscribers: bool = True) -> Report:
    """Import the essays (and, unless ``subscribers`` is False, the subscribers) of a Substack export."""
    found = read_substack(path)
    report = import_items(found.export, settings, options, SOURCE)
    if subscribers and found.lists:
        report.subscribers = _subscribers(found.lists, settings, options.dry_run, path)
    return report


def _subscribers(lists: dict[str, str], settings: Settings, dry_run: bool, path: Path) -> str:
    paid = _paid(lists)
    billing = (f"; {paid} paid subscriptions stay at Substack (billing did not move)" if paid else "")
    if dry_run:
        rows = sum(max(0, len(text.strip().splitlines()) - 1) for text in lists.values())
        return f"subscribers: would import {rows} rows{billing}."
    from ..subscribers.importing import import_csv
    from ..subscribers.store import open_subscribers

    counts = {"added": 0, "unchanged": 0, "stopped": 0, "kept_out": 0, "skipped_invalid": 0}
    with open_subscribers(settings) as store:
        for name, text in lists.items():
            result = import_csv(store, path / name, skip_invalid=True, text=text, source=CONSENT)
            for key in counts:
                counts[key] += getattr(result, key) + (result.activated if key == "added" else 0)
    words = {"added": "added", "unchanged": "already on the list", "stopped": "recorded as unsubscribed",
             "kept_out": "kept out (they had left)", "skipped_invalid": "invalid rows skipped"}
    done = ", ".join(f"{counts[key]} {word}" for key, word in words.items() if counts[key]) or "nothing to do"
    return f"subscribers: {done}{billing}."


def _paid(lists: dict[str, str]) -> int:
    """How many addresses the lists mark as paying now, each counted once.

    ``active_subscription`` is Substack's word for it. ``plan`` stays filled in after a paid
    subscription has lapsed (``monthly``, ``yearly`` with an ``expiry`` in the past), so it
    counts only in a list without that column.
    """
    paying: set[str] = set()
    for text in lists.values():
        rows = csv.DictReader(io.StringIO(text, newline=""))
        by_flag = "active_subscription" in [name.strip() for name in rows.fieldnames or ()]
        for row in rows:
            cells = {(key or "").strip(): (value or "").strip().lower() for key, value in row.items()}
            if cells.get("active_subscription") in TRUE if by_flag else cells.get("plan") not in ("", "free", "none"):
                paying.add(cells.get("email", ""))
    return len(paying)
