"""Put the built site where readers get it: a folder, a command, or GitHub Pages.

``directory`` copies the site next to the target and swaps it in, so readers
never see half a site; ``command`` runs the operator's command (e.g. rsync)
from the publication root; ``pages`` leaves deploying to the GitHub workflow,
and the newsletter waits until the essay's page answers.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
from pathlib import Path

from ..errors import LetterpressError, Problem
from ..model.files import swap_directory
from ..model.settings import PublishOptions, Settings

MODES = ("none", "directory", "command", "pages")


class DeployError(LetterpressError):
    """The site could not be deployed; nothing is sent."""


def check_publication_options(publication) -> list[Problem]:
    """``letterpress check``: the ``publish`` section of the publication's config."""
    return check_publish_options(publication.settings.publish)


def check_publish_options(options: PublishOptions) -> list[Problem]:
    """Problems with the ``publish`` section (a mode that is unknown or lacks its setting)."""
    key = "plugins.letterpress.publish"
    if options.deploy not in MODES:
        return [Problem("mkdocs.yml", f"{key}.deploy", f"'{options.deploy}' is not one of {', '.join(MODES)}.")]
    if options.deploy == "directory" and not options.directory:
        return [Problem("mkdocs.yml", f"{key}.directory", "deploy: directory needs the target folder, "
                        "e.g.  directory: /var/www/quietrooms")]
    if options.deploy == "command" and not options.command:
        return [Problem("mkdocs.yml", f"{key}.command", "deploy: command needs the command, "
                        "e.g.  command: rsync -a --delete site/ host:/var/www/site/")]
    return []


NOT_DEPLOYED = "not deployed: publish.deploy is none"


def describe_deploy(settings: Settings) -> str | None:
    """What deploying does, in words (the dry run's promise and the real run's report); None for ``none``."""
    options = settings.publish
    if options.deploy == "directory":
        return f"copy the site to {(settings.root / options.directory).resolve()}"
    if options.deploy == "command":
        return f"run: {options.command}"
    if options.deploy == "pages":
        return "leave it to GitHub Pages, which deploys the pushed commit"
    return None


def deploy(settings: Settings, site_dir: Path) -> str:
    """Deploy ``site_dir`` as configured; return what was done, in words (see :func:`describe_deploy`).

    Raises:
        DeployError: the copy or the command failed.
    """
    options = settings.publish
    if options.deploy == "directory":
        copy_site(site_dir, (settings.root / options.directory).resolve())
    elif options.deploy == "command":
        run_deploy_command(options.command, settings.root)
    described = describe_deploy(settings)
    return f"deployed: {described}" if described else NOT_DEPLOYED


def copy_site(site_dir: Path, target: Path) -> None:
    """Copy ``site_dir`` to ``target`` through a temporary sibling and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}-new")
    old = target.with_name(f".{target.name}-old")
    for leftover in (staging, old):
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        shutil.copytree(site_dir, staging)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise DeployError(f"cannot copy the site to {target}: {error}") from None
    swap_directory(staging, target)


def run_deploy_command(command: str, root: Path) -> None:
    result = subprocess.run(shlex.split(command), cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or [""]
        raise DeployError(f"deploy command failed (exit {result.returncode}): {command}: {detail[0]}")


def page_answers(url: str, wait_seconds: int = 0, interval: float = 10.0) -> bool:
    """Whether ``url`` answers 200, retrying for up to ``wait_seconds``."""
    import httpx  # only `publish` with `deploy: pages` asks a page; a site build never does

    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            if httpx.get(url, timeout=10, follow_redirects=True).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        if time.monotonic() + interval > deadline:
            return False
        time.sleep(interval)
