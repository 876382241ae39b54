"""Read ``mkdocs.yml`` into :class:`letterpress.model.settings.Settings`."""

from __future__ import annotations

from pathlib import Path

from mkdocs.utils.yaml import yaml_load

from ..errors import LetterpressError, Problem, ProblemsError
from ..model.settings import CONFIG_FILE, Settings, build_settings, plugin_options


def find_root(start: Path | None = None) -> Path:
    """The publication root: ``start`` (default: the working folder) holding mkdocs.yml."""
    root = (start or Path.cwd()).resolve()
    if not (root / CONFIG_FILE).is_file():
        raise LetterpressError(
            f"{root}: no {CONFIG_FILE} here; run letterpress from the publication's folder "
            "(the one with mkdocs.yml)."
        )
    return root


def read_mkdocs_yml(root: Path, path: Path | None = None) -> dict:
    path = path or root / CONFIG_FILE
    try:
        with path.open(encoding="utf-8-sig") as handle:
            data = yaml_load(handle) or {}
    except Exception as error:  # MkDocs' loader raises several YAML and config errors
        raise ProblemsError([Problem(CONFIG_FILE, "", f"cannot be read ({error}).")]) from None
    if not isinstance(data, dict):
        raise ProblemsError([Problem(CONFIG_FILE, "", "expected 'key: value' settings.")])
    return data


def parse_mkdocs_yml(text: str) -> dict:
    """``mkdocs.yml``'s text read as :func:`read_mkdocs_yml` reads the file (MkDocs' tags included)."""
    try:
        data = yaml_load(text) or {}
    except Exception as error:  # MkDocs' loader raises several YAML and config errors
        raise ProblemsError([Problem(CONFIG_FILE, "", f"cannot be read ({error}).")]) from None
    if not isinstance(data, dict):
        raise ProblemsError([Problem(CONFIG_FILE, "", "expected 'key: value' settings.")])
    return data


def load_settings(root: Path | None = None, plugin: dict | None = None,
                  config_file: Path | None = None) -> Settings:
    """Settings of the publication at ``root``.

    Args:
        root: the publication folder; default: the working folder.
        plugin: the plugin's options when MkDocs already parsed them (inside a build).
        config_file: the config MkDocs was given (``mkdocs build -f``), when not mkdocs.yml.
    """
    if config_file is not None:
        config_file = config_file.resolve()
        root = config_file.parent
        mkdocs = read_mkdocs_yml(root, config_file)
    else:
        root = find_root(root)
        mkdocs = read_mkdocs_yml(root)
    if plugin is None:
        plugin = plugin_options(mkdocs)
        if plugin is None:
            raise ProblemsError([Problem(CONFIG_FILE, "plugins", "the letterpress plugin is not listed; "
                                         "add '- letterpress' under 'plugins:' after '- blog'.")])
    chosen = config_file if config_file is not None and config_file.name != CONFIG_FILE else None
    return build_settings(root, mkdocs, plugin, chosen)
