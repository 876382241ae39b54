"""Bringing a publication in from another platform: ``letterpress import substack|wordpress|ghost|feed|page``.

Each source module reads its export (or feed, or pages) into :class:`~letterpress.migrate.items.Item`
objects, checking everything before anything is written; :mod:`letterpress.migrate.writing` turns the
items into ordinary essays (front matter, Markdown, local images and narrations) and
:mod:`letterpress.migrate.report` says what happened. Fetching is bounded (:mod:`.fetch`), HTML
becomes Markdown in one place (:mod:`.convert`).
"""
