"""Outlets: one registered domain is one outlet; a site-less text file takes its outlet from its credit line."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tidings import ingest
from tidings.clean import Cleaner
from tidings.dedupe import count_independent
from tidings.model import Article
from tidings.outlets import _extractor, outlet_from_credits, outlet_of_site
from tidings.settings import Settings


@pytest.mark.parametrize(
    ("site", "outlet"),
    [
        ("www.washingtonpost.com", "washingtonpost.com"),
        ("washingtonpost.com", "washingtonpost.com"),
        ("edition.cnn.com", "cnn.com"),
        ("CNN.com", "cnn.com"),
        ("news.bbc.co.uk", "bbc.co.uk"),  # a two-label public suffix
        ("www.isles.example", "isles.example"),  # under no public suffix: the last two labels
        ("localhost", "localhost"),
        ("https://edition.cnn.com/2024/05/06/world/story.html", "cnn.com"),  # a URL given as the site
        ("www.example.com:8080", "example.com"),
        ("CBS News", "cbsnews.com"),  # a name from a credit line, known
        ("Harbour Gazette", "Harbour Gazette"),  # a name, kept as written
        (None, None),
        ("", None),
    ],
)
def test_outlet_is_the_registered_domain(site: str | None, outlet: str | None) -> None:
    assert outlet_of_site(site) == outlet


def test_the_public_suffix_list_is_read_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    _extractor.cache_clear()
    outlet_of_site.cache_clear()
    try:
        assert outlet_of_site("edition.cnn.com") == "cnn.com"
        assert outlet_of_site("www.theguardian.co.uk") == "theguardian.co.uk"
    finally:
        _extractor.cache_clear()
        outlet_of_site.cache_clear()


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("CBS News contributed to this report.", "cbsnews.com"),
        ("The Associated Press contributed to this report.", "apnews.com"),
        ("CBS News' Jane Doe contributed to this report.", "cbsnews.com"),
        ("Reporting by Jane Doe of the Kestrelmouth Post; editing by Tom Brown", "Kestrelmouth Post"),
        ("By Jane Doe, Reuters", "reuters.com"),
        ("Jane Doe contributed reporting.", None),  # a person, no outlet
        ("Reporting by Jane Doe; Editing by Tom Brown", None),
    ],
)
def test_a_credit_line_or_byline_names_the_outlet(line: str, outlet: str | None) -> None:
    assert outlet_from_credits([line]) == outlet


BODY = (
    "Ferry service to Gullholm resumes after storm\n\n"
    "The ferry between Brackwater and Gullholm island resumed on Thursday after three days of gales that kept "
    "boats in port.\n\n"
    "Harbourmaster Ivo Lenk said the first crossing carried 140 passengers and a load of fresh supplies for the "
    "island shops.\n\n"
    "\u201cThe sea is calm enough now,\u201d Lenk said on the quay as the first passengers came ashore.\n\n"
)


def _clean(path: Path) -> Article:
    settings = Settings()
    docs = list(ingest.iter_documents([str(path)], settings.ingest))
    article = Cleaner(settings.clean).clean(docs)[0]
    assert isinstance(article, Article)
    return article


def test_a_text_file_without_a_site_takes_it_from_its_credit_line(tmp_path: Path) -> None:
    path = tmp_path / "ferry.txt"
    path.write_text(BODY + "CBS News contributed to this report.\n", encoding="utf-8")
    article = _clean(path)
    assert article.site == "cbsnews.com" and article.outlet == "cbsnews.com"


def test_a_text_file_without_a_credit_line_has_no_site(tmp_path: Path) -> None:
    path = tmp_path / "ferry.txt"
    path.write_text(BODY, encoding="utf-8")
    assert _clean(path).site is None


def test_copies_and_pages_of_one_outlet_count_once() -> None:
    def art(i: str, site: str | None, copy_of: str | None = None) -> Article:
        return Article(id=i, origin=i, title=i, text="text", site=site, copy_of=copy_of)

    articles = [
        art("a", "www.washingtonpost.com"), art("b", "washingtonpost.com"), art("c", "edition.cnn.com"),
        art("d", "cnn.com"), art("e", "apnews.com"), art("f", "dailynews.example", copy_of="e"),
        art("g", None), art("h", None),  # two site-less articles: two sources we cannot tell apart
    ]  # fmt: skip
    assert count_independent(articles) == 5  # washingtonpost, cnn, apnews (with its copy), g, h


@pytest.mark.parametrize(
    ("site", "url", "outlet"),
    [
        ("Axios", None, "axios.com"),  # a known outlet's name, one word
        ("The Hill", "https://thehill.com/homenews/a-story", "thehill.com"),
        ("Washington Post", None, "washingtonpost.com"),  # known with or without 'The'
        ("Washington Examiner", "https://www.washingtonexaminer.com/news/a-story", "washingtonexaminer.com"),
        ("AP Politics & Fact Check", "https://apnews.com/article/a-story", "apnews.com"),  # a feed's own title
        ("Harbour Gazette", None, "Harbour Gazette"),  # unknown and no address: the name as written
        ("wire.example", "https://mirror.example/copy", "wire.example"),  # a site given as a host is the outlet
        (None, "https://edition.cnn.com/a-story", "cnn.com"),
    ],
)
def test_an_outlet_named_or_linked_is_one_outlet(site: str | None, url: str | None, outlet: str) -> None:
    article = Article(id="a", origin="a", title="T", text="x", site=site, url=url)
    assert article.outlet == outlet


def test_one_outlet_named_by_a_feed_and_linked_by_another_counts_once() -> None:
    named = Article(id="a", origin="a", title="T", text="x", site="Washington Examiner",
                    url="https://www.washingtonexaminer.com/news/one")
    linked = Article(id="b", origin="b", title="T", text="y", site="washingtonexaminer.com")
    assert count_independent([named, linked]) == 1
