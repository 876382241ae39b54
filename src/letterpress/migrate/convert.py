"""A post's HTML, from any platform, as the clean Markdown of an essay.

markdownify does the conversion; before it, the HTML tree (lxml) is cleaned here
of what no essay carries — navigation, subscribe and share widgets, scripts,
forms, embeds — and the parts markdownify has no rule for are put in the shape
it converts well: figures become an image and its caption, footnotes (Substack's,
WordPress's, Ghost's and Python-Markdown's markup) become ``[^1]`` references,
links lose every scheme but http(s) and mailto, and images are made absolute so
the writer can fetch them.

The text of the old post is text: a ``<`` in it must not become raw HTML in the
Markdown (Markdown passes HTML through), so it is written as ``&lt;``; and a ``[``
or ``]`` must not become a link (``[x](javascript:…)`` typed in a post), so they are
escaped. markdownify's own ``escape_misc`` escapes more characters than
Python-Markdown takes back (an escaped ampersand would show its backslash), so this is done here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin

import lxml.html
from lxml import etree
from markdownify import MarkdownConverter

from ..model import urls
from ..model.characters import REFERENCE, find_unusable

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MARKUP = re.compile(r"<[A-Za-z!/?]|&(#?\w+);")  # a tag, comment or reference: the value is HTML
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # what no line of front matter may hold

CHROME_TAGS = {"script", "style", "nav", "footer", "form", "button", "input", "select", "textarea", "noscript",
               "aside", "template", "svg", "object", "embed", "link", "meta", "header"}
# Class or id words of platform chrome: subscribe boxes, share bars, "recent posts", cookie banners.
CHROME_WORDS = re.compile(r"subscri|share|social|newsletter-?(form|signup)|cookie|consent|related|recent-posts|"
                          r"^comments?$|^footer|^nav|navbar|sidebar|paywall|button-wrapper|signup|sign-up|"
                          r"advert|^promo|^ad$|post-ufi|like-button|footnotes-sep", re.IGNORECASE)
FOOTNOTE_BODY = re.compile(r"^(footnote|footnote-item)$")
FOOTNOTE_LIST = re.compile(r"footnotes|wp-block-footnotes")
BACKREF = re.compile(r"footnote-(backref|number)|^fn-?back")
# Private-use characters standing for '<', '[', ']', '{' and '}' in the text while markdownify runs.
# Braces too: with attr_list (in most publications' markdown_extensions) a text ending in
# '{: onclick="…" }' would give its paragraph that attribute.
LT, OPEN, CLOSE, BRACE_OPEN, BRACE_CLOSE = "\ue000", "\ue001", "\ue002", "\ue003", "\ue004"
TEXT_MARKS = str.maketrans({"<": LT, "[": OPEN, "]": CLOSE, "{": BRACE_OPEN, "}": BRACE_CLOSE})
RESTORED = {LT: "&lt;", OPEN: "\\[", CLOSE: "\\]", BRACE_OPEN: "\\{", BRACE_CLOSE: "\\}"}
BACKTICKS = re.compile(r"`+")
# A heading or paragraph of these alone is a divider (Substack writes <h2>―</h2>, others * * * or ⁂).
DIVIDER = re.compile(r"[\s\-‐‑‒–—―*∗⁎⁂✱✳✻•·◆◇~_=]+")
REF = "LPFNREF{}LPFN"
REF_PATTERN = re.compile(r"LPFNREF(\d+)LPFN")


@dataclass
class Converted:
    """The Markdown, the images it shows (absolute URLs, in order), its first text and what was dropped."""

    markdown: str
    images: list[str] = field(default_factory=list)
    first_text: str = ""
    dropped: list[str] = field(default_factory=list)


class _Converter(MarkdownConverter):
    """markdownify, with a figure's caption written as an italic line under its image."""

    def convert_figcaption(self, el, text, parent_tags):
        text = text.strip()
        return f"\n\n_{text}_\n\n" if text else ""

    def convert_pre(self, el, text, parent_tags):
        """A code block whose fence is longer than any run of backticks in it.

        markdownify always fences with three: code holding a line of three backticks
        would end the block there, and what follows it would be Markdown again, raw
        HTML included. Python-Markdown and SuperFences close a block only with its own fence.
        """
        block = super().convert_pre(el, text, parent_tags)  # type: ignore[misc]  # not in markdownify's stub
        longest = max((len(run) for run in BACKTICKS.findall(text)), default=0)
        if longest < 3:
            return block
        fence = "`" * (longest + 1)
        opening, _, rest = block.partition("```")
        body, _, closing = rest.rpartition("```")
        return f"{opening}{fence}{body}{fence}{closing}"


