"""scripts/bench send: messages per second to a local SMTP sink, ours against a plain smtplib loop.

Both sides run as child processes against the same sink, for the same N
recipients, and both render the same letter once first:

- ours: ``letterpress newsletter send SLUG --yes`` — the pre-send check,
  the recipient snapshot, a ledger row committed before and after every
  message (SQLite, ``synchronous=FULL``), reply classification, the progress bar;
- baseline: the letter rendered the same way, then one smtplib connection and
  ``sendmail`` in a loop, each message personalised with ``message_bytes`` —
  no ledger, no checks, nothing recorded.

The sink is Postfix's ``smtp-sink`` when installed (Debian: postfix), else an
aiosmtpd sink in a child process. CPU time is user+sys of the sending child
(RUSAGE_CHILDREN deltas; the sink is not counted); one warm-up, three
interleaved pairs, median ratio (ours / baseline).

    scripts/bench send [--recipients 10000] [--essay SLUG] [--sink auto|smtp-sink|aiosmtpd]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LETTERPRESS = str(Path(PYTHON).parent / "letterpress")
SENDER = "bounces@quietrooms.example.org"
ENVIRONMENT = {"LETTERPRESS_NOW": "2026-11-01T12:00:00", "LETTERPRESS_SECRET": "bench-only-not-a-secret",
               "NO_MKDOCS_2_WARNING": "1"}
BASELINE = """
import smtplib, sys
from letterpress.newsletter import render_issue
from letterpress.model.publication import load_publication
from letterpress.site.loader import load_settings
from letterpress.subscribers import open_subscribers

publication = load_publication(load_settings())
issue = render_issue(publication, publication.essay(sys.argv[1]))
with open_subscribers(publication.settings) as store:
    people = [(p.email, p.name) for p in store.subscribers("active")]
connection = smtplib.SMTP("127.0.0.1", int(sys.argv[2]))
for address, name in people:
    connection.sendmail(sys.argv[3], [address], issue.message_bytes(address, name))
connection.quit()
"""
AIOSMTPD_SINK = """
import sys, threading
sys.path.insert(0, sys.argv[1])
from smtp_server import SmtpTestServer
server = SmtpTestServer(keep_data=False).start()
print(server.port, flush=True)
threading.Event().wait()
"""


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_sink(kind: str) -> tuple[subprocess.Popen, int, str]:
    """The sink process, its port, and its name."""
    if kind in ("auto", "smtp-sink") and shutil.which("smtp-sink"):
        port = free_port()
        user = ["-u", "nobody"] if os.geteuid() == 0 else []
        process = subprocess.Popen(["smtp-sink", *user, f"127.0.0.1:{port}", "256"])
        _wait_for(port)
        return process, port, "Postfix smtp-sink"
    if kind == "smtp-sink":
        sys.exit("smtp-sink is not installed (Debian: apt-get install postfix)")
    process = subprocess.Popen([PYTHON, "-c", AIOSMTPD_SINK, str(ROOT / "tests")], stdout=subprocess.PIPE, text=True)
    return process, int(process.stdout.readline()), "aiosmtpd sink"


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"the sink did not start on port {port}")


def prepare(folder: Path, recipients: int, essay: str | None) -> tuple[Path, str]:
    """A copy of the sample publication with ``recipients`` active subscribers; the essay's slug."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.update(ENVIRONMENT)
    from letterpress.model.publication import load_publication
    from letterpress.site.loader import load_settings
    from letterpress.subscribers import open_store

    publication = folder / "publication"
    publication.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", publication / "mkdocs.yml")
    for name in ("docs", "overrides", "newsletter"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, publication / name, ignore=shutil.ignore_patterns(
                "preview", "outbox", "sent", "*.sqlite3*"))
    loaded = load_publication(load_settings(publication))
    sendable = [e.slug for e in loaded.published() if e.newsletter]
    slug = essay or (sendable[0] if sendable else _stand_in_essay(publication))
    with open_store(folder / "subscribers.sqlite3") as store, store.transaction():
        for number in range(recipients):
            store.add(f"reader{number:05d}@example.org", name=f"Reader {number}")
    return publication, slug


