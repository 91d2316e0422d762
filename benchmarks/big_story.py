"""The cost of one big story: N articles that all belong to one story, run into a fresh store, then the story's
briefing rebuilt again. Prints wall time and peak memory (RSS of the process and of its spaCy workers) per phase.

    PYTHONPATH=src python benchmarks/big_story.py --articles 2000          # real news (NeuS/AllSides) when present
    PYTHONPATH=src python benchmarks/big_story.py --articles 10000 --short # short synthetic articles (one POST's)

Real text comes from ../shared/corpora (benchmarks/corpora.py: the NeuS roundups, then the AllSides crawl); without
it, or with ``--short``, the articles are synthetic: two or three sentences each about one event, as the 10,000
short articles of one POST that once took ``tidings serve`` from 0.9 to 18.5 GB. Every phase runs in a fresh
process, so each peak is its own. The goal (issue #18): under 1.5 GB and 60 s for both sizes.

Measured on the project's 2-core machine, shared (with ``max_story_articles`` 200, ``fact_max_neighbours`` 50):

    articles  text       phase    seconds  peak MB  worker MB  facts
    2000      real       run        187.0      797        280    465   (embed 170 s)
    2000      real       rebuild      5.3      429          0    465
    10000     synthetic  run       1130.6      668        288     48   (dedupe 768 s, embed 339 s)
    10000     synthetic  rebuild      3.2      391        302     48

Again after max_article_chars/max_copy_candidates (same machine, less loaded): 2000 real, run 73.9 s (embed 64.7 s),
peak 812 MB; rebuild 3.3 s, peak 405 MB, 465 facts as before. 10,000 synthetic as 10 POSTs of 1,000:
benchmarks/posts.py (127 s, peak 711 MB).

Before the caps a 2,000-article story took 110 s and 1 GB to rebuild, and 1,000 short alike articles 9 minutes of
fact alignment alone. Storing 10,000 alike short articles is still slow (copy detection among near-duplicates):
one POST takes at most ``max_articles_per_request`` (1,000).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import CORPORA, load_allsides_crawl, load_neus

_SITES = [f"outlet{n}.example" for n in range(40)]
_NAMES = ["Ivo Lenk", "Mara Quill", "Anselm Brisk", "Petra Holm", "Orla Venn"]


def synthetic(n: int, seed: int = 7) -> list[dict[str, str]]:
    """Short articles about one ferry strike: a few sentences each, drawn from a small vocabulary (all alike)."""
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        who, count, day = rnd.choice(_NAMES), rnd.randrange(100, 5000), 1 + i % 28
        text = (
            f"Ferry workers in Gullholm walked out on day {day} of the dispute, update {i}.\n\n"
            f"{who} said {count} workers had joined the strike over pay.\n\n"
            f"Talks with the port authority are due to resume on Monday, {who} added."
        )
        rows.append(
            {
                "title": f"Gullholm ferry strike: update {i}",
                "text": text,
                "site": rnd.choice(_SITES),
                "published": f"2026-03-{day:02d}",
                "url": f"https://{_SITES[i % 40]}/strike/{i}",
            }
        )
    return rows


def real(n: int) -> list[dict[str, str]]:
    """``n`` real news articles (NeuS train+val, then the AllSides crawl), as one story's JSONL rows."""
    items = load_neus() + load_allsides_crawl()
    rows = []
    for item in items[:n]:
        row = {
            "title": item.title,
            "text": item.text,
            "site": item.site or f"source{len(rows) % 50}.example",
            "published": item.published,
            "url": item.url or f"https://example.org/{item.id}",
        }
        rows.append({k: v for k, v in row.items() if v})
    return rows


def peak_mb() -> tuple[float, float]:
    """Peak RSS (MB) of this process and of its largest waited-for child (the spaCy workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def phase(name: str, db: str, path: str) -> None:
    """One phase in this (fresh) process; prints one JSON line."""
    from tidings.pipeline import Pipeline
    from tidings.resources import using_encoder
    from tidings.store import stories_table
    from tidings.text import stop_workers

    pipeline = Pipeline(db=db)
    start = time.perf_counter()
    if name == "run":
        pipeline.run([path], group_by="story", collect=False)
    else:  # the briefing rebuilt once more (a later article would do this)
        with pipeline.store.transaction() as conn:
            conn.execute(stories_table.update().values(dirty=1, version=stories_table.c.version + 1))
        with using_encoder(pipeline.encoder):  # as inside a run: the store's vector cache
            pipeline._rebuild_dirty_stories(lambda *_: None)
    elapsed = time.perf_counter() - start
    stop_workers()
    own, workers = peak_mb()
    [story] = pipeline.store.list_stories(limit=2)
    print(
        json.dumps(
            {
                "phase": name,
                "seconds": round(elapsed, 1),
                "peak_mb": round(own),
                "worker_peak_mb": round(workers),
                "articles": len(story.article_ids),
                "facts": len(story.facts),
                "timings": {k: round(v, 1) for k, v in pipeline.timings.items()},
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[2000])
    parser.add_argument("--short", action="store_true", help="synthetic short articles, even with corpora present")
    parser.add_argument("--phase", choices=["run", "rebuild"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phase(args.phase, args.db, args.input)
        return
    use_real = not args.short and (CORPORA / "neus-allsides").exists()
    print(f"{'articles':>8} {'text':>9} {'phase':>8} {'seconds':>8} {'peak MB':>8} {'worker MB':>9} {'facts':>6}")
    for n in args.articles:
        rows = real(n) if use_real else synthetic(n)
        with tempfile.TemporaryDirectory() as tmp:
            path, db = os.path.join(tmp, "story.jsonl"), os.path.join(tmp, "big.db")
            with open(path, "w", encoding="utf-8") as fh:
                for row in rows:
                    fh.write(json.dumps({**row, "story": "big"}, ensure_ascii=False) + "\n")
            for name in ("run", "rebuild"):
                cmd = [sys.executable, __file__, "--phase", name, "--db", db, "--input", path]
                out = subprocess.run(cmd, capture_output=True, text=True, check=False)
                if out.returncode != 0:
                    print(out.stderr[-3000:], file=sys.stderr)
                    raise SystemExit(f"{name} phase failed for {n} articles")
                got = json.loads(out.stdout.strip().splitlines()[-1])
                print(
                    f"{len(rows):>8} {'real' if use_real else 'synthetic':>9} {name:>8} {got['seconds']:>8} "
                    f"{got['peak_mb']:>8} {got['worker_peak_mb']:>9} {got['facts']:>6}  {got['timings']}"
                )


if __name__ == "__main__":
    main()
