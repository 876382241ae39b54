"""Render one essay as a letter: HTML and text once, within the size budget.

The templates run once per letter with placeholders where the recipient's
address and unsubscribe link go; :class:`~letterpress.newsletter.message.RenderedIssue`
fills them in per reader without rendering again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from .. import tokens
from ..errors import Problem, ProblemsError
from ..model import urls
from ..model.audio import format_clock
from ..model.essay import Essay
from ..model.publication import Publication
from ..render.once import essay_html_for
from . import addresses, attachment, body, links, mjml_html, templates
from .message import PLACEHOLDER_ADDRESS, PLACEHOLDER_UNSUBSCRIBE, RenderedIssue
from .text import TextWriter

HTML_TEMPLATE, TEXT_TEMPLATE = "issue.mjml.j2", "issue.txt.j2"
WORDS_PER_MINUTE = 230
# The longest address a recipient can have (RFC 5321), used to count the
# budget for the letter as any reader will receive it.
LONGEST_ADDRESS = "a" * 64 + "@" + "d" * 185 + ".org"


@dataclass
class Letter:
    """Everything computed once per essay before the templates run."""

    publication: Publication
    essay: Essay
    context: dict
    body: body.EmailBody
    css: str
    sections_html: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Rendition:
    html: str
    text: str
    sections: int  # how many of the body's sections it carries


def render_issue(publication: Publication, essay: Essay) -> RenderedIssue:
    """Render ``essay`` as a letter: templates run once for HTML and once for text.

    An essay whose full HTML exceeds ``newsletter.budget_kb`` is cut at a
    section boundary, with "Continue reading" to its web version.

    Raises:
        ProblemsError: missing or invalid config (sender, postal address,
            service URL), template or MJML errors naming the template file and
            line, a budget too small for even the first section, an audio
            attachment over its size cap.
    """
    addresses.raise_for_config(publication.settings)  # before rendering: no letter goes out without it
    return issue_from(*render_letter(publication, essay))


def render_letter(publication: Publication, essay: Essay) -> tuple[Letter, Rendition]:
    """The letter for ``essay`` fitted to the budget: the one render a send checks, then sends.

    Needs no sender config (``newsletter check`` reports what is missing);
    :func:`issue_from` turns the result into the letter to send.

    Raises:
        ProblemsError: template or MJML errors naming the template file and
            line, a budget too small for even the first section.
    """
    letter = prepare(publication, essay, web_version=False)
    return letter, fit_budget(letter)


def issue_from(letter: Letter, rendition: Rendition) -> RenderedIssue:
    """``rendition`` of ``letter`` as a :class:`RenderedIssue`, ready per recipient; renders nothing.

    Raises:
        ProblemsError: missing or invalid config (sender, postal address,
            service URL), an audio attachment over its size cap.
    """
    publication, essay, settings = letter.publication, letter.essay, letter.publication.settings
    addresses.raise_for_config(settings)
    return RenderedIssue(
        slug=essay.slug, subject=subject(publication, essay), html=rendition.html, text=rendition.text,
        excerpted=rendition.sections < len(letter.body.sections),
        html_bytes=budget_bytes(rendition.html, settings), draft=essay.draft,
        date=publication.now(), sender=addresses.sender(settings),
        reply_to=addresses.reply_to(publication, essay.authors), list_id=addresses.list_header(settings),
        list_name=tokens.list_id(settings), service_url=settings.service.url.rstrip("/"),
        unsubscribe_mailto=settings.newsletter.unsubscribe_mailto,
        attachment=attachment.audio_attachment(settings, essay),
        sections=(rendition.sections, len(letter.body.sections)),
        secret=tokens.find_secret(settings.root),
    )


def render_web_version(publication: Publication, essay: Essay) -> str:
    """The whole essay as a web page in the email's design (``/newsletter/<slug>/``)."""
    letter = prepare(publication, essay, web_version=True)
    return _render(letter, len(letter.body.sections), with_text=False).html


def subject(publication: Publication, essay: Essay) -> str:
    """The title, after ``newsletter.subject_prefix`` (and "[Draft]" on drafts)."""
    prefix = publication.settings.newsletter.subject_prefix.strip()
    text = f"{prefix} {essay.title}" if prefix else essay.title
    return addresses.refuse_control(f"[Draft] {text}" if essay.draft else text, "subject")


def prepare(publication: Publication, essay: Essay, web_version: bool) -> Letter:
    """Context, email body and styles of one letter."""
    settings = publication.settings
    context = base_context(publication, essay, web_version)
    email_body = body.email_body(essay_html_for(publication, essay), settings)
    css = templates.render(settings, "body.css.j2", context)
    letter = Letter(publication, essay, context, email_body, css)
    letter.sections_html = [body.serialize(section.elements, css) for section in email_body.sections]
    return letter


