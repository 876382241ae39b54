"""Split a post into YAML front matter and Markdown, keeping YAML line numbers.

python-frontmatter would parse the YAML but loses where each key stands; the
errors we print name the line and the key, so we compose the YAML node tree
ourselves (PyYAML does the parsing) and record the line and key of every node.

Front matter is a few short fields, so the loader refuses whatever it has no
use for and could make reading it slow, huge or crash: more than
:data:`MAX_BYTES` or :data:`MAX_NODES` values, nesting deeper than
:data:`MAX_DEPTH` (PyYAML composes and constructs recursively), anchors and
aliases (a dozen lines of them expand to billions of values) and explicit tags
(``!!python/object``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import Problem

# Material's own pattern: front matter between '---' lines at the very top.
FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\n(.*?\n)?(?:\.{3}|-{3})[ \t]*(?:\n|\Z)", re.DOTALL)
MAX_BYTES = 64 * 1024
MAX_DEPTH = 20  # levels of lists and mappings; an essay needs four (audio.chapters.0.title)
MAX_NODES = 10_000  # keys and values; pure-Python PyYAML takes ~55 µs for each
TIMESTAMP, INT = "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int"


@dataclass(frozen=True)
class Source:
    """A post's parsed parts.

    Attributes:
        meta: the front matter as plain Python data.
        body: the Markdown after the front matter.
        lines: dotted key (``audio.chapters.0.start``) -> 1-based line in the file.
        body_line: the line where the body starts.
        front_matter: the text before the body, its '---' lines included.
    """

    meta: dict
    body: str
    lines: dict[str, int]
    body_line: int
    front_matter: str = ""


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
        FrontMatterError: no front matter, a YAML syntax error, not a mapping, or
            something the loader refuses (too big, too deep, an alias, a tag, a value
            that cannot be read such as the date 2025-13-45); one problem, naming the key.
    """
    match = FRONT_MATTER.match(text)
    if not match:
        raise FrontMatterError(Problem(
            path, "", "has no front matter; start the file with a '---' line, "
            "the title, description and date, and another '---' line.", line=1,
        ))
    yaml_text = match.group(1) or ""
    size = len(yaml_text.encode("utf-8"))
    if size > MAX_BYTES:
        raise FrontMatterError(Problem(
            path, "", f"front matter is {size // 1024} KiB, more than the {MAX_BYTES // 1024} KiB "
            "allowed; keep it to the title, description, dates and lists, and put the essay "
            "below the closing '---'.", line=2,
        ))
    meta, lines = _parse(yaml_text, path)
    body_line = text.count("\n", 0, match.end()) + 1
    return Source(meta, text[match.end():], lines, body_line, text[:match.end()])


