"""Kills survived with identical results: a real run of the bundled samples (20 articles, batches of 3) is SIGKILLed
at 20 points (after each batch commit, and at each stage of the story rebuild), then run again; each resumed store
is compared with one uninterrupted run (every article's text, the stories as sets of articles, every story's facts).

    PYTHONPATH=src python benchmarks/kills.py            # prints one line per kill and "N of 20 identical"
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tidings.cli import samples_dir
from tidings.pipeline import Pipeline
from tidings.store import Store

BATCH = 3
_RUN = "import sys; from tidings.pipeline import Pipeline; Pipeline(db=sys.argv[1], batch_size=3).run([sys.argv[2]])"
POINTS = [f"SELECT count(*) >= {k}, count(*) FROM articles" for k in (1, 2, 3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 18, 19)]
POINTS += [
    f"SELECT (SELECT count(*) FROM articles) = 20 AND sum(dirty = 0) >= {k}, sum(dirty) FROM stories"
    for k in (0, 1, 2, 3, 4)
]
POINTS += ["SELECT (SELECT count(*) FROM articles) = 20 AND sum(dirty = 0) > 0 AND sum(dirty) > 0, 1 FROM stories"]


def state(db: str) -> tuple:
    """Every article's text, the stories as sets of article ids, each story's facts, and the dirty stories."""
    store = Store(db)
    articles = store.get_articles([a.id for a, _, _ in store.iter_index_rows()])
    members: dict[str, set[str]] = {}
    for a in articles:
        members.setdefault(a.story_id or a.id, set()).add(a.id)
    facts = {}
    for story_id, ids in members.items():
        story = store.get_story(story_id)
        facts[frozenset(ids)] = [(f.text, sorted(f.article_ids)) for f in story.facts] if story else None
    dirty = store.dirty_story_ids()
    store.close()
    return {a.id: a.text for a in articles}, {frozenset(s) for s in members.values()}, facts, dirty


def kill_when(db: Path, ready: str, source: str) -> str | None:
    """Run the samples into ``db`` in a real process; SIGKILL it once ``ready`` holds. What the store held then."""
    proc = subprocess.Popen([sys.executable, "-c", _RUN, str(db), source], stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None:
            try:
                con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
                row = con.execute(ready).fetchone()
                con.close()
            except sqlite3.Error:
                row = None
            if row and row[0]:
                proc.send_signal(signal.SIGKILL)
                return str(row[1])
            time.sleep(0.005)
        return None
    finally:
        proc.kill()
        proc.wait()


def main() -> None:
    source = str(samples_dir() / "articles")
    with tempfile.TemporaryDirectory() as tmp:
        whole = str(Path(tmp) / "whole.db")
        Pipeline(db=whole, batch_size=BATCH).run([source])
        reference = state(whole)
        same = 0
        for n, where in enumerate(POINTS):
            db = Path(tmp) / f"killed{n}.db"
            held = kill_when(db, where, source)
            Pipeline(db=str(db), batch_size=BATCH).run([source])
            ok = state(str(db)) == reference
            same += ok
            what = "articles stored" if where.endswith("FROM articles") else "stories dirty"
            when = f"killed with {held} {what}" if held is not None else "ended before the kill"
            print(f"{n + 1:>2}  {when:<32} {'identical' if ok else 'DIFFERENT'}", flush=True)
        print(f"{same} of {len(POINTS)} identical")


if __name__ == "__main__":
    main()
