"""Warm-up cost of a pipeline on a big store: the whole replay of the stored batches (a new Pipeline, and before
incremental warming every write by another process) against catching up on one batch another process stored.

    PYTHONPATH=src python benchmarks/warmup.py --articles 10000

The store is generated (no model is loaded): articles of random words from a small vocabulary, stored in clustered
batches of ``--batch`` with their MinHash signatures and random unit embeddings, as a run stores them. Then:

- ``full warm``: a new Pipeline warms on the whole store (what the web server's writer and ``tidings watch`` did after
  any other process wrote);
- ``catch-up``: a warm Pipeline, after another writer stored one more batch, replays only that batch.

Measured on the project's 2-core machine, heavily shared (load 7), 10,000 generated articles (random vectors: each
article its own story, so a replay costs more than on real news, ~2.4 ms per article there): full warm 172.6 s
(17.3 ms per stored article), catch-up on another writer's 256 articles 3.7 s, nothing new 0.9 ms. Before the
catch-up, the server's writer and ``tidings watch`` paid the full warm after every write by another process.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time

import numpy as np

from tidings.dedupe import CopyDetector
from tidings.model import Article
from tidings.pipeline import Pipeline
from tidings.settings import Settings
from tidings.store import Store

VOCAB = [f"w{n}" for n in range(3000)]


def make_batch(rnd: random.Random, start: int, size: int) -> list[Article]:
    return [
        Article(
            id=f"a{start + i:07d}",
            origin="generated",
            title=f"Story {start + i}",
            text=" ".join(rnd.choice(VOCAB) for _ in range(120)) + ".",
            site=f"site{rnd.randrange(50)}.example",
            published=f"2024-{1 + (start + i) % 12:02d}-{1 + (start + i) % 28:02d}",
        )
        for i in range(size)
    ]


def store_batch(store: Store, detector: CopyDetector, articles: list[Article], rnd: np.random.Generator) -> None:
    vectors = rnd.normal(size=(len(articles), 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    with store.transaction() as conn:
        store.add_articles(conn, articles, [detector.signature(a) for a in articles], vectors, clustered=True)
        store.assign_stories(conn, {a.id: f"s{a.id}" for a in articles}, {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()
    rnd, vectors = random.Random(3), np.random.default_rng(3)
    settings = Settings()
    detector = CopyDetector(settings.dedupe)
    with tempfile.TemporaryDirectory() as tmp:
        db = f"{tmp}/warm.db"
        store = Store(db)
        start = time.perf_counter()
        for at in range(0, args.articles, args.batch):
            store_batch(store, detector, make_batch(rnd, at, min(args.batch, args.articles - at)), vectors)
        print(f"generated {store.count_articles():,} stored articles in {time.perf_counter() - start:.1f} s")
        print("| warm-up | articles replayed | seconds | ms per stored article |")
        print("|---|---|---|---|")
        pipeline = Pipeline(settings, db)
        start = time.perf_counter()
        pipeline._warm()
        seconds = time.perf_counter() - start
        per = 1000 * seconds / args.articles
        print(f"| full warm (new Pipeline) | {args.articles:,} | {seconds:.2f} | {per:.2f} |")
        store_batch(store, detector, make_batch(rnd, args.articles, args.batch), vectors)  # another writer
        start = time.perf_counter()
        pipeline._warm()
        seconds = time.perf_counter() - start
        print(f"| catch-up after another writer's batch | {args.batch:,} | {seconds:.3f} | - |")
        start = time.perf_counter()
        pipeline._warm()
        print(f"| nothing new (one query) | 0 | {time.perf_counter() - start:.4f} | - |")


if __name__ == "__main__":
    main()
