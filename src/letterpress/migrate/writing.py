"""Items become essays: front matter, Markdown, local images and narrations, each written atomically.

An essay is written last, after its images and narration, so an interrupted
import leaves no essay pointing at files that are not there. Whatever cannot be
fetched leaves its essay a draft (a remote file would fail ``letterpress check``),
named in the report. An item imported before (its ``imported_from`` or one of its
aliases is already in an essay) is skipped unless ``overwrite``.
"""

from __future__ import annotations

import os
import posixpath
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from ..model.aliases import AliasError, parse_alias
from ..model.audio import MIME_BY_SUFFIX, NotAudioError, read_facts
from ..model.files import write_atomic
from ..model.frontmatter import FrontMatterError, read_text, split
from ..model.layout import DEFAULT_SLUGIFY as material_slugify
from ..model.options import RunOptions
from ..model.settings import Settings
from .authors import AuthorBook, load_book
from .convert import Converted, plain_text, safe_url, same_words, to_markdown
from .fetch import AUDIO_BYTES, IMAGE_BYTES, Fetcher, FetchError
from .items import Export, Item
from .old_addresses import Planned, keep_free_aliases
from .report import Report

IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
               "image/avif": ".avif"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"}
AUDIO_TYPES = {"audio/mpeg": ".mp3", "audio/mp3": ".mp3", "audio/mp4": ".m4a", "audio/x-m4a": ".m4a",
               "audio/aac": ".aac", "audio/ogg": ".ogg"}
DESCRIPTION_CHARS = 240
# An export is hostile until checked: a title of megabytes or thousands of tags would make
# front matter that `letterpress check` refuses (64 KiB at most), so each is cut to a size no
# real post reaches.
TITLE_CHARS = 300
TERM_CHARS = 100
MAX_TERMS = 50


@dataclass(frozen=True)
class Options:
    """The options every import command shares (--author, --dry-run, --overwrite), and the run's
    (its "now" dates an item that has no date)."""

    author: str | None = None
    dry_run: bool = False
    overwrite: bool = False
    run_options: RunOptions = RunOptions()


@dataclass
class _Existing:
    """The essays already there: by ``imported_from``, by alias and by slug, each -> file."""

    by_source: dict[str, Path] = field(default_factory=dict)
    by_alias: dict[str, Path] = field(default_factory=dict)
    by_slug: dict[str, Path] = field(default_factory=dict)


@dataclass
class _Plan:
    item: Item
    path: Path
    slug: str
    authors: list[str]
    converted: Converted
    date: datetime | dict  # as its front matter says it (:func:`_date`)
    aliases: list[str] = field(default_factory=list)
    description: str = ""


def import_items(export: Export, settings: Settings, options: Options, source: str,
                 fetcher: Fetcher | None = None) -> Report:
    """Write the essays of ``export`` into the publication (or say what would be written).

    Args:
        export: what a source reader found.
        settings: the publication's settings.
        options: --author, --dry-run, --overwrite.
        source: the platform's name for the report and new authors ("Substack").
        fetcher: the one that read the feed or pages (it knows which addresses came from the web);
            a new one for an export file.

    Raises:
        SourceError: --author names no author, or the authors file cannot be extended;
            then nothing is written.
    """
    report = Report(dry_run=options.dry_run, skipped=list(export.skipped))
    book = load_book(settings, options.author)
    plans = _plans(export.items, settings, options, book, report, source)
    if options.dry_run:
        report.written = [_shown(plan.path, settings) for plan in plans]
        report.images = sum(len(plan.converted.images) for plan in plans)
        report.narrations = sum(1 for plan in plans if plan.item.audio_url)
        report.authors_added = list(book.added)
        return report
    book.save(source)
    report.authors_added = list(book.added)
    with nullcontext(fetcher) if fetcher else Fetcher() as images:
        for plan in plans:
            _write(plan, settings, book, images, report)
    return report


