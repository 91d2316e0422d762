"""Peak memory of one huge input line: the stdin skip path and the sentence-embedding model's input.

Run: ``.venv/bin/python benchmarks/long_lines.py [--mb 200] [--src PATH]`` (``--src``: another checkout's ``src``,
for a before/after). Each case runs in a fresh child process; its peak resident memory comes from the kernel
(``getrusage(RUSAGE_CHILDREN)`` in a wrapper process), so the parent, which streams the line, does not count.

- ``stdin, default cap``: ``tidings run -`` reading one JSONL line of ``--mb`` MB against the default 10 MB cap
  (the line is skipped; it must not be read whole) followed by one good line.
- ``encode``: the ONNX MiniLM encoder given one text of ``--mb`` MB (the tokenizer must only see what the model
  reads).
- ``run, N MB paragraph`` (with ``--run``): the whole ``tidings run -`` (clean, dedupe, cluster, store and the story
  rebuild) on one article whose text is one paragraph of ``--para-kb`` KB with no sentence end (under every size cap),
  then on one of ``--mb`` MB with ``--max-mb`` raised above it; each followed by one good line. Bounded by
  ``max_article_chars`` and ``max_sentence_chars``: the briefing reads the first 100,000 characters, cut into
  sentences of at most 1,000.

Measured (``/usr/bin/time -v tidings run`` on the same inputs as files, one spaCy worker, the 2-core machine shared
at load 7-15): 1.3 MB paragraph + one short article: 7.6 s wall, 1.0 GB peak, story clean (before: 173-199 s and
3.5-4 GB in the rebuild); 200 MB line with ``--max-mb 300``: exit 0, one clean story, 60 s of CPU (48 user + 12
system; 10.4 min wall on the loaded machine), peak 3.9 GB (before: aborted at 5.2 GB). That peak still grows with
the line (the cleaner and the store hold several copies of the text): ``--max-mb`` is what bounds it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = b"the port strike ended on monday after talks on pay broke down said the union "

ENCODE = """
import sys
from tidings.resources import get_embedder
encoder = get_embedder()
text = "the port strike ended on monday after talks on pay broke down said the union " * (int(sys.argv[1]) * 13_500)
print(type(encoder).__name__, encoder.encode([text]).shape)
"""

# Runs one case as its child and prints that child's peak RSS: each case is measured alone.
PEAK = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
print(f"PEAK {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss} {code}")
"""


def run_child(args: list[str], src: str, feed_mb: float = 0) -> tuple[int, float, float, str]:
    """(exit code, peak RSS in MB, seconds, last line of output) of a child; a JSONL line of ``feed_mb`` MB on its
    stdin."""
    env = {**os.environ, "PYTHONPATH": src, "TIDINGS_SPACY_WORKERS": "1"}
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", PEAK, *args],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert child.stdin is not None and child.stdout is not None
    if feed_mb:
        child.stdin.write(b'{"title": "Huge", "text": "')
        block = WORDS * (1_048_576 // len(WORDS))
        for _ in range(int(feed_mb)):
            child.stdin.write(block)
        child.stdin.write(WORDS * int((feed_mb % 1) * 1_048_576 / len(WORDS)))
        child.stdin.write(b'"}\n')
        good = {"title": "Port strike ends", "text": "The port strike ended on Monday after talks on pay. " * 3}
        child.stdin.write(json.dumps(good).encode() + b"\n")
    child.stdin.close()
    out = child.stdout.read().decode(errors="replace").strip().splitlines()
    child.wait()
    _, peak_kb, code = out[-1].split()
    return int(code), int(peak_kb) / 1024, time.perf_counter() - start, (out[-2] if len(out) > 1 else "")[:100]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="size of the line in MB")
    parser.add_argument("--run", action="store_true", help="also time whole runs (minutes without the caps)")
    parser.add_argument("--para-kb", type=int, default=1300, help="the one-paragraph article of --run, in KB")
    parser.add_argument("--src", default=str(ROOT / "src"), help="the checkout's src folder to measure")
    args = parser.parse_args()
    print("| case | exit | peak RSS of the child | seconds | last line |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ("stdin, default cap", [sys.executable, "-m", "tidings.cli", "run", "-", "--db", f"{tmp}/a.db"], args.mb),
            ("encode", [sys.executable, "-c", ENCODE, str(args.mb)], 0),
        ]
        run = [sys.executable, "-m", "tidings.cli", "run", "-"]
        if args.run:
            mb = args.para_kb / 1024
            cases += [
                (f"run, {mb:.1f} MB paragraph", [*run, "--db", f"{tmp}/b.db"], mb),
                (f"run, {args.mb} MB line", [*run, "--db", f"{tmp}/c.db", "--max-mb", str(args.mb + 100)], args.mb),
            ]
        for name, command, feed in cases:
            code, peak, seconds, last = run_child(command, args.src, feed)
            print(f"| {name} | {code} | {peak:.0f} MB | {seconds:.1f} | {last} |")


if __name__ == "__main__":
    main()
