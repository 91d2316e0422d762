"""Slow clients against ``tidings serve``: how many held connections the server closes, and when.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/slow_clients.py [-n 500] [--hold 30] [--plain]``.
Starts the server (as ``tidings serve`` does, on an empty store, a free port) in a subprocess, opens ``-n``
connections that send an unfinished request head and then one more header byte every 2 s (slowloris), plus ``-n /
10`` that connect and send nothing, and holds them for ``--hold`` seconds. A normal ``GET /healthz`` is timed
while they are held. ``--plain`` runs uvicorn with its defaults instead of ``web.server.uvicorn_options`` (the
before). Prints a table: connections held, closed by the server within the hold, seconds to close (median, max),
and the normal request's status and latency.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SERVER = """
import sys, uvicorn
from tidings.settings import Settings
from tidings.web.app import create_app
from tidings.web.server import uvicorn_options
settings = Settings()
options = {} if sys.argv[3] == "plain" else uvicorn_options(settings.serve)
uvicorn.run(create_app(sys.argv[1], settings=settings), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="error", **options)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def get(port: int, path: str = "/healthz") -> tuple[str, float]:
    start = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            status = s.recv(64).split(b"\r\n")[0].decode(errors="replace")
    except OSError as exc:
        status = f"error: {exc}"
    return status, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="slowloris connections (and n/10 silent ones)")
    parser.add_argument("--hold", type=float, default=30.0, help="seconds to hold them")
    parser.add_argument("--plain", action="store_true", help="uvicorn defaults (no header timeout)")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, os.path.join(tmp, "slow.db"), str(port), "plain" if args.plain else "on"],
            env=env,
        )
        try:
            wait_ready(port)
            opened = time.monotonic()
            conns: list[tuple[socket.socket, bool]] = []
            for i in range(args.n + args.n // 10):
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                s.setblocking(False)
                slow = i < args.n
                if slow:
                    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
                conns.append((s, slow))
            closed_at: dict[int, float] = {}
            normal = get(port)
            last_trickle = time.monotonic()
            while time.monotonic() - opened < args.hold and len(closed_at) < len(conns):
                now = time.monotonic()
                trickle = now - last_trickle >= 2
                for n, (s, slow) in enumerate(conns):
                    if n in closed_at:
                        continue
                    try:
                        if s.recv(4096) == b"":
                            closed_at[n] = now - opened
                            continue
                    except BlockingIOError:
                        pass
                    except OSError:
                        closed_at[n] = now - opened
                        continue
                    if trickle and slow:
                        try:
                            s.send(b"X")
                        except OSError:
                            closed_at[n] = now - opened
                if trickle:
                    last_trickle = now
                time.sleep(0.05)
            during = get(port)
            for s, _ in conns:
                s.close()
        finally:
            server.terminate()
            server.wait(10)
    times = sorted(closed_at.values())
    median = f"{statistics.median(times):.1f}" if times else "-"
    longest = f"{times[-1]:.1f}" if times else "-"
    print(
        f"| server | held | closed by the server in {args.hold:g} s | s to close (median / max) | "
        "GET /healthz at start | at the end |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| {'uvicorn defaults' if args.plain else 'tidings serve'} | {len(conns)} | {len(times)} | "
        f"{median} / {longest} | {normal[0]} ({normal[1] * 1000:.0f} ms) | {during[0]} ({during[1] * 1000:.0f} ms) |"
    )


if __name__ == "__main__":
    main()