def to_markdown(html: str, base_url: str = "") -> Converted:
    """Convert a post body to Markdown.

    Args:
        html: the body as the platform stored it (a fragment or a whole page's article).
        base_url: the old address, against which relative links and images are resolved.
    """
    html = CONTROL.sub("", html)  # libxml2 refuses them, and no output could carry them
    if not html.strip():
        return Converted("")
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    converted = Converted("")
    notes = _footnotes(root)
    _drop_chrome(root, converted.dropped)
    _dividers(root)
    _links(root, base_url)
    converted.images = _images(root, base_url, converted.dropped)
    converted.first_text = REF_PATTERN.sub("", _first_text(root))
    _protect_text(root)
    markdown = _Converter(heading_style="ATX", bullets="-", strong_em_symbol="*").convert(
        etree.tostring(root, encoding="unicode", method="html"))
    converted.markdown = _tidy(markdown, notes)
    return converted


def plain_text(value: str, markup: bool = True) -> str:
    """A title, name, tag or excerpt as one line of text: markup in it becomes its text, control characters go.

    Some platforms store titles and excerpts as HTML (WordPress allows ``<em>`` in
    a title, a feed may send HTML); what reaches front matter or ``.authors.yml``
    is text, so a tag there is taken for its words. A ``<`` that starts no tag
    ("a < b", "I <3 rooms") stays as it is. ``markup=False``: ``value`` is text already (taken from HTML).
    """
    text = CONTROL.sub(" ", value or "")
    if markup and MARKUP.search(text):
        root = lxml.html.fragment_fromstring(text, create_parent="div")
        for element in [element for element in root.iter("script", "style", "template") if element is not root]:
            element.drop_tree()  # their content is code, not words (the tail stays)
        text = root.text_content()
    return " ".join(UNPRINTABLE.sub(" ", text).split())


def same_words(one: str, other: str) -> bool:
    """Whether two lines of text say the same words (case, spacing, markup and end punctuation aside)."""
    def words(text: str) -> str:
        return " ".join(plain_text(text).casefold().split()).rstrip(".!?…:;, ")
    return bool(words(one)) and words(one) == words(other)


def _words(element) -> list[str]:
    return (element.get("class", "") + " " + element.get("id", "")).split()


def _drop_chrome(root, dropped: list[str]) -> None:
    for source in list(root.iter("source")):
        source.drop_tag()  # libxml2 does not know <source> is empty: what follows it lands inside
    for element in list(root.iter()):
        if element is root or not isinstance(element.tag, str):
            if not isinstance(element.tag, str) and element.getparent() is not None:
                _remove(element)  # comments and processing instructions
            continue
        if element.tag == "iframe":
            dropped.append(f"an embed from {_host(element.get('src', '')) or 'an unknown host'}")
            _remove(element)
        elif element.tag in CHROME_TAGS or any(CHROME_WORDS.search(word) for word in _words(element)):
            _remove(element)


def _dividers(root) -> None:
    """A heading or paragraph that holds only a divider's marks becomes a thematic break (``---``).

    Not in a table cell or list item, where a lone dash means "none" and a break has no place.
    """
    for element in list(root.iter("h1", "h2", "h3", "h4", "h5", "h6", "p")):
        text = element.text_content()
        if text.strip() and DIVIDER.fullmatch(text) and not any(child.tag == "img" for child in element.iter()) \
                and not any(ancestor.tag in ("td", "th", "li", "pre") for ancestor in element.iterancestors()):
            rule = etree.Element("hr")
            rule.tail = element.tail
            element.getparent().replace(element, rule)


