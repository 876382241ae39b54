"""The publication's settings as plain typed dataclasses.

The raw data comes from the ``letterpress`` plugin block of ``mkdocs.yml``
(read by ``letterpress.site.loader``); this module turns it into frozen
dataclasses, one per concern, and reports unknown keys and wrong types as
problems naming the config key. Nothing here imports MkDocs.
"""

from __future__ import annotations

import difflib
import posixpath
import re
import types
import typing
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import Problem, ProblemsError
from . import urls
from .layout import PLACEHOLDERS, Layout

CONFIG_FILE = "mkdocs.yml"


@dataclass(frozen=True)
class AuthorOptions:
    """Per-author extras beyond Material's ``.authors.yml``."""

    cta_label: str = "Work with me"
    bio: str = ""
    email: str = ""  # where readers' replies to the newsletter go (Reply-To)


@dataclass(frozen=True)
class FeedsOptions:
    """RSS, Atom and JSON Feed."""

    enabled: bool = True
    limit: int = 20  # newest essays in rss.xml, atom.xml and feed.json
    full_text: bool = True  # false: title, summary and a link only


@dataclass(frozen=True)
class PodcastOptions:
    """The podcast feed of the narrated essays."""

    enabled: bool = False
    title: str = ""  # default: site_name
    description: str = ""  # default: site_description
    artwork: str = ""  # square JPEG or PNG, 1400–3000 px, relative to docs/
    category: str = ""  # one of Apple's categories, e.g. "Health & Fitness"
    subcategory: str = ""  # e.g. "Mental Health"
    explicit: bool = False
    author: str = ""  # itunes:author; default: the essays' authors
    owner_name: str = ""  # default: author
    owner_email: str = ""
    guid: str = ""  # podcast:guid, set once for the podcast's life (letterpress check proposes it)
    locked: bool = True
    type: str = "episodic"  # or serial


@dataclass(frozen=True)
class NewsletterOptions:
    """The email edition of each essay."""

    enabled: bool = True
    since: date | None = None
    sender: str = ""
    postal_address: str = ""
    subject_prefix: str = ""
    reason: str = ""
    budget_kb: int = 85
    attach_audio: bool = False
    attach_audio_max_mb: int = 10
    unsubscribe_mailto: str = ""
    list_id: str = ""


@dataclass(frozen=True)
class SendingOptions:
    """How letters leave the machine."""

    messenger: str = "maildir"
    smtp_url: str = ""
    pool: int = 1
    rate: float = 0.0
    subscribers: str = "newsletter/subscribers.sqlite3"
    outbox: str = "newsletter/outbox"
    return_path: str = ""  # envelope sender, where late bounces go; default: the newsletter sender
    timeout_seconds: float = 30.0  # per SMTP command
    retry_attempts: int = 5  # tries for a recipient whose server answers 4xx
    retry_backoff_seconds: float = 60.0  # before the first retry; doubles each time
    retry_backoff_max_seconds: float = 3600.0
    pause_after_errors: int = 10  # errors in a row that pause the campaign
    reconnect_delay_seconds: float = 1.0
    dkim_selector: str = ""  # with dkim_domain: sign each letter (key: LETTERPRESS_DKIM_KEY or dkim_key_file)
    dkim_domain: str = ""
    dkim_key_file: str = ""


@dataclass(frozen=True)
class ServiceOptions:
    """The sign-up and unsubscribe service."""

    url: str = ""  # the service's public address, e.g. https://example.org/service
    allowed_origin: str = ""  # the site whose forms may post; default: the origin of site_url
    confirm_hours: int = 48  # how long a confirmation link works
    root_path: str = ""  # the path prefix a reverse proxy strips, e.g. /service
    rate_limits: bool = True  # false only for benchmarks
    limit_per_ip: str = "10/minute;60/day"  # sign-ups per client address
    limit_per_address: str = "3/hour;10/day"  # sign-ups per email address
    max_body_bytes: int = 16384  # larger requests are refused (413)
    welcome_email: bool = True  # a short letter after confirming


