"""The publish pipeline: pull, check, build, deploy, send what is due, record.

Idempotent: an essay is due only while it has no ``newsletter/sent/`` record,
so a second run finds nothing to do. A failure before sending leaves the
previous site and sends nothing; a paused send is resumed by the next run.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..checks import raise_for_errors
from ..errors import LetterpressError
from ..model.essay import Essay
from ..model.letters import SENT_DIR, due_essays
from ..model.publication import Publication, load_publication
from ..site.build import build_site
from ..site.loader import load_settings
from .deploy import deploy, page_answers


class PublishError(LetterpressError):
    """A step failed; the message says which and what was (not) done."""


@dataclass
class PublishReport:
    """What a run did (or, with ``dry_run``, would do)."""

    steps: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    paused: list[str] = field(default_factory=list)


def publish(root: Path, dry_run: bool = False, say: Callable[[str], None] = print) -> PublishReport:
    """Run the pipeline for the publication at ``root``.

    Raises:
        PublishError: pull, build, deploy or send failed, or a send paused.
        ProblemsError: the publication has errors (nothing built, nothing sent).
    """
    report = PublishReport()
    if not dry_run:
        _step(report, say, git_pull(root))
    publication = load_publication(load_settings(root))
    raise_for_errors(publication)  # every check, the `publish` section's among them
    due = due_essays(publication)
    if dry_run:
        return _dry_run(publication, due, report, say)
    _step(report, say, f"built {build_site(root, publication=publication)}")  # read above, not again
    _step(report, say, deploy(publication.settings, root / "site"))
    _send_due(publication, due, report, say)
    if report.sent:
        _step(report, say, record_sent(root, report.sent, publication.settings.publish.git_push))
    if report.paused:
        raise PublishError(f"sending paused for {', '.join(report.paused)}; fix the cause and run "
                           "`letterpress publish` again to resume.")
    return report


def _dry_run(publication: Publication, due: list[Essay], report: PublishReport, say) -> PublishReport:
    _step(report, say, "dry run: nothing pulled, built, deployed or sent")
    _step(report, say, f"would build the site and deploy it ({publication.settings.publish.deploy})")
    for essay in due:
        report.waiting.append(essay.slug)
        say(f"would send '{essay.slug}' ({essay.title})")
    if not due:
        say("no newsletter is due")
    return report


def _send_due(publication: Publication, due: list[Essay], report: PublishReport, say) -> None:
    from ..sending import plan_send, run_send
    from ..sending.send import messenger_kind

    if due and messenger_kind(publication.settings) == "maildir":
        say("not sending: sending.messenger is maildir, where letters are only trials; "
            "set LETTERPRESS_SMTP_URL (or sending.messenger: smtp) to send for real.")
        report.waiting.extend(e.slug for e in due)
        return
    for essay in due:
        if not _page_is_live(publication, essay, say):
            report.waiting.append(essay.slug)
            continue
        plan = plan_send(publication, essay.slug)
        try:
            result = run_send(plan)
        finally:
            plan.close()
        if result.paused:
            report.paused.append(essay.slug)
            say(f"'{essay.slug}' paused: {result.campaign.pause_reason}")
            return
        report.sent.append(essay.slug)
        say(f"sent '{essay.slug}': {_counts(result.counts)}")


def _page_is_live(publication: Publication, essay: Essay, say) -> bool:
    settings = publication.settings
    if settings.publish.deploy != "pages":
        return True
    url = settings.absolute_url(essay.url_path(settings.blog_dir))
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


def record_sent(root: Path, slugs: list[str], push: bool) -> str:
    """Commit the new ``newsletter/sent/`` records (and push them when there is an upstream)."""
    paths = [f"{SENT_DIR}/{slug}.json" for slug in slugs]
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
