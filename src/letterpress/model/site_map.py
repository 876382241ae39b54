"""Every file the built site will hold, and what each is: the registry the collision checks read.

Made from :mod:`letterpress.model.layout` only, so the check before a build
(aliases, the site's outputs against the author's files) and the writers after
it agree on every path: the engine's pages and files (each docs/ file where MkDocs
puts it, every essay's page, the theme's and the search plugin's files), and
ours (feeds, chapters files, letters' web versions and their archive).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import Problem
from .layout import FEEDS, LETTERS_DIR
from .publication import Publication
from .settings import Settings

# What the theme, the search plugin and the letters put in every site (files and folders).
ENGINE_FILES = {"404.html": "the 'page not found' page", "sitemap.xml": "the sitemap",
                "sitemap.xml.gz": "the sitemap"}
ENGINE_FOLDERS = {"assets": "the theme's files", "search": "the search index"}
LETTERS_FOLDER = "the letters' web versions"


def site_files(publication: Publication) -> dict[str, str]:
    """Site-relative file path -> what it is, for every file the build is known to write.

    Every essay counts, drafts and scheduled ones too: they are published one day.
    """
    return {**engine_files(publication), **output_files(publication)}


def engine_files(publication: Publication) -> dict[str, str]:
    """The engine's part of :func:`site_files`: the theme's files, each file of docs/, every essay's page."""
    settings = publication.settings
    layout = settings.layout
    paths = dict(ENGINE_FILES)
    paths.update((published, f"the page of {source}") for published, source in docs_files(settings))
    for essay in publication.essays:
        page = layout.essay(essay)
        paths[page.file] = f"the page of {essay.source_path} (/{page.url})"
    return paths


def output_files(publication: Publication) -> dict[str, str]:
    """Letterpress's part of :func:`site_files`: the feeds, chapters files, web versions and their archive."""
    layout = publication.settings.layout
    paths = {name: f"{what} ({name})" for name, what in FEEDS.items()}
    for essay in publication.essays:
        paths[layout.essay_file(essay, "chapters.json").file] = f"the chapters file of {essay.source_path}"
        if essay.newsletter:
            paths[layout.web_version(essay).file] = f"the web version of the letter of {essay.source_path}"
    paths[layout.letters_archive().file] = "the letters' archive"
    return paths


def page_problems(publication: Publication) -> list[Problem]:
    """An essay whose page would be another page: the blog's index, a page of docs/, another essay's.

    MkDocs would write one over the other; Material's blog places a post slugged ``index`` at its
    folder's index page, for one.
    """
    layout = publication.settings.layout
    pages = {published: f"the page of {source}" for published, source in docs_files(publication.settings)}
    problems = []
    for essay in publication.essays:
        page = layout.essay(essay)
        if page.file in pages:
            problems.append(Problem(essay.source_path, "slug", (
                f"its page would be /{page.url}, which is already {pages[page.file]}; give the essay another "
                "'slug:' (or change the blog's post_url_format)."), essay.lines.get("slug")))
        pages.setdefault(page.file, f"the page of {essay.source_path}")
    return problems


def docs_files(settings: Settings) -> Iterator[tuple[str, str]]:
    """``(site path, docs/ file)`` for each file under docs/: Markdown as a page, anything else as itself."""
    docs, layout = settings.docs_dir, settings.layout
    posts = settings.posts_dir.resolve()
    for path in sorted(docs.rglob("*")):
        if path.is_dir():
            continue
        source = path.relative_to(docs).as_posix()
        if path.suffix == ".md" and path.resolve().is_relative_to(posts):
            continue  # an essay: its page is the essay's address
        shown = f"{docs.name}/{source}"
        published = layout.page(source).file if path.suffix == ".md" else layout.media(source)
        yield published, shown


def reserved_folders(settings: Settings) -> Iterator[tuple[str, str]]:
    """Folder prefixes (``assets/``, ``essays/archive/``) whose every file the build may write."""
    for folder, what in ENGINE_FOLDERS.items():
        yield f"{folder}/", f"inside /{folder}/, {what}"
    yield f"{LETTERS_DIR}/", f"inside /{LETTERS_DIR}/, {LETTERS_FOLDER}"
    for prefix, what in settings.layout.listing_prefixes():
        yield prefix, f"inside /{prefix}, {what} of the blog"
