"""The store: schema version, transactions, story bookkeeping, search and the vector cache."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from sqlalchemy import text, update

from conftest import linked_store, search_store
from tidings.model import Article, Document, Story, SummarySentence
from tidings.store import SCHEMA_VERSION, SchemaError, Store, meta_table


def make_article(n: int, **kw) -> Article:
    return Article(id=f"a{n}", origin=f"file{n}.txt", title=f"Title {n}", text=f"Body of article {n}.", **kw)


def test_schema_is_versioned(db):
    store = Store(db)
    assert store.schema_version == SCHEMA_VERSION
    with store.transaction() as conn:
        conn.execute(update(meta_table).where(meta_table.c.key == "schema_version").values(value="99"))
    with pytest.raises(SchemaError, match="newer"):
        Store(db)


def test_articles_round_trip_with_lists(db):
    store = Store(db)
    a = make_article(1, removed=["Leave a comment"], headings=["Next steps"], credits=["R. Roe contributed"])
    with store.transaction() as conn:
        store.add_articles(conn, [a], [b"sig"], np.ones((1, 384), dtype=np.float32))
    [got] = store.get_articles(["a1"])
    assert got == a
    assert store.existing_ids(["a1", "a2"]) == {"a1"}
    [(row, sig, emb)] = list(store.iter_index_rows())
    assert row.id == "a1" and row.text == "" and sig == b"sig" and emb.shape == (384,)


def test_failed_transaction_leaves_store_unchanged(db):
    store = Store(db)
    with store.transaction() as conn:
        store.add_articles(conn, [make_article(1)])
    with pytest.raises(RuntimeError), store.transaction() as conn:
        store.add_articles(conn, [make_article(2)])
        store.assign_stories(conn, {"a2": "s1"}, {})
        raise RuntimeError("killed mid-batch")
    assert store.existing_ids(["a1", "a2"]) == {"a1"}
    assert store.count_stories() == 0


def test_dirty_stories_come_in_a_fixed_order(db):
    # Rebuilt in this order, in chunks embedded together: a fixed order makes a run reproducible.
    store = Store(db)
    with store.transaction() as conn:
        store.add_articles(conn, [make_article(1), make_article(2), make_article(3)])
    for article_id, story_id in (("a1", "s9"), ("a2", "s1"), ("a3", "s5")):  # created in this order
        with store.transaction() as conn:
            store.assign_stories(conn, {article_id: story_id}, {})
    assert store.dirty_story_ids() == ["s1", "s5", "s9"]


def test_assign_and_merge_stories_mark_them_dirty(db):
    store = Store(db)
    with store.transaction() as conn:
        store.add_articles(conn, [make_article(1), make_article(2), make_article(3)])
        touched = store.assign_stories(conn, {"a1": "s1", "a2": "s1", "a3": "s2"}, {})
    assert touched == {"s1", "s2"}
    assert sorted(store.dirty_story_ids()) == ["s1", "s2"]
    with store.transaction() as conn:
        store.assign_stories(conn, {}, {"s2": "s1"})
    assert sorted(store.story_article_ids("s1")) == ["a1", "a2", "a3"]
    assert store.get_story("s2") is None


def test_saved_stories_are_listed_and_searchable(db):
    store = Store(db)
    with store.transaction() as conn:
        for i, (head, day) in enumerate([("Dock strike closes Port Valen", "2026-03-02"), ("Dam alert", "2026-03-05")]):
            story = Story(
                id=f"s{i}", headline=head, article_ids=[f"a{i}"], last_seen=day,
                summary=[SummarySentence(f"{head} today.", [f"a{i}"])],
            )  # fmt: skip
            store.save_story(conn, story, search_text=f"{head}\nmayor Orla Venn")
    assert [s.id for s in store.list_stories()] == ["s1", "s0"]
    assert [s.id for s in store.list_stories(q="dock")] == ["s0"]
    assert [s.id for s in store.list_stories(q="Venn")] == ["s1", "s0"]
    assert store.list_stories(q='"unbalanced (quote') == []
    assert [s.id for s in store.list_stories(since="2026-03-04")] == ["s1"]
    assert store.get_story("s0").summary[0].article_ids == ["a0"]
    with store.transaction() as conn:  # saving again replaces, never duplicates
        store.save_story(conn, store.get_story("s0"), search_text="dock")
    assert [s.id for s in store.list_stories(q="dock")] == ["s0"]


def test_an_older_stores_search_rows_are_keyed_by_story_and_replaced_in_place(db):
    # Older tidings left full-text rows at any rowid and replaced them by a search on the story id, a read of every
    # row (0.3 s a story at 100k articles); opened now, each row moves to its story's rowid, once.
    store = Store(db)
    with store.transaction() as conn:
        for i, head in enumerate(["Dock strike closes Port Valen", "Dam alert"]):
            store.save_story(conn, Story(id=f"s{i}", headline=head, article_ids=[f"a{i}"]), search_text=head)
    store.close()
    con = sqlite3.connect(db)  # as an older tidings wrote them
    rows = con.execute("SELECT story_id, headline, body FROM stories_fts ORDER BY story_id").fetchall()
    con.execute("DELETE FROM stories_fts")
    con.executemany("INSERT INTO stories_fts (story_id, headline, body) VALUES (?, ?, ?)", rows)
    con.execute("DELETE FROM meta WHERE key = 'fts_rowids'")
    con.commit()
    con.close()
    store = Store(db)
    with store.transaction() as conn:
        store.save_story(conn, Story(id="s0", headline="Port Valen reopens", article_ids=["a0"]), search_text="")
    assert [s.id for s in store.list_stories(q="dock")] == []
    assert [s.id for s in store.list_stories(q="reopens")] == ["s0"]
    assert [s.id for s in store.list_stories(q="dam")] == ["s1"]
    store.close()
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM stories_fts").fetchone() == (2,)
    con.close()


def test_vector_cache(db):
    store = Store(db)
    store.put_vectors({"k1": np.arange(3, dtype=np.float32)})
    store.put_vectors({"k1": np.zeros(3, dtype=np.float32), "k2": np.ones(3, dtype=np.float32)})
    got = store.get_vectors(["k1", "k2", "k3"])
    assert set(got) == {"k1", "k2"}
    assert got["k1"].tolist() == [0.0, 1.0, 2.0]


def test_raw_documents_and_the_memory_of_repeated_lines_are_kept(db):
    store = Store(db)
    doc = Document("in.jsonl:1", "<p>Ferry back</p>", "html", {"url": "https://isles.example/ferry"})
    big = 2**62 + 5  # line keys are 63-bit
    with store.transaction() as conn:
        store.add_articles(conn, [make_article(1, site="isles.example")])
        store.add_sources(conn, {"a1": doc})
        store.add_line_rows(conn, [("a1", "isles.example", big, 7), ("a1", "isles.example", 11, 7)])
        store.add_line_rows(conn, [("x2", "", big, 8), ("x3", "other.example", big, 9)])
        store.add_line_rows(conn, [("a1", "isles.example", big, 99)])  # a page's rows are written once
    [got] = store.get_sources(["a1"]).values()
    assert (got.content, got.kind, got.meta, got.origin) == (doc.content, "html", doc.meta, "file1.txt")
    across, on_site = store.line_contexts({("isles.example", big), ("isles.example", 11)}, cap=3)
    assert across == {big: None, 11: {7}}  # three contexts: as many as the cleaner asks for
    assert on_site == {("isles.example", big): {7}, ("isles.example", 11): {7}}
    assert store.articles_with_lines({big}, set()) == ["a1"]  # x2 and x3 were pages, not stored articles
    assert store.articles_with_lines(set(), {("isles.example", 11)}) == ["a1"]


def test_a_schema_2_store_is_migrated_and_its_stale_briefings_marked_dirty(db):
    store = Store(db)
    with store.transaction() as conn:
        store.add_articles(conn, [make_article(1), make_article(2)])
        store.assign_stories(conn, {"a1": "s1", "a2": "s1"}, {})
        store.save_story(conn, Story(id="s1", headline="h", article_ids=["a1"]))  # misses a2 (a racing rebuild)
    store.close()
    con = sqlite3.connect(db)  # as schema 2 left it: no story versions, no batch numbers
    con.execute("ALTER TABLE stories DROP COLUMN version")
    con.execute("ALTER TABLE articles DROP COLUMN batch")
    con.execute("DROP TABLE story_versions")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    store = Store(db)
    assert store.schema_version == SCHEMA_VERSION == 8
    assert store.dirty_story_ids() == ["s1"]  # rebuilt by the next run
    members, version = store.story_members("s1")
    assert [a.id for a in members] == ["a1", "a2"] and version == 1


def test_saving_a_briefing_clears_the_flag_only_at_the_version_it_read(db):
    store = Store(db)
    with store.transaction() as conn:
        store.add_articles(conn, [make_article(1), make_article(2)])
        store.assign_stories(conn, {"a1": "s1"}, {})
    members, version = store.story_members("s1")
    ids = [a.id for a in members]
    with store.transaction() as conn:  # a writer adds a2 while the briefing of [a1] is built
        store.assign_stories(conn, {"a2": "s1"}, {})
    with store.transaction() as conn:
        assert not store.save_story(conn, Story(id="s1", headline="h", article_ids=ids), version=version)
    assert store.dirty_story_ids() == ["s1"] and store.get_story("s1").article_ids == []
    members, version = store.story_members("s1")
    ids = [a.id for a in members]
    with store.transaction() as conn:
        assert store.save_story(conn, Story(id="s1", headline="h", article_ids=ids), version=version)
    assert store.dirty_story_ids() == [] and store.get_story("s1").article_ids == ["a1", "a2"]


def test_search_ranks_by_relevance_with_phrases_and_filters(any_db):
    store = search_store(any_db)  # conftest.py
    assert [s.id for s in store.list_stories(q="dock")] == ["s0", "s1"]  # s1 is newer, s0 is about the dock
    assert [s.id for s in store.list_stories(q='"harbour master"')] == ["s2"]
    assert store.list_stories(q='"master harbour"') == []  # a phrase keeps its order
    assert [s.id for s in store.list_stories(q="harbour master")] == ["s2"]
    assert [s.id for s in store.list_stories(since="2026-03-03", until="2026-03-04")] == ["s2"]
    assert [s.id for s in store.list_stories(until="2026-03-02")] == ["s0"]  # a date takes its whole day
    assert [s.id for s in store.list_stories(q="dock", site="coast.example")] == ["s1"]
    assert [s.id for s in store.list_stories(language="de")] == ["s2"]
    assert store.list_stories(q='"unbalanced (quote') == []


def test_a_schema_6_store_gets_the_link_tables_and_opening_it_twice_changes_nothing(db):
    Store(db).close()
    con = sqlite3.connect(db)  # as schema 6 left it: no multilingual vectors, no links
    con.execute("DROP TABLE article_multilingual")
    con.execute("DROP TABLE story_links")
    con.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    for _ in range(2):
        store = Store(db)
        assert store.schema_version == SCHEMA_VERSION == 8
        assert store.coverage(["s1"]) == {}
        store.close()


def test_a_linked_story_is_read_with_the_other_languages_coverage(any_db):
    store = linked_store(any_db)
    [german] = store.get_story("s-en").also_in
    assert (german.story_id, german.language, german.language_name, german.articles) == ("s-de", "de", "Deutsch", 1)
    assert german.article_id == "d1" and german.title == "Fähre läuft im Hafen von Marnia auf Grund"
    assert german.lead.startswith("Die Fähre „Oska“ ist am Montag")  # the lead as written, the title not repeated
    [english] = store.get_story("s-de").also_in
    assert (english.language, english.articles, english.title) == ("en", 2, "Ferry runs aground in Marnia harbour")
    assert store.get_story("s-other").also_in == []
    # the briefing never holds the links: relinking does not make it stale
    with store.engine.connect() as conn:
        data = conn.execute(text("SELECT data FROM stories WHERE id = 's-en'")).scalar()
    assert "also_in" not in data


def test_a_schema_7_store_gets_fact_mentions_and_its_linked_stories_facts_are_to_do(db):
    store = linked_store(db)  # conftest.py
    store.close()
    con = sqlite3.connect(db)  # as schema 7 left it: links without the facts flag, no fact mentions
    con.execute("DROP TABLE fact_mentions")
    con.execute("DROP INDEX ix_story_links_facts")
    con.execute("ALTER TABLE story_links DROP COLUMN facts")
    con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    for _ in range(2):
        store = Store(db)
        assert store.schema_version == SCHEMA_VERSION == 8
        assert store.pending_fact_stories(10) == ["s-de", "s-en"]  # the next run compares their facts
        assert [c.language for c in store.get_story("s-en").also_in] == ["de"]
        store.close()


def test_a_fact_is_read_with_the_sentences_of_other_languages_that_state_it(any_db):
    from tidings.crosslang import fact_key
    from tidings.model import Fact, OtherLanguageMention

    store = linked_store(any_db)
    fact = Fact("All 212 passengers were brought ashore.", ["a1"], 1, exclusive_to="coastpost.example")
    with store.transaction() as conn:
        store.save_story(conn, Story(id="s-en", headline="s-en", article_ids=["a1", "a2"], facts=[fact]))
        german = OtherLanguageMention(
            "s-de", "de", "Deutsch", "d1", "Alle 212 Fahrgäste wurden an Land gebracht.", "nordblatt.example", 0.81
        )
        store.put_fact_mentions(conn, {"s-en": [(fact_key(fact.text), german)]})
    [read] = store.get_story("s-en").facts
    assert read.other_languages == [german]
    assert read.independent_sources == 1  # another language's outlet does not change the count
    assert store.pending_fact_stories(10) == ["s-de"]  # s-en is done
    with store.engine.connect() as conn:
        data = conn.execute(text("SELECT data FROM stories WHERE id = 's-en'")).scalar()
    assert "other_languages" not in data  # the briefing never holds them
    with store.transaction() as conn:  # s-en's briefing was rebuilt: its event's facts are to do again
        store.set_links(conn, {"s-en": "s-de", "s-de": "s-de"}, touched=["s-en"])
    assert store.pending_fact_stories(10) == ["s-de", "s-en"]
    with store.transaction() as conn:  # relinked apart: the German sentence is no longer shown, and its rows go
        store.set_links(conn, {"s-en": "s-en", "s-de": "s-de"})
    assert store.get_story("s-en").facts[0].other_languages == []
    assert store.fact_mentions("s-en") == {}


def test_an_article_cleaned_again_makes_its_events_facts_across_languages_to_do(db):
    store = linked_store(db)
    with store.transaction() as conn:
        store.put_fact_mentions(conn, {"s-en": [], "s-de": []})
    assert store.pending_fact_stories(10) == []
    [german] = store.get_articles(["d1"])
    with store.transaction() as conn:
        store.update_cleaned(conn, [german], [b""], np.zeros((1, 4), dtype=np.float32))
    assert store.pending_fact_stories(10) == ["s-de", "s-en"]


def test_relinking_replaces_the_links_of_the_stories_relinked(any_db):
    store = linked_store(any_db)
    with store.transaction() as conn:
        store.set_links(conn, {"s-en": "s-en", "s-de": "s-de"})  # relinked apart
    assert store.get_story("s-en").also_in == [] and store.get_story("s-de").also_in == []
    candidates = store.link_candidates(["s-en"], window_days=3, recent_articles=0, limit=10)
    assert [(sid, language) for sid, language, _, _ in candidates] == [("s-de", "de"), ("s-en", "en")]


def test_a_linked_story_left_without_articles_is_a_candidate_so_its_link_is_dropped(db):
    store = linked_store(db)
    with store.transaction() as conn:
        store.assign_stories(conn, {"d1": "s-de2"}, {})  # its one article moved on: s-de is empty
    candidates = store.link_candidates(["s-en"], window_days=3, recent_articles=0, limit=10)
    assert ("s-de", None, None, None) in candidates
    with store.transaction() as conn:
        store.set_links(conn, {sid: sid for sid, _, _, _ in candidates})
    assert store.get_story("s-en").also_in == []


def test_a_story_is_found_by_the_site_its_articles_give_or_by_the_outlet_it_lists(any_db):
    store = Store(any_db)
    named = make_article(1, site="Harbour Gazette", url="https://www.harbourgazette.example/news/1")
    with store.transaction() as conn:
        store.add_articles(conn, [named, make_article(2, site="coast.example")])
        store.assign_stories(conn, {"a1": "s1", "a2": "s2"}, {})
    for sid, members in (("s1", ["a1"]), ("s2", ["a2"])):
        arts, version = store.story_members(sid)
        story = Story(id=sid, headline="h", article_ids=members, sites=sorted({a.outlet for a in arts if a.outlet}))
        with store.transaction() as conn:
            store.save_story(conn, story, version=version)
    assert [s.id for s in store.list_stories(site="Harbour Gazette")] == ["s1"]  # as the feed named it
    assert [s.id for s in store.list_stories(site="harbourgazette.example")] == ["s1"]  # as the story lists it
    assert [s.id for s in store.list_stories(site="www.coast.example")] == ["s2"]
    assert store.list_stories(site="harbour_gazette.example") == []  # '_' is no wildcard