def _stand_in_essay(publication: Path) -> str:
    """Without sample essays, a 3,000-word essay in four sections (and the test fixtures' author)."""
    essays = publication / "docs" / "essays"
    (essays / "posts").mkdir(parents=True, exist_ok=True)
    if not (essays / ".authors.yml").exists():
        minimal = ROOT / "tests" / "fixtures" / "minimal" / "docs" / "essays"
        shutil.copy(minimal / ".authors.yml", essays / ".authors.yml")
        shutil.copytree(minimal / "images", essays / "images", dirs_exist_ok=True)
    paragraph = "Attention is the rarest and purest form of generosity, and it asks for time. " * 12
    sections = "".join(f"## Part {n}\n\n" + f"{paragraph}\n\n" * 4 for n in range(1, 5))
    (essays / "posts" / "a-benchmark-letter.md").write_text(
        "---\ntitle: A Benchmark Letter\ndescription: Three thousand words.\ndate: 2026-01-10\n"
        "authors: [julia]\n---\n\n" + sections, encoding="utf-8")
    return "a-benchmark-letter"


def run_ours(publication: Path, slug: str, port: int, store: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one real send into a fresh copy of the store."""
    target = publication / "newsletter" / "subscribers.sqlite3"
    target.parent.mkdir(exist_ok=True)
    for old in target.parent.glob("subscribers.sqlite3*"):
        old.unlink()
    (publication / "newsletter" / "sent" / f"{slug}.json").unlink(missing_ok=True)
    shutil.copy(store, target)
    environment = {**os.environ, **ENVIRONMENT, "LETTERPRESS_SMTP_URL": f"smtp://127.0.0.1:{port}"}
    return _timed([LETTERPRESS, "newsletter", "send", slug, "--yes"], publication, environment)


def run_baseline(publication: Path, slug: str, port: int, store: Path) -> tuple[float, float]:
    target = publication / "newsletter" / "subscribers.sqlite3"
    if not target.exists():
        shutil.copy(store, target)
    environment = {**os.environ, **ENVIRONMENT}
    return _timed([PYTHON, "-c", BASELINE, slug, str(port), SENDER], publication, environment)


def _timed(command: list[str], cwd: Path, environment: dict) -> tuple[float, float]:
    cpu_before, wall_before = child_cpu(), time.perf_counter()
    subprocess.run(command, cwd=cwd, env=environment, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return child_cpu() - cpu_before, time.perf_counter() - wall_before


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench send", description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--essay", default=None, help="slug of a published essay (default: the newest)")
    parser.add_argument("--sink", choices=("auto", "smtp-sink", "aiosmtpd"), default="auto")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="letterpress-bench-send-") as temporary:
        folder = Path(temporary)
        publication, slug = prepare(folder, options.recipients, options.essay)
        sink, port, sink_name = start_sink(options.sink)
        try:
            pairs = measure(publication, slug, port, folder / "subscribers.sqlite3")
        finally:
            sink.terminate()
            sink.wait()
    report(pairs, options.recipients, slug, sink_name)
    return 0


def measure(publication: Path, slug: str, port: int, store: Path) -> list[tuple]:
    run_ours(publication, slug, port, store)  # warm-up (page cache, bytecode)
    run_baseline(publication, slug, port, store)
    return [(run_ours(publication, slug, port, store), run_baseline(publication, slug, port, store))
            for _ in range(3)]


def report(pairs: list[tuple], recipients: int, slug: str, sink: str) -> None:
    print(f"send of '{slug}' to {recipients:,} recipients through {sink} on 127.0.0.1")
    for (ours_cpu, ours_wall), (base_cpu, base_wall) in pairs:
        print(f"  ours     {ours_cpu:6.2f} s CPU  {ours_wall:6.2f} s wall  {recipients / ours_wall:7.0f} messages/s")
        print(f"  baseline {base_cpu:6.2f} s CPU  {base_wall:6.2f} s wall  {recipients / base_wall:7.0f} messages/s")
    cpu_ratio = statistics.median(o[0] / b[0] for o, b in pairs)
    wall_ratio = statistics.median(o[1] / b[1] for o, b in pairs)
    ours_rate = statistics.median(recipients / o[1] for o, _ in pairs)
    base_rate = statistics.median(recipients / b[1] for _, b in pairs)
    print(f"median: ours {ours_rate:.0f} messages/s, baseline {base_rate:.0f} messages/s")
    print(f"median ratio ours/baseline: CPU {cpu_ratio:.2f}, wall time {wall_ratio:.2f}")


if __name__ == "__main__":
    sys.exit(main())
