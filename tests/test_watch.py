"""tidings watch: watched sources in the store, OPML, the polling loop against a local HTTP server, the Atom feed.

Feed content is the bundled fictional sample corpus (src/tidings/samples); the HTTP server runs in a thread on
127.0.0.1 and one cycle is run directly (``watch_once``), never by sleeping.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text, update
from typer.testing import CliRunner

from tidings.cli import app
from tidings.sources import read_opml
from tidings.store import SCHEMA_VERSION, Store, meta_table

runner = CliRunner()
SAMPLES = Path(__file__).resolve().parents[1] / "src" / "tidings" / "samples" / "articles"


def tidings(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "250"})


# -- sources in the store ---------------------------------------------------------------------------------------


def test_a_version_2_store_is_upgraded_with_the_sources_tables(db):
    Store(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE sources")
        conn.execute("DROP TABLE source_entries")
    store = Store(db)
    with store.transaction() as conn:
        conn.execute(update(meta_table).where(meta_table.c.key == "schema_version").values(value="2"))
    store.close()
    store = Store(db)
    assert store.schema_version == SCHEMA_VERSION == 3
    assert store.add_watch_source("https://example.org/rss.xml", "feed")
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM source_entries")).scalar() == 0


def test_sources_add_list_remove(db, tmp_path):
    res = tidings("sources", "add", "https://example.org/rss.xml", str(SAMPLES), str(tmp_path / "nope"), "--db", db)
    assert res.exit_code == 0, res.output
    assert "2 source(s) added" in res.output
    assert "nope: no such file or folder" in res.output
    assert "0 source(s) added, 1 already watched" in tidings("sources", "add", "https://example.org/rss.xml",
                                                           "--db", db).output
    kinds = {s.url: s.kind for s in Store(db).watch_sources()}
    assert kinds == {"https://example.org/rss.xml": "feed", str(SAMPLES): "folder"}
    listing = tidings("sources", "list", "--db", db)
    assert listing.exit_code == 0 and "https://example.org/rss.xml" in listing.output and "new" in listing.output
    assert tidings("sources", "remove", "https://example.org/rss.xml", "--db", db).exit_code == 0
    assert [s.url for s in Store(db).watch_sources()] == [str(SAMPLES)]
    missing = tidings("sources", "remove", "https://example.org/rss.xml", "--db", db)
    assert missing.exit_code == 1 and "not a watched source" in missing.output


def test_opml_round_trip(db, tmp_path):
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?>\n<opml version="1.0"><head><title>My feeds</title></head><body>'
        '<outline text="News"><outline type="rss" text="A" xmlUrl="https://a.example/feed.xml"/>'
        '<outline type="rss" text="B" xmlUrl="https://b.example/rss"/></outline>'
        '<outline type="rss" text="A again" xmlUrl="https://a.example/feed.xml"/>'
        f'<outline type="link" text="local" url="{SAMPLES}"/></body></opml>',
        encoding="utf-8",
    )
    res = tidings("sources", "import", str(opml), "--db", db)
    assert res.exit_code == 0, res.output
    assert "3 source(s), 3 added" in res.output
    out = tmp_path / "export.opml"
    assert tidings("sources", "export", "-o", str(out), "--db", db).exit_code == 0
    assert sorted(read_opml(out, 1_000_000)) == sorted(["https://a.example/feed.xml", "https://b.example/rss",
                                                         str(SAMPLES)])
    other = str(tmp_path / "other.db")
    assert tidings("sources", "import", str(out), "--db", other).exit_code == 0
    assert {(s.url, s.kind) for s in Store(other).watch_sources()} == {
        (s.url, s.kind) for s in Store(db).watch_sources()
    }


def test_a_bad_opml_file_is_one_line_naming_it(db, tmp_path):
    bad = tmp_path / "broken.opml"
    bad.write_text("<opml><body><outline", encoding="utf-8")
    res = tidings("sources", "import", str(bad), "--db", db)
    assert res.exit_code == 2
    assert "broken.opml: not well-formed XML" in res.output
    html = tmp_path / "page.opml"
    html.write_text("<html><body/></html>", encoding="utf-8")
    assert "not an OPML file" in tidings("sources", "import", str(html), "--db", db).output
    assert Store(db).watch_sources() == []
