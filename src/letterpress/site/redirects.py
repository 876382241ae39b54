"""Redirect pages at an essay's old addresses (``aliases:``), and the check that they hit no page.

Like Hugo's aliases: for each alias of a published essay the build writes a
small HTML page (``/old.html`` as that file, ``/p/slug`` and ``/p/slug/`` as
``p/slug/index.html``) with a zero-second meta refresh to the essay's absolute
URL, ``rel=canonical`` naming it (so search engines move the old address's
standing to the new page), ``robots: noindex`` and a visible link. A static
site has no server-side redirects to configure, so a page it is.

:func:`write_redirects` is one of the build's writers (it takes everything from
the publication, so it runs after either engine's build); :func:`alias_problems`
is one of its checks. The writer refuses to write over any file the engine or
another writer made, so a collision the check could not foresee (a theme file)
still fails the build instead of replacing a page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from markupsafe import escape

from ..errors import Problem, ProblemsError
from ..feeds.chapters import chapters_path
from ..feeds.entries import ATOM_PATH, JSON_PATH, PODCAST_PATH, RSS_PATH
from ..model import urls
from ..model.aliases import alias_file
from ..model.essay import Essay
from ..model.files import write_atomic
from ..model.publication import Publication
from ..model.settings import Settings

# What the theme, the search plugin and the letters put in every site (files and folders).
ENGINE_FILES = {"404.html": "the 'page not found' page", "sitemap.xml": "the sitemap",
                "sitemap.xml.gz": "the sitemap"}
ENGINE_FOLDERS = {"assets": "the theme's files", "search": "the search index",
                  "newsletter": "the letters' web versions"}
# Material's blog: where its listings live under the blog folder, unless mkdocs.yml says otherwise.
LISTING_FORMATS = {"archive_url_format": ("archive/{date}", "the archive"),
                   "categories_url_format": ("category/{slug}", "a category page"),
                   "authors_profiles_url_format": ("author/{slug}", "an author page"),
                   "pagination_url_format": ("page/{page}", "a page of the essay list")}
# Characters left as they are in the refresh URL; the rest (quotes, spaces, non-ASCII) is %-encoded.
URL_SAFE = ":/?#[]@!$&()*+,;=~%-._"

PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="canonical" href="{url}">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={url}">
</head>
<body>
<p>This essay has moved: <a href="{url}">{title}</a>.</p>
</body>
</html>
"""


def write_redirects(publication: Publication, site_dir: Path) -> None:
    """Write a redirect page for every alias of every published essay into ``site_dir``.

    Raises:
        ProblemsError: an alias would replace a file of the built site; nothing more is written.
    """
    settings = publication.settings
    for essay in publication.published():
        page = redirect_page(essay, settings)
        for index, alias in enumerate(essay.aliases):
            target = site_dir / alias_file(alias)
            taken = _taken(site_dir, target)
            if taken is not None:
                raise ProblemsError([Problem(essay.source_path, f"aliases.{index}", (
                    f"'{alias}' would replace {taken.relative_to(site_dir).as_posix()}, which the build "
                    "already wrote; choose another path or remove the alias."), essay.lines.get(f"aliases.{index}"))])
            write_atomic(target, page)


def redirect_page(essay: Essay, settings: Settings) -> str:
    """The redirect page to ``essay``: every value escaped for its attribute or text."""
    url = essay_url(essay, settings)
    return PAGE.format(lang=escape(settings.language or "en"), title=escape(essay.title), url=escape(url))


def essay_url(essay: Essay, settings: Settings) -> str:
    """The essay page's absolute URL under ``site_url`` (root-relative when there is none)."""
    path = essay.url_path(settings.blog_dir)
    url = settings.absolute_url(path) if urls.is_web_url(settings.site_url) else "/" + path
    # A quote would end the refresh URL early and a space split it; non-ASCII is encoded as browsers do.
    return quote(url, safe=URL_SAFE)


def _taken(site_dir: Path, target: Path) -> Path | None:
    """The file at ``target`` or at one of its folders, if the build already wrote one."""
    if target.exists():
        return target
    for folder in target.relative_to(site_dir).parents:
        if folder.parts and (site_dir / folder).is_file():
            return site_dir / folder
    return None