def _plans(items: list[Item], settings: Settings, options: Options, book: AuthorBook, report: Report,
           source: str) -> list[_Plan]:
    existing = _existing(settings)
    now = options.run_options.current(settings.timezone)
    plans: list[_Plan] = []
    for item in items:
        path, why = _target(item, existing, settings, options.overwrite)
        converted = to_markdown(item.html, item.base_url)
        if path is None or not converted.markdown.strip():
            report.skipped.append((item.name, why or "no text to import"))
            continue
        slug = path.stem
        existing.by_slug[slug] = existing.by_source[item.imported_from] = path  # two items, one slug: one wins
        plan = _Plan(item, path, slug, book.keys_for(item.authors, options.author, source), converted,
                     _date(item, settings, now), _aliases(item))
        plan.description, repeated = _description(item, converted)
        report.notes += [f"{item.name}: {note}" for note in item.notes]
        if repeated:
            report.notes.append(f"{item.name}: its description repeated {repeated}; one was drawn from the "
                                f"first paragraph: write your own in {_shown(path, settings)}")
        plans.append(plan)
    _free_aliases(plans, settings, options.run_options, report)
    return plans


def _free_aliases(plans: list[_Plan], settings: Settings, run_options: RunOptions, report: Report) -> None:
    """Only the aliases the built site can redirect stay (:mod:`.old_addresses`)."""
    if not any(plan.aliases for plan in plans):
        return  # nothing to check: the publication need not be read
    planned = [Planned(plan.path, plan.slug, plan.item.name, plan.aliases, _date_of(plan, settings),
                       plan.item.categories) for plan in plans]
    keep_free_aliases(planned, settings, run_options, report.problems)
    for plan, entry in zip(plans, planned, strict=True):
        plan.aliases = entry.aliases


def _target(item: Item, existing: _Existing, settings: Settings, overwrite: bool) -> tuple[Path | None, str]:
    """Where the item's essay goes, or None and why it is skipped."""
    before = existing.by_source.get(item.imported_from) or next(
        (existing.by_alias[alias] for alias in _aliases(item) if alias in existing.by_alias), None)
    if before is not None:
        if overwrite:
            return before, ""
        return None, f"already imported ({_shown(before, settings)}); --overwrite replaces it"
    slug = _slug(item)
    path = settings.posts_dir / f"{slug}.md"
    taken = existing.by_slug.get(slug) or (path if path.exists() else None)
    if taken is not None:
        return None, f"an essay with the slug '{slug}' exists ({_shown(taken, settings)}); rename one of them"
    return path, ""


def _slug(item: Item) -> str:
    slug = material_slugify(unquote(item.slug) or plain_text(item.title), "-").strip("-")
    slug = re.sub(r"[^a-z0-9-]+", "", slug)[:80].strip("-")
    if slug in FOLDER_PAGES:  # MkDocs writes such a page as its folder's index: the blog's own index page
        slug = f"{slug}-essay"
    return slug or material_slugify(f"{item.source}-{item.source_id}", "-")


FOLDER_PAGES = ("index", "readme")


def _existing(settings: Settings) -> _Existing:
    found = _Existing()
    for path in sorted(settings.posts_dir.rglob("*.md")) if settings.posts_dir.is_dir() else []:
        try:
            meta = split(read_text(path.read_bytes(), str(path)), str(path)).meta
        except (FrontMatterError, OSError):
            continue
        if isinstance(meta.get("imported_from"), str):
            found.by_source[meta["imported_from"]] = path
        for alias in meta.get("aliases") or () if isinstance(meta.get("aliases"), list) else ():
            found.by_alias[str(alias)] = path
        slug = meta.get("slug") or settings.layout.slug(str(meta.get("title") or ""))
        found.by_slug[str(slug)] = path
    return found


# -- writing -----------------------------------------------------------------


