"""The web server: JSON API and pages over a store filled by the real pipeline (FastAPI TestClient).

The articles below are fictional, written for these tests: two stories (a ferry grounding, a library reopening),
one syndicated copy, and one article whose text carries ``<script>window.__pwned=1</script>``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tidings.pipeline import Pipeline
from tidings.settings import Settings
from tidings.web.app import create_app

INJECTION = "<script>window.__pwned=1</script>"
TOKEN = "test-token-7f3a"

FERRY = [
    {
        "title": "Ferry Marisol grounded off Tallow Point, 40 passengers taken off",
        "text": (
            "The passenger ferry Marisol ran aground off Tallow Point early on Tuesday morning while crossing from "
            "Keld Harbour in thick fog.\n\n"
            "Coastguard crews took 40 passengers off the vessel by lifeboat and brought them to the harbour wall, "
            "where volunteers handed out blankets and tea.\n\n"
            '"The hull is holding and nobody was hurt," harbour master Elena Brask said at the quayside.\n\n'
            "Inspectors from the maritime board will board the Marisol on Wednesday to decide whether she can be "
            "towed off on the evening tide."
        ),
        "url": "https://tallowgazette.example/news/ferry-marisol-aground",
        "published": "2024-04-02T07:10:00+00:00",
        "site": "tallowgazette.example",
        "language": "en",
        "story": "ferry",
    },
    {
        "title": "Marisol aground at Tallow Point: 42 rescued in fog",
        "text": (
            "Forty-two people were rescued on Tuesday after the ferry Marisol struck rocks near Tallow Point in "
            "dense fog, the coastguard said.\n\n"
            f"Residents pinned a note reading {INJECTION} to the harbour notice board while crews worked through "
            "the morning, a coastguard spokesman said.\n\n"
            '"Everyone is safe, warm and accounted for," said Elena Brask, the harbour master.\n\n'
            "The operator, Keld Sound Lines, cancelled all crossings for the rest of the week."
        ),
        "url": "https://northwire.example/2024/04/02/marisol",
        "published": "2024-04-02T09:00:00+00:00",
        "site": "northwire.example",
        "language": "en",
        "story": "ferry",
    },
    {
        "title": "Ferry Marisol grounded off Tallow Point, 40 passengers taken off",
        "text": (
            "The passenger ferry Marisol ran aground off Tallow Point early on Tuesday morning while crossing from "
            "Keld Harbour in thick fog.\n\n"
            "Coastguard crews took 40 passengers off the vessel by lifeboat and brought them to the harbour wall, "
            "where volunteers handed out blankets and tea.\n\n"
            '"The hull is holding and nobody was hurt," harbour master Elena Brask said at the quayside.\n\n'
            "Inspectors from the maritime board will board the Marisol on Wednesday to decide whether she can be "
            "towed off on the evening tide, the Tallow Gazette reported."
        ),
        "url": "https://coastaldigest.example/syndicated/marisol",
        "published": "2024-04-02T11:30:00+00:00",
        "site": "coastaldigest.example",
        "language": "en",
        "story": "ferry",
    },
]

LIBRARY = [
    {
        "title": "Council votes to reopen the Linden Street library in June",
        "text": (
            "Ashvale town council voted seven to two on Thursday to reopen the Linden Street library in June, "
            "two years after a storm tore part of its roof away.\n\n"
            "The repairs cost 310,000 crowns, paid from the town reserve fund, councillor Tomas Varga said.\n\n"
            "The reading room will open first, with the children's floor following in the autumn."
        ),
        "url": "https://valleypost.example/ashvale/library-vote",
        "published": "2024-03-28T18:00:00+00:00",
        "site": "valleypost.example",
        "language": "en",
        "story": "library",
    },
    {
        "title": "Linden Street library to reopen after roof repairs",
        "html": (
            "<html><head><title>Linden Street library to reopen after roof repairs</title></head><body>"
            "<nav>Home | Ashvale | Sport | Weather</nav><article>"
            "<h1>Linden Street library to reopen after roof repairs</h1>"
            "<p>The Linden Street library in Ashvale will reopen in June after the town council approved the "
            "last stage of its roof repairs on Thursday evening.</p>"
            "<h2>What the repairs cost</h2>"
            "<p>Councillor Tomas Varga told the meeting the work had cost 325,000 crowns, more than the first "
            "estimate, because the old timber had to be replaced.</p>"
            "<p>Librarians said the reading room would open first and the children's floor later in the year.</p>"
            "<p>Share this article</p><p>Related stories</p><ul><li>Ashvale budget approved</li>"
            "<li>Storm damage: what the insurers pay</li></ul>"
            "</article></body></html>"
        ),
        "url": "https://riversideherald.example/local/linden-library",
        "published": "2024-03-29T08:15:00+00:00",
        "site": "riversideherald.example",
        "language": "en",
        "story": "library",
    },
]

OBSERVATORY = [
    {
        "title": "Carrow Hills observatory reopens its telescope dome to visitors",
        "text": (
            "The observatory on Carrow Hills reopened its restored telescope dome to visitors on Saturday after "
            "eighteen months of work on the rotating roof.\n\n"
            "Director Ines Holm said the first public night drew more than three hundred people despite the cold."
        ),
        "url": "https://uplandsnews.example/carrow-observatory",
        "published": "2024-05-11T21:00:00+00:00",
        "site": "uplandsnews.example",
        "language": "en",
    },
    {
        "title": "Hundreds queue for first night at restored Carrow Hills dome",
        "text": (
            "More than three hundred stargazers queued on Saturday night as the Carrow Hills observatory opened "
            "its restored telescope dome to the public.\n\n"
            '"We had people waiting in the car park before sunset," director Ines Holm said.'
        ),
        "url": "https://eveningstar.example/carrow-dome",
        "published": "2024-05-12T07:45:00+00:00",
        "site": "eveningstar.example",
        "language": "en",
    },
]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def build_store(folder: Path) -> tuple[str, Any]:
    """A store of the two fictional stories, built by the real pipeline (grouped by their ``story`` field so the
    two stories are fixed by the input, whatever the clustering thresholds are)."""
    db = str(folder / "web.db")
    source = write_jsonl(folder / "fictional.jsonl", FERRY + LIBRARY)
    pipeline = Pipeline(Settings(), db)
    result = pipeline.run([str(source)], group_by="story")
    pipeline.store.close()
    return db, result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Any]:
    return build_store(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def client(built: tuple[str, Any]) -> TestClient:
    db, _ = built
    with TestClient(create_app(db, token=TOKEN)) as c:
        yield c


def stories_by_key(client: TestClient) -> dict[str, dict[str, Any]]:
    """The two stories of the fixture, found through the API by a word only each one has."""
    out = {}
    for key, word in (("ferry", "Marisol"), ("library", "Linden")):
        found = client.get("/api/stories", params={"q": word}).json()["stories"]
        assert len(found) == 1, (word, found)
        out[key] = found[0]
    return out


def injected_article_id(built: tuple[str, Any]) -> str:
    _, result = built
    return next(a.id for a in result.articles if INJECTION in a.text)


# -- JSON API -------------------------------------------------------------------------------------------------


def test_pipeline_fixture_has_the_injection_in_an_article_text(built: tuple[str, Any]) -> None:
    _, result = built
    assert len(result.stories) == 2
    assert any(INJECTION in a.text for a in result.articles)


def test_healthz(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["stories"] == 2
    assert body["articles"] == len(FERRY) + len(LIBRARY)  # every fictional article stored, copies included


def test_list_stories_newest_first_with_summaries(client: TestClient) -> None:
    r = client.get("/api/stories")
    assert r.status_code == 200
    body = r.json()
    assert body["next"] is None
    stories = body["stories"]
    assert stories[0]["headline"] == stories_by_key(client)["ferry"]["headline"]
    last_seen = [s["last_seen"] for s in stories]
    assert last_seen == sorted(last_seen, reverse=True)
    ferry = stories[0]
    assert ferry["articles"] == 3
    assert ferry["sites"] == sorted(r["site"] for r in FERRY)
    assert ferry["first_seen"].startswith("2024-04-02")
    assert ferry["independent_sources"] >= 2
    assert ferry["url"] == f"/api/stories/{ferry['id']}"
    assert set(ferry) >= {
        "id",
        "headline",
        "articles",
        "independent_sources",
        "sites",
        "first_seen",
        "last_seen",
        "updated_at",
    }


def test_paging_follows_next_until_the_end(client: TestClient) -> None:
    first = client.get("/api/stories", params={"limit": 1}).json()
    assert len(first["stories"]) == 1
    assert first["next"] is not None
    second = client.get(first["next"]).json()
    assert len(second["stories"]) == 1
    assert second["next"] is None
    everything = client.get("/api/stories").json()["stories"]
    assert [s["id"] for s in first["stories"] + second["stories"]] == [s["id"] for s in everything]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 10_000}, {"offset": -1}, {"limit": "many"}])
def test_bad_paging_parameters_are_422(client: TestClient, params: dict[str, Any]) -> None:
    r = client.get("/api/stories", params=params)
    assert r.status_code == 422
    [problem] = r.json()["detail"]  # FastAPI's documented 422 shape: a list of {loc, msg, type}
    assert problem["loc"] == ["query", next(iter(params))] and problem["msg"] and problem["type"]


def test_full_text_search(client: TestClient) -> None:
    lib = client.get("/api/stories", params={"q": "library roof"}).json()["stories"]
    assert [s["headline"] for s in lib] == [stories_by_key(client)["library"]["headline"]]
    # words from the text of the articles, not only the headline; prefix matching
    assert len(client.get("/api/stories", params={"q": "coastgua"}).json()["stories"]) == 1
    assert client.get("/api/stories", params={"q": "zeppelin"}).json() == {"stories": [], "next": None}
    # FTS syntax in user input is not an error
    assert client.get("/api/stories", params={"q": 'Marisol" OR (NEAR'}).status_code == 200


def test_since_keeps_recent_stories(client: TestClient) -> None:
    keys = stories_by_key(client)
    recent = client.get("/api/stories", params={"since": "2024-04-01"}).json()["stories"]
    assert keys["ferry"]["id"] in [s["id"] for s in recent]
    assert keys["library"]["id"] not in [s["id"] for s in recent]
    assert len(client.get("/api/stories", params={"since": "2023-01-01"}).json()["stories"]) == 2
    bad = client.get("/api/stories", params={"since": "last tuesday"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "since"]
    assert "ISO 8601" in bad.json()["detail"][0]["msg"]


def test_get_story_is_the_schema_story_object(client: TestClient, schema: dict[str, Any]) -> None:
    import jsonschema

    ferry = stories_by_key(client)["ferry"]
    r = client.get(f"/api/stories/{ferry['id']}")
    assert r.status_code == 200
    story = r.json()
    jsonschema.validate(story, {**schema["$defs"]["story"], "$defs": schema["$defs"]})
    assert story["id"] == ferry["id"]
    assert len(story["article_ids"]) == 3
    assert story["summary"], "the story has a cited summary"
    assert all(set(s["article_ids"]) <= set(story["article_ids"]) for s in story["summary"])


def test_get_article(client: TestClient, built: tuple[str, Any]) -> None:
    aid = injected_article_id(built)
    r = client.get(f"/api/articles/{aid}")
    assert r.status_code == 200
    a = r.json()
    assert a["id"] == aid
    assert INJECTION in a["text"]  # JSON carries the text as it is; escaping is the page's job
    assert a["site"] == "northwire.example"
    assert a["story_id"]
    assert {"removed", "copy_of", "relation", "headings", "authors", "credits", "url", "published"} <= set(a)


def test_unknown_ids_are_404_json(client: TestClient) -> None:
    for path in ("/api/stories/s-nope", "/api/articles/a-nope"):
        r = client.get(path)
        assert r.status_code == 404
        assert r.headers["content-type"].startswith("application/json")
        assert "nope" in r.json()["detail"]


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/articles/{article_id}",
        "/api/articles",
        "/healthz",
    } <= set(spec["paths"])
    assert "ArticleIn" in spec["components"]["schemas"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    # the interactive docs work offline: every script and style sheet they load is served by this server
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', docs.text)
    assert assets and all(a.startswith("/") for a in assets)
    assert all(client.get(a).status_code == 200 for a in assets)


# -- writes ---------------------------------------------------------------------------------------------------


def test_writes_refused_without_a_configured_token(built: tuple[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIDINGS_TOKEN", raising=False)
    with TestClient(create_app(built[0])) as c:
        r = c.post("/api/articles", json=OBSERVATORY[0], headers={"Authorization": "Bearer anything"})
        assert r.status_code == 403
        assert "token" in r.json()["detail"]
        assert c.get("/api/stories").status_code == 200  # reads stay open


def test_token_from_environment(built: tuple[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIDINGS_TOKEN", "from-env")
    with TestClient(create_app(built[0])) as c:
        r = c.post("/api/articles", content=b"{not json", headers={"Authorization": "Bearer from-env"})
        assert r.status_code == 400  # past auth: the token from the environment was accepted
        assert c.post("/api/articles", json=OBSERVATORY[0]).status_code == 401


@pytest.mark.parametrize("auth", [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer"])
def test_missing_or_wrong_token_is_401(client: TestClient, auth: str | None) -> None:
    headers = {"Authorization": auth} if auth else {}
    r = client.post("/api/articles", json=OBSERVATORY[0], headers=headers)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert "token" in r.json()["detail"]


def test_body_size_cap_is_413(built: tuple[str, Any]) -> None:
    with TestClient(create_app(built[0], token=TOKEN, max_body_bytes=2000)) as c:
        big = {**OBSERVATORY[0], "text": "Stargazers waited. " * 200}
        auth = {"Authorization": f"Bearer {TOKEN}"}
        r = c.post("/api/articles", json=big, headers=auth)
        assert r.status_code == 413
        assert "2000 bytes" in r.json()["detail"]

        def chunks() -> Any:  # no Content-Length: the cap holds on a streamed body too
            yield json.dumps(big).encode()

        assert c.post("/api/articles", content=chunks(), headers=auth).status_code == 413


def test_more_articles_than_one_request_takes_is_413_and_nothing_is_stored(built: tuple[str, Any]) -> None:
    settings = Settings()
    settings.ingest.max_articles_per_request = 3
    with TestClient(create_app(built[0], token=TOKEN, settings=settings)) as c:
        before = c.get("/healthz").json()["articles"]
        many = [{**OBSERVATORY[0], "title": f"Stargazers, report {n}"} for n in range(4)]
        r = c.post("/api/articles", json=many, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 413
        assert r.json()["detail"].startswith("too many articles: 4 in one request, the limit is 3")
        assert c.get("/healthz").json()["articles"] == before


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{not json", 400, "not valid JSON"),
        (b"", 400, "empty body"),
        (b"\xff\xfe\x00", 400, "not valid JSON"),
        (b'"a string"', 422, "got a JSON str"),
        (b"[]", 422, "empty list"),
        (b'{"title": "no body"}', 422, "needs a non-empty 'text' or 'html'"),
        (b'[{"text": "fine text"}, 7, {"text": 3}]', 422, "item 1: expected an object"),
        (b"[" * 100_000, 400, "not"),
    ],
)
def test_bad_bodies_get_a_clear_4xx(client: TestClient, body: bytes, status: int, message: str) -> None:
    r = client.post("/api/articles", content=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == status
    detail = r.json()["detail"]  # a message for 400, a list of {loc, msg, type} for 422
    assert message in (detail if status == 400 else " ".join(d["msg"] for d in detail))
    assert "Traceback" not in r.text


def test_post_runs_the_pipeline_and_is_idempotent(built: tuple[str, Any], tmp_path: Path) -> None:
    # its own copy of the store, so the module's other tests keep seeing two stories
    db, _ = build_store(tmp_path)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(db, token=TOKEN)) as c:
        before = c.get("/healthz").json()
        r = c.post("/api/articles", json=OBSERVATORY, headers=auth)
        assert r.status_code == 200, r.text
        first = r.json()
        assert len(first["articles"]) == 2
        assert first["new_articles"] == 2
        assert first["skipped"] == []
        assert {a["story_id"] for a in first["articles"]} <= set(first["stories"])
        for a in first["articles"]:
            stored = c.get(f"/api/articles/{a['id']}").json()
            assert stored["story_id"] == a["story_id"]
            assert stored["site"] in {o["site"] for o in OBSERVATORY}
        for sid in first["stories"]:
            story = c.get(f"/api/stories/{sid}").json()
            assert set(story["article_ids"]) & {a["id"] for a in first["articles"]}
        assert len(c.get("/api/stories", params={"q": "observatory"}).json()["stories"]) >= 1
        after_first = c.get("/healthz").json()
        assert after_first["articles"] == before["articles"] + 2
        updated = {sid: c.get(f"/api/stories/{sid}").json()["updated_at"] for sid in first["stories"]}

        again = c.post("/api/articles", json=OBSERVATORY, headers=auth).json()
        assert again["articles"] == first["articles"]
        assert again["stories"] == first["stories"]
        assert again["new_articles"] == 0
        assert c.get("/healthz").json() == after_first
        assert {sid: c.get(f"/api/stories/{sid}").json()["updated_at"] for sid in first["stories"]} == updated

        one = c.post("/api/articles", json=OBSERVATORY[0], headers=auth).json()  # a single object works too
        assert one["articles"] == first["articles"][:1]


def test_post_group_by_story_and_reports_skips_by_index(built: tuple[str, Any], tmp_path: Path) -> None:
    db, _ = build_store(tmp_path)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    records = [{**o, "story": "carrow"} for o in OBSERVATORY]
    records.insert(1, {"title": "Nothing here", "html": "<html><body><nav>Home | Sport</nav></body></html>"})
    with TestClient(create_app(db, token=TOKEN)) as c:
        r = c.post("/api/articles", params={"group_by": "story"}, json=records, headers=auth)
        assert r.status_code == 200, r.text
        body = r.json()
        assert len({a["story_id"] for a in body["articles"]}) == 1
        assert len(body["articles"]) == 2
        assert [s["index"] for s in body["skipped"]] == [1]
        assert body["skipped"][0]["reason"]
        bad = c.post("/api/articles", params={"group_by": "topic"}, json=records, headers=auth)
        assert bad.status_code == 422


def test_server_errors_hide_the_stack_trace(built: tuple[str, Any]) -> None:
    app = create_app(built[0], token=TOKEN)

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    @app.get("/boom")
    def boom_page() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/boom")
        assert r.status_code == 500
        assert r.json() == {"detail": "internal server error"}
        page = c.get("/boom")
        assert page.status_code == 500
        assert "secret" not in page.text and "Traceback" not in page.text
        assert "went wrong" in page.text


# -- pages ----------------------------------------------------------------------------------------------------

ASSET = re.compile(
    r"<(?:link|script|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I
)


def test_index_page_lists_stories_with_counts_and_search(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    html = r.text
    keys = stories_by_key(client)
    for story in keys.values():
        assert f'href="/stories/{story["id"]}"' in html
    assert html.index(keys["ferry"]["id"]) < html.index(keys["library"]["id"])  # newest first
    assert "3 articles" in html and "independent source" in html
    assert "tallowgazette.example" in html
    assert re.search(r'<form[^>]*method="get"[^>]*action="/"', html)
    assert 'name="q"' in html
    assert '<link rel="stylesheet" href="/static/tidings.css">' in html
    assert not ASSET.search(html)
    assert "<script" not in html  # the server's pages work without JavaScript


def test_index_page_search_and_paging(client: TestClient) -> None:
    keys = stories_by_key(client)
    found = client.get("/", params={"q": "Linden"}).text
    assert keys["library"]["id"] in found and keys["ferry"]["id"] not in found
    assert 'value="Linden"' in found
    assert "No story matches" in client.get("/", params={"q": "zeppelin"}).text
    first = client.get("/", params={"limit": 1}).text
    assert keys["ferry"]["id"] in first and keys["library"]["id"] not in first
    assert 'rel="next" href="/?offset=1&amp;limit=1"' in first
    second = client.get("/", params={"limit": 1, "offset": 1}).text
    assert keys["library"]["id"] in second
    assert 'rel="prev" href="/?limit=1"' in second and 'rel="next"' not in second


def test_story_page(client: TestClient, built: tuple[str, Any]) -> None:
    ferry = stories_by_key(client)["ferry"]
    story = client.get(f"/api/stories/{ferry['id']}").json()
    r = client.get(f"/stories/{ferry['id']}")
    assert r.status_code == 200
    html = r.text
    assert "<h1>" in html and "Summary" in html and "Timeline" in html and "Sources" in html
    # every summary sentence is there with citation links to the pages of the articles it cites
    cites = re.findall(r'<a class="cite" href="(/articles/[^"]+)"', html)
    assert cites
    for s in story["summary"]:
        for aid in s["article_ids"]:
            assert f"/articles/{aid}" in cites
    for link in set(cites):
        assert client.get(link).status_code == 200
    # the injected markup is shown as text, never as a tag
    assert INJECTION not in html
    if any(INJECTION in s["text"] for s in story["summary"] + story["facts"]):
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    # the copy relation of the syndicated article is listed with the source it copies
    articles = [client.get(f"/api/articles/{aid}").json() for aid in story["article_ids"]]
    copies = [a for a in articles if a["copy_of"]]
    for copy in copies:
        number = story["article_ids"].index(copy["copy_of"]) + 1
        assert f'copy of <a href="/articles/{copy["copy_of"]}">[{number}]</a>' in html
    for a in articles:
        assert a["site"] in html
    assert not ASSET.search(html)


def test_article_page_escapes_text_and_folds_boilerplate(client: TestClient, built: tuple[str, Any]) -> None:
    aid = injected_article_id(built)
    html = client.get(f"/articles/{aid}").text
    assert INJECTION not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "northwire.example" in html and "https://northwire.example/2024/04/02/marisol" in html
    assert "<script" not in html
    _, result = built
    with_removed = next(a for a in result.articles if a.removed)
    page = client.get(f"/articles/{with_removed.id}").text
    details = page[page.index("<details") : page.index("</details>")]
    from markupsafe import escape

    for line in with_removed.removed:
        assert str(escape(line)) in details
    for heading in with_removed.headings:
        assert f"<h3>{escape(heading)}</h3>" in page
    assert f'href="/stories/{with_removed.story_id}"' in page


def test_unknown_pages_are_html_404(client: TestClient) -> None:
    for path in ("/stories/s-nope", "/articles/a-nope"):
        r = client.get(path)
        assert r.status_code == 404
        assert r.headers["content-type"].startswith("text/html")
        assert "There is no" in r.text and 'href="/"' in r.text


def test_static_stylesheet_is_served(client: TestClient) -> None:
    r = client.get("/static/tidings.css")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/css")
    assert "font" in r.text


# -- hardening: headers and slow clients -------------------------------------------------------------------------


def test_every_response_says_nosniff(built: tuple[str, Any]) -> None:
    app = create_app(built[0], token=TOKEN, max_body_bytes=100)

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as c:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        responses = [
            c.get(path)
            for path in ("/api/stories", "/api/stories/nope", "/openapi.json", "/docs", "/redoc", "/healthz", "/",
                         "/static/tidings.css", "/nope", "/api/boom", "/api/stories?limit=0")
        ]  # fmt: skip
        responses.append(c.post("/api/articles", content=b"x" * 200, headers=auth))  # 413 from the middleware
        for r in responses:
            assert r.headers.get("x-content-type-options") == "nosniff", (r.url, r.status_code)
        assert {r.status_code for r in responses} >= {200, 404, 413, 422, 500}


@pytest.fixture
def slow_server(built: tuple[str, Any]) -> Any:
    """The app under uvicorn, as ``tidings serve`` runs it, with short timeouts."""
    import socket
    import threading
    import time

    import uvicorn

    from tidings.web.server import uvicorn_options

    settings = Settings()
    settings.serve.header_timeout = 0.5
    settings.serve.body_timeout = 0.5
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(built[0], token=TOKEN, settings=settings), host="127.0.0.1", port=port,
                            log_level="error", **uvicorn_options(settings.serve))  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(10)


def test_slow_clients_are_cut_off(slow_server: int) -> None:
    import socket

    def exchange(data: bytes) -> bytes:
        with socket.create_connection(("127.0.0.1", slow_server), timeout=10) as s:
            s.sendall(data)
            out = b""
            while chunk := s.recv(4096):  # until the server closes (a client timeout would raise)
                out += chunk
            return out

    assert exchange(b"") == b""  # connected, sent nothing: closed
    assert exchange(b"GET /healthz HTTP/1.1\r\nHost: x\r\n") == b""  # a head that never ends: closed
    body = b'{"text": "a body that never'  # the head is complete, the body is not
    head = f"POST /api/articles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 500\r\n\r\n"
    assert exchange(head.encode() + body).startswith(b"HTTP/1.1 408")
    assert exchange(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").startswith(b"HTTP/1.1 200")


def test_index_and_search_pages_announce_their_atom_feed(tmp_path):
    """Feed readers find the feed from the page (autodiscovery): the search page announces the feed of its search."""
    from html.parser import HTMLParser

    import feedparser

    class Alternates(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[dict[str, str | None]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "link" and dict(attrs).get("rel") == "alternate":
                self.found.append(dict(attrs))

    client = TestClient(create_app(str(tmp_path / "empty.db")))
    for params, href in [({}, "/feeds/stories.atom"), ({"q": "ferry Marisol"}, "/feeds/stories.atom?q=ferry+Marisol")]:
        parser = Alternates()
        parser.feed(client.get("/", params=params).text)
        assert [(a["type"], a["href"]) for a in parser.found] == [("application/atom+xml", href)]
        feed = feedparser.parse(client.get(href).content)
        assert not feed.bozo and feed.feed.title.startswith("tidings")


def test_the_api_and_the_list_page_search_by_relevance_with_filters(tmp_path):
    from conftest import search_store

    db = str(tmp_path / "search.db")
    search_store(db).close()
    client = TestClient(create_app(db))
    ids = lambda params: [s["id"] for s in client.get("/api/stories", params=params).json()["stories"]]  # noqa: E731
    assert ids({"q": "dock"}) == ["s0", "s1"]
    assert ids({"q": '"harbour master"'}) == ["s2"]
    assert ids({"since": "2026-03-03", "until": "2026-03-04"}) == ["s2"]
    assert ids({"q": "dock", "site": "coast.example"}) == ["s1"]
    assert ids({"language": "DE"}) == ["s2"]
    assert client.get("/api/stories", params={"until": "soon"}).status_code == 422
    page = client.get("/", params={"q": "dock", "site": "coast.example"}).text
    assert "Storm batters the coast" in page and "Dock strike" not in page
    assert 'value="coast.example"' in page  # the filter stays in the form


def test_story_page_and_api_show_the_same_event_in_other_languages(tmp_path: Path) -> None:
    from conftest import linked_store

    db = str(tmp_path / "linked.db")
    linked_store(db).close()
    with TestClient(create_app(db)) as c:
        page = c.get("/stories/s-en").text
        german = c.get("/api/stories/s-en").json()["also_in"]
        alone = c.get("/api/stories/s-other").json()["also_in"]
    assert "Also in other languages" in page and "Deutsch" in page and "(1 article)" in page
    assert "Fähre läuft im Hafen von Marnia auf Grund" in page and "Alle 212 Fahrgäste" in page  # as written
    assert [(c["language"], c["articles"], c["story_id"]) for c in german] == [("de", 1, "s-de")]
    assert alone == []


def test_story_page_and_api_show_a_fact_s_sentence_in_another_language(tmp_path: Path) -> None:
    from conftest import linked_store
    from tidings.crosslang import fact_key
    from tidings.model import Fact, OtherLanguageMention, Story

    db = str(tmp_path / "linked.db")
    store = linked_store(db)
    fact = Fact("All 212 passengers were brought ashore.", ["a1"], 1, exclusive_to="coastpost.example")
    german = OtherLanguageMention(
        "s-de", "de", "Deutsch", "d1", "Alle 212 Fahrgäste wurden an Land gebracht.", "nordblatt.example", 0.81
    )
    with store.transaction() as conn:
        store.save_story(
            conn, Story(id="s-en", headline="s-en", article_ids=["a1", "a2"], facts=[fact], independent_sources=2)
        )  # one source would have no exclusives
        store.put_fact_mentions(conn, {"s-en": [(fact_key(fact.text), german)]})
    store.close()
    with TestClient(create_app(db)) as c:
        page = c.get("/stories/s-en").text
        [read] = c.get("/api/stories/s-en").json()["facts"]
    assert "also reported in" in page and "nordblatt.example" in page
    assert '<q lang="de">Alle 212 Fahrgäste wurden an Land gebracht.</q>' in page
    assert read["independent_sources"] == 1
    assert [(m["language"], m["site"], m["story_id"]) for m in read["other_languages"]] == [
        ("de", "nordblatt.example", "s-de")
    ]
