"""The publish pipeline: pull, check, build, deploy, send what is due, record.

Idempotent: an essay is due only while it has no ``newsletter/sent/`` record,
so a second run finds nothing to do. A failure before sending leaves the
previous site and sends nothing; a paused send is resumed by the next run.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..checks import Check
from ..errors import LetterpressError, ProblemsError
from ..model.letters import record_path
from ..model.options import RunOptions
from ..model.publication import Publication
from ..site.build import build_site
from ..site.capture import load_for_outputs
from .deploy import NOT_DEPLOYED, deploy, page_answers
from .plan import PublishPlan, plan_publish

if TYPE_CHECKING:
    from ..sending.send import SendPlan


class PublishError(LetterpressError):
    """A step failed; the message says which and what was (not) done."""


@dataclass
class PublishReport:
    """What a run did (or, with ``dry_run``, would do)."""

    steps: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    paused: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # why due letters were (would be) held back
    planned: dict[str, int] = field(default_factory=dict)  # slug -> recipients, of the letters to send


def publish(root: Path, checks: Iterable[Check], run_options: RunOptions, dry_run: bool = False,
            say: Callable[[str], None] = print) -> PublishReport:
    """Run the pipeline for the publication at ``root`` (with ``dry_run``: decide, report, do nothing);
    ``checks``: every check a run must pass (the CLI's list); ``run_options``: the command's (its "now").

    Both make the same :class:`~letterpress.publishing.plan.PublishPlan`; the dry run reports it.

    Raises:
        PublishError: pull, build, deploy or send failed, or a send paused.
        ProblemsError: a reason to stop before building (errors, uncommitted files, no secret...):
            nothing built, deployed or sent.
    """
    report = PublishReport()
    _step(report, say, "dry run: nothing is pulled, built, deployed or sent" if dry_run else git_pull(root))
    # The letters are checked before the build: it can capture their HTML.
    publication = load_for_outputs(root, run_options)
    plan = plan_publish(publication, checks)
    try:
        report.held = list(plan.held)
        report.planned = {letter.essay.slug: letter.recipients for letter in plan.letters}
        if plan.stops:
            for reason in plan.held:  # worth knowing too: fixing the stops alone would not send these
                say(f"not sending: {reason}")
            say(f"{'would stop' if dry_run else 'stopped'} before building: nothing "
                f"{'would be' if dry_run else 'was'} built, deployed or sent, because of:")
            raise ProblemsError(plan.stops)
        if dry_run:
            return _report_plan(root, plan, report, say)
        return _carry_out(root, publication, plan, report, say)
    finally:
        plan.close()


def _report_plan(root: Path, plan: PublishPlan, report: PublishReport, say) -> PublishReport:
    shown = plan.site_dir.relative_to(root) if plan.site_dir.is_relative_to(root) else plan.site_dir
    _step(report, say, f"would build the site into {shown}/ ({plan.published} published "
                       f"essay{'s' if plan.published != 1 else ''})")
    _step(report, say, f"would deploy: {plan.deploy}" if plan.deploy else NOT_DEPLOYED)
    _report_letters(plan.letters, say)
    for reason in plan.held:
        say(f"not sending: {reason}")
    if not plan.letters and not plan.held:
        say("no newsletter is due")
    return report


def _report_letters(letters: list[SendPlan], say) -> None:
    """Each letter with its recipient count and its own notes; a note every letter shares, once."""
    pages = bool(letters) and letters[0].publication.settings.publish.deploy == "pages"
    shared = set.intersection(*(set(letter.notes) for letter in letters)) if letters else set()
    for letter in letters:
        count = letter.recipients
        say(f"would send '{letter.essay.slug}' ({letter.essay.title}) to {count} "
            f"subscriber{'s' if count != 1 else ''}{' once its page answers' if pages else ''}")
        for note in letter.notes:
            if note not in shared:
                say(f"  {note}")
    for note in (letters[0].notes if letters else []):
        if note in shared:
            say(f"note: {note}")


def _carry_out(root: Path, publication: Publication, plan: PublishPlan, report: PublishReport,
               say) -> PublishReport:
    _step(report, say, f"built {build_site(publication, plan.site_dir)}")  # read once, above
    _step(report, say, deploy(publication.settings, plan.site_dir))
    for reason in plan.held:
        say(f"not sending: {reason}")
    _send(publication, plan, report, say)
    if report.sent:
        _step(report, say, record_sent(publication, report.sent, publication.settings.publish.git_push))
    if report.paused:
        raise PublishError(f"sending paused for {', '.join(report.paused)}; fix the cause and run "
                           "`letterpress publish` again to resume.")
    return report


def _send(publication: Publication, plan: PublishPlan, report: PublishReport, say) -> None:
    from ..sending.send import run_send

    for letter in plan.letters:
        essay = letter.essay
        if not _page_is_live(publication, essay, say):
            report.waiting.append(essay.slug)
            continue
        result = run_send(letter)
        if result.paused:
            report.paused.append(essay.slug)
            say(f"'{essay.slug}' paused: {result.campaign.pause_reason}")
            return
        report.sent.append(essay.slug)
        say(f"sent '{essay.slug}': {_counts(result.counts)}")


def _page_is_live(publication: Publication, essay, say) -> bool:
    settings = publication.settings
    if settings.publish.deploy != "pages":
        return True
    url = settings.layout.absolute(settings.layout.essay(essay).url)
    if page_answers(url, settings.publish.pages_wait_seconds):
        return True
    say(f"waiting: {url} does not answer 200 yet; the next run sends '{essay.slug}'")
    return False


def git_pull(root: Path) -> str:
    """``git pull --ff-only`` when the branch has an upstream."""
    if _git(root, "rev-parse", "--abbrev-ref", "@{upstream}", check=False).returncode != 0:
        return "not pulled (no upstream branch)"
    result = _git(root, "pull", "--ff-only", "--quiet", check=False)
    if result.returncode != 0:
        raise PublishError(f"git pull failed: {result.stderr.strip() or result.stdout.strip()}; "
                           "nothing was built or sent.")
    return "pulled"


def record_sent(publication: Publication, slugs: list[str], push: bool) -> str:
    """Commit the new ``newsletter/sent/`` records (and push them when there is an upstream)."""
    root = publication.settings.root
    paths = [record_path(publication, publication.essay(slug)).relative_to(root).as_posix() for slug in slugs]
    _git(root, "add", "--", *paths)
    _git(root, "commit", "--quiet", "-m", f"Sent: {', '.join(slugs)}", "--", *paths)
    if push and _git(root, "rev-parse", "--abbrev-ref", "@{upstream}", check=False).returncode == 0:
        result = _git(root, "push", "--quiet", check=False)
        if result.returncode != 0:
            raise PublishError(f"sent, and the record is committed, but git push failed: "
                               f"{result.stderr.strip()}; push it by hand.")
        return f"committed and pushed {', '.join(paths)}"
    return f"committed {', '.join(paths)}"


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise PublishError(f"git {args[0]} failed: {result.stderr.strip()}")
    return result


def _step(report: PublishReport, say, text: str) -> None:
    report.steps.append(text)
    say(text)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n) or "nobody to send to"
