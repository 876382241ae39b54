"""The service's own pages and its letters (confirmation, already subscribed, welcome), from Jinja templates.

Package defaults live beside this module in ``templates/``; a file of the
same name in the publication's ``newsletter/templates/`` wins, as it does for
the newsletter. HTML templates are autoescaped, so a name or address typed
into the form is shown as text, never as markup. Every template is rendered
once when the service starts (:func:`check_templates`): a broken override
stops the start with its file and line instead of failing a reader later.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import jinja2
from starlette.responses import HTMLResponse

from ..errors import Problem, ProblemsError, template_syntax_problem
from ..model.settings import Settings

PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"
PUBLICATION_TEMPLATES = Path("newsletter") / "templates"
STYLESHEET = PACKAGE_TEMPLATES / "service.css"
PAGES = ("page-confirm.html.j2", "page-unsubscribe.html.j2", "page-unsubscribed.html.j2",
         "page-link-invalid.html.j2", "page-address-invalid.html.j2", "page-too-many.html.j2",
         "page-not-found.html.j2")
LETTERS = ("email-confirm", "email-already", "email-welcome")


@dataclass(frozen=True)
class Letter:
    """A rendered letter: its subject and both bodies."""

    subject: str
    text: str
    html: str


def environment(settings: Settings) -> jinja2.Environment:
    """The Jinja environment: the publication's ``newsletter/templates/`` first, then the package's."""
    return _environment((settings.root / PUBLICATION_TEMPLATES, PACKAGE_TEMPLATES))


@lru_cache(maxsize=8)
def _environment(folders: tuple[Path, ...]) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in folders]),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=True),
        undefined=jinja2.StrictUndefined,  # a misspelt name in an override fails at start, naming its line
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page(settings: Settings, name: str, context: dict, status_code: int = 200,
         headers: dict | None = None) -> HTMLResponse:
    """The page ``name`` rendered with the publication's facts and ``context``."""
    html = environment(settings).get_template(name).render(page_context(settings) | context)
    return HTMLResponse(html, status_code=status_code, headers=headers)


def letter(settings: Settings, name: str, context: dict) -> Letter:
    """The letter ``name`` (one of :data:`LETTERS`): subject, text and HTML.

    The subject is the ``{% set subject = ... %}`` at the top of the text template.
    """
    env, values = environment(settings), page_context(settings) | context
    text_template = env.get_template(f"{name}.txt.j2")
    text_module = text_template.make_module(values)
    subject = " ".join(str(getattr(text_module, "subject", "")).split())
    if not subject:
        raise ProblemsError([Problem(_shown(settings, text_template.filename), "",
                                     "sets no subject; add '{% set subject = \"...\" %}' at its top.")])
    html = env.get_template(f"{name}.html.j2").render(values | {"subject": subject})
    return Letter(subject=subject, text=str(text_module), html=html)


def page_context(settings: Settings) -> dict:
    """What every template may use: the publication's name, site and postal address."""
    site_url = settings.site_url.rstrip("/") + "/"
    return {"site_name": settings.site_name, "site_url": site_url, "signup_url": site_url + "#subscribe",
            "postal_address": settings.newsletter.postal_address, "base": ""}


def check_templates(settings: Settings) -> None:
    """Render every page and letter once with sample values.

    Raises:
        ProblemsError: naming the template file and line of each error.
    """
    sample = {"address": "reader@example.org", "name": "A. Reader", "confirm_url": "https://example.org/c",
              "unsubscribe_url": "https://example.org/u", "confirm_hours": 48, "action": "unsubscribe",
              "reason": "expired", "retry_after": 60, "list_name": "list.example.org"}
    problems = []
    for name in PAGES:
        problems.extend(_try(settings, partial(page, settings, name, sample)))
    values = page_context(settings) | sample | {"subject": "A subject"}
    for name in LETTERS:
        # render() first: unlike make_module(), it maps errors to template lines.
        for kind in ("txt", "html"):
            problems.extend(_try(settings, partial(_render_template, settings, f"{name}.{kind}.j2", values)))
    if not problems:
        for name in LETTERS:
            problems.extend(_try(settings, partial(letter, settings, name, sample)))
    if problems:
        raise ProblemsError(problems)


def _render_template(settings: Settings, name: str, values: dict) -> str:
    return environment(settings).get_template(name).render(values)


def _try(settings: Settings, render) -> list[Problem]:
    try:
        render()
    except ProblemsError as error:
        return list(error.problems)
    except jinja2.TemplateSyntaxError as error:
        return [template_syntax_problem(_shown(settings, error.filename), error.message or "", error.lineno)]
    except jinja2.TemplateNotFound as error:
        return [Problem(str(PUBLICATION_TEMPLATES / str(error.name)), "", "template not found.")]
    except jinja2.UndefinedError as error:
        filename, line = _template_frame(error)
        return [Problem(_shown(settings, filename), "", f"template error: {error.message}; "
                        "check the names used on this line.", line=line)]
    return []


def _template_frame(error: Exception) -> tuple[str | None, int | None]:
    """File and line of the innermost template frame (Jinja puts template lines in the traceback)."""
    found: tuple[str | None, int | None] = (None, None)
    frame = error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_filename.endswith(".j2"):
            found = (frame.tb_frame.f_code.co_filename, frame.tb_lineno)
        frame = frame.tb_next
    return found


def _shown(settings: Settings, filename: str | None) -> str:
    if not filename:
        return str(PUBLICATION_TEMPLATES)
    path = Path(filename)
    return str(path.relative_to(settings.root)) if path.is_relative_to(settings.root) else str(path)
