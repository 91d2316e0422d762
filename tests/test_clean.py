"""Clean: page junk leaves the text (and is kept in ``removed``), article sentences and subheadings stay,
metadata is filled. The seeds in ../shared are read at run time; every other page here is fictional."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tidings import resources
from tidings.clean import Cleaner, dateline_date, document_id
from tidings.ingest import iter_documents
from tidings.model import Article, Document, Skip
from tidings.settings import CleanSettings, IngestSettings
from tidings.text import content_hash, fold_whitespace, paragraphs

SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")

# A scraped news page as plain text, with page chrome around the article (fictional).
LUMBER_PAGE = """EN | DE | FR
Friday, 3 March
Economy

Lumber mill in Casterford to reopen after two-year closure

By Mara Quinlan

IMG_2034 88213

Photo: Valley Press Agency

The Casterford lumber mill will reopen in June, its new owners announced on Thursday, bringing back about 140 jobs.

The mill closed two years ago after a fire damaged its main drying kiln and the previous owner ran out of money.

Subscribe to our newsletter to get the top stories of the valley delivered to your inbox every morning.

Timber Ridge Holdings, a cooperative of local forest owners, bought the site in January for an undisclosed sum.

"We want the wood from this valley to be cut in this valley," said cooperative chair Odile Ferrand.

New kilns and a safer saw line

The cooperative plans to install two electric kilns and replace the saw line, which inspectors had criticised.

Regional officials said a grant of 3.2 million crowns would cover part of the cost of the new equipment.

Additional reporting by Tomas Reyes

Also read:
Casterford votes on new bus depot
Flood barriers tested along the Riv river

Share this article
Comments are disabled for this article.
"""
LUMBER_BODY = [
    "The Casterford lumber mill will reopen in June",
    "The mill closed two years ago",
    "Timber Ridge Holdings, a cooperative",
    '"We want the wood from this valley',
    "The cooperative plans to install",
    "Regional officials said a grant",
]
LUMBER_JUNK = [
    "EN | DE | FR",
    "Friday, 3 March",
    "Economy",
    "IMG_2034 88213",
    "Photo: Valley Press Agency",
    "Subscribe to our newsletter",
    "Also read:",
    "Casterford votes on new bus depot",
    "Flood barriers tested along the Riv river",
    "Share this article",
    "Comments are disabled for this article.",
]

# The same kinds of junk in German (the topic signal is English-only: this runs on form and lexicon).
BRIDGE_PAGE = """Neue Fahrradbrücke in Lindenau eröffnet

Startseite
Lokales

Die neue Fahrradbrücke über den Lindenauer Kanal ist seit Montag für den Verkehr freigegeben.

Der Bau hatte knapp zwei Jahre gedauert und kostete rund vier Millionen Euro.

Anzeige

Bürgermeisterin Helga Strom sprach bei der Eröffnung von einem wichtigen Schritt für den Radverkehr.

Weniger Autos in der Innenstadt

Die Stadt erwartet, dass künftig deutlich mehr Pendler mit dem Rad in die Innenstadt fahren.

Lesen Sie auch:
Stadtrat beschließt neuen Busfahrplan für den Winter
Baustelle an der Hauptstraße dauert länger als geplant

