"""scripts/bench send: letters per second to a local SMTP sink: ours, a plain smtplib loop, and smtp-source.

Every sender runs as a child process against the same sink, for the same N
recipients, in one run:

- ours: ``letterpress newsletter send SLUG --yes`` with ``sending.pool`` set to
  the connections — the pre-send check, the recipient snapshot, the ledger
  (one commit per letter), reply classification, the progress bar, and
  PIPELINING where the sink offers it;
- the smtplib loop (one connection): the letter rendered the same way, then
  ``sendmail`` in a loop, each message personalised with ``message_bytes`` — no
  ledger, no checks, nothing recorded;
- Postfix's ``smtp-source`` (C) with ``-s`` connections, the same count and a
  message of the same size (``-l``): the wire's own speed, when installed.

Each is timed two ways: its send loop alone (ours: the rate on the command's end
line; the smtplib loop: timed around its loop; smtp-source has no other part)
and as a whole command (start to exit, rendering the letter included). The sink
is Postfix's ``smtp-sink`` when installed (Debian: postfix), else an aiosmtpd
sink in a child process. One warm-up, then three rounds; medians.

    scripts/bench send [--recipients 10000] [--essay SLUG] [--connections 1,4]
                       [--sink auto|smtp-sink|aiosmtpd]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
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
from letterpress.model.options import from_environment
from letterpress.site.capture import load_for_outputs
from letterpress.subscribers.store import open_subscribers

publication = load_for_outputs(None, from_environment())
issue = render_issue(publication, publication.essay(sys.argv[1]))
with open_subscribers(publication.settings) as store:
    people = [(p.email, p.name) for p in store.subscribers("active")]
import time
started = time.perf_counter()
connection = smtplib.SMTP("127.0.0.1", int(sys.argv[2]))
for address, name in people:
    connection.sendmail(sys.argv[3], [address], issue.message_bytes(address, name))
connection.quit()
print(f"{len(people) / (time.perf_counter() - started):.1f} letters/s")
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
    from letterpress.model.options import from_environment
    from letterpress.model.publication import load_publication
    from letterpress.site.loader import load_settings
    from letterpress.subscribers.store import open_store

    publication = folder / "publication"
    publication.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", publication / "mkdocs.yml")
    for name in ("docs", "overrides", "newsletter"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, publication / name, ignore=shutil.ignore_patterns(
                "preview", "outbox", "sent", "*.sqlite3*"))
    loaded = load_publication(load_settings(publication), from_environment(ENVIRONMENT))
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


@dataclass(frozen=True)
class Timing:
    """One sender's run: letters per second in its send loop and as a whole command, and its CPU."""

    loop: float
    whole: float
    cpu: float


def run_ours(publication: Path, slug: str, port: int, store: Path, recipients: int, pool: int) -> Timing:
    """One real send into a fresh copy of the store, with ``sending.pool: pool``."""
    target = publication / "newsletter" / "subscribers.sqlite3"
    target.parent.mkdir(exist_ok=True)
    for old in target.parent.glob("subscribers.sqlite3*"):
        old.unlink()
    (publication / "newsletter" / "sent" / f"{slug}.json").unlink(missing_ok=True)
    shutil.copy(store, target)
    config = publication / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^(\s+pool:) \d+", rf"\g<1> {pool}", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    environment = {**os.environ, **ENVIRONMENT, "LETTERPRESS_SMTP_URL": f"smtp://127.0.0.1:{port}"}
    return _timed([LETTERPRESS, "newsletter", "send", slug, "--yes"], publication, environment, recipients)


def run_baseline(publication: Path, slug: str, port: int, store: Path, recipients: int) -> Timing:
    target = publication / "newsletter" / "subscribers.sqlite3"
    if not target.exists():
        shutil.copy(store, target)
    environment = {**os.environ, **ENVIRONMENT}
    return _timed([PYTHON, "-c", BASELINE, slug, str(port), SENDER], publication, environment, recipients)


def run_source(port: int, recipients: int, size: int, connections: int) -> Timing:
    """Postfix's smtp-source: ``recipients`` messages of ``size`` bytes over ``connections`` sessions."""
    command = ["smtp-source", "-d", "-s", str(connections), "-m", str(recipients), "-l", str(size),
               "-f", SENDER, "-t", "reader@example.org", f"127.0.0.1:{port}"]
    return _timed(command, ROOT, dict(os.environ), recipients)


