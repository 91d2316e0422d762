"""The JSON export: ``../shared/spec/stories.schema.json`` plus extra fields (skipped inputs, timelines, sites)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .. import __version__
from ..model import Article, Skip, Story
from ..store import now_iso

ARTICLE_FIELDS = (
    "id", "origin", "url", "site", "title", "published", "language", "text", "removed", "story_id", "copy_of",
    "relation", "headings", "authors", "credits",
)  # fmt: skip


def article_dict(article: Article) -> dict[str, Any]:
    return {f: getattr(article, f) for f in ARTICLE_FIELDS}


def story_brief(story: Story) -> dict[str, Any]:
    """The short form of a story in a list (``tidings stories --json``): no briefing, no articles."""
    return {
        "id": story.id,
        "headline": story.headline,
        "articles": len(story.article_ids),
        "independent_sources": story.independent_sources,
        "sites": story.sites,
        "first_seen": story.first_seen,
        "last_seen": story.last_seen,
        "updated_at": story.updated_at,
    }


def export_dict(stories: list[Story], articles: list[Article], skipped: list[Skip] | None = None) -> dict[str, Any]:
    return {
        "version": __version__,
        "generated_at": now_iso(),
        "articles": [article_dict(a) for a in articles],
        "stories": [s.to_dict() for s in stories],
        "skipped": [{"origin": s.origin, "reason": s.reason} for s in skipped or []],
    }


def write_json(path: Path, stories: list[Story], articles: list[Article], skipped: list[Skip] | None = None) -> Path:
    """Write atomically (temp file + rename): a reader never sees half a file."""
    data = json.dumps(export_dict(stories, articles, skipped), ensure_ascii=False, indent=2)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".stories-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(data)
    os.replace(tmp, path)
    return path
