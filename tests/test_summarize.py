"""The story summary: verbatim, cited, non-redundant sentences and a neutral headline.

The story below is fictional (a library fire in an invented town), written for these tests: three outlets and a
verbatim copy of one of them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tidings.analyze import analyze_story
from tidings.model import Article, Fact, Sentence, Story
from tidings.resources import HashingEncoder, get_embedder, using_encoder
from tidings.settings import AnalyzeSettings, SummarizeSettings
from tidings.summarize import (
    FOLLOWS,
    NOT_FIRST,
    Candidate,
    _reading_order,
    _weigh_opinion,
    clean_title,
    headline,
    is_broken,
    is_fragment,
    leaning,
    lexical_centrality,
    select,
    standalone_penalty,
    strip_dateline,
    summarize_story,
)
from tidings.text import argues, is_opinion, normalize_text, segment, stable_id

ECHO = """A fire tore through the Oakhurst public library late on Saturday, destroying much of its rare book collection.

Firefighters fought the blaze for five hours before bringing it under control early on Sunday.

No one was injured, the fire service said.

The library's director, Miriam Castell, said about 12,000 books had been lost.

"It is a loss for the whole town," Castell said.

Investigators believe the fire started in an electrical cabinet in the basement.

The library, built in 1911, had been due to close next month for renovation.

He added that the building was insured."""

COURIER = """Fire destroyed a large part of the rare book collection at Oakhurst's public library on Saturday night.

It took firefighters five hours to control the blaze, which was put out early Sunday morning.

Library director Miriam Castell estimated that 12,000 books were destroyed.

Fire officials said nobody was hurt.

The cause of the fire is thought to be a fault in an electrical cabinet in the basement, investigators said.

Volunteers have offered to help sort the damaged books that survived.

The town council will meet on Monday to discuss temporary premises."""

RIVERSIDE = """The historic public library in Oakhurst was badly damaged by a fire on Saturday.

Investigators said an electrical fault in the basement was the likely cause.

The mayor, Jonas Pell, promised that the library would be rebuilt.

Pell said the town would open a temporary reading room in the old school hall.

