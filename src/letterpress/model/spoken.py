"""What a narration reads aloud: an essay's body as sentences of words, in reading order.

The body's headings, paragraphs, list items and block quotes (an epigraph's attribution too) are
the text; footnotes, footnote marks, code, tables, images and captions are left out, since a
narrator does not read them. The Markdown is read with Python-Markdown's footnotes and tables (the
engine's other extensions change how text looks, not which words it has). Each word keeps what the
page shows (``text``) and what is heard (``spoken``: lower case, numbers as words, so "2014" is
"twenty fourteen"), for the aligner's dictionary and for mapping timings across a small edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import markdown
from lxml import html as lxml_html

BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li")
LEFT_OUT = ("pre", "code", "table", "figure", "figcaption", "img", "sup", "script", "style")
WORD = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th|s)?|[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]*[^\W\d_]|\d)")


@dataclass(frozen=True)
class Word:
    text: str  # as the page shows it ("2014", "Kierkegaard's")

    @property
    def spoken(self) -> tuple[str, ...]:
        """As it is heard, one or more lower-case tokens ("twenty", "fourteen"); numbers need num2words,
        so only the aligner asks (a check compares ``text`` alone)."""
        return spoken_tokens(self.text)


@dataclass(frozen=True)
class Sentence:
    text: str
    words: tuple[Word, ...]
    heading: int = 0  # 2 for an h2, 0 for a sentence of the body


def sentences(body: str) -> list[Sentence]:
    """The body's sentences as a narrator reads them, each with its words (empty ones left out)."""
    found = []
    for text, heading in _blocks(body):
        parts = [text] if heading else SENTENCE_END.split(text)
        for part in parts:
            words = tuple(Word(match.group()) for match in WORD.finditer(part))
            if words:
                found.append(Sentence(part.strip(), words, heading))
    return found


def spoken_tokens(text: str) -> tuple[str, ...]:
    """``text`` (one word of the page) as the tokens a listener hears, lower case."""
    word = text.lower().replace("’", "'")
    number = re.fullmatch(r"(\d+(?:[.,]\d+)*)(st|nd|rd|th|s)?", word)
    if number is None:
        return (word,)
    return tuple(_number_words(number.group(1), number.group(2) or "").split())


def _number_words(digits: str, suffix: str) -> str:
    from num2words import num2words  # the narration extra; only the aligner reaches here without it

    plain = digits.replace(",", "")
    value = float(plain) if "." in plain else int(plain)
    if suffix in ("st", "nd", "rd", "th"):
        words = num2words(int(value), to="ordinal")
    elif isinstance(value, int) and 1100 <= value <= 2099 and value % 100 and "," not in digits:
        words = num2words(value, to="year")  # 2014: "twenty fourteen", as years are read
    else:
        words = num2words(value)
    words = words + ("s" if suffix == "s" else "")
    return re.sub(r"[^a-z' ]", " ", words.lower().replace("-", " "))


def _blocks(body: str) -> list[tuple[str, int]]:
    """Each block's text in reading order, with its heading level (0 for a paragraph or list item)."""
    rendered = markdown.markdown(body, extensions=["footnotes", "tables", "fenced_code"])
    tree = lxml_html.fragment_fromstring(rendered, create_parent="div")
    for element in tree.xpath("//*[contains(concat(' ', @class, ' '), ' footnote ')]"):
        element.getparent().remove(element)
    for element in list(tree.iter(*LEFT_OUT)):
        element.drop_tree()  # its tail (the text after it) stays
    found = []
    for element in tree.iter(*BLOCKS):
        if element.tag == "li" and element.find("p") is not None:
            continue  # its paragraphs are blocks of their own
        text = " ".join(element.text_content().split())
        if text:
            found.append((text, int(element.tag[1]) if element.tag[0] == "h" else 0))
    return found
