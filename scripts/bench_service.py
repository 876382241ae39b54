"""scripts/bench service: concurrent sign-ups against `letterpress service`, a crash, and a timing probe.

Each run starts the service as its own process (the real command, uvicorn on
127.0.0.1) over a fresh copy of the sample publication's config.

1. Throughput: N sign-ups posted at once from one asyncio client (httpx, one
   connection each), rate limits switched off by config; the service answers
   each 303 once the sign-up is committed (see letterpress.service.queue). The
   bench then waits, bounded, for the worker to record them and send their
   letters, stops the service with SIGTERM and checks that every address
   answered 303 is in the SQLite file with its letter in the Maildir.
   Baseline: the same requests against a bare Starlette app on uvicorn that
   answers every POST with a 303 and does nothing else, the floor of the
   stack. One warm-up, three interleaved pairs; the figure is sign-ups per
   second, ours against the baseline's in the same pair (median ratio; target
   0.7x or better). Latency (p50, p99) is the client's view; CPU is the server
   process's user+sys (RUSAGE_CHILDREN deltas).
2. Crash: the same burst, SIGKILL of the service once 90 % of it is answered;
   every address answered 303 must be in the file (subscribers or the queue),
   and after a restart every one of them is pending with its letter.
3. Probe: the service with its default rate limits over a file with active
   subscribers; sign-ups for active and for new addresses in random order, each
   followed at once by GET /healthz on the same connection or on another one
   (the X-Forwarded-For of a different client each time, as an attacker would
   spread over addresses). A probe is classified "new" when it took longer
   than the median; the accuracy of that guess is the figure (target: near
   50 %, a coin's).

    scripts/bench service [--signups 1000] [--probes 400]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = "bench-only-secret-not-for-production"
WAIT_SECONDS = 120  # the longest any run may take to record its sign-ups
PROBE_WINDOW = 0.1  # seconds of probes after each probed sign-up (the worker's work falls inside)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def publication(folder: Path, rate_limits: bool = False) -> Path:
    """The sample config without proxy prefix (and with rate limits off, unless asked), and the email templates."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "      service:\n"
    assert marker in config, "mkdocs.yml has no service section"
    if not rate_limits:
        config = config.replace(marker, marker + "        rate_limits: false\n", 1)
    config = config.replace("        root_path: /service", "        root_path: ''")
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    if (ROOT / "newsletter" / "templates").is_dir():
        shutil.copytree(ROOT / "newsletter" / "templates", folder / "newsletter" / "templates")
    return folder


def start(kind: str, folder: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "LETTERPRESS_SECRET": SECRET}
    env.pop("LETTERPRESS_SMTP_URL", None)
    if kind == "ours":
        command = [str(BIN / "letterpress"), "service", "--port", str(port)]
    else:
        command = [sys.executable, __file__, "--baseline-server", str(port)]
    log = folder / "service.log"  # a file, not a pipe: a full pipe would stall the server's logging
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=folder, env=env, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError as error:
            if process.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace")) from error
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{kind} server did not start on port {port}")


async def sign_ups(port: int, count: int, kill_after: int | None = None,
                   pid: int | None = None) -> tuple[list[float], dict[str, int], float]:
    """Post ``count`` sign-ups at once; (latencies, status per address, wall seconds).

    With ``kill_after``, the process ``pid`` is killed (SIGKILL) once that many are answered 303.
    """
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=0)
    accepted, last = 0, 0.0
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=120) as client:
        async def one(number: int):
            nonlocal accepted, last
            address = f"reader{number}@example.org"
            began = time.perf_counter()
            try:
                response = await client.post("/subscribe", data={"email": address, "name": f"Reader {number}"})
            except httpx.HTTPError:
                return address, 0, 0.0
            if response.status_code == 303:
                accepted, last = accepted + 1, time.perf_counter()
                if kill_after and accepted == kill_after:
                    os.kill(pid, signal.SIGKILL)
            return address, response.status_code, time.perf_counter() - began

        began = time.perf_counter()
        results = await asyncio.gather(*(one(number) for number in range(count)))
    # Wall time to the last 303: after a SIGKILL, the failures that follow are not the service's pace.
    return [r[2] for r in results if r[1]], {r[0]: r[1] for r in results}, max(last - began, 1e-9)


def store_file(folder: Path) -> Path:
    return folder / "newsletter" / "subscribers.sqlite3"


def recorded(folder: Path, query: str = "SELECT email FROM subscribers WHERE status = 'pending'") -> set[str]:
    if not store_file(folder).exists():
        return set()
    with sqlite3.connect(store_file(folder)) as connection:
        return {row[0] for row in connection.execute(query)}


def in_file(folder: Path) -> set[str]:
    """Every address the file holds: subscribers and sign-ups still queued."""
    return recorded(folder, "SELECT email FROM subscribers UNION SELECT email FROM signup_requests")


def queued(folder: Path) -> int:
    """Sign-ups still in the service's queue (0 for a service that keeps none)."""
    with sqlite3.connect(store_file(folder)) as connection:
        try:
            return connection.execute("SELECT count(*) FROM signup_requests").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def letters(folder: Path) -> int:
    return len(list((folder / "newsletter" / "outbox" / "new").glob("*")))


