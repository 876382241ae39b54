"""Split a post into YAML front matter and Markdown, keeping YAML line numbers.

python-frontmatter would parse the YAML but loses where each key stands; the
errors we print name the line, so we compose the YAML node tree ourselves
(PyYAML does the parsing) and record the line of every key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .errors import Problem

# Material's own pattern: front matter between '---' lines at the very top.
FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\n(.*?\n)?(?:\.{3}|-{3})[ \t]*(?:\n|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Source:
    """A post's parsed parts.

    Attributes:
        meta: the front matter as plain Python data.
        body: the Markdown after the front matter.
        lines: dotted key (``audio.chapters.0.start``) -> 1-based line in the file.
        body_line: the line where the body starts.
    """

    meta: dict
    body: str
    lines: dict[str, int]
    body_line: int


class FrontMatterError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def read_text(raw: bytes, path: str) -> str:
    """Decode a post: UTF-8 with or without BOM; CRLF and CR become LF."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FrontMatterError(Problem(
            path, "", f"is not UTF-8 text (byte {error.start} cannot be read); "
            "save the file as UTF-8 in your editor.",
        )) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(text: str, path: str) -> Source:
    """Parse ``text`` into a :class:`Source`.

    Raises:
        FrontMatterError: no front matter, a YAML syntax error, or not a mapping.
    """
    match = FRONT_MATTER.match(text)
    if not match:
        raise FrontMatterError(Problem(
            path, "", "has no front matter; start the file with a '---' line, "
            "the title, description and date, and another '---' line.", line=1,
        ))
    yaml_text = match.group(1) or ""
    node = _compose(yaml_text, path)
    if node is None:
        meta, lines = {}, {}
    elif not isinstance(node, yaml.MappingNode):
        raise FrontMatterError(Problem(
            path, "", "front matter must be 'key: value' lines.", line=2,
        ))
    else:
        meta = yaml.SafeLoader(yaml_text).construct_document(node)
        lines = {}
        _record_lines(node, "", lines)
    body_line = text.count("\n", 0, match.end()) + 1
    return Source(meta, text[match.end():], lines, body_line)


def _compose(yaml_text: str, path: str):
    loader = yaml.SafeLoader(yaml_text)
    try:
        return loader.get_single_node()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else None  # +1 for 1-based, +1 for the '---' line
        reason = getattr(error, "problem", None) or str(error)
        raise FrontMatterError(Problem(
            path, "", f"front matter is not valid YAML ({reason}); check indentation, "
            "and put quotes around values containing ': ' or '#'.", line=line,
        )) from None
    finally:
        loader.dispose()


def _record_lines(node, prefix: str, lines: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}{key_node.value}"
            lines[key] = key_node.start_mark.line + 2
            _record_lines(value_node, key + ".", lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            key = f"{prefix}{index}"
            lines[key] = item.start_mark.line + 2
            _record_lines(item, key + ".", lines)
