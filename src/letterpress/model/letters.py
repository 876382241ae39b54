"""Which essays are letters, which letters are due, and what was sent: the one place that decides.

A *letter* is an essay that has (or will have) an email. Every published essay
with ``newsletter: true`` has a web version on the site (``/newsletter/<slug>/``),
written by the same build as its page, so a letter's "view in your browser" link
exists whenever its essay's page does, whoever sends it and whenever. A letter
is *due* when ``publish`` should send it now. Both follow the same rules, so the
web versions, ``publish``, ``status`` and the send cannot drift apart:

- the newsletter is enabled and the essay has ``newsletter: true``;
- it is published (drafts only while ``letterpress serve`` previews them);
- it is *archived* (listed on ``/newsletter/``) when dated on or after ``newsletter.since``, or
  when it already went out, since a letter sent by hand stays a letter;
- it is due only while it has no sent record, and only when ``newsletter.since`` is set:
  without it nothing is due, since every essay ever published would be (the first
  ``publish`` must not mail the whole back catalogue).

**Sent records** (``newsletter/sent/*.json``, committed) name their essay by its
identity (:attr:`Essay.key`, its file under the posts folder), not by its slug or
address, so a changed title, ``post_slugify`` or ``post_url_format`` makes no
letter due again. Each keeps the addresses the letter linked (``url``, ``web``): when
they change, the build redirects the old ones. A record from before identities
(no ``essay``) is matched by its slug and rewritten with it, once. Each also keeps
``key_fingerprint``, a keyed fingerprint of the key its unsubscribe links were signed
with (:func:`letterpress.tokens.fingerprint`), so a command signing with another key warns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from .essay import Essay, State
from .files import write_atomic
from .publication import Publication
from .settings import CONFIG_FILE

SENT_DIR = "newsletter/sent"
SINCE_KEY = "plugins.letterpress.newsletter.since"


@dataclass(frozen=True)
class SentRecord:
    """One file of ``newsletter/sent/``: when and how many, never an address."""

    path: Path
    data: dict

    @property
    def key(self) -> str:
        """The identity of the essay it records (:attr:`Essay.key`)."""
        return str(self.data.get("essay") or "")

    def address(self, name: str) -> str:
        """The site-relative address the letter linked: ``url`` (the essay's page) or ``web`` (its web version)."""
        value = self.data.get(name)
        return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class SentRecords:
    """Every sent record, by essay identity, and those whose essay is gone."""

    by_key: dict[str, SentRecord]
    orphans: list[SentRecord]

    def of(self, essay: Essay) -> SentRecord | None:
        return self.by_key.get(essay.key)


def sent_records(publication: Publication) -> SentRecords:
    """The publication's sent records (read once per publication; older ones migrated on the way)."""
    found = publication.memo.get("sent_records")
    if not isinstance(found, SentRecords):
        found = publication.memo["sent_records"] = _read_records(publication)
    return found


def sent_record(publication: Publication, essay: Essay) -> dict | None:
    """The sent record of ``essay`` (counts only, never an address), or None."""
    record = sent_records(publication).of(essay)
    return record.data if record else None


def record_path(publication: Publication, essay: Essay) -> Path:
    """Where the sent record of ``essay`` is (or will be) written: its own, else ``<slug>.json``, never another's."""
    records = sent_records(publication)
    own = records.of(essay)
    if own is not None:
        return own.path
    taken = {record.path.name for record in records.by_key.values()} | {r.path.name for r in records.orphans}
    folder = publication.settings.root / SENT_DIR
    name, number = f"{essay.slug}.json", 1
    while name in taken:
        number += 1
        name = f"{essay.slug}-{number}.json"
    return folder / name


def record_fields(publication: Publication, essay: Essay) -> dict:
    """What a sent record says of its essay: its identity, slug and the addresses its letter links."""
    layout = publication.settings.layout
    return {"essay": essay.key, "slug": essay.slug, "url": layout.essay(essay).url,
            "web": layout.web_version(essay).url}


def last_key_fingerprint(root: Path) -> tuple[Path, str] | None:
    """The newest sent record (by ``finished``) that keeps a key fingerprint, and that fingerprint.

    It needs no essay, so the sign-up service, which reads only the settings, asks it too.
    """
    folder = root / SENT_DIR
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        data = _load(path)
        if isinstance(data.get("key_fingerprint"), str) and data["key_fingerprint"]:
            found.append((str(data.get("finished") or ""), path, data["key_fingerprint"]))
    if not found:
        return None
    _, path, fingerprint = max(found)
    return path, fingerprint


def _read_records(publication: Publication) -> SentRecords:
    folder = publication.settings.root / SENT_DIR
    by_slug = {essay.slug: essay for essay in publication.essays}
    known = {essay.key for essay in publication.essays}
    by_key: dict[str, SentRecord] = {}
    orphans: list[SentRecord] = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        record = SentRecord(path, _load(path))
        if not record.key:
            record = _migrated(publication, record, by_slug.get(str(record.data.get("slug") or path.stem)))
        if record.key in known and record.key not in by_key:
            by_key[record.key] = record
        else:
            orphans.append(record)
    return SentRecords(by_key, orphans)


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"finished": None, "counts": {}, "unreadable": True, "slug": path.stem}
    return data if isinstance(data, dict) else {"finished": None, "counts": {}, "unreadable": True}