Residents gathered outside the building on Sunday to watch the smouldering ruins."""


def make_article(text: str, title: str, site: str, published: str, copy_of: str | None = None) -> Article:
    return Article(
        id=stable_id(site, title, text, prefix="a"),
        origin=f"test:{site}",
        title=title,
        text=text,
        site=site,
        published=published,
        copy_of=copy_of,
        relation="duplicate" if copy_of else None,
    )


def fire_articles() -> list[Article]:
    echo = make_article(
        ECHO,
        "Fire destroys rare books at Oakhurst library - Oakhurst Echo",
        "Oakhurst Echo",
        "2025-05-10T22:00:00+00:00",
    )
    courier = make_article(
        COURIER, "Oakhurst library fire: 12,000 books lost", "County Courier", "2025-05-11T07:00:00+00:00"
    )
    riverside = make_article(
        RIVERSIDE, "Is Oakhurst's library gone for good?", "Riverside Daily", "2025-05-11T09:00:00+00:00"
    )
    copy = make_article(
        ECHO,
        "Fire destroys rare books at Oakhurst library | Northern Wire",
        "Northern Wire",
        "2025-05-11T10:00:00+00:00",
        copy_of=echo.id,
    )
    return [echo, courier, riverside, copy]  # fmt: skip


def build(articles: list[Article], settings: SummarizeSettings | None = None) -> Story:
    sentences = {a.id: segment(a) for a in articles}
    story = Story(id="s-fire", headline="", article_ids=[a.id for a in articles])
    story = analyze_story(story, articles, sentences, AnalyzeSettings())
    return summarize_story(story, articles, sentences, settings or SummarizeSettings())


@pytest.fixture(scope="module")
def fire() -> tuple[Story, list[Article]]:
    articles = fire_articles()
    return build(articles), articles


def test_summary_has_four_to_seven_verbatim_sentences(fire):
    story, articles = fire
    texts = {a.id: a.text for a in articles}
    assert 4 <= len(story.summary) <= 7
    for s in story.summary:
        assert s.article_ids, s.text
        assert set(s.article_ids) <= set(texts)
        assert any(s.text in texts[a] for a in s.article_ids)  # verbatim from an article it cites


def test_every_sentence_cites_all_articles_that_report_it(fire):
    story, articles = fire
    echo, courier, riverside, copy = articles
    fact_ids = {m.text: f.article_ids for f in story.facts for m in f.mentions}
    for s in story.summary:
        assert set(fact_ids.get(s.text, s.article_ids)) <= set(s.article_ids)
    lead = [s for s in story.summary if "Saturday" in s.text and "fire" in s.text.lower()]
    assert lead, "the fact all outlets report is in the summary"
    assert set(lead[0].article_ids) == {echo.id, courier.id, riverside.id, copy.id}
    # The marks read in the story's order of articles: [1][3], never [3][1].
    for s in story.summary:
        assert s.article_ids == sorted(s.article_ids, key=story.article_ids.index), s
    assert sum(len(s.article_ids) >= 2 for s in story.summary) >= len(story.summary) / 2


def test_no_two_summary_sentences_say_the_same_thing(fire):
    story, _ = fire
    settings = SummarizeSettings()
    emb = get_embedder().encode([s.text for s in story.summary])
    sims = emb @ emb.T
    np.fill_diagonal(sims, 0.0)
    assert sims.max() < settings.redundancy_threshold
    fact_of = {m.text: i for i, f in enumerate(story.facts) for m in f.mentions}
    facts = [fact_of[s.text] for s in story.summary if s.text in fact_of]
    assert len(facts) == len(set(facts))


def test_summary_sentences_stand_alone(fire):
    story, _ = fire
    assert not any(s.text.startswith("He added") for s in story.summary)
    assert all(s.text[0].isupper() or s.text[0] in '"“' for s in story.summary)


def test_one_article_story_gets_its_lead_facts():
    riverside = fire_articles()[2]
    story = build([riverside])
    assert 4 <= len(story.summary) <= 5
    assert story.summary[0].text.startswith("The historic public library in Oakhurst")
    for s in story.summary:
        assert s.article_ids == [riverside.id]
        assert s.text in riverside.text


def test_summary_follows_the_articles_order(fire):
    story, _ = fire
    first = story.summary[0].text
    assert "Saturday" in first  # the event itself opens the summary


def test_headline_is_a_neutral_title_without_site_suffix(fire):
    story, _ = fire
    assert story.headline in {
        "Fire destroys rare books at Oakhurst library",
        "Oakhurst library fire: 12,000 books lost",
    }
    assert "?" not in story.headline and "Echo" not in story.headline and "|" not in story.headline


@pytest.mark.parametrize(
    ("title", "url", "opinion"),
    [
        ("Why the harbour will never recover", "https://gazette.example/opinion/why-the-harbour", True),
        ("The Gazette view on the harbour: a port adrift | Editorial", "https://gazette.example/2025/harbour", True),
        ("Opinion | Is a strike ever worth it?", None, True),
        ("The harbour deserves better", "https://gazette.example/news/opinion-the-harbour-deserves-better", True),
        ("Harbour strike ends after six days", "https://gazette.example/news/harbour-strike-ends", False),
        ("Port opinion poll shows support for the strike", "https://gazette.example/news/poll", False),
    ],
)
def test_opinion_pieces_are_told_by_section_or_label(title: str, url: str | None, opinion: bool):
    assert is_opinion(Article(id="a", origin="a", title=title, text="x", url=url)) is opinion


@pytest.mark.parametrize(
    ("title", "argument"),
    [
        ("Stop listening to the harbour board", True),
        ("Don’t close the Oakhurst library", True),
        ("No, the strike did not cost the port a million", True),
        ("Why the harbour strike matters", True),
        ("The council should pay for sprinklers", True),
        ("Harbour strike ends after six days", False),
        ("Harbour board: dockworkers should return on Monday", False),  # the board's 'should', not the writer's
        ("Don't close the library, mayor says", False),
        ("Councillors split on who should pay for the sprinklers", False),
        ("Stop-work meeting called at the port", False),
        ("Mayor 'must act now', residents say", False),
    ],
)
def test_titles_that_argue_are_told_from_reports(title: str, argument: bool):
    article = Article(id="a", origin="a", title=title, text="x", url="https://gazette.example/news/port")
    assert argues(article) is argument
    assert not is_opinion(article)  # the 'opinion' label stays the address's or the title label's


def test_a_report_title_heads_the_story_over_a_title_that_argues():
    column = Article(id="c", origin="c", title="Stop pretending the harbour strike is over", text="x")
    report = Article(id="r", origin="r", title="Harbour strike is over after six days of talks", text="y")
    other = Article(id="o", origin="o", title="Dockworkers return as harbour strike ends", text="z")
    assert headline([column, report, other], "", SummarizeSettings()) != column.title


def test_a_report_title_heads_the_story_over_a_column_title():
    column = Article(id="c", origin="c", title="Harbour strike ends after six days as the port bosses give in",
                     text="x", url="https://gazette.example/columnists/harbour-strike-defeat")
    report = Article(id="r", origin="r", title="Harbour strike ends after six days of talks", text="y",
                     url="https://ledger.example/news/harbour-strike-ends")
    other = Article(id="o", origin="o", title="Dockworkers return as harbour strike ends", text="z",
                    url="https://wire.example/harbour/dockworkers-return")
    assert headline([column, report, other], "", SummarizeSettings()) != column.title


def test_a_columns_sentences_come_after_the_reports():
    column_text = (
        "The Oakhurst library fire was a disgrace that the council should have prevented years ago.\n\n"
        "Rare books burned on Saturday because nobody in the town hall would pay for sprinklers.\n\n"
        "Firefighters fought the blaze for hours while the councillors slept."
    )
    column = make_article(column_text, "The council let the library burn", "Harbour Gazette",
                          "2025-05-11T09:00:00+00:00")
    column.url = "https://gazette.example/opinion/the-council-let-the-library-burn"
    reports = fire_articles()
    story = build([*reports, column])
    column_sentences = {" ".join(p.split()) for p in column_text.split("\n\n")}
    assert not any(x.text in column_sentences for x in story.summary[:3])  # the reports' account first


def test_headline_of_untitled_articles_falls_back_to_the_summary():
    article = make_article(RIVERSIDE, "", "Riverside Daily", "2025-05-11T09:00:00+00:00")
    story = build([article])
    assert story.headline == story.summary[0].text


def test_summary_without_the_optional_models(monkeypatch):
    monkeypatch.setenv("TIDINGS_NO_SPACY", "1")
    articles = fire_articles()
    with using_encoder(HashingEncoder()):
        story = build(articles)
    texts = {a.id: a.text for a in articles}
    assert 4 <= len(story.summary) <= 7
    for s in story.summary:
        assert any(s.text in texts[a] for a in s.article_ids)
    assert any(len(s.article_ids) >= 3 for s in story.summary)
    assert story.headline in {
        "Fire destroys rare books at Oakhurst library",
        "Oakhurst library fire: 12,000 books lost",
    }


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Port strike ends after nine days - Harbour Gazette", "Harbour Gazette", "Port strike ends after nine days"),
        ("Port strike ends after nine days | harbourgazette.example", None, "Port strike ends after nine days"),
        ("Port strike ends after nine days — The Ledger", "The Ledger", "Port strike ends after nine days"),
        ("Rates: what the decision means for savers", None, "Rates: what the decision means for savers"),
        ("Talks fail - again", "Ledger", "Talks fail - again"),
        ("Ferry fares rise again - The Isle of Marrow Evening Observer", "The Isle of Marrow Evening Observer",
         "Ferry fares rise again"),
        ("Ferry fares rise again - The Isle of Marrow Evening Observer", "isleofmarroweveningobserver.example",
         "Ferry fares rise again"),
        ("Talks fail - again", "againville.example", "Talks fail - again"),
        ("Ferry fares rise again - and the islanders are angry about it", "Evening Observer",
         "Ferry fares rise again - and the islanders are angry about it"),
    ],
)
def test_clean_title(title, site, expected):
    assert clean_title(title, site) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("OAKHURST, May 10 (County Courier) - A fire broke out.", "A fire broke out."),
        ("OAKHURST — A fire broke out.", "A fire broke out."),
        ("(AP) A fire broke out.", "A fire broke out."),
        ("VIDEO: A fire broke out.", "A fire broke out."),
        ("The EU - and the council - agreed.", "The EU - and the council - agreed."),
        ("Lakeport (CNN)A fire broke out.", "A fire broke out."),
        ("Lakeport, Maine (CNN) - A fire broke out.", "A fire broke out."),
        ("Lakeport (CNN) --", "Lakeport (CNN) --"),  # nothing would be left: kept whole
        ("Why it matters: The ferry is the island's only link.", "The ferry is the island's only link."),
        ("Driving the news: A fire broke out.", "A fire broke out."),
        ("Officials said why it matters: a fire broke out.", "Officials said why it matters: a fire broke out."),
    ],
)
def test_summary_sentences_drop_a_leading_dateline(sentence, expected):
    assert strip_dateline(sentence) == expected
    assert expected in sentence  # still verbatim


def test_standalone_penalty_flags_fragments_and_dangling_starts():
    settings = SummarizeSettings()
    assert standalone_penalty("The council approved the budget on Tuesday after a long debate.", settings) == 0
    assert standalone_penalty("He said the budget was approved after a long debate.", settings) > 0
    assert standalone_penalty("and that the budget would be approved after the debate,” she said.", settings) > 0
    assert standalone_penalty("Budget approved", settings) > 0


def test_broken_sentences_stay_out_of_the_summary_when_the_story_has_others():
    settings = SummarizeSettings()
    cands = [
        _candidate("“The harbour bridge will stay closed, the engineer told reporters on Monday evening.", "a"),
        _candidate("and the ferries will run every twenty minutes until the pillars are repaired,” she said.", "b"),
        _candidate("Harbour...", "d"),  # an excerpt cut off by its source
        _candidate("Ferry companies added extra crossings while commuters queued for hours at the piers.", "c"),
    ]
    assert [is_broken(c.text) for c in cands] == [True, True, True, False]
    emb = np.stack([_unit(1, 0, 0), _unit(0, 1, 0), _unit(0, 1, 1), _unit(0, 0, 1)])
    rel = np.array([1.0, 0.9, 0.8, 0.1])  # the broken ones rank highest: they are still left out
    assert select(cands, emb, rel, settings) == [3]
    # a story that has nothing else still gets a summary
    assert select(cands[:2], emb[:2], rel[:2], settings) == [0, 1]


def test_fragments_and_questions_stay_out_of_the_summary_when_the_story_has_others():
    settings = SummarizeSettings()
    cands = [
        _candidate("Zilch.", "a"),
        _candidate("What is the harbour levy for?", "b"),
        _candidate("Ferry companies added extra crossings while commuters queued for hours at the piers.", "c"),
        _candidate("The mayor took to social media to answer the ferry companies:", "d"),  # what follows is not here
    ]
    assert [is_fragment(c.text, settings) for c in cands] == [True, True, False, True]
    emb = np.stack([_unit(1, 0, 0), _unit(0, 1, 0), _unit(0, 0, 1), _unit(1, 1, 0)])
    rel = np.array([1.0, 0.9, 0.1, 1.0])
    assert select(cands, emb, rel, settings) == [2]
    assert select(cands[:2], emb[:2], rel[:2], settings) == [0, 1]  # nothing else: a summary all the same


def test_advice_to_the_reader_stays_out_of_the_summary():
    settings = SummarizeSettings()
    cands = [
        _candidate("Apply the harbour board's urgent fix to your ferry app before Friday.", "a"),
        _candidate("Ferry companies added extra crossings while commuters queued for hours at the piers.", "b"),
    ]
    emb = np.stack([_unit(1, 0, 0), _unit(0, 1, 0)])
    assert select(cands, emb, np.array([1.0, 0.2]), settings) == [1]


@pytest.mark.corpus
def test_seed_story_summary_is_cited(seeds_dir: Path):
    articles = []
    for path in sorted(seeds_dir.glob("*.txt")):
        raw = normalize_text(path.read_text(encoding="utf-8"))
        title, _, body = raw.partition("\n")
        articles.append(Article(id=stable_id(path.name, prefix="a"), origin=str(path), title=title.strip(),
                                text=body.strip(), site=path.stem))  # fmt: skip
    story = build(articles)
    assert 4 <= len(story.summary) <= 7
    texts = {a.id: a.text for a in articles}
    for s in story.summary:
        assert len(s.article_ids) >= 1
        assert any(s.text in texts[a] for a in s.article_ids)
    # facts count only what each mention states: the lead fact's three versions do not all state it to the pairwise
    # criterion (complete link), so the summary cites corroboration where a fact holds it, at least once here
    assert sum(len(s.article_ids) >= 2 for s in story.summary) >= 1
    assert story.headline


def _candidate(text: str, group: str, position: int = 0) -> Candidate:
    return Candidate(Sentence(group, position, text), 0, position, None, [group], 1, group)


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_short_summary_is_filled_with_new_sentences_never_paraphrases():
    settings = SummarizeSettings()
    cands = [
        _candidate("The harbour bridge closed on Monday after engineers found cracks in two pillars.", "a"),
        _candidate("Ferry companies added extra crossings while commuters queued for hours at the piers.", "b"),
        _candidate("The harbour bridge was shut on Monday when engineers found cracks in two pillars.", "c"),
        _candidate("Engineers found cracks in two pillars and the harbour bridge closed on Monday.", "d"),
    ]
    base = _unit(1, 0, 0)
    between = settings.redundancy_threshold + (settings.fill_threshold - settings.redundancy_threshold) / 2
    emb = np.stack(
        [
            base,
            _unit(between, np.sqrt(1 - between**2), 0),  # close in topic, new facts: fills
            _unit(0.99, 0.14, 0),  # a paraphrase of the first: never
            _unit(between, 0, np.sqrt(1 - between**2)),  # as close as the second, but no new words: never
        ]
    )
    rel = np.array([1.0, 0.9, 0.95, 0.8])
    chosen = select(cands, emb, rel, settings)
    assert chosen == [0, 1]
    strict = select(cands, emb, rel, replace(settings, fill_threshold=settings.redundancy_threshold))
    assert strict == [0]


def test_filling_may_take_a_sentence_of_a_used_fact_that_adds_new_words():
    """Two outlets' sentences aligned into one fact can still tell different things (who, how much); when the
    summary is short of its budget, the one with mostly new words fills it, a reworded copy never does."""
    settings = replace(SummarizeSettings(), fill_same_fact=True)
    fact = Fact("The harbour bridge closed on Monday.", ["a", "b", "c"], 3)
    cands = [
        _candidate("The harbour bridge closed on Monday after engineers found cracks in two pillars.", "a"),
        _candidate("Mayor Ilse Varga ordered the closure and promised ferries would run all night.", "b"),
        _candidate("The harbour bridge was closed on Monday after engineers found cracks in pillars.", "c"),
    ]
    for c in cands:
        c.fact = fact
    emb = np.stack([_unit(1, 0, 0), _unit(0.6, 0.8, 0), _unit(0.6, 0, 0.8)])
    rel = np.array([1.0, 0.9, 0.95])
    assert select(cands, emb, rel, settings) == [0, 1]
    assert select(cands, emb, rel, replace(settings, fill_same_fact=False)) == [0]


def test_selection_prefers_new_word_pairs_over_repeated_ones():
    settings = replace(SummarizeSettings(), max_sentences=2, repeat_weight=0.3)
    cands = [
        _candidate("The harbour bridge closed on Monday after engineers found cracks in two pillars.", "a"),
        _candidate("Engineers found cracks in two pillars of the harbour bridge, which closed on Monday.", "b"),
        _candidate("Ferry companies added extra crossings while commuters queued for hours at the piers.", "c"),
    ]
    emb = np.stack([_unit(1, 0, 0), _unit(0, 1, 0), _unit(0, 0, 1)])  # the cosine alone sees no repetition
    rel = np.array([1.0, 0.8, 0.75])
    assert select(cands, emb, rel, settings) == [0, 2]
    assert select(cands, emb, rel, replace(settings, repeat_weight=0.0)) == [0, 1]


def test_lexical_centrality_ranks_what_the_story_keeps_saying():
    cands = [
        _candidate("The harbour bridge closed on Monday after engineers found cracks in two pillars.", "a"),
        _candidate("Engineers say the cracks in the bridge pillars could take months to repair.", "b"),
        _candidate("The closed harbour bridge carries forty thousand cars a day.", "c"),
        _candidate("A choir from Lisbon sang at the cathedral for the first time.", "d"),
    ]
    centrality = lexical_centrality(cands)
    assert centrality.max() == pytest.approx(1.0)
    assert int(np.argmax(centrality)) == 0  # shares words with both other bridge sentences
    assert centrality[3] == 0.0  # shares none
    assert lexical_centrality([]).shape == (0,)


@pytest.mark.parametrize("degraded", [False, True], ids=["models", "no-spacy-hashing"])
def test_corroborated_lead_fact_comes_before_one_source_asides(degraded, monkeypatch):
    """The summary opens with a fact several independent outlets report, and an aside only one outlet mentions
    (volunteers, residents watching) comes, if at all, after every corroborated sentence, with or without the
    optional models."""
    if degraded:
        monkeypatch.setenv("TIDINGS_NO_SPACY", "1")
    articles = fire_articles()
    echo, courier, riverside, copy = articles
    with using_encoder(HashingEncoder() if degraded else get_embedder()):
        story = build(articles)
    independent = {echo.id: "echo", copy.id: "echo", courier.id: "courier", riverside.id: "riverside"}
    assert len({independent[a] for a in story.summary[0].article_ids}) >= 2, story.summary[0]
    texts = [s.text for s in story.summary]
    corroborated = [k for k, s in enumerate(story.summary) if len({independent[a] for a in s.article_ids}) >= 2]
    asides = [k for k, t in enumerate(texts) if t.startswith(("Volunteers have offered", "Residents gathered"))]
    assert all(k > max(corroborated) for k in asides), texts


def test_the_summary_does_not_say_the_same_thing_twice_in_other_words(fire):
    """Two outlets give the cause in different words (their embeddings are not that close): the summary says it
    once."""
    story, _ = fire
    about_the_cause = [s.text for s in story.summary if "electrical" in s.text]
    assert len(about_the_cause) == 1, about_the_cause


def test_page_furniture_never_opens_a_summary():
    articles = [
        make_article("Hide Caption 1 of 9 Photos\n\nPhotos:\n\n" + a.text, a.title or "", a.site or "",
                     a.published or "")
        for a in fire_articles()[:3]
    ]
    story = build(articles)
    assert story.summary
    assert not any("Caption" in s.text or s.text.strip() == "Photos:" for s in story.summary)


PORT = """He told reporters on Monday that the harbour bridge in Port Alden would stay shut for at least a month.

