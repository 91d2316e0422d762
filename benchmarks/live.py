"""tidings live: start-up, arrival-to-briefing latency, sustained articles/s and memory of one `tidings watch`
process following a local feed, over a store of 10k articles (100k with ``--big``).

The stored part is generated, not run through the pipeline (10k articles would take hours of embedding on 2
shared cores): the real pipeline first stores ``--seed`` articles of the AllSides crawl (../shared/corpora, read
at run time; their texts, MinHash signatures, embeddings, stories, briefings), then their rows are copied in SQL
until the store holds ``--stored`` articles: copy k of every article and story gets new ids and its dates moved
back k * 30 days (``--shift-days``; so copies fall in other time windows than the seed and than each other), and
copies come first in storage order (the order a warming pipeline replays), as older articles would. With
``--shift-days 0`` copies keep the seed's dates: the last week of a 10k store then holds 1,812 articles (~260 a day,
a busy aggregator; ten times as many at 100k) instead of the seed's 64. Texts, signatures and vectors
repeat the seed's, which is what the indexes load; line memory and raw documents are not copied.

Then one ``Pipeline`` is opened on the store and timed until its copy detector and clusterer are warm (start-up;
past ``max_replay_articles`` it loads the open window of the store only, ``ClusterSettings.warm_window_days``),
and a local feed server (127.0.0.1, this process, the RSS reading of benchmarks/watch.py) publishes the next
``--arrivals`` AllSides articles at ``--rate`` per second in real time, each dated on simulated days
(``--per-day`` articles a day, starting the day after the seed's last). The watch loop polls back to back (not
every 5 minutes: this measures the engine, not the schedule). Latency of an article: from the moment the server
publishes it to the end of the cycle that stored it and rebuilt its story's briefing.

    .venv/bin/python benchmarks/live.py                       # 10k stored, 60 arrivals at 1/s
    .venv/bin/python benchmarks/live.py --big                 # 100k stored
    .venv/bin/python benchmarks/live.py --stored 1000000      # 1M stored (~20 GB of disk, ~10 min to copy)
    .venv/bin/python benchmarks/live.py --shift-days 0        # a denser store: ~260 articles a day
    .venv/bin/python benchmarks/live.py --arrivals 120 --rate 2 --per-day 40
"""

from __future__ import annotations

import argparse
import html
import http.server
import json
import os
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import Item, load_allsides_crawl, write_jsonl
from watch import answer_feed


def rss(entries: list[tuple[Item, datetime]]) -> bytes:
    """A feed of full-text entries, newest first, with their simulated publication dates."""
    items = "".join(
        f"<item><title>{html.escape(i.title)}</title><link>https://live.example/{i.id}</link>"
        f"<guid>https://live.example/{i.id}</guid><pubDate>{format_datetime(day)}</pubDate><content:encoded>"
        + html.escape("".join(f"<p>{html.escape(p)}</p>" for p in i.text.split("\n") if p.strip()))
        + "</content:encoded></item>"
        for i, day in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>live</title>'
        f"<link>https://live.example/</link><language>en</language>{items}</channel></rss>"
    ).encode()


class FeedServer:
    """One feed on 127.0.0.1 that grows as articles are published; it keeps the newest ``window`` entries (as real
    feeds do), answers 304 to a matching ETag, and remembers how many entries each answer carried."""

    def __init__(self, window: int = 50) -> None:
        self.published: list[tuple[Item, datetime, float]] = []  # item, simulated date, wall time published
        self.served: set[int] = set()  # indexes of the entries some 200 answer carried
        self.lock = threading.Lock()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with owner.lock:
                    count = len(owner.published)
                    entries = [(i, d) for i, d, _ in owner.published[-window:]][::-1]
                if answer_feed(self, f'"{count}"', lambda: rss(entries)):
                    with owner.lock:
                        owner.served.update(range(max(0, count - window), count))

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/live.xml"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def publish(self, items: list[tuple[Item, datetime]], rate: float) -> None:
        """Publish ``items`` one by one, ``rate`` per second (in a thread)."""
        for item, day in items:
            with self.lock:
                self.published.append((item, day, time.perf_counter()))
            time.sleep(1 / rate)


