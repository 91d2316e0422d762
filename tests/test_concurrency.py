"""Concurrent writers on one store (a run and API writers, on SQLite and PostgreSQL): every story marked clean has
a briefing that lists exactly its articles. A rebuild clears a story's dirty flag only if the story's version is
still the one it read (store.save_story's compare-and-set)."""

from __future__ import annotations

import json
import threading

from fastapi.testclient import TestClient

from test_pipeline import BAKE, STRIKE, write_jsonl
from tidings.cli import samples_dir
from tidings.pipeline import Pipeline
from tidings.store import Store, stories_table
from tidings.web.app import create_app

TOKEN = "concurrency-token"


def stale_briefings(db: str) -> list[tuple[str, list[str], list[str]]]:
    """Clean stories whose briefing does not list exactly their articles: (id, in the briefing, in the store)."""
    store = Store(db)
    with store.engine.connect() as conn:
        clean = list(
            conn.execute(
                stories_table.select().where(stories_table.c.dirty == 0).with_only_columns(stories_table.c.id)
            ).scalars()
        )
    out = []
    for story_id in clean:
        listed, stored = sorted(store.get_story(story_id).article_ids), sorted(store.story_article_ids(story_id))
        if listed != stored:
            out.append((story_id, listed, stored))
    store.close()
    return out


def test_a_writer_during_a_rebuild_leaves_the_story_dirty_not_stale(tmp_path, any_db):
    # The run is rebuilding the strike story when another writer adds an article to it: the run's briefing (one
    # article) must not be marked clean; the writer's own rebuild (after its commit) lists both.
    first = Pipeline(db=any_db)
    real_build = first.build_story
    writes = []

    def build_while_another_writes(story_id, articles=None, sentences=None, members=None):
        story = real_build(story_id, articles, sentences, members)
        if not writes and story is not None and any(a.title == STRIKE[0][0] for a in articles or []):
            writes.append(Pipeline(db=any_db).run([str(write_jsonl(tmp_path / "b.jsonl", [STRIKE[1]]))]))
        return story

    first.build_story = build_while_another_writes  # type: ignore[method-assign]
    first.run([str(write_jsonl(tmp_path / "a.jsonl", [STRIKE[0], BAKE]))])
    [second] = writes
    assert len(second.stories) == 1 and len(second.stories[0].article_ids) == 2  # joined the strike story
    assert stale_briefings(any_db) == []
    assert Store(any_db).dirty_story_ids() == []
    assert len(Store(any_db).get_story(second.stories[0].id).article_ids) == 2


def test_a_run_and_api_writers_at_once_leave_no_stale_briefing(tmp_path, any_db):
    files = sorted(p for p in samples_dir().joinpath("articles").iterdir() if p.name.startswith(("port", "dam")))
    rows = [json.loads(line) for line in (samples_dir() / "articles" / "mixed_wire-export.jsonl").open()][:2]
    errors: list[BaseException] = []

    def guarded(work):
        def run() -> None:
            try:
                work()
            except BaseException as exc:  # reported by the test, not lost in the thread
                errors.append(exc)

        return threading.Thread(target=run)

    def cli_run() -> None:  # `tidings run` on half the files, small batches: many commits and rebuilds
        Pipeline(db=any_db, batch_size=1).run([str(p) for p in files[::2]])

    def other_run() -> None:  # another process's runs, one file each
        for path in files[1::2]:
            Pipeline(db=any_db).run([str(path)])

    def api_writer() -> None:  # a server taking POSTs, one article each
        with TestClient(create_app(any_db, token=TOKEN)) as client:
            for row in rows:
                response = client.post("/api/articles", json=row, headers={"Authorization": f"Bearer {TOKEN}"})
                assert response.status_code == 200, response.text

    Store(any_db).close()  # the schema, once, before the writers race to create it
    threads = [guarded(w) for w in (cli_run, other_run, api_writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    store = Store(any_db)
    assert store.count_articles() == len(rows) + len(files)  # one article a file
    assert stale_briefings(any_db) == []
    # every writer rebuilds after its last commit, so none is left dirty either
    assert store.dirty_story_ids() == []


def test_rerun_repairs_briefings_that_miss_articles(tmp_path, db):
    # A store written by an older tidings, whose racing rebuild marked a one-article briefing clean.
    Pipeline(db=db).run([str(write_jsonl(tmp_path / "in.jsonl", [*STRIKE, BAKE]))])
    store = Store(db)
    [strike] = [s for s in store.list_stories() if len(s.article_ids) == 2]
    strike.article_ids = strike.article_ids[:1]
    with store.transaction() as conn:
        store.save_story(conn, strike)
    assert stale_briefings(db)
    Pipeline(db=db).run([str(write_jsonl(tmp_path / "in.jsonl", [*STRIKE, BAKE]))])
    assert stale_briefings(db) == []
    assert len(store.get_story(strike.id).article_ids) == 2


def test_two_writers_storing_the_same_article_at_once_both_succeed(tmp_path, any_db):
    # Both writers check the article is new, then both insert it: the second insert must not fail on the duplicate
    # key (it failed the whole batch). The first writer's row and story stand; the article is stored once.
    path = str(write_jsonl(tmp_path / "a.jsonl", [STRIKE[0], BAKE]))
    first = Pipeline(db=any_db)
    real_existing = first.store.existing_ids
    others = []

    def existing_then_another_writer_stores_them(ids):
        found = real_existing(ids)
        if not others:  # between this run's check and its insert, another writer stores the same articles
            others.append(Pipeline(db=any_db).run([path]))
        return found

    first.store.existing_ids = existing_then_another_writer_stores_them  # type: ignore[method-assign]
    result = first.run([path])
    [other] = others
    store = Store(any_db)
    assert store.count_articles() == 2
    assert sorted(result.article_ids) == sorted(other.article_ids)
    assert sorted(s.id for s in store.list_stories()) == sorted(s.id for s in other.stories)
    assert stale_briefings(any_db) == []
    assert store.dirty_story_ids() == []