ENGINES = ("mkdocs", "zensical")
BLOG_PLUGINS = ("blog", "material/blog")


@dataclass(frozen=True)
class SiteOptions:
    """Which site engine builds the pages (Letterpress's writers run after either)."""

    engine: str = "mkdocs"  # mkdocs (Material for MkDocs) or zensical


@dataclass(frozen=True)
class PublishOptions:
    """Who deploys the built site, for ``letterpress publish``."""

    deploy: str = "none"  # directory, command, pages or none
    directory: str = ""  # deploy: directory — where the site is copied
    command: str = ""  # deploy: command — run from the root after the build, e.g. rsync
    pages_wait_seconds: int = 0  # deploy: pages — how long to wait for the essay's URL to answer
    git_push: bool = True  # commit and push newsletter/sent/ records after sending


@dataclass(frozen=True)
class Settings:
    """Everything the commands need to know about one publication."""

    root: Path
    docs_dir: Path
    blog_dir: str = "essays"
    site_name: str = ""
    site_url: str = ""
    site_description: str = ""
    language: str = "en"
    copyright: str = ""
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    media_hosts: tuple[str, ...] = ()
    authors: dict[str, AuthorOptions] = field(default_factory=dict)
    feeds: FeedsOptions = field(default_factory=FeedsOptions)
    podcast: PodcastOptions = field(default_factory=PodcastOptions)
    newsletter: NewsletterOptions = field(default_factory=NewsletterOptions)
    sending: SendingOptions = field(default_factory=SendingOptions)
    service: ServiceOptions = field(default_factory=ServiceOptions)
    publish: PublishOptions = field(default_factory=PublishOptions)
    site: SiteOptions = field(default_factory=SiteOptions)
    markdown_extensions: tuple = ()
    mdx_configs: dict = field(default_factory=dict)
    blog_options: dict = field(default_factory=dict)  # Material's blog plugin, as mkdocs.yml gives it
    use_directory_urls: bool = True
    blog_instances: int = 1  # Material supports several blogs; Letterpress publishes one (check refuses more)
    custom_dir: Path | None = None  # the theme's custom_dir (the sample's overrides/), resolved
    hooks: tuple[Path, ...] = ()  # MkDocs' hooks: files, which shape the essays' HTML on MkDocs only
    plugin_names: tuple[str, ...] = ()  # every plugin mkdocs.yml lists, as written
    config_file: Path | None = None  # the config the command was given, when not root/mkdocs.yml

    @cached_property
    def layout(self) -> Layout:
        """Every address of the site, by the blog plugin's and MkDocs' own settings."""
        return Layout({**self.blog_options, "blog_dir": self.blog_dir}, self.use_directory_urls,
                      self.site_url, self.language)

    @property
    def posts_dir(self) -> Path:
        return self.docs_dir / self.layout.posts_dir

    @property
    def config_path(self) -> Path:
        return self.config_file or self.root / CONFIG_FILE

    def absolute_url(self, path: str) -> str:
        """``path`` (site-relative, no leading slash) joined to ``site_url``."""
        return urls.join(self.site_url, path)


SECTIONS = {
    "feeds": FeedsOptions,
    "podcast": PodcastOptions,
    "newsletter": NewsletterOptions,
    "sending": SendingOptions,
    "service": ServiceOptions,
    "publish": PublishOptions,
    "site": SiteOptions,
}
TOP_LEVEL_KEYS = ("enabled", "timezone", "media_hosts", "authors", *SECTIONS)


