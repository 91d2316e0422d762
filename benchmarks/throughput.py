"""End-to-end throughput: `tidings run` (the Pipeline) on 1k, 10k and 100k articles built from real corpus texts.

How the input is assembled (read from ../shared/corpora at run time, written as JSONL to a temporary folder):
  base pool = NeuS/AllSides outlet excerpts (train+val, ~8.3k, grouped by roundup) + ECB+ documents (982) + the
  article-extraction-benchmark ground-truth bodies (181), stories in a fixed random order (a story's articles stay
  together; every size gets the same mix of sources). Every base article gets a date: its crawl date when known,
  else a day derived from its story (the articles of one story share a day, stories spread over 2021).
  generation 0 = the base pool as is; generation g >= 1 = the whole pool again, dated g years (365 days) later, each
  article perturbed so that it is new text and not a copy: sentences shuffled, one sentence dropped when there are
  more than three, and one word in five (at a random offset) dropped, which breaks most 5-word shingles, so MinHash
  does not short-circuit it as a near duplicate; ids/URLs unique. A size N takes the first N articles of
  generation 0, 1, 2, ... in that order.

Reported per size: wall time, articles/s for the whole run and per stage (Pipeline.timings), the rate of
ingest+clean+dedupe+cluster (what runs when embeddings are already cached), and peak memory (ru_maxrss of the
process running the pipeline: each size runs in a fresh subprocess) with, beside it, the private memory of the
largest spaCy worker process at the end of the run (one worker per core, forked before the indexes load; what
they share with the process is counted once, in its peak). Then, unless ``--then 0``, the stream case: a new
Pipeline (a later ``tidings run``) adds the next 256 articles of the sequence to the filled store; its wall time
includes loading the copy and story indexes from the store ("warm").

    .venv/bin/python benchmarks/throughput.py --sizes 1000 10000          # the default sizes are 1k and 10k
    .venv/bin/python benchmarks/throughput.py --sizes 100000              # about an hour or more on 2 cores
    .venv/bin/python benchmarks/throughput.py --cached --sizes 1000 10000
        # each input twice: the second run, timed, goes into a store emptied of articles and stories but keeping
        # its vector cache (every article and sentence embedding cached); the rate of ingest+clean+embed+dedupe+
        # cluster there is the "with embeddings cached" figure
    .venv/bin/python benchmarks/throughput.py --cluster-only --sizes 10000 100000
        # the cluster stage alone on cached embeddings (StoryClusterer.assign in pipeline-sized batches)
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import random
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import CORPORA, Item, article_embeddings, load_ecbplus, load_neus

POOL_SEED = 2021
GENERATION_DAYS = 365  # a generation is the same news mix a year later: density per week stays that of real news
STAGES = ("ingest", "clean", "embed", "dedupe", "cluster", "store", "analyze", "summarize")
CACHED_STAGES = ("ingest", "clean", "dedupe", "cluster")


def base_pool() -> list[Item]:
    """Real texts, grouped by story, each with a date."""
    items = load_neus() + load_ecbplus()
    truth = CORPORA / "article-extraction-benchmark" / "ground-truth.json.gz"
    if truth.exists():
        with gzip.open(truth, "rt", encoding="utf-8") as fh:
            for key, page in sorted(json.load(fh).items()):
                body = (page.get("articleBody") or "").strip()
                if body:
                    first, _, rest = body.partition("\n")
                    items.append(Item(id=f"aeb-{key[:12]}", title=first[:200], text=rest or first, published=None,
                                      split="all", story=f"aeb-{key[:12]}", site=page.get("url")))
    # stories in a fixed random order (a story's articles stay together), so that a sample of any size holds the
    # same mix of short excerpts, ECB+ documents and long articles, and time(10k)/time(1k) measures scale alone
    stories = list(dict.fromkeys(i.story for i in items))
    random.Random(POOL_SEED).shuffle(stories)
    rank = {story: n for n, story in enumerate(stories)}
    items.sort(key=lambda i: rank[i.story])
    start = datetime(2021, 1, 1, 8, tzinfo=UTC)
    day_of = {story: n % 300 for n, story in enumerate(stories)}
    for n, item in enumerate(items):
        if not item.published:
            moment = start + timedelta(days=day_of[item.story], hours=n % 9)
            item.published = moment.isoformat()
    return items


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def perturb(text: str, rng: random.Random) -> str:
    """New text from old: shuffle sentences, drop one when there are more than three, drop one word in five."""
    sentences = [s for s in _SENTENCE.split(" ".join(text.split())) if s]
    rng.shuffle(sentences)
    if len(sentences) > 3:
        sentences.pop(rng.randrange(len(sentences)))
    offset = rng.randrange(5)
    words = " ".join(sentences).split()
    kept = [w for k, w in enumerate(words) if (k + offset) % 5 != 0] or words
    # paragraphs of ~3 sentences' worth of words, as cleaned articles have
    return "\n\n".join(" ".join(kept[i : i + 60]) for i in range(0, len(kept), 60))


def article_json(item: Item, generation: int, rng: random.Random) -> dict:
    published = datetime.fromisoformat(item.published or "2021-01-01T00:00:00+00:00")
    published += timedelta(days=GENERATION_DAYS * generation)
    title, text = item.title, item.text
    if generation:
        title = perturb(title, rng).replace("\n\n", " ")
        text = perturb(text, rng)
    site = ("left.example", "center.example", "right.example")[zlib.crc32(item.id.encode()) % 3]
    return {
        "title": title,
        "text": text,
        "url": f"https://{site}/g{generation}/{item.id}",
        "published": published.isoformat(),
        "site": site,
    }


def build_input(size: int, folder: Path, pool: list[Item]) -> list[Path]:
    """JSONL files (10k articles each) holding the first ``size`` articles of generations 0, 1, 2, ..."""
    rng = random.Random(size)
    files: list[Path] = []
    written = 0
    generation = 0
    out = None
    while written < size:
        for item in pool:
            if written >= size:
                break
            if written % 10000 == 0:
                if out:
                    out.close()
                files.append(folder / f"part-{len(files):03d}.jsonl")
                out = files[-1].open("w", encoding="utf-8")
            assert out is not None
            out.write(json.dumps(article_json(item, generation, rng), ensure_ascii=False) + "\n")
            written += 1
        generation += 1
    if out:
        out.close()
    return files


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def worker_private_mb() -> float:
    """Private memory (USS) of the largest spaCy worker process at the end of the run, then stop the workers. Not
    their RSS: a forked worker's RSS also counts every page it still shares with this process."""
    import psutil

    from tidings.text import stop_workers

    sizes = [child.memory_full_info().uss for child in psutil.Process().children()]
    stop_workers()
    return max(sizes, default=0) / 2**20


