"""The watch loop's latency: from an entry appearing on a feed to its story's briefing in the store.

A local feed server (127.0.0.1, in this process) publishes ECB+ documents (../shared/corpora/ecbplus, read at run
time) one at a time on an RSS feed; the store first holds ``--store`` other ECB+ documents. Reported:

- warm: ``tidings watch``'s case, one long-lived Pipeline: the first cycle (it loads the copy and story indexes),
  then for each later entry the time of the cycle that reads it (poll, conditional GET, read, clean, dedupe,
  cluster, store, re-brief its story); p50 and max;
- cold: what an update costs without the loop, ``tidings run FEED_URL`` in a new process per update (interpreter,
  imports, models, indexes, then the same work); each run finds one new entry;
- unchanged feeds: one cycle over ``--feeds`` feeds that all answer 304 (ETag), in ms.

    .venv/bin/python benchmarks/watch.py                         # --store 200 --new 6 --cold 2 --feeds 50
    .venv/bin/python benchmarks/watch.py --store 1000 --new 10

Numbers depend on the machine and its load (2 shared cores here); the table says what ran.
"""

from __future__ import annotations

import argparse
import html
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import Item, load_ecbplus


def rss(items: list[Item]) -> bytes:
    entries = "".join(
        f"<item><title>{html.escape(i.title)}</title><link>https://ecb.example/{i.id}</link>"
        f"<guid>https://ecb.example/{i.id}</guid><content:encoded>"
        + html.escape("".join(f"<p>{html.escape(p)}</p>" for p in i.text.split("\n") if p.strip()))
        + "</content:encoded></item>"
        for i in items
    )
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>bench</title>'
            f"<link>https://ecb.example/</link><language>en</language>{entries}</channel></rss>").encode()


def answer_feed(handler: http.server.BaseHTTPRequestHandler, etag: str, make_body: Callable[[], bytes]) -> bool:
    """Answer a feed request as a polite server does: 304 to a matching If-None-Match, else the body with its ETag.
    Whether the body was sent."""
    if handler.headers.get("If-None-Match") == etag:
        handler.send_response(304)
        handler.end_headers()
        return False
    body = make_body()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Content-Length", str(len(body)))
    handler.send_header("ETag", etag)
    handler.end_headers()
    handler.wfile.write(body)
    return True


class Server:
    """Feeds by path, with an ETag per body and 304 for a matching If-None-Match."""

    def __init__(self) -> None:
        self.feeds: dict[str, bytes] = {}
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = owner.feeds.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                answer_feed(self, f'"{hash(body) & 0xFFFFFFFF:x}"', lambda: body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=int, default=200, help="ECB+ documents in the store before watching")
    parser.add_argument("--new", type=int, default=6, help="entries published one at a time to the warm loop")
    parser.add_argument("--cold", type=int, default=2, help="updates timed as a `tidings run` process each")
    parser.add_argument("--feeds", type=int, default=50, help="unchanged feeds in the 304 cycle")
    args = parser.parse_args()

    from tidings.pipeline import Pipeline
    from tidings.watch import watch_once

    items = load_ecbplus()
    base, fresh = items[: args.store], items[args.store : args.store + args.new + args.cold]
    server = Server()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "watch.db")
        jsonl = Path(tmp) / "base.jsonl"
        jsonl.write_text("".join(json.dumps({"title": i.title, "text": i.text, "url": f"https://ecb.example/{i.id}"})
                                 + "\n" for i in base), encoding="utf-8")
        started = time.perf_counter()
        Pipeline(db=db).run([str(jsonl)], collect=False)
        fill = time.perf_counter() - started

        # warm: one pipeline, one entry published per cycle
        pipeline = Pipeline(db=db)
        pipeline.store.add_watch_source(f"{server.base}/news.xml", "feed")
        now = datetime.now(UTC)
        warm: list[float] = []
        for n in range(1, args.new + 1):
            server.feeds["/news.xml"] = rss(fresh[:n][::-1])  # newest first, as feeds are
            now += timedelta(seconds=pipeline.settings.watch.every + 1)
            started = time.perf_counter()
            report = watch_once(pipeline, now=now)
            warm.append(time.perf_counter() - started)
            assert report.new_articles == 1 and not pipeline.store.dirty_story_ids(), report.line()

        # unchanged feeds: all answer 304 on their second poll
        for f in range(args.feeds):
            server.feeds[f"/f{f}.xml"] = rss(fresh[:0])
            pipeline.store.add_watch_source(f"{server.base}/f{f}.xml", "feed")
        now += timedelta(seconds=pipeline.settings.watch.every + 1)
        watch_once(pipeline, now=now)
        now += timedelta(seconds=pipeline.settings.watch.every + 1)
        started = time.perf_counter()
        report = watch_once(pipeline, now=now)
        unchanged = time.perf_counter() - started
        assert report.not_modified == args.feeds + 1, report.line()
        pipeline.store.close()

        # cold: `tidings run FEED` in a new process per update
        cold: list[float] = []
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
        for n in range(args.new + 1, args.new + args.cold + 1):
            server.feeds["/news.xml"] = rss(fresh[:n][::-1])
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "tidings.cli", "run", f"{server.base}/news.xml", "--db", db,
                                   "-q"], env=env, capture_output=True, text=True)
            cold.append(time.perf_counter() - started)
            assert done.returncode == 0, done.stderr[-2000:]

    print(f"store: {args.store} ECB+ documents (filled in {fill:.1f} s); {len(warm)} entries published one at a time;"
          f" cpus {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
    print()
    print("| case | n | p50 s | max s |")
    print("|---|---|---|---|")
    print(f"| warm: first cycle (loads the indexes) | 1 | {warm[0]:.2f} | {warm[0]:.2f} |")
    if len(warm) > 1:
        print(f"| warm: a new entry to its story's briefing | {len(warm) - 1} | {statistics.median(warm[1:]):.2f} "
              f"| {max(warm[1:]):.2f} |")
    if cold:
        print(f"| cold: `tidings run FEED` per update | {len(cold)} | {statistics.median(cold):.2f} "
              f"| {max(cold):.2f} |")
    print(f"| a cycle of {args.feeds + 1} unchanged feeds (304) | 1 | {unchanged:.3f} | {unchanged:.3f} |")


if __name__ == "__main__":
    main()
