"""The email templates: Jinja2 producing MJML, overridable file by file.

Package defaults live in ``letterpress/templates/newsletter/``; a file of the
same name in the publication's ``newsletter/templates/`` wins, the way
``overrides/`` works for the site. Errors name the template file and line.
"""

from __future__ import annotations

import traceback
from functools import lru_cache
from pathlib import Path

import jinja2

from ..errors import Problem, ProblemsError, template_syntax_problem
from ..model.settings import Settings

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "newsletter"
PUBLICATION_TEMPLATES = Path("newsletter") / "templates"
# Marks the start and end of each MJML template's output, only when tracing an
# MJML error back to the template that wrote the offending markup.
TRACE_BEGIN, TRACE_END = "<!--lp-template:{}-->", "<!--/lp-template:{}-->"
# Compiled templates, kept between commands: compiling them is most of rendering one letter.
BYTECODE_CACHE = Path(".cache") / "letterpress" / "templates"


class _Loader(jinja2.FileSystemLoader):
    """Publication templates first, then the package's; optionally wraps MJML in trace marks."""

    def __init__(self, folders: list[Path], trace: bool):
        super().__init__([str(folder) for folder in folders])
        self.trace = trace

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if self.trace and template.endswith(".mjml.j2"):
            # No newline is added, so Jinja's line numbers stay those of the file.
            source = TRACE_BEGIN.format(template) + source + TRACE_END.format(template)
        return source, filename, uptodate


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache (keyed by template and checked against its source), in the publication's
    ``.cache/letterpress/templates/``: made when first written to, and skipped where it cannot be written."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass  # a read-only publication renders all the same, compiling each time


def template_folders(settings: Settings) -> list[Path]:
    """Where templates are looked up, first match wins."""
    return [settings.root / PUBLICATION_TEMPLATES, PACKAGE_TEMPLATES]


def environment(settings: Settings, trace: bool = False) -> jinja2.Environment:
    """The Jinja environment for ``settings`` (cached; Jinja reloads changed files)."""
    # The traced sources differ from the files: they are compiled each time, never cached.
    cache = None if trace else settings.root / BYTECODE_CACHE
    return _environment(tuple(template_folders(settings)), trace, cache)


@lru_cache(maxsize=8)
def _environment(folders: tuple[Path, ...], trace: bool, cache: Path | None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=_Loader(list(folders), trace),
        bytecode_cache=_BytecodeCache(str(cache)) if cache else None,
        autoescape=jinja2.select_autoescape(enabled_extensions=("mjml.j2", "html.j2"),
                                            default_for_string=False),
        # A misspelt variable in an override fails loudly, naming the line.
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date_label"] = date_label
    return env


def date_label(value) -> str:
    """``9 August 2025``: day without a leading zero, the month in full."""
    return f"{value.day} {value:%B %Y}"


def render(settings: Settings, name: str, context: dict, trace: bool = False) -> str:
    """Render template ``name`` with ``context``.

    Raises:
        ProblemsError: a syntax or runtime error, naming the template file and line.
    """
    env = environment(settings, trace)
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise ProblemsError([_syntax_problem(settings, error)]) from None
    except jinja2.TemplateNotFound as error:
        raise ProblemsError([Problem(
            shown_path(settings, Path(error.name or name)), "",
            f"template '{error.name}' not found; looked in {PUBLICATION_TEMPLATES} and the package's templates.",
        )]) from None
    except Exception as error:  # anything raised while rendering: name the template line
        raise ProblemsError([_runtime_problem(settings, error, name)]) from None


def template_module(settings: Settings, name: str):
    """The top-level ``{% set %}`` values of template ``name`` (e.g. the palette)."""
    try:
        return environment(settings).get_template(name).module
    except jinja2.TemplateSyntaxError as error:
        raise ProblemsError([_syntax_problem(settings, error)]) from None


def template_file(settings: Settings, name: str) -> Path:
    """The file that provides template ``name`` (the publication's override or the package's)."""
    for folder in template_folders(settings):
        if (folder / name).is_file():
            return folder / name
    return PACKAGE_TEMPLATES / name


def shown_path(settings: Settings, path: Path) -> str:
    """A template path as the author should read it: relative to the publication when inside it."""
    if not path.is_absolute():
        path = template_file(settings, str(path))
    if path.is_relative_to(settings.root):
        return str(path.relative_to(settings.root))
    if path.is_relative_to(PACKAGE_TEMPLATES):
        return str(path.relative_to(PACKAGE_TEMPLATES.parent.parent.parent))
    return str(path)


def _syntax_problem(settings: Settings, error: jinja2.TemplateSyntaxError) -> Problem:
    path = shown_path(settings, Path(error.filename)) if error.filename else str(error.name)
    return template_syntax_problem(path, error.message or "", error.lineno)


def _runtime_problem(settings: Settings, error: Exception, name: str) -> Problem:
    """Name the template line the error came from (Jinja puts template frames in the traceback)."""
    folders = [str(folder) for folder in template_folders(settings)]
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if frame.filename.startswith(tuple(folders))]
    if frames:
        path, line = shown_path(settings, Path(frames[-1].filename)), frames[-1].lineno
    else:
        path, line = shown_path(settings, Path(name)), None
    message = getattr(error, "message", None) or str(error)
    return Problem(path, "", f"template error: {message}; check the names used on this line.", line=line)
