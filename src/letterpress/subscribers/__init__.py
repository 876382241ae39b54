"""The subscriber list: a SQLite file the author owns (``newsletter/subscribers.sqlite3``).

Library API, shared by the CLI, the send and the sign-up service, one module each (this package
imports none of them, so naming it loads no SQLite; import from the module):

- :mod:`.store`: :func:`~.store.open_subscribers` (or :func:`~.store.open_store` with a path) ->
  :class:`~.store.SubscriberStore`, with ``add``, ``add_pending``, ``confirm``, ``unsubscribe``,
  ``set_status``, ``get``, ``subscribers``, ``count`` and ``is_suppressed``;
- :mod:`.importing`: :func:`~.importing.import_csv`, :func:`~.importing.export_rows`,
  :func:`~.importing.write_csv`;
- :mod:`.erase`: :func:`~.erase.erase_subscriber` (GDPR erasure; a salted hash stays for suppression);
- :mod:`.paths`: :func:`~.paths.store_path` and :func:`~.paths.outbox_path`.
"""
