"""``letterpress newsletter check SLUG``: everything to fix before a letter goes out.

Size against the budget, links that are relative or lead nowhere on the site,
links and images left out (not http(s) or mailto), images without alt text or
width, TK/TODO markers, the sender and postal address, the subject's length,
and the template colours' contrast (WCAG AA, light and dark). Errors stop a
send; warnings are for the author to weigh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from lxml import html as lxml_html

from .. import tokens
from ..errors import Problem, ProblemsError
from ..model import urls
from ..model.authors import shown_authors_file
from ..model.essay import Essay, State
from ..model.letters import sent_record
from ..model.markers import marker_problems
from ..model.publication import Publication
from ..model.settings import CONFIG_FILE, Settings
from ..model.site_map import reserved_folders, site_files
from . import addresses, templates
from .message import PLACEHOLDERS, RenderedIssue
from .render import Letter, Rendition, budget_bytes, issue_from, render_letter, subject

SUBJECT_LIMIT = 70
AA_CONTRAST = 4.5


@dataclass
class CheckReport:
    """What ``newsletter check`` found, and the letter's size."""

    problems: list[Problem] = field(default_factory=list)
    html_bytes: int = 0
    budget: int = 0  # bytes
    sections: tuple[int, int] = (0, 0)
    # Why a send would refuse to start (warnings among the problems): the check is not "ready" while any is left.
    refusals: list[Problem] = field(default_factory=list)
    # The letter as rendered for the check: the one a send sends (see issue()).
    rendered: tuple[Letter, Rendition] | None = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def issue(self) -> RenderedIssue:
        """The checked letter, ready to send; renders nothing again.

        Raises:
            ProblemsError: the letter could not be rendered (its problems are
                among the report's), missing config, an audio attachment over its cap.
        """
        if self.rendered is None:
            raise ProblemsError(self.errors)
        return issue_from(*self.rendered)


def check_issue(publication: Publication, essay: Essay) -> CheckReport:
    """Every problem of the letter for ``essay``: renders it once, reads no file again, sends nothing.

    The essay's text comes from ``essay`` as loaded; the letter is kept in
    the report, so a send passes :meth:`CheckReport.issue` on without rendering again.
    """
    settings = publication.settings
    report = CheckReport(budget=settings.newsletter.budget_kb * 1024)
    report.refusals = (_secret_problems(settings.root) + _state_problems(publication, essay)
                       + _sent_problems(publication, essay))
    changed_key = tokens.key_change_problem(settings.root)
    report.problems += addresses.config_problems(settings) + report.refusals + marker_problems(essay)
    report.problems += [changed_key] if changed_key else []
    report.problems += _subject_problems(publication, essay) + contrast_problems(settings)
    try:
        report.rendered = render_letter(publication, essay)
    except ProblemsError as error:
        report.problems += error.problems
        return report
    report.problems += _rendered_problems(publication, essay, report, *report.rendered)
    return report


def _rendered_problems(publication: Publication, essay: Essay, report: CheckReport,
                       letter: Letter, rendition: Rendition) -> list[Problem]:
    """Size, links and images of the rendered letter (sets the report's size and sections)."""
    report.html_bytes = budget_bytes(rendition.html, publication.settings)
    report.sections = (rendition.sections, len(letter.body.sections))
    return (_size_problems(essay, report) + link_problems(publication, essay, rendition.html)
            + removed_link_problems(essay, letter.body)
            + image_problems(essay, [e for s in letter.body.sections for e in s.elements]))


def config_check(publication: Publication) -> list[Problem]:
    """For ``letterpress check``: the newsletter config; what is missing is a warning until a send."""
    if not publication.settings.newsletter.enabled:
        return []
    problems = addresses.config_problems(publication.settings) + contrast_problems(publication.settings)
    return [Problem(p.path, p.field, p.message + " (needed before the first letter is sent)",
                    p.line, "warning") if "is missing" in p.message else p for p in problems]


# -- the checks ---------------------------------------------------------------------

def _secret_problems(root: Path) -> list[Problem]:
    if tokens.find_secret(root):
        return []
    return [Problem("environment", tokens.SECRET_VARIABLE, f"is not set and there is no {tokens.SECRET_FILE}; "
                    "the send will refuse to start without a key (it signs the unsubscribe links). Run "
                    "`letterpress secret` once to make one, kept outside git.", severity="warning")]


def _state_problems(publication: Publication, essay: Essay) -> list[Problem]:
    problems = []
    if essay.state(publication.now()) is not State.PUBLISHED:
        problems.append(Problem(essay.source_path, "draft" if essay.draft else "date",
                                f"is {essay.state(publication.now()).value}; this letter cannot be sent yet.",
                                severity="warning"))
    if not essay.newsletter:
        problems.append(Problem(essay.source_path, "newsletter", "is false; this essay is never emailed.",
                                severity="warning"))
    if not publication.settings.newsletter.enabled:
        problems.append(Problem(CONFIG_FILE, "plugins.letterpress.newsletter.enabled", "is false; no letter is "
                                "sent. Set it to true to send.", severity="warning"))
    return problems


def _sent_problems(publication: Publication, essay: Essay) -> list[Problem]:
    record = sent_record(publication, essay)
    if record is None:
        return []
    when = (record.get("finished") or "")[:10]
    return [Problem(essay.source_path, "", f"this letter was already sent{f' ({when})' if when else ''}; a send "
                    "refuses to mail everyone twice (`--force` sends it again).", severity="warning")]


