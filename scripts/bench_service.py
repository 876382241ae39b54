"""scripts/bench service: 1,000 concurrent sign-ups against `letterpress service`; none may be lost.

Each run starts the service as its own process (the real command, uvicorn on
127.0.0.1) over a fresh copy of the sample publication's config, with rate
limits switched off by config, and posts N sign-ups at once from one asyncio
client (httpx). It then waits, bounded, for the service to record them (the
write follows the 303, see letterpress.service.app), stops the service with
SIGTERM and checks that every address answered 303 is in the SQLite file and
has its confirmation letter in the Maildir.

Baseline: the same requests against a bare Starlette app on uvicorn that
answers every POST with a 303 and does nothing else, the floor of the stack.
CPU time is the server process's user+sys (RUSAGE_CHILDREN deltas); one
warm-up, three interleaved pairs, median ratio. Latency (p50, p99) and
requests per second are the client's view.

    scripts/bench service [--signups 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def publication(folder: Path) -> Path:
    """The sample config with rate limits off and no proxy prefix, and the email templates."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "      service:\n"
    assert marker in config, "mkdocs.yml has no service section"
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
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace"))
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{kind} server did not start on port {port}")


async def sign_ups(port: int, count: int) -> tuple[list[float], dict[str, int], float]:
    """Post ``count`` sign-ups at once; (latencies, status per address, wall seconds)."""
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=120) as client:
        async def one(number: int):
            address = f"reader{number}@example.org"
            began = time.perf_counter()
            response = await client.post("/subscribe", data={"email": address, "name": f"Reader {number}"})
            return address, response.status_code, time.perf_counter() - began

        began = time.perf_counter()
        results = await asyncio.gather(*(one(number) for number in range(count)))
        wall = time.perf_counter() - began
    return [r[2] for r in results], {r[0]: r[1] for r in results}, wall


def recorded(folder: Path) -> set[str]:
    path = folder / "newsletter" / "subscribers.sqlite3"
    if not path.exists():
        return set()
    with sqlite3.connect(path) as connection:
        return {row[0] for row in connection.execute("SELECT email FROM subscribers WHERE status = 'pending'")}


def letters(folder: Path) -> int:
    return len(list((folder / "newsletter" / "outbox" / "new").glob("*")))


def run(kind: str, count: int) -> dict:
    folder = publication(Path(tempfile.mkdtemp(prefix="lp-bench-service-")))
    port = free_port()
    cpu_before = children_cpu()
    process = start(kind, folder, port)
    try:
        latencies, statuses, wall = asyncio.run(sign_ups(port, count))
        accepted = {address for address, status in statuses.items() if status == 303}
        answered = time.monotonic()
        deadline = answered + WAIT_SECONDS
        while kind == "ours" and time.monotonic() < deadline and not (
                accepted <= recorded(folder) and letters(folder) >= len(accepted)):
            time.sleep(0.05)
        settled = time.monotonic() - answered
    finally:
        process.send_signal(signal.SIGTERM)  # a graceful stop finishes the work in flight
        process.wait(timeout=60)
    result = {"kind": kind, "cpu": children_cpu() - cpu_before, "wall": wall, "accepted": len(accepted),
              "p50": statistics.median(latencies) * 1000,
              "p99": statistics.quantiles(latencies, n=100)[98] * 1000, "rps": count / wall}
    if kind == "ours":
        result["lost"] = len(accepted - recorded(folder))
        result["letters"] = letters(folder)
        result["settled"] = settled
    shutil.rmtree(folder)
    return result


def describe(result: dict) -> str:
    line = (f"{result['kind']:8} {result['accepted']:5} x 303  p50 {result['p50']:7.1f} ms  "
            f"p99 {result['p99']:7.1f} ms  {result['rps']:7.0f} req/s  server CPU {result['cpu']:5.2f} s")
    if "lost" in result:
        line += (f"  lost {result['lost']}  letters {result['letters']}"
                 f" (all written {result['settled']:.1f} s after the last answer)")
    return line


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
    ratio = statistics.median(o["cpu"] / b["cpu"] for o, b in pairs)
    print(f"median: p50 {statistics.median(o['p50'] for o in ours):.1f} ms, "
          f"p99 {statistics.median(o['p99'] for o in ours):.1f} ms, "
          f"{statistics.median(o['rps'] for o in ours):.0f} req/s; "
          f"server CPU ours/baseline {ratio:.2f}x; lost {sum(o['lost'] for o in ours)}")
    return 1 if any(o["lost"] or o["accepted"] != options.signups for o in ours) else 0


if __name__ == "__main__":
    sys.exit(main())