Kommentare
Teilen
"""

HARVEST_HTML = """<!doctype html><html lang="en"><head>
<title>Orchard growers report record apple harvest | Valley Ledger</title>
<meta property="og:site_name" content="Valley Ledger">
<meta property="og:title" content="Orchard growers report record apple harvest">
<meta property="article:published_time" content="2024-09-14T07:30:00Z">
<meta name="author" content="Priya Okafor">
<link rel="canonical" href="https://valleyledger.example/2024/09/apple-harvest">
</head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
<div class="cookie-banner">We use cookies to improve your experience on our site. <button>Accept</button></div>
<main><article>
<h1>Orchard growers report record apple harvest</h1>
<p>Apple growers in the Brenn valley picked more fruit this season than in any year since records began
in 1962, the regional growers' association said on Friday.</p>
<p>The association estimated the harvest at 41,000 tonnes, about a fifth more than last year, after a warm
spring and steady summer rain across the valley.</p>
<h2>Prices under pressure</h2>
<p>The large crop has pushed wholesale prices down, and several growers said they would keep more fruit in
cold rooms until the winter months.</p>
<ul><li>Early varieties sold out within weeks of picking.</li>
<li>Cider makers bought a record share of the crop this year.</li></ul>
<p>"We have never had to find this much storage space," said orchard owner Basil Marten.</p>
<p>To continue reading, please enable JavaScript in your browser settings.</p>
<p>The association will publish its final figures for the season in November.</p>
<p>Share this article on Facebook or Twitter</p>
</article></main>
<section id="comments"><h3>Leave a comment</h3><form><textarea></textarea></form></section>
<footer><p>© 2024 Valley Ledger. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>"""


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner(CleanSettings())


def text_doc(content: str, **meta: object) -> Document:
    """A plain-text Document the way ingest makes it from a .txt file (first line = title)."""
    lines = content.split("\n")
    return Document(
        "page.txt", "\n".join(lines[1:]).strip(), "text", {"title": lines[0], "title_from": "first_line", **meta}
    )


def clean_one(cleaner: Cleaner, doc: Document) -> Article:
    [result] = cleaner.clean([doc])
    assert isinstance(result, Article), result
    return result


# ------------------------------------------------------------------------------------------ seeds


@pytest.fixture(scope="module")
def seed_results() -> list[tuple[Path, Article]]:
    from conftest import SEEDS, require_shared

    folder = require_shared(SEEDS)
    docs = list(iter_documents([str(folder)], IngestSettings()))
    assert all(isinstance(d, Document) for d in docs)
    results = Cleaner(CleanSettings()).clean(docs)  # type: ignore[arg-type]
    assert all(isinstance(r, Article) for r in results), results
    files = sorted(folder.glob("*.txt"))
    return list(zip(files, results, strict=True))  # type: ignore[arg-type]


# Generic web-page phrases the seeds carry (UI text, not article text).
SEED_JUNK_MARKERS = [
    "Leave a Reply",
    "Products You May Like",
    "Articles You May Like",
    "RU UA EN",
    "Sunday, 22 December",
    "World",
    "politics",
    "123017372 hi073356170",
    "Reuters",
    "This video can not be played",
    "Post a Comment",
    "Previous Post Next Post",
    "About Author",
    "Comments are closed.",
    "Read more:",
    "Trending",
    "Exit mobile version",
]
# Removed lines that end like sentences must be page UI: they start with one of these.
SEED_UI_SENTENCES = ("Comments are closed.", "For the latest headlines", "To play this video", "This site uses Akismet")


@pytest.mark.corpus
def test_seeds_every_junk_line_is_removed(seed_results: list[tuple[Path, Article]]) -> None:
    removed = [r for _, article in seed_results for r in article.removed]
    for marker in SEED_JUNK_MARKERS:
        assert marker in removed, marker
    assert any(r.startswith("For the latest headlines") for r in removed)
    assert [len(a.removed) for _, a in seed_results] == [2, 2, 10, 3, 16]


@pytest.mark.corpus
def test_seeds_no_article_sentence_is_removed(seed_results: list[tuple[Path, Article]]) -> None:
    for path, article in seed_results:
        source = [fold_whitespace(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
        kept = paragraphs(article.text)
        # every line of the file is accounted for exactly once: title, text, removed or credits
        accounted = [article.title, *kept, *article.removed, *article.credits]
        assert sorted(accounted) == sorted(source), path.name
        # kept lines are sentences or subheadings; removed sentences are page UI only
        for para in kept:
            assert SENTENCE_END.search(para) or para in article.headings, (path.name, para)
        for line in article.removed:
            if SENTENCE_END.search(line):
                assert line.startswith(SEED_UI_SENTENCES), (path.name, line)


@pytest.mark.corpus
def test_seeds_titles_headings_credits_metadata(seed_results: list[tuple[Path, Article]]) -> None:
    for path, article in seed_results:
        lines = [fold_whitespace(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
        # the title is the first line that reads like a headline, not the chrome above it
        assert article.title == next(line for line in lines if len(line.split()) >= 4), path.name
        assert article.language == "en"
        assert article.id.startswith("a") and len(article.id) == 17  # from the raw input (document_id)
        assert article.content_hash == content_hash(article.text)
        for heading in article.headings:
            assert heading in paragraphs(article.text)
    assert [len(a.headings) for _, a in seed_results] == [1, 0, 0, 7, 1]
    credits = [a.credits for _, a in seed_results]
    assert len(credits[0]) == 1 and credits[0][0].endswith("contributed to this report")
    assert not any(credits[1:])


# ------------------------------------------------------------------------------------------ fictional pages


def test_text_page_chrome_prompts_and_related_headlines_removed(cleaner: Cleaner) -> None:
    article = clean_one(cleaner, text_doc(LUMBER_PAGE))
    assert article.title == "Lumber mill in Casterford to reopen after two-year closure"
    assert article.authors == ["Mara Quinlan"]
    assert article.credits == ["Additional reporting by Tomas Reyes"]
    assert article.headings == ["New kilns and a safer saw line"]
    kept = paragraphs(article.text)
    assert len(kept) == len(LUMBER_BODY) + 1
    for start in LUMBER_BODY:
        assert sum(p.startswith(start) for p in kept) == 1, start
    for junk in LUMBER_JUNK:
        assert any(r.startswith(junk) for r in article.removed), junk
        assert junk not in article.text
    assert kept.index("New kilns and a safer saw line") == 4  # stays in place, as its own paragraph


def test_german_page_without_topic_signal(cleaner: Cleaner) -> None:
    article = clean_one(cleaner, text_doc(BRIDGE_PAGE))
    assert article.language == "de"
    assert article.title == "Neue Fahrradbrücke in Lindenau eröffnet"
    assert article.headings == ["Weniger Autos in der Innenstadt"]
    assert len(paragraphs(article.text)) == 5
    for junk in ("Startseite", "Lokales", "Anzeige", "Lesen Sie auch:", "Kommentare", "Teilen"):
        assert junk in article.removed, junk
    assert any(r.startswith("Stadtrat beschließt") for r in article.removed)


def test_html_page_extracted_with_metadata(cleaner: Cleaner) -> None:
    article = clean_one(cleaner, Document("harvest.html", HARVEST_HTML, "html", {}))
    assert article.title == "Orchard growers report record apple harvest"
    assert article.published is not None and article.published.startswith("2024-09-14")
    assert article.site == "valleyledger.example"
    assert article.url == "https://valleyledger.example/2024/09/apple-harvest"
    assert "Priya Okafor" in article.authors
    assert article.headings == ["Prices under pressure"]
    for sentence in (
        "picked more fruit this season",
        "41,000 tonnes",
        "cold rooms until the winter months.",
        "Early varieties sold out",
        "Cider makers bought",
        "this much storage space",
        "final figures for the season",
    ):
        assert sentence in article.text, sentence
    for junk in ("JavaScript", "Share this article", "cookies", "Leave a comment", "All rights reserved", "Home"):
        assert junk not in article.text, junk
    assert any("JavaScript" in r for r in article.removed)
    assert "\n\n" in article.text and "\n\n\n" not in article.text


def test_metadata_from_json_fields(cleaner: Cleaner) -> None:
    doc = Document(
        "feed.jsonl:3",
        "The county fair opens on Saturday with a record number of livestock entries.\n\n"
        "Organisers expect about twelve thousand visitors over the weekend.",
        "text",
        {
            "title": "County fair opens",
            "url": "https://www.fairnews.example/fair",
            "published": "2024-08-02T18:00:00Z",
            "language": "en",
            "story": "fair-2024",
            "author": "Lena Holt",
        },
    )
    article = clean_one(cleaner, doc)
    assert article.title == "County fair opens"
    assert article.site == "fairnews.example"
    assert article.published == "2024-08-02T18:00:00+00:00"
    assert article.story_key == "fair-2024"
    assert article.authors == ["Lena Holt"]
    assert article.origin == "feed.jsonl:3"
    assert article.removed == []
    assert article.id == document_id(doc)  # from the raw input, not from what cleaning made of it


def test_a_text_that_opens_with_its_title_as_a_sentence_loses_it_but_keeps_a_lead_that_goes_on(
    cleaner: Cleaner,
) -> None:
    body = (
        "Organisers of the Tarnby county fair counted a record number of livestock entries on Saturday.\n\n"
        "About twelve thousand visitors came over the weekend, the fair office said."
    )
    title = "Tarnby county fair counts record livestock entries"
    repeated = clean_one(cleaner, Document("fair.jsonl:1", title + ".\n\n" + body, "text", {"title": title}))
    assert repeated.text.startswith("Organisers of the Tarnby county fair")
    assert repeated.title == title
    # a title with a deck ('Title; Deck'), given as two lines
    decked = "Ready for the fair?; The rain kept nobody away from the livestock"
    text = "Ready for the fair?; \nThe rain kept nobody away from the livestock.\n\n" + body
    with_deck = clean_one(cleaner, Document("fair.jsonl:4", text, "text", {"title": decked}))
    assert with_deck.text.startswith("Organisers of the Tarnby county fair")
    # a lead that says the title and more is the article's first sentence
    lead = "Tarnby county fair counts record livestock entries as twelve thousand visitors come in the rain."
    kept = clean_one(cleaner, Document("fair.jsonl:2", lead + "\n\n" + body, "text", {"title": title}))
    assert kept.text.startswith(lead)


def test_a_like_the_page_prompt_is_removed(cleaner: Cleaner) -> None:
    doc = Document("fair.jsonl:3", (
        "The Tarnby assembly passed the harbour budget by a single vote on Tuesday night.\n\n"
        "Do you support the harbour plan? Like the page:\n\n"
        "Opposition members said the plan left too little money for flood defences along the river."
    ), "text", {"title": "Harbour budget passes", "site": "tarnbycourier.example"})
    article = clean_one(cleaner, doc)
    assert "Like the page" not in article.text and "Do you support" not in article.text
    assert "flood defences" in article.text


def test_feed_fragment_html_becomes_paragraphs(cleaner: Cleaner) -> None:
    doc = Document(
        "feed.xml#1",
        "<p>The ferry timetable changes on Monday, the harbour office said.</p>"
        "<p>Two evening crossings are added.<br>Morning crossings stay as they are.</p>",
        "html",
        {"title": "Ferry timetable changes", "fragment": True},
    )
    article = clean_one(cleaner, doc)
    assert paragraphs(article.text) == [
        "The ferry timetable changes on Monday, the harbour office said.",
        "Two evening crossings are added.",
        "Morning crossings stay as they are.",
    ]


def test_hard_wrapped_paragraphs_are_joined(cleaner: Cleaner) -> None:
    body = (
        "The river authority has opened the new fish ladder at the weir, which lets\n"
        "salmon pass the dam for the first time in forty years, officials said.\n\n"
        "Volunteers counted the first fish on Sunday morning and reported that more\n"
        "than two hundred had climbed the ladder before noon on the first day."
    )
    article = clean_one(cleaner, Document("wrapped.txt", body, "text", {"title": "Fish ladder opens"}))
    kept = paragraphs(article.text)
    assert len(kept) == 2
    assert kept[0].startswith("The river authority") and kept[0].endswith("officials said.")


def test_nothing_left_is_a_skip(cleaner: Cleaner) -> None:
    doc = Document("menu.txt", "Home\nNews\nSport\n\nShare\nSubscribe", "text", {"title": "Menu"})
    [result] = cleaner.clean([doc])
    assert isinstance(result, Skip) and result.origin == "menu.txt"


def _site_article(n: int, template: str) -> Document:
    topics = ["the new marina", "the school roof", "the coastal path", "the fish market"]
    body = (
        f"The town council approved funding for {topics[n]} on Wednesday after a long debate.\n\n"
        f"{template}\n\n"
        f"Work on {topics[n]} is expected to start in the spring and finish within a year."
    )
    return Document(f"harbor-{n}.txt", body, "text", {"title": f"Council funds project {n}", "site": "harbor.example"})


def test_template_line_repeated_on_one_site_is_removed_across_batches() -> None:
    template = "Harbor Gazette newsroom updates"
    cleaner = Cleaner(CleanSettings())
    [first] = cleaner.clean([_site_article(0, template)])
    assert isinstance(first, Article) and template in first.headings  # seen once: a subheading
    second, third = cleaner.clean([_site_article(1, template), _site_article(2, template)])
    for article in (second, third):
        assert isinstance(article, Article)
        assert template in article.removed and template not in article.text


def test_copies_of_one_article_do_not_count_as_repetition() -> None:
    template = "Harbor Gazette newsroom updates"
    cleaner = Cleaner(CleanSettings())
    copies = cleaner.clean([_site_article(3, template) for _ in range(4)])
    for article in copies:
        assert isinstance(article, Article) and template in article.headings


@pytest.mark.parametrize("mode", ["no-embeddings", "hashing"])
def test_filter_works_without_the_sentence_model(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if mode == "hashing":
        monkeypatch.setenv("TIDINGS_EMBEDDER", "hashing")
        resources.load_embedder.cache_clear()
    try:
        cleaner = Cleaner(CleanSettings(use_embeddings=mode != "no-embeddings"))
        article = clean_one(cleaner, text_doc(LUMBER_PAGE))
    finally:
        resources.load_embedder.cache_clear()
    for start in LUMBER_BODY:
        assert start in article.text, start
    for junk in ("EN | DE | FR", "Friday, 3 March", "Also read:", "Comments are disabled for this article."):
        assert junk in article.removed, junk


# ------------------------------------------------------------------------------------------ dateline dates

HARBOUR_PAGE = """Harbour ferry service resumes after storm repairs
Published: Tuesday, Aug. 6 2019 7:08 p.m. MDT

