"""HTML pages of stories and articles, from the Jinja2 templates shared with the web server.

The same three templates (index, story, article) render the static export of ``tidings run --out`` and the pages
of ``tidings serve``; only the links differ, so every template builds its links through a :class:`Urls` object:
:class:`ExportUrls` gives relative file names (the export opens from disk, ``file://``), the server passes
absolute paths. Autoescaping is on: article text is always shown as text, never run as markup.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup

from ..model import Article, Quote, Story
from ..text import is_opinion, paragraphs
from .digest import day_label, make_digest, timeline_days
from .markdown import citation_numbers, cited_in_order, plural


class Urls(Protocol):
    """Where the links of a page point: the server and the static export differ only here."""

    def index(self) -> str: ...
    def story(self, story_id: str) -> str: ...
    def article(self, article_id: str) -> str: ...
    def static(self, name: str) -> str: ...


@dataclass(frozen=True)
class ExportUrls:
    """Relative links between the files of a static export; ``depth`` = folders below the export root."""

    depth: int = 0

    @property
    def _up(self) -> str:
        return "../" * self.depth

    def index(self) -> str:
        return f"{self._up}index.html"

    def story(self, story_id: str) -> str:
        return f"{self._up}stories/{quote(story_id, safe='')}.html"

    def article(self, article_id: str) -> str:
        return f"{self._up}articles/{quote(article_id, safe='')}.html"

    def static(self, name: str) -> str:  # the export inlines its assets; kept for the protocol
        return f"{self._up}{quote(name)}"


@dataclass(frozen=True)
class Page:
    """How a page is delivered: the link builder, and whether CSS/JS are inlined (export) or linked (server)."""

    urls: Urls
    inline_assets: bool = True
    static_search: bool = True  # the export filters the list client-side; the server submits ?q=


# -- template environment -------------------------------------------------------------------------------------


def _static_text(name: str) -> str:
    return (importlib_resources.files("tidings") / "web" / "static" / name).read_text(encoding="utf-8")


@cache
def static_asset(name: str) -> str:
    """The text of a file under ``tidings/web/static`` (CSS, JS), read once."""
    return _static_text(name)


def csp_hash(source: str) -> str:
    """The Content-Security-Policy hash source of an inline script or style."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def format_date(value: str | None, with_time: bool = True) -> str:
    """An ISO 8601 date for people: '5 Mar 2024, 14:20' (the raw string if it does not parse)."""
    if not value:
        return ""
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    day = f"{dt.day} {dt.strftime('%b %Y')}"
    has_time = "T" in value or " " in value.strip()
    if not with_time or not has_time:
        return day
    return f"{day}, {dt.strftime('%H:%M')}"


def safe_href(url: str | None) -> str | None:
    """``url`` if it is an http(s) address (safe to link to), else None: no ``javascript:`` links from data."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def site_label(article: Article | None) -> str:
    """What to call an article's source: its site, else its URL's host, else 'unknown site'."""
    if article is None:
        return "unknown site"
    if article.site:
        return article.site
    try:
        host = urlsplit(article.url or "").hostname
    except ValueError:
        host = None
    return host or "unknown site"


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the templates in ``tidings/web/templates`` (autoescape on)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tidings", "web/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = format_date
    env.filters["day"] = day_label
    env.filters["safe_href"] = safe_href
    env.filters["site"] = site_label
    env.filters["cited_in_order"] = cited_in_order
    env.globals["plural"] = plural
    return env


def _base_context(page: Page) -> dict[str, Any]:
    ctx: dict[str, Any] = {"urls": page.urls, "inline_assets": page.inline_assets, "static_search": page.static_search}
    if page.inline_assets:
        ctx["css"] = Markup(static_asset("tidings.css"))
        script = static_asset("filter.js")
        ctx["filter_js"] = Markup(script)
        # The export carries its own Content-Security-Policy: nothing external, and only its own filter script.
        ctx["csp"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            f"script-src {csp_hash(script)}; base-uri 'none'; form-action 'none'"
        )
    return ctx


# Long stories: the digest comes first (render.digest); every other section is folded into <details>.
EXCLUSIVES_OPEN_MAX = 6
"""Inside the folded exclusives, the per-outlet groups are open when there are at most this many facts in all."""
ENTITIES_SHOWN = 15
"""Entity rows shown before the 'more' fold (entities come most-mentioned first)."""


# -- view models ----------------------------------------------------------------------------------------------


@dataclass
class Source:
    """One article of a story as listed on its page: its citation number, copy relation, and whether it is an
    opinion piece (:func:`tidings.text.is_opinion`)."""

    number: int
    article: Article
    copy_of_number: int | None
    opinion: bool = False


def story_sources(story: Story, articles: dict[str, Article]) -> list[Source]:
    cite = citation_numbers(story)
    return [
        Source(cite[aid], articles[aid], cite.get(articles[aid].copy_of or ""), is_opinion(articles[aid]))
        for aid in story.article_ids
        if aid in articles
    ]


def quotes_by_speaker(quotes: Iterable[Quote]) -> list[tuple[str | None, list[Quote]]]:
    """Quotes grouped by speaker, speakers in order of first appearance, unattributed quotes last."""
    groups: dict[str | None, list[Quote]] = {}
    for q in quotes:
        groups.setdefault(q.speaker or None, []).append(q)
    named = [(k, v) for k, v in groups.items() if k is not None]
    return named + ([(None, groups[None])] if None in groups else [])


def article_blocks(article: Article) -> list[tuple[str, str]]:
    """The article's paragraphs as ('h', text) for headings listed in ``Article.headings``, else ('p', text)."""
    headings = {h.strip() for h in article.headings}
    return [("h" if p in headings else "p", p) for p in paragraphs(article.text)]


