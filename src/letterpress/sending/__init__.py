"""Sending: the send loop, its messengers (SMTP, pipelined where offered; Maildir) and the ledger, as in listmonk.

Library API (the CLI and ``letterpress publish`` are thin layers over it):

- :func:`plan_send` checks that an essay may go out and prepares its campaign;
  :func:`run_send` sends (or resumes) it and writes ``newsletter/sent/<slug>.json``;
- :func:`plan_test_send` / :func:`send_test` send one letter to one address, unrecorded;
- :func:`process_reports` reads late bounces and complaints;
- :class:`Ledger` answers what was sent, to how many, with what outcome.

The duplicate guarantee is in :mod:`letterpress.sending.ledger`.
"""

from __future__ import annotations

from .bounces import BounceReport, process_reports
from .campaign import CampaignRun, RunResult, SendPolicy, classify
from .ledger import Campaign, Ledger
from .messengers import ConnectionLost, MaildirMessenger, MessengerConfigError, Reply
from .send import SendPlan, SendRefused, plan_send, plan_test_send, run_send, send_test, write_sent_record
from .smtp import SmtpMessenger, SmtpServer

__all__ = [
    "BounceReport", "Campaign", "CampaignRun", "ConnectionLost", "Ledger", "MaildirMessenger",
    "MessengerConfigError", "Reply", "RunResult", "SendPlan", "SendPolicy", "SendRefused", "SmtpMessenger",
    "SmtpServer", "classify", "plan_send", "plan_test_send", "process_reports", "run_send", "send_test",
    "write_sent_record",
]