def _write(plan: _Plan, settings: Settings, book: AuthorBook, fetcher: Fetcher, report: Report) -> None:
    item, failures = plan.item, list[str]()
    markdown = _local_images(plan, settings, fetcher, report, failures)
    audio = _narration(plan, settings, fetcher, report, failures) if item.audio_url else None
    for what in (*item.left_out, *plan.converted.dropped):
        report.problems.append(f"{item.name}: {what} was left out (no Markdown for it)")
    for failure in failures:
        report.problems.append(f"{item.name}: {failure}; written as a draft until it is fixed")
    meta = _front_matter(plan, settings, book, audio, draft=bool(item.draft_reason or failures))
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000)
    if item.audio_url and audio is None:
        front += _lost_narration(plan, settings)
    text = "---\n" + front + "---\n\n" + markdown
    write_atomic(plan.path, text)
    report.written.append(_shown(plan.path, settings))
    if item.draft_reason:
        report.drafts.append((_shown(plan.path, settings), item.draft_reason))


def _local_images(plan: _Plan, settings: Settings, fetcher: Fetcher, report: Report, failures: list[str]) -> str:
    markdown, used = plan.converted.markdown, set[str]()
    folder = settings.docs_dir / settings.layout.in_blog("images") / plan.slug
    relative = os.path.relpath(folder, settings.posts_dir).replace(os.sep, "/")
    for url in plan.converted.images:
        try:
            fetched = fetcher.get(url, IMAGE_BYTES)
            name = _file_name(url, fetched.content_type, used, IMAGE_SUFFIXES, IMAGE_TYPES, "image")
        except FetchError as error:
            failures.append(f"image {url} {error}")
            continue
        write_atomic(folder / name, fetched.content)
        report.images += 1
        markdown = markdown.replace(f"]({url}", f"]({relative}/{name}")
    return markdown


def _narration(plan: _Plan, settings: Settings, fetcher: Fetcher, report: Report, failures: list[str]):
    url = plan.item.audio_url
    try:
        fetched = fetcher.get(url, AUDIO_BYTES)
        suffix = Path(_file_name(url, fetched.content_type, set(), set(MIME_BY_SUFFIX), AUDIO_TYPES, "audio")).suffix
    except FetchError as error:
        failures.append(f"narration {url} {error}")
        return None
    path = settings.docs_dir / settings.layout.in_blog("audio") / f"{plan.slug}{suffix}"
    write_atomic(path, fetched.content)
    try:
        read_facts(path)
    except NotAudioError as error:
        path.unlink(missing_ok=True)
        failures.append(f"narration {url} is not a recording ({error})")
        return None
    report.narrations += 1
    return {"src": os.path.relpath(path, settings.posts_dir).replace(os.sep, "/")}


def _lost_narration(plan: _Plan, settings: Settings) -> str:
    """Comment lines for the end of the front matter: the narration's old address, and how to bring it in.

    The address is percent-encoded (:func:`~.convert.safe_url`): a line break or any character that
    YAML takes as one would end the comment and start front matter of the export's making.
    """
    try:
        suffix = posixpath.splitext(urlsplit(plan.item.audio_url).path)[1].lower()
    except ValueError:  # not a URL at all (http://[broken): the fetch said so already
        suffix = ""
    name = f"{plan.slug}{suffix if suffix in MIME_BY_SUFFIX else '.mp3'}"
    folder = _shown(settings.docs_dir / settings.layout.in_blog("audio"), settings)
    relative = os.path.relpath(settings.docs_dir / settings.layout.in_blog("audio"), settings.posts_dir)
    return (f"# The narration could not be fetched from {safe_url(plan.item.audio_url)}\n"
            f"# Save it as {folder}/{name}, add the line 'audio: {{src: {relative.replace(os.sep, '/')}/{name}}}' "
            "and take out 'draft: true'.\n")


def _file_name(url: str, kind: str, used: set[str], suffixes, types: dict[str, str], what: str) -> str:
    """A safe, unused file name for the file at ``url`` (the suffix from the URL or the type)."""
    base = posixpath.basename(unquote(urlsplit(url).path)) or what
    stem, suffix = posixpath.splitext(re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip(".-"))
    suffix = suffix.lower() if suffix.lower() in suffixes else types.get(kind, "")
    if not suffix or (kind and not kind.startswith(what) and kind != "application/octet-stream"):
        raise FetchError(f"is not an {what} file this site can show (type {kind or 'unknown'})")
    stem = stem[:60] or what
    name, number = f"{stem}{suffix}", 1
    while name in used:
        number += 1
        name = f"{stem}-{number}{suffix}"
    used.add(name)
    return name


