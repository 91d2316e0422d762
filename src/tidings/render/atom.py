"""An Atom feed of stories (feedgen): one entry per story, whose ``updated`` is the time its briefing was last
rebuilt, so an RSS reader subscribed to tidings shows one item per event and marks it updated when it grows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html import escape

from feedgen.feed import FeedGenerator

from .. import __version__
from ..model import Story
from .markdown import plural


def _moment(value: str | None) -> datetime | None:
    """An ISO date or timestamp as an aware datetime (UTC when it has no zone), None when absent or unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _content(story: Story) -> str:
    """The briefing as HTML: its summary sentences, then how many articles and independent sources back it."""
    parts = [f"<p>{escape(s.text)}</p>" for s in story.summary]
    sites = ", ".join(escape(site) for site in story.sites)
    n = len(story.article_ids)
    counts = f"{plural(n, 'article')}, {plural(story.independent_sources, 'independent source')}"
    parts.append(f"<p>{counts}" + (f": {sites}" if sites else "") + ".</p>")
    return "\n".join(parts)


def stories_atom(stories: list[Story], self_url: str, story_url: Callable[[str], str], title: str) -> bytes:
    """The Atom document of ``stories`` (newest first, as listed). ``story_url`` gives a story's absolute page
    URL, which is also the entry's id (stable: a story keeps its id as it grows); ``self_url`` is the feed's own."""
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.author({"name": "tidings"})
    feed.generator("tidings", version=__version__)
    feed.language("en")
    now = datetime.now(UTC).replace(microsecond=0)
    updated = [m for m in (_moment(s.updated_at) for s in stories) if m]
    feed.updated(max(updated) if updated else now)
    for story in reversed(stories):  # feedgen puts the last added entry first
        entry = feed.add_entry()
        url = story_url(story.id)
        entry.id(url)
        entry.title(story.headline)
        entry.link(href=url, rel="alternate", type="text/html")
        entry.updated(_moment(story.updated_at) or now)
        published = _moment(story.first_seen)
        if published:
            entry.published(published)
        entry.summary(" ".join(s.text for s in story.summary) or story.headline)
        entry.content(_content(story), type="html")
        for site in story.sites[:20]:
            entry.category(term=site)
    return feed.atom_str(pretty=True)
