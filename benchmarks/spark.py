"""`tidings spark` on the NeuS/AllSides train+val stream at local[1] and local[2]: articles/s, the seconds of each
step (session start; read = ingest+clean+vectors on the executors; first_cleaning = the driver's one cleaning in
input order, for the join and the storing Pipeline; copies_join = copy candidates on the executors; copy_links = the
driver linking them; cluster_buckets = time buckets clustered on the executors; copies_and_stories = the driver's
Pipeline storing it all; briefings = analyze+summarize on the executors; write), the scaling 1 -> 2 cores, and peak
memory of the Python workers (the executors' Python side; sampled every 0.5 s with psutil) and of the JVM. Then, on
paper from the measured per-step rates, the cluster that would process 1M and 100M articles a day and where the job
stops scaling.
``--compare`` instead runs `tidings run` and `tidings spark` in several modes on the same stream and prints how far
their stories (B-cubed) and copies agree.

The stream is written as JSONL shards of ``--shard`` articles into a temporary folder, in story order, each run
into a fresh store.

    .venv/bin/python benchmarks/spark.py                      # the whole train+val stream (~8.3k articles; long)
    .venv/bin/python benchmarks/spark.py --limit 1000         # the first 1000 articles
    .venv/bin/python benchmarks/spark.py --limit 1000 --masters 'local[2]' --compare join/buckets join/driver
    .venv/bin/python benchmarks/spark.py --generated 10000 --masters 'local[2]'   # throughput.py's stream
    .venv/bin/python benchmarks/spark.py --limit 1000 --masters 'local[1]' --profile   # seconds per stage
"""

from __future__ import annotations

import argparse
import cProfile
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import load_allsides_crawl, load_neus, write_jsonl
from resume import bcubed  # B-cubed of two partitions (item -> story), gold first

DAY = 86_400


