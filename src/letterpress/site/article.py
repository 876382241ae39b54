"""An essay's text taken out of the page the engine built: how Zensical's HTML reaches feeds and letters.

Zensical runs no plugin of ours, so nothing can catch the HTML while it renders;
it is read back from the written page instead. The essay template
(``overrides/essay.html``) puts the page's content between two comments,
inside Material's ``article.md-content__inner``, after our header and player and
before our author note and sign-up form: the text is what lies between. Taking it from the
built page, rather than converting the Markdown again with the extensions
Zensical applies, gives exactly what the reader sees, whatever Zensical changes
in its own pipeline.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html

from ..errors import Problem, ProblemsError
from ..model.essay import Essay
from ..model.publication import Publication
from ..render.once import keep

ARTICLE = "//article[contains(concat(' ', normalize-space(@class), ' '), ' md-content__inner ')]"
# Our parts of the essay template around the text, and Zensical's skip target.
BEFORE = frozenset({"lp-essay-header", "lp-player"})
AFTER = frozenset({"lp-author-note", "lp-subscribe"})
SKIP_ID = "__skip"
START, END = "<!--lp:text-->", "<!--/lp:text-->"


def capture_articles(publication: Publication, essays: list[Essay], site_dir: Path) -> None:
    """Keep the text of each essay's built page as its HTML (:func:`letterpress.render.once.keep`).

    Raises:
        ProblemsError: a page does not have the essay template's parts (an override of
            ``essay.html`` that drops them), so its text cannot be told apart.
    """
    layout = publication.settings.layout
    for essay in essays:
        page = site_dir / layout.essay(essay).file
        text = article_text(page.read_text(encoding="utf-8"))
        if text is None:
            raise ProblemsError([Problem(essay.source_path, "", (
                f"its page ({layout.essay(essay).file}) has no article with the essay template's header; "
                "keep {% extends \"blog-post.html\" %} and the header of overrides/essay.html."))])
        keep(publication, essay, text, "zensical")


def article_text(page_html: str) -> str | None:
    """The essay's text inside a built page's article, as HTML; None when the page has no such article.

    Between the template's markers, as the engine wrote it, byte for byte; when a minifier took the
    markers out, the article's children between our header and player and our author note.
    """
    start = page_html.find(START)
    end = page_html.find(END, start + 1)
    if start >= 0 and end > start:
        return page_html[start + len(START):end]
    return _between_parts(page_html)


def _between_parts(page_html: str) -> str | None:
    document = lxml.html.document_fromstring(page_html)
    found = document.xpath(ARTICLE)
    if not found:
        return None
    children = list(found[0])
    start = next((i for i, child in enumerate(children) if _classes(child) & BEFORE), None)
    if start is None:
        return None
    while start + 1 < len(children) and (_classes(children[start + 1]) & BEFORE or _is_skip(children[start + 1])):
        start += 1
    end = next((i for i in range(start + 1, len(children)) if _classes(children[i]) & AFTER), len(children))
    text = (children[start].tail or "").lstrip()
    return text + "".join(lxml.html.tostring(child, encoding="unicode") for child in children[start + 1:end])


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split()) if isinstance(element.tag, str) else set()


def _is_skip(element) -> bool:
    return isinstance(element.tag, str) and element.get("id") == SKIP_ID
