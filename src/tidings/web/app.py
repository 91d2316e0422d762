"""The web server: a JSON API and server-rendered pages over one store, built on the real pipeline.

``create_app(db, token)`` returns a FastAPI app; ``tidings serve`` runs it under uvicorn. Reads are open. Writes
(``POST /api/articles``) need ``Authorization: Bearer <token>`` and run the same :class:`~tidings.pipeline.Pipeline`
as ``tidings run``, one at a time (a lock), in FastAPI's threadpool. Pages use the templates of the static export
(:mod:`tidings.render.html`) with server links. Clients never see a stack trace.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import secrets
import threading
from collections.abc import AsyncIterator, Callable, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from .. import __version__
from ..changes import changes_since
from ..model import RunResult, Story
from ..render.html import Page, render_article, render_error, render_index, render_story
from ..render.json import article_dict, story_brief
from ..settings import Settings
from ..store import Store

if TYPE_CHECKING:
    from ..pipeline import Pipeline

log = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 20
"""Stories per page of the list (API and HTML) when the client does not ask for a size."""
MAX_PAGE_SIZE = 200
"""Largest page a client may ask for: bounds the work of one request."""
DEFAULT_FEED_SIZE = 50
"""Entries of the Atom feed of stories when the client does not ask: about a day of news for a reader."""
DEFAULT_MAX_BODY_BYTES = 5_000_000
"""Request bodies above this are refused with 413 (5 MB: a few hundred articles per POST)."""
MAX_OFFSET = 2**31 - 1
"""Largest ``offset`` a client may ask for (422 past it): far past any store's stories, and offset + limit stays a
64-bit SQL integer (2**63 answered 500)."""

NOSNIFF = {"X-Content-Type-Options": "nosniff"}
PAGE_HEADERS = {
    # The pages need nothing but their own stylesheet: no script runs, even if escaping ever failed.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


# -- links ----------------------------------------------------------------------------------------------------


class ServerUrls:
    """Links of the server's pages (the static export uses relative file names instead)."""

    def index(self) -> str:
        return "/"

    def story(self, story_id: str) -> str:
        return f"/stories/{quote(story_id, safe='')}"

    def article(self, article_id: str) -> str:
        return f"/articles/{quote(article_id, safe='')}"

    def static(self, name: str) -> str:
        return f"/static/{quote(name)}"


PAGE = Page(ServerUrls(), inline_assets=False, static_search=False)


# -- request bodies -------------------------------------------------------------------------------------------


class ArticleIn(BaseModel):
    """One article to add: the fields of a JSONL input line (``text`` or ``html`` is required)."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            # what _has_body checks, said in the schema: a 'text' or an 'html' with a character that is not space
            "anyOf": [
                {"required": [key], "properties": {key: {"type": "string", "pattern": r"\S"}}}
                for key in ("text", "html")
            ],
            "examples": [
                {
                    "title": "Harbour cranes idle as dockers walk out",
                    "text": "Dockers at the port of Kestrelmouth stopped work on Monday...",
                    "url": "https://example.org/news/dock-strike",
                    "published": "2024-05-06T08:30:00+00:00",
                    "site": "example.org",
                    "language": "en",
                }
            ]
        },
    )

    title: str | None = None
    text: str | None = None
    html: str | None = None
    url: str | None = None
    published: str | None = None
    site: str | None = None
    language: str | None = None
    story: str | None = None

    @model_validator(mode="after")
    def _has_body(self) -> ArticleIn:
        if not (self.text and self.text.strip()) and not (self.html and self.html.strip()):
            raise ValueError("an article needs a non-empty 'text' or 'html'")
        return self


class SourceIn(BaseModel):
    """A source for ``tidings watch`` to follow: a feed or page URL."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"url": "https://example.org/rss.xml"}]})

    url: Annotated[str, Field(min_length=1, max_length=2048, pattern=r"^\s*[Hh][Tt][Tt][Pp][Ss]?://",
                              description="an http(s) URL: a client may not make the server read its own files")]


def _allowed_methods(app: FastAPI, scope: Any) -> str:
    """Every method some route of this request's path answers (the Allow header of a 405)."""
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches({**scope, "method": "GET"})
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


