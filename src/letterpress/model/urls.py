"""URL rules in one place (``tests/test_structure.py`` keeps them here).

* A web address (https, or http where it is allowed) stays as written; anything
  else is a site-relative path joined to ``site_url``.
* Material's blog publishes the files under ``docs/<blog>/posts/`` without the
  purely functional ``posts/`` folder: ``essays/posts/images/a.jpg`` is served at
  ``essays/images/a.jpg``.
"""

from __future__ import annotations

__all__ = ["POSTS", "absolute", "is_https", "is_web_url", "join", "post_source_path", "published_path"]

POSTS = "posts"
"""The folder under the blog folder that holds the essays' sources."""

_WEB_SCHEMES = ("https://", "http://")


def is_https(url: str) -> bool:
    """Whether ``url`` is an https address (the only remote images accepted)."""
    return url.startswith("https://")


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an http or https address rather than a path."""
    return url.startswith(_WEB_SCHEMES)


def join(site_url: str, path: str) -> str:
    """``path`` (site-relative, a leading slash ignored) joined to ``site_url``."""
    return site_url.rstrip("/") + "/" + path.lstrip("/")


def absolute(url_or_path: str, site_url: str) -> str:
    """A web address as it is, or a site-relative path joined to ``site_url``."""
    return url_or_path if is_web_url(url_or_path) else join(site_url, url_or_path)


def published_path(docs_path: str, blog_dir: str) -> str:
    """Where the file at ``docs_path`` (relative to docs/) is served, ``posts/`` dropped."""
    posts = f"{blog_dir}/{POSTS}/"
    return f"{blog_dir}/" + docs_path[len(posts):] if docs_path.startswith(posts) else docs_path


def post_source_path(site_path: str, blog_dir: str) -> str | None:
    """The docs-relative path under ``posts/`` a served ``site_path`` may come from, if any."""
    blog = f"{blog_dir}/"
    return f"{blog}{POSTS}/" + site_path[len(blog):] if site_path.startswith(blog) else None
