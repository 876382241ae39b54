"""``letterpress publish``: pull, check, build, deploy, send what is due, record."""

from __future__ import annotations

from ..checks import CHECKS
from .deploy import check_publish_options


def _check_publish(publication):
    return check_publish_options(publication.settings.publish)


CHECKS.append(_check_publish)
