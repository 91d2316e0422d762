"""Peak memory and time of the server taking many short articles of one story: ``--posts`` POSTs of ``--per``
articles each (one POST takes at most ``max_articles_per_request``, 1,000) to the web app in process, on a fresh
SQLite store. Prints seconds per POST, the process's peak RSS, stories and dirty stories after.

    PYTHONPATH=src python benchmarks/posts.py --posts 10 --per 1000

Measured (TIDINGS_SPACY_WORKERS=1, so spaCy's memory is this process's; the 2-core machine, shared): 10 POSTs of
1,000 of big_story.py's synthetic articles (all one story): 8.8-18.6 s each, 127 s in all, peak RSS 711 MB, one
story, none left dirty. The issue's single POST of 10,000 took the server from 0.9 to 18.5 GB; it is now refused
with 413 (``max_articles_per_request``).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent))

from big_story import synthetic
from tidings.store import Store
from tidings.web.app import create_app

TOKEN = "bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10)
    parser.add_argument("--per", type=int, default=1000)
    args = parser.parse_args()
    rows = synthetic(args.posts * args.per)
    print("| POST | articles | seconds | peak RSS MB |")
    print("|---|---|---|---|")
    start_all = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        db = f"{tmp}/posts.db"
        with TestClient(create_app(db, token=TOKEN)) as client:
            for n in range(args.posts):
                body = rows[n * args.per : (n + 1) * args.per]
                start = time.perf_counter()
                response = client.post("/api/articles", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
                assert response.status_code == 200, response.text[:200]
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                print(f"| {n + 1} | {len(body)} | {time.perf_counter() - start:.1f} | {peak:.0f} |", flush=True)
        store = Store(db)
        print(f"total {time.perf_counter() - start_all:.1f} s; {store.count_articles()} articles, "
              f"{len(store.list_stories())} stories, {len(store.dirty_story_ids())} dirty")


if __name__ == "__main__":
    main()
