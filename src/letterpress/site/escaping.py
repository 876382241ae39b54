"""Metadata handed to MkDocs and Material as escaped text.

Material's templates run without autoescape and print ``page.meta.title``,
``page.meta.description``, ``config.site_name``, author fields and category
names as they are; MkDocs makes category and author pages from the names as
Markdown. Metadata is text (DESIGN.md, "Escaping"), so the plugin replaces each
value with a :class:`markupsafe.Markup` holding the escaped text: printed bare it
is escaped once, and ``|e`` leaves a Markup alone, so no reader sees ``&amp;lt;``.
URLs are percent-encoded instead (:func:`letterpress.model.urls.safe_link`), because
MkDocs' ``url`` filter returns plain strings.
"""

from __future__ import annotations

from markupsafe import escape
from material.plugins.blog.plugin import BlogPlugin
from material.plugins.blog.structure import View

from ..model import urls

TEXT_META = ("title", "description", "subtitle", "author")
TEXT_CONFIG = ("site_name", "site_description", "site_author")
GENERATED_BY_BLOG = "material/blog"


def escape_values(mapping, keys) -> None:
    """Replace each text value of ``mapping`` under ``keys`` with its escaped Markup (again: no change)."""
    for key in keys:
        value = mapping.get(key)
        if isinstance(value, str):
            mapping[key] = escape(value)


def escape_authors(blogs: list[BlogPlugin]) -> None:
    """Escape the authors Material's blogs read from ``.authors.yml`` (its templates print them bare)."""
    for blog in blogs:
        for author in (getattr(blog, "authors", None) or {}).values():
            author.name = escape(author.name)
            author.description = escape(author.description)
            author.avatar = urls.safe_link(author.avatar)
            author.url = urls.safe_link(author.url) if author.url else author.url


def escape_links(items) -> None:
    """Escape the titles of a post's ``links:`` (Material's sidebar prints them bare), sections too."""
    for item in items or ():
        if isinstance(item.title, str):
            item.title = escape(item.title)
        escape_links(getattr(item, "children", None))


def view_markdown(page) -> str | None:
    """The Markdown of a category, author or archive page Material made from a name, with the name as text.

    Material writes ``# {name}`` and converts it, so a category named
    ``<script>`` would be a script, and ``{: onclick=…}`` an attribute. Views
    the author wrote in ``docs/`` are left alone; so is every other page (None).
    """
    if not isinstance(page, View):
        return None
    view = page.pages[0] if page.pages else page  # paginated views share the first page's name
    if view.name is None or getattr(view.file, "generated_by", None) != GENERATED_BY_BLOG:
        return None
    page.meta["title"] = escape(view.name)
    return f"# {markdown_text(view.name)}"


def markdown_text(text: str) -> str:
    """``text`` as Markdown that converts to that text: every ASCII sign a character reference.

    Markdown and its extensions (emphasis, attribute lists, smart symbols) act
    only on the signs, and a character reference is text to all of them.
    """
    return "".join(char if char.isalnum() or char == " " or not char.isascii() else f"&#{ord(char)};"
                   for char in str(text))
