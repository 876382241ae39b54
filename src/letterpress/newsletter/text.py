"""The plain-text part: the email body as a person would read it in a text-only client.

Headings are underlined, epigraphs keep their attribution, links become
numbered references listed at the end, endnote markers become superscript
digits, and every paragraph is wrapped for email (72 columns).

Hand-written rather than a general HTML-to-text converter: those produce
Markdown or screen layouts, and the conventions here (numbered references
shared across the whole letter, epigraph attributions, endnotes) are ours.
"""

from __future__ import annotations

import re
import textwrap

WIDTH = 72
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "div", "figure",
          "pre", "hr", "table", "dl", "section", "li", "figcaption"}
SPACE = re.compile(r"[ \t\r\n]+")


class TextWriter:
    """Turns HTML elements into wrapped text, numbering links across the whole letter."""

    def __init__(self, width: int = WIDTH):
        self.width = width
        self.links: dict[str, int] = {}

    def blocks(self, elements) -> str:
        """Text of block-level ``elements``, separated by blank lines."""
        parts = [self._block(element, "") for element in elements]
        return "\n\n".join(part for part in parts if part.strip())

    def references(self) -> str:
        """The numbered list of link targets, e.g. ``[1] https://…``."""
        return "\n".join(f"[{number}] {url}" for url, number in self.links.items())

    def reference(self, url: str) -> int:
        """The number of ``url`` in the references (a new one when first seen)."""
        return self.links.setdefault(url, len(self.links) + 1)

    # -- blocks ----------------------------------------------------------------

    def _block(self, element, indent: str) -> str:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("h1", "h2"):
            title = self._inline_text(element)
            return f"{indent}{title}\n{indent}{('=' if tag == 'h1' else '-') * len(title)}"
        if tag in ("h3", "h4", "h5", "h6"):
            return self._wrap(self._inline_text(element).upper() if tag == "h3" else self._inline_text(element),
                              indent)
        if tag in ("ul", "ol"):
            return self._list(element, indent)
        if tag == "blockquote":
            return self._children(element, indent + "    ")
        if "epigraph__attribution" in element.get("class", "").split():
            return self._wrap(self._inline_text(element), indent + "        ")
        if tag == "hr":
            return indent + "* * *"
        if tag == "pre":
            return "\n".join(indent + "    " + line for line in element.text_content().splitlines())
        if tag == "table":
            return self._table(element, indent)
        if tag in ("div", "figure", "section", "dl") or self._has_blocks(element):
            return self._children(element, indent)
        return self._wrap(self._inline_text(element), indent)

    def _children(self, element, indent: str) -> str:
        parts, loose = [], (element.text or "").strip()
        if loose:
            parts.append(self._wrap(loose, indent))
        for child in element:
            if isinstance(child.tag, str):
                parts.append(self._block(child, indent))
            if (child.tail or "").strip():
                parts.append(self._wrap(child.tail.strip(), indent))
        return "\n\n".join(part for part in parts if part.strip())

    def _has_blocks(self, element) -> bool:
        return any(isinstance(child.tag, str) and child.tag in BLOCKS for child in element)

    def _list(self, element, indent: str) -> str:
        items = []
        start = int(element.get("start", "1") or 1)
        for position, item in enumerate((c for c in element if c.tag == "li"), start=start):
            number = item.get("value") or str(position)
            bullet = f"{number}. " if element.tag == "ol" else "\u2022 "
            body = self._block_of_item(item, indent + " " * len(bullet))
            items.append(indent + bullet + body[len(indent) + len(bullet):])
        return "\n".join(items)

    def _block_of_item(self, item, indent: str) -> str:
        if self._has_blocks(item):
            return self._children(item, indent)
        return self._wrap(self._inline_text(item), indent)

    def _table(self, element, indent: str) -> str:
        rows = []
        for row in element.iter("tr"):
            cells = [self._inline_text(cell) for cell in row if cell.tag in ("td", "th")]
            rows.append(indent + " | ".join(cells))
        return "\n".join(rows)

    def _wrap(self, text: str, indent: str) -> str:
        lines = []
        for line in text.split("\n"):
            lines.append(textwrap.fill(line.strip(), width=self.width, initial_indent=indent,
                                       subsequent_indent=indent, break_long_words=False,
                                       break_on_hyphens=False) or indent.rstrip())
        return "\n".join(lines)

    # -- inline ------------------------------------------------------------------

    def _inline_text(self, element) -> str:
        text = self._inline(element)
        return "\n".join(SPACE.sub(" ", line).strip() for line in text.split("\n")).strip()

    def _inline(self, element) -> str:
        # Line breaks in the source are spaces; only <br> breaks a line.
        parts = [SPACE.sub(" ", element.text or "")]
        for child in element:
            parts.append(self._inline_child(child))
            parts.append(SPACE.sub(" ", child.tail or ""))
        return "".join(parts)

    def _inline_child(self, child) -> str:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            return "\n"
        if tag == "img":
            alt = (child.get("alt") or "").strip()
            return f"[Image: {alt}]" if alt else ""
        if tag == "sup" and "lp-noteref" in child.get("class", ""):
            return child.text_content().strip().translate(SUPERSCRIPT)
        if tag in ("em", "i", "strong", "b"):
            inner = self._inline(child)
            return f"*{inner.strip()}*" if inner.strip() else inner
        if tag == "a":
            return self._link(child)
        return self._inline(child) if tag else ""

    def _link(self, anchor) -> str:
        label = self._inline(anchor)
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith("#"):
            return label
        target = href.removeprefix("mailto:")
        if SPACE.sub(" ", label).strip() in (href, target):
            return target
        return f"{label} [{self.reference(href)}]"