class PeakMemory:
    """Peak RSS of the Spark Python workers (largest one, and all of them together) and of the JVM, sampled."""

    def __init__(self, every: float = 0.5) -> None:
        self.every = every
        self.worker_peak = self.workers_total_peak = self.jvm_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in me.children(recursive=True):
                try:
                    cmd = " ".join(proc.cmdline())
                    rss = proc.memory_info().rss
                except psutil.Error:
                    continue
                if "java" in cmd:
                    self.jvm_peak = max(self.jvm_peak, rss)
                elif "pyspark" in cmd or "python" in cmd:
                    total += rss
                    self.worker_peak = max(self.worker_peak, rss)
            self.workers_total_peak = max(self.workers_total_peak, total)
            self._stop.wait(self.every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def run(
    master: str, folder: Path, work: Path, copies: str = "join", cluster: str = "buckets", briefings: bool = True,
    profile: bool = False,
) -> dict[str, Any]:
    from tidings.spark import run_spark, start_session

    out = work / f"{master.replace('[', '-').replace(']', '')}-{copies}-{cluster}"
    started = time.perf_counter()
    spark = start_session(master, conf=PROFILERS) if profile else None
    session = time.perf_counter() - started
    driver = cProfile.Profile()
    with PeakMemory() as peak:
        if profile:
            driver.enable()
        result = run_spark([str(folder)], out, master, copies=copies, cluster=cluster, briefings=briefings,
                           spark=spark)
        driver.disable()
    wall = time.perf_counter() - started
    if spark is not None:
        result.timings["session"] = session
        print_profile(spark, driver, work / f"profiles-{out.name}", master)
        spark.stop()
    n = len(result.article_ids)
    return {
        "articles": n,
        "stories": len(result.story_ids),
        "wall": wall,
        **result.timings,
        "worker_peak_mb": peak.worker_peak / 2**20,
        "workers_total_peak_mb": peak.workers_total_peak / 2**20,
        "jvm_peak_mb": peak.jvm_peak / 2**20,
        "store": str(out / "tidings.db"),
    }


def outcome(db: str) -> tuple[dict[str, str], dict[str, tuple[str | None, str | None]]]:
    """Article -> story, and article -> (original, relation) for copies, from a store (briefings built or not)."""
    from tidings.store import Store

    store = Store(db)
    articles = [a for a, *_ in store.iter_replay_rows(0)]
    store.close()
    copies = {a.id: (a.copy_of, a.relation) for a in articles if a.copy_of}
    return {a.id: a.story_id or a.id for a in articles}, copies


def compare(folder: Path, work: Path, master: str, modes: list[str]) -> None:
    """`tidings run` on the stream, then `tidings spark` in each mode (copies/cluster): how far their stories and
    copies agree (the briefings are left out of both: they follow from the stories)."""
    from tidings.pipeline import Pipeline

    started = time.perf_counter()
    pipeline = Pipeline(db=work / "run.db")
    pipeline.run([str(folder)], collect=False, build_stories=False)
    print(f"tidings run: {time.perf_counter() - started:.1f}s; driver steps: "
          + ", ".join(f"{k} {v:.1f}s" for k, v in pipeline.timings.items()), flush=True)
    gold, gold_copies = outcome(str(work / "run.db"))
    for mode in modes:
        copies, cluster = mode.split("/")
        r = run(master, folder, work, copies, cluster, briefings=False)
        stories, found = outcome(r["store"])
        p, rc, f = bcubed(gold, stories)
        same = sum(1 for k in set(found) | set(gold_copies) if found.get(k) == gold_copies.get(k))
        by_story = lambda labels: {frozenset(i for i in labels if labels[i] == s) for s in set(labels.values())}  # noqa: E731
        print(
            f"{master} --copies {copies} --cluster {cluster}: {len(stories)} articles, B-cubed against tidings run "
            f"P {p:.4f} R {rc:.4f} F1 {f:.4f}; stories identical {len(by_story(stories) & by_story(gold))} of "
            f"{len(set(gold.values()))}; copy relations equal {same} of {len(set(found) | set(gold_copies))} "
            f"({len(gold_copies)} in tidings run); " + ", ".join(
                f"{k} {r[k]:.1f}s" for k in ("read", "first_cleaning", "copies_join", "copy_links",
                                             "cluster_buckets", "copies_and_stories", "briefings") if k in r),
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="the first N articles of the stream")
    parser.add_argument("--skip", type=int, default=0, help="leave out the stream's first N articles")
    parser.add_argument("--shard", type=int, default=100, help="articles per JSONL file (a read task each)")
    parser.add_argument("--masters", nargs="+", default=["local[1]", "local[2]"])
    parser.add_argument("--copies", choices=("join", "driver"), default="join")
    parser.add_argument("--cluster", choices=("buckets", "driver"), default="buckets")
    parser.add_argument(
        "--compare", nargs="+", metavar="COPIES/CLUSTER", default=None,
        help="instead: run `tidings run`, then `tidings spark` at the last master in each mode (e.g. join/buckets "
        "join/driver driver/driver) and print the B-cubed agreement of the stories and the equal copy relations",
    )
    parser.add_argument("--profile", action="store_true",
                        help="turn on Spark's Python profilers and cProfile on the driver; print seconds per stage")
    parser.add_argument("--stream", choices=("neus", "crawl"), default="neus",
                        help="neus: NeuS/AllSides train+val (mostly undated); crawl: the dated AllSides crawl")
    parser.add_argument(
        "--generated", type=int, default=None, metavar="N",
        help="instead of --stream: the first N articles of benchmarks/throughput.py's generated stream (its own "
        "functions: real texts of NeuS, ECB+ and the extraction benchmark, all dated, later generations perturbed), "
        "in its JSONL files of 10k articles",
    )
    parser.add_argument(
        "--offline-buckets", nargs="+", type=float, metavar="DAYS", default=None,
        help="instead: `tidings run`, then the bucket clustering's functions in plain Python for these bucket widths",
    )
    args = parser.parse_args()
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        if args.generated:
            from throughput import base_pool, build_input

            build_input(args.generated, folder, base_pool())
        else:
            items = (load_neus(("train", "val")) if args.stream == "neus" else load_allsides_crawl())
            items = items[args.skip :][: args.limit]
            for k in range(0, len(items), args.shard):
                write_jsonl(items[k : k + args.shard], folder / f"{k // args.shard:05d}.jsonl")
        if args.offline_buckets:
            offline_buckets(folder, Path(tmp), args.offline_buckets)
            return
        if args.compare:
            compare(folder, Path(tmp), args.masters[-1], args.compare)
            return
        for master in args.masters:
            r = results[master] = run(master, folder, Path(tmp), args.copies, args.cluster, profile=args.profile)
            names = ("session", "read", "first_cleaning", "copies_join", "copy_links", "cluster_buckets",
                     "copies_and_stories", "briefings", "write")
            steps = ", ".join(f"{k} {r[k]:.1f}s" for k in names if k in r)
            print(
                f"{master}: {r['articles']:.0f} articles, {r['stories']:.0f} stories in {r['wall']:.1f}s "
                f"({r['articles'] / r['wall']:.1f} articles/s; without session start "
                f"{r['articles'] / (r['wall'] - r['session']):.1f}/s); {steps}; peak memory: largest Python worker "
                f"{r['worker_peak_mb']:.0f} MB, all workers {r['workers_total_peak_mb']:.0f} MB, JVM "
                f"{r['jvm_peak_mb']:.0f} MB",
                flush=True,
            )
    if {"local[1]", "local[2]"} <= set(results):
        one, two = results["local[1]"], results["local[2]"]
        for step in (*EXECUTOR_STEPS, *DRIVER_STEPS):
            if step in one and step in two:
                print(f"scaling 1 -> 2 cores, {step}: {one[step] / max(two[step], 1e-9):.2f}x")
        print(
            f"scaling 1 -> 2 cores, whole job without session start: "
            f"{(one['wall'] - one['session']) / (two['wall'] - two['session']):.2f}x"
        )
    # the last run: the first one's driver step also loads the model and the spaCy pipeline on the driver
    on_paper(results[args.masters[-1]], cores=int(re.sub(r"\D", "", args.masters[-1]) or 1))


def offline_buckets(folder: Path, work: Path, widths: list[float]) -> None:
    """`tidings run` on the stream, then `--cluster buckets`' own functions (``cluster_bucket``, ``story_edges``,
    ``edge_merges``, ``final_stories``) in plain Python over its stored articles, vectors and batches, for several
    bucket widths: B-cubed against the run's stories with and without the edge pass (no Spark, no model work)."""
    import pickle
    from collections import defaultdict
    from dataclasses import replace

    from tidings.pipeline import Pipeline
    from tidings.settings import Settings, SparkSettings
    from tidings.spark import UNDATED, bucket_of, cluster_bucket, edge_merges, final_stories, first_joins, story_edges
    from tidings.store import Store

    Pipeline(db=work / "run.db").run([str(folder)], collect=False, build_stories=False)
    settings = Settings()
    store = Store(str(work / "run.db"))
    rows, gold = [], {}
    for article, _, vector, number, seq in store.iter_replay_rows(settings.cluster.lead_chars):
        gold[article.id] = article.story_id
        rows.append({"batch": number, "row": seq, "article": pickle.dumps(replace(article, story_id=None)),
                     "vector": vector.astype("<f4").tobytes()})
    store.close()
    undated = sum(1 for r in rows if pickle.loads(r["article"]).published is None)
    print(f"tidings run: {len(rows)} articles ({undated} undated), {len(set(gold.values()))} stories")
    groups = lambda labels: {frozenset(i for i in labels if labels[i] == x) for x in set(labels.values())}  # noqa: E731
    for days in widths:
        s = replace(settings, spark=SparkSettings(cluster_bucket_days=days))
        buckets: dict[int, list] = defaultdict(list)
        for r in rows:
            buckets[bucket_of(pickle.loads(r["article"]), days)].append(r)
        placed = [(b, *p) for b, members in buckets.items() for p in cluster_bucket(members, s)]
        halves = {aid: sid for _, aid, sid, _, _ in placed}
        tasks: dict[int, list] = defaultdict(list)
        edges = story_edges(placed, days, s.cluster.window_days)
        for r in rows:
            sid = halves[pickle.loads(r["article"]).id]
            for key, side in edges.get(sid, ()):
                tasks[key].append({**r, "story": sid, "side": side})
        merges = [m for members in tasks.values() for m in edge_merges(members, s)]
        one_way = [p for members in tasks.values()
                   for p in first_joins(sorted(members, key=lambda m: m["row"]), "before", s).items()]
        for name, found in (("without the edge pass", final_stories(placed, [])),
                            (f"edge pass one way only ({len(one_way)} merges)", final_stories(placed, one_way)),
                            ("with the edge pass", final_stories(placed, merges))):
            p, r, f = bcubed(gold, found)
            print(f"buckets of {days:g} days: {len(buckets)} buckets ({'with' if UNDATED in buckets else 'no'} undated "
                  f"bucket), {len(tasks)} edge tasks, {len(merges)} edge merges; {name}: B-cubed P {p:.4f} R {r:.4f} "
                  f"F1 {f:.4f}, stories identical {len(groups(found) & groups(gold))} of {len(set(gold.values()))}",
                  flush=True)


PROFILERS = {"spark.python.profile": "true"}
"""Spark's Python profiler for ``--profile``: cProfile in every Python worker (an RDD's tasks whole, serialization
included; a pandas UDF's calls)."""
STAGES = (
    ("read (executors)", "executors", "spark.py", "read_partition"),
    ("  ingest", "executors", "spark.py", "read_units"),
    ("  clean", "executors", "clean.py", "clean"),
    ("  language detection (in clean)", "executors", "resources.py", "detect_language"),
    ("  article vectors", "executors", "pipeline.py", "article_vectors"),
    ("copy join: signatures, band keys (executors)", "executors", "spark.py", "copy_rows"),
    ("copy join: reworded blocks (executors)", "executors", "spark.py", "reworded_block"),
    ("buckets: clusterers (executors)", "executors", "spark.py", "cluster_bucket"),
    ("buckets: edge merges (executors)", "executors", "spark.py", "edge_merges"),
    ("briefings (executors)", "executors", "spark.py", "build_story_rows"),
    ("  spaCy", "executors", "text.py", "read_paragraphs"),
    ("  analyze", "executors", "analyze.py", "analyze_story"),
    ("  summarize", "executors", "summarize.py", "summarize_story"),
    ("the model, all steps (executors)", "executors", "onnxruntime_inference_collection.py", "run"),
    ("Spark's serializers (executors)", "executors", "serializers.py", "load_stream"),
    ("first cleaning (driver)", "driver", "spark.py", "first_cleaning"),
    ("  clean", "driver", "clean.py", "clean"),
    ("store: Pipeline.run (driver)", "driver", "pipeline.py", "run"),
    ("  clean (Pipeline._clean)", "driver", "pipeline.py", "_clean"),
    ("briefings: vectors looked up (driver)", "driver", "spark.py", "briefing_vectors"),
)
"""What ``--profile`` prints: a function's cumulative seconds in the profiles of one side (executors: summed over
their files, a file per RDD or UDF; the driver's own cProfile)."""


def print_profile(spark: Any, driver: cProfile.Profile, folder: Path, master: str) -> None:
    """Per stage, the cumulative seconds in the executors' profiles and in the driver's."""
    import glob
    import io
    import pstats

    spark.sparkContext.dump_profiles(str(folder / "executors"))  # rdd_N: an RDD's tasks; udf_N: a UDF's
    driver.dump_stats(str(folder / "driver.pstats"))
    sides = {"executors": glob.glob(str(folder / "executors" / "*.pstats")), "driver": [str(folder / "driver.pstats")]}
    loaded = {side: [pstats.Stats(f, stream=io.StringIO()).stats for f in files] for side, files in sides.items()}  # type: ignore[attr-defined]

    def seconds(side: str, where: str, name: str) -> float:
        return sum(max((ct for (path, _, func), (_, _, _, ct, _) in stats.items()
                        if Path(path).name == where and func == name), default=0.0) for stats in loaded[side])

    print(f"{master}: where the time goes (cumulative seconds in cProfile, which slows Python code; executors summed "
          "over tasks):")
    for label, side, where, name in STAGES:
        print(f"  {label:<48} {seconds(side, where, name):8.1f}")


DRIVER_STEPS = ("first_cleaning", "copy_links", "copies_and_stories")
"""Steps on the driver's one core: the first cleaning (the template memory learns in input order), linking the copies
the join found, and the Pipeline that stores them (copy links, store writes; it takes the first cleaning; with
--copies driver it cleans, and with --cluster/--copies driver also runs the clusterer and the detector's indexes)."""
EXECUTOR_STEPS = ("read", "copies_join", "cluster_buckets", "briefings")
"""Steps spread over the executors (their wall time here, at the run's cores)."""


def on_paper(r: dict[str, Any], cores: int) -> None:
    """Cores and driver time per day for 1M and 100M articles, from one run's measured per-step costs."""
    n = r["articles"]
    parallel_core_s = sum(r.get(k, 0.0) for k in EXECUTOR_STEPS) * cores / n  # executor core-seconds per article
    driver_s = sum(r.get(k, 0.0) for k in DRIVER_STEPS) / n  # one core on the driver, not parallel
    parts = ", ".join(f"{k} {r.get(k, 0.0) / n * 1000:.1f}" for k in DRIVER_STEPS)
    print(
        f"on paper (from {n:.0f} articles at {cores} core(s)): executors {parallel_core_s * 1000:.0f} core-ms/article"
        f" ({' + '.join(EXECUTOR_STEPS)}), driver {driver_s * 1000:.1f} ms/article ({parts})"
    )
    for per_day in (1_000_000, 100_000_000):
        executor_cores = per_day * parallel_core_s / DAY
        driver_share = per_day * driver_s / DAY
        verdict = (
            "fits one driver"
            if driver_share < 0.8
            else f"does NOT fit: the driver would need {driver_share:.1f} days per day"
        )
        print(
            f"  {per_day:>11,} articles/day: ~{executor_cores:,.0f} executor cores busy all day "
            f"(x2 for peaks: {2 * executor_cores:,.0f}); driver busy {driver_share * 100:.0f}% of the day: {verdict}"
        )
    print(
        f"  the job stops scaling at ~{DAY / driver_s / 1e6:.1f}M articles/day: the driver's one-core steps "
        "(the one cleaning, whose template memory learns in input order, linking copies, and the store writes)"
    )


if __name__ == "__main__":
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    main()
