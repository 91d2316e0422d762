"""Shared fixtures: paths to ../shared (read at run time, never copied) and small fictional articles."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tidings.model import Article, Story
from tidings.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SPEC = SHARED / "spec" / "stories.schema.json"

# Tests never touch the user's ./tidings.db.
os.environ.pop("TIDINGS_DB", None)
# Test inputs are small: spaCy reads them in the test process (tests/test_text.py checks the worker processes).
os.environ.setdefault("TIDINGS_SPACY_WORKERS", "1")


def require_shared(path: Path) -> Path:
    """Skip the calling test, with the reason, when a ../shared resource is absent."""
    if not path.exists():
        pytest.skip(f"{path} is absent (tests read ../shared at run time; nothing from it is copied here)")
    return path


@pytest.fixture
def seeds_dir() -> Path:
    return require_shared(SEEDS)


@pytest.fixture
def schema() -> dict:
    import json

    return json.loads(require_shared(SPEC).read_text(encoding="utf-8"))


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "test.db")


PG_URL = os.environ.get("TIDINGS_TEST_PG_URL")
"""The test PostgreSQL server (`make test` starts one: scripts/test-postgres.sh); tests that need it skip without."""


@pytest.fixture
def pg_db() -> Iterator[str]:
    """A fresh database on the test PostgreSQL server, dropped afterwards (skips without a server)."""
    if not PG_URL:
        pytest.skip("no PostgreSQL server (TIDINGS_TEST_PG_URL unset; make test starts one)")
    import psycopg

    name = "tidings_" + uuid.uuid4().hex[:10]
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield PG_URL.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store on each backend: a SQLite file, then a PostgreSQL database (skipped without a server)."""
    if request.param == "sqlite":
        return str(tmp_path / "test.db")
    return request.getfixturevalue("pg_db")


def search_store(db: str) -> Store:
    """Three fictional stories: a strike at a dock, a storm (its text mentions the dock once), a harbour election."""
    store = Store(db)
    stories = [
        ("s0", "Dock strike closes Port Valen", "2026-03-02",
         "Dockers walked out; the dock is shut; dock gates locked.", "valen.example", "en"),
        ("s1", "Storm batters the coast", "2026-03-05", "Winds of 120 km/h hit the coast, waves reached the old dock "
         "and the promenade, and ferries stayed in port all day long.", "coast.example", "en"),
        ("s2", "Wahl im Hafen", "2026-03-04", "The harbour master was elected; a master of the harbour board spoke.",
         "hafen.example", "de"),
    ]  # fmt: skip
    with store.transaction() as conn:
        for i, (sid, head, day, body, site, lang) in enumerate(stories):
            article = Article(id=f"a{i}", origin=f"file{i}.txt", title=head, text=body, site=site, language=lang,
                              published=day)
            store.add_articles(conn, [article])
            store.assign_stories(conn, {f"a{i}": sid}, {})
            story = Story(id=sid, headline=head, article_ids=[f"a{i}"], first_seen=day, last_seen=day, sites=[site])
            store.save_story(conn, story, search_text=f"{head}\n{body}")
    return store


def linked_store(db: str) -> Store:
    """Two stories of one fictional event, in English (2 articles) and German (1), linked; one unlinked story."""
    store = Store(db)
    articles = [
        Article(id="a1", origin="a1.txt", title="Ferry runs aground in Marnia harbour", language="en",
                text="The ferry Oska ran aground in Marnia harbour on Monday; all 212 passengers were brought ashore.",
                published="2026-03-02T08:00:00+00:00"),
        Article(id="a2", origin="a2.txt", title="Marnia ferry passengers safe", language="en",
                text="Passengers of the stranded ferry Oska are safe, the Marnia harbour office said.",
                published="2026-03-02T09:00:00+00:00"),
        Article(id="d1", origin="d1.txt", title="Fähre läuft im Hafen von Marnia auf Grund", language="de",
                text="Fähre läuft im Hafen von Marnia auf Grund\nDie Fähre „Oska“ ist am Montag im Hafen von Marnia "
                     "auf Grund gelaufen. Alle 212 Fahrgäste wurden an Land gebracht. Die Ursache ist unklar.",
                published="2026-03-02T10:00:00+00:00"),
        Article(id="a3", origin="a3.txt", title="Chess open ends", language="en",
                text="The Cordova chess open ended on Sunday."),
    ]
    with store.transaction() as conn:
        store.add_articles(conn, articles)
        store.assign_stories(conn, {"a1": "s-en", "a2": "s-en", "d1": "s-de", "a3": "s-other"}, {})
        for sid, ids in (("s-en", ["a1", "a2"]), ("s-de", ["d1"]), ("s-other", ["a3"])):
            store.save_story(conn, Story(id=sid, headline=sid, article_ids=ids))
        store.set_links(conn, {"s-en": "s-de", "s-de": "s-de", "s-other": "s-other"})
    return store
