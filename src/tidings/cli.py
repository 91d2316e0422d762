"""The ``tidings`` command: a thin layer over :class:`tidings.pipeline.Pipeline` and the store."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .settings import Settings

app = typer.Typer(
    help="tidings: turn a flood of news articles into deduplicated, cross-checked, cited stories.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)

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
        err.print(str(exc), highlight=False)
        return 2
    started = time.perf_counter()

    def on_skip(skip: object) -> None:
        err.print(f"[yellow]skipped[/] {skip}", markup=True, highlight=False, soft_wrap=True)

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True, disable=quiet or not err.is_terminal) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                label = {"read": "reading", "stored": "new articles", "stories": "briefings"}.get(stage, stage)
                tasks[stage] = bar.add_task(label, total=total)
            bar.update(tasks[stage], completed=done, total=total)

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
        err.print(f"--group-by: unknown value {group_by!r} (only 'story')")
        raise typer.Exit(2)
    settings = Settings()
    settings.ingest.max_bytes = int(max_mb * 1024 * 1024)
    settings.ingest.http_timeout = timeout
    raise typer.Exit(_run(sources, out, db, group_by, strict, quiet, settings))


@app.command()
def stories(
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option(help="How many stories.")] = 30,
    q: Annotated[str | None, typer.Option("--search", "-s", help="Full-text search.")] = None,
) -> None:
    """The stories in the store, newest first."""
    from .store import Store

    store = Store(db)
    table = Table(title=f"stories in {db}", show_lines=False)
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("headline")
    table.add_column("articles", justify="right")
    table.add_column("sources", justify="right")
    table.add_column("last seen", no_wrap=True)
    table.add_column("sites")
    for s in store.list_stories(limit=limit, q=q):
        table.add_row(
            s.id, s.headline, str(len(s.article_ids)), str(s.independent_sources), (s.last_seen or "")[:10],
            ", ".join(s.sites[:4]) + (" …" if len(s.sites) > 4 else ""),
        )  # fmt: skip
    console.print(table)


@app.command()
def show(
    story_id: Annotated[str, typer.Argument(help="A story id (or a unique prefix of one).")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """One story's briefing in the terminal."""
    from .render.markdown import render_story_markdown
    from .store import Store

    store = Store(db)
    story = store.get_story(story_id)
    if story is None:
        matches = [s for s in store.list_stories(limit=10_000) if s.id.startswith(story_id)]
        if len(matches) != 1:
            err.print(f"no story {story_id!r} in {db}" if not matches else f"{story_id!r} is ambiguous")
            raise typer.Exit(1)
        story = matches[0]
    articles = {a.id: a for a in store.get_articles(story.article_ids)}
    console.print(Markdown(render_story_markdown(story, articles)))


def samples_dir() -> Path:
    return Path(str(importlib_resources.files("tidings") / "samples"))


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("demo-out"),
    db: DbOption = "demo.db",
) -> None:
    """Run the bundled sample corpus (fictional outlets and events) and print where the output is."""
    code = _run([str(samples_dir() / "articles")], out, db, None, False)
    if code == 0:
        console.print(f"open {out.resolve() / 'index.html'} or run: tidings serve --db {db}")
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
    import uvicorn

    from .web.app import create_app

    console.print(f"serving {db} on http://{host}:{port}/ (API docs at /docs)")
    uvicorn.run(create_app(db, token=token), host=host, port=port, log_level="warning")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