def run_pipeline(size: int, cached: bool = False, then: int = 0) -> dict:
    """One size, end to end, in this process (called in a fresh subprocess per size); ``cached``: time a second
    run of the same input into a store that keeps the first run's vector cache; ``then``: time a further run of
    the next ``then`` articles into the filled store, as a new ``tidings run`` would (its own Pipeline)."""
    from tidings.pipeline import Pipeline
    from tidings.settings import Settings

    pool = base_pool()
    with tempfile.TemporaryDirectory(prefix="tidings-throughput-") as tmp:
        folder = Path(tmp)
        files = build_input(size, folder, pool)
        db = folder / "bench.db"

        def timed(is_cached: bool, files: list[Path] = files) -> dict:
            pipeline = Pipeline(Settings(), db=str(db))
            start = time.perf_counter()
            logged = {"stored": 0, "stories": 0}

            def progress(stage: str, done: int, _total: int | None) -> None:
                # a line to stderr every 2,500 articles stored / stories built: elapsed time and memory so far
                if stage in logged and done - logged[stage] >= 2500:
                    logged[stage] = done
                    print(f"  {stage} {done}: {time.perf_counter() - start:.0f} s, peak {peak_rss_mb():.0f} MB",
                          file=sys.stderr, flush=True)

            result = pipeline.run([str(f) for f in files], collect=False, progress=progress)
            return {
                "size": size,
                "wall": time.perf_counter() - start,
                "new": result.new_articles,
                "stories": len(result.story_ids),
                "cached": is_cached,
                "skipped": len(result.skipped),
                "timings": dict(pipeline.timings),
                "peak_mb": peak_rss_mb(),
            }

        first = timed(False)
        if then:
            # the articles that come next in the same sequence, as a later run of a stream would bring them
            (folder / "next").mkdir()
            lines = [x for f in build_input(size + then, folder / "next", pool) for x in f.read_text().splitlines()]
            tail = folder / "then.jsonl"
            tail.write_text("\n".join(lines[size:]) + "\n", encoding="utf-8")
            first["then"] = timed(False, [tail])
        if not cached:
            first["worker_mb"] = worker_private_mb()
            return first
        # The same input into an emptied store that keeps its vector cache: every article and sentence
        # embedding is found in the cache, so this times the pipeline without model time.
        with sqlite3.connect(db) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            for table in ("articles", "stories", "stories_fts"):
                if table in tables:
                    conn.execute(f"DELETE FROM {table}")
        # spaCy readings cached in this process are not what this run is about: start without them
        from tidings.text import clear_readings

        clear_readings()
        second = timed(True)
        second["first"] = first
        second["worker_mb"] = first["worker_mb"] = worker_private_mb()
        return second