def build_settings(root: Path, mkdocs: dict, plugin: dict, config_file: Path | None = None) -> Settings:
    """Turn the raw ``mkdocs.yml`` data into :class:`Settings`.

    Args:
        root: the publication root (the folder holding ``mkdocs.yml``).
        mkdocs: the whole parsed ``mkdocs.yml``.
        plugin: the ``letterpress`` plugin block (may be empty).

    Raises:
        ProblemsError: every unknown key and wrong value, each naming its key.
    """
    problems: list[Problem] = []
    _check_keys(plugin, TOP_LEVEL_KEYS, "plugins.letterpress", problems)
    sections = {
        name: _build_section(cls, plugin.get(name), f"plugins.letterpress.{name}", problems)
        for name, cls in SECTIONS.items()
    }
    settings = Settings(
        root=root,
        docs_dir=(root / mkdocs.get("docs_dir", "docs")).resolve(),
        blog_dir=_blog_dir(mkdocs),
        site_name=str(mkdocs.get("site_name") or ""),
        site_url=str(mkdocs.get("site_url") or ""),
        site_description=str(mkdocs.get("site_description") or ""),
        language=_language(mkdocs),
        copyright=str(mkdocs.get("copyright") or ""),
        timezone=_timezone(plugin.get("timezone", "UTC"), problems),
        media_hosts=_media_hosts(plugin.get("media_hosts"), problems),
        authors=_authors(plugin.get("authors"), problems),
        markdown_extensions=tuple(_extension_names(mkdocs.get("markdown_extensions"))),
        mdx_configs=_extension_configs(mkdocs.get("markdown_extensions")),
        blog_options=_blog_options(mkdocs),
        use_directory_urls=mkdocs.get("use_directory_urls", True) is not False,
        blog_instances=blog_count(mkdocs),
        custom_dir=_custom_dir(root, mkdocs),
        hooks=tuple(root / str(hook) for hook in mkdocs.get("hooks") or [] if isinstance(hook, str)),
        plugin_names=tuple(name for name, _ in _plugin_entries(mkdocs.get("plugins"))),
        config_file=config_file,
        **sections,
    )
    if settings.site.engine not in ENGINES:
        problems.append(_problem("plugins.letterpress.site.engine",
                                 f"'{settings.site.engine}' is not a site engine; use one of: {', '.join(ENGINES)}."))
    problems += [_problem("plugins.blog.post_url_format", (  # refused here: no address can be made without it
        f"'{{{name}}}' is not a placeholder Letterpress can fill in, so no feed or letter could link the "
        f"essays; use {', '.join('{' + p + '}' for p in sorted(PLACEHOLDERS))}."))
        for name in settings.layout.unknown_placeholders()]
    if problems:
        raise ProblemsError(problems)
    return settings


def _problem(key: str, message: str) -> Problem:
    return Problem(CONFIG_FILE, key, message)


def _check_keys(raw: dict, known, prefix: str, problems: list[Problem]) -> None:
    for key in raw:
        if key not in known:
            hint = difflib.get_close_matches(str(key), list(known), n=1)
            fix = f"did you mean '{hint[0]}'?" if hint else f"known keys: {', '.join(known)}."
            problems.append(_problem(f"{prefix}.{key}", f"unknown key; {fix}"))


def _build_section(cls, raw, prefix: str, problems: list[Problem]):
    if raw is None:
        return cls()
    if not isinstance(raw, dict):
        problems.append(_problem(prefix, "expected a mapping of options (key: value)."))
        return cls()
    hints = typing.get_type_hints(cls)
    _check_keys(raw, [f.name for f in fields(cls)], prefix, problems)
    values = {}
    for name, value in raw.items():
        if name in hints:
            converted = _convert(value, hints[name], f"{prefix}.{name}", problems)
            if converted is not _INVALID:
                values[name] = converted
    return cls(**values)


_INVALID = object()


def _convert(value, hint, key: str, problems: list[Problem]):
    """Check ``value`` against a simple type hint (bool, int, float, str, date, Optional)."""
    allowed = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    if value is None and type(None) in allowed:
        return None
    for kind in allowed:
        if kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if kind is bool and isinstance(value, bool):
            return value
        if kind in (int, str) and isinstance(value, kind) and not isinstance(value, bool):
            return value
        if kind is date and isinstance(value, date):
            return value
    names = " or ".join(getattr(k, "__name__", str(k)) for k in allowed if k is not type(None))
    problems.append(_problem(key, f"expected {_article(names)}, got {value!r}."))
    return _INVALID