def _timed(command: list[str], cwd: Path, environment: dict, recipients: int) -> Timing:
    cpu_before, wall_before = child_cpu(), time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=environment, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
    whole = recipients / (time.perf_counter() - wall_before)
    rate = re.findall(r"([\d.]+) letters/s", done.stdout)
    return Timing(float(rate[-1]) if rate else whole, whole, child_cpu() - cpu_before)


def letter_size(publication: Path, slug: str) -> int:
    """Bytes of the letter as it goes out to one recipient."""
    from letterpress.model.options import from_environment
    from letterpress.newsletter import render_issue
    from letterpress.site.capture import load_for_outputs

    # The essay's HTML from a scratch build, kept in its cache.
    loaded = load_for_outputs(publication, from_environment(ENVIRONMENT))
    return len(render_issue(loaded, loaded.essay(slug)).message_bytes("reader00000@example.org", "Reader 0"))


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench send", description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--essay", default=None, help="slug of a published essay (default: the newest)")
    parser.add_argument("--connections", default="1,4", help="connection counts to measure (default 1,4)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sink", choices=("auto", "smtp-sink", "aiosmtpd"), default="auto")
    options = parser.parse_args()
    pools = [int(n) for n in options.connections.split(",")]
    with tempfile.TemporaryDirectory(prefix="letterpress-bench-send-") as temporary:
        folder = Path(temporary)
        publication, slug = prepare(folder, options.recipients, options.essay)
        size = letter_size(publication, slug)
        sink, port, sink_name = start_sink(options.sink)
        try:
            rounds = measure(publication, slug, port, folder / "subscribers.sqlite3", options, pools, size)
        finally:
            sink.terminate()
            sink.wait()
    report(rounds, options.recipients, slug, sink_name, size)
    return 0


def measure(publication: Path, slug: str, port: int, store: Path, options, pools: list[int],
            size: int) -> list[dict[str, Timing]]:
    """Rounds of every sender; the first (a warm-up: page cache, bytecode) is dropped."""
    source = shutil.which("smtp-source")
    rounds = []
    for _ in range(options.rounds + 1):
        row = {"smtplib loop": run_baseline(publication, slug, port, store, options.recipients)}
        for pool in pools:
            row[f"ours, {pool}"] = run_ours(publication, slug, port, store, options.recipients, pool)
            if source:
                row[f"smtp-source, {pool}"] = run_source(port, options.recipients, size, pool)
        rounds.append(row)
    return rounds[1:]


def report(rounds: list[dict[str, Timing]], recipients: int, slug: str, sink: str, size: int) -> None:
    print(f"send of '{slug}' ({size / 1024:.0f} KB) to {recipients:,} recipients through {sink} on 127.0.0.1; "
          f"{os.cpu_count()} cores; letters/s, send loop / whole command, per round, then the median")
    names = list(rounds[0])
    median = {name: Timing(*(statistics.median(getattr(r[name], f) for r in rounds)
                             for f in ("loop", "whole", "cpu"))) for name in names}
    for name in names:
        cells = "  ".join(f"{r[name].loop:6.0f}/{r[name].whole:<6.0f}" for r in rounds)
        print(f"  {name:<18} {cells}   median {median[name].loop:.0f}/{median[name].whole:.0f}"
              f"   CPU {median[name].cpu:.2f} s")
    loop = median["smtplib loop"]
    for name in names:
        if not name.startswith("ours"):
            continue
        ours, connections = median[name], name.split(", ")[1]
        print(f"  ours with {connections} connection(s): {ours.loop / loop.loop:.2f}x the smtplib loop "
              f"(whole command {ours.whole / loop.whole:.2f}x)", end="")
        source = median.get(f"smtp-source, {connections}")
        if source:
            print(f", {ours.loop / source.whole:.2f}x smtp-source -s {connections} "
                  f"(whole command {ours.whole / source.whole:.2f}x)", end="")
        print()


if __name__ == "__main__":
    sys.exit(main())
