"""MJML to HTML with mjml-python (MRML), plus the checks MRML does not make.

MRML renders unknown tags and bad nesting silently and reports only XML
errors, with a position in the MJML rather than in the Jinja template that
wrote it. So before converting we check the MJML's structure ourselves, and
on any error we render the templates again with trace marks around each
template's output to name the template and line at fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import mjml
from lxml import etree

from ..errors import Problem, ProblemsError
from ..model.settings import Settings
from . import templates

# Tags whose content MJML passes through as HTML ("ending tags"): not MJML, so
# the structure check blanks it out before parsing the rest as XML.
ENDING_TAGS = ("mj-text", "mj-button", "mj-table", "mj-raw", "mj-style", "mj-title", "mj-preview",
               "mj-navbar-link", "mj-social-element", "mj-accordion-title", "mj-accordion-text")
ENDING_OPEN = re.compile(r"<(" + "|".join(map(re.escape, ENDING_TAGS)) + r")\b[^>]*(?<!/)>")
ENDING_CLOSE = {tag: re.compile(rf"</{re.escape(tag)}\s*>") for tag in ENDING_TAGS}
COLUMN_CHILDREN = {"mj-accordion", "mj-button", "mj-carousel", "mj-divider", "mj-image", "mj-raw",
                   "mj-social", "mj-spacer", "mj-table", "mj-text", "mj-navbar", "mj-include"}
ALLOWED_CHILDREN = {
    "mjml": {"mj-head", "mj-body", "mj-include"},
    "mj-head": {"mj-attributes", "mj-breakpoint", "mj-font", "mj-html-attributes", "mj-preview",
                "mj-style", "mj-title", "mj-raw", "mj-include"},
    "mj-body": {"mj-section", "mj-wrapper", "mj-hero", "mj-raw", "mj-include"},
    "mj-wrapper": {"mj-section", "mj-hero", "mj-raw", "mj-include"},
    "mj-section": {"mj-column", "mj-group", "mj-raw", "mj-include"},
    "mj-group": {"mj-column", "mj-raw", "mj-include"},
    "mj-column": COLUMN_CHILDREN,
    "mj-hero": COLUMN_CHILDREN,
}
# Components whose children MJML defines loosely (attributes, social icons,
# navbar links, carousel images, accordion parts): any mj-* tag is accepted.
ANY_MJ_CHILDREN = {"mj-attributes", "mj-social", "mj-navbar", "mj-carousel", "mj-accordion",
                   "mj-accordion-element", "mj-html-attributes", "mj-selector"}
POSITION = re.compile(r"at position (\d+):(\d+)")
TRACE_MARK = re.compile(r"<!--(/?)lp-template:([^>]*?)-->")


@dataclass(frozen=True)
class MjmlIssue:
    """One structural problem in the MJML, at a line of the MJML text."""

    line: int
    message: str


def to_html(settings: Settings, template: str, context: dict) -> str:
    """Render ``template`` (Jinja producing MJML) and convert it to HTML.

    Raises:
        ProblemsError: template errors, MJML structure errors and MRML's own
            errors, each naming the template (and line, when it can be found).
    """
    source = templates.render(settings, template, context)
    issues = check_structure(source)
    if not issues:
        try:
            return convert(source, settings)
        except ValueError as error:
            raise ProblemsError([_locate_mrml_error(settings, template, context, str(error))]) from None
    raise ProblemsError(_locate_issues(settings, template, context))


def convert(source: str, settings: Settings) -> str:
    """MRML's conversion: no remote fonts (``fonts={}``), comments dropped, includes from the template folders."""
    return mjml.mjml2html(source, fonts={}, disable_comments=True,
                          include_loader=lambda path: _include(settings, path))


def _include(settings: Settings, path: str) -> str:
    """``<mj-include path="...">``: a file from the template folders, as written (no Jinja)."""
    name = Path(path).name if Path(path).is_absolute() else path
    for folder in templates.template_folders(settings):
        candidate = (folder / name).resolve()
        if candidate.is_relative_to(folder.resolve()) and candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise FileNotFoundError(path)


