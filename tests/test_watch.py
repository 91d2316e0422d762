"""tidings watch: watched sources in the store, OPML, the polling loop against a local HTTP server, the Atom feed.

Feed content is the bundled fictional sample corpus (src/tidings/samples); the HTTP server runs in a thread on
127.0.0.1 and one cycle is run directly (``watch_once``), never by sleeping.
"""

from __future__ import annotations

import html
import http.server
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from typer.testing import CliRunner

from tidings.cli import app
from tidings.pipeline import Pipeline
from tidings.settings import Settings, WatchSettings
from tidings.sources import read_opml
from tidings.store import SCHEMA_VERSION, Store, articles_table, meta_table
from tidings.watch import backoff_seconds, watch_once

runner = CliRunner()
SAMPLES = Path(__file__).resolve().parents[1] / "src" / "tidings" / "samples" / "articles"


def tidings(*args: str):
    return runner.invoke(app, list(args))


# -- sources in the store ---------------------------------------------------------------------------------------


def test_a_version_2_store_is_upgraded_with_the_sources_tables(db):
    Store(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE sources")
        conn.execute("DROP TABLE source_entries")
    store = Store(db)
    with store.transaction() as conn:
        conn.execute(update(meta_table).where(meta_table.c.key == "schema_version").values(value="2"))
    store.close()
    store = Store(db)
    assert store.schema_version == SCHEMA_VERSION == 8
    assert store.add_watch_source("https://example.org/rss.xml", "feed")
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM source_entries")).scalar() == 0


def test_sources_add_list_remove(db, tmp_path, monkeypatch):
    from tidings import cli

    monkeypatch.setattr(cli.console, "width", 250)  # the table on one line per source, whatever runs the test
    res = tidings("sources", "add", "https://example.org/rss.xml", str(SAMPLES), str(tmp_path / "nope"), "--db", db)
    assert res.exit_code == 0, res.output
    assert "2 source(s) added" in res.output
    assert "nope: no such file or folder" in res.output
    assert "0 source(s) added, 1 already watched" in tidings("sources", "add", "https://example.org/rss.xml",
                                                           "--db", db).output
    kinds = {s.url: s.kind for s in Store(db).watch_sources()}
    assert kinds == {"https://example.org/rss.xml": "feed", str(SAMPLES): "folder"}
    listing = tidings("sources", "list", "--db", db)
    assert listing.exit_code == 0 and "https://example.org/rss.xml" in listing.output and "new" in listing.output
    assert tidings("sources", "remove", "https://example.org/rss.xml", "--db", db).exit_code == 0
    assert [s.url for s in Store(db).watch_sources()] == [str(SAMPLES)]
    missing = tidings("sources", "remove", "https://example.org/rss.xml", "--db", db)
    assert missing.exit_code == 1 and "not a watched source" in missing.output


def test_opml_round_trip(db, tmp_path):
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?>\n<opml version="1.0"><head><title>My feeds</title></head><body>'
        '<outline text="News"><outline type="rss" text="A" xmlUrl="https://a.example/feed.xml"/>'
        '<outline type="rss" text="B" xmlUrl="https://b.example/rss"/></outline>'
        '<outline type="rss" text="A again" xmlUrl="https://a.example/feed.xml"/>'
        f'<outline type="link" text="local" url="{SAMPLES}"/></body></opml>',
        encoding="utf-8",
    )
    res = tidings("sources", "import", str(opml), "--db", db)
    assert res.exit_code == 0, res.output
    assert "3 source(s), 3 added" in res.output
    out = tmp_path / "export.opml"
    assert tidings("sources", "export", "-o", str(out), "--db", db).exit_code == 0
    assert sorted(read_opml(out, 1_000_000)) == sorted(["https://a.example/feed.xml", "https://b.example/rss",
                                                         str(SAMPLES)])
    other = str(tmp_path / "other.db")
    assert tidings("sources", "import", str(out), "--db", other).exit_code == 0
    assert {(s.url, s.kind) for s in Store(other).watch_sources()} == {
        (s.url, s.kind) for s in Store(db).watch_sources()
    }


def test_a_bad_opml_file_is_one_line_naming_it(db, tmp_path):
    bad = tmp_path / "broken.opml"
    bad.write_text("<opml><body><outline", encoding="utf-8")
    res = tidings("sources", "import", str(bad), "--db", db)
    assert res.exit_code == 2
    assert "broken.opml: not well-formed XML" in res.output
    html = tmp_path / "page.opml"
    html.write_text("<html><body/></html>", encoding="utf-8")
    assert "not an OPML file" in tidings("sources", "import", str(html), "--db", db).output
    assert Store(db).watch_sources() == []



def test_watch_once_from_the_command_line(db, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text((SAMPLES / "data-breach_techpulse.txt").read_text(encoding="utf-8"))
    opml = tmp_path / "feeds.opml"
    opml.write_text(f'<opml version="2.0"><body><outline type="link" url="{folder}"/></body></opml>')
    assert tidings("watch", "--once", "--db", db).exit_code == 2  # nothing to watch yet
    res = tidings("watch", str(opml), "--once", "--every", "10m", "--db", db)
    assert res.exit_code == 0, res.output
    assert "polled 1 source(s)" in res.output and "1 new article(s)" in res.output
    (source,) = Store(db).watch_sources()
    assert source.url == str(folder) and source.articles_seen == 1
    assert datetime.fromisoformat(source.next_poll) - datetime.fromisoformat(source.last_success) == timedelta(
        minutes=10)
    again = tidings("watch", "--once", "--db", db)  # not due for ten minutes
    assert again.exit_code == 0 and "polled" not in again.output
    bad = tidings("watch", "--once", "--every", "soon", "--db", db)
    assert bad.exit_code == 2 and "not a duration" in bad.output


def test_durations():
    from tidings.cli import parse_duration

    assert [parse_duration(v) for v in ("90", "90s", "5m", "1.5h", "1d")] == [90, 90, 300, 5400, 86400]


# -- the watch loop against a local HTTP server -------------------------------------------------------------------

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
EVERY = 300.0


def sample_item(name: str, published: str, link: str | None = None, summary_only: bool = False) -> str:
    """An RSS item from a bundled sample article: its first line is the title, the rest the full text (or, with
    ``summary_only``, only its first sentence as the description)."""
    title, _, body = (SAMPLES / name).read_text(encoding="utf-8").partition("\n")
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    full = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    link = link or f"https://samples.example/{name}"
    content = (f"<description>{html.escape(paragraphs[-1][:160])}</description>" if summary_only else
               f"<description>{html.escape(paragraphs[0][:80])}</description>"
               f"<content:encoded>{html.escape(full)}</content:encoded>")
    return (f"<item><title>{html.escape(title)}</title><link>{link}</link><guid>{link}</guid>"
            f"<pubDate>{published}</pubDate>{content}</item>")


def rss(*items: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Samples</title>'
            "<link>https://samples.example/</link><language>en</language>"
            + "".join(items) + "</channel></rss>").encode("utf-8")


class FeedServer:
    """A local HTTP server: ``routes`` maps a path to (status, body, content type); feeds carry an ETag (a hash of
    the body) and answer 304 to a matching If-None-Match. ``requests`` records (path, If-None-Match) per GET."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes, str]] = {}
        self.headers: dict[str, dict[str, str]] = {}  # extra response headers by path
        self.requests: list[tuple[str, str | None]] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                given = self.headers.get("If-None-Match")
                owner.requests.append((self.path, given))
                status, body, ctype = owner.routes.get(self.path, (404, b"not found", "text/plain"))
                etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
                if status == 200 and given == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if status == 200:
                    self.send_header("ETag", etag)
                for name, value in owner.headers.get(self.path, {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def fetched(self, path: str) -> list[str | None]:
        """The If-None-Match of every GET of ``path`` so far."""
        return [given for p, given in self.requests if p == path]


def all_articles(store: Store) -> list:
    with store.engine.connect() as conn:
        return store.get_articles(conn.execute(select(articles_table.c.id)).scalars())


@pytest.fixture
def feeds():
    server = FeedServer()
    yield server
    server.server.shutdown()


@pytest.fixture
def pipeline(db):
    pipe = Pipeline(Settings(watch=WatchSettings(every=EVERY)), db=db)
    yield pipe
    pipe.store.close()


DAM = sample_item("dam-flood_cpsnews.txt", "Tue, 14 Apr 2026 09:00:00 +0000")
STRIKE = sample_item("port-strike_harbourgazette.txt", "Mon, 02 Mar 2026 08:00:00 +0000")
DAM_LATER = sample_item("dam-flood_nationalchronicle.txt", "Thu, 16 Apr 2026 10:00:00 +0000")


def test_a_feed_is_read_then_answers_304_then_grows(feeds, pipeline):
    store = pipeline.store
    feeds.routes["/feed.xml"] = (200, rss(DAM, STRIKE), "application/rss+xml")
    url = f"{feeds.base}/feed.xml"
    store.add_watch_source(url, "feed")

    first = watch_once(pipeline, now=T0)
    assert (first.polled, first.documents, first.new_articles, first.failed) == (1, 2, 2, 0)
    assert store.count_articles() == 2 and not store.dirty_story_ids()
    (source,) = store.watch_sources()
    assert source.etag and source.articles_seen == 2 and source.last_success == T0.isoformat()

    assert watch_once(pipeline, now=T0 + timedelta(seconds=EVERY / 2)).polled == 0  # not due yet
    second = watch_once(pipeline, now=T0 + timedelta(seconds=EVERY + 1))
    assert feeds.fetched("/feed.xml") == [None, source.etag]  # the second poll was conditional ...
    assert (second.polled, second.not_modified, second.documents) == (1, 1, 0)  # ... and got a 304
    assert store.count_articles() == 2

    feeds.routes["/feed.xml"] = (200, rss(DAM_LATER, DAM, STRIKE), "application/rss+xml")  # one new entry on top
    third = watch_once(pipeline, now=T0 + timedelta(seconds=2 * EVERY + 2))
    assert (third.documents, third.new_articles) == (1, 1)  # the two entries read before are not fed again
    assert store.count_articles() == 3 and not store.dirty_story_ids()
    new = [a for a in all_articles(store) if a.title.startswith("Minister orders review")]
    assert len(new) == 1
    story = store.get_story(new[0].story_id)
    assert story is not None and new[0].id in story.article_ids and story.summary  # briefed with the new article
    assert new[0].story_id in third.story_ids
    (source,) = store.watch_sources()
    assert source.articles_seen == 3 and source.etag != feeds.fetched("/feed.xml")[1]


def test_a_failing_source_backs_off_and_recovers(feeds, pipeline):
    store = pipeline.store
    url = f"{feeds.base}/broken.xml"
    feeds.routes["/broken.xml"] = (500, b"oops", "text/plain")
    store.add_watch_source(url, "feed")
    settings = pipeline.settings.watch

    report = watch_once(pipeline, now=T0)
    (source,) = store.watch_sources()
    assert report.failed == 1 and "500" in report.errors[url]
    assert source.error_count == 1 and "HTTP 500" in (source.last_error or "") and source.last_success is None
    first_wait = datetime.fromisoformat(source.next_poll) - T0
    assert first_wait.total_seconds() == backoff_seconds(1, settings) > EVERY

    assert watch_once(pipeline, now=T0 + timedelta(seconds=EVERY + 1)).polled == 0  # backing off: not polled
    later = T0 + first_wait
    watch_once(pipeline, now=later)
    (source,) = store.watch_sources()
    assert source.error_count == 2
    assert datetime.fromisoformat(source.next_poll) - later > first_wait  # the wait grows

    feeds.routes["/broken.xml"] = (200, rss(STRIKE), "application/rss+xml")
    back = datetime.fromisoformat(source.next_poll)
    assert watch_once(pipeline, now=back).new_articles == 1
    (source,) = store.watch_sources()
    assert source.error_count == 0 and source.last_success == back.isoformat()
    assert datetime.fromisoformat(source.next_poll) - back == timedelta(seconds=EVERY)
    assert len(feeds.fetched("/broken.xml")) == 3


def test_a_server_that_says_retry_after_is_left_alone_that_long(feeds, pipeline):
    url = f"{feeds.base}/busy.xml"
    feeds.routes["/busy.xml"] = (503, b"busy", "text/plain")
    feeds.headers["/busy.xml"] = {"Retry-After": "7200"}
    pipeline.store.add_watch_source(url, "feed")
    watch_once(pipeline, now=T0)
    (source,) = pipeline.store.watch_sources()
    assert "HTTP 503" in (source.last_error or "")
    assert datetime.fromisoformat(source.next_poll) - T0 == timedelta(hours=2)  # not the 10 minutes of back-off


def test_retry_after_in_seconds_or_as_a_date():
    from tidings.watch import retry_after_seconds

    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Mon, 01 Jun 2026 13:30:00 GMT", now=T0) == 5400
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_back_off_is_capped():
    settings = WatchSettings(every=300, backoff_factor=2, backoff_max=3600)
    assert [backoff_seconds(n, settings) for n in (1, 2, 3, 4, 50)] == [600, 1200, 2400, 3600, 3600]


def test_a_summary_only_entry_gets_its_page_fetched_once(feeds, pipeline):
    store = pipeline.store
    page = (SAMPLES / "port-strike_kestrelmouthpost.html").read_bytes()
    feeds.routes["/news/strike-day-two"] = (200, page, "text/html; charset=utf-8")
    link = f"{feeds.base}/news/strike-day-two"
    teaser = sample_item("port-strike_shippingdaily.txt", "Tue, 03 Mar 2026 09:00:00 +0000", link=link,
                         summary_only=True)
    feeds.routes["/teasers.xml"] = (200, rss(teaser), "application/rss+xml")
    store.add_watch_source(f"{feeds.base}/teasers.xml", "feed")

    assert watch_once(pipeline, now=T0).new_articles == 1
    (article,) = all_articles(store)
    assert len(article.text.split()) > WatchSettings().summary_max_words  # the page's text, not the teaser
    assert "picket" in article.text and article.url == link
    assert len(feeds.fetched("/news/strike-day-two")) == 1

    feeds.routes["/teasers.xml"] = (200, rss(teaser, DAM), "application/rss+xml")  # the feed changes
    assert watch_once(pipeline, now=T0 + timedelta(seconds=EVERY)).documents == 1  # only the new entry
    assert len(feeds.fetched("/news/strike-day-two")) == 1  # the page is not fetched again


def test_a_watched_folder_reads_only_new_files(tmp_path, pipeline):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text((SAMPLES / "data-breach_techpulse.txt").read_text(encoding="utf-8"))
    pipeline.store.add_watch_source(str(folder), "folder")
    assert watch_once(pipeline, now=T0).new_articles == 1
    (folder / "b.txt").write_text((SAMPLES / "rate-decision_valdoriantimes.txt").read_text(encoding="utf-8"))
    report = watch_once(pipeline, now=T0 + timedelta(seconds=EVERY))
    assert (report.documents, report.new_articles) == (1, 1)
    (source,) = pipeline.store.watch_sources()
    assert source.kind == "folder" and source.articles_seen == 2


def test_sigterm_between_cycles_stops_the_loop(tmp_path, pipeline):
    import os
    import signal

    from tidings.watch import watch

    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text((SAMPLES / "data-breach_techpulse.txt").read_text(encoding="utf-8"))
    pipeline.store.add_watch_source(str(folder), "folder")
    stop, reports = threading.Event(), []
    before = signal.getsignal(signal.SIGTERM)

    def on_cycle(report) -> None:
        reports.append(report)
        os.kill(os.getpid(), signal.SIGTERM)  # as systemd would, while the loop waits for the next cycle

    watch(pipeline, stop, on_cycle=on_cycle)  # returns instead of waiting EVERY seconds
    assert stop.is_set() and len(reports) == 1 and reports[0].new_articles == 1
    assert signal.getsignal(signal.SIGTERM) is before


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_sigterm_stops_a_real_watch_process_with_its_spacy_workers(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text((SAMPLES / "data-breach_techpulse.txt").read_text(encoding="utf-8"))
    db = tmp_path / "watch.db"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TIDINGS_SPACY_WORKERS": "2"}  # the worker processes of a server
    proc = subprocess.Popen([sys.executable, "-m", "tidings.cli", "watch", str(folder), "--every", "1h", "--db",
                             str(db)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        while "polled" not in line:  # the first cycle is done: the loop waits an hour for the next
            line = proc.stdout.readline()
            assert line or proc.poll() is None, proc.stderr.read()
        workers = _children(proc.pid)
        assert len(workers) == 2
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    time.sleep(0.5)
    assert not [w for w in workers if Path(f"/proc/{w}").exists()]  # the spaCy workers went with it
    assert "stopped" in proc.stdout.read()


def test_sigterm_while_writing_rolls_the_batch_back_and_a_restart_resumes(feeds, db):
    import os
    import signal

    from tidings.watch import watch

    empty = ("<item><title>Photo of the day</title><link>https://samples.example/photo</link>"
             "<content:encoded>&lt;img src=\"photo.jpg\"&gt;</content:encoded></item>")
    feeds.routes["/feed.xml"] = (200, rss(DAM, empty, STRIKE), "application/rss+xml")
    url = f"{feeds.base}/feed.xml"
    settings = Settings(watch=WatchSettings(every=EVERY))
    pipeline = Pipeline(settings, db=db, batch_size=1)  # one transaction per entry
    pipeline.store.add_watch_source(url, "feed")
    stop = threading.Event()

    def on_skip(skip) -> None:  # called by the clean stage inside the second batch, as the entry has no text
        os.kill(os.getpid(), signal.SIGTERM)

    watch(pipeline, stop, on_skip=on_skip)
    pipeline.store.close()
    store = Store(db)
    # the first batch stays, the one being written was rolled back, the third never started
    assert [a.title for a in all_articles(store)] == ["Thousands evacuated as rain pushes Corran Dam to the brink"]
    (source,) = store.watch_sources()
    assert source.next_poll is None and source.etag is None and source.articles_seen == 0  # still due
    restarted = Pipeline(settings, db=db)
    report = watch_once(restarted, now=T0)
    assert report.documents == 2  # the stored entry is remembered: only the other two are read again
    assert report.new_articles == 1 and not restarted.store.dirty_story_ids()
    assert store.count_articles() == 2
    restarted.store.close()


def test_articles_another_process_stored_are_known_to_the_next_cycle(feeds, pipeline, db, tmp_path):
    from tidings.watch import watch

    feeds.routes["/feed.xml"] = (200, rss(STRIKE), "application/rss+xml")
    url = f"{feeds.base}/feed.xml"
    pipeline.store.add_watch_source(url, "feed")
    elsewhere = tmp_path / "dam.xml"
    elsewhere.write_bytes(rss(DAM))
    stop, cycles = threading.Event(), []

    def on_cycle(report) -> None:
        cycles.append(report)
        if len(cycles) == 1:  # meanwhile `tidings run` stores the original, and the feed publishes a copy of it
            other = Pipeline(db=db)
            assert other.run([str(elsewhere)]).new_articles == 1
            other.store.close()
            copy = sample_item("dam-flood_riverbendobserver_syndicated.txt", "Tue, 14 Apr 2026 11:00:00 +0000")
            feeds.routes["/feed.xml"] = (200, rss(copy, STRIKE), "application/rss+xml")
            with pipeline.store.transaction() as conn:
                pipeline.store.update_watch_source(conn, url, next_poll=T0.isoformat())  # due again now
        else:
            stop.set()

    watch(pipeline, stop, on_cycle=on_cycle)
    assert [c.new_articles for c in cycles] == [1, 1]
    store = Store(db)
    by_url = {a.url: a for a in all_articles(store)}
    copy = by_url["https://samples.example/dam-flood_riverbendobserver_syndicated.txt"]
    original = by_url["https://samples.example/dam-flood_cpsnews.txt"]
    assert copy.copy_of == original.id and copy.story_id == original.story_id  # the reloaded index found it


# -- the Atom feed of stories -------------------------------------------------------------------------------------


def test_the_atom_feed_has_one_entry_per_story_updated_when_it_grows(feeds, pipeline, db):
    import feedparser
    from fastapi.testclient import TestClient

    from tidings.web.app import create_app

    store = pipeline.store
    feeds.routes["/feed.xml"] = (200, rss(DAM, STRIKE), "application/rss+xml")
    store.add_watch_source(f"{feeds.base}/feed.xml", "feed")
    watch_once(pipeline, now=T0)
    yesterday = "2026-05-31T12:00:00+00:00"
    with store.transaction() as conn:  # as if briefed yesterday: an update must show as a later time
        for story in store.list_stories():
            story.updated_at = yesterday
            store.save_story(conn, story)
    client = TestClient(create_app(db))

    def read(path: str) -> feedparser.FeedParserDict:
        response = client.get(path)
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.version == "atom10"
        return parsed

    before = read("/feeds/stories.atom")
    stories = store.list_stories()
    assert len(before.entries) == len(stories) == 2
    assert {e.id for e in before.entries} == {f"http://testserver/stories/{s.id}" for s in stories}
    assert all(e.updated.startswith(yesterday[:19]) and e.summary and e.link == e.id for e in before.entries)
    assert client.get(before.entries[0].link).status_code == 200  # the entry links to the story page

    copy = sample_item("dam-flood_riverbendobserver_syndicated.txt", "Tue, 14 Apr 2026 11:00:00 +0000")
    feeds.routes["/feed.xml"] = (200, rss(copy, DAM, STRIKE), "application/rss+xml")
    assert watch_once(pipeline, now=T0 + timedelta(seconds=EVERY)).new_articles == 1
    after = read("/feeds/stories.atom")
    assert {e.id for e in after.entries} == {e.id for e in before.entries}  # the copy joined its original's story
    grown = [e for e in after.entries if not e.updated.startswith(yesterday[:19])]
    assert len(grown) == 1 and "Corran" in grown[0].title + grown[0].summary
    assert "2 articles" in grown[0].content[0].value

    search = read("/feeds/stories.atom?q=dockers")
    assert [e.id for e in search.entries] == [e.id for e in after.entries if e.id != grown[0].id]
    assert "dockers" in search.feed.title
    assert client.get("/feeds/stories.atom?limit=0").status_code == 400  # a page-like path: an HTML error


def test_sources_through_the_api_need_the_token_and_a_url(db, monkeypatch):
    from fastapi.testclient import TestClient

    monkeypatch.delenv("TIDINGS_TOKEN", raising=False)

    from tidings.web.app import create_app

    client = TestClient(create_app(db, token="s3cret"))
    auth = {"Authorization": "Bearer s3cret"}
    assert client.get("/api/sources").json() == {"sources": []}
    assert client.post("/api/sources", json={"url": "https://a.example/rss"}).status_code == 401
    added = client.post("/api/sources", json={"url": "https://a.example/rss"}, headers=auth)
    assert added.status_code == 200 and added.json()["added"] is True
    assert client.post("/api/sources", json={"url": "https://a.example/rss"}, headers=auth).json()["added"] is False
    refused = client.post("/api/sources", json={"url": "/etc/passwd"}, headers=auth)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "url"]
    listed = client.get("/api/sources").json()["sources"]
    assert [(s["url"], s["kind"], s["error_count"]) for s in listed] == [("https://a.example/rss", "feed", 0)]
    assert [s.url for s in Store(db).watch_sources()] == ["https://a.example/rss"]  # what tidings watch polls
    assert client.delete("/api/sources", params={"url": "https://a.example/rss"}).status_code == 401
    assert client.delete("/api/sources", params={"url": "https://a.example/rss"}, headers=auth).status_code == 200
    assert client.delete("/api/sources", params={"url": "https://a.example/rss"}, headers=auth).status_code == 404
    assert TestClient(create_app(db)).post("/api/sources", json={"url": "https://b.example/"}).status_code == 403


# -- webhooks -----------------------------------------------------------------------------------------------------


class Receiver:
    """A local webhook receiver: answers each POST with the next of ``statuses`` (then 200) and records it."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.received: list[tuple[dict[str, str], bytes]] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                owner.received.append((dict(self.headers.items()), body))
                self.send_response(owner.statuses.pop(0) if owner.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_webhooks_are_signed_retried_and_tell_created_from_grown(feeds, db):
    import hashlib
    import hmac
    import json

    receiver = Receiver([500])
    settings = Settings(watch=WatchSettings(every=EVERY, webhook_url=receiver.url, webhook_secret="k3y",
                                            webhook_retry_seconds=60))
    pipeline = Pipeline(settings, db=db)
    store = pipeline.store
    feeds.routes["/feed.xml"] = (200, rss(DAM), "application/rss+xml")
    store.add_watch_source(f"{feeds.base}/feed.xml", "feed")

    first = watch_once(pipeline, now=T0)
    assert (first.webhook_events, first.webhooks_delivered, first.webhooks_failed) == (1, 0, 1)
    (pending,) = store.webhook_events()
    assert pending["attempts"] == 1 and "HTTP 500" in pending["last_error"]
    assert watch_once(pipeline, now=T0 + timedelta(seconds=30)).webhooks_delivered == 0  # not due before a minute
    assert len(receiver.received) == 1
    assert watch_once(pipeline, now=T0 + timedelta(seconds=60)).webhooks_delivered == 1
    assert store.webhook_events() == []  # delivered events are not kept

    headers, body = receiver.received[1]
    assert receiver.received[0][1] == body and headers["X-Tidings-Event"] == "story.created"
    expected = "sha256=" + hmac.new(b"k3y", body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Tidings-Signature"], expected)
    event = json.loads(body)
    (article,) = all_articles(store)
    assert event["story"]["id"] == article.story_id and event["new_article_ids"] == [article.id]

    copy = sample_item("dam-flood_riverbendobserver_syndicated.txt", "Tue, 14 Apr 2026 11:00:00 +0000")
    feeds.routes["/feed.xml"] = (200, rss(copy, DAM), "application/rss+xml")
    grown = watch_once(pipeline, now=T0 + timedelta(seconds=EVERY + 60))
    assert (grown.webhook_events, grown.webhooks_delivered) == (1, 1)
    headers, body = receiver.received[-1]
    event = json.loads(body)
    assert headers["X-Tidings-Event"] == event["event"] == "story.updated"
    assert event["story"]["id"] == article.story_id and event["story"]["articles"] == 2
    assert len(event["new_article_ids"]) == 1 and event["new_article_ids"] != [article.id]
    pipeline.store.close()


def test_a_webhook_that_keeps_failing_is_given_up(db):
    import httpx

    from tidings.webhooks import deliver_due

    receiver = Receiver([503, 503, 503])
    settings = WatchSettings(webhook_url=receiver.url, webhook_attempts=2, webhook_retry_seconds=10)
    store = Store(db)
    with store.transaction() as conn:
        store.add_webhook_events(conn, [("story.created", "s1", '{"event": "story.created"}')], due=T0.isoformat())
    with httpx.Client() as client:
        assert deliver_due(store, client, settings, T0) == (0, 1)
        assert deliver_due(store, client, settings, T0 + timedelta(seconds=5)) == (0, 0)  # waits 10 s
        assert deliver_due(store, client, settings, T0 + timedelta(seconds=10)) == (0, 1)
        assert deliver_due(store, client, settings, T0 + timedelta(days=1)) == (0, 0)  # given up
    (event,) = store.webhook_events()
    assert event["status"] == "failed" and event["attempts"] == 2 and "HTTP 503" in event["last_error"]
    assert "X-Tidings-Signature" not in receiver.received[0][0]  # no secret, no signature


# -- PostgreSQL ---------------------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_the_watch_loop_on_postgres(feeds):
    import os
    import uuid

    url = os.environ.get("TIDINGS_TEST_PG_URL")
    if not url:
        pytest.skip("no PostgreSQL server (TIDINGS_TEST_PG_URL unset; make test starts one)")
    import psycopg

    name = "tidings_" + uuid.uuid4().hex[:10]
    admin = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        receiver = Receiver([500])
        settings = Settings(watch=WatchSettings(every=EVERY, webhook_url=receiver.url, webhook_retry_seconds=EVERY))
        pipeline = Pipeline(settings, db=url.rsplit("/", 1)[0] + "/" + name)
        store = pipeline.store
        feeds.routes["/feed.xml"] = (200, rss(STRIKE), "application/rss+xml")
        feeds.routes["/broken.xml"] = (500, b"oops", "text/plain")
        assert store.add_watch_source(f"{feeds.base}/broken.xml", "feed")
        assert store.add_watch_source(f"{feeds.base}/feed.xml", "feed")
        assert watch_once(pipeline, now=T0).new_articles == 1
        second = watch_once(pipeline, now=T0 + timedelta(seconds=EVERY))
        assert (second.polled, second.not_modified) == (1, 1)  # the broken one is backing off
        assert second.webhooks_delivered == 1 and store.webhook_events() == []  # retried after a failure
        by_url = {s.url: s for s in store.watch_sources()}
        assert by_url[f"{feeds.base}/feed.xml"].articles_seen == 1
        assert by_url[f"{feeds.base}/broken.xml"].error_count == 1
        assert store.remove_watch_source(f"{feeds.base}/feed.xml")
        store.close()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