# -- pages ----------------------------------------------------------------------------------------------------


def render_index(
    stories: list[Story],
    page: Page,
    q: str | None = None,
    prev_url: str | None = None,
    next_url: str | None = None,
    title: str = "tidings",
    changed: set[str] | None = None,
    changed_since: str | None = None,
    feed_url: str | None = None,
    filters: dict[str, str | None] | None = None,
) -> str:
    """The story list: headline, counts, sites, last update, and a search box. ``changed``: ids of stories whose
    briefing changed since ``changed_since`` (marked, linking to what is new); ``feed_url``: the Atom feed of this
    list, announced for feed readers' autodiscovery; ``filters``: the search's since/until/site/language, shown in the
    search form."""
    return (
        environment()
        .get_template("index.html")
        .render(
            **_base_context(page),
            title=title,
            stories=stories,
            q=q or "",
            prev_url=prev_url,
            next_url=next_url,
            changed=changed or set(),
            changed_since=changed_since,
            feed_url=feed_url,
            filters={k: v for k, v in (filters or {}).items() if v},
        )
    )


def render_story(
    story: Story, articles: dict[str, Article], page: Page, changes: dict[str, Any] | None = None
) -> str:
    """One story: the digest (cited summary, best-corroborated facts, disagreements, who said what), then everything
    else folded by section (other shared facts, exclusives per outlet, quotes, entities, figures, timeline,
    sources). ``changes`` (changes.changes_since): a "what's new since" section first."""
    digest = make_digest(story)
    days, undated = timeline_days(story)
    exclusive_count = sum(len(facts) for _, facts in digest.exclusives)
    sources = story_sources(story, articles)
    return (
        environment()
        .get_template("story.html")
        .render(
            **_base_context(page),
            title=story.headline,
            story=story,
            articles=articles,
            cite=citation_numbers(story),
            digest=digest,
            exclusive_count=exclusive_count,
            exclusives_open=exclusive_count <= EXCLUSIVES_OPEN_MAX,
            entities_shown=ENTITIES_SHOWN,
            quote_groups=quotes_by_speaker(story.quotes),
            days=days,
            undated=undated,
            sources=sources,
            opinion_ids={src.article.id for src in sources if src.opinion},
            changes=changes,
        )
    )


def render_article(article: Article, story: Story | None, page: Page, copy_of: Article | None = None) -> str:
    """One article: clean text, metadata, and the boilerplate that was removed (folded away)."""
    cite = citation_numbers(story) if story else {}
    return (
        environment()
        .get_template("article.html")
        .render(
            **_base_context(page),
            title=article.title or "(untitled)",
            article=article,
            story=story,
            number=cite.get(article.id),
            copy_of=copy_of,
            blocks=article_blocks(article),
        )
    )


def render_error(status: int, message: str, page: Page) -> str:
    return (
        environment()
        .get_template("error.html")
        .render(**_base_context(page), title=f"{status}", status=status, message=message)
    )


# -- static export --------------------------------------------------------------------------------------------


def _write(path: Path, content: str) -> Path:
    """Write atomically (temp file + rename): a browser never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".page-", suffix=".html")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(content)
    os.replace(tmp, path)
    return path


def write_site(out_dir: Path, stories: list[Story], articles: list[Article]) -> list[Path]:
    """Write ``index.html``, ``stories/<id>.html`` and ``articles/<id>.html``: self-contained pages (CSS and the
    small search script inlined, no external asset, relative links) that open from disk."""
    out_dir = Path(out_dir)
    by_id = {a.id: a for a in articles}
    story_of: dict[str, Story] = {}
    for s in stories:
        for aid in s.article_ids:
            story_of.setdefault(aid, s)
    # Newest first, like the server's list; undated stories last.
    stories = sorted(stories, key=lambda s: (s.last_seen or "", s.updated_at or ""), reverse=True)
    stories.sort(key=lambda s: s.last_seen is None)
    written = [_write(out_dir / "index.html", render_index(stories, Page(ExportUrls(0)), title="tidings briefing"))]
    nested = Page(ExportUrls(1), static_search=False)
    for s in stories:
        written.append(_write(out_dir / "stories" / f"{s.id}.html", render_story(s, by_id, nested)))
    for a in articles:
        story = story_of.get(a.id)
        copy_of = by_id.get(a.copy_of) if a.copy_of else None
        written.append(_write(out_dir / "articles" / f"{a.id}.html", render_article(a, story, nested, copy_of)))
    return written


__all__ = [
    "ExportUrls",
    "Page",
    "Urls",
    "environment",
    "render_article",
    "render_error",
    "render_index",
    "render_story",
    "write_site",
]