def _subject_problems(publication: Publication, essay: Essay) -> list[Problem]:
    text = subject(publication, essay).removeprefix("[Draft] ")
    if len(text) <= SUBJECT_LIMIT:
        return []
    return [Problem(essay.source_path, "title", f"the subject is {len(text)} characters; inboxes cut it "
                    f"after about {SUBJECT_LIMIT}. Consider a shorter title.", severity="warning")]


def _size_problems(essay: Essay, report: CheckReport) -> list[Problem]:
    shown, total = report.sections
    if shown >= total:
        return []
    return [Problem(essay.source_path, "", (
        f"the whole essay is over the {report.budget // 1024} KB budget (Gmail clips at about 102 KB); "
        f"the letter carries sections 1–{shown} of {total} and ends with 'Continue reading'."),
        severity="warning")]


def contrast_problems(settings: Settings) -> list[Problem]:
    """Each text/background pair of ``palette.j2`` below WCAG AA (4.5:1), light and dark."""
    palette = templates.template_module(settings, "palette.j2")
    shown = templates.shown_path(settings, templates.template_file(settings, "palette.j2"))
    problems = []
    for scheme in ("light", "dark"):
        colours = getattr(palette, scheme, {})
        for foreground, background in getattr(palette, "pairs", ()):
            if foreground not in colours or background not in colours:
                problems.append(Problem(shown, "", f"{scheme} palette has no colour '{foreground}' or "
                                        f"'{background}' (named in pairs); add it."))
                continue
            ratio = contrast_ratio(colours[foreground], colours[background])
            if ratio < AA_CONTRAST:
                problems.append(Problem(shown, "", (
                    f"{scheme} colours '{foreground}' {colours[foreground]} on '{background}' "
                    f"{colours[background]} have a contrast of {ratio:.2f}:1, below WCAG AA's 4.5:1; "
                    "darken or lighten one of them.")))
    return problems


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    # The formula is a few lines of WCAG 2.x's definition; not worth a dependency.
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    value = colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def link_problems(publication: Publication, essay: Essay, html: str) -> list[Problem]:
    """Links and images that are relative (dead in an email) or point at pages the site lacks.

    Each is blamed on the file that holds it: an author's "Work with me" link on the
    authors file (``authors.<key>.url``), every other link on the essay.
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    owners = _author_links(publication, essay)
    document = lxml_html.document_fromstring(html)
    for element, _attribute, url, _ in document.iterlinks():
        if url in seen or url in PLACEHOLDERS or element.tag not in ("a", "img", "audio", "source"):
            continue
        seen.add(url)
        problem = _url_problem(publication, essay, url)
        if problem:
            problems.extend(Problem(path, key, problem) for path, key in owners.get(url, [(essay.source_path, "")]))
    return problems


def _author_links(publication: Publication, essay: Essay) -> dict[str, list[tuple[str, str]]]:
    """URL -> (file, field) of each "Work with me" link of the letter's authors (and the essay, if it has it too)."""
    shown = shown_authors_file(publication.settings)
    links: dict[str, list[tuple[str, str]]] = {}
    for key in essay.authors:
        author = publication.authors.get(key)
        if author is not None and author.url:
            links.setdefault(author.url, []).append((shown, f"authors.{key}.url"))
    for url, owners in links.items():
        if url in essay.body:
            owners.append((essay.source_path, ""))
    return links


def removed_link_problems(essay: Essay, email_body) -> list[Problem]:
    """Links and images the letter left out because their URL is not http(s) or mailto."""
    return [Problem(essay.source_path, "", f"'{url}' is not in the letter: letters carry http(s) and mailto "
                    "links only (no javascript:, data: or file: URLs); link to a web page instead, or remove it.",
                    severity="warning") for url in email_body.removed]


def _url_problem(publication: Publication, essay: Essay, url: str) -> str | None:
    found = urls.scheme(url)
    if found == "mailto":
        return None
    if found not in ("https", "http"):
        return f"link '{url}' is relative; in an email it leads nowhere. Use a full https:// address."
    site = publication.settings.site_url.rstrip("/") + "/"
    if not url.startswith(site):
        return None
    path = unquote(url[len(site):].split("#", 1)[0].split("?", 1)[0])
    if site_has(publication, path):
        return None
    return f"link '{url}' points at a page the site does not have; fix the link or add the page."


def site_has(publication: Publication, path: str) -> bool:
    """Whether the built site will have ``path`` (site-relative, decoded, no leading slash).

    Asked of the site map (:mod:`letterpress.model.site_map`), the same registry the
    collision checks read: the engine's pages and files, ours, and the blog's listings.
    """
    files, folders = _site_map(publication)
    candidates = [path + "index.html"] if path.endswith("/") or not path else [path, path + "/index.html"]
    return any(candidate in files for candidate in candidates) or path.startswith(folders)


def _site_map(publication: Publication) -> tuple[frozenset[str], tuple[str, ...]]:
    found = publication.memo.get("site_map")
    if found is None:
        files = frozenset(unquote(name) for name in site_files(publication))
        folders = tuple(prefix for prefix, _ in reserved_folders(publication.settings))
        found = publication.memo["site_map"] = (files, folders)
    return found  # type: ignore[return-value]


def image_problems(essay: Essay, elements) -> list[Problem]:
    """Images in the essay without alt text or a width (Outlook shows them at full size)."""
    problems = []
    for element in elements:
        for image in element.iter("img"):
            src = image.get("src", "")
            if not (image.get("alt") or "").strip():
                problems.append(Problem(essay.source_path, "", f"image '{src}' has no alt text; describe it: "
                                        "![what the picture shows](file.jpg)."))
            if not image.get("width"):
                problems.append(Problem(essay.source_path, "", f"image '{src}' has no width and its file "
                                        "cannot be read here; add one, e.g. ![alt](url){ width=600 }."))
    return problems