def run_cluster_only(size: int, batch: int = 256) -> dict:
    """The cluster stage alone over ``size`` articles (cached embeddings), in pipeline-sized batches."""
    import numpy as np

    from tidings.cluster import StoryClusterer
    from tidings.model import Article
    from tidings.settings import ClusterSettings

    pool = base_pool()
    parts = {"neus": [], "ecbplus": [], "aeb": []}
    for item in pool:
        parts["neus" if item.id.startswith("neus") else "ecbplus" if item.id.startswith("ecb") else "aeb"].append(item)
    pool = parts["neus"] + parts["ecbplus"] + parts["aeb"]
    base = np.vstack([article_embeddings(name, items) for name, items in parts.items()])
    rng = np.random.default_rng(0)
    clusterer = StoryClusterer(ClusterSettings())
    elapsed = 0.0
    made = 0
    generation = 0
    pyrng = random.Random(0)
    while made < size:
        for start in range(0, len(pool), batch):
            chunk = pool[start : start + batch][: size - made]
            if not chunk:
                break
            articles = []
            for item in chunk:
                data = article_json(item, generation, pyrng)
                articles.append(Article(id=f"{item.id}-g{generation}", origin="bench", title=data["title"],
                                        text=data["text"], published=data["published"]))
            vecs = base[start : start + len(chunk)]
            if generation:  # perturbed text, perturbed vector: close to the original, not identical
                vecs = vecs + rng.normal(0, 0.02, vecs.shape).astype(np.float32)
            t0 = time.perf_counter()
            clusterer.assign(articles, vecs)
            elapsed += time.perf_counter() - t0
            made += len(chunk)
            if made >= size:
                break
        generation += 1
    return {"size": size, "wall": elapsed, "stories": clusterer.story_count,
            "timings": {"cluster": elapsed}, "peak_mb": peak_rss_mb(), "new": made, "skipped": 0}