# -- the check ------------------------------------------------------------------

def alias_problems(publication: Publication) -> list[Problem]:
    """One problem for each alias that is a page of the site or another alias (of any essay).

    Drafts' and scheduled essays' aliases and pages count too: they are published one day.
    """
    taken = TakenPaths(publication)
    problems = []
    for essay in publication.essays:
        for index, alias in enumerate(essay.aliases):
            clash = taken.clash(alias)
            if clash:
                problems.append(Problem(essay.source_path, f"aliases.{index}", (
                    f"'{alias}' is {clash}; choose another old path or remove the alias."),
                    essay.lines.get(f"aliases.{index}")))
                continue
            taken.take(alias, f"also an alias of {essay.source_path}")
    return problems


class TakenPaths:
    """The site's files and reserved folders, which an alias may not be (the check's, and an import's)."""

    def __init__(self, publication: Publication):
        self.files = site_paths(publication)
        self.folders = dict(_reserved_folders(publication.settings))

    def clash(self, alias: str) -> str:
        """What the redirect file of ``alias`` (or a folder on its way) already is, or ""."""
        return _clash(alias_file(alias), self.files, self.folders)

    def take(self, alias: str, what: str) -> None:
        self.files[alias_file(alias).as_posix()] = what


def _clash(file: PurePosixPath, taken: dict[str, str], folders: dict[str, str]) -> str:
    """What ``file`` (or a folder on its way) already is, or ""."""
    for prefix, what in folders.items():
        if file.as_posix().startswith(prefix):
            return what
    for path in (file, *file.parents):
        if path.as_posix() in taken:
            return taken[path.as_posix()]
    return ""


def site_paths(publication: Publication) -> dict[str, str]:
    """Site-relative file path -> what it is, for every file the build is known to write."""
    settings = publication.settings
    paths = dict(ENGINE_FILES)
    paths.update(_docs_files(settings, settings.use_directory_urls))
    for name, what in ((RSS_PATH, "the RSS feed"), (ATOM_PATH, "the Atom feed"), (JSON_PATH, "the JSON feed"),
                       (PODCAST_PATH, "the podcast feed")):
        paths[name] = f"{what} ({name})"
    for essay in publication.essays:
        page = essay.url_path(settings.blog_dir)
        paths[page + "index.html"] = f"the page of {essay.source_path} (/{page})"
        paths[chapters_path(essay, settings.blog_dir)] = f"the chapters file of {essay.source_path}"
    return paths


def _docs_files(settings: Settings, directory_urls: bool) -> Iterator[tuple[str, str]]:
    """Where each file under docs/ is published: Markdown as a page, anything else as itself."""
    docs = settings.docs_dir
    for path in sorted(docs.rglob("*")):
        if path.is_dir():
            continue
        source = path.relative_to(docs).as_posix()
        if source.startswith(f"{settings.blog_dir}/{urls.POSTS}/") and path.suffix == ".md":
            continue  # an essay: its page is the essay's URL
        shown = f"{docs.name}/{source}"
        yield _published(urls.published_path(source, settings.blog_dir), directory_urls), f"the page of {shown}"


def _published(source: str, directory_urls: bool) -> str:
    """MkDocs' file name for a docs-relative ``source``."""
    path = PurePosixPath(source)
    if path.suffix != ".md":
        return source
    if path.stem in ("index", "README"):
        return (path.parent / "index.html").as_posix()
    if directory_urls:
        return (path.parent / path.stem / "index.html").as_posix()
    return path.with_suffix(".html").as_posix()


def _reserved_folders(settings: Settings) -> Iterator[tuple[str, str]]:
    """Folder prefixes (``assets/``, ``essays/archive/``) whose every file the build may write."""
    for folder, what in ENGINE_FOLDERS.items():
        yield f"{folder}/", f"inside /{folder}/, {what}"
    blog = settings.blog_options
    for key, (default, what) in LISTING_FORMATS.items():
        value = blog.get(key, default)
        fixed = str(value if isinstance(value, str) else default).split("{", 1)[0]
        yield f"{settings.blog_dir}/{fixed}", f"inside /{settings.blog_dir}/{fixed}, {what} of the blog"


