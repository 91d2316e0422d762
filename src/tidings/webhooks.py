"""Webhooks of the watch loop: a signed JSON POST to a configured URL when a story is created or grows.

Events are queued in the store (``webhook_outbox``) in the same transaction that records the cycle that made
them, and delivered afterwards: a receiver that is down, slow or failing delays its events (retried with a
doubling wait, ``WatchSettings.webhook_*``) but never the watch loop or the store, and a restart delivers what was
pending. The body is signed with HMAC-SHA256 (``X-Tidings-Signature: sha256=<hex>``) when a secret is set.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import httpx

from .model import Story
from .render.json import story_brief
from .settings import WatchSettings

if TYPE_CHECKING:
    from .store import Store

log = logging.getLogger(__name__)


def story_event(story: Story, created: bool, new_article_ids: list[str]) -> tuple[str, str, str]:
    """(event name, story id, JSON body) of a story that was created or grew."""
    event = "story.created" if created else "story.updated"
    body = {
        "event": event,
        "story": {**story_brief(story), "summary": [s.text for s in story.summary]},
        "new_article_ids": new_article_ids,
    }
    return event, story.id, json.dumps(body, ensure_ascii=False, sort_keys=True)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def signature(secret: str, body: bytes) -> str:
    """The ``X-Tidings-Signature`` value of a body: ``sha256=`` and the hex HMAC-SHA256 of it under ``secret``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def deliver_due(store: Store, client: httpx.Client, settings: WatchSettings, now: datetime) -> tuple[int, int]:
    """Try the due events once each (at most ``webhook_max_per_cycle``); (delivered, failed attempts)."""
    if not settings.webhook_url:
        return 0, 0
    delivered = failed = 0
    for row in store.due_webhook_events(_iso(now), settings.webhook_max_per_cycle):
        body = row["payload"].encode("utf-8")
        headers = {"Content-Type": "application/json", "X-Tidings-Event": row["event"],
                   "X-Tidings-Delivery": str(row["id"])}
        if settings.webhook_secret:
            headers["X-Tidings-Signature"] = signature(settings.webhook_secret, body)
        try:
            response = client.post(settings.webhook_url, content=body, headers=headers,
                                   timeout=settings.webhook_timeout)
            error = None if response.is_success else f"HTTP {response.status_code} {response.reason_phrase}".strip()
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {str(exc)[:200]}"
        if error is None:
            store.update_webhook_event(row["id"])
            delivered += 1
            continue
        failed += 1
        attempts = row["attempts"] + 1
        if attempts >= settings.webhook_attempts:
            log.warning("webhook %s for story %s given up after %d attempts: %s", row["event"], row["story_id"],
                        attempts, error)
            store.update_webhook_event(row["id"], attempts=attempts, status="failed", last_error=error)
        else:
            wait = settings.webhook_retry_seconds * 2 ** (attempts - 1)
            store.update_webhook_event(row["id"], attempts=attempts, last_error=error,
                                       next_attempt=_iso(now + timedelta(seconds=wait)))
    return delivered, failed