The ferry between Portlow and Eastmere Island runs again from today, the harbour authority said.

The crossing was suspended on July 30, 2019, after a storm damaged the landing stage at Eastmere.
"""


def test_undated_article_takes_the_date_of_its_dateline(cleaner: Cleaner) -> None:
    article = clean_one(cleaner, text_doc(HARBOUR_PAGE))
    assert article.published == "2019-08-06"
    assert "Published: Tuesday, Aug. 6 2019 7:08 p.m. MDT" in article.removed  # page chrome, not article text


def test_metadata_date_wins_over_the_dateline(cleaner: Cleaner) -> None:
    article = clean_one(cleaner, text_doc(HARBOUR_PAGE, published="2019-08-07T09:00:00Z"))
    assert article.published == "2019-08-07T09:00:00+00:00"


def test_agency_dateline_opening_the_first_paragraph(cleaner: Cleaner) -> None:
    page = (
        "Quarry workers end two-week strike\n"
        "DUNMERE, March 14, 2021 (Valley Wire) - Workers at the Dunmere quarry returned on Sunday after the "
        "owners agreed to a new shift rota.\n\n"
        "The strike had halted deliveries of gravel to three road projects in the county."
    )
    assert clean_one(cleaner, text_doc(page)).published == "2021-03-14"


def test_dates_the_text_talks_about_are_not_publication_dates(cleaner: Cleaner) -> None:
    # a date in a sentence, a date without a year, a date far down the text: none is a dateline
    page = (
        "Town council approves new library plans\n"
        "Sunday, 22 December\n\n"
        "The council voted on May 3, 2018, to approve the plans for a library on Mill Street.\n\n"
        + "Residents had asked for a larger reading room and longer opening hours in the evenings. " * 8
        + "\n\nJune 4, 2018\n\nBuilding work is expected to begin next spring."
    )
    assert clean_one(cleaner, text_doc(page)).published is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("23 July 2013 Last updated at 13:42 GMT", "2013-07-23"),
        ("Posted on: 3:35 pm, December 23, 2012", "2012-12-23"),
        ("Washington D.C., Jul 13, 2009 / 02:00 pm (CNA)", "2009-07-13"),
        ("2016-11-02", "2016-11-02"),
        ("Posted 11/27/2005 7:21 AM", "2005-11-27"),
        ("27.09.2013", "2013-09-27"),
        ("01/05/2011", None),  # 1 May or 5 January: ambiguous
        ("He died on May 3, 2013.", None),
        ("February 30, 2013", None),
        ("March 3, 1850", None),
    ],
)
def test_dateline_forms(line: str, expected: str | None) -> None:
    assert dateline_date(["A headline about something", line], CleanSettings()) == expected


# ------------------------------------------------------------------------------------------ not articles, chrome

NOT_ARTICLES = {
    "an availability notice": "Fresh Basket Grocers\n\nSorry, this zipcode is not in our deliverable area.\n\n"
    "Enter another zipcode\n\nHome\nAbout us",
    "a search page": "Search results for \u201charbour ferry\u201d\n\n"
    "Showing 1-10 of 212 results for \u201charbour ferry\u201d.\n\nSort by relevance\nFilter by date",
    "a login page": "Sign in\n\nSign in to your Tarnby Courier account to keep reading.\n\n"
    "Forgot your password?\n\nDon't have an account? Create an account",
    "a paywall": "Subscriber exclusive\n\nSubscribe now to continue reading this story.\n\n"
    "Already a subscriber? Log in",
    "a cookie notice": "Your privacy\n\nWe use cookies to improve your experience on our site.\n\n"
    "Accept all cookies\nManage cookie settings",
    "an error page": "Page not found\n\nSorry, the page you were looking for could not be found.\n\n"
    "Go to the homepage",
}


@pytest.mark.parametrize("kind", sorted(NOT_ARTICLES))
def test_pages_that_are_not_articles_are_skipped_with_a_reason(cleaner: Cleaner, kind: str) -> None:
    doc = text_doc(NOT_ARTICLES[kind], site="pages.example")
    [result] = cleaner.clean([doc])
    assert isinstance(result, Skip), result
    assert result.reason.startswith(f"not an article: {kind}") and "\n" not in result.reason


def test_a_list_of_headlines_is_not_an_article(cleaner: Cleaner) -> None:
    headlines = [
        "Ferry timetable changes for the summer season",
        "Harbour master retires after thirty years at sea",
        "New cycle lane opens along the Tarn embankment",
        "School choir wins the county music festival",
        "Storm damages roofs in the old fishing quarter",
        "Market traders protest over rising stall fees",
        "Lighthouse museum reopens with a new exhibition",
        "Council delays vote on the new harbour car park",
    ]
    html = "<html><body><h1>Latest news</h1><ul>" + "".join(
        f'<li><a href="/n/{n}">{h}</a></li>' for n, h in enumerate(headlines)) + "</ul></body></html>"
    [result] = cleaner.clean([Document("latest.html", html, "html", {"url": "https://tarnbycourier.example/latest"})])
    assert isinstance(result, Skip) and result.reason.startswith("not an article: a list of headlines"), result


def test_short_articles_that_mention_cookies_or_zip_codes_stay_articles(cleaner: Cleaner) -> None:
    brief = text_doc("Ferry back\n\nThe Gullholm ferry resumed on Thursday.")
    assert clean_one(cleaner, brief).text == "The Gullholm ferry resumed on Thursday."
    bakery = text_doc(
        "Bakery wins cookie prize\n\nA bakery in Tarnby won the regional prize for its oat cookies on Friday.\n\n"
        "The owners said the cookie recipe came from a grandmother who baked for the whole street.\n\n"
        "The bakery will now deliver to every zip code in the county, they said."
    )
    assert "oat cookies" in clean_one(cleaner, bakery).text


def test_captions_photo_credits_buttons_and_section_labels_are_removed(cleaner: Cleaner) -> None:
    junk = ["Politics", "Hide Caption 24 of 25 Photos", "Photo: Rhea Tamm/Getty Images", "CLOSE",
            "Chat with us in Facebook Messenger. Find out what's happening in the world as it unfolds."]
    doc = Document("vote.txt", (
        "Politics\n\nHide Caption 24 of 25 Photos\n\nPhoto: Rhea Tamm/Getty Images\n\n"
        "The Tarnby assembly passed the harbour budget by a single vote on Tuesday night.\n\n"
        "CLOSE\n\n"
        "Opposition members said the plan left too little money for flood defences along the river.\n\n"
        "Chat with us in Facebook Messenger. Find out what's happening in the world as it unfolds.\n\n"
        "The budget now goes to the regional council, which meets again in May."
    ), "text", {"site": "tarnbycourier.example"})
    article = clean_one(cleaner, doc)
    assert article.text.startswith("The Tarnby assembly passed")
    assert article.title != "Politics"
    for line in junk:
        assert line not in article.text


def test_a_syndication_credit_is_a_credit_not_a_fact(cleaner: Cleaner) -> None:
    doc = Document("copy.txt", (
        "The Tarnby assembly passed the harbour budget by a single vote on Tuesday night.\n\n"
        "Opposition members said the plan left too little money for flood defences along the river.\n\n"
        "This article was supplied by Northgate Press Service."
    ), "text", {"title": "Harbour budget passes", "title_from": "first_line"})
    article = clean_one(cleaner, doc)
    assert "supplied by" not in article.text
    assert article.credits == ["This article was supplied by Northgate Press Service."]
    # a sentence that merely says something was provided stays
    kept = clean_one(cleaner, Document("aid.txt", (
        "The Tarnby assembly passed the harbour budget by a single vote on Tuesday night.\n\n"
        "The council said the new pumps for the river wall were provided by the regional government."
    ), "text", {"title": "Harbour budget passes", "title_from": "first_line"}))
    assert "provided by the regional government" in kept.text


# Fictional articles whose pages end with the comment form's heading and an interface line, in their own language.
COMMENT_FORM_PAGES = {
    "es": ("Nuevo puente peatonal abre en Valdoria\n\n"
           "El ayuntamiento de Valdoria abrió el lunes un puente peatonal sobre el río Tera, tras dos años de obras. "
           "La alcaldesa dijo que el puente une los dos barrios del casco antiguo y reduce el tráfico del centro.\n\n"
           "Las obras costaron 4,2 millones de euros, según el consistorio, que espera 3.000 peatones al día.\n\n"
           "Deja una respuesta\n\nCancelar respuesta", ("Deja una respuesta", "Cancelar respuesta")),
    "de": ("Neue Fußgängerbrücke in Valdoria eröffnet\n\n"
           "Die Stadt Valdoria hat am Montag eine Fußgängerbrücke über den Fluss Tera eröffnet, "
           "nach zwei Jahren Bauzeit. "
           "Die Bürgermeisterin sagte, die Brücke verbinde die beiden Viertel der Altstadt.\n\n"
           "Der Bau kostete nach Angaben der Stadt 4,2 Millionen Euro; sie erwartet 3.000 Fußgänger am Tag.\n\n"
           "Kommentar schreiben", ("Kommentar schreiben",)),
    "ru": ("В Вальдории открылся новый пешеходный мост\n\n"
           "Власти Вальдории в понедельник открыли пешеходный мост через реку Тера после двух лет строительства. "
           "По словам мэра, мост соединяет два района старого города и разгрузит центр.\n\n"
           "Строительство обошлось в 4,2 миллиона евро, сообщили в мэрии, где ожидают 3000 пешеходов в день.\n\n"
           "Оставить комментарий", ("Оставить комментарий",)),
}


@pytest.mark.parametrize("language", sorted(COMMENT_FORM_PAGES))
def test_comment_form_cues_beyond_english_are_removed(cleaner: Cleaner, language: str) -> None:
    page, junk = COMMENT_FORM_PAGES[language]
    article = clean_one(cleaner, text_doc(page))
    assert article.language == language
    for line in junk:
        assert line in article.removed, line
        assert line not in article.text
    assert len(paragraphs(article.text)) == 2  # every article paragraph stays



def test_a_short_report_that_says_results_for_is_no_search_page(cleaner: Cleaner) -> None:
    """'mixed results for the Harbour Party' is prose: a search page says '12 results for "..."'."""
    text = (
        "Mayor claims victory\n\nThe mayor declared victory for her party in the harbour elections on Tuesday night. "
        "\u201cTremendous night!\u201d she wrote as the returns painted mixed results for the Harbour Party."
    )
    [result] = cleaner.clean([text_doc(text, site="pages.example")])
    assert not isinstance(result, Skip), result
