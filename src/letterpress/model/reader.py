"""Read one post file into an :class:`~letterpress.model.essay.Essay`, collecting every problem.

Each check reports the file, the front-matter key, its line, what was expected
and what to do, so an author can fix all of them in one pass.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from ..errors import Problem
from . import urls
from .aliases import MAX_ALIASES, AliasError, check_imported_from, parse_alias
from .audio import MIME_BY_SUFFIX, NotAudioError, parse_timecode, read_facts
from .characters import find_unusable
from .essay import Audio, Chapter, Essay
from .excerpt import DEFAULT_SEPARATOR, excerpt_description, file_title, heading_title
from .frontmatter import FrontMatterError, Source, read_text, split
from .settings import Settings

ESSAY_KEYS = ("title", "subtitle", "description", "date", "authors", "categories", "tags",
              "draft", "newsletter", "image", "audio", "aliases", "imported_from")
# The keys Material documents that Letterpress reads no further and hands to the engine as written: a blog
# post's (its blog plugin's PostConfig: slug, readtime, pin, links) and a page's (the reference's "Usage"
# metadata: icon, status, template, hide, search; comments and social cards). The rest of both lists are
# ESSAY_KEYS (title, description, subtitle, tags, date, draft, authors, categories).
MATERIAL_KEYS = ("slug", "readtime", "pin", "links", "hide", "template", "search", "status", "icon",
                 "comments", "social")
AUDIO_KEYS = ("src", "narrator", "length", "duration", "chapters")
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
# What a slug made by a custom post_slugify may not hold: it names a folder and a URL segment.
UNSAFE_SLUG = re.compile(r"[\s/\\?#%\x00-\x1f\x7f]")


def read_essay(path: Path, settings: Settings, author_keys) -> tuple[Essay | None, list[Problem]]:
    """Read and validate the post at ``path``.

    Returns:
        The essay (None when it cannot be used) and every problem found.
    """
    reader = _Reader(path, settings, set(author_keys))
    return reader.read(), reader.problems


class _Reader:
    def __init__(self, path: Path, settings: Settings, author_keys: set[str]):
        self.path = path
        self.settings = settings
        self.author_keys = author_keys
        self.shown = _relative(path, settings.root)
        self.problems: list[Problem] = []
        self.source: Source | None = None
        self.meta: dict = {}  # the front matter, once read() has split the file
        self.from_heading = False  # the title is the body's opening '# heading'

    def warn(self, key: str, message: str, line: int | None = None) -> None:
        line = line if line is not None else (self.source.lines.get(key) if self.source else None)
        self.problems.append(Problem(self.shown, key, message, line, severity="warning"))

    def problem(self, key: str, message: str) -> None:
        line = self.source.lines.get(key) if self.source else None
        if line is None and self.source and "." in key:
            line = self.source.lines.get(key.rsplit(".", 1)[0])
        self.problems.append(Problem(self.shown, key, message, line))

    def read(self) -> Essay | None:
        try:
            source = split(read_text(self.path.read_bytes(), self.shown), self.shown)
        except FrontMatterError as error:
            self.problems.append(error.problem)
            return None
        self.source, self.meta = source, source.meta
        meta = source.meta
        self._check_unknown_keys(meta)
        title = self._title(source)
        description = self._description(source)
        created, updated = self._dates(meta.get("date"))
        # In this order, so the problems are listed in the order of the fields.
        subtitle, authors = self._text("subtitle"), self._authors()
        categories, tags = self._list("categories"), self._list("tags")
        draft, newsletter = self._flag("draft", False), self._flag("newsletter", True)
        image, audio = self._image(), self._audio()
        aliases, imported_from = self._aliases(), self._imported_from()
        slug = self._slug(title)
        self._check_body(source)
        if any(p.is_error for p in self.problems):
            return None
        return Essay(path=self.path, source_path=self.shown, slug=slug, date=created,
                     updated=updated, body=source.body, meta=meta, title=title, description=description,
                     subtitle=subtitle, authors=authors, categories=categories, tags=tags, draft=draft,
                     newsletter=newsletter, image=image, audio=audio, aliases=aliases,
                     imported_from=imported_from, front_matter=source.front_matter, lines=source.lines,
                     key=self._key(), title_from_heading=self.from_heading)

    def _check_body(self, source: Source) -> None:
        body, first = source.body, source.body_line
        if not body.strip():
            self.problems.append(Problem(self.shown, "", "has no text after the front matter; "
                                         "write the essay below the closing '---'.", first))
            return
        found = find_unusable(body)
        if found:
            more = f" ({len(found) - 1} more like it in this file)" if len(found) > 1 else ""
            line = first + body.count("\n", 0, found[0].offset)
            self.problems.append(Problem(self.shown, "", found[0].message + more, line))

    # -- fields -------------------------------------------------------------

    def _check_unknown_keys(self, meta: dict) -> None:
        known = ESSAY_KEYS + MATERIAL_KEYS
        for key in meta:
            if key not in known:
                self.problem(str(key), _unknown(key, known))

    def _title(self, source: Source) -> str:
        """``title:``, else what the engine takes: the body's opening ``# heading``, else the file's name."""
        if "title" in self.meta:
            title = self._text("title")
            if not title and not self.problems_for("title"):
                self.problem("title", "is empty; write the title, or remove the line to take the '# heading'.")
            return title
        heading = heading_title(source.body)
        if heading is not None:
            if CONTROL.search(heading.title):
                self.problem("title", "the '# heading' holds a control character (a tab); use spaces.")
                return ""
            self.from_heading = True
            return heading.title.strip()
        title = file_title(self.path.name)
        self.warn("title", f"has neither 'title:' nor a '# heading' to open the text, so its title is its file's "
                  f"name, '{title}'; add 'title: ...' to the front matter.", 1)
        return title

    def _description(self, source: Source) -> str:
        """``description:``, else one drawn from the excerpt, with a warning to write one."""
        description = self._text("description")
        if description or self.problems_for("description"):
            return description
        separator = self.settings.layout.options.get("post_excerpt_separator") or DEFAULT_SEPARATOR
        heading = heading_title(source.body) if "title" not in self.meta else None
        body = source.body if heading is None else "\n".join(source.body.split("\n")[heading.line + 1:])
        drawn = excerpt_description(body, str(separator))
        shown = f"'{drawn[:60]}…'" if len(drawn) > 60 else f"'{drawn}'"
        self.warn("description", f"has no description; listings, feeds and letters show the opening of the text "
                  f"({shown}): add 'description: ...' (a sentence or two) to the front matter.", 1)
        return drawn

    def _text(self, key: str, required: bool = False, meta: dict | None = None, label: str = "") -> str:
        meta = self.meta if meta is None else meta
        label = label or key
        value = meta.get(key.rsplit(".", 1)[-1])
        if value is None or value == "":
            if required:
                self.problem(label, f"is missing; add '{label.rsplit('.', 1)[-1]}: ...' to the front matter.")
            return ""
        if isinstance(value, (list, dict)):
            self.problem(label, f"expected text, got a {'list' if isinstance(value, list) else 'mapping'}; "
                         "write it on one line, in quotes if it contains ': '.")
            return ""
        text = str(value)
        if CONTROL.search(text):
            self.problem(label, "contains a control character (line break, tab or NUL); "
                         "keep it on one line of plain text.")
            return ""
        return text.strip()

    def _list(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            self.problem(key, f"expected a list of names, e.g. '{key}: [{_example(key)}]'.")
            return ()
        if any(CONTROL.search(str(v)) for v in value):
            self.problem(key, "a name contains a control character (line break, tab or NUL); "
                         "keep each name plain text.")
            return ()
        return tuple(str(v) for v in value)

    def _flag(self, key: str, default: bool) -> bool:
        value = self.meta.get(key, default)
        if not isinstance(value, bool):
            self.problem(key, f"expected true or false, got {value!r}.")
            return default
        return value

    def _authors(self) -> tuple[str, ...]:
        keys = self._list("authors")
        if "authors" in self.meta and not keys and not self.problems_for("authors"):
            self.problem("authors", "is empty; name at least one author key from .authors.yml.")
        if "authors" not in self.meta:  # Material's blog allows it; our letters and feeds name who wrote it
            self.warn("authors", "names no author; add 'authors: [key]' with a key from "
                      f"{self.settings.layout.authors_file}, so letters and feeds say who wrote it.", 1)
        for key in keys:
            if key not in self.author_keys:
                known = sorted(self.author_keys)
                hint = difflib.get_close_matches(key, known, n=1)
                fix = f"did you mean '{hint[0]}'?" if hint else \
                    f"add '{key}' to {self.settings.layout.authors_file} (known: {', '.join(known) or 'none'})."
                self.problem("authors", f"unknown author '{key}'; {fix}")
        return keys

    def problems_for(self, key: str) -> list[Problem]:
        return [p for p in self.problems if p.field == key]

    def _dates(self, value) -> tuple[datetime, datetime | None]:
        epoch = datetime(1970, 1, 1, tzinfo=self.settings.timezone)
        if value is None:
            self.problem("date", "is missing; add 'date: YYYY-MM-DD' (the publication day).")
            return epoch, None
        if isinstance(value, dict):
            created = self._date(value.get("created"), "date.created")
            updated = self._date(value.get("updated"), "date.updated") if value.get("updated") else None
            return created or epoch, updated
        return self._date(value, "date") or epoch, None

    def _date(self, value, key: str) -> datetime | None:
        zone = self.settings.timezone
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=zone)
        if isinstance(value, date):
            return datetime.combine(value, time(), tzinfo=zone)
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.problem(key, f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-08-09.")
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)

    def _key(self) -> str:
        try:
            return self.path.relative_to(self.settings.posts_dir).as_posix()
        except ValueError:
            return self.path.resolve().relative_to(self.settings.posts_dir.resolve()).as_posix()

    def _slug(self, title: str) -> str:
        slug = self.meta.get("slug")
        if slug is None:
            return self._derived_slug(title) if title else ""
        # Material takes any text as the slug; it names a folder and a part of the address, so not every text.
        if not isinstance(slug, str) or not slug or UNSAFE_SLUG.search(slug) or slug.startswith("."):
            self.problem("slug", f"{slug!r} cannot name a page; use letters, digits and '-' (no spaces, "
                         "'/', '?', '#' or '%', not starting with '.').")
            return ""
        if slug != slug.lower():
            self.warn("slug", f"{slug!r} has capitals: on macOS and Windows two pages whose names differ only in "
                      "case are one file; write it in lower case.")
        return slug

    def _derived_slug(self, title: str) -> str:
        """The slug Material's ``post_slugify`` makes of the title, refused when it cannot name a page."""
        try:
            slug = self.settings.layout.slug(title)
        except Exception as error:  # the author's own function, from mkdocs.yml
            self.problem("title", f"the blog's post_slugify fails on this title ({error}); add 'slug: ...'.")
            return ""
        if not slug or UNSAFE_SLUG.search(slug) or slug.startswith("."):
            self.problem("title", f"post_slugify makes {slug!r} of this title, which cannot name a page; add "
                         "'slug: ...' with lower-case letters, digits and '-'.")
            return ""
        if slug != slug.lower():
            self.problems.append(Problem(self.shown, "title", (
                f"post_slugify makes the slug {slug!r}, with capitals: on macOS and Windows two pages whose "
                "names differ only in case are one file. Give post_slugify case: lower in mkdocs.yml, "
                "or add 'slug: ...'."), self.source.lines.get("title") if self.source else None, severity="warning"))
        return slug

    def _image(self) -> str:
        image = self._text("image")
        if not image:
            return ""
        if urls.is_https(image):
            return self._remote(image, "image")
        local = self._local_file(image, "image")
        return self._site_path(local) if local else ""

    def _aliases(self) -> tuple[str, ...]:
        raw = self.meta.get("aliases")
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem("aliases", "expected a list of old paths, e.g. 'aliases: [/p/my-slug]'.")
            return ()
        if len(raw) > MAX_ALIASES:
            self.problem("aliases", f"lists {len(raw)} old paths, more than {MAX_ALIASES}; keep the ones "
                         "readers still follow.")
            return ()
        aliases: list[str] = []
        for index, value in enumerate(raw):
            try:
                alias = parse_alias(value)
            except AliasError as error:
                self.problem(f"aliases.{index}", str(error))
                continue
            if alias in aliases:
                self.problem(f"aliases.{index}", f"'{value}' is listed twice; remove one of them.")
                continue
            aliases.append(alias)
        return tuple(aliases)

    def _imported_from(self) -> str:
        raw = self.meta.get("imported_from")
        if raw is None:
            return ""
        try:
            return check_imported_from(raw)
        except AliasError as error:
            self.problem("imported_from", str(error))
            return ""

    # -- audio -------------------------------------------------------------

    def _audio(self) -> Audio | None:
        raw = self.meta.get("audio")
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.problem("audio", "expected 'src:' and 'narrator:' indented under 'audio:'.")
            return None
        for key in raw:
            if key not in AUDIO_KEYS:
                self.problem(f"audio.{key}", _unknown(key, AUDIO_KEYS))
        src = self._text("audio.src", required=True, meta=raw)
        narrator = self._text("audio.narrator", required=True, meta=raw)
        if not src:
            return None
        facts = self._remote_audio(src, raw) if urls.is_web_url(src) \
            else self._local_audio(src)
        if facts is None:
            return None
        url, path, length, duration, mime = facts
        chapters = self._chapters(raw.get("chapters"), duration)
        return Audio(src=src, url=url, path=path, narrator=narrator, length=length,
                     duration=duration, mime_type=mime, chapters=chapters)

    def _local_audio(self, src: str):
        path = self._local_file(src, "audio.src")
        if path is None:
            return None
        try:
            facts = read_facts(path)
        except NotAudioError as error:
            self.problem("audio.src", f"'{src}' is not an audio file that can be played ({error}); "
                         "export the narration as MP3 (or M4A) and point src at it.")
            return None
        return self._site_path(path), path, facts.length, facts.duration, facts.mime_type

    def _remote_audio(self, src: str, raw: dict):
        url = self._remote(src, "audio.src")
        length, duration = raw.get("length"), raw.get("duration")
        if not isinstance(length, int) or isinstance(length, bool) or length <= 0:
            self.problem("audio.length", "is required for remote audio: the file size in bytes "
                         "(e.g. 'length: 4213760'), as shown by 'ls -l' or your media host.")
            length = None
        seconds = parse_timecode(duration) if duration is not None else None
        if not seconds:
            self.problem("audio.duration", "is required for remote audio as HH:MM:SS "
                         "(e.g. 'duration: \"00:12:05\"').")
        suffix = PurePosixPath(urlsplit(src).path).suffix.lower()
        mime = MIME_BY_SUFFIX.get(suffix)
        if mime is None:
            self.problem("audio.src", f"cannot tell the audio type of '{src}'; "
                         "use a URL ending in .mp3 or .m4a.")
        if not (url and length and seconds and mime):
            return None
        return url, None, length, float(seconds), mime

    def _chapters(self, raw, duration: float) -> tuple[Chapter, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem("audio.chapters", "expected a list of '- {title: ..., start: \"MM:SS\"}'.")
            return ()
        chapters, previous = [], -1
        for index, item in enumerate(raw):
            key = f"audio.chapters.{index}"
            if not isinstance(item, dict):
                self.problem(key, "expected '{title: ..., start: \"MM:SS\"}'.")
                continue
            title = self._text(f"{key}.title", required=True, meta=item)
            start = parse_timecode(item.get("start"))
            if start is None:
                self.problem(f"{key}.start", f"{item.get('start')!r} is not a time; write MM:SS or "
                             "HH:MM:SS in quotes, e.g. start: \"04:12\".")
                continue
            if start <= previous:
                self.problem(f"{key}.start", "chapters must be in order: this one starts no later than "
                             "the one before it; sort them by start time.")
            elif start >= duration:
                self.problem(f"{key}.start", f"starts at {start} s, after the recording ends "
                             f"({duration:.0f} s); fix the time or the recording.")
            previous = max(previous, start)
            chapters.append(Chapter(title, start))
        return tuple(chapters)

    # -- paths ---------------------------------------------------------------

    def _local_file(self, src: str, key: str) -> Path | None:
        target = (self.path.parent / src).resolve()
        docs = self.settings.docs_dir
        if not target.is_relative_to(docs):
            self.problem(key, f"'{src}' points outside {docs.name}/; keep the file inside "
                         f"{docs.name}/ (narrations in {docs.name}/{self.settings.layout.in_blog('audio')}/).")
            return None
        if not target.is_file():
            self.problem(key, f"file '{src}' not found (looked for {_relative(target, self.settings.root)}). "
                         "Add the file or fix the path.")
            return None
        return target

    def _remote(self, url: str, key: str) -> str:
        parts = urls.split(url)
        if parts is None or not urls.allows(urls.MEDIA, url):
            self.problem(key, f"'{url}' is not https; media must be served over https.")
            return ""
        host = (parts.hostname or "").lower()
        if host not in self.settings.media_hosts:
            self.problem(key, f"host '{host}' is not in media_hosts; add it to the letterpress "
                         f"plugin in mkdocs.yml:  media_hosts: [{host}]")
            return ""
        return url

    def _site_path(self, path: Path) -> str:
        """Where MkDocs (with Material's blog) publishes a file from docs/."""
        return self.settings.layout.media(path.relative_to(self.settings.docs_dir).as_posix())


def _unknown(key, known) -> str:
    hint = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
    fix = f"did you mean '{hint[0]}'?" if hint else f"known keys: {', '.join(known)}."
    return f"unknown key; {fix}"


def _example(key: str) -> str:
    return {"authors": "julia", "categories": "Essays", "tags": "attention"}.get(key, "...")


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