The harbour bridge in Port Alden closed on Monday after engineers found cracks in two of its pillars.

The city's ferry company added night crossings to carry the bridge's forty thousand daily commuters.

Shops on the island side of the bridge said trade had fallen by half since the closure began.

Engineers expect the repairs to the two pillars to cost about four million euros.

The vote was 285 to 120.

The council will meet on Thursday to decide how to pay for the work."""


def test_a_story_whose_best_sentence_opens_with_he_does_not_open_with_it():
    """The lead ('He told reporters...') ranks first by its place in the article, but a reader meeting it first
    would not know who 'he' is: the summary opens with the next best sentence, and takes 'He told...' only straight
    after the sentence before it in its article, which here comes after it (so never)."""
    article = make_article(PORT, "Port Alden bridge shut for a month", "Harbour Gazette", "2025-03-03T09:00:00+00:00")
    story = build([article])
    texts = [s.text for s in story.summary]
    assert texts, "a summary all the same"
    assert not texts[0].startswith("He "), texts
    assert texts[0].startswith("The harbour bridge in Port Alden closed"), texts
    assert not any(t.startswith("He told") for t in texts), texts
    assert texts[0] != "The vote was 285 to 120."
    off = build([article], replace(SummarizeSettings(), standalone_weight=0.0))  # the rule, not the penalty
    assert not off.summary[0].text.startswith("He "), [s.text for s in off.summary]


def _leaning_candidate(text: str, article: int, position: int) -> Candidate:
    c = Candidate(Sentence(f"a{article}", position, text), article, position, None, [f"a{article}"], 1, f"g{article}")
    lean = leaning(text)
    c.need = lean[1] if lean else None
    return c


def test_a_sentence_that_leans_on_its_predecessor_follows_it_or_stays_out():
    settings = replace(SummarizeSettings(), min_sentences=1, target_words=10_000, max_sentences=7)
    cands = [
        _leaning_candidate("But the mayor said the ferries would run every twenty minutes all night.", 0, 1),
        _leaning_candidate("The harbour bridge closed on Monday after engineers found cracks in two pillars.", 0, 0),
        _leaning_candidate("He said the shops on the island had lost half their trade since the closure.", 1, 3),
        _leaning_candidate("Commuters queued for hours at the piers as ferry companies added crossings.", 1, 0),
    ]
    assert [c.need for c in cands] == [FOLLOWS, None, FOLLOWS, None]
    emb = np.stack([_unit(1, 0, 0, 0), _unit(0, 1, 0, 0), _unit(0, 0, 1, 0), _unit(0, 0, 0, 1)])
    rel = np.array([1.0, 0.9, 0.95, 0.5])  # the leaning ones rank highest
    chosen = select(cands, emb, rel, settings)
    # 'But the mayor...' comes straight after the sentence before it in its article; 'He said...' has its
    # predecessor (position 2) nowhere in the story, so it never comes in
    assert chosen == [1, 0, 3]
    # a story of leaning sentences only still gets a summary
    assert select(cands[2:3], emb[2:3], rel[2:3], settings) == [0]


def test_a_sentence_about_something_named_before_never_opens_the_summary():
    settings = replace(SummarizeSettings(), min_sentences=1, target_words=10_000)
    cands = [
        _leaning_candidate("The vote was 285 to 120 after a debate that lasted most of the night.", 0, 2),
        _leaning_candidate("The House passed a bill on Tuesday to remove the statues from the Capitol.", 1, 0),
    ]
    assert [c.need for c in cands] == [NOT_FIRST, None]
    emb = np.stack([_unit(1, 0), _unit(0, 1)])
    assert select(cands, emb, np.array([1.0, 0.5]), settings) == [1, 0]  # second, even after another article


def test_the_position_order_keeps_a_leaning_sentence_after_its_predecessor_and_opens_with_one_that_stands():
    settings = replace(SummarizeSettings(), min_sentences=1, target_words=10_000, order="position")
    cands = [
        _leaning_candidate("The vote was 285 to 120 after a debate that lasted most of the night.", 0, 0),
        _leaning_candidate("The House passed a bill on Tuesday to remove the statues from the Capitol.", 1, 1),
        _leaning_candidate("It also replaces a bust of Roger Taney with one of Thurgood Marshall.", 1, 2),
    ]
    emb = np.stack([_unit(1, 0, 0), _unit(0, 1, 0), _unit(0, 0, 1)])
    chosen = select(cands, emb, np.array([0.5, 1.0, 0.9]), settings)
    assert chosen == [1, 2, 0]
    articles = [Article(f"a{k}", "o", None, "", published=f"2025-01-0{k + 1}") for k in range(2)]
    assert _reading_order(chosen, cands, articles, settings) == [1, 2, 0]


@pytest.mark.parametrize(
    ("sentence", "need"),
    [
        ("He said the bridge would reopen in April.", FOLLOWS),
        ("But the council has not yet found the money.", FOLLOWS),
        ("It was the third closure this year.", FOLLOWS),
        ("They queued for three hours at the piers.", FOLLOWS),
        ("This is the first time the bridge has closed.", FOLLOWS),
        ("Both officials had been appointed by the previous mayor.", FOLLOWS),
        ("“They are killing people,” the mayor said of the delays.", FOLLOWS),
        ("“It was an easy decision to close it,” he continued.", FOLLOWS),
        ("The vote was 285 to 120.", NOT_FIRST),
        ("The 19-0 vote came after hours of debate.", NOT_FIRST),
        ("In 2005, the bridge was closed for a week of repairs.", NOT_FIRST),  # background in a 2025 article
        ("In 2025, the bridge carried forty thousand cars a day.", None),  # the article's own year
        ("It is unclear whether the repairs will finish before winter.", None),
        ("It is with that history in mind that the council voted.", FOLLOWS),
        ("Later that day, the mayor closed the bridge.", FOLLOWS),
        ("Later this week, the council will vote on the repairs.", None),
        ("This week, the council voted to close the bridge.", None),
        ("So far, no one has been hurt.", None),
        ("Instead of one bridge, the city will build two.", None),
        ("Both the mayor and the council voted for the closure.", None),
        ("Then-mayor Ilse Varga opened the bridge in 1998.", None),
        ("“We had no choice,” said Mara Lind, the city engineer.", None),  # the quoted 'we' is its named speaker
        ("“Any change to the timetable must be agreed with the crews. We have no further comment.”", FOLLOWS),
        ("US officials said the bridge was safe.", None),
        ("The company behind the bridge repairs is based in Lyon.", None),
        ("The harbour bridge closed on Monday.", None),
        ("The Democrat argued that the bridge could wait.", FOLLOWS),  # a person named by a role points back
        ("The 45-year-old was charged on Tuesday.", FOLLOWS),
        ("The governor of Corvale signed the repair bill.", None),
    ],
)
def test_leaning_openers_table(sentence: str, need: str | None):
    lean = leaning(sentence, 2025)
    assert (lean[1] if lean else None) == need, lean


def test_a_developing_storys_earlier_days_weigh_less():
    from tidings.summarize import _weigh_recency

    articles = [
        Article(id="a0", origin="a0", title="Port faces closure", text="x", published="2025-03-02T08:00:00+00:00"),
        Article(id="a1", origin="a1", title="Budget passes, port stays open", text="y",
                published="2025-03-04T18:00:00+00:00"),
        Article(id="a2", origin="a2", title="Port budget", text="z"),  # undated: not moved
        Article(id="a3", origin="a3", title="Port on the eve", text="w", published="2025-03-03T18:00:00+00:00"),
    ]
    cands = [_leaning_candidate(f"Sentence {i} of the harbour story.", i, 0) for i in range(4)]
    settings = SummarizeSettings(recency_weight=0.3, recency_days=2.0)
    rel = np.ones(4)
    _weigh_recency(cands, articles, rel, settings)
    assert rel.tolist() == pytest.approx([0.7, 1.0, 1.0, 0.85])  # two days behind: the whole weight; one: half
    same_day = [replace(a, published="2025-03-04T08:00:00+00:00") for a in articles[:2]]
    rel = np.ones(2)
    _weigh_recency(cands[:2], same_day, rel, settings)
    assert rel.tolist() == [1.0, 1.0]  # one day's reports: nothing moves


def test_a_summary_never_gives_the_same_figures_twice():
    """Two outlets' wordings of one release ('soared by 5,100 to 41,900' / 'totalled 41,900, up 5,100') sit far
    apart as vectors; that they state the same two quantities says they report one thing."""
    ledger = make_article(
        "New claims for harbour relief soared by 5,100 to 41,900 in the week to Saturday, the Marrow port office "
        "said on Thursday.\n\nThe rise was the largest since the dock strike began in March.\n\n"
        "Dock owners said the figures showed the strike was hurting the whole coast.",
        "Harbour relief claims jump", "Coastal Ledger", "2025-05-11T09:00:00+00:00")
    gazette = make_article(
        "Applications for relief in regular port programmes totalled 41,900 last week, up 5,100 from the week "
        "before, figures from the port office showed.\n\nEconomists had expected a fall to 35,000.\n\n"
        "Unions blamed the closure of the western quay for the jump.",
        "Port relief applications rise", "Harbour Gazette", "2025-05-11T10:00:00+00:00")
    story = build([ledger, gazette])
    restating = [s.text for s in story.summary if "41,900" in s.text and "5,100" in s.text]
    assert len(restating) == 1, story.summary


def test_the_writers_own_voice_does_not_speak_for_the_story():
    """A sentence in the writer's first person ('As I explained last night, ...') weighs like an opinion piece's."""
    def candidate(text: str, article_index: int) -> Candidate:
        sentence = Sentence(article_id=f"a{article_index}", index=0, text=text)
        return Candidate(sentence, article_index, 0, None, [f"a{article_index}"], 1, f"a{article_index}")

    articles = [make_article("x", "Harbour strike ends", "Coastal Ledger", "2025-05-12T07:00:00+00:00"),
                make_article("y", "Strike over", "Evening Observer", "2025-05-12T08:00:00+00:00")]
    cands = [candidate("The Marrow harbour strike ended on Sunday after six days.", 0),
             candidate("As I explained last night, the dockworkers won because the board ran out of time.", 1),
             candidate("The board could not afford more days of stranded ships, its chairman said.", 1)]
    rel = np.array([1.0, 1.0, 1.0])
    _weigh_opinion(cands, articles, rel, SummarizeSettings())
    assert rel[1] < rel[0] == rel[2]
    alone = np.array([1.0, 1.0])  # a column's own story is told in its voice
    _weigh_opinion(cands[1:], articles, alone, SummarizeSettings())
    assert alone[0] == alone[1] == 1.0
