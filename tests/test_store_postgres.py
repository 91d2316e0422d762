"""The same store and pipeline on PostgreSQL (the server backend). Needs a server: `make test` starts a throwaway
one (scripts/test-postgres.sh) and passes its URL in TIDINGS_TEST_PG_URL; without it these tests skip."""

from __future__ import annotations

import json

import pytest

from conftest import PG_URL
from tidings.model import Story, SummarySentence
from tidings.pipeline import Pipeline
from tidings.store import Store

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="no PostgreSQL server (TIDINGS_TEST_PG_URL unset; make test starts one)"),
]


def test_pipeline_on_postgres_is_idempotent(tmp_path, pg_db):
    src = tmp_path / "in.jsonl"
    rows = [
        {"title": "Gullholm ferry resumes", "site": "isles.example", "published": "2026-04-02",
         "text": "The Gullholm ferry resumed on Thursday after gales.\n\nHarbourmaster Ivo Lenk said 140 passengers "
                 "crossed.\n\n\u201cThe sea is calm,\u201d Lenk said."},
        {"title": "Ferry back on Gullholm route", "site": "coast.example", "published": "2026-04-02",
         "text": "Ferries to Gullholm island sailed again on Thursday once the gales eased.\n\nIvo Lenk, the "
                 "harbourmaster, said 140 people made the first crossing."},
    ]  # fmt: skip
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    first = Pipeline(db=pg_db).run([str(src)])
    assert len(first.articles) == 2 and len(first.stories) == 1
    assert first.stories[0].summary
    second = Pipeline(db=pg_db).run([str(src)])
    assert second.new_articles == 0
    assert [s.id for s in second.stories] == [s.id for s in first.stories]
    store = Store(pg_db)
    assert [s.id for s in store.list_stories(q="gullholm")] == [first.stories[0].id]


def test_failed_transaction_rolls_back_on_postgres(pg_db):
    store = Store(pg_db)
    with pytest.raises(RuntimeError), store.transaction() as conn:
        store.save_story(conn, Story(id="s1", headline="h", article_ids=[], summary=[SummarySentence("x", [])]))
        raise RuntimeError("killed")
    assert store.get_story("s1") is None
