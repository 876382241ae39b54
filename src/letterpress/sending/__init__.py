"""Sending: the send loop, its messengers (SMTP, pipelined where offered; Maildir) and the ledger, as in listmonk.

Library API (the CLI and ``letterpress publish`` are thin layers over it):

- :func:`.send.plan_send` checks that an essay may go out and prepares its campaign;
  :func:`.send.run_send` sends (or resumes) it and writes ``newsletter/sent/<slug>.json``;
- :func:`.send.plan_test_send` / :func:`.send.send_test` send one letter to one address, unrecorded;
- :func:`.bounces.process_reports` reads late bounces and complaints;
- :class:`.ledger.Ledger` answers what was sent, to how many, with what outcome.

The package imports none of them: a send loads only what it uses (not the bounce reader's
mailbox parser), so each caller imports from the module that holds the name.

The duplicate guarantee is in :mod:`letterpress.sending.ledger`.
"""
