"""Where the engine puts every page, and where Letterpress puts every file of its own: the one home of addresses.

Material's blog (and Zensical, which builds it the same way) decides a post's
address from its own settings: ``post_url_format`` with its placeholders
(``{date}``, ``{slug}``, ``{categories}``, ``{file}``), ``post_url_date_format``,
``post_url_max_categories``, ``post_slugify`` and its separator,
``categories_slugify`` and its separator, ``blog_dir`` and ``post_dir``; MkDocs
then turns the path into a file and a URL by ``use_directory_urls``. This module
follows those rules step for step (``BlogPlugin._format_path_for_post`` and
MkDocs' ``File``), so a letter can know its essay's address before any build; the
site adapter checks each answer against the engine's own (``page.url`` on MkDocs,
the built tree on Zensical) and stops the build on a difference, so a wrong rule
here is a failed build, never a wrong link.

Every output takes its address from here: essay pages, the files beside them
(``chapters.json``), our own pages (the letters' web versions) and the feeds.
:func:`letterpress.model.site_map.site_files` lists them all for the checks that
look for collisions.
"""

from __future__ import annotations

import posixpath
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from pymdownx.slugs import slugify

from . import urls
from .essay import Essay

__all__ = ["ATOM_PATH", "FEEDS", "JSON_PATH", "LETTERS_DIR", "PLACEHOLDERS", "PODCAST_PATH", "POSTS", "RSS_PATH",
           "SERVICE_PAGES", "Address", "Layout", "relative_url"]

POSTS = "posts"
"""The folder under the blog folder that holds the essays' sources (Material's ``post_dir: "{blog}/posts"``)."""

PLACEHOLDERS = frozenset({"date", "slug", "categories", "file"})
"""The placeholders of ``post_url_format`` that Material documents, and all that Letterpress computes."""

# Material's defaults (material/plugins/blog/config.py), for the options mkdocs.yml leaves out.
DEFAULTS = {
    "blog_dir": "blog", "post_dir": "{blog}/" + POSTS, "post_url_format": "{date}/{slug}",
    "post_url_date_format": "yyyy/MM/dd", "post_url_max_categories": 1, "post_slugify_separator": "-",
    "categories_slugify_separator": "-", "authors_file": "{blog}/.authors.yml",
    "archive_url_format": "archive/{date}", "categories_url_format": "category/{slug}",
    "authors_profiles_url_format": "author/{slug}", "pagination_url_format": "page/{page}",
}
DEFAULT_SLUGIFY = slugify(case="lower")
NAMED_DATE_FORMATS = ("full", "long", "medium", "short")  # babel's names, formatted without a time
# The feeds, at the site's root (fixed, documented paths).
RSS_PATH, ATOM_PATH, JSON_PATH, PODCAST_PATH = "rss.xml", "atom.xml", "feed.json", "podcast.xml"
FEEDS = {RSS_PATH: "the RSS feed", ATOM_PATH: "the Atom feed", JSON_PATH: "the JSON feed",
         PODCAST_PATH: "the podcast feed"}
LETTERS_DIR = "newsletter"  # the letters' web versions and their archive
# The pages of docs/ the sign-up service sends people to (after signing up, confirming, leaving):
# reached from there, never from a search engine, so the sitemap leaves them out.
SERVICE_PAGES = ("subscribe/thanks.md", "subscribe/confirmed.md", "subscribe/unsubscribed.md")
LISTINGS = {"archive_url_format": "the archive", "categories_url_format": "a category page",
            "authors_profiles_url_format": "an author page", "pagination_url_format": "a page of the essay list"}


@dataclass(frozen=True)
class Address:
    """Where one page or file of the site lives.

    Attributes:
        url: site-relative, as the engine writes it (percent-encoded; ``""`` for the home page),
            e.g. ``blog/2024/01/15/hello/`` or ``blog/hello.html``.
        file: the site-relative output file, e.g. ``blog/2024/01/15/hello/index.html``.
    """

    url: str
    file: str

    @property
    def folder(self) -> str:
        """The site-relative folder that files belonging to this page go in, with a trailing slash.

        ``blog/hello/`` for ``blog/hello/index.html``; ``blog/hello/`` for ``blog/hello.html`` too,
        so a page's files have the same names whatever ``use_directory_urls`` says.
        """
        if self.file == "index.html":
            return ""
        if self.file.endswith("/index.html"):
            return self.file[: -len("index.html")]
        return self.file[: -len(".html")] + "/"