def settle(folder: Path, accepted: set[str], deadline: float) -> None:
    """Wait until every accepted sign-up is pending with its letter, or until ``deadline``."""
    while time.monotonic() < deadline and not (accepted <= recorded(folder) and letters(folder) >= len(accepted)):
        time.sleep(0.05)


def run(kind: str, count: int) -> dict:
    folder = publication(Path(tempfile.mkdtemp(prefix="lp-bench-service-")))
    port = free_port()
    cpu_before = children_cpu()
    process = start(kind, folder, port)
    try:
        latencies, statuses, wall = asyncio.run(sign_ups(port, count))
        accepted = {address for address, status in statuses.items() if status == 303}
        answered = time.monotonic()
        if kind == "ours":
            settle(folder, accepted, answered + WAIT_SECONDS)
        settled = time.monotonic() - answered
    finally:
        process.send_signal(signal.SIGTERM)  # a graceful stop lets the letters in hand go out
        process.wait(timeout=60)
    result = {"kind": kind, "cpu": children_cpu() - cpu_before, "wall": wall, "accepted": len(accepted),
              "p50": statistics.median(latencies) * 1000,
              "p99": statistics.quantiles(latencies, n=100)[98] * 1000, "rps": len(accepted) / wall}
    if kind == "ours":
        result["lost"] = len(accepted - recorded(folder))
        result["letters"] = letters(folder)
        result["settled"] = settled
    shutil.rmtree(folder)
    return result


