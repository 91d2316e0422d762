"""Is an interrupted and resumed run the uninterrupted run? Runs one real news stream into fresh stores three ways
and compares each with the first:

- ``whole``: the file in one run;
- ``split``: its first K lines in one run, then the whole file in a second run (the issue's 1,536 lines, then all);
- ``killed``: the whole file, SIGKILLed once ``--kill-after`` articles are stored, then run again.

Prints, per way, the B-cubed agreement (precision, recall, F1) of its story partition with ``whole``'s, how many
stories are identical, the total number of facts, and the articles whose story differs.

    PYTHONPATH=src python benchmarks/resume.py                      # /tmp/allsides.jsonl, else the AllSides crawl
    PYTHONPATH=src python benchmarks/resume.py --lines 768 --split 384 --kill-after 300
    PYTHONPATH=src python benchmarks/resume.py --lines 600 --split 320 --kill-after 320 --batch-size 64 --max-replay 0

The input is /tmp/allsides.jsonl when present, else the AllSides crawl written from ../shared/corpora
(benchmarks/corpora.py). Every store after the first gets the first one's sentence vectors (the store's vector
cache: a vector depends on its text only), so only the first run pays for the model.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import load_allsides_crawl, write_jsonl


def run(db: str, path: str, batch_size: int, max_replay: int | None = None) -> subprocess.Popen:
    code = (
        "import sys; from tidings.pipeline import Pipeline; from tidings.settings import Settings; s = Settings(); "
        "s.cluster.max_replay_articles = int(sys.argv[4]) if sys.argv[4] else s.cluster.max_replay_articles; "
        "Pipeline(s, db=sys.argv[1], batch_size=int(sys.argv[3])).run([sys.argv[2]], collect=False)"
    )
    cap = "" if max_replay is None else str(max_replay)
    return subprocess.Popen([sys.executable, "-c", code, db, path, str(batch_size), cap], stderr=subprocess.PIPE)


def finish(proc: subprocess.Popen) -> None:
    _out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"run failed ({proc.returncode}): {err.decode()[-2000:]}")


def seed_vectors(db: str, source: str) -> None:
    """Copy the sentence vectors of ``source`` into the fresh store ``db`` (created with its schema first)."""
    from tidings.store import Store

    Store(db).close()
    con = sqlite3.connect(db)
    con.execute("ATTACH DATABASE ? AS src", (source,))
    con.execute("INSERT OR IGNORE INTO sentence_vectors SELECT * FROM src.sentence_vectors")
    con.commit()
    con.close()


def stored(db: str) -> tuple[dict[str, str], int, int]:
    """Article id -> story id, the total number of facts, and the number of dirty stories."""
    from tidings.store import Store

    store = Store(db)
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, story_id FROM articles").fetchall()
        dirty = conn.exec_driver_sql("SELECT count(*) FROM stories WHERE dirty = 1").scalar()
    facts = sum(len(s.facts) for s in store.list_stories(limit=1_000_000))
    store.close()
    return {a: s for a, s in rows}, facts, int(dirty or 0)


def bcubed(gold: dict[str, str], got: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of partition ``got`` against ``gold`` (over their common articles)."""
    ids = sorted(set(gold) & set(got))
    g: dict[str, set[str]] = {}
    p: dict[str, set[str]] = {}
    for i in ids:
        g.setdefault(gold[i], set()).add(i)
        p.setdefault(got[i], set()).add(i)
    prec = sum(len(p[got[i]] & g[gold[i]]) / len(p[got[i]]) for i in ids) / len(ids)
    rec = sum(len(p[got[i]] & g[gold[i]]) / len(g[gold[i]]) for i in ids) / len(ids)
    return prec, rec, 2 * prec * rec / (prec + rec)


def partition(stories: dict[str, str]) -> set[frozenset[str]]:
    out: dict[str, set[str]] = {}
    for a, s in stories.items():
        out.setdefault(s, set()).add(a)
    return {frozenset(v) for v in out.values()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", default="/tmp/allsides.jsonl")
    parser.add_argument("--lines", type=int, default=0, help="use the first N lines (0: all)")
    parser.add_argument("--split", type=int, default=1536, help="lines of the first run of 'split'")
    parser.add_argument("--kill-after", type=int, default=600, help="articles stored when 'killed' is killed")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--max-replay", type=int, help="ClusterSettings.max_replay_articles of every run (0: a "
                        "continued or resumed run always loads the store's open window, not its batches)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(args.input)
        if not source.exists():
            source = Path(tmp) / "allsides.jsonl"
            write_jsonl(load_allsides_crawl(), source)
        lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
        if args.lines:
            lines = lines[: args.lines]
        whole_path, first_path = os.path.join(tmp, "whole.jsonl"), os.path.join(tmp, "first.jsonl")
        Path(whole_path).write_text("".join(lines), encoding="utf-8")
        Path(first_path).write_text("".join(lines[: args.split]), encoding="utf-8")
        dbs = {name: os.path.join(tmp, f"{name}.db") for name in ("whole", "split", "killed")}
        start = time.perf_counter()
        finish(run(dbs["whole"], whole_path, args.batch_size, args.max_replay))
        print(f"{len(lines)} lines, batch size {args.batch_size}; whole run {time.perf_counter() - start:.0f} s")
        seed_vectors(dbs["split"], dbs["whole"])
        finish(run(dbs["split"], first_path, args.batch_size, args.max_replay))
        finish(run(dbs["split"], whole_path, args.batch_size, args.max_replay))
        seed_vectors(dbs["killed"], dbs["whole"])
        proc = run(dbs["killed"], whole_path, args.batch_size, args.max_replay)
        stored_now = 0
        while proc.poll() is None:
            try:
                con = sqlite3.connect(dbs["killed"])
                stored_now = con.execute("SELECT count(*) FROM articles").fetchone()[0]
                con.close()
            except sqlite3.Error:
                stored_now = 0
            if stored_now >= args.kill_after:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
        proc.wait()
        killed_at = stored_now if proc.returncode == -signal.SIGKILL else None
        finish(run(dbs["killed"], whole_path, args.batch_size, args.max_replay))
        reference, _facts, _dirty = stored(dbs["whole"])
        print(
            f"{'way':>7} {'articles':>8} {'stories':>7} {'same':>5} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} "
            f"{'moved':>5} {'facts':>6} {'dirty':>5}"
        )
        for name, db in dbs.items():
            got, facts, dirty = stored(db)
            p, r, f = bcubed(reference, got)
            same = len(partition(got) & partition(reference))
            moved = sum(1 for a in reference if a in got and partition_of(a, got) != partition_of(a, reference))
            print(
                f"{name:>7} {len(got):>8} {len(partition(got)):>7} {same:>5} {p:>6.3f} {r:>6.3f} {f:>6.3f} "
                f"{moved:>5} {facts:>6} {dirty:>5}"
            )
        print(f"killed after {killed_at} stored articles" if killed_at else "the 'killed' run ended before the kill")
        from tidings.pipeline import Pipeline

        start = time.perf_counter()
        Pipeline(db=dbs["whole"])._warm()  # what a run on this store spends before its first batch
        print(f"warming a pipeline on the {len(reference)}-article store: {time.perf_counter() - start:.1f} s")


def partition_of(article: str, stories: dict[str, str]) -> frozenset[str]:
    return frozenset(a for a, s in stories.items() if s == stories[article])


if __name__ == "__main__":
    main()
