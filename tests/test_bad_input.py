"""One bad item never kills a run or a POST: the reproducers of issue 18 (item 4), each a one-line skip (or read,
when only its text was odd) while the good article next to it is stored, through ``tidings run`` and the API.

The articles are fictional, written for these tests.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tidings.cli import app
from tidings.ingest import checked, iter_documents
from tidings.model import Document, Skip
from tidings.settings import IngestSettings
from tidings.web.app import create_app

TOKEN = "bad-input-token"
BODY = (
    "The lighthouse keepers of Skerrow Point handed over the lamp to an automatic system on Friday, ending two "
    "centuries of watch on the rock.\n\n"
    "The last keeper, Agnes Tull, said the new lamp would be checked from the mainland every week."
)
GOOD = {"title": "Skerrow Point lighthouse goes automatic", "text": BODY, "site": "skerrow.example"}

# JSON records whose metadata cannot be used: (record, words of the skip reason)
BAD_RECORDS = [
    ({"url": "http://[x]/a"}, "invalid url"),
    ({"site": {"a": 1}}, "'site' must be a string, not an object"),
    ({"url": 5}, "'url' must be a string, not an integer"),
    ({"url": True}, "'url' must be a string, not a boolean"),
    ({"authors": ["A. Tull", 3]}, "list of strings"),
]
SURROGATE_JSON = json.dumps({"title": "Keeper@s log", "text": BODY + " @ end"}).replace("@", "\\ud800")
FEED_SURROGATE = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>Keeper&#xD800;</title>'
    f"<guid>g1</guid><description>{BODY} &#xD800; &#55296; &#x110000;</description></item></channel></rss>"
)
FEED_GUID_MARKUP = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>x</title><guid>[/x]</guid>'
    "</item></channel></rss>"
)


@pytest.fixture
def bad_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "good.jsonl").write_text(json.dumps(GOOD) + "\n", encoding="utf-8")
    lines = [json.dumps({**GOOD, "title": f"bad {i}", **record}) for i, (record, _) in enumerate(BAD_RECORDS)]
    (folder / "bad.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "surrogate.jsonl").write_text(SURROGATE_JSON + "\n", encoding="utf-8")
    (folder / "surrogate.rss").write_text(FEED_SURROGATE, encoding="utf-8")
    (folder / "tiny.xml").write_bytes(b"<item<description</body<")
    (folder / "guid.rss").write_text(FEED_GUID_MARKUP, encoding="utf-8")
    (folder / "canonical.html").write_text(
        f'<html><head><link rel="canonical" href="http://[x]/a"><title>Keeper</title></head>'
        f"<body><article><h1>Keeper</h1><p>{BODY.replace(chr(10), ' ')}</p></article></body></html>",
        encoding="utf-8",
    )
    with open(os.path.join(os.fsencode(folder), b"bad-name-\xff.txt"), "wb") as fh:
        fh.write(("Lamp handed over at Skerrow Point\n\n" + BODY.replace("Friday", "Saturday")).encode())
    return folder


def test_bad_metadata_is_a_skip_naming_the_field() -> None:
    for record, reason in BAD_RECORDS:
        item = checked(Document("in.jsonl:1", BODY, "text", record))
        assert isinstance(item, Skip) and reason in item.reason, (record, item)


def test_surrogates_and_nul_are_replaced_at_the_boundary() -> None:
    item = checked(Document("a\udcff.txt", "x\ud800y\x00z", "text", {"title": "t\udfff", "authors": ["b\ud801"]}))
    assert isinstance(item, Document)
    assert item.origin == "a\ufffd.txt" and item.content == "x\ufffdyz"
    assert item.meta == {"title": "t\ufffd", "authors": ["b\ufffd"]}
    json.dumps(item.meta).encode("utf-8")


def test_every_reproducer_in_one_run_is_a_one_line_skip_or_read(bad_folder: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "bad.db")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["run", str(bad_folder), "--db", db, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    skipped = json.loads((out / "stories.json").read_text(encoding="utf-8"))["skipped"]
    lines = [line for line in res.output.splitlines() if line.startswith("skipped")]
    assert len(lines) == len(skipped)
    for _record, reason in BAD_RECORDS:
        assert any(reason in s["reason"] and "bad.jsonl" in s["origin"] for s in skipped), (reason, skipped)
    assert any("tiny.xml" in s["origin"] for s in skipped)
    assert any(line.startswith("skipped") and "#[/x]" in line for line in lines)  # printed as text, not markup
    with sqlite3.connect(db) as conn:
        origins = {row[0]: row[1] for row in conn.execute("select origin, title from articles")}
    names = {os.path.basename(o.split(":")[0].split("#")[0]) for o in origins}
    # the good article, the texts with lone surrogates (as U+FFFD), the page with a bad canonical link, and the
    # file whose name is not UTF-8 (shown with U+FFFD)
    assert {"good.jsonl", "surrogate.jsonl", "surrogate.rss", "canonical.html", "bad-name-\ufffd.txt"} <= names
    assert any("\ufffd" in (title or "") for title in origins.values())


def test_ingest_keeps_reading_after_a_broken_file(bad_folder: Path) -> None:
    items = list(iter_documents([str(bad_folder)], IngestSettings()))
    assert sum(isinstance(i, Document) for i in items) >= 5
    assert all(isinstance(i, Document | Skip) for i in items)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    db = str(tmp_path_factory.mktemp("bad-post") / "post.db")
    with TestClient(create_app(db, token=TOKEN)) as c:
        yield c


def post(client: TestClient, body: Any) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post("/api/articles", content=raw, headers={"Authorization": f"Bearer {TOKEN}"})


@pytest.mark.parametrize(("record", "reason"), BAD_RECORDS[:4])  # (the API takes no 'authors' field)
def test_post_with_a_bad_field_is_a_4xx_or_a_skip_never_a_500(client: TestClient, record: dict, reason: str) -> None:
    r = post(client, [GOOD, {**GOOD, "title": "bad", **record}])
    assert r.status_code in (200, 422), r.text
    if r.status_code == 200:  # well typed, unusable: the good article is stored, the bad one skipped by index
        body = r.json()
        assert [s["index"] for s in body["skipped"]] == [1]
        assert reason in body["skipped"][0]["reason"]
        assert len(body["articles"]) == 1
    else:  # the schema says the field's type: the request names the item and field
        assert "item 1" in json.dumps(r.json()["detail"])


def test_post_with_lone_surrogates_and_bad_markup_is_stored(client: TestClient) -> None:
    html = (
        f"<html><head><link rel=canonical href='http://[x]/a'></head><body><p>{BODY}</p><p>&#xD800;</p></body></html>"
    )
    body = ("[" + SURROGATE_JSON + ", " + json.dumps({"title": "Keeper", "html": html}) + "]").encode()
    r = post(client, body)
    assert r.status_code == 200, r.text
    assert len(r.json()["articles"]) + len(r.json()["skipped"]) == 2
    assert len(r.json()["articles"]) >= 1
    article = client.get(f"/api/articles/{r.json()['articles'][0]['id']}").json()
    assert "\ufffd" in article["title"]
    assert post(client, [GOOD]).status_code == 200  # and the next POST is served as usual
