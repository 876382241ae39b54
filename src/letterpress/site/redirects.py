"""Redirect pages at an essay's old addresses (``aliases:``), and the check that they hit no page.

Like Hugo's aliases: for each alias of a published essay the build writes a
small HTML page (``/old.html`` as that file, ``/p/slug`` and ``/p/slug/`` as
``p/slug/index.html``) with a zero-second meta refresh to the essay's absolute
URL, ``rel=canonical`` naming it (so search engines move the old address's
standing to the new page), ``robots: noindex`` and a visible link. A static
site has no server-side redirects to configure, so a page it is.

:func:`write_redirects` is one of the build's writers (it takes everything from
the publication, so it runs after either engine's build); :func:`alias_problems`
is one of its checks. Its pages go through the site's one writer
(:class:`letterpress.model.site_output.SiteOutput`), which refuses to write over any
file the engine or another writer made, so a collision the check could not foresee
(a theme file) still fails the build instead of replacing a page.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import quote, unquote

from markupsafe import escape

from ..errors import Problem, ProblemsError
from ..model import urls
from ..model.aliases import alias_file
from ..model.essay import Essay
from ..model.letters import moved_addresses
from ..model.publication import Publication
from ..model.settings import Settings
from ..model.site_map import reserved_folders, site_files
from ..model.site_output import SiteOutput

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


def write_redirects(publication: Publication, output: SiteOutput) -> None:
    """Write a redirect page for every alias of every published essay into the built site, and one at
    each address a sent letter linked that has moved since (a changed ``post_url_format`` or slug).

    Raises:
        ProblemsError: an alias would replace a file of the built site; nothing more is written.
    """
    settings = publication.settings
    for moved in moved_addresses(publication):
        target = alias_file("/" + unquote(moved.old)).as_posix()
        if not output.clash(target):  # taken: another page is there now (check warns)
            url = "/" + moved.new if output.local else settings.layout.absolute(moved.new)
            output.write(target, _page(moved.essay.title, url, settings), f"the redirect from /{moved.old}")
    for essay in publication.published():
        page = redirect_page(essay, settings, output.local)
        for index, alias in enumerate(essay.aliases):
            target = alias_file(alias).as_posix()
            taken = output.clash(target)
            if taken:
                raise ProblemsError([Problem(essay.source_path, f"aliases.{index}", (
                    f"'{alias}' would replace {taken}; choose another path or remove the alias."),
                    essay.lines.get(f"aliases.{index}"))])
            output.write(target, page, f"the redirect from '{alias}'")


def redirect_page(essay: Essay, settings: Settings, local: bool = False) -> str:
    """The redirect page to ``essay``: every value escaped for its attribute or text.

    ``local``: to the essay on the same site (a preview's), not at ``site_url``.
    """
    return _page(essay.title, essay_url(essay, settings, local), settings)


def _page(title: str, url: str, settings: Settings) -> str:
    # A quote would end the refresh URL early and a space split it; non-ASCII is encoded as browsers do.
    url = quote(url, safe=URL_SAFE)
    return PAGE.format(lang=escape(settings.language or "en"), title=escape(title), url=escape(url))


def essay_url(essay: Essay, settings: Settings, local: bool = False) -> str:
    """The essay page's absolute URL under ``site_url`` (root-relative when there is none, or ``local``)."""
    path = settings.layout.essay(essay).url
    return settings.layout.absolute(path) if urls.is_web_url(settings.site_url) and not local else "/" + path


# -- the check ------------------------------------------------------------------

def alias_problems(publication: Publication) -> list[Problem]:
    """One problem for each alias that is a page of the site or another alias (of any essay).

    Drafts' and scheduled essays' aliases and pages count too: they are published one day.
    """
    taken = TakenPaths(publication)
    problems = _moved_problems(publication, taken)
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


def _moved_problems(publication: Publication, taken: TakenPaths) -> list[Problem]:
    """A warning for each address a sent letter linked that moved and is now another page (no redirect)."""
    problems = []
    for moved in moved_addresses(publication):
        clash = _clash(alias_file("/" + unquote(moved.old)), taken.files, {})
        if clash:
            problems.append(Problem(moved.essay.source_path, "", (
                f"its letter linked /{moved.old}, and its {moved.what} is now /{moved.new}; /{moved.old} is "
                f"{clash} now, so it cannot redirect: readers of that letter reach the other page."),
                severity="warning"))
    return problems


class TakenPaths:
    """The site's files and reserved folders, which an alias may not be (the check's, and an import's)."""

    def __init__(self, publication: Publication):
        self.files = site_files(publication)
        self.folders = dict(reserved_folders(publication.settings))

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