def crash(count: int) -> dict:
    """A burst, SIGKILL once 90 % is answered, then a restart: what was answered and what survived."""
    folder = publication(Path(tempfile.mkdtemp(prefix="lp-bench-service-kill-")))
    port = free_port()
    process = start("ours", folder, port)
    try:
        _, statuses, wall = asyncio.run(sign_ups(port, count, kill_after=count * 9 // 10, pid=process.pid))
    finally:
        process.kill()
        process.wait(timeout=60)
    accepted = {address for address, status in statuses.items() if status == 303}
    lost_at_kill = len(accepted - in_file(folder))
    left_queued = queued(folder)
    process = start("ours", folder, free_port())
    try:
        settle(folder, accepted, time.monotonic() + WAIT_SECONDS)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    result = {"accepted": len(accepted), "rps": len(accepted) / wall, "lost_at_kill": lost_at_kill,
              "queued_at_kill": left_queued, "lost_after_restart": len(accepted - recorded(folder)),
              "letters": letters(folder)}
    shutil.rmtree(folder)
    return result


def seed_active(folder: Path, count: int) -> list[str]:
    """``count`` active subscribers in the publication's file, before the service starts."""
    from letterpress.subscribers.store import open_store  # the Letterpress that `letterpress service` runs

    addresses = [f"active{number}@example.org" for number in range(count)]
    with open_store(store_file(folder)) as store, store.transaction():
        for address in addresses:
            store.add(address)
    return addresses


async def probe_all(port: int, folder: Path, targets: list[tuple[str, str, str]]) -> list[tuple]:
    """For each (class, address, connection): sign up, then GET /healthz at once and on for PROBE_WINDOW.

    Returns (class, connection, first probe's seconds, slowest probe's seconds) per sign-up: the
    first probe is the finding's; the slowest catches the work after the answer whenever it runs.
    """
    results = []
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client, \
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as other:
        await client.get("/healthz")
        await other.get("/healthz")
        for number, (kind, address, connection) in enumerate(targets):
            headers = {"x-forwarded-for": f"10.{number // 250}.{number % 250}.1"}
            answer = await client.post("/subscribe", data={"email": address}, headers=headers)
            assert answer.status_code == 303, answer.status_code
            times = await probes(client if connection == "same" else other)
            results.append((kind, connection, times[0], max(times)))
            await quiet(folder, address)
    return results


async def probes(client: httpx.AsyncClient) -> list[float]:
    """GET /healthz back to back for PROBE_WINDOW seconds; each one's seconds."""
    times, began = [], time.perf_counter()
    while time.perf_counter() - began < PROBE_WINDOW and len(times) < 200:
        sent = time.perf_counter()
        await client.get("/healthz")
        times.append(time.perf_counter() - sent)
    return times


async def quiet(folder: Path, address: str) -> None:
    """Wait until the sign-up of ``address`` is recorded and no other is queued, then a little more.

    The next probe starts from a quiet service. (The pause lets a letter that follows the record
    go out even in a service without a queue, so the probe also measures older versions.)
    """
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and (address not in recorded(folder, "SELECT email FROM subscribers")
                                           or queued(folder)):
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)


def accuracy(results: list[tuple], field: int) -> float:
    """How often "slower than the median means new" is right, for the probe time in ``field``."""
    threshold = statistics.median(result[field] for result in results)
    return sum((result[field] > threshold) == (result[0] == "new") for result in results) / len(results)


def probe(count: int) -> dict:
    """Sign-ups for active and new addresses, half each, each followed by a /healthz probe."""
    folder = publication(Path(tempfile.mkdtemp(prefix="lp-bench-service-probe-")), rate_limits=True)
    active = seed_active(folder, count // 2)
    targets = [("active", address, "") for address in active]
    targets += [("new", f"new{number}@example.org", "") for number in range(count - len(active))]
    random.Random(8).shuffle(targets)
    targets = [(kind, address, ("same", "other")[number % 2]) for number, (kind, address, _) in enumerate(targets)]
    port = free_port()
    process = start("ours", folder, port)
    try:
        results = asyncio.run(probe_all(port, folder, targets))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    shutil.rmtree(folder)
    summary = {"count": len(results), "first": accuracy(results, 2), "slowest": accuracy(results, 3)}
    for connection in ("same", "other"):
        subset = [r for r in results if r[1] == connection]
        summary[connection] = (accuracy(subset, 2), accuracy(subset, 3))
        for kind in ("active", "new"):
            summary[f"{connection}-{kind}"] = tuple(
                statistics.median(r[field] for r in subset if r[0] == kind) * 1000 for field in (2, 3))
    return summary


def describe(result: dict) -> str:
    line = (f"{result['kind']:8} {result['accepted']:5} x 303  p50 {result['p50']:7.1f} ms  "
            f"p99 {result['p99']:7.1f} ms  {result['rps']:7.0f} sign-ups/s  server CPU {result['cpu']:5.2f} s")
    if "lost" in result:
        line += (f"  lost {result['lost']}  letters {result['letters']}"
                 f" (all written {result['settled']:.1f} s after the last answer)")
    return line


def describe_crash(result: dict) -> str:
    return (f"crash: {result['accepted']} answered 303 at {result['rps']:.0f}/s before SIGKILL; "
            f"{result['lost_at_kill']} lost ({result['queued_at_kill']} still queued in the file); "
            f"after the restart {result['lost_after_restart']} lost, {result['letters']} letters")


def describe_probe(result: dict) -> str:
    lines = [(f"probe: {result['count']} sign-ups (half active, half new), each followed by GET /healthz; "
              f"'slower than the median = new' right: first probe {result['first']:.0%}, "
              f"slowest probe in {PROBE_WINDOW * 1000:.0f} ms {result['slowest']:.0%}")]
    for connection in ("same", "other"):
        first, slowest = result[connection]
        active, new = result[f"{connection}-active"], result[f"{connection}-new"]
        lines.append(f"  {connection} connection: first {first:.0%} (median active {active[0]:.2f} ms, "
                     f"new {new[0]:.2f} ms), slowest {slowest:.0%} (active {active[1]:.2f} ms, new {new[1]:.2f} ms)")
    return "\n".join(lines)


def baseline_server(port: int) -> None:
    """A bare Starlette app: every POST /subscribe answered 303, nothing read, written or sent."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import RedirectResponse
    from starlette.routing import Route

    async def subscribe(request):
        return RedirectResponse("https://example.org/subscribe/thanks/", status_code=303)

    app = Starlette(routes=[Route("/subscribe", subscribe, methods=["POST"])])
    uvicorn.run(app, host="127.0.0.1", port=port, access_log=False, log_level="warning")


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench service", description=__doc__.split("\n\n")[0])
    parser.add_argument("--signups", type=int, default=1000, help="concurrent sign-ups per run")
    parser.add_argument("--probes", type=int, default=400, help="sign-ups probed for the timing figure")
    parser.add_argument("--baseline-server", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.baseline_server:
        baseline_server(options.baseline_server)
        return 0
    print(f"{options.signups} concurrent sign-ups, rate limits off; warm-up, then 3 pairs")
    run("ours", options.signups)
    pairs = []
    for _ in range(3):
        pair = (run("ours", options.signups), run("baseline", options.signups))
        pairs.append(pair)
        for result in pair:
            print(describe(result))
    ours = [pair[0] for pair in pairs]
    ratio = statistics.median(o["rps"] / b["rps"] for o, b in pairs)
    cpu_ratio = statistics.median(o["cpu"] / b["cpu"] for o, b in pairs)
    print(f"median: p50 {statistics.median(o['p50'] for o in ours):.1f} ms, "
          f"p99 {statistics.median(o['p99'] for o in ours):.1f} ms, "
          f"{statistics.median(o['rps'] for o in ours):.0f} sign-ups/s; sign-ups/s ours/baseline {ratio:.2f}x "
          f"(target 0.70x); server CPU ours/baseline {cpu_ratio:.2f}x; lost {sum(o['lost'] for o in ours)}")
    crashed = crash(options.signups)
    print(describe_crash(crashed))
    probed = probe(options.probes)
    print(describe_probe(probed))
    failed = any(o["lost"] or o["accepted"] != options.signups for o in ours) or ratio < 0.7
    return 1 if failed or crashed["lost_at_kill"] or crashed["lost_after_restart"] else 0


if __name__ == "__main__":
    sys.exit(main())
