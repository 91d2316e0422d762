"""The pages in a real browser: Debian's Chromium, headless, driven by Playwright, against the real server (uvicorn)
and against the static export opened from disk."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from test_web import INJECTION, build_store
from tidings.pipeline import Pipeline
from tidings.render.html import write_site
from tidings.settings import Settings

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser) to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Any]:
    folder = tmp_path_factory.mktemp("browser")
    db, result = build_store(folder)
    return folder, db, result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(store: tuple[Path, str, Any]) -> Iterator[str]:
    """The real app under uvicorn in a background thread on a free local port."""
    import uvicorn

    from tidings.web.app import create_app

    port = free_port()
    config = uvicorn.Config(create_app(store[1], token=None), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 900}, java_script_enabled=True)
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.errors = errors
    yield p
    context.close()


def test_read_search_story_citation_article(
    page: Any, server: str, store: tuple[Path, str, Any], tmp_path: Path
) -> None:
    _, _, result = store
    injected = next(a for a in result.articles if INJECTION in a.text)
    ferry = next(s for s in result.stories if s.id == injected.story_id)
    library = next(s for s in result.stories if s.id != ferry.id)

    # the story list
    page.goto(server + "/")
    cards = page.locator("li.story-card")
    assert cards.count() == 2
    assert page.get_by_role("link", name=ferry.headline).is_visible()
    page.screenshot(path=str(tmp_path / "list.png"), full_page=True)

    # search (a GET form: works without JavaScript)
    page.get_by_role("searchbox").fill("Linden")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r".*\?q=Linden"))
    assert page.locator("li.story-card").count() == 1
    assert page.get_by_role("link", name=library.headline).is_visible()

    # open a story
    page.goto(server + "/")
    page.get_by_role("link", name=ferry.headline).click()
    page.wait_for_url(f"**/stories/{ferry.id}")
    assert page.locator("h1").inner_text() == ferry.headline
    assert page.locator("#summary .cite").count() >= 1
    page.screenshot(path=str(tmp_path / "story.png"), full_page=True)
    assert page.evaluate("typeof window.__pwned") == "undefined"

    # follow a citation of the summary to the article it cites
    first_cite = page.locator("#summary a.cite").first
    cited_href = first_cite.get_attribute("href")
    first_cite.click()
    page.wait_for_url(f"**{cited_href}")
    cited_id = cited_href.rsplit("/", 1)[-1]
    cited = next(a for a in result.articles if a.id == cited_id)
    assert page.locator("h1").inner_text() == cited.title
    assert any(cited_id in s.article_ids for s in ferry.summary)

    # the article with the injected <script>: shown as text, never run
    page.goto(f"{server}/articles/{injected.id}")
    assert page.get_by_text(INJECTION).first.is_visible()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.errors == []

    assert (tmp_path / "list.png").stat().st_size > 5000
    assert (tmp_path / "story.png").stat().st_size > 5000


def test_unknown_story_page_is_a_404_page(page: Any, server: str) -> None:
    response = page.goto(server + "/stories/s-does-not-exist")
    assert response.status == 404
    assert page.get_by_role("link", name="Back to all stories").is_visible()


def test_static_export_from_disk(page: Any, store: tuple[Path, str, Any], tmp_path: Path) -> None:
    _, db, result = store
    pipeline = Pipeline(Settings(), db)
    out = tmp_path / "site"
    write_site(out, result.stories, pipeline.export_articles(result.stories, result.articles))
    pipeline.store.close()
    injected = next(a for a in result.articles if INJECTION in a.text)

    page.goto((out / "index.html").as_uri())
    assert page.locator("li.story-card:visible").count() == 2
    page.get_by_role("searchbox").fill("linden")  # the export filters client-side with its inline script
    assert page.locator("li.story-card:visible").count() == 1
    page.get_by_role("searchbox").fill("no such words anywhere")
    assert page.locator("li.story-card:visible").count() == 0
    assert page.locator("#no-match").is_visible()
    page.get_by_role("searchbox").fill("")

    story = next(s for s in result.stories if s.id == injected.story_id)
    page.get_by_role("link", name=story.headline).click()
    page.wait_for_url(f"**/stories/{story.id}.html")
    page.screenshot(path=str(tmp_path / "export-story.png"), full_page=True)
    page.locator("#summary a.cite").first.click()
    page.wait_for_url("**/articles/*.html")
    assert page.locator("h1").is_visible()
    page.goto((out / "articles" / f"{injected.id}.html").as_uri())
    assert page.get_by_text(INJECTION).first.is_visible()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.errors == []


def digest_story() -> tuple[Any, dict[str, Any]]:
    """A hand-made story with every part of the digest: 7 shared facts, a disagreement, quotes, exclusives."""
    from test_render_html import make_story
    from tidings.model import Fact

    story, arts = make_story()
    story.facts = [Fact(f"Shared detail {i} of the closure.", ["a1", "a2"], 2) for i in range(7)]
    story.facts += [Fact(f"Detail {i} only one outlet reports.", ["a1"], 1, exclusive_to="first.example")
                    for i in range(3)]  # fmt: skip
    return story, arts


def test_story_page_digest_first_then_folded_sections(
    page: Any, server: str, store: tuple[Path, str, Any], tmp_path: Path
) -> None:
    from tidings.render.digest import TOP_FACTS

    story, arts = digest_story()
    write_site(tmp_path / "site", [story], list(arts.values()))
    page.goto((tmp_path / "site" / "stories" / f"{story.id}.html").as_uri())
    # the digest is open: summary, best-corroborated facts, disagreements, who said what, in that order
    parts = ("#summary", "#key-facts", "#conflicts", "#speakers", "#everything-else")
    for section in parts:
        assert page.locator(section).is_visible(), section
    tops = [page.locator(s).bounding_box()["y"] for s in parts]
    assert tops == sorted(tops)
    assert page.locator("#key-facts .facts > li").count() == TOP_FACTS
    assert page.locator("#speakers li").count() == 1  # one line per named speaker
    quotes = page.locator("details.fold#quotes")
    assert quotes.get_attribute("open") is None
    page.get_by_role("link", name="+1 more quote").click()  # opens the speaker's quotes in the fold
    assert quotes.get_attribute("open") is not None and quotes.get_by_text("It will reopen soon").is_visible()
    # everything else is folded: closed until its summary is clicked, and nothing in it is lost
    for fold, text in (("#facts", "Shared detail 6 of the closure."), ("#exclusives", "Detail 2 only one outlet")):
        details = page.locator(f"details.fold{fold}")
        assert details.get_attribute("open") is None
        assert not details.get_by_text(text).is_visible()
        details.locator("summary").first.click()
        assert details.get_attribute("open") is not None
        assert details.get_by_text(text).is_visible()
    # the server gives the same page (one set of templates)
    _, _, result = store
    library = next(s for s in result.stories if "Linden" in s.headline)
    page.goto(f"{server}/stories/{library.id}")
    assert page.locator("#summary").is_visible() and page.locator("#conflicts").is_visible()
    assert page.locator("details.fold#sources").get_attribute("open") is None
    assert page.errors == []


def test_timeline_of_events_beside_publication_times(page: Any, server: str, store: tuple[Path, str, Any]) -> None:
    _, _, result = store
    ferry = next(s for s in result.stories if "Marisol" in s.headline)
    assert ferry.events, "the fixture's ferry story dates its grounding ('on Tuesday')"
    page.goto(f"{server}/stories/{ferry.id}")
    timeline = page.locator("#timeline")
    assert timeline.is_visible()
    day = timeline.locator("li.day").filter(has=page.locator("time.day-date[datetime='2024-04-02']"))
    assert day.locator("time.day-date").inner_text() == "Tue 2 Apr 2024"
    assert day.locator(".event").first.is_visible() and "Tuesday" in day.locator(".event").first.inner_text()
    published = day.locator(".published li")
    assert published.count() == len(ferry.article_ids)  # all three were published that day, with their times
    assert "07:10" in published.first.inner_text()


def long_site_story() -> tuple[Any, dict[str, Any]]:
    """A hand-made story with what made pages overflow: 40 long host names, outlets named by long titles."""
    from test_render_html import make_story
    from tidings.model import Fact, LanguageCoverage

    story, arts = make_story()
    story.sites = [f"www.regionalnewssite{i}.example.co.uk" for i in range(40)]  # no hyphen to break at
    long_outlet = "Thousands evacuated as rain pushes Corran Dam to the brink of collapse overnight"
    story.facts = [Fact(f"Detail {i} that one outlet alone reports.", ["a1"], 1, exclusive_to=long_outlet + "-" * 30)
                   for i in range(3)]  # fmt: skip
    story.summary[0].text += " " + "x" * 90  # one unbreakable word
    # another language's coverage with a long compound word and a long lead
    word = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenhersteller"
    story.also_in = [LanguageCoverage("s-de", "de", "Deutsch", 3, "a2", f"{word} meldet Hochwasser am Corran-Damm",
                                      f"Tausende wurden evakuiert; {word} " * 6)]
    return story, arts


@pytest.mark.parametrize("width", [375, 1280])
def test_pages_fit_a_phone_and_a_desktop(
    browser: Any, server: str, store: tuple[Path, str, Any], tmp_path: Path, width: int
) -> None:
    _, _, result = store
    story, arts = long_site_story()
    site = tmp_path / "site"
    write_site(site, [story], list(arts.values()))
    urls = [server + "/", *(f"{server}/stories/{s.id}" for s in result.stories)]
    urls.append(f"{server}/articles/{result.articles[0].id}")
    urls += [(site / "index.html").as_uri(), (site / "stories" / f"{story.id}.html").as_uri()]
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    for n, url in enumerate(urls):
        page.goto(url)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")  # folded parts too
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, (url, width, scroll)
        shot = tmp_path / f"page{n}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 5000
    context.close()