def _front_matter(plan: _Plan, settings: Settings, book: AuthorBook, audio, draft: bool) -> dict:
    item = plan.item
    meta: dict = {"title": _line(item.title) or f"Untitled ({item.imported_from})"}
    if _line(item.subtitle):
        meta["subtitle"] = _line(item.subtitle)
    meta["description"] = plan.description or meta["title"]
    meta["date"] = plan.date
    meta["authors"] = plan.authors
    for key in ("categories", "tags"):
        if values := list(dict.fromkeys(term for value in getattr(item, key) if (term := _line(value, TERM_CHARS)))):
            meta[key] = values[:MAX_TERMS]
    if draft:
        meta["draft"] = True
    meta["newsletter"] = False  # it was sent already, or the author decides
    meta["slug"] = plan.slug
    if audio:
        meta["audio"] = {**audio, "narrator": book.name_of(plan.authors[0])}
    if plan.aliases:
        meta["aliases"] = plan.aliases
    meta["imported_from"] = item.imported_from
    return meta


def _aliases(item: Item) -> list[str]:
    """The item's old paths that can be redirected (a path like ``/?p=42`` cannot), decoded as check keeps them."""
    kept = []
    for alias in item.aliases:
        try:
            kept.append(parse_alias(alias))
        except AliasError:
            continue
    return list(dict.fromkeys(kept))


def _line(text: str, limit: int = TITLE_CHARS) -> str:
    """``text`` as one line of plain text (:func:`~.convert.plain_text`), at most ``limit`` characters."""
    line = plain_text(text)
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"


def _description(item: Item, converted: Converted) -> tuple[str, str]:
    """The essay's description and, when the source's was set aside, what it repeated ("" when kept).

    A description that repeats the subtitle shows the same sentence twice in a listing, and the
    old site's tag line says nothing of the essay: either is replaced by the first paragraph's opening.
    """
    given = _line(item.description, DESCRIPTION_CHARS * 2)
    repeats = {"the subtitle": item.subtitle, "the old site's tag line": item.site_tagline}
    repeated = next((what for what, value in repeats.items() if same_words(given, value)), "")
    if given and not repeated:
        return given, ""
    return _opening(converted.first_text), f'{repeated} ("{given}")' if repeated else ""


def _opening(first_text: str) -> str:
    """The first sentences of the essay's first paragraph, at most DESCRIPTION_CHARS."""
    first = plain_text(first_text, markup=False)
    chosen = ""
    for sentence in re.split(r"(?<=[.!?])\s+", first):
        if chosen and len(chosen) + len(sentence) > DESCRIPTION_CHARS:
            break
        chosen = f"{chosen} {sentence}".strip()
    return chosen if len(chosen) <= DESCRIPTION_CHARS else chosen[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"


def _date(item: Item, settings: Settings, now: datetime):
    """``created`` (or ``{created, updated}``) as a local time without offset, as the other essays have;
    ``now`` when the item has no date."""
    def local(moment: datetime) -> datetime:
        if moment.tzinfo is None:  # already the publication's time (a page that gives only a date)
            return moment.replace(microsecond=0)
        return moment.astimezone(settings.timezone).replace(tzinfo=None, microsecond=0)

    created = local(item.created) if item.created else local(now)
    if item.updated and local(item.updated) > created:
        return {"created": created, "updated": local(item.updated)}
    return created


def _date_of(plan: _Plan, settings: Settings) -> datetime:
    """The essay's creation date as its front matter will say it (its address may be made from it)."""
    written = plan.date
    created = written["created"] if isinstance(written, dict) else written
    return created.replace(tzinfo=settings.timezone)


def _shown(path: Path, settings: Settings) -> str:
    try:
        return path.relative_to(settings.root).as_posix()
    except ValueError:
        return str(path)