def check_structure(source: str) -> list[MjmlIssue]:
    """Problems MRML would render silently: malformed XML, unknown tags, bad nesting.

    The content of ending tags (``mj-text``, ``mj-raw``…) is HTML and is not checked.
    """
    skeleton = _skeleton(source)
    try:
        root = etree.fromstring(skeleton.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as error:
        return [MjmlIssue(error.lineno or 1, f"malformed MJML: {error.msg}")]
    if root.tag != "mjml":
        return [MjmlIssue(root.sourceline or 1, f"the document must start with <mjml>, not <{root.tag}>")]
    return [issue for element in root.iter(etree.Element) for issue in _element_issues(element)]


def _skeleton(source: str) -> str:
    """``source`` with the content of each ending tag replaced by its line breaks (lines stay where they were).

    A loop rather than one regex with a lazy ``(.*?)`` up to the closing tag: that
    regex tried the closing tag at every character of a letter's 35 KB body.
    """
    parts, position = [], 0
    while (opening := ENDING_OPEN.search(source, position)) is not None:
        closing = ENDING_CLOSE[opening.group(1)].search(source, opening.end())
        if closing is None:
            parts.append(source[position:opening.start() + 1])
            position = opening.start() + 1
            continue
        parts += [source[position:opening.end()], "\n" * source.count("\n", opening.end(), closing.start()),
                  closing.group(0)]
        position = closing.end()
    parts.append(source[position:])
    return "".join(parts)


def _element_issues(element) -> list[MjmlIssue]:
    parent = element.getparent()
    if parent is None or parent.tag in ANY_MJ_CHILDREN or parent.tag in ENDING_TAGS:
        return []
    allowed = ALLOWED_CHILDREN.get(parent.tag)
    if allowed is None:
        return [MjmlIssue(element.sourceline or 1, f"<{parent.tag}> cannot contain <{element.tag}>")]
    if element.tag not in allowed:
        kind = "misplaced tag" if element.tag in _KNOWN else "unknown MJML tag"
        return [MjmlIssue(element.sourceline or 1,
                          f"{kind} <{element.tag}> inside <{parent.tag}> (allowed there: "
                          f"{', '.join(sorted(allowed - {'mj-include'}))})")]
    return []


_KNOWN = set(ALLOWED_CHILDREN) | set().union(*ALLOWED_CHILDREN.values()) | ANY_MJ_CHILDREN | set(ENDING_TAGS)


# -- naming the template at fault ---------------------------------------------------

def _locate_issues(settings: Settings, template: str, context: dict) -> list[Problem]:
    traced = templates.render(settings, template, context, trace=True)
    problems = []
    for issue in check_structure(traced):
        offset = _line_offset(traced, issue.line)
        problems.append(_problem_at(settings, traced, offset, issue.message, template))
    return problems or [Problem(templates.shown_path(settings, Path(template)), "",
                                "malformed MJML; check the tags of this template.")]


def _locate_mrml_error(settings: Settings, template: str, context: dict, message: str) -> Problem:
    traced = templates.render(settings, template, context, trace=True)
    try:
        convert(traced, settings)
    except ValueError as error:
        message = str(error)
    match = POSITION.search(message)
    offset = len(traced.encode("utf-8")[:int(match.group(1))].decode("utf-8", "ignore")) if match else None
    text = f"the letter template cannot be made into HTML: {message}"
    if offset is None:
        return Problem(templates.shown_path(settings, Path(template)), "", text + "; check this template "
                       "and the ones it includes for a tag that is not closed or a bare '<'.")
    return _problem_at(settings, traced, offset, text, template)


def _problem_at(settings: Settings, traced: str, offset: int, message: str, fallback: str) -> Problem:
    name = _template_at(traced, offset) or fallback
    snippet = TRACE_MARK.sub("", traced[offset:traced.find("\n", offset) if "\n" in traced[offset:] else None])
    path = templates.template_file(settings, name)
    line = _line_of(path, snippet.strip()[:40])
    hint = f" (near '{snippet.strip()[:40]}')" if snippet.strip() else ""
    return Problem(templates.shown_path(settings, path), "", f"{message}{hint}; fix the markup here.", line=line)


def _template_at(traced: str, offset: int) -> str | None:
    """The innermost template whose trace marks enclose ``offset``."""
    stack: list[str] = []
    for mark in TRACE_MARK.finditer(traced):
        if mark.start() > offset:
            break
        if mark.group(1):
            if stack and stack[-1] == mark.group(2):
                stack.pop()
        else:
            stack.append(mark.group(2))
    return stack[-1] if stack else None


def _line_offset(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    while offset < len(text) and text[offset] in " \t":
        offset += 1
    # Skip our own trace marks at the start of the line: the markup follows them.
    while (mark := TRACE_MARK.match(text, offset)) is not None:
        offset = mark.end()
    return offset


def _line_of(path: Path, snippet: str) -> int | None:
    if not snippet or not path.is_file():
        return None
    tag = re.match(r"<[^\s>/]+", snippet)
    for probe in (snippet, snippet[:20], tag.group() if tag else ""):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if probe and probe in line:
                return number
    return None
