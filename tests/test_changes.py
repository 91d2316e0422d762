"""What's new: each briefing's digest is kept per version (bounded), and the story page, the API and the story list
show what changed since a time."""

from __future__ import annotations

import sqlite3

from fastapi.testclient import TestClient
from sqlalchemy import update

from tidings.changes import changes_since, diff, digest
from tidings.model import Article, Fact, Figure, Quote, Story, TimelineEntry
from tidings.store import Store, story_versions_table
from tidings.web.app import create_app

T0, T1, T2 = "2026-03-01T10:00:00+00:00", "2026-03-01T12:00:00+00:00", "2026-03-02T09:00:00+00:00"


def briefing(n_articles: int, *, dead: str = "12 people", quote: str | None = None, facts: int = 1) -> Story:
    """A fictional story about a bridge collapse, as it grows: more articles, outlets, facts, a revised toll."""
    ids = [f"a{i}" for i in range(n_articles)]
    sites = [f"outlet{i}.example" for i in range(n_articles)]
    quotes = [Quote(speaker="Mayor Ines Valdt", text="We will rebuild the bridge", article_id="a0")]
    if quote:
        quotes.append(Quote(speaker="Chief engineer Tomas Brel", text=quote, article_id=ids[-1]))
    return Story(
        id="s1",
        headline="Harrow bridge collapses in storm",
        article_ids=ids,
        independent_sources=n_articles,
        facts=[
            Fact(text=f"Fact number {i} about the Harrow bridge.", article_ids=ids, independent_sources=1)
            for i in range(facts)
        ],
        figures=[
            Figure(text=dead, value=float(dead.split()[0]), unit=None, counts="people", article_ids=ids),
            Figure(text="3", value=3.0, unit=None, article_ids=ids),
        ],
        quotes=quotes,
        timeline=[
            TimelineEntry(article_id=a, published=None, site=s, title=f"Report {a}")
            for a, s in zip(ids, sites, strict=True)
        ],
        sites=sites,
    )


def save(store: Store, story: Story, at: str) -> None:
    """Save a briefing as the pipeline does, then date its new version (versions are stamped with the clock)."""
    with store.transaction() as conn:
        store.add_articles(
            conn,
            [
                Article(id=a, origin=f"{a}.txt", title=f"Report {a}", text="Text.")
                for a in story.article_ids
                if not store.get_article(a)
            ],
        )
        store.assign_stories(conn, {a: story.id for a in story.article_ids}, {})
        store.save_story(conn, story)
    with store.transaction() as conn:
        last = max(v["version"] for v in store.story_versions(story.id))
        t = story_versions_table
        conn.execute(update(t).where(t.c.story_id == story.id, t.c.version == last).values(at=at))


def test_digest_diff_names_new_articles_outlets_facts_quotes_and_a_changed_figure():
    before, after = digest(briefing(2)), digest(briefing(3, dead="15 people", quote="The piers were cracked", facts=2))
    changes = diff(before, after)
    assert [a["id"] for a in changes["new_articles"]] == ["a2"]
    assert changes["new_sites"] == ["outlet2.example"]
    assert changes["new_facts"] == ["Fact number 1 about the Harrow bridge."]
    assert changes["changed_figures"] == [
        {"counts": "people", "unit": None, "before": ["12 people"], "after": ["15 people"]}
    ]
    assert changes["new_quotes"] == [{"speaker": "Chief engineer Tomas Brel", "text": "The piers were cracked"}]
    assert not any(diff(after, after).values())


def test_versions_are_kept_only_when_the_digest_changes_and_bounded(db):
    store = Store(db, story_versions=3)
    save(store, briefing(1), T0)
    save(store, briefing(1), T1)  # the same briefing again: no new version
    assert [v["version"] for v in store.story_versions("s1")] == [1]
    for n in range(2, 7):
        save(store, briefing(n), T2)
    assert [v["version"] for v in store.story_versions("s1")] == [4, 5, 6]


def test_changes_since_compare_with_what_a_reader_saw_then(db):
    store = Store(db)
    save(store, briefing(2), T0)
    save(store, briefing(3, dead="15 people", quote="The piers were cracked"), T2)
    seen_at_t1 = changes_since(store.story_versions("s1"), T1)
    assert (seen_at_t1["from_version"], seen_at_t1["to_version"], seen_at_t1["new_story"]) == (1, 2, False)
    assert [a["id"] for a in seen_at_t1["new_articles"]] == ["a2"]
    assert seen_at_t1["changed_figures"][0]["after"] == ["15 people"]
    before_it_existed = changes_since(store.story_versions("s1"), "2026-02-01")
    assert before_it_existed["new_story"] and len(before_it_existed["new_articles"]) == 3
    after_last = changes_since(store.story_versions("s1"), "2026-03-03")
    assert not after_last["new_articles"] and not after_last["new_quotes"]


def test_changes_from_before_the_oldest_kept_version_are_marked_truncated(db):
    store = Store(db, story_versions=1)
    save(store, briefing(1), T0)
    save(store, briefing(2), T2)
    changes = changes_since(store.story_versions("s1"), T1)
    assert changes["truncated"] and not changes["new_story"] and changes["from_version"] == 2


def test_api_and_pages_show_whats_new_and_mark_changed_stories(db):
    store = Store(db)
    save(store, briefing(2), T0)
    save(store, briefing(3, dead="15 people", quote="The piers were cracked"), T2)
    client = TestClient(create_app(db))
    body = client.get("/api/stories/s1/changes", params={"since": "2026-03-01T13:00:00+01:00"}).json()
    assert body["story_id"] == "s1" and body["from_version"] == 1
    assert body["new_sites"] == ["outlet2.example"]
    assert body["new_quotes"][0]["text"] == "The piers were cracked"
    assert client.get("/api/stories/s1/changes", params={"since": "yesterday"}).status_code == 422
    assert client.get("/api/stories/nope/changes", params={"since": T1}).status_code == 404

    listed = client.get("/api/stories", params={"changed_since": T1}).json()["stories"]
    assert [(s["id"], s["changed"]) for s in listed] == [("s1", True)]
    listed = client.get("/api/stories", params={"changed_since": "2026-03-03"}).json()["stories"]
    assert [(s["id"], s["changed"]) for s in listed] == [("s1", False)]

    page = client.get("/stories/s1", params={"since": T1}).text
    assert "What&#39;s new since" in page or "What's new since" in page
    assert "The piers were cracked" in page and "15 people" in page
    assert "What's new" not in client.get("/stories/s1").text
    index = client.get("/", params={"changed_since": T1}).text
    assert "updated since" in index and "#whats-new" in index
    assert "updated since" not in client.get("/").text


def test_a_schema_5_store_gets_its_briefings_as_first_versions(db):
    store = Store(db)
    save(store, briefing(2), T0)
    store.close()
    con = sqlite3.connect(db)
    con.execute("DROP TABLE story_versions")
    con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    store = Store(db)
    versions = store.story_versions("s1")
    assert [v["version"] for v in versions] == [1]
    assert versions[0]["digest"] == digest(briefing(2))
