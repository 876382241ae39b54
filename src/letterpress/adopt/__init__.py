"""``letterpress init`` in an existing Material blog: adopt it, keeping every setting and address of theirs.

:mod:`.plan` decides the changes (plan → show as a diff → apply with backups);
:mod:`.config_text` edits ``mkdocs.yml`` as text. The site templates the plugin's pages need
come with the package and are found by the plugin, so adoption copies none.
"""
