"""The static HTML export: self-contained pages that open from disk, with citations that resolve and escaped text."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from test_web import INJECTION, build_store
from tidings.model import (
    Article,
    Claim,
    Conflict,
    Entity,
    Event,
    Fact,
    Mention,
    Quote,
    Story,
    SummarySentence,
    TimelineEntry,
)
from tidings.pipeline import Pipeline
from tidings.render import write_outputs
from tidings.render.digest import TOP_FACTS
from tidings.render.html import (
    ENTITIES_SHOWN,
    EXCLUSIVES_OPEN_MAX,
    ExportUrls,
    Page,
    article_blocks,
    format_date,
    quotes_by_speaker,
    render_article,
    render_story,
    safe_href,
    write_site,
)
from tidings.settings import Settings


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:  # the parser may hand a script's text over in pieces
            self.scripts[-1] += data


def parse(path: Path) -> Tags:
    t = Tags()
    t.feed(path.read_text(encoding="utf-8"))
    return t


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The export of a run of the real pipeline over the fictional articles of test_web."""
    folder = tmp_path_factory.mktemp("site")
    db, result = build_store(folder)
    pipeline = Pipeline(Settings(), db)
    articles = pipeline.export_articles(result.stories, result.articles)
    out = folder / "out"
    write_site(out, result.stories, articles)
    pipeline.store.close()
    return out, result


def test_one_page_per_story_and_article(site: tuple[Path, Any]) -> None:
    out, result = site
    assert (out / "index.html").is_file()
    for s in result.stories:
        assert (out / "stories" / f"{s.id}.html").is_file()
    for a in result.articles:
        assert (out / "articles" / f"{a.id}.html").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    for s in result.stories:
        assert f'href="stories/{s.id}.html"' in index


def test_pages_are_self_contained(site: tuple[Path, Any]) -> None:
    out, _ = site
    pages = list(out.rglob("*.html"))
    assert len(pages) > 3
    for page in pages:
        tags = parse(page)
        for tag, attrs in tags.tags:
            if tag in ("link", "script", "img", "iframe", "source", "video", "audio", "object", "embed"):
                for attr in ("src", "href", "data"):
                    value = attrs.get(attr) or ""
                    assert not re.match(r"(?i)(https?:)?//", value), (page, tag, value)
                if tag == "link":
                    assert attrs.get("rel") != "stylesheet", (page, attrs)  # CSS is inlined
        html = page.read_text(encoding="utf-8")
        assert "<style>" in html
        assert "Content-Security-Policy" in html


def test_links_between_pages_resolve_on_disk(site: tuple[Path, Any]) -> None:
    out, _ = site
    checked = 0
    for page in out.rglob("*.html"):
        for tag, attrs in parse(page).tags:
            href = attrs.get("href") or ""
            if tag != "a" or not href or re.match(r"(?i)[a-z]+:", href) or href.startswith("#"):
                continue
            target = (page.parent / unquote(href.split("#")[0].split("?")[0])).resolve()
            assert target.is_file(), (page, href)
            checked += 1
    assert checked > 10


def test_citations_link_to_the_cited_articles(site: tuple[Path, Any]) -> None:
    out, result = site
    for story in result.stories:
        page = out / "stories" / f"{story.id}.html"
        cites = [attrs["href"] for tag, attrs in parse(page).tags if tag == "a" and attrs.get("class") == "cite"]
        assert cites, story.headline
        cited_ids = {aid for s in story.summary for aid in s.article_ids}
        assert cited_ids
        for aid in cited_ids:
            assert f"../articles/{aid}.html" in cites
        for href in cites:
            assert (page.parent / href).resolve().is_file()


