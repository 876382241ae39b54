"""What a ``publish`` run will do, decided before it does anything.

The real run and ``publish --dry-run`` make the same plan with the same code;
the real run then carries it out and the dry run reports it. A plan says what
is built, where it is deployed, each letter with its recipient count, why a due
letter is held back (no ``newsletter.since``, the Maildir messenger), which essays
ask for a letter and are dated before ``since`` (never sent), and every
reason the run stops before building (errors, uncommitted files, a missing
secret or subscriber file, a letter whose pre-send check fails).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .. import tokens
from ..checks import Check, check_publication
from ..errors import LetterpressError, Problem, ProblemsError
from ..model.dates import asked_never_emailed
from ..model.letters import SINCE_KEY, due_essays, since_missing
from ..model.publication import Publication
from ..model.settings import CONFIG_FILE
from ..sending.send import SendPlan, messenger_kind, plan_send
from ..subscribers.paths import store_path
from .deploy import describe_deploy
from .tracked import COMMIT_HINT, input_problems, shown, uncommitted_files


@dataclass
class PublishPlan:
    """The decisions of one run. ``letters`` hold open subscriber stores: :meth:`close` them."""

    site_dir: Path
    published: int
    deploy: str | None  # what deploying does, in words; None for ``publish.deploy: none``
    letters: list[SendPlan] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # why due letters are not sent (the run goes on)
    stops: list[Problem] = field(default_factory=list)  # why the run stops before building

    def close(self) -> None:
        for letter in self.letters:
            letter.close()


def plan_publish(publication: Publication, checks: Iterable[Check]) -> PublishPlan:
    """Decide everything a run would do with ``publication`` (stopping on an error of ``checks``);
    build, deploy and send nothing."""
    settings = publication.settings
    plan = PublishPlan(site_dir=settings.root / "site", published=len(publication.published()),
                       deploy=describe_deploy(settings))
    plan.stops += [p for p in check_publication(publication, checks) if p.is_error]
    plan.stops += input_problems(settings) + _uncommitted(publication)
    try:
        _plan_letters(publication, plan)
    except BaseException:
        plan.close()
        raise
    return plan


def _uncommitted(publication: Publication) -> list[Problem]:
    """The published essays' files a fresh clone would lack: the site deployed from here would differ."""
    settings = publication.settings
    essays = publication.published()
    found = uncommitted_files(publication, essays)
    files = {essay.path.resolve() for essay in essays}
    return [Problem(shown(settings, path), "", (
        f"is not committed ({'the text of' if path in files else 'needed by'} published essay '{slug}'): a fresh "
        f"clone would not have it, so the site would differ from git. Commit it ({COMMIT_HINT}), then publish."))
            for slug, paths in found.items() for path in paths]


def _plan_letters(publication: Publication, plan: PublishPlan) -> None:
    missing_since = since_missing(publication)
    if missing_since is not None:
        plan.held.append(f"{CONFIG_FILE}: '{SINCE_KEY}' {missing_since.message}")
        return
    plan.held += [str(problem) for problem in asked_never_emailed(publication)]
    due = due_essays(publication)
    if not due:
        return
    if messenger_kind(publication.settings) == "maildir":
        plan.held.append("sending.messenger is maildir, where letters are only trials; set LETTERPRESS_SMTP_URL "
                         f"(or sending.messenger: smtp) to send for real. Held: {', '.join(e.slug for e in due)}.")
        return
    stops = _sending_stops(publication)
    if stops or plan.stops:  # the run stops before sending: a letter's own check would only repeat the errors
        plan.stops += stops
        return
    for essay in due:
        try:
            plan.letters.append(plan_send(publication, essay.slug))
        except ProblemsError as error:
            plan.stops += error.problems
        except LetterpressError as error:  # refused (e.g. a send of it is running)
            plan.stops.append(Problem(essay.source_path, "", str(error)))


def _sending_stops(publication: Publication) -> list[Problem]:
    """What stops every send from this machine: no signing key, no subscriber file."""
    stops = []
    try:
        tokens.secret_key(publication.settings.root)
    except tokens.SecretMissingError:
        stops.append(Problem("environment", tokens.SECRET_VARIABLE, (
            f"is not set and there is no {tokens.SECRET_FILE}, so no letter can be sent (the key signs the "
            "unsubscribe links). Set it where publish runs (e.g. in its EnvironmentFile) to the value "
            "`letterpress secret --show` prints where the letters are written, the same key as the service's.")))
    store = store_path(publication.settings)
    if not store.is_file():
        stops.append(Problem(shown(publication.settings, store), "", (
            "does not exist on this machine: publish sends from the machine that holds the subscriber file "
            "(a send here would reach nobody and mark the letters as sent). Run publish there, or import "
            "the subscribers first (letterpress subscribers import).")))
    return stops