def _article(names: str) -> str:
    nouns = {"str": "text", "int": "whole number", "bool": "true or false",
             "float": "number", "date": "date (YYYY-MM-DD)"}
    return " or ".join(nouns.get(n, n) for n in names.split(" or "))


def _timezone(name, problems: list[Problem]) -> ZoneInfo:
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(_problem(
            "plugins.letterpress.timezone",
            f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin.",
        ))
        return ZoneInfo("UTC")


def _media_hosts(raw, problems: list[Problem]) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(h, str) for h in raw):
        problems.append(_problem("plugins.letterpress.media_hosts",
                                 "expected a list of host names, e.g. [media.example.org]."))
        return ()
    bad = [h for h in raw if not re.fullmatch(r"[A-Za-z0-9.-]+(:\d+)?", h)]
    for host in bad:
        problems.append(_problem("plugins.letterpress.media_hosts",
                                 f"{host!r} is not a host name; write it without https:// or a path."))
    return tuple(h.lower() for h in raw if h not in bad)


def _authors(raw, problems: list[Problem]) -> dict[str, AuthorOptions]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(_problem("plugins.letterpress.authors",
                                 "expected a mapping of author keys to options."))
        return {}
    return {
        str(key): _build_section(AuthorOptions, value, f"plugins.letterpress.authors.{key}", problems)
        for key, value in raw.items()
    }


def _blog_dir(mkdocs: dict) -> str:
    """The blog's folder under docs/, normalised (``.`` for a blog at the site's root)."""
    for name, options in _plugin_entries(mkdocs.get("plugins")):
        if name in BLOG_PLUGINS:
            return posixpath.normpath(str((options or {}).get("blog_dir", "blog")).strip("/") or ".")
    return "essays"


def _blog_options(mkdocs: dict) -> dict:
    """The options of Material's blog plugin (``{}`` when it has none)."""
    for name, options in _plugin_entries(mkdocs.get("plugins")):
        if name in BLOG_PLUGINS and isinstance(options, dict):
            return dict(options)
    return {}


def blog_count(mkdocs: dict) -> int:
    """How many instances of Material's blog plugin ``mkdocs.yml`` lists."""
    return sum(1 for name, _ in _plugin_entries(mkdocs.get("plugins")) if name in BLOG_PLUGINS)


def _language(mkdocs: dict) -> str:
    theme = mkdocs.get("theme")
    if isinstance(theme, dict):
        return str(theme.get("language") or "en")
    return "en"


def _custom_dir(root: Path, mkdocs: dict) -> Path | None:
    theme = mkdocs.get("theme")
    folder = theme.get("custom_dir") if isinstance(theme, dict) else None
    return (root / str(folder)).resolve() if folder else None


def _plugin_entries(plugins) -> list[tuple[str, dict]]:
    """``plugins:`` of mkdocs.yml as (name, options) pairs; it may be a list or a mapping."""
    if isinstance(plugins, dict):
        return [(str(name), options or {}) for name, options in plugins.items()]
    entries: list[tuple[str, dict]] = []
    for item in plugins or []:
        if isinstance(item, dict):
            entries.extend((str(name), options or {}) for name, options in item.items())
        else:
            entries.append((str(item), {}))
    return entries


def plugin_options(mkdocs: dict, name: str = "letterpress") -> dict | None:
    """The options of plugin ``name`` in ``mkdocs.yml``, or None when it is not listed."""
    for entry, options in _plugin_entries(mkdocs.get("plugins")):
        if entry == name:
            return options if isinstance(options, dict) else {}
    return None


def _extension_names(raw) -> list:
    names: list = []
    for item in raw or []:
        names.extend(item.keys() if isinstance(item, dict) else [item])
    return names


def _extension_configs(raw) -> dict:
    configs = {}
    for item in raw or []:
        if isinstance(item, dict):
            configs.update({name: options or {} for name, options in item.items()})
    return configs
