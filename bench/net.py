"""Networked play benchmark: 20 rooms x 5 clients on loopback, input round trip p50/p95.

    python bench/net.py [--rooms 20] [--seconds 30] [--kind doctrine] [--think 0.5] [--profile FILE]

Starts `wargame serve` in its own process with --rooms new rooms, then connects 5 clients to each
room, each room's table from a process of its own (as its laptops would be): the four faction
seats, played by remote bots (net.bot.play_seat, each
asking for its seat state as `wargame bot` does), and the projector. A round trip is one
`Client.send`: the input goes out, the server applies and logs it, sends every seat of the room
its update, and the sender's ack comes back after its own update (so the view is current).
Goal (issue 13): p95 under 50 ms. Clients and server share this machine's cores, so flat out
(--think 0) the figure is mostly queueing for the CPU; --think gives each seat a person's pause.
Flat out the 80 bots form a closed loop that keeps the cores busy by construction: a round trip
is then about (inputs in flight) / (inputs per second), and the clients spend about twice the
server's CPU per input (both are printed). Running the clients nicer than the server does not
change it, nor does a shorter GIL switch interval in the clients' processes (tried on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wargame.net.bot import play_seat  # noqa: E402
from wargame.net.client import connect  # noqa: E402

FACTIONS = ("russia", "ukraine", "nato_hawk", "nato_cautious")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(data: Path, port: int, rooms: int, profile: str | None = None) -> tuple[subprocess.Popen, dict]:
    codes_file = data / "codes.json"
    python = [sys.executable]
    if profile and profile.endswith((".txt", ".html")):  # pyinstrument: sampling, a text or HTML report
        python += ["-m", "pyinstrument", "-r", "html" if profile.endswith(".html") else "text", "-o", profile]
    elif profile:
        python += ["-m", "cProfile", "-o", profile]
    proc = subprocess.Popen([*python, "-m", "wargame", "serve", "--data", str(data), "--port", str(port),
                             "--rooms", str(rooms), "--seed", "1", "--codes-out", str(codes_file)],
                            cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, json.loads(codes_file.read_text())
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def play_room(url: str, room_codes: dict, kind: str, think: float, stop_at, out) -> None:
    """One room's table in its own process, as its laptops would be: 4 bot seats and the projector."""
    times: list[float] = []
    lock = threading.Lock()
    clients = [connect(url, room_codes["public"], ruleset=False)]
    clients += [connect(url, room_codes[seat], state=True) for seat in FACTIONS]

    def timed(client):
        send, rng = client.send, random.Random(client.seat)

        def wrapper(inp, timeout=None):
            if think:
                time.sleep(rng.uniform(0, 2 * think))
            t0 = time.perf_counter()
            seq = send(inp, timeout)
            with lock:
                times.append(time.perf_counter() - t0)
            return seq

        client.send = wrapper
        return client

    out.put("ready")
    cpu_start = time.process_time()
    threads = [threading.Thread(target=play_seat, args=(timed(c), kind, 1),
                                kwargs={"stop": lambda: time.time() > stop_at.value}, daemon=True) for c in clients[1:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in clients:
        c.close()
    out.put((times, time.process_time() - cpu_start))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rooms", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0, help="stop the games after this long (default 30)")
    ap.add_argument("--kind", default="doctrine", choices=["doctrine", "random"])
    ap.add_argument("--think", type=float, default=0.0, metavar="SECONDS",
                    help="mean pause of a seat before each input, as a person takes (default 0: flat out)")
    ap.add_argument("--profile", metavar="FILE",
                    help="run the server under a profiler: FILE.txt or FILE.html, pyinstrument's sampling "
                         "report; any other name, cProfile's stats (read with pstats). Profiled, the server is "
                         "slower: the round trips printed are not the real ones")
    args = ap.parse_args()
    ctx = multiprocessing.get_context("fork")  # the workers share the parent's imports
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        proc, codes = start_server(Path(tmp), port, args.rooms, profile=args.profile)
        url = f"ws://127.0.0.1:{port}"
        try:
            out = ctx.Queue()
            # the tables play until this time, set once every table is connected
            shared = ctx.Value("d", time.time() + 3600)
            workers = [ctx.Process(target=play_room, args=(url, rc, args.kind, args.think, shared, out))
                       for rc in codes.values()]
            for w in workers:
                w.start()
            for _ in workers:
                assert out.get(timeout=120) == "ready"
            cpu_before = cpu_seconds(proc.pid)  # start-up and sign-ins left out
            shared.value = time.time() + args.seconds
            print(f"{len(codes)} rooms x 5 clients connected to {url} (one process per room); "
                  f"{args.kind} bots, think {args.think:g} s")
            start = time.perf_counter()
            results = [out.get(timeout=args.seconds + 120) for _ in workers]
            wall = time.perf_counter() - start
            for w in workers:
                w.join(10)
            server_cpu = cpu_seconds(proc.pid) - cpu_before
        finally:
            # uvicorn shuts down cleanly on either, then raises the signal again: SIGINT's
            # KeyboardInterrupt lets cProfile write its stats on the way out, SIGTERM would not
            proc.send_signal(signal.SIGINT if args.profile else signal.SIGTERM)
            proc.wait(30)
    ms = sorted(t * 1000 for times, _ in results for t in times)
    clients_cpu = sum(cpu for _, cpu in results)
    if not ms:
        raise SystemExit("no input was sent")
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    print(f"inputs: {len(ms)} in {wall:.1f} s ({len(ms) / wall:.0f}/s across all rooms)")
    print(f"server CPU: {server_cpu:.1f} s in all, {server_cpu / len(ms) * 1000:.2f} ms per input; "
          f"clients CPU: {clients_cpu:.1f} s; the machine had {os.cpu_count()} cores x {wall:.1f} s "
          f"(what is left went to other work)")
    print(f"round trip: p50 {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms "
          f"(goal p95 < 50 ms: {'met' if p95 < 50 else 'NOT met'})")


if __name__ == "__main__":
    main()
