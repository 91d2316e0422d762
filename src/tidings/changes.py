"""What's new in a story: a compact digest of each briefing (kept per version in the store) and the difference
between two digests (new articles and outlets, new facts, figures whose value changed, new quotes).

A digest keeps only what a reader compares, not the whole briefing: at most a few kilobytes for a story of
hundreds of articles, so keeping ``watch.story_versions`` of them per story stays small.
"""

from __future__ import annotations

from typing import Any

from .model import Story

DIGEST_FORMAT = 1
"""Bumped when the digest's fields change: a digest of another format is compared as if it were empty."""


def _figure_key(counts: str | None, unit: str | None) -> str:
    """What a figure measures ('people', 'USD'): two values under one key are one figure that changed."""
    return f"{(counts or '').lower()}|{(unit or '').lower()}"


def digest(story: Story) -> dict[str, Any]:
    """The parts of a briefing that "what's new" compares, as plain JSON data."""
    figures: dict[str, list[str]] = {}
    for f in story.figures:
        if f.counts or f.unit:  # a bare number ('3') names nothing that could be said to change
            figures.setdefault(_figure_key(f.counts, f.unit), []).append(f.text)
    return {
        "format": DIGEST_FORMAT,
        "headline": story.headline,
        "articles": [
            {"id": t.article_id, "site": t.site, "title": t.title, "published": t.published} for t in story.timeline
        ]
        or [{"id": a, "site": None, "title": None, "published": None} for a in story.article_ids],
        "sites": list(story.sites),
        "facts": [f.text for f in story.facts],
        "figures": figures,
        "quotes": [{"speaker": q.speaker, "text": q.text} for q in story.quotes],
    }


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    """What ``after`` has that ``before`` had not (``before`` None: the story is new, everything is)."""
    if not before or before.get("format") != DIGEST_FORMAT:
        before = {}
    old_articles = {a["id"] for a in before.get("articles", [])}
    old_sites = set(before.get("sites", []))
    old_facts = set(before.get("facts", []))
    old_quotes = {(q["speaker"], q["text"]) for q in before.get("quotes", [])}
    old_figures: dict[str, list[str]] = before.get("figures", {})
    changed_figures = []
    new_figures = []
    for key, texts in after.get("figures", {}).items():
        counts, _, unit = key.partition("|")
        if key not in old_figures:
            new_figures.append({"counts": counts or None, "unit": unit or None, "values": texts})
        elif set(texts) != set(old_figures[key]):
            changed_figures.append(
                {"counts": counts or None, "unit": unit or None, "before": old_figures[key], "after": texts}
            )
    return {
        "headline_changed": bool(before) and before.get("headline") != after.get("headline"),
        "new_articles": [a for a in after.get("articles", []) if a["id"] not in old_articles],
        "new_sites": [s for s in after.get("sites", []) if s not in old_sites],
        "new_facts": [f for f in after.get("facts", []) if f not in old_facts],
        "changed_figures": changed_figures,
        "new_figures": new_figures,
        "new_quotes": [q for q in after.get("quotes", []) if (q["speaker"], q["text"]) not in old_quotes],
    }


def is_empty(changes: dict[str, Any]) -> bool:
    """True when a diff found nothing new."""
    return not any(v for v in changes.values())


def changes_since(versions: list[dict[str, Any]], since: str) -> dict[str, Any]:
    """What changed in a story since the time ``since`` (ISO 8601 UTC), from its kept ``versions`` (oldest first,
    each with ``version``, ``at``, ``digest``): the newest version against the one a reader saw at ``since`` (the
    last written at or before it). When every kept version is newer, the story is new since then (its first kept
    version is 1), or older versions were deleted (``truncated``: changes are counted from the oldest kept one)."""
    if not versions:
        return {
            "since": since,
            "from_version": None,
            "to_version": None,
            "new_story": False,
            "truncated": False,
            **diff(None, {}),
        }
    seen = [v for v in versions if v["at"] <= since]
    current = versions[-1]
    if seen:
        base: dict[str, Any] | None = seen[-1]
    elif versions[0]["version"] == 1:
        base = None  # created after `since`: everything in it is new
    else:
        base = versions[0]
    result = (
        diff(base["digest"] if base else None, current["digest"])
        if base is not current
        else diff(current["digest"], current["digest"])
    )
    return {
        "since": since,
        "from_version": base["version"] if base else None,
        "to_version": current["version"],
        "new_story": base is None,
        "truncated": not seen and base is not None,
        **result,
    }