def _remove(element) -> None:
    """Take ``element`` out of the tree, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _links(root, base_url: str) -> None:
    for link in list(root.iter("a")):
        href = (link.get("href") or "").strip()
        if _only_image(link):
            link.drop_tag()  # an image that links to its own bigger copy: the image is enough
            continue
        if href.startswith("#"):
            continue
        absolute = _absolute(base_url, href) if href else ""
        if not absolute or not urls.allows(urls.IMPORTED_LINK, absolute):
            link.drop_tag()  # javascript:, data: or nothing: keep the words, not the link
            continue
        link.attrib.clear()
        link.set("href", safe_url(absolute))


def _absolute(base_url: str, value: str) -> str:
    """``value`` resolved against ``base_url``; "" when either cannot be parsed (``http://[broken``)."""
    try:
        absolute = urljoin(base_url, value)
    except ValueError:
        return ""
    return absolute if urls.split(absolute) else ""


def _host(url: str) -> str:
    parts = urls.split(url)
    return (parts.hostname or "") if parts else ""


def _only_image(link) -> bool:
    images = list(link.iter("img"))
    return bool(images) and not (link.text_content() or "").strip()


def safe_url(url: str) -> str:
    """``url`` with the characters that would end a Markdown link target escaped."""
    return quote(url, safe="/:?#[]@!$&'*+,;=%~-._")


def _images(root, base_url: str, dropped: list[str]) -> list[str]:
    found: list[str] = []
    for image in list(root.iter("img")):
        src = _absolute(base_url, (image.get("src") or image.get("data-src") or "").strip())
        if not src or not urls.allows(urls.IMPORTED_IMAGE, src):
            dropped.append("an image with no web address" if not src else "an image inlined as data")
            _remove(image)
            continue
        alt = " ".join((image.get("alt") or "").replace("[", " ").replace("]", " ").split())
        image.attrib.clear()
        image.set("src", safe_url(src))
        image.set("alt", alt)
        if image.get("src") not in found:
            found.append(image.get("src", ""))
    for picture in list(root.iter("picture")):
        picture.drop_tag()
    return found


def _first_text(root) -> str:
    for paragraph in root.iter("p"):
        text = " ".join(paragraph.text_content().split())
        if len(text) > 20:
            return text
    return " ".join(root.text_content().split())


def _protect_text(root) -> None:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        inside_code = element.tag in ("pre", "code") or any(a.tag in ("pre", "code") for a in element.iterancestors())
        if element.text and not inside_code:
            element.text = CONTROL.sub("", element.text).translate(TEXT_MARKS)
        parent = element.getparent()
        parent_code = parent is not None and (parent.tag in ("pre", "code")
                                              or any(a.tag in ("pre", "code") for a in parent.iterancestors()))
        if element.tail and not parent_code:
            element.tail = CONTROL.sub("", element.tail).translate(TEXT_MARKS)


# -- footnotes -----------------------------------------------------------------


def _footnotes(root) -> list[str]:
    """Replace footnote references with placeholders; return the notes' Markdown, in order."""
    bodies = [element for element in root.iter() if isinstance(element.tag, str) and _is_note(element)]
    # Indexed once: looked up per note, a post of 10,000 notes and links (hostile until checked)
    # would take hours. lxml keeps one proxy per element while it is referenced, as here.
    position = {element: index for index, element in enumerate(root.iter())}
    links: dict[str, list] = {}
    for link in root.iter("a"):
        href = link.get("href") or ""
        if href.startswith("#"):
            links.setdefault(href[1:], []).append(link)
    numbered = []
    for body in bodies:
        ids = {element.get("id") for element in body.iter() if isinstance(element.tag, str) and element.get("id")}
        refs = sorted((link for key in ids for link in links.get(key, ()) if not _within(link, body)),
                      key=position.__getitem__)
        if refs:
            numbered.append((position[refs[0]], body, refs))
    notes = []
    for number, (_, body, refs) in enumerate(sorted(numbered, key=lambda entry: entry[0]), start=1):
        for ref in refs:
            _replace_with_text(ref, REF.format(number))
        notes.append(_note_text(body))
        _remove(body)
    for container in list(root.iter()):
        if isinstance(container.tag, str) and any(FOOTNOTE_LIST.search(w) for w in _words(container)) \
                and not container.text_content().strip():
            _remove(container)
    return notes


def _is_note(element) -> bool:
    if any(FOOTNOTE_BODY.match(word) for word in _words(element)):
        return True
    parent = element.getparent()
    lists = [parent, parent.getparent() if parent is not None else None]
    return element.tag == "li" and any(
        ancestor is not None and any(FOOTNOTE_LIST.search(w) for w in _words(ancestor)) for ancestor in lists)


def _within(element, ancestor) -> bool:
    return any(parent is ancestor for parent in element.iterancestors())


def _replace_with_text(link, text: str) -> None:
    target = link.getparent() if link.getparent() is not None and link.getparent().tag == "sup" \
        and not (link.getparent().text or "").strip() else link
    target.tail = text + (target.tail or "")
    _remove(target)


def _note_text(body) -> str:
    for link in list(body.iter("a")):
        if any(BACKREF.search(word) for word in _words(link)) or link.text_content().strip() in ("↩", "↩︎", "^"):
            _remove(link)
    content = next((el for el in body.iter() if "footnote-content" in _words(el)), body)
    _protect_text(content)
    # The note's inside only: converted whole, an <li> would become a list item of its own.
    html = (content.text or "") + "".join(etree.tostring(child, encoding="unicode", method="html")
                                          for child in content)
    text = _Converter(heading_style="ATX", bullets="-").convert(html).strip()
    return "\n\n    ".join(part.strip() for part in text.split("\n\n") if part.strip())


# -- after markdownify -----------------------------------------------------------


def _tidy(markdown: str, notes: list[str]) -> str:
    markdown = _restored(markdown)
    markdown = REF_PATTERN.sub(lambda match: f"[^{match.group(1)}]", markdown)
    # Trailing spaces go, except the two that end a line with a break (<br>).
    lines = [line.rstrip() + ("  " if line.endswith("  ") and line.strip() else "")
             for line in markdown.replace("\r", "").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if notes:
        text += "\n\n" + "\n".join(f"[^{n}]: {_restored(note)}" for n, note in enumerate(notes, 1))
    return _without_unusable(text) + "\n"


def _restored(text: str) -> str:
    for mark, written in RESTORED.items():
        text = text.replace(mark, written)
    return text


def _without_unusable(text: str) -> str:
    """``text`` without control characters, raw or as references (no output can carry them)."""
    for found in reversed(find_unusable(text)):
        match = REFERENCE.match(text, found.offset)
        end = match.end() if match else found.offset + 1
        text = text[:found.offset] + text[end:]
    return text