def _parse(yaml_text: str, path: str) -> tuple[dict, dict[str, int]]:
    loader = _Loader(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        if not isinstance(node, yaml.MappingNode):
            raise FrontMatterError(Problem(path, "", "front matter must be 'key: value' lines.", line=2))
        return loader.construct_document(node), loader.lines
    except _Refused as refused:
        message = refused.message if refused.field else f"front matter {refused.message}"
        raise FrontMatterError(Problem(path, refused.field, message, line=refused.line)) from None
    except yaml.YAMLError as error:
        raise FrontMatterError(_syntax_problem(error, path)) from None
    finally:
        loader.dispose()


def _syntax_problem(error: yaml.YAMLError, path: str) -> Problem:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 2 if mark else None  # +1 for 1-based, +1 for the '---' line
    reason = getattr(error, "problem", None) or str(error)
    return Problem(
        path, "", f"front matter is not valid YAML ({reason}); check indentation, "
        "and put quotes around values containing ': ' or '#'.", line=line,
    )


class _Refused(Exception):
    """Something the loader will not read, at ``field`` (dotted key, "" for the top)."""

    def __init__(self, field: str, message: str, mark):
        self.field, self.message = field, message
        self.line = mark.line + 2 if mark else None
        super().__init__(message)


class _PythonEvents(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's own scanner and parser, for a PyYAML built without libyaml."""

    def __init__(self, text: str):
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


# libyaml (C) reads the text into events when PyYAML has it: most of the time of reading
# 1,000 essays' front matter went to PyYAML's pure-Python scanner (0.51 s, now 0.12 s).
# Composing stays in Python (below), where each node is checked and its line noted.
try:
    from yaml._yaml import CParser as _Events
except ImportError:
    _Events = _PythonEvents  # type: ignore[misc,assignment]


class _Loader(yaml.composer.Composer, _Events, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """PyYAML's SafeLoader, refusing anchors, aliases, explicit tags and deep nesting.

    While composing it records ``lines`` (dotted key -> line) and the dotted key of
    every node, so that a value which cannot be constructed names its field.
    """

    def __init__(self, text: str):
        super(yaml.composer.Composer, self).__init__(text)  # the events' reader: libyaml's, or PyYAML's
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.lines: dict[str, int] = {}
        self._fields: dict[int, str] = {}  # id(node) -> dotted key
        self._path: list[str] = []
        self._depth = 0  # not len(_path): keys that are lists or mappings add no part
        self._nodes = 0

    def compose_node(self, parent, index):
        event: Any = self.peek_event()  # never None inside a document
        part = _key_part(parent, index, event)
        if part is not None:
            self._path.append(part)
        self._depth += 1
        self._nodes += 1
        try:
            field = ".".join(self._path)
            if part is not None and not isinstance(index, yaml.Node):  # a key or a list item
                self.lines[field] = event.start_mark.line + 2
            _refuse(event, field)
            _refuse_size(field, self._depth, self._nodes, event.start_mark)
            node = yaml.composer.Composer.compose_node(self, parent, index)
        finally:
            self._depth -= 1
            if part is not None:
                self._path.pop()
        self._fields[id(node)] = field
        return node

    def construct_object(self, node, deep=False):
        # Always deep, so each child is built inside its parent's call and an error
        # is caught at the innermost node, whose key we know.
        try:
            return yaml.constructor.SafeConstructor.construct_object(self, node, deep=True)
        except (ValueError, ArithmeticError, yaml.YAMLError) as error:
            field = self._fields.get(id(node), "")
            mark = getattr(error, "problem_mark", None) or node.start_mark  # the bad key, if one
            raise _Refused(field, _unreadable(node, error), mark) from None


# A lone '=' is YAML 1.1's "value" key, which SafeLoader cannot construct; it is text.
def _construct_value(loader: _Loader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:value", _construct_value)  # type: ignore[type-var]


def _key_part(parent, index, event) -> str | None:
    """The part of the dotted key that the node about to be composed adds."""
    if isinstance(index, int):
        return str(index)
    if isinstance(index, yaml.Node):  # a value: its key was just composed
        return index.value if isinstance(index, yaml.ScalarNode) else None
    if isinstance(parent, yaml.MappingNode) and isinstance(event, yaml.ScalarEvent):
        return event.value  # a key names itself
    return None


def _refuse(event, field: str) -> None:
    """Raise :class:`_Refused` for an event an essay's front matter has no use for."""
    mark = event.start_mark
    if isinstance(event, yaml.AliasEvent):
        raise _Refused(field, f"uses the alias '*{event.anchor}'; front matter has no use for "
                       "YAML anchors and aliases: write the value out in full.", mark)
    if event.anchor is not None:
        raise _Refused(field, f"defines the anchor '&{event.anchor}'; front matter has no use for "
                       "YAML anchors and aliases: remove it and write values out in full.", mark)
    tag = getattr(event, "tag", None)
    if tag not in (None, "!"):
        raise _Refused(field, f"tag '{_short_tag(tag)}' is not allowed; front matter holds plain "
                       "text, numbers, dates, true/false, lists and mappings: remove the tag "
                       "(and quote the value to keep it as text).", mark)


def _refuse_size(field: str, depth: int, nodes: int, mark) -> None:
    """Raise :class:`_Refused` once the front matter nests too deep or holds too many values."""
    top = field.split(".")[0]  # the whole dotted key of a deep value says nothing
    if depth > MAX_DEPTH:
        raise _Refused(top, f"nests lists or mappings more than {MAX_DEPTH} levels deep; "
                       "an essay's front matter needs four at most: check the brackets "
                       "and the indentation.", mark)
    if nodes > MAX_NODES:
        raise _Refused(top, f"holds more than {MAX_NODES} keys and values in all; keep the front "
                       "matter to the title, description, dates and short lists.", mark)


def _unreadable(node, error: Exception) -> str:
    """What to tell the author about a value PyYAML parsed but cannot turn into data."""
    value = node.value if isinstance(node, yaml.ScalarNode) else ""
    shown = value if len(value) <= 40 else value[:40] + "…"
    if node.tag == TIMESTAMP:
        return f"{shown} is not a date; write it as YYYY-MM-DD, e.g. 2025-08-09."
    if node.tag == INT:  # the only int PyYAML cannot make: more digits than Python converts
        return f"'{shown}' is a number too long to read; put it in quotes to keep it as text."
    reason = str(getattr(error, "problem", None) or error)
    if "unhashable key" in reason:
        return "has a list or mapping as a key; keys are plain names, like 'title'."
    if "merging" in reason:
        return f"'<<' cannot merge this ({reason}); write the keys out in full instead."
    return f"cannot be read ({reason}); write plain 'key: value' lines."


def _short_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag
