"""The watch loop: poll the store's sources on a schedule and feed what is new to one warm :class:`Pipeline`.

One cycle (:func:`watch_once`) polls every due source with a conditional GET (ETag / Last-Modified; a 304 costs
nothing), reads the answer with ingest's own readers (feedparser for feeds), leaves out entries read before,
fetches the linked page of a summary-only entry (the clean stage extracts it with trafilatura), and hands the new
documents to ``Pipeline.run``, which stores them and re-briefs the stories they touch. Only then is each source's
state written (validators, status, next poll, entries seen), in one transaction: a cycle that is interrupted or
fails leaves the sources as they were, so the next start polls them again and the store recognises what it
already holds. A failing source waits longer after each failure (``WatchSettings.backoff_*``). Stories that a
cycle creates or grows become webhook events, queued in the same transaction (:mod:`tidings.webhooks`).

:func:`watch` runs cycles until it is told to stop (SIGTERM/SIGINT), optionally serving the web app from the same
process (uvicorn in a thread).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import httpx

from . import ingest
from .clean import document_id
from .model import Document, Skip, WatchSource
from .settings import IngestSettings, Settings, WatchSettings
from .sources import is_url
from .webhooks import deliver_due, story_event

if TYPE_CHECKING:
    from .pipeline import Pipeline
    from .store import Store

log = logging.getLogger(__name__)

NO_ENTRIES = "feed has no entries"  # ingest's reason for a well-formed empty feed: healthy, not an error


@dataclass
class Poll:
    """What polling one source gave: new documents (with the keys that mark them seen) or why it failed."""

    source: WatchSource
    documents: list[Document] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # seen-entry ids of ``documents``, in the same order
    skipped: list[Skip] = field(default_factory=list)
    error: str | None = None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    kind: str | None = None
    retry_after: float | None = None  # seconds the server asked for (Retry-After of a 429/503)


@dataclass
class CycleReport:
    """One cycle: sources polled, answered 304, failed; documents handed to the pipeline; articles it stored."""

    polled: int = 0
    not_modified: int = 0
    failed: int = 0
    documents: int = 0
    new_articles: int = 0
    story_ids: list[str] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    webhook_events: int = 0  # stories created or grown, queued for the webhook
    webhooks_delivered: int = 0
    webhooks_failed: int = 0  # failed attempts (retried later, or given up after webhook_attempts)

    def line(self) -> str:
        hooks = (f"; webhooks: {self.webhooks_delivered} delivered, {self.webhooks_failed} failed"
                 if self.webhooks_delivered or self.webhooks_failed else "")
        return (f"polled {self.polled} source(s) ({self.not_modified} unchanged, {self.failed} failed): "
                f"{self.documents} new item(s), {self.new_articles} new article(s), {len(self.story_ids)} stories"
                + hooks)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def backoff_seconds(error_count: int, settings: WatchSettings) -> float:
    """The wait after ``error_count`` failed polls in a row: ``every * backoff_factor ** error_count``, capped."""
    return min(settings.backoff_max, settings.every * settings.backoff_factor ** min(error_count, 64))


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) as seconds from now; None when absent or unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


# -- one source -----------------------------------------------------------------------------------------------


def poll_source(source: WatchSource, client: httpx.Client, settings: IngestSettings) -> Poll:
    """Read one source: a URL with a conditional GET, a local folder or file as ingest reads it. Whatever goes
    wrong is the source's error (it backs off); the other sources of the cycle go on."""
    try:
        return _poll(source, client, settings)
    except Exception as exc:  # a reader's bug on one odd source must not stop the cycle of all the others
        log.exception("polling %s failed", source.url)
        return Poll(source, error=f"unexpected error ({type(exc).__name__}: {str(exc)[:120]})")


def _poll(source: WatchSource, client: httpx.Client, settings: IngestSettings) -> Poll:
    poll = Poll(source)
    if not is_url(source.url):
        items = list(ingest.iter_documents([source.url], settings))
    else:
        headers = {}
        if source.etag:
            headers["If-None-Match"] = source.etag
        if source.last_modified:
            headers["If-Modified-Since"] = source.last_modified
        seen: dict[str, Any] = {}

        def on_response(response: httpx.Response) -> None:
            seen["status"] = response.status_code
            seen["etag"] = response.headers.get("ETag")
            seen["last_modified"] = response.headers.get("Last-Modified")
            seen["retry_after"] = retry_after_seconds(response.headers.get("Retry-After"))

        items = list(ingest.iter_url(source.url, client, settings, headers, on_response))
        if seen.get("status") == 304:
            poll.not_modified = True
            return poll
        poll.etag, poll.last_modified = seen.get("etag"), seen.get("last_modified")
        poll.retry_after = seen.get("retry_after")
    for item in items:
        if isinstance(item, Document):
            poll.documents.append(item)
        elif item.origin == source.url and item.reason != NO_ENTRIES:
            poll.error = item.reason  # the source itself could not be read (HTTP error, timeout, size cap ...)
        elif item.origin != source.url:
            poll.skipped.append(item)
    if poll.error is None and poll.documents and is_url(source.url):  # a local source keeps the kind it was added as
        poll.kind = "feed" if any(d.meta.get("fragment") for d in poll.documents) else "page"
    return poll


def _word_count(doc: Document) -> int:
    if doc.kind != "html":
        return len(doc.content.split())
    import lxml.html

    try:
        return len(lxml.html.fromstring(doc.content).text_content().split())
    except (ValueError, lxml.etree.ParserError):  # nothing parseable: no text either
        return 0


def wants_page(doc: Document, settings: WatchSettings) -> bool:
    """A feed entry whose text is a summary (under ``summary_max_words``) and that links to a web page."""
    url = doc.meta.get("url")
    return bool(doc.meta.get("fragment") and isinstance(url, str) and is_url(url)
                and _word_count(doc) < settings.summary_max_words)


def fetch_page(entry: Document, client: httpx.Client, settings: IngestSettings) -> Document:
    """The entry's linked page as an HTML document with the entry's metadata (title, date, author, feed), for the
    clean stage to extract; the entry itself when the page cannot be had (the reason is logged)."""
    url = entry.meta["url"]
    try:
        items = list(ingest.iter_url(url, client, settings))
    except Exception:  # as in poll_source: the entry's own text is still an article
        log.exception("fetching the linked page %s failed", url)
        return entry
    for item in items:
        if isinstance(item, Document) and item.kind == "html" and not item.meta.get("fragment"):
            meta = {k: v for k, v in entry.meta.items() if k != "fragment"}
            return Document(item.origin, item.content, "html", meta)
        if isinstance(item, Skip):
            log.info("linked page of %s not used: %s", entry.origin, item.reason)
            return entry
    log.info("linked page of %s not used: not an HTML page", entry.origin)
    return entry


# -- one cycle ------------------------------------------------------------------------------------------------


def watch_once(
    pipeline: Pipeline,
    client: httpx.Client | None = None,
    now: datetime | None = None,
    on_skip: Callable[[Skip], None] | None = None,
    running: threading.Event | None = None,
    stop: threading.Event | None = None,
    write_lock: threading.Lock | None = None,
) -> CycleReport:
    """Poll the due sources of ``pipeline``'s store once, run the new documents through ``pipeline``, write each
    source's new state (and the webhook events of the stories that grew), then deliver the due webhook events.
    ``now`` replaces the clock (tests); ``running`` is set while the pipeline writes (the only phase a stop must
    interrupt by rolling back); once ``stop`` is set, what was fetched is dropped (its sources stay due);
    ``write_lock`` is held while the pipeline runs (the lock of the web app's writer, with ``--serve``: one
    pipeline run at a time in the process)."""
    settings, store = pipeline.settings, pipeline.store
    ws = settings.watch
    now = now or datetime.now(UTC)
    due = store.watch_sources(due_at=iso(now))[: ws.max_sources_per_cycle]
    report = CycleReport(polled=len(due))
    own = client is None
    client = client or ingest.make_client(settings.ingest)
    try:
        if due:
            _cycle(pipeline, due, client, now, report, on_skip, running, stop, write_lock)
        if ws.webhook_url and not (stop is not None and stop.is_set()):
            report.webhooks_delivered, report.webhooks_failed = deliver_due(store, client, ws, now)
    finally:
        if own:
            client.close()
    return report


def _cycle(
    pipeline: Pipeline,
    due: list[WatchSource],
    client: httpx.Client,
    now: datetime,
    report: CycleReport,
    on_skip: Callable[[Skip], None] | None,
    running: threading.Event | None,
    stop: threading.Event | None,
    write_lock: threading.Lock | None = None,
) -> None:
    settings, store = pipeline.settings, pipeline.store
    with ThreadPoolExecutor(settings.watch.max_concurrency, thread_name_prefix="tidings-poll") as pool:
        def poll(source: WatchSource) -> Poll:
            # a stop skips the requests still queued: it never waits for hundreds of timeouts
            return Poll(source) if stop is not None and stop.is_set() else poll_source(source, client,
                                                                                       settings.ingest)

        polls = list(pool.map(poll, due))
        _drop_seen(polls, store)
        _fetch_pages(polls, pool, client, settings, stop)
    if stop is not None and stop.is_set():
        return
    documents = [d for p in polls for d in p.documents]
    report.documents = len(documents)
    for p in polls:
        report.skipped += p.skipped
        if on_skip:
            for item in p.skipped:
                on_skip(item)
    events: list[tuple[str, str, str]] = []
    if documents:
        ids = {document_id(d) for d in documents}
        new_ids = ids - store.existing_ids(ids) if settings.watch.webhook_url else set()
        if running is not None:
            running.set()
        try:
            with write_lock or nullcontext():
                result = pipeline.run([], documents=documents, collect=False, on_skip=on_skip)
        except BaseException:
            _remember_stored(polls, store)
            raise
        finally:
            if running is not None:
                running.clear()
        report.new_articles = result.new_articles
        report.story_ids = result.story_ids
        report.skipped += result.skipped
        if new_ids:
            for story in store.get_stories(result.story_ids):
                grew = [a for a in story.article_ids if a in new_ids]
                if grew:
                    events.append(story_event(story, created=len(grew) == len(story.article_ids),
                                              new_article_ids=grew))
    report.webhook_events = len(events)
    _record(polls, store, settings.watch, now, report, events)


def _drop_seen(polls: list[Poll], store: Store) -> None:
    """Leave out documents read before (from any source) or twice in this cycle."""
    keyed = [(p, d, document_id(d)) for p in polls for d in p.documents]
    seen = store.seen_entries(k for _, _, k in keyed)
    for p in polls:
        p.documents, p.keys = [], []
    for p, doc, key in keyed:
        if key not in seen:
            seen.add(key)
            p.documents.append(doc)
            p.keys.append(key)


def _remember_stored(polls: list[Poll], store: Store) -> None:
    """After an interrupted or failed run: mark seen the entries whose articles the batches committed before it
    stopped, so that a restart does not fetch their linked pages again (a page that changed since would be a new
    article). Their sources keep their old state and are polled again."""
    with store.transaction() as conn:
        for p in polls:
            ids = [document_id(d) for d in p.documents]
            stored = store.existing_ids(ids)
            store.add_seen_entries(conn, p.source.url,
                                   [key for key, i in zip(p.keys, ids, strict=True) if i in stored])


def _fetch_pages(
    polls: list[Poll], pool: ThreadPoolExecutor, client: httpx.Client, settings: Settings, stop: threading.Event | None
) -> None:
    """Replace summary-only entries by their linked pages (at most ``max_pages_per_poll`` per source)."""

    def fetch(entry: Document) -> Document:
        return entry if stop is not None and stop.is_set() else fetch_page(entry, client, settings.ingest)

    jobs = []
    for p in polls:
        wanted = [i for i, d in enumerate(p.documents) if wants_page(d, settings.watch)]
        for i in wanted[: settings.watch.max_pages_per_poll]:
            jobs.append((p, i, pool.submit(fetch, p.documents[i])))
    for p, i, job in jobs:
        p.documents[i] = job.result()


def _record(
    polls: list[Poll],
    store: Store,
    ws: WatchSettings,
    now: datetime,
    report: CycleReport,
    events: list[tuple[str, str, str]],
) -> None:
    """Each source's new state and the cycle's webhook events, in one transaction, once its documents are stored."""
    with store.transaction() as conn:
        store.add_webhook_events(conn, events, due=iso(now))
        for p in polls:
            url = p.source.url
            if p.error is not None:
                count = p.source.error_count + 1
                report.failed += 1
                report.errors[url] = p.error
                wait = backoff_seconds(count, ws)
                if p.retry_after is not None:  # the server said when to come back (within the cap)
                    wait = min(ws.backoff_max, max(wait, p.retry_after))
                store.update_watch_source(conn, url, error_count=count, last_error=p.error,
                                          next_poll=iso(now + timedelta(seconds=wait)))
                continue
            values: dict[str, Any] = {"error_count": 0, "last_success": iso(now),
                                      "next_poll": iso(now + timedelta(seconds=ws.every)),
                                      "articles_seen": len(p.documents)}
            if p.not_modified:
                report.not_modified += 1
            elif is_url(url):  # a 200: its validators replace the old ones (absent ones clear them)
                values.update(etag=p.etag, last_modified=p.last_modified)
            if p.kind:
                values["kind"] = p.kind
            store.update_watch_source(conn, url, **values)
            store.add_seen_entries(conn, url, p.keys)


# -- the long-lived process -----------------------------------------------------------------------------------


def seconds_to_next_poll(store: Store, every: float, now: datetime | None = None) -> float:
    """Seconds until the earliest next poll of any source (at most ``every``, at least one)."""
    now = now or datetime.now(UTC)
    polls = [s.next_poll for s in store.watch_sources()]
    if not polls:
        return every
    if any(p is None for p in polls):
        return 1.0
    earliest = min(datetime.fromisoformat(p) for p in polls if p)
    return max(1.0, min(every, (earliest - now).total_seconds()))


def _fresh(pipeline: Pipeline) -> Pipeline:
    """A new pipeline on the same store and settings: the models stay loaded (cached), the indexes load again."""
    from .pipeline import Pipeline

    pipeline.store.close()
    return Pipeline(pipeline.settings, pipeline.store.url, pipeline.batch_size)


@contextmanager
def stop_on_signals(stop: threading.Event, running: threading.Event) -> Iterator[None]:
    """SIGTERM/SIGINT set ``stop``; while the pipeline writes (``running``), or at a second signal, they also raise
    KeyboardInterrupt, which rolls back the batch being written (the store keeps every batch committed before)."""

    def handle(signum: int, _frame: Any) -> None:
        again = stop.is_set()
        stop.set()
        log.warning("%s: stopping", signal.Signals(signum).name)
        if running.is_set() or again:
            raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def serving(db: str, host: str, port: int, token: str | None, settings: Settings) -> Iterator[Any]:
    """The web app (``tidings serve``) on ``db`` in a thread of this process, stopped on leaving the block."""
    import uvicorn

    from .web.app import create_app

    server = uvicorn.Server(uvicorn.Config(create_app(db, token=token, settings=settings), host=host, port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, name="tidings-serve", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def watch(
    pipeline: Pipeline,
    stop: threading.Event,
    on_cycle: Callable[[CycleReport], None] | None = None,
    on_skip: Callable[[Skip], None] | None = None,
    write_lock: threading.Lock | None = None,
) -> None:
    """Run cycles until ``stop`` is set, sleeping until the next source is due. A cycle that fails for an
    unexpected reason is logged and the next one starts from a fresh pipeline (its warm indexes may hold articles
    whose batch rolled back); what another process stored meanwhile the pipeline replays itself (``Pipeline._warm``)."""
    from .text import start_workers, stop_workers

    start_workers()  # forked before the stop handlers are installed: a worker keeps the default SIGTERM (it ends)
    running = threading.Event()
    client = ingest.make_client(pipeline.settings.ingest)
    try:
        with stop_on_signals(stop, running):
            while not stop.is_set():
                try:
                    report = watch_once(pipeline, client, on_skip=on_skip, running=running, stop=stop,
                                        write_lock=write_lock)
                except KeyboardInterrupt:
                    log.warning("stopped: the batch being written was rolled back; a restart polls its sources again")
                    break
                except Exception:
                    log.exception("watch cycle failed; the sources it polled will be polled again")
                    pipeline = _fresh(pipeline)  # its indexes may hold articles whose batch rolled back
                    stop.wait(pipeline.settings.watch.every)
                    continue
                if on_cycle:
                    on_cycle(report)
                ws = pipeline.settings.watch
                wait = seconds_to_next_poll(pipeline.store, ws.every)
                if ws.webhook_url and pipeline.store.due_webhook_events("9999", 1):  # events wait for a retry
                    wait = min(wait, max(1.0, ws.webhook_retry_seconds))
                stop.wait(wait)
    finally:
        client.close()
        with suppress(Exception):
            stop_workers()  # the spaCy worker processes go with us
