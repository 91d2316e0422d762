"""Start-up time of the commands that do no model work: `tidings stories`, `tidings show ID`, a `tidings run` whose
only input answers 404, and `tidings --help`.

Builds a store from the bundled demo corpus in a temporary folder, then runs each command ``--runs`` times in a fresh
interpreter and prints the fastest wall time and the fastest CPU time (user + system of the child process). On a
machine that other processes share, CPU time is the steadier number; wall time is what a user waits for on an idle
one. ``--importtime`` also prints the slowest imports of one `tidings stories` (``python -X importtime``).

    python benchmarks/startup.py [--runs 5] [--importtime]
"""

from __future__ import annotations

import argparse
import http.server
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


class _NotFound(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_error(404)

    def log_message(self, *args: object) -> None:
        pass


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one `python -m tidings.cli ARGS` in a fresh interpreter."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tidings.cli", *args], env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (the fastest is reported)")
    parser.add_argument("--importtime", action="store_true", help="also print the slowest imports of `stories`")
    opts = parser.parse_args()
    env = {**os.environ, "TIDINGS_SPACY_WORKERS": "1"}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotFound)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        db, empty_db = str(Path(tmp) / "demo.db"), str(Path(tmp) / "404.db")
        subprocess.run([sys.executable, "-m", "tidings.cli", "demo", "--out", str(Path(tmp) / "out"), "--db", db],
                       env=env, capture_output=True, check=True)  # fmt: skip
        import sqlite3

        story_id = sqlite3.connect(db).execute("select id from stories order by id limit 1").fetchone()[0]
        commands = {
            "tidings stories": ["stories", "--db", db],
            "tidings show ID": ["show", story_id, "--db", db],
            "tidings run URL (a 404)": ["run", f"http://127.0.0.1:{server.server_port}/missing", "--db", empty_db],
            "tidings --help": ["--help"],
        }
        print(f"| command | fastest wall (s) | fastest CPU (s) |  ({opts.runs} runs each)")
        print("|---|---|---|")
        for name, args in commands.items():
            walls, cpus = [], []
            for _ in range(opts.runs):
                wall, cpu = timed(args, env)
                walls.append(wall)
                cpus.append(cpu)
                for suffix in ("", "-wal", "-shm"):
                    Path(empty_db + suffix).unlink(missing_ok=True)
            print(f"| `{name}` | {min(walls):.2f} | {min(cpus):.2f} |")
        if opts.importtime:
            args = [sys.executable, "-X", "importtime", "-m", "tidings.cli", *commands["tidings stories"]]
            done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
            rows = [line.split("|") for line in done.stderr.splitlines() if line.startswith("import time:")][1:]
            top = sorted(((int(r[1]), r[2].rstrip()) for r in rows if r[1].strip().isdigit()), reverse=True)
            print("\nslowest imports of `tidings stories` (cumulative microseconds):")
            for micros, name in [t for t in top if not t[1].startswith("   ")][:12]:
                print(f"{micros:>9} {name.strip()}")
    server.shutdown()


if __name__ == "__main__":
    main()