def invalid(problems: list[tuple[tuple[str | int, ...], str]]) -> RequestValidationError:
    """A 422 in FastAPI's documented shape (``detail``: a list of ``{loc, msg, type}``), from (location, message)
    pairs; each message names the item and field in words too."""
    return RequestValidationError([{"loc": loc, "msg": msg, "type": "value_error"} for loc, msg in problems])


def parse_articles(data: Any) -> list[ArticleIn]:
    """A decoded JSON body -> articles, or a 422 naming each bad item and what is wrong with it."""
    if isinstance(data, dict):
        records, label, where = [data], lambda _i: "article", lambda _i: ("body",)
    elif isinstance(data, list):
        records, label, where = data, lambda i: f"item {i}", lambda i: ("body", i)
    else:
        raise invalid([(("body",), f"expected an article object or a list of them, got a JSON {type(data).__name__}")])
    if not records:
        raise invalid([(("body",), "empty list: send at least one article")])
    items: list[ArticleIn] = []
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            problems.append((where(i), f"{label(i)}: expected an object, got a JSON {type(record).__name__}"))
            continue
        try:
            items.append(ArticleIn.model_validate(record))
        except ValidationError as exc:
            for e in exc.errors():
                field_name = ".".join(str(p) for p in e["loc"])
                msg = e["msg"].removeprefix("Value error, ")
                loc = (*where(i), *e["loc"])
                problems.append((loc, f"{label(i)}: " + (f"{field_name}: {msg}" if field_name else msg)))
    if problems:
        raise invalid(problems[:20])
    return items


_POST_SCHEMA = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    {"$ref": "#/components/schemas/ArticleIn"},
                    {"type": "array", "items": {"$ref": "#/components/schemas/ArticleIn"}, "minItems": 1},
                ]
            }
        }
    },
}


class BodyTooLarge(Exception):
    pass


class NoSniff:
    """ASGI middleware: ``X-Content-Type-Options: nosniff`` on every response (pages, JSON API, ``/openapi.json``,
    ``/docs``, static files, errors), so that no browser runs a JSON answer as script or page."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-content-type-options"]
                message["headers"] = [*headers, (b"x-content-type-options", b"nosniff")]
            await send(message)

        await self.app(scope, receive, send_with_header)


class BodySizeLimit:
    """ASGI middleware: refuse request bodies over ``max_bytes`` with 413, whether Content-Length says so up
    front or a chunked body grows past it, and bodies not received within ``timeout`` seconds with 408 (a slow
    client holds no worker); an accepted body is buffered and replayed to the app."""

    def __init__(self, app: Any, max_bytes: int, timeout: float = 30.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: MutableMapping[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        try:
            async with asyncio.timeout(self.timeout):
                chunks = await self._read(receive)
        except TimeoutError:
            message = f"request body not received within {self.timeout:g} s"
            response = JSONResponse({"detail": message}, status_code=408, headers={"Connection": "close"})
            await response(scope, receive, send)
            return
        if chunks is None:  # the client left
            return
        if isinstance(chunks, int):
            await self._refuse(scope, receive, send)
            return
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read(self, receive: Callable) -> list[bytes] | int | None:
        """The body's chunks; its size so far once it passes the cap; None when the client disconnected."""
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                return size
            chunks.append(body)
            more = message.get("more_body", False)
        return chunks

    async def _refuse(self, scope: MutableMapping[str, Any], receive: Callable, send: Callable) -> None:
        response = JSONResponse(
            {"detail": f"request body too large: the limit is {self.max_bytes} bytes"},
            status_code=413,
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


# -- the writer -----------------------------------------------------------------------------------------------


class Writer:
    """Runs the pipeline for POSTed articles: one run at a time per process, on a Pipeline kept warm between
    requests (it replays only what another process, e.g. ``tidings run``, stored meanwhile)."""

    def __init__(self, db: str, settings: Settings | None) -> None:
        self.db = db
        self.settings = settings
        self.lock = threading.Lock()
        self._pipeline: Pipeline | None = None

    def _get(self) -> Pipeline:
        if self._pipeline is None:
            from ..pipeline import Pipeline  # imported on the first write: a read-only server never loads models

            self._pipeline = Pipeline(self.settings, self.db)
        return self._pipeline

    def add(self, items: list[ArticleIn], group_by: str | None) -> RunResult:
        """Feed the articles as JSONL on the pipeline's standard input (the pipeline's own JSONL reading)."""
        with self.lock:
            pipeline = self._get()
            body = "".join(json.dumps(i.model_dump(exclude_none=True), ensure_ascii=True) + "\n" for i in items)
            try:
                result = pipeline.run(["-"], group_by=group_by, stdin=io.BytesIO(body.encode("utf-8")))
            except BaseException:
                # The warm indexes may hold articles whose transaction rolled back: start afresh next time.
                self.close()
                self._pipeline = None
                raise
            return result

    def close(self) -> None:
        if self._pipeline is not None:
            self._pipeline.store.close()


# -- helpers --------------------------------------------------------------------------------------------------


def story_summary(story: Story, urls: ServerUrls | None = None) -> dict[str, Any]:
    """The short form of a story in lists."""
    urls = urls or ServerUrls()  # the list form `tidings stories --json` prints, plus the links
    return {**story_brief(story), "url": f"/api/stories/{quote(story.id, safe='')}", "page": urls.story(story.id)}


_SINCE_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "format": "date-time"},
        {"type": "string", "pattern": r"^\s*$"},  # blank: no filter (an empty form field)
    ]
}