class Layout:
    """The site's addresses by the blog plugin's and MkDocs' own settings.

    Args:
        blog: the blog plugin's options as ``mkdocs.yml`` gives them (defaults filled in here).
        use_directory_urls: MkDocs' setting.
        site_url: the site's address (it may have a path, e.g. ``https://example.org/writing/``).
        language: ``theme.language``, the locale Material formats ``{date}`` with.
    """

    def __init__(self, blog: dict, use_directory_urls: bool, site_url: str, language: str):
        self.options = {**DEFAULTS, **{k: v for k, v in blog.items() if v is not None}}
        self.blog_dir = posixpath.normpath(str(self.options["blog_dir"]).strip("/") or ".")
        self.directory_urls = use_directory_urls
        self.site_url = site_url
        self.locale = (language or "en").replace("-", "_")
        self.post_slugify = self.options.get("post_slugify") or DEFAULT_SLUGIFY
        self.category_slugify = self.options.get("categories_slugify") or DEFAULT_SLUGIFY
        self._essays: dict[int, tuple[Essay, Address]] = {}

    # -- folders of docs/ ---------------------------------------------------------------

    @property
    def posts_dir(self) -> str:
        """The docs-relative folder of the essays' sources, e.g. ``blog/posts`` (``posts`` for a blog at the root)."""
        return posixpath.normpath(str(self.options["post_dir"]).format(blog=self.blog_dir))

    @property
    def authors_file(self) -> str:
        """The docs-relative path of the authors file (Material's ``authors_file``)."""
        return posixpath.normpath(str(self.options["authors_file"]).format(blog=self.blog_dir))

    def in_blog(self, docs_path: str) -> str:
        """``docs_path`` shown under the blog folder (``blog/images/a.jpg``), for messages and examples."""
        return posixpath.normpath(posixpath.join(self.blog_dir, docs_path))

    # -- essays --------------------------------------------------------------------------

    def slug(self, title: str) -> str:
        """The slug Material's blog gives a post with this title and no ``slug:`` of its own."""
        return str(self.post_slugify(title, self.options["post_slugify_separator"]))

    def essay(self, essay: Essay) -> Address:
        """The essay's page, as Material's blog places it."""
        kept = self._essays.get(id(essay))
        if kept is not None and kept[0] is essay:
            return kept[1]
        address = self.post(essay.slug, essay.date, essay.categories, essay.path.name)
        self._essays[id(essay)] = (essay, address)
        return address

    def post(self, slug: str, date: datetime, categories: Sequence[str], file_name: str) -> Address:
        """The page of a post with these facts (``BlogPlugin._format_path_for_post``, then MkDocs' ``File``).

        Args:
            slug: its slug (its ``slug:`` or the title's); date: its creation date as written;
            categories: its categories in order; file_name: its source file's name (``hello.md``).
        """
        limit = int(self.options["post_url_max_categories"])
        separator = self.options["categories_slugify_separator"]
        slugs = [str(self.category_slugify(name, separator)) for name in categories[:limit]]
        url_format = str(self.options["post_url_format"])
        dated = self._post_date(date) if "{date" in url_format else ""  # babel's locale data only when asked
        path = url_format.format(categories="/".join(slugs), date=dated, file=_file_name(file_name), slug=slug)
        path = posixpath.normpath(path.strip("/"))
        return self.page(posixpath.join(self.blog_dir, path + ".md"))

    def essay_file(self, essay: Essay, name: str) -> Address:
        """A file of ours beside the essay's page, e.g. its ``chapters.json``."""
        path = self.essay(essay).folder + name
        return Address(quote(path), path)

    def _post_date(self, date: datetime) -> str:
        from babel.dates import format_date, format_datetime

        date_format = str(self.options["post_url_date_format"])
        if date_format in NAMED_DATE_FORMATS:
            return format_date(date, format=date_format, locale=self.locale)
        return format_datetime(date, format=date_format, locale=self.locale)

    # -- pages and files -------------------------------------------------------------------

    def page(self, docs_path: str) -> Address:
        """Where MkDocs writes the page of the Markdown file at ``docs_path`` (relative to docs/)."""
        path = posixpath.normpath(docs_path)
        parent, file_name = posixpath.split(path)
        stem = posixpath.splitext(file_name)[0]
        stem = "index" if stem == "README" else stem
        if stem == "index" or not self.directory_urls:
            dest = posixpath.join(parent, f"{stem}.html")
        else:
            dest = posixpath.join(parent, stem, "index.html")
        return Address(_url(dest, self.directory_urls), dest)

    def generated(self, path: str) -> Address:
        """One of our own pages (``newsletter/<slug>``; ``newsletter`` for the archive's index)."""
        return self.page(path.strip("/") + ("/index.md" if path.endswith("/") else ".md"))

    def web_version(self, essay: Essay) -> Address:
        """The letter's web version, "view in your browser" (``newsletter/<slug>/``)."""
        return self.generated(f"{LETTERS_DIR}/{essay.slug}")

    def letters_archive(self) -> Address:
        """The archive of the letters (``newsletter/``)."""
        return self.generated(f"{LETTERS_DIR}/")

    def media(self, docs_path: str) -> str:
        """Where a file of docs/ that is not a page is served: Material drops the posts folder."""
        posts = self.posts_dir
        if docs_path.startswith(posts):
            return posixpath.normpath(docs_path.replace(posts, self.blog_dir))
        return docs_path

    def media_source(self, site_path: str) -> str | None:
        """The docs-relative file under the posts folder a served ``site_path`` may come from, if any."""
        blog = "" if self.blog_dir == "." else self.blog_dir + "/"
        if not site_path.startswith(blog):
            return None
        return posixpath.join(self.posts_dir, site_path[len(blog):])

    def absolute(self, url: str) -> str:
        """A site-relative URL (or a web address, kept) joined to ``site_url``."""
        return urls.absolute(url, self.site_url)

    # -- the blog's listings ---------------------------------------------------------------

    def listing_prefixes(self) -> list[tuple[str, str]]:
        """``(site folder, what)`` of each kind of listing page the blog generates, e.g. ``blog/archive/``."""
        found = []
        for key, what in LISTINGS.items():
            value = self.options.get(key)
            fixed = str(value if isinstance(value, str) else DEFAULTS[key]).split("{", 1)[0].strip("/")
            if fixed:  # a format that starts with its placeholder reserves no folder of its own
                found.append((self.in_blog(fixed) + "/", what))
        return found

    def unknown_placeholders(self) -> list[str]:
        """Placeholders in ``post_url_format`` that Material does not document (and we cannot compute)."""
        try:
            fields = [name for _, name, _, _ in string.Formatter().parse(str(self.options["post_url_format"])) if name]
        except ValueError:
            return ["{"]
        return sorted({name for name in fields if name not in PLACEHOLDERS})


def relative_url(url: str, page_url: str) -> str:
    """The site-relative ``url`` as a link from the page at ``page_url``, as MkDocs writes one.

    MkDocs' ``get_relative_url``: a page URL naming a file (``blog/hello.html``) links from its folder.
    """
    base = page_url or "."
    folder, name = posixpath.split(base)
    if "." in name:
        base = folder or "."
    relative = posixpath.relpath(url or ".", base)
    return relative + "/" if (url.endswith("/") or not url) and not relative.endswith("/") else relative


def _file_name(name: str) -> str:
    """``{file}``: MkDocs' ``File.name``, the source's name without ``.md`` (``README`` counts as ``index``)."""
    stem = posixpath.splitext(name)[0]
    return "index" if stem == "README" else stem


def _url(dest: str, directory_urls: bool) -> str:
    """MkDocs' ``File.url`` of a page written at ``dest``, percent-encoded, ``""`` for the home page."""
    dirname, file_name = posixpath.split(dest)
    if directory_urls and file_name == "index.html":
        url = posixpath.normpath(dirname or ".") + "/"
        return "" if url == "./" else quote(url)
    return quote(posixpath.normpath(dest))
