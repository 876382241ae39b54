"""``letterpress init DIR``: a new publication of one's own, written whole or not at all.

The starter files ship in the package (``starter/files/``): the config, the home page,
the essay index, the authors file, the sign-up pages, ``overrides/`` (where the author's
own changes to the look go; Letterpress's templates come with the package), the letters'
footer, the site's workflow and ``.gitignore``. A few are templates: the answers go in
escaped for where they land (YAML, Markdown, MJML). Then the podcast artwork and the
avatar are drawn, the first draft is made as ``letterpress new`` makes one, and the
folder is moved into place; last, ``git init`` and a first commit.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, date
from pathlib import Path

import jinja2
from markupsafe import escape

from .. import __version__
from ..errors import LetterpressError
from ..model import urls
from ..model.files import swap_directory, write_atomic
from ..model.options import RunOptions
from ..model.publication import load_publication
from ..model.scaffold import ascii_slug, new_essay
from ..site.escaping import markdown_text
from ..site.loader import load_settings
from . import git
from .answers import Answers
from .images import artwork, avatar

STARTER = Path(__file__).resolve().parent / "files"
# What the package cannot carry under its own name (setuptools leaves dot files out of a wheel).
RENAMED = {"gitignore": ".gitignore", "github": ".github", "docs/essays/authors.yml": "docs/essays/.authors.yml"}
ARTWORK = "docs/assets/podcast-artwork.jpg"
AVATARS = "docs/essays/images/avatars"
FIRST_ESSAY = "A First Essay"
COMMIT_MESSAGE = "A publication of my own (letterpress init)"


@dataclass(frozen=True)
class Started:
    """What ``init`` made: the folder, the first draft, and whether the first commit was made (else why not)."""

    root: Path
    essay: Path
    committed: bool
    advice: tuple[str, ...] = ()


def planned_files(answers: Answers, options: RunOptions) -> list[str]:
    """The files :func:`start_publication` would write (relative, sorted), made in a scratch folder and removed."""
    with tempfile.TemporaryDirectory(prefix="letterpress-init-") as scratch:
        root = Path(scratch)
        _write_publication(root, answers, options)
        return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def start_publication(folder: Path, answers: Answers, options: RunOptions, *, use_git: bool = True) -> Started:
    """Write a new publication into ``folder`` (new or empty), then give it its own repository.

    Args:
        folder: where the publication goes; it must not exist, or be empty.
        answers: the title, address and author's name (:func:`.answers.checked_answers`).
        options: the run's clock (``newsletter.since`` and the first draft's date are its day, in UTC).
        use_git: ``git init`` and a first commit; False writes the files only.

    Raises:
        LetterpressError: ``folder`` is not empty, or (with git) inside another repository;
            nothing is written then.
    """
    folder = folder.absolute()
    refuse_folder(folder, use_git=use_git)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".letterpress-init-", dir=folder.parent))
    try:
        essay = _write_publication(staging, answers, options)
        swap_directory(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    essay = folder / essay.relative_to(staging)
    if not use_git:
        return Started(folder, essay, committed=False)
    return _first_commit(folder, essay)


def refuse_folder(folder: Path, *, use_git: bool) -> None:
    """Raise LetterpressError when ``folder`` cannot take a new publication (a file, not empty, or with
    git, inside another repository)."""
    if folder.exists() and not folder.is_dir():
        raise LetterpressError(f"{folder}: is a file; give init the name of a new folder.")
    if folder.is_dir() and any(folder.iterdir()):  # (one with a mkdocs.yml is adopted instead: cli/init.py)
        raise LetterpressError(f"{folder}: exists and is not empty; letterpress init writes a new publication "
                               "into a new or empty folder. Choose another name.")
    outer = git.enclosing_repository(folder) if use_git else None
    if outer is not None:
        raise LetterpressError(f"{folder}: inside the git repository at {outer}, and a publication needs a repository "
                               "of its own. Choose a folder outside it, or pass --no-git to write the files only.")


def _write_publication(root: Path, answers: Answers, options: RunOptions) -> Path:
    """The starter files, the images and the first draft in ``root``; returns the draft's path."""
    today = options.current(UTC).date()
    values = _values(answers, today)
    environment = _environment()
    for source in sorted(path for path in STARTER.rglob("*") if path.is_file() and "__pycache__" not in path.parts):
        relative = source.relative_to(STARTER).as_posix()
        text = environment.from_string(source.read_text(encoding="utf-8")).render(values)
        write_atomic(root / _target(relative), text)
    artwork(answers.title, f"by {answers.author}", root / ARTWORK)
    avatar(answers.author, root / AVATARS / f"{values['author_key']}.png")
    publication = load_publication(load_settings(root), options)
    return new_essay(publication, FIRST_ESSAY).path


def _target(relative: str) -> str:
    for name, renamed in RENAMED.items():
        if relative == name or relative.startswith(name + "/"):
            return renamed + relative[len(name):]
    return relative


def _values(answers: Answers, today: date) -> dict[str, str]:
    """What the starter templates are filled with: the answers and what is made of them."""
    title, author, url = answers.title, answers.author, answers.url
    host = (urls.split(url) or urls.split("http://site/")).hostname  # type: ignore[union-attr]
    return {
        "title": title, "url": url, "author": author, "author_key": _author_key(author),
        "description": f"Essays by {author}.", "copyright": f"© {today.year} {author}",
        "podcast_title": title, "podcast_description": f"The essays of {title}, read aloud by {author}.",
        "guid": str(uuid.uuid4()), "since": today.isoformat(),
        "reason": f"You receive this because you subscribed to {title} at {host}.",
        "service_url": urls.join(url, "service"), "origin": "/".join(url.split("/")[:3]),
        "footer_words": f"Thank you for reading {title}. A reply to this letter comes straight to me.",
        "version": __version__, "email": answers.email, "postal_address": answers.postal_address,
        "sender": f"{title} <{answers.email}>" if answers.email else "",
    }


def _author_key(name: str) -> str:
    try:
        return ascii_slug(name)
    except LetterpressError:
        return "author"  # a name with no letters or digits in ASCII: the key is only a file's name and a link


def _environment() -> jinja2.Environment:
    """Jinja with its own delimiters (``[[ ]]``), so the letters' templates and the workflow pass through as written."""
    environment = jinja2.Environment(variable_start_string="[[", variable_end_string="]]", block_start_string="[%",
                                     block_end_string="%]", comment_start_string="[#", comment_end_string="#]",
                                     keep_trailing_newline=True, undefined=jinja2.StrictUndefined, autoescape=False)
    environment.filters.update(yaml=_yaml, md=markdown_text, mjml=_mjml)
    return environment


def _yaml(text: str) -> str:
    """A YAML scalar that reads back as ``text`` (a JSON string is a YAML double-quoted one)."""
    return json.dumps(str(text), ensure_ascii=False)


def _mjml(text: str) -> str:
    """Text for an MJML template: HTML-escaped, and no brace left for Jinja to read as its own."""
    return str(escape(text)).replace("{", "&#123;").replace("}", "&#125;")


def _first_commit(folder: Path, essay: Path) -> Started:
    git.init_repository(folder)
    missing = git.missing_identity(folder)
    if missing:
        return Started(folder, essay, committed=False, advice=(
            f"git has no {' and no '.join(missing)}, so the files are staged but not committed. Say who you are, "
            'then commit: git config --global user.name "Your Name"; git config --global user.email you@example.org; '
            f'git -C {folder} commit -m "{COMMIT_MESSAGE}"',))
    git.commit(folder, COMMIT_MESSAGE)
    return Started(folder, essay, committed=True)