def _migrated(publication: Publication, record: SentRecord, essay: Essay | None) -> SentRecord:
    """A record from before identities, given its essay's (found by slug) and rewritten so."""
    if essay is None or record.data.get("unreadable"):
        return record
    data = {**record.data, **record_fields(publication, essay)}
    write_atomic(record.path, json.dumps(data, ensure_ascii=False, indent=2) + "\n", 0o644, durable=True)
    return SentRecord(record.path, data)


@dataclass(frozen=True)
class Moved:
    """An address a sent letter linked that the essay no longer has (its page or web version moved)."""

    essay: Essay
    old: str  # site-relative, as the letter linked it, e.g. ``essays/the-listening-hour/``
    new: str  # site-relative, where it is now
    what: str  # "page" or "web version"


def moved_addresses(publication: Publication) -> list[Moved]:
    """Every address a sent letter of a published essay linked that has changed since (newest essays first)."""
    layout = publication.settings.layout
    records = sent_records(publication)
    moved = []
    for essay in publication.published():
        record = records.of(essay)
        if record is None:
            continue
        for name, now, what in (("url", layout.essay(essay).url, "page"),
                                ("web", layout.web_version(essay).url, "web version")):
            old = record.address(name)
            if old and old != now:
                moved.append(Moved(essay, old, now, what))
    return moved


def orphan_problems(publication: Publication) -> list[Problem]:
    """For ``check`` and ``publish``: a sent record whose essay is gone (renamed or removed) is an error.

    Without its essay the record cannot stop a second send: a renamed essay file would be mailed again.
    """
    root = publication.settings.root
    problems = []
    for record in sent_records(publication).orphans:
        shown = record.path.relative_to(root).as_posix() if record.path.is_relative_to(root) else str(record.path)
        essay = record.key or f"the essay with slug '{record.data.get('slug', record.path.stem)}'"
        problems.append(Problem(shown, "essay", (
            f"records a letter of {essay}, which no essay file is now: renamed or removed. If you renamed it, "
            "write its new name (its path under the posts folder) in this record's 'essay'; if you removed "
            "the essay, remove this record too (git rm). Until then the letter could be sent twice.")))
    return problems


def in_window(publication: Publication, essay: Essay) -> bool:
    """Dated on or after ``newsletter.since`` (every essay, when ``since`` is not set)."""
    since = publication.settings.newsletter.since
    return since is None or essay.date.date() >= since


def web_version_essays(publication: Publication) -> list[Essay]:
    """The essays with a web version on the site, newest first: every letter that is or may be sent.

    Drafts too while the run previews them (``publication.run_options.drafts``: ``letterpress serve``).
    """
    if not publication.settings.newsletter.enabled:
        return []
    now, drafts = publication.now(), publication.run_options.drafts
    return [essay for essay in publication.essays if essay.newsletter and (
        essay.state(now) is State.PUBLISHED or (drafts and essay.state(now) is State.DRAFT))]


def letter_essays(publication: Publication) -> list[Essay]:
    """The letters the archive lists, newest first: in the window, or already sent (see the module's rules)."""
    records = sent_records(publication)
    return [essay for essay in web_version_essays(publication)
            if essay.draft or in_window(publication, essay) or records.of(essay) is not None]


def before_since(publication: Publication) -> list[Essay]:
    """The essays that will be on the site and never emailed because they are dated before ``newsletter.since``,
    newest first: not drafts, ``newsletter`` on (written or by default), no sent record. None without ``since``."""
    newsletter = publication.settings.newsletter
    if not newsletter.enabled or newsletter.since is None:
        return []
    records = sent_records(publication)
    return [essay for essay in publication.essays if essay.newsletter and not essay.draft
            and not in_window(publication, essay) and records.of(essay) is None]


def due_essays(publication: Publication) -> list[Essay]:
    """The letters ``publish`` sends now, oldest first: published, in the window, no sent record.

    None at all while ``newsletter.since`` is not set (see :func:`since_missing`).
    """
    if not publication.settings.newsletter.enabled or publication.settings.newsletter.since is None:
        return []
    records = sent_records(publication)
    return [essay for essay in reversed(publication.published())
            if essay.newsletter and in_window(publication, essay) and records.of(essay) is None]


def since_missing(publication: Publication) -> Problem | None:
    """Why ``publish`` sends nothing when the newsletter is on but ``newsletter.since`` is not set.

    The problem carries the line to paste (``since: <today>``, today in the
    publication's timezone) and how many published essays it holds back.
    """
    settings = publication.settings
    if not settings.newsletter.enabled or settings.newsletter.since is not None:
        return None
    records = sent_records(publication)
    waiting = sum(1 for essay in publication.published() if essay.newsletter and records.of(essay) is None)
    return Problem(CONFIG_FILE, SINCE_KEY, (
        f"is not set, so `letterpress publish` sends no letter ({waiting} published essay"
        f"{'s' if waiting != 1 else ''} would otherwise be mailed to every subscriber). Set the day you "
        f"start sending; essays dated before it are never emailed. Under newsletter: in {CONFIG_FILE}, "
        f"add:  since: {publication.now().date().isoformat()}"), severity="warning")


def since_problems(publication: Publication) -> list[Problem]:
    """For ``letterpress check``: a warning while ``newsletter.since`` is not set; orphaned sent records."""
    problem = since_missing(publication)
    return ([problem] if problem else []) + orphan_problems(publication)
