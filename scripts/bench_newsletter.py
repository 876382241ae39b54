"""scripts/bench newsletter: render time, personalised messages per second, HTML bytes per 1,000 words.

Ours: the letter is rendered once; ``RenderedIssue.message_for`` (an
EmailMessage) and ``RenderedIssue.message_bytes`` (the same message as SMTP
bytes) personalise it per recipient. Baseline, in the same run: each message
built the usual way with ``email.message.EmailMessage`` from the rendered HTML
and text (``set_content`` + ``add_alternative``), and serialized with
``as_bytes``. CPU time (user+sys of this process), one warm-up, three
interleaved pairs, median ratio.

    scripts/bench newsletter [--recipients 10000] [--essay the-art-of-staying]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
# The run's options: the sample's clock unless LETTERPRESS_NOW says otherwise (this script is an edge).
ENVIRONMENT = {"LETTERPRESS_NOW": "2026-11-01T12:00:00", **os.environ}
os.environ.setdefault("LETTERPRESS_SECRET", "bench-only-not-a-secret")

from letterpress import tokens  # noqa: E402
from letterpress.model.options import from_environment  # noqa: E402
from letterpress.newsletter import render_issue  # noqa: E402
from letterpress.newsletter.message import SMTP_POLICY  # noqa: E402
from letterpress.site.capture import load_for_outputs  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
from benchlib import cpu, timed  # noqa: E402,F401


def addresses(count: int) -> list[str]:
    return [f"reader{number}@example.org" for number in range(count)]


def ours_messages(issue, recipients):
    for address in recipients:
        issue.message_for(address)


def ours_bytes(issue, recipients):
    for address in recipients:
        issue.message_bytes(address)


def baseline_message(issue, settings, address: str) -> EmailMessage:
    """One message the usual way: every header parsed, both bodies encoded for this recipient."""
    url = tokens.unsubscribe_url(settings, address)
    message = EmailMessage()
    message["From"] = settings.newsletter.sender
    message["To"] = address
    message["Subject"] = issue.subject
    message["List-Unsubscribe"] = f"<{url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(issue.text_for(address, url))
    message.add_alternative(issue.html_for(address, url), subtype="html")
    return message


def baseline_messages(issue, settings, recipients):
    for address in recipients:
        baseline_message(issue, settings, address)


def baseline_bytes(issue, settings, recipients):
    for address in recipients:
        baseline_message(issue, settings, address).as_bytes(policy=SMTP_POLICY)


def pairs(label: str, ours, baseline, count: int) -> None:
    """One warm-up, three interleaved (ours, baseline) pairs; print rates and the median ratio."""
    ours(addresses(200)), baseline(addresses(200))
    results = []
    for _ in range(3):
        recipients = addresses(count)
        results.append((timed(ours, recipients), timed(baseline, recipients)))
    ours_s = statistics.median(r[0] for r in results)
    base_s = statistics.median(r[1] for r in results)
    ratio = statistics.median(r[1] / r[0] for r in results)
    print(f"{label}: ours {count / ours_s:,.0f} msg/s ({ours_s:.2f} s CPU), "
          f"baseline {count / base_s:,.0f} msg/s ({base_s:.2f} s CPU), ours {ratio:.1f}x faster")


def main() -> None:
    parser = argparse.ArgumentParser(prog="scripts/bench newsletter")
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--essay", default="the-art-of-staying")
    options = parser.parse_args()
    publication = load_for_outputs(ROOT, from_environment(ENVIRONMENT))  # the essays' HTML from the build
    essay = publication.essay(options.essay)
    render_issue(publication, essay)  # warm-up: templates compiled, Markdown converter built
    renders = [timed(render_issue, publication, essay) for _ in range(5)]
    issue = render_issue(publication, essay)
    print(f"render {essay.slug} ({essay.words:,} words): {statistics.median(renders) * 1000:.0f} ms CPU "
          f"(median of 5), HTML {issue.html_bytes / 1024:.1f} KB, excerpted: {issue.excerpted}")
    settings = publication.settings
    pairs("messages (EmailMessage)", lambda r: ours_messages(issue, r),
          lambda r: baseline_messages(issue, settings, r), options.recipients)
    pairs("messages as SMTP bytes", lambda r: ours_bytes(issue, r),
          lambda r: baseline_bytes(issue, settings, r), options.recipients)
    print("HTML bytes per 1,000 words:")
    sizes = {}
    for each in publication.essays:
        rendered = render_issue(publication, each)
        if not each.draft:  # a draft's banner is not part of any letter sent
            sizes[each.slug] = (each.words, rendered.html_bytes)
        print(f"  {each.slug}: {each.words:,} words, {rendered.html_bytes / 1024:.1f} KB"
              f"{' (excerpt)' if rendered.excerpted else ''}")
    (short_words, short_bytes), (long_words, long_bytes) = min(sizes.values()), max(sizes.values())
    per_thousand = (long_bytes - short_bytes) / max(long_words - short_words, 1) * 1000
    print(f"  the letter around the essay: about {short_bytes / 1024:.1f} KB; each 1,000 words of essay "
          f"adds {per_thousand / 1024:.1f} KB")


if __name__ == "__main__":
    main()