def grow_store(db: str, target: int, shift_days: int = 30) -> tuple[int, float]:
    """Copy the stored articles and stories (SQL on the SQLite store) until it holds ``target`` articles; returns
    the copies made and the seconds it took. See the module docstring."""
    from tidings.store import fts_rowid

    started = time.perf_counter()
    con = sqlite3.connect(db)
    n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    copies = max(0, -(-target // n) - 1)  # ceil(target / n) - 1
    max_seq = con.execute("SELECT max(seq) FROM articles").fetchone()[0]
    max_batch = con.execute("SELECT coalesce(max(batch), 0) FROM articles").fetchone()[0]
    # the seed moves to the end of storage order; copy k (older by k * 30 days) goes to slot copies - k
    con.execute("UPDATE articles SET seq = seq + ?, batch = batch + ?", (copies * max_seq, copies * max_batch))
    cols = [r[1] for r in con.execute("PRAGMA table_info(articles)")]
    stories = con.execute("SELECT id, data FROM stories").fetchall()
    made = 0
    for k in range(1, copies + 1):
        left = target - n - made
        if left <= 0:
            break
        shift = f"-{k * shift_days} days"
        values = {c: c for c in cols}
        values.update({
            "id": f"substr(id, 1, 30) || printf('~%09d', {k})",
            "story_id": f"substr(story_id, 1, 30) || printf('~%09d', {k})",
            "copy_of": f"CASE WHEN copy_of IS NULL THEN NULL ELSE substr(copy_of, 1, 30) || printf('~%09d', {k}) END",
            "published": f"CASE WHEN published IS NULL THEN NULL ELSE date(published, '{shift}') "
                         "|| substr(published, 11) END",
            "seq": f"seq - {(copies * max_seq)} + {(copies - k) * max_seq}",
            "batch": f"CASE WHEN batch IS NULL THEN NULL ELSE batch - {copies * max_batch} + "
                     f"{(copies - k) * max_batch} END",
        })  # fmt: skip
        con.execute(f"INSERT INTO articles ({', '.join(cols)}) SELECT {', '.join(values[c] for c in cols)} "
                    f"FROM articles WHERE seq > {copies * max_seq} ORDER BY seq LIMIT {left}")  # fmt: skip
        made += min(left, n)
        suffix = f"~{k:09d}"
        rows = []
        for story_id, data in stories:
            briefing = json.loads(data or "{}")
            if briefing:
                rename = {a: a[:30] + suffix for a in briefing.get("article_ids", [])}
                text = json.dumps(briefing, ensure_ascii=False)
                for old, new in rename.items():
                    text = text.replace(old, new)
                data = text.replace(story_id, story_id[:30] + suffix)
            rows.append((story_id[:30] + suffix, data))
        _copy_stories(con, stories, rows)
    # stories whose articles were cut by the target are made consistent (their count) and the copies' counts
    con.execute("DELETE FROM stories WHERE id NOT IN (SELECT story_id FROM articles WHERE story_id IS NOT NULL)")
    con.execute(
        "UPDATE stories SET n_articles = (SELECT count(*) FROM articles WHERE story_id = stories.id) "
        "WHERE id LIKE '%~%'"
    )
    con.create_function("fts_rowid", 1, fts_rowid, deterministic=True)  # a story's full-text row is at its rowid
    con.execute(
        "INSERT INTO stories_fts (rowid, story_id, headline, body) SELECT fts_rowid(id), id, headline, search_text "
        "FROM stories WHERE id LIKE '%~%'"
    )
    con.commit()
    con.close()
    return made, time.perf_counter() - started


def _copy_stories(con: sqlite3.Connection, stories: list[tuple[str, str]], rows: list[tuple[str, str]]) -> None:
    """Insert the renamed copies of the seed's story rows (same values but id and briefing JSON)."""
    cols = [r[1] for r in con.execute("PRAGMA table_info(stories)")]
    others = [c for c in cols if c not in ("id", "data")]
    query = (
        f"INSERT INTO stories (id, data, {', '.join(others)}) SELECT ?, ?, {', '.join(others)} "
        "FROM stories WHERE id = ?"
    )
    pairs = zip(rows, stories, strict=True)
    con.executemany(query, [(new_id, data, old_id) for (new_id, data), (old_id, _) in pairs])


def _copy_store(source: str, target: str) -> None:
    """Copy a SQLite store (its write-ahead log folded in first)."""
    con = sqlite3.connect(source)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    shutil.copyfile(source, target)


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stored", type=int, default=10_000, help="articles in the store before watching")
    parser.add_argument("--big", action="store_true", help="100,000 stored articles (sets --stored)")
    parser.add_argument("--seed", type=int, default=300, help="AllSides articles run through the pipeline and copied")
    parser.add_argument("--arrivals", type=int, default=60, help="articles published on the feed while watching")
    parser.add_argument("--rate", type=float, default=1.0, help="articles published per second (real time)")
    parser.add_argument("--per-day", type=int, default=30, help="articles per simulated day")
    parser.add_argument("--window", type=int, default=50, help="entries the feed keeps (its newest)")
    parser.add_argument("--shift-days", type=int, default=30, help="copy k of the seed is dated k times this earlier")
    parser.add_argument("--db", help="keep the generated store here, as it is before the watch (default: a temporary "
                        "folder); if the file exists, it is used (a copy of it) instead of generating one")
    args = parser.parse_args()
    stored = 100_000 if args.big else args.stored

    from tidings.pipeline import Pipeline
    from tidings.watch import watch_once

    items = load_allsides_crawl()
    items.sort(key=lambda i: (i.published or "", i.id))
    seed, arrivals = items[: args.seed], items[args.seed : args.seed + args.arrivals]
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "live.db")
        seed_s = grow_s = 0.0
        copied = 0
        reused = bool(args.db and Path(args.db).exists())
        if not reused:
            jsonl = Path(tmp) / "seed.jsonl"
            write_jsonl([Item(**{**i.__dict__, "story": None}) for i in seed], jsonl)  # stories found, not given
            started = time.perf_counter()
            Pipeline(db=db).run([str(jsonl)], collect=False)
            seed_s = time.perf_counter() - started
            copied, grow_s = grow_store(db, stored, args.shift_days)
            if args.db:
                _copy_store(db, args.db)
        else:  # a store generated before: the watch runs on a copy, and a new process pays its imports here
            _copy_store(args.db, db)

        # start-up: a new process's Pipeline until its copy detector and clusterer are warm
        before = rss_mb()
        started = time.perf_counter()
        pipeline = Pipeline(db=db)
        pipeline._warm()  # what the first batch of a run does (private: the cost a restart pays before reading)
        startup_s = time.perf_counter() - started
        startup_mb = rss_mb() - before
        loaded = getattr(pipeline, "_held", None)  # None: a tidings that loads every stored article
        total = pipeline.store.count_articles()

        pipeline.settings.watch.summary_max_words = 0  # entries are full text: never fetch a linked page
        server = FeedServer(args.window)
        pipeline.store.add_watch_source(server.url, "feed")
        last_seed = max(datetime.fromisoformat(i.published[:10]) for i in seed if i.published).replace(tzinfo=UTC)
        dated = [
            (item, last_seed + timedelta(days=1 + n // args.per_day, minutes=n % args.per_day * 20))
            for n, item in enumerate(arrivals)
        ]
        publisher = threading.Thread(target=server.publish, args=(dated, args.rate), daemon=True)
        now = datetime.now(UTC)
        latencies: list[float] = []
        stored_new = 0
        cycles = 0
        first_published = time.perf_counter()
        publisher.start()
        timed: set[int] = set()
        while True:
            finished = not publisher.is_alive()  # read before the cycle: it then sees every entry
            now += timedelta(seconds=pipeline.settings.watch.every + 1)  # the source is due at every cycle
            report = watch_once(pipeline, now=now)
            done = time.perf_counter()
            cycles += 1
            stored_new += report.new_articles
            with server.lock:
                for n in sorted(server.served - timed):
                    latencies.append(done - server.published[n][2])
                timed |= server.served
            if finished:
                break
            if not report.documents:
                time.sleep(0.05)
        missed = len(dated) - len(timed)  # fell out of the feed's newest entries before a poll saw them
        elapsed = time.perf_counter() - first_published
        assert not pipeline.store.dirty_story_ids()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        now_mb = rss_mb()
        pipeline.store.close()

    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    made = (f"a copy of {args.db}" if reused else
            f"{args.seed} AllSides articles through the pipeline in {seed_s:.0f} s, {copied:,} copies made in SQL in "
            f"{grow_s:.1f} s, dated {args.shift_days} days apart")
    print(
        f"store: {total:,} articles ({made}); {len(dated)} arrivals at {args.rate}/s, {args.per_day} a simulated day; "
        f"cpus {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}"
    )
    print()
    print("| measure | value |")
    print("|---|---|")
    print(f"| start-up: Pipeline opened and its indexes warm | {startup_s:.2f} s (+{startup_mb:.0f} MB) |")
    print(f"| stored articles loaded at start-up | {loaded or total:,} of {total:,} |")
    print(f"| arrival to briefing, p50 | {statistics.median(latencies):.2f} s |")
    print(f"| arrival to briefing, p99 | {p99:.2f} s |")
    print(f"| arrival to briefing, max | {latencies[-1]:.2f} s |")
    print(
        f"| sustained: articles stored / wall time | {stored_new / elapsed:.2f} articles/s ({stored_new} in "
        f"{elapsed:.1f} s, {cycles} cycles; published at {args.rate}/s) |"
    )
    print(f"| entries never polled (out of the feed's {args.window} newest before a poll) | {missed} |")
    print(f"| memory: resident at the end / peak | {now_mb:.0f} MB / {peak_mb:.0f} MB |")


if __name__ == "__main__":
    main()