def _check_since(since: str | None, name: str = "since") -> str | None:
    if since is None or not since.strip():
        return None
    since = since.strip()
    try:
        datetime.fromisoformat(since.upper().replace("Z", "+00:00"))  # RFC 3339 allows 't' and 'z'
    except ValueError:
        message = f"{name}={since!r} is not an ISO 8601 date or timestamp (e.g. 2024-05-06)"
        raise invalid([(("query", name), message)]) from None
    return since.upper()  # stored timestamps are compared as text: '2024-05-06T10:00', never 't10:00'


def _utc_since(since: str | None, name: str = "since") -> str | None:
    """A checked ISO 8601 time in the form the store writes version times (UTC, '+00:00'), so that comparing them
    as text is comparing times; a bare date is kept (it sorts before every time of that day)."""
    checked = _check_since(since, name)
    if checked is None or "T" not in checked:
        return checked
    moment = datetime.fromisoformat(checked.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def _html(content: str, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(content, status_code=status, headers={**PAGE_HEADERS, **(headers or {})})


_LINE = re.compile(r":(\d+)$")


def _skip_entry(origin: str, reason: str) -> dict[str, Any]:
    """A skipped POSTed item: its index in the request body (from the JSONL line number) and the reason."""
    m = _LINE.search(origin)
    return {"index": int(m.group(1)) - 1 if m else None, "reason": reason}


# -- the app --------------------------------------------------------------------------------------------------


def create_app(
    db: str = "tidings.db",
    token: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    settings: Settings | None = None,
) -> FastAPI:
    """The tidings web app over the store ``db``.

    ``token`` (default: the ``TIDINGS_TOKEN`` environment variable) allows writes; without one the server is
    read-only and refuses writes with 403. Bodies over ``max_body_bytes`` get 413.
    """
    token = token if token is not None else os.environ.get("TIDINGS_TOKEN")
    token = token or None
    store = Store(db)
    writer = Writer(db, settings)
    max_articles = (settings or Settings()).ingest.max_articles_per_request

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        writer.close()
        store.close()

    # /docs and /redoc with their scripts served from here, not a CDN: the server may run without internet access
    app = FastAPIOffline(
        lifespan=lifespan,
        title="tidings",
        version=__version__,
        description=(
            "Deduplicated, cross-checked, cited news stories. Reads are open; `POST /api/articles` needs "
            "`Authorization: Bearer <token>` (the server's `--token` / `TIDINGS_TOKEN`)."
        ),
    )
    app.state.store = store
    app.state.writer = writer
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes, timeout=(settings or Settings()).serve.body_timeout)
    app.add_middleware(NoSniff)  # added last: outermost, so the 413 and 408 above carry it too
    app.mount("/static", StaticFiles(packages=[("tidings", "web/static")]), name="static")

    # -- errors: clear messages, never a stack trace ----------------------------------------------------------
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:  # Starlette names the methods of the first route of the path; list them all
            exc.headers = {**(exc.headers or {}), "Allow": _allowed_methods(app, request.scope)}
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return _html(render_error(exc.status_code, str(exc.detail), PAGE), exc.status_code, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):  # the shape the OpenAPI schema documents for 422 (HTTPValidationError)
            detail = [
                {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", "value_error"))}
                for e in exc.errors()
            ]
            return JSONResponse({"detail": detail}, status_code=422)
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p not in ('body', 'query', 'path'))}: {e.get('msg')}"
            for e in exc.errors()
        ]
        return _html(render_error(400, "invalid request: " + "; ".join(problems), PAGE), 400)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("error serving %s %s", request.method, request.url.path)
        if _wants_json(request):
            # (500s are answered outside the middleware stack: the header is set here)
            return JSONResponse({"detail": "internal server error"}, status_code=500, headers=NOSNIFF)
        return _html(render_error(500, "Something went wrong on the server.", PAGE), 500)

    # -- auth and body of writes -------------------------------------------------------------------------------
    def require_token(request: Request) -> None:
        if token is None:
            raise HTTPException(
                403, "writes are disabled: this server has no token (start it with --token or TIDINGS_TOKEN)"
            )
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), token.encode()):
            raise HTTPException(
                401,
                "missing or wrong bearer token (Authorization: Bearer <token>)",
                headers={"WWW-Authenticate": "Bearer"},
            )

    async def articles_body(request: Request, _auth: None = Depends(require_token)) -> list[ArticleIn]:
        raw = await request.body()
        if not raw.strip():
            raise HTTPException(400, "empty body: send one article object or a list of them as JSON")
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            where = f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
            msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
            raise HTTPException(400, f"body is not valid JSON: {msg}{where}") from None
        except RecursionError:
            raise HTTPException(400, "body is not usable JSON: nested too deeply") from None
        items = parse_articles(data)
        if len(items) > max_articles:
            raise HTTPException(
                413,
                f"too many articles: {len(items)} in one request, the limit is {max_articles}; send them in "
                "several requests",
            )
        return items

    # -- JSON API ----------------------------------------------------------------------------------------------
    @app.get("/healthz", tags=["meta"])
    def healthz() -> dict[str, Any]:
        """Liveness and a glance at the store."""
        return {
            "status": "ok",
            "version": __version__,
            "stories": store.count_stories(),
            "articles": store.count_articles(),
        }

    @app.get("/api/stories", tags=["stories"])
    def list_stories(
        request: Request,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="stories per page")] = DEFAULT_PAGE_SIZE,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="stories to skip (use `next`)")] = 0,
        q: Annotated[str | None, Query(max_length=500, description="full-text search in headlines and text")] = None,
        since: Annotated[
            str | None,
            Query(
                description="only stories whose latest article is at/after this ISO 8601 date or timestamp",
                json_schema_extra={
                    "anyOf": [
                        {"type": "string", "format": "date"},
                        {"type": "string", "format": "date-time"},
                        {"type": "string", "pattern": r"^\s*$"},  # blank: no filter (an empty form field)
                    ]
                },
            ),
        ] = None,
        until: Annotated[
            str | None,
            Query(
                description="only stories whose first article is at/before this ISO 8601 date or timestamp (with "
                "`since`: a date range; a date takes the whole day)",
                json_schema_extra=_SINCE_SCHEMA,
            ),
        ] = None,
        site: Annotated[
            str | None, Query(max_length=255, description="only stories with an article of this site")
        ] = None,
        language: Annotated[
            str | None, Query(max_length=8, description="only stories with an article in this language (ISO 639-1)")
        ] = None,
        changed_since: Annotated[
            str | None,
            Query(
                description="mark (`changed: true`) the stories whose briefing changed at/after this ISO 8601 UTC "
                "time (see /api/stories/{story_id}/changes)",
                json_schema_extra=_SINCE_SCHEMA,
            ),
        ] = None,
    ) -> dict[str, Any]:
        """Stories, newest first, or with `q` most relevant first (words in double quotes: a phrase). `next` is the
        URL of the next page, or null on the last one."""
        rows = store.list_stories(
            limit=limit + 1, offset=offset, q=(q or "").strip() or None, since=_check_since(since),
            until=_check_since(until, "until"), site=(site or "").strip() or None,
            language=(language or "").strip().lower() or None,
        )  # fmt: skip
        more = len(rows) > limit
        rows = rows[:limit]
        next_url = str(request.url.include_query_params(offset=offset + limit, limit=limit)) if more else None
        summaries = [story_summary(s) for s in rows]
        marked_since = _utc_since(changed_since, "changed_since")
        if marked_since:
            changed = store.changed_since([s.id for s in rows], marked_since)
            for summary in summaries:
                summary["changed"] = summary["id"] in changed
        return {"stories": summaries, "next": next_url}

    @app.get("/api/stories/{story_id}", tags=["stories"], responses={404: {"description": "no story with this id"}})
    def get_story(story_id: str) -> dict[str, Any]:
        """One story: summary with citations, facts, conflicts, quotes, entities, figures, timeline."""
        story = store.get_story(story_id)
        if story is None or not story.article_ids:
            raise HTTPException(404, f"no story {story_id!r}")
        return story.to_dict()

    @app.get(
        "/api/stories/{story_id}/changes",
        tags=["stories"],
        responses={404: {"description": "no story with this id"}},
    )
    def story_changes(
        story_id: str,
        since: Annotated[
            str,
            Query(description="ISO 8601 UTC date or time: what the story has that it had not then",
                  json_schema_extra={"anyOf": _SINCE_SCHEMA["anyOf"][:2]}),
        ],
    ) -> dict[str, Any]:
        """What's new in a story since a time: new articles and outlets, new facts, figures whose value changed,
        new quotes (from the kept versions of its briefing; `truncated` when older ones were deleted)."""
        checked = _utc_since(since)
        if checked is None:
            raise invalid([(("query", "since"), "since is required: an ISO 8601 date or timestamp")])
        story = store.get_story(story_id)
        if story is None or not story.article_ids:
            raise HTTPException(404, f"no story {story_id!r}")
        return {"story_id": story_id, **changes_since(store.story_versions(story_id), checked)}

    @app.get(
        "/api/articles/{article_id}", tags=["articles"], responses={404: {"description": "no article with this id"}}
    )
    def get_article(article_id: str) -> dict[str, Any]:
        """One cleaned article with its metadata, removed boilerplate and copy relation."""
        article = store.get_article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return article_dict(article)

    @app.post(
        "/api/articles",
        tags=["articles"],
        openapi_extra={"requestBody": _POST_SCHEMA},
        responses={
            400: {"description": "empty body, or not JSON"},
            401: {"description": "missing or wrong token"},
            403: {"description": "writes disabled"},
            413: {"description": "body too large, or more articles than the server takes in one request"},
        },
    )
    def post_articles(
        # Default-value form: the dependencies are closures, which string annotations could not resolve.
        items: list[ArticleIn] = Depends(articles_body),
        group_by: str | None = Query(None, pattern="^story$", description="'story': group by the `story` field"),
    ) -> dict[str, Any]:
        """Add one article or a list (JSONL fields: title, text or html, url, published, site, language, story)
        through the pipeline. Idempotent: posting the same articles again changes nothing and gives the same ids."""
        result = writer.add(items, group_by)
        return {
            "articles": [{"id": a.id, "story_id": a.story_id} for a in result.articles],
            "stories": [s.id for s in result.stories],
            "new_articles": result.new_articles,
            "skipped": [_skip_entry(s.origin, s.reason) for s in result.skipped],
        }

    def openapi() -> dict[str, Any]:
        """The generated schema, plus ArticleIn (the POST body is parsed by hand, so FastAPI does not list it)."""
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schema.setdefault("components", {}).setdefault("schemas", {})["ArticleIn"] = ArticleIn.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    # -- pages -------------------------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index_page(
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
        q: Annotated[str | None, Query(max_length=500)] = None,
        changed_since: Annotated[str | None, Query(max_length=40)] = None,
        since: Annotated[str | None, Query(max_length=40)] = None,
        until: Annotated[str | None, Query(max_length=40)] = None,
        site: Annotated[str | None, Query(max_length=255)] = None,
        language: Annotated[str | None, Query(max_length=8)] = None,
    ) -> HTMLResponse:
        q = (q or "").strip() or None
        marked_since = _utc_since(changed_since, "changed_since")
        filters = {"since": _check_since(since), "until": _check_since(until, "until"),
                   "site": (site or "").strip() or None, "language": (language or "").strip().lower() or None}
        rows = store.list_stories(limit=limit + 1, offset=offset, q=q, **filters)

        def page_url(at: int) -> str:
            params: dict[str, Any] = {}
            if q:
                params["q"] = q
            params.update({k: v for k, v in filters.items() if v})
            if marked_since:
                params["changed_since"] = marked_since
            if at:
                params["offset"] = at
            if limit != DEFAULT_PAGE_SIZE:
                params["limit"] = limit
            return "/" + (f"?{urlencode(params)}" if params else "")

        prev_url = page_url(max(offset - limit, 0)) if offset > 0 else None
        next_url = page_url(offset + limit) if len(rows) > limit else None
        shown = rows[:limit]
        changed = store.changed_since([s.id for s in shown], marked_since) if marked_since else None
        feed_url = "/feeds/stories.atom" + (f"?{urlencode({'q': q})}" if q else "")
        return _html(render_index(shown, PAGE, q=q, prev_url=prev_url, next_url=next_url, changed=changed,
                                  changed_since=marked_since, feed_url=feed_url, filters=filters))

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str, since: Annotated[str | None, Query(max_length=40)] = None) -> HTMLResponse:
        checked = _utc_since(since)
        story = store.get_story(story_id)
        if story is None or not story.article_ids:
            raise HTTPException(404, "There is no story with this id.")
        articles = {a.id: a for a in store.get_articles(story.article_ids)}
        changes = changes_since(store.story_versions(story_id), checked) if checked else None
        return _html(render_story(story, articles, PAGE, changes=changes))

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> HTMLResponse:
        article = store.get_article(article_id)
        if article is None:
            raise HTTPException(404, "There is no article with this id.")
        story = store.get_story(article.story_id) if article.story_id else None
        if story is not None and not story.article_ids:
            story = None
        copy_of = store.get_article(article.copy_of) if article.copy_of else None
        return _html(render_article(article, story, PAGE, copy_of))

    # -- feeds -------------------------------------------------------------------------------------------------
    @app.get("/feeds/stories.atom", tags=["feeds"], response_class=Response,
             responses={200: {"content": {"application/atom+xml": {}}},
                        400: {"description": "an invalid query (a search over 500 characters, a bad limit)"}})
    def stories_feed(
        request: Request,
        q: Annotated[str | None, Query(max_length=500, description="only stories matching this search")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="entries")] = DEFAULT_FEED_SIZE,
    ) -> Response:
        """An Atom feed of the newest stories (or of a search): one entry per story, `updated` when it grows."""
        from ..render.atom import stories_atom

        q = (q or "").strip() or None
        base = str(request.base_url).rstrip("/")
        body = stories_atom(
            store.list_stories(limit=limit, q=q),
            self_url=str(request.url),
            story_url=lambda story_id: base + PAGE.urls.story(story_id),
            title=f"tidings: {q}" if q else "tidings: stories",
        )
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    # -- watched sources (tidings watch) -------------------------------------------------------------------------
    @app.get("/api/sources", tags=["sources"])
    def list_sources() -> dict[str, Any]:
        """The sources `tidings watch` follows, with their status (last success, last error, articles seen)."""
        return {"sources": [asdict(source) for source in store.watch_sources()]}

    @app.post("/api/sources", tags=["sources"], responses={400: {"description": "a body that is not JSON"},
                                                           401: {"description": "missing or wrong token"},
                                                           403: {"description": "writes disabled"}})
    def add_source(body: SourceIn, _auth: None = Depends(require_token)) -> dict[str, Any]:
        """Watch a feed or page URL (only http(s): a client may not make the server read its own files)."""
        url = body.url.strip()
        if not url.lower().startswith(("http://", "https://")):
            raise invalid([(("body", "url"), f"url {url[:200]!r}: only http(s) URLs can be watched through the API")])
        added = store.add_watch_source(url, "feed")
        source = next(s for s in store.watch_sources() if s.url == url)
        return {"added": added, "source": asdict(source)}

    @app.delete("/api/sources", tags=["sources"], responses={401: {"description": "missing or wrong token"},
                                                             403: {"description": "writes disabled"}})
    def remove_source(
        url: Annotated[str, Query(max_length=2048, description="the source as listed")],
        _auth: None = Depends(require_token),
    ) -> dict[str, Any]:
        """Stop watching a source (its articles stay)."""
        if not store.remove_watch_source(url):
            raise HTTPException(404, f"not a watched source: {url[:200]!r}")
        return {"removed": url}

    return app


__all__ = ["ArticleIn", "create_app", "story_summary"]