def base_context(publication: Publication, essay: Essay, web_version: bool) -> dict:
    """What every template sees, apart from the body."""
    settings = publication.settings
    page_url = settings.layout.absolute(settings.layout.essay(essay).url)
    authors = [publication.authors[key] for key in essay.authors if key in publication.authors]
    return {
        "publication": {"name": settings.site_name, "url": settings.site_url,
                        "description": settings.site_description, "language": settings.language},
        "essay": {"slug": essay.slug, "title": essay.title, "subtitle": essay.subtitle,
                  "description": essay.description, "date": essay.date, "url": page_url,
                  "draft": essay.draft, "words": essay.words,
                  "minutes": max(1, round(essay.words / WORDS_PER_MINUTE))},
        "authors": [{"name": a.name, "bio": a.long_bio, "url": links.safe_url(a.url), "cta_label": a.cta_label}
                    for a in authors],
        "byline": " and ".join(a.name for a in authors) or settings.site_name,
        "audio": _audio(essay, settings, page_url),
        "cover": _cover(essay, settings),
        "web_url": web_url(settings, essay),
        "web_version": web_version,
        "footer": {"reason": settings.newsletter.reason or
                   f"You receive this because you subscribed to {settings.site_name}.",
                   "postal_address": settings.newsletter.postal_address},
        "recipient": {"address": "" if web_version else PLACEHOLDER_ADDRESS,
                      "unsubscribe_url": "" if web_version else PLACEHOLDER_UNSUBSCRIBE},
        "palette": templates.template_module(settings, "palette.j2"),
        "excerpt": None,
    }


def web_url(settings, essay: Essay) -> str:
    """The letter's web version ("view in your browser")."""
    return settings.layout.absolute(settings.layout.web_version(essay).url)


def _audio(essay: Essay, settings, page_url: str) -> dict | None:
    audio = essay.audio
    if audio is None:
        return None
    url = settings.layout.absolute(audio.url)
    return {"url": url, "type": audio.mime_type, "narrator": audio.narrator,
            "duration_label": format_clock(audio.duration), "listen_url": f"{page_url}#listen",
            "chapters": [{"title": c.title, "label": format_clock(c.start), "url": f"{page_url}#t={c.start}"}
                         for c in audio.chapters]}


def _cover(essay: Essay, settings) -> dict | None:
    if not essay.image:
        return None
    return {"url": urls.absolute(essay.image, settings.site_url)}


# -- assembling and the size budget ---------------------------------------------------

def _render(letter: Letter, count: int, with_text: bool = True) -> Rendition:
    """Render the letter carrying the first ``count`` sections of the body.

    ``with_text=False`` skips the plain-text part (the web version has none).
    """
    sections = letter.body.sections[:count]
    notes = body.notes_list(letter.body.notes_for(count))
    context = dict(letter.context)
    context["body"] = Markup("".join(letter.sections_html[:count]) + body.serialize(notes, letter.css))
    context["excerpt"] = _excerpt(letter, count)
    settings = letter.publication.settings
    html = links.scrub_document(mjml_html.to_html(settings, HTML_TEMPLATE, context))
    if not with_text:
        return Rendition(html, "", count)
    writer = TextWriter()
    context["body_text"] = writer.blocks([e for s in sections for e in s.elements] + notes)
    context["references"] = writer.references()
    return Rendition(html, templates.render(settings, TEXT_TEMPLATE, context), count)


def _excerpt(letter: Letter, count: int) -> dict | None:
    total = len(letter.body.sections)
    if count >= total:
        return None
    anchor = letter.body.sections[count].heading_id
    url = letter.context["web_url"] + (f"#{anchor}" if anchor else "")
    return {"continue_url": url, "sections_left": total - count, "sections_shown": count}


def fit_budget(letter: Letter) -> Rendition:
    """The whole essay when it fits ``budget_kb``, else the longest section-aligned excerpt that does."""
    settings = letter.publication.settings
    budget = settings.newsletter.budget_kb * 1024
    total = len(letter.body.sections)
    full = _render(letter, total)
    over = budget_bytes(full.html, settings) - budget
    if over <= 0:
        return full
    count = total - 1
    while count > 0 and sum(len(s.encode()) for s in letter.sections_html[count:]) < over:
        count -= 1  # a first guess from the section sizes; the loop below confirms it
    while count > 0:
        rendition = _render(letter, count)
        if budget_bytes(rendition.html, settings) <= budget:
            return rendition
        count -= 1
    raise ProblemsError([Problem(
        "mkdocs.yml", "plugins.letterpress.newsletter.budget_kb",
        f"{settings.newsletter.budget_kb} KB is too small for even the first section of "
        f"{letter.essay.source_path} plus the letter around it; raise it (Gmail clips at about 102 KB).")])


def budget_bytes(html: str, settings) -> int:
    """Size of the HTML as the longest possible recipient would receive it."""
    longest_url = f"{settings.service.url.rstrip('/')}/unsubscribe?token=" + "x" * len(
        tokens.make_unsubscribe_token(LONGEST_ADDRESS, tokens.list_id(settings), secret="size"))
    size = len(html.encode("utf-8"))
    size += html.count(PLACEHOLDER_ADDRESS) * (len(LONGEST_ADDRESS) - len(PLACEHOLDER_ADDRESS))
    size += html.count(PLACEHOLDER_UNSUBSCRIBE) * (len(longest_url) - len(PLACEHOLDER_UNSUBSCRIBE))
    return size
