"""Every check, for ``letterpress check``, ``status`` and ``publish``: the site's, then the config
sections only sending, the sign-up service and publishing read. Imported by those commands alone."""

from __future__ import annotations

from ..checks import Check
from ..model.dates import date_problems
from ..model.letters import since_problems
from ..model.narrations import size_problems
from ..publishing.deploy import check_publication_options
from ..sending.checks import sending_problems
from ..service.context import check_service
from ..site.registry import SITE_CHECKS

EVERY_CHECK: tuple[Check, ...] = SITE_CHECKS + (
    sending_problems,
    check_service,
    check_publication_options,
    since_problems,
    date_problems,
    size_problems,
)
