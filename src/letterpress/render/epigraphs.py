"""Markdown extension for epigraphs: a blockquote whose last line starts with an em dash.

``> Some words.`` / ``>`` / ``> — Winnicott`` becomes
``<figure class="epigraph"><blockquote>…</blockquote><figcaption>Winnicott</figcaption></figure>``,
so the site, the feeds and the email all set the attribution apart.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.treeprocessors import Treeprocessor

DASH = "\u2014"


class EpigraphTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "blockquote":
                    attribution = _take_attribution(child)
                    if attribution is not None:
                        parent.remove(child)
                        parent.insert(index, _figure(child, attribution))


def _take_attribution(quote: etree.Element) -> etree.Element | None:
    """Remove and return the attribution paragraph of ``quote``, if it has one."""
    paragraphs = [child for child in quote if child.tag == "p"]
    if len(paragraphs) < 2 or paragraphs[-1] is not quote[-1]:
        return None
    last = paragraphs[-1]
    text = (last.text or "").lstrip()
    if not text.startswith(DASH):
        return None
    quote.remove(last)
    caption = etree.Element("figcaption", {"class": "epigraph__attribution"})
    caption.text = text[1:].lstrip()
    caption.extend(list(last))
    return caption


def _figure(quote: etree.Element, caption: etree.Element) -> etree.Element:
    figure = etree.Element("figure", {"class": "epigraph"})
    figure.append(quote)
    figure.append(caption)
    return figure


class EpigraphExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 (Markdown's API name)
        # After inline processing (priority < 20) so links in attributions are already elements.
        md.treeprocessors.register(EpigraphTreeprocessor(md), "letterpress_epigraph", 15)


def makeExtension(**kwargs):  # noqa: N802 (Markdown's loader looks for this name)
    return EpigraphExtension(**kwargs)