def test_article_text_is_escaped(site: tuple[Path, Any]) -> None:
    out, result = site
    injected = next(a for a in result.articles if INJECTION in a.text)
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert INJECTION not in html, page
        assert "window.__pwned" not in "".join(parse(page).scripts), page
    html = (out / "articles" / f"{injected.id}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "<script" not in (out / "stories" / f"{injected.story_id}.html").read_text(encoding="utf-8")


def test_index_filter_script_is_allowed_by_its_own_policy(site: tuple[Path, Any]) -> None:
    out, _ = site
    tags = parse(out / "index.html")
    assert len(tags.scripts) == 1
    metas = [a for t, a in tags.tags if t == "meta"]
    policy = next(a["content"] for a in metas if a.get("http-equiv") == "Content-Security-Policy")
    digest = base64.b64encode(hashlib.sha256(tags.scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy
    assert ("form", {"class": "search", "role": "search", "id": "filter-form", "action": ""}) in tags.tags


def test_write_outputs_includes_the_site(tmp_path: Path) -> None:
    _, result = build_store(tmp_path)
    written = write_outputs(tmp_path / "out", result.stories, result.articles, result.skipped)
    names = {p.relative_to(tmp_path / "out").as_posix() for p in written}
    assert {"stories.json", "stories.md", "index.html"} <= names
    assert {f"stories/{s.id}.html" for s in result.stories} <= names


# -- the story page's sections, on a hand-made story with every kind of finding --------------------------------


def make_story() -> tuple[Story, dict[str, Article]]:
    arts = {
        "a1": Article(
            "a1",
            "one.txt",
            "Bridge closed",
            "The Orrin bridge closed on Monday.\n\nTraffic\n\nCars queued for 3 km.",
            site="first.example",
            published="2024-06-03T08:00:00+00:00",
            headings=["Traffic"],
            removed=["Share this"],
            relation="original",
        ),
        "a2": Article(
            "a2",
            "two.txt",
            "Orrin bridge shut",
            "The Orrin bridge was shut on Monday.",
            site="second.example",
            published="2024-06-03T09:30:00+00:00",
            url="javascript:alert(1)",
        ),
        "a3": Article(
            "a3",
            "three.txt",
            "Bridge closed",
            "The Orrin bridge closed on Monday.",
            site="third.example",
            published="2024-06-03T10:00:00+00:00",
            copy_of="a1",
            relation="duplicate",
        ),
    }
    story = Story(
        "s1",
        "Orrin bridge closed",
        ["a1", "a2", "a3"],
        independent_sources=2,
        first_seen="2024-06-03T08:00:00+00:00",
        last_seen="2024-06-03T10:00:00+00:00",
        summary=[SummarySentence("The Orrin bridge closed on Monday.", ["a1", "a2", "a3"])],
        conflicts=[
            Conflict(
                "queue length",
                [Claim("a1", "Cars queued for 3 km.", "3 km"), Claim("a2", "Cars queued for 5 km.", "5 km")],
            )
        ],
        quotes=[
            Quote("Mara Lind", "We had no choice", "a1"),
            Quote(None, "It was chaos", "a2"),
            Quote("Mara Lind", "It will reopen soon", "a2"),
        ],
        sites=["first.example", "second.example", "third.example"],
    )
    return story, arts


def test_story_sections_render() -> None:
    story, arts = make_story()
    html = render_story(story, arts, Page(ExportUrls(1)))
    # conflicting figures side by side, each with its site and a link to its article
    conflict = html[html.index('id="conflicts"') : html.index('id="quotes"')]
    assert conflict.index("3 km") < conflict.index("first.example") < conflict.index("5 km")
    assert conflict.index("5 km") < conflict.index("second.example")
    assert 'href="../articles/a2.html"' in conflict
    # quotes grouped by speaker, unattributed last
    quotes = html[html.index('id="quotes"') :]
    assert quotes.index("Mara Lind") < quotes.index("We had no choice") < quotes.index("It will reopen soon")
    assert quotes.index("It will reopen soon") < quotes.index("Unattributed") < quotes.index("It was chaos")
    # the duplicate names what it copies; the javascript: URL is not a link
    assert 'copy of <a href="../articles/a1.html">[1]</a>' in html
    assert "javascript:" not in html


def test_citation_marks_ascend_on_the_story_page() -> None:
    story, arts = make_story()
    summary = [SummarySentence("The Orrin bridge closed on Monday.", ["a3", "a1", "a2"])]
    html = render_story(Story(**{**story.__dict__, "summary": summary}), arts, Page(ExportUrls(1)))
    lead = html[html.index("The Orrin bridge closed on Monday.") :]
    lead = lead[: lead.index("</p>")]
    assert re.findall(r">\[(\d+)\]</a>", lead) == ["1", "2", "3"]


def test_article_page_parts() -> None:
    story, arts = make_story()
    html = render_article(arts["a1"], story, Page(ExportUrls(1)))
    assert "<h3>Traffic</h3>" in html
    assert "<p>Cars queued for 3 km.</p>" in html
    assert "<details" in html and "Share this" in html
    assert 'href="../stories/s1.html"' in html
    copy = render_article(arts["a3"], story, Page(ExportUrls(1)), copy_of=arts["a1"])
    assert 'copy of <a href="../articles/a1.html">Bridge closed</a>' in copy


def test_helpers() -> None:
    assert format_date("2024-06-03T08:05:00+00:00") == "3 Jun 2024, 08:05"
    assert format_date("2024-06-03") == "3 Jun 2024"
    assert format_date("sometime") == "sometime"
    assert format_date(None) == ""
    assert safe_href("https://example.org/x") == "https://example.org/x"
    assert safe_href("javascript:alert(1)") is None
    assert safe_href(" JAVASCRIPT:alert(1)") is None
    assert safe_href("data:text/html,hi") is None
    groups = quotes_by_speaker([Quote(None, "x", "a"), Quote("B", "y", "a"), Quote("A", "z", "a")])
    assert [g[0] for g in groups] == ["B", "A", None]
    blocks = article_blocks(Article("a", "o", "t", "Intro.\n\nPart two\n\nBody.", headings=["Part two"]))
    assert blocks == [("p", "Intro."), ("h", "Part two"), ("p", "Body.")]


def test_long_lists_fold_away() -> None:
    story, arts = make_story()
    page = Page(ExportUrls(1))
    few = [Fact(f"Detail {i} of the closure.", ["a1"], 1, exclusive_to="first.example") for i in range(2)]
    html = render_story(Story(**{**story.__dict__, "facts": few}), arts, page)
    assert html.count('<details class="exclusive-group" open>') == 1
    assert "only in first.example" in html and "2 facts" in html

    many = [
        Fact(f"Detail {i} of the closure.", [aid], 1, exclusive_to=arts[aid].site)
        for i in range(EXCLUSIVES_OPEN_MAX + 1)
        for aid in ("a1", "a2")
    ]
    entities = [Entity(f"Person {i}", "PERSON", [], ["a1"]) for i in range(ENTITIES_SHOWN + 3)]
    html = render_story(Story(**{**story.__dict__, "facts": many, "entities": entities}), arts, page)
    assert html.count('<details class="exclusive-group">') == 2  # one per site, folded
    assert "only in second.example" in html
    assert "<summary>3 more</summary>" in html
    assert html.index("Person 14") < html.index("3 more") < html.index("Person 15")


def test_the_digest_comes_first_and_everything_else_is_folded_not_dropped() -> None:
    story, arts = make_story()
    page = Page(ExportUrls(1))
    mentions = [Mention("a1", "The Orrin bridge stays shut for a week.", "first.example"),
                Mention("a2", "The Orrin bridge will be shut all week.", "second.example")]
    facts = [Fact(f"Shared detail {i}.", ["a1", "a2"], 2, [Mention("a1", f"Shared detail {i}.", "first.example"),
                                                          Mention("a2", f"Detail {i}, shared.", "second.example")])
             for i in range(TOP_FACTS + 3)]
    facts.insert(2, Fact("The Orrin bridge stays shut for a week.", ["a1", "a2", "a3"], 3, mentions))
    facts.append(Fact("A ferry ran instead.", ["a1"], 1, exclusive_to="first.example"))
    facts.append(Fact("Boats replaced the bridge for the day.", ["a2"], 1, echoed_by=["a1"]))
    html = render_story(Story(**{**story.__dict__, "facts": facts}), arts, page)
    digest, rest = html.split('id="everything-else"')
    # the digest: summary, then the best-corroborated facts (most sources first), disagreements, one line a speaker
    assert digest.index('id="summary"') < digest.index('id="key-facts"') < digest.index('id="conflicts"')
    assert digest.index('id="conflicts"') < digest.index('id="speakers"')
    key = digest[digest.index('id="key-facts"') : digest.index('id="conflicts"')]
    assert key.index("The Orrin bridge stays shut for a week.") < key.index("Shared detail 0.")
    assert key.count("<meter") == TOP_FACTS == key.count('<details class="mentions">')  # folded mentions
    assert "The Orrin bridge will be shut all week." in key  # how each source says it
    speakers = digest[digest.index('id="speakers"') :]
    assert speakers.count("Mara Lind") == 1 and "+1 more quote" in speakers
    assert "It was chaos" not in speakers  # unattributed quotes are in the full list only
    # everything else: each section a closed <details>, nothing dropped
    for section in ("facts", "exclusives", "echoed", "quotes", "sources"):
        assert f'<details class="fold" id="{section}">' in rest, section
    for i in range(TOP_FACTS, TOP_FACTS + 3):
        assert f"Shared detail {i}." in rest and f"Shared detail {i}." not in digest
    assert "only in first.example" in rest and "1 fact from 1 source" in rest
    before, echoed = rest.split('id="echoed"')
    assert "Boats replaced the bridge for the day." in echoed and "Boats replaced" not in before
    assert "It was chaos" in rest and "It will reopen soon" in rest


def test_timeline_puts_events_and_publications_on_one_date_scale() -> None:
    story, arts = make_story()
    arts["a2"].published = "2024-06-04T09:30:00+00:00"
    story.timeline = [TimelineEntry(a.id, a.published, a.site, a.title) for a in arts.values()]
    story.timeline.append(TimelineEntry("a4", None, None, "Undated"))
    story.events = [
        Event("2024-05-31", "The council voted on Friday to close the bridge.", ["a2"], "Friday"),
        Event("2024-06-03", "The Orrin bridge closed on Monday.", ["a1", "a3"], "Monday"),
    ]
    html = render_story(story, arts, Page(ExportUrls(1)))
    timeline = html[html.index('id="timeline"') : html.index('id="quotes"')]
    days = re.findall(r'<time class="day-date" datetime="([\d-]+)">([^<]+)</time>', timeline)
    assert days == [("2024-05-31", "Fri 31 May 2024"), ("2024-06-03", "Mon 3 Jun 2024"),
                    ("2024-06-04", "Tue 4 Jun 2024")]
    monday = timeline[timeline.index("2024-06-03") : timeline.index("2024-06-04")]
    # the day's event, cited, beside the articles published that day with their times
    assert monday.index("The Orrin bridge closed on Monday.") < monday.index("first.example") < monday.index("08:00")
    assert 'href="../articles/a1.html"' in monday and "third.example" in monday
    assert "undated" in timeline[timeline.index("2024-06-04") :]


def test_an_opinion_piece_is_labelled_on_the_story_page() -> None:
    story, arts = make_story()
    arts["a2"].url = "https://second.example/opinion/the-bridge-should-never-have-closed"
    facts = [Fact("The closure was a scandal.", ["a2"], 1, exclusive_to="second.example")]
    html = render_story(Story(**{**story.__dict__, "facts": facts}), arts, Page(ExportUrls(1)))
    exclusives = html[html.index('id="exclusives"') : html.index('id="sources"')]
    assert ">opinion</span>" in exclusives
    sources = html[html.index('id="sources"') :]
    assert sources.count(">opinion</span>") == 1  # the column only