def print_tables(results: list[dict], cluster_only: bool) -> None:
    if cluster_only:
        print("\n### Cluster stage alone (cached embeddings, batches of 256)\n")
        print("| articles | seconds | articles/s | stories | peak memory (MB) |")
        print("|---:|---:|---:|---:|---:|")
        for r in results:
            rate = r["size"] / r["wall"]
            print(f"| {r['size']} | {r['wall']:.1f} | {rate:.0f} | {r['stories']} | {r['peak_mb']:.0f} |")
    else:
        cached_run = any(r.get("cached") for r in results)
        print("\n### End to end (`Pipeline.run`)" + (", embeddings cached" if cached_run else "") + "\n")
        print("| articles | new | stories | wall s | articles/s | ingest+clean+dedupe+cluster articles/s "
              "| peak memory (MB) | + each spaCy worker, private MB at end |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in results:
            # in a cached run the embed stage (cache lookups) is part of it too
            cached = sum(r["timings"].get(s, 0.0) for s in CACHED_STAGES + (("embed",) if r.get("cached") else ()))
            print(f"| {r['size']} | {r['new']} | {r['stories']} | {r['wall']:.1f} | {r['size'] / r['wall']:.1f} | "
                  f"{r['size'] / max(cached, 1e-9):.0f} | {r['peak_mb']:.0f} | {r.get('worker_mb', 0):.0f} |")
        print("\n### Per stage: seconds (articles/s)\n")
        stages = [s for s in STAGES if any(s in r["timings"] for r in results)]
        extra = sorted({s for r in results for s in r["timings"]} - set(STAGES))
        print("| articles | " + " | ".join(stages + extra) + " |")
        print("|---:|" + "---:|" * len(stages + extra))
        for r in results:
            cells = []
            for s in stages + extra:
                t = r["timings"].get(s)
                cells.append("-" if t is None else f"{t:.1f} ({r['size'] / max(t, 1e-9):.0f}/s)")
            print(f"| {r['size']} | " + " | ".join(cells) + " |")
    later = [(r["size"], r["then"]) for r in results if r.get("then")]
    if later:
        print("\n### A later run: the next articles into the filled store (a new `Pipeline`, as `tidings run` would)\n")
        print("| store holds | new articles | wall s | of which loading the indexes (warm) s | articles/s |")
        print("|---:|---:|---:|---:|---:|")
        for size, t in later:
            warm = t["timings"].get("warm", 0.0)
            print(f"| {size} | {t['new']} | {t['wall']:.1f} | {warm:.1f} | {t['new'] / max(t['wall'], 1e-9):.1f} |")
    if len(results) > 1:
        print()
        for a, b in itertools.pairwise(results):
            print(f"time({b['size']}) / time({a['size']}) = {b['wall'] / a['wall']:.1f} "
                  f"(size ratio {b['size'] / a['size']:.0f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--cluster-only", action="store_true", help="time StoryClusterer alone on cached embeddings")
    parser.add_argument("--cached", action="store_true",
                        help="time a second run of each input whose embeddings are all in the store's vector cache")
    parser.add_argument("--then", type=int, default=256, metavar="N",
                        help="after each size, time a run of the next N articles into the filled store (0 = off)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: run one size, print JSON
    args = parser.parse_args()
    if not CORPORA.exists():
        sys.exit(f"{CORPORA} is absent: the benchmark reads ../shared/corpora at run time")
    if args.one is not None:
        result = run_cluster_only(args.one) if args.cluster_only else run_pipeline(args.one, args.cached, args.then)
        print("RESULT " + json.dumps(result))
        return
    results: list[dict] = []
    first_runs: list[dict] = []
    for size in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(size)] + (["--cluster-only"] if args.cluster_only else [])
        cmd += (["--cached"] if args.cached else []) + ["--then", str(args.then)]
        print(f"running {size} articles ...", file=sys.stderr, flush=True)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env=os.environ.copy())  # stderr: progress
        line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            sys.stderr.write(proc.stdout[-3000:])
            sys.exit(f"size {size} failed (exit {proc.returncode})")
        result = json.loads(line[len("RESULT ") :])
        if "first" in result:
            first_runs.append(result.pop("first"))
        results.append(result)
        print(f"  done in {results[-1]['wall']:.0f}s", file=sys.stderr, flush=True)
    if first_runs:
        print_tables(first_runs, args.cluster_only)
    print_tables(results, args.cluster_only)


if __name__ == "__main__":
    main()
