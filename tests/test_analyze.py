"""Analysis of a story: facts aligned across articles, copies counted once, exclusives, conflicts, figures.

The story below is fictional (a dock strike in an invented town), written for these tests: three outlets and a
verbatim copy of one of them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from tidings.analyze import (
    FACT_FEATURES,
    _build_facts,
    _echoed_units,
    _units,
    align_facts,
    analyze_story,
    make_nodes,
    merge_conflicts,
)
from tidings.figures import extract_figures, merge_figures
from tidings.model import Article, Claim, Conflict, Fact, Sentence, Story
from tidings.resources import HashingEncoder, get_nlp, using_encoder
from tidings.settings import AnalyzeSettings
from tidings.text import normalize_text, read_sentences, segment, stable_id

HARBOUR = """About 3,200 dockworkers walked off the job at the port of Marrowby on Monday, demanding higher wages and \
safer cranes.

The strike has left 40 cargo ships waiting at anchor outside the harbour.

Union leader Tessa Hollin said the workers would stay out until the port authority returned to talks.

"We have waited two years for a fair offer," Hollin said.

The harbour's fish market, which depends on the port's cold stores, closed its doors for the first time since 1987."""

LEDGER = """Some 4,000 dockworkers walked off the job at Marrowby port on Monday to demand higher pay and safer cranes.

Forty cargo ships are waiting at anchor outside the harbour because of the strike.

The port authority said it had offered a raise of 4 percent and called the walkout unlawful.

Tessa Hollin, who leads the dockworkers' union, said the strike would continue until the port authority resumes \
negotiations.

Last year the port handled 900 ships and earned $85 million for the town."""

TIDEWATER = """Thousands of dockworkers walked off the job at the port of Marrowby on Monday, calling for better \
wages and safer cranes.

The port authority said it had offered workers a 4 percent pay rise and described the strike as unlawful.

Local hauliers said lorries were queuing for three kilometres along the coast road."""


def make_article(text: str, title: str, site: str | None, published: str, copy_of: str | None = None) -> Article:
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


def strike_articles() -> list[Article]:
    harbour = make_article(
        HARBOUR,
        "Dockworkers walk out at Marrowby port - Harbour Gazette",
        "Harbour Gazette",
        "2025-03-03T08:00:00+00:00",
    )
    ledger = make_article(
        LEDGER,
        "Marrowby port strike: ships stranded as workers demand pay rise",
        "Coastal Ledger",
        "2025-03-03T09:30:00+00:00",
    )
    tidewater = make_article(
        TIDEWATER, "Will the Marrowby strike ever end?", "Tidewater Times", "2025-03-03T11:00:00+00:00"
    )
    copy = make_article(
        HARBOUR, "Dockworkers walk out at Marrowby port", "Valley Post", "2025-03-03T12:00:00+00:00", copy_of=harbour.id
    )
    return [harbour, ledger, tidewater, copy]  # fmt: skip


def run(articles: list[Article], settings: AnalyzeSettings | None = None) -> Story:
    sentences = {a.id: segment(a) for a in articles}
    story = Story(id="s-test", headline="", article_ids=[a.id for a in articles])
    return analyze_story(story, articles, sentences, settings or AnalyzeSettings())


@pytest.fixture(scope="module")
def strike() -> tuple[Story, list[Article]]:
    articles = strike_articles()
    return run(articles), articles


def fact_with(story: Story, words: str) -> Fact:
    hits = [f for f in story.facts if any(words in m.text for m in f.mentions)]
    assert hits, f"no fact mentions {words!r}"
    return hits[0]


# -- facts --------------------------------------------------------------------------------------------------------


def test_lead_fact_is_aligned_across_all_articles_and_the_copy_counts_once(strike):
    story, articles = strike
    harbour, ledger, tidewater, copy = articles
    lead = fact_with(story, "walked off the job")
    assert set(lead.article_ids) == {harbour.id, ledger.id, tidewater.id, copy.id}
    assert lead.independent_sources == 3  # the Valley Post copy counts with its original
    assert lead.exclusive_to is None
    assert len(lead.mentions) == 4
    assert story.facts[0] is lead  # most corroborated, earliest: first
    assert story.independent_sources == 3


def test_paraphrases_of_one_fact_are_one_fact_with_verbatim_mentions(strike):
    story, articles = strike
    texts = {a.id: a.text for a in articles}
    ships = fact_with(story, "cargo ships")
    assert ships.independent_sources == 2
    assert {texts[m.article_id].count(m.text) for m in ships.mentions} == {1}
    offer = fact_with(story, "4 percent")
    assert offer.independent_sources == 2
    assert {m.article_id for m in offer.mentions} == {articles[1].id, articles[2].id}
    assert offer.text in {m.text for m in offer.mentions}


def test_facts_are_ordered_by_corroboration(strike):
    story, _ = strike
    counts = [f.independent_sources for f in story.facts]
    assert counts == sorted(counts, reverse=True)


def test_at_most_one_sentence_per_article_in_a_fact(strike):
    story, _ = strike
    for fact in story.facts:
        ids = [m.article_id for m in fact.mentions]
        assert len(ids) == len(set(ids))


def test_exclusives_name_the_site_that_alone_reports_them(strike):
    story, _ = strike
    assert fact_with(story, "fish market").exclusive_to == "Harbour Gazette"
    assert fact_with(story, "900 ships").exclusive_to == "Coastal Ledger"
    assert fact_with(story, "hauliers").exclusive_to == "Tidewater Times"
    # Only the original and its copy report the fish market: still one independent source, credited to the original.
    market = fact_with(story, "fish market")
    assert market.independent_sources == 1 and len(market.article_ids) == 2


def test_a_sentence_only_a_copy_carries_is_the_copys_outlets():
    harbour = make_article(HARBOUR, "Dockworkers walk out at Marrowby port", "Harbour Gazette",
                           "2025-03-03T08:00:00+00:00")
    added = "The Valley Post's own reporter counted forty idle cranes along the western quay on Monday."
    copy = make_article(f"{HARBOUR}\n\n{added}", "Dockworkers walk out at Marrowby port", "Valley Post",
                        "2025-03-03T12:00:00+00:00", copy_of=harbour.id)
    story = run([harbour, copy])
    assert fact_with(story, "idle cranes").exclusive_to == "Valley Post"  # the copy added it: not the original's
    assert fact_with(story, "fish market").exclusive_to == "Harbour Gazette"  # both print it: the original's


def test_exclusive_without_a_site_is_credited_to_an_unknown_site_not_the_title():
    a = make_article(HARBOUR, "Dock strike", None, "2025-03-03T08:00:00+00:00")
    b = make_article(TIDEWATER, "Strike at the docks", "Tidewater Times", "2025-03-03T09:00:00+00:00")
    story = run([a, b])
    assert fact_with(story, "fish market").exclusive_to == "unknown site"


def test_exclusives_of_site_less_articles_are_listed_per_article_not_as_one_outlet():
    from tidings.render.markdown import render_story_markdown

    a = make_article(HARBOUR, "Dock strike", None, "2025-03-03T08:00:00+00:00")
    b = make_article(LEDGER, "Strike at the docks", None, "2025-03-03T09:00:00+00:00")
    story = run([a, b])
    assert story.independent_sources == 2  # two site-less files are two sources
    text = render_story_markdown(story, {a.id: a, b.id: b})
    # each site-less article's exclusives under its own heading, named by its citation mark, never by its title
    assert text.count("Only in unknown site [1] (") == 1 and text.count("Only in unknown site [2] (") == 1
    assert "Only in unknown site (" not in text
    assert "Only in Dock strike" not in text and "Only in Strike at the docks" not in text


def test_the_pages_of_one_outlet_are_one_source_under_any_subdomain():
    # www.x.com and x.com, edition.cnn.com and cnn.com: one registered domain each, so two outlets in all
    harbour = make_article(HARBOUR, "Dock strike", "www.washingtonpost.com", "2025-03-03T08:00:00+00:00")
    ledger = make_article(LEDGER, "Strike", "washingtonpost.com", "2025-03-03T09:00:00+00:00")
    tide = make_article(TIDEWATER, "Strike at the docks", "edition.cnn.com", "2025-03-03T10:00:00+00:00")
    story = run([harbour, ledger, tide])
    assert story.independent_sources == 2
    assert all(f.independent_sources <= 2 for f in story.facts)
    assert fact_with(story, "hauliers").exclusive_to == "cnn.com"
    assert {f.exclusive_to for f in story.facts} - {None} <= {"washingtonpost.com", "cnn.com"}


def test_every_exclusive_is_kept_however_many_facts_a_story_has():
    items = [f"Inspectors counted crate number {n} of the {n * 7} spare crane parts at berth {n + 100}."
             for n in range(90)]
    long = make_article("\n\n".join(items), "Crane parts inventory", "Harbour Gazette", "2025-03-03T08:00:00+00:00")
    other = make_article(LEDGER, "Strike", "Coastal Ledger", "2025-03-03T09:00:00+00:00")
    story = run([long, other])
    kept = {m.text for f in story.facts for m in f.mentions}
    assert all(item in kept for item in items)  # 90 exclusives of one source, none cut
    assert sum(f.exclusive_to == "Harbour Gazette" for f in story.facts) >= 90


def _aligned(texts_by_article: list[str], emb: np.ndarray, settings: AnalyzeSettings):
    """Align one sentence per article with hand-made unit vectors (cosine scorer: no model on the knife-edge)."""
    articles = [make_article(t, f"t{k}", f"site{k}.example", "2025-03-03T08:00:00+00:00")
                for k, t in enumerate(texts_by_article)]
    sentences = {a.id: [Sentence(a.id, 0, a.text)] for a in articles}
    groups = {a.id: a.id for a in articles}
    units = _units(articles, sentences, groups, settings)
    nodes, _texts = make_nodes(units)
    nodes.emb = emb.astype(np.float32)
    clusters, _pairs, scored = align_facts(units, nodes, settings)
    return clusters, units, articles, groups, scored


def test_a_fact_cannot_chain_two_statements_through_a_middle_sentence():
    # a ~ b and b ~ c (cosine 0.81), but a and c are different statements (cosine 0.30)
    theta = math.acos(0.30)
    a = np.array([1.0, 0.0])
    c = np.array([math.cos(theta), math.sin(theta)])
    b = (a + c) / np.linalg.norm(a + c)
    settings = AnalyzeSettings(fact_weights=())
    texts = ["The ministry delivered the written answer on Wednesday afternoon.",
             "The written answer, delivered Wednesday, stresses the country's sovereignty.",
             "The minister stressed that the country's sovereignty is not negotiable."]
    clusters, units, *_ = _aligned(texts, np.stack([a, b, c]), settings)
    assert all(len(m) <= 2 for m in clusters)
    for members in clusters:
        texts_in = {units[k].text for k in members}
        assert not {texts[0], texts[2]} <= texts_in


def test_the_shown_text_is_supported_by_every_other_mention_and_the_count_is_its_outlets():
    v = np.array([1.0, 0.0, 0.0])
    w = np.array([0.95, math.sqrt(1 - 0.95**2), 0.0])  # v.w = v.x = 0.95, w.x = 0.805
    x = np.array([0.95, -math.sqrt(1 - 0.95**2), 0.0])
    settings = AnalyzeSettings(fact_weights=())
    texts = ["We are open to dialogue and we prefer diplomacy, the minister said.",
             "The minister said they were open to dialogue and preferred diplomacy.",
             "Open to dialogue, preferring diplomacy: that is our line, said the minister."]
    clusters, units, articles, groups, _ = _aligned(texts, np.stack([v, w, x]), settings)
    facts = _build_facts(clusters, units, np.stack([v, w, x]), articles, groups, settings)
    shared = [f for f in facts if f.independent_sources > 1]
    assert len(shared) == 1
    fact = shared[0]
    assert fact.text == texts[0]  # the mention the other two are closest to
    assert fact.independent_sources == len({m.site for m in fact.mentions}) == 3


def test_a_quote_another_outlet_splits_in_two_sentences_is_no_exclusive():
    """One outlet gives a quote in one sentence, another splits the same words in two around its attribution: no
    single pair of sentences is close enough (the hashing encoder, deterministic on every CPU, with its threshold
    raised to 0.78: each half scores 0.65-0.68 against the whole quote), but the other outlet prints 20 of its 24
    words in runs of four; unrelated sentences stay exclusives."""
    gazette = make_article(
        "The harbour budget was defended at a packed meeting on Tuesday.\n\n"
        "\"The breakwater has been crumbling into the sea for forty years and the ferry pier floods at every spring "
        "tide,\" the mayor said.\n\n"
        "Fishermen in the hall applauded.",
        "Mayor defends budget", "Harbour Gazette", "2025-03-10T08:00:00+00:00",
    )
    ledger = make_article(
        "Hundreds of residents came to the town hall on Tuesday.\n\n"
        "\"The breakwater has been crumbling into the sea for forty years,\" she told the meeting.\n\n"
        "\"And the ferry pier floods at every spring tide.\"\n\n"
        "The budget goes to a second vote in April.",
        "Harbour budget defended", "Coastal Ledger", "2025-03-10T09:00:00+00:00",
    )
    with using_encoder(HashingEncoder()):
        split = run([gazette, ledger], AnalyzeSettings(fact_similarity_lexical=0.78))
        unmatched = run([gazette, ledger], AnalyzeSettings(fact_similarity_lexical=0.78, exclusive_copy_ngram=0))
    assert fact_with(unmatched, "spring tide,").exclusive_to == "Harbour Gazette"  # no single sentence echoes it
    quote = fact_with(split, "spring tide,")
    assert quote.exclusive_to is None and quote.echoed_by == [ledger.id]
    assert fact_with(split, "applauded").exclusive_to == "Harbour Gazette"
    assert fact_with(split, "second vote").exclusive_to == "Coastal Ledger"
    assert fact_with(split, "Hundreds of residents").exclusive_to == "Coastal Ledger"
    assert fact_with(split, "she told the meeting").exclusive_to is None  # the Ledger's halves are the Gazette's too


def _one_sentence_sources(texts: list[str], vectors: list[np.ndarray], settings: AnalyzeSettings, echo_cosine: float):
    """Facts of one-sentence articles of three sites whose sentence vectors are given, with the echoes found (by the
    model, and by ``echo_cosine``)."""
    articles = [make_article(t, f"t{k}", f"site{k}.example", "2025-03-03T08:00:00+00:00") for k, t in enumerate(texts)]
    sentences = {x.id: [Sentence(x.id, 0, x.text)] for x in articles}
    groups = {x.id: x.id for x in articles}
    units = _units(articles, sentences, groups, settings)
    nodes, _ = make_nodes(units)
    emb = np.stack(vectors).astype(np.float32)
    nodes.emb = emb
    clusters, pairs, echoes = align_facts(units, nodes, settings)
    echoed = _echoed_units(units, nodes, echoes, pairs, echo_cosine)
    facts = _build_facts(clusters, units, emb, articles, groups, settings, echoed)
    return articles, {f.text: f for f in facts}, echoes, echoed


def test_a_sentence_another_source_comes_close_to_is_no_exclusive_and_names_who_comes_close():
    # the model reads the cosine alone here (probability = sigmoid(10 cos - 8)), so no score sits on an edge:
    # a.b = 0.885 -> 0.70, under fact_probability 0.8 but over exclusive_echo_probability 0.6; c is far from both
    settings = AnalyzeSettings(fact_weights=(10.0,) + (0.0,) * (len(FACT_FEATURES) - 1), fact_bias=-8.0)
    assert settings.exclusive_echo_probability < 0.70 < settings.fact_probability
    vectors = [np.array([1.0, 0.0, 0.0]), np.array([0.885, math.sqrt(1 - 0.885**2), 0.0]),
               np.array([0.1, 0.0, math.sqrt(1 - 0.1**2)])]
    texts = ["The council approved the harbour budget on Tuesday night.",
             "Harbour spending passed the assembly late in the evening.",
             "Ferry fares will rise by a fifth from May."]
    articles, by_text, _, _ = _one_sentence_sources(texts, vectors, settings, echo_cosine=1.0)
    assert all(f.independent_sources == 1 for f in by_text.values())  # no fact is shared: 0.70 is not the same fact
    assert by_text[texts[0]].exclusive_to is None and by_text[texts[0]].echoed_by == [articles[1].id]
    assert by_text[texts[1]].exclusive_to is None and by_text[texts[1]].echoed_by == [articles[0].id]
    assert by_text[texts[2]].exclusive_to == "site2.example" and by_text[texts[2]].echoed_by == []


def test_a_sentence_another_source_says_nearly_alike_is_no_exclusive_whatever_the_model_says():
    # the model here scores every pair 0.12 (bias only): no echo by probability; a.b = 0.8 is over
    # exclusive_echo_cosine (0.7), c is far from both
    settings = AnalyzeSettings(fact_weights=(0.0,) * len(FACT_FEATURES), fact_bias=-2.0)
    assert settings.exclusive_echo_cosine < 0.8
    vectors = [np.array([1.0, 0.0, 0.0]), np.array([0.8, 0.6, 0.0]), np.array([0.1, 0.0, math.sqrt(1 - 0.1**2)])]
    texts = ["The assembly approved a vast plan for harbour research on Tuesday.",
             "Lawmakers passed the harbour science bill in a late vote.",
             "Ferry fares will rise by a fifth from May."]
    articles, by_text, echoes, _ = _one_sentence_sources(texts, vectors, settings, settings.exclusive_echo_cosine)
    assert not echoes
    assert by_text[texts[0]].exclusive_to is None and by_text[texts[0]].echoed_by == [articles[1].id]
    assert by_text[texts[2]].exclusive_to == "site2.example"
    _, _, _, off = _one_sentence_sources(texts, vectors, settings, echo_cosine=1.0)  # 1 turns the rule off
    assert not off


def test_a_fact_is_shown_without_its_dateline_or_lead_in_label_and_its_mention_stays_verbatim():
    a = make_article("MARROWBY, March 3 (Coastal Wire) - The harbour board closed the fish market for the day.\n\n"
                     "Why it matters: The market supplies most of the county's restaurants.",
                     "A", "coastalwire.example", "2025-03-03T08:00:00+00:00")
    b = make_article(LEDGER, "B", "ledger.example", "2025-03-03T09:00:00+00:00")
    story = run([a, b])
    texts = {f.text for f in story.facts}
    assert "The harbour board closed the fish market for the day." in texts
    assert "The market supplies most of the county's restaurants." in texts
    mentions = {m.text for f in story.facts for m in f.mentions}
    assert "Why it matters: The market supplies most of the county's restaurants." in mentions


def test_one_outlets_pages_count_once():
    furniture = "The harbour board will publish the full inspection report next week, officials said."
    first = make_article(furniture + "\n\nThe first page.", "A", "News Site", "2025-03-03T08:00:00+00:00")
    second = make_article(furniture + "\n\nThe second page.", "B", "news site", "2025-03-03T09:00:00+00:00")
    story = run([first, second])
    fact = fact_with(story, "full inspection report")
    assert len(fact.mentions) == 2
    assert fact.independent_sources == 1


def test_page_furniture_is_never_a_fact():
    gallery = "Hide Caption 24 of 25 Photos"
    a = make_article(f"{gallery}\n\n{HARBOUR}", "A", "Harbour Gazette", "2025-03-03T08:00:00+00:00")
    b = make_article(f"{gallery}\n\n{LEDGER}", "B", "Coastal Ledger", "2025-03-03T09:00:00+00:00")
    story = run([a, b])
    assert not any("Caption" in m.text for f in story.facts for m in f.mentions)


@pytest.mark.parametrize(
    ("first", "second", "one_fact"),
    [
        ("The Marrowby port authority is expected to reopen the north docks on Monday, officials said.",
         "The Marrowby port authority reopened the north docks on Monday, officials said.", False),
        ("The Marrowby port authority is set to reopen the north docks on Monday, officials said.",
         "The Marrowby port authority will reopen the north docks on Monday, officials said.", True),
        ("The Marrowby port authority is expected by next week to reopen the north docks, officials said.",
         "The Marrowby port authority reopened the north docks on Monday, officials said.", False),
    ],
)
def test_an_expected_act_is_another_fact_than_the_act(first: str, second: str, one_fact: bool):
    from tidings.analyze import expectation_vs_act

    assert expectation_vs_act(first, second) is not one_fact
    a = make_article(f"{first}\n\n{HARBOUR}", "A", "Harbour Gazette", "2025-03-03T08:00:00+00:00")
    b = make_article(f"{second}\n\n{LEDGER}", "B", "Coastal Ledger", "2025-03-03T09:00:00+00:00")
    story = run([a, b])
    docks = [f for f in story.facts if "north docks" in f.text]
    assert [len(f.article_ids) for f in docks] == ([2] if one_fact else [1, 1])


def test_a_question_is_never_a_fact():
    question = "So what does the new harbour rule mean for the crews on the night shift?"
    a = make_article(f"{HARBOUR}\n\n{question}", "A", "Harbour Gazette", "2025-03-03T08:00:00+00:00")
    b = make_article(LEDGER, "B", "Coastal Ledger", "2025-03-03T09:00:00+00:00")
    story = run([a, b])
    assert story.facts
    assert not any("?" in m.text for f in story.facts for m in f.mentions)


def test_a_list_heading_is_never_a_fact():
    heading = "The new harbour rule applies to these crews on the night shift:"
    a = make_article(f"{HARBOUR}\n\n{heading}", "A", "Harbour Gazette", "2025-03-03T08:00:00+00:00")
    b = make_article(f"{LEDGER}\n\n{heading}", "B", "Coastal Ledger", "2025-03-03T09:00:00+00:00")
    story = run([a, b])
    assert story.facts
    assert not any(m.text.endswith(":") for f in story.facts for m in f.mentions)


def test_fact_mentions_carry_article_site_and_sentence(strike):
    story, articles = strike
    data = story.to_dict()
    by_id = {a.id: a for a in articles}
    for fact in data["facts"]:
        for m in fact["mentions"]:
            assert set(m) >= {"article_id", "site", "text"}
            assert m["site"] == by_id[m["article_id"]].site
            assert m["text"] in by_id[m["article_id"]].text
    assert Story.from_dict(data).facts[0].mentions == story.facts[0].mentions


# -- conflicts ----------------------------------------------------------------------------------------------------


def test_conflicting_worker_counts_on_the_same_fact(strike):
    story, articles = strike
    workers = [c for c in story.conflicts if "dockworker" in c.about]
    assert len(workers) == 1
    claims = {c.article_id: c.value for c in workers[0].claims}
    assert claims[articles[0].id] == "About 3,200 dockworkers"
    assert claims[articles[1].id] == "Some 4,000 dockworkers"
    for claim in workers[0].claims:
        assert claim.value in claim.text


def test_no_conflict_between_figures_of_different_facts(strike):
    story, _ = strike
    # 40 ships waiting vs 900 ships handled last year: the same noun, different things. Forty = 40: agreement.
    assert not [c for c in story.conflicts if "ship" in c.about]
    assert len(story.conflicts) == 1


def test_exact_worker_counts_conflict_and_equal_ones_do_not():
    base = "{n} workers at the Penhallow mill stopped work on Tuesday over unpaid overtime."
    one = make_article(base.format(n="3,200"), "Mill strike", "Mill News", "2025-01-01T08:00:00+00:00")
    two = make_article(base.format(n="4,000"), "Mill stoppage", "Valley Wire", "2025-01-01T09:00:00+00:00")
    same = make_article(base.format(n="3,200"), "Mill walkout", "Town Crier", "2025-01-01T10:00:00+00:00")
    story = run([one, two, same])
    assert [c.about for c in story.conflicts] == ["workers"]
    assert sorted(c.value for c in story.conflicts[0].claims) == ["3,200 workers", "3,200 workers", "4,000 workers"]
    assert not run([one, same]).conflicts


def test_qualified_figures_that_agree_are_not_a_conflict():
    a = make_article(
        "More than 100,000 troops are massed along the northern border, officials said.",
        "Border",
        "North Desk",
        "2025-01-01T08:00:00+00:00",
    )
    b = make_article(
        "About 127,000 troops are massed along the northern border, officials said.",
        "Troops",
        "South Desk",
        "2025-01-01T09:00:00+00:00",
    )
    assert not run([a, b]).conflicts


def test_different_quantities_in_different_sentences_are_not_a_conflict():
    a = make_article(
        "The ministry put 8,500 soldiers on heightened alert on Sunday.",
        "Alert",
        "North Desk",
        "2025-01-01T08:00:00+00:00",
    )
    b = make_article(
        "Satellite images show 100,000 troops gathered near the border.",
        "Buildup",
        "South Desk",
        "2025-01-01T09:00:00+00:00",
    )
    assert not run([a, b]).conflicts


def test_conflicting_weekdays_in_one_fact():
    a = make_article(
        "The Varden bridge reopened to traffic on Tuesday after six months of repairs.",
        "Bridge",
        "North Desk",
        "2025-01-01T08:00:00+00:00",
    )
    b = make_article(
        "The Varden bridge reopened to traffic on Wednesday after six months of repairs.",
        "Bridge",
        "South Desk",
        "2025-01-01T09:00:00+00:00",
    )
    conflicts = run([a, b]).conflicts
    assert [c.about for c in conflicts] == ["date"]
    assert sorted(c.value for c in conflicts[0].claims) == ["tuesday", "wednesday"]


# -- figures ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("use_spacy", [True, False])
@pytest.mark.parametrize(
    ("sentence", "text", "value", "unit", "counts"),
    [
        ("The convoy carried 283 tons of ammunition.", "283 tons of ammunition", 283, "tons", "ammunition"),
        ("Parliament approved $200 million in aid.", "$200 million in aid", 200_000_000, "USD", "aid"),
        ("Officials counted more than 100,000 troops.", "more than 100,000 troops", 100_000, "troops", "troops"),
        ("The army put 8,500 American soldiers on alert.", "8,500 American soldiers", 8500, "soldiers", "soldiers"),
        ("Turnout fell to 42.5 percent.", "42.5 percent", 42.5, "percent", None),
        ("Eight Marines were hurt.", "Eight Marines", 8, "marines", "Marines"),
        ("It took three shipments to clear the backlog.", "three shipments", 3, "shipments", "shipments"),
        ("The fund lost £1.2bn last year.", "£1.2bn", 1_200_000_000, "GBP", None),
        ("The port lost 200 jobs last month.", "200 jobs", 200, "jobs", "jobs"),
        ("Police arrested 40 people last night.", "40 people", 40, "people", "people"),
        ("It released 420 cubic metres of water per second.", "420 cubic metres of water", 420, "cubic m", "water"),
        ("The flood covered 12 square miles.", "12 square miles", 12, "square miles", None),
        ("The bank cut rates by 50 basis points.", "50 basis points", 50, "basis points", None),
    ],
)
def test_figures_are_parsed(sentence, text, value, unit, counts, use_spacy):
    nlp = get_nlp() if use_spacy else None
    if use_spacy and nlp is None:
        pytest.skip("spaCy model not installed")
    figures = extract_figures(sentence, read_sentences([sentence])[0] if nlp else None)
    assert len(figures) == 1
    fig = figures[0]
    assert (fig.text, fig.value, fig.unit, fig.counts) == (text, value, unit, counts)


@pytest.mark.parametrize(
    "sentence",
    [
        "The talks began on January 26, 2022, in Geneva.",
        "The 62-year-old mayor was re-elected in 2019.",
        "She spoke at 10 a.m. about COVID-19.",
        "The law has been in force for 30 years.",
        "Work on the Varden 2 pipeline stopped.",
    ],
)
def test_dates_ages_and_names_are_not_figures(sentence):
    assert extract_figures(sentence, None) == []
    nlp = get_nlp()
    if nlp is not None:
        assert extract_figures(sentence, read_sentences([sentence])[0]) == []


def test_story_figures_merge_the_same_figure_across_articles(strike):
    story, articles = strike
    ships = [f for f in story.figures if f.counts == "ships" and f.value == 40]
    assert len(ships) == 1
    assert {articles[0].id, articles[1].id} <= set(ships[0].article_ids)
    market = [f for f in story.figures if f.unit == "USD"]
    assert market and market[0].value == 85_000_000 and market[0].sentence and "$85 million" in market[0].sentence


def test_one_figure_once_whatever_each_source_calls_it():
    def mentions(*items: tuple[str, str, int]):
        for article_id, sentence, fact in items:
            for fm in extract_figures(sentence, None):
                yield article_id, fm, fact

    figures = merge_figures(mentions(
        ("a1", "About 6,500 people were evacuated.", 0),
        ("a2", "Around 6,500 residents left their homes.", 1),  # another fact, but a large count: the same figure
        ("a1", "The level was 1.4 metres below the crest.", 2),
        ("a2", "The reservoir came within 1.4 metres of its crest.", 3),  # the same measure, with what it is of
        ("a1", "By noon 47 vessels were waiting.", 4),
        ("a2", "By noon 47 ships were waiting.", 4),  # one fact: one figure
        ("a1", "The committee has two members.", 5),
        ("a2", "The talks brought two sides together.", 6),  # a small count in two facts: two things
    ))  # fmt: skip
    texts = {f.text: f for f in figures}
    assert texts["About 6,500 people"].aliases == ["Around 6,500 residents"]
    assert texts["About 6,500 people"].article_ids == ["a1", "a2"]
    assert texts["1.4 metres"].aliases == ["1.4 metres of its crest"]
    assert texts["47 vessels"].aliases == ["47 ships"]
    assert {"two members", "two sides"} <= set(texts)
    assert len(figures) == 5
    # the same small count in two facts stays two figures
    apart = merge_figures(mentions(("a1", "By noon 47 vessels were waiting.", 0), ("a2", "47 ships sailed.", 1)))
    assert len(apart) == 2


# -- quotes and entities ------------------------------------------------------------------------------------------


def test_entities_and_quote_speakers_are_canonical(strike):
    story, _ = strike
    names = {e.name for e in story.entities}
    assert "Tessa Hollin" in names
    quotes = [q for q in story.quotes if "fair offer" in q.text]
    assert quotes, "the direct quotation is found"
    assert {q.speaker for q in quotes} == {"Tessa Hollin"}  # 'Hollin said' resolved to the full name
    assert len(quotes) == 1  # the copy repeats the quote; it is kept once
    harbour, copy = story_articles = strike[1][0], strike[1][3]
    assert quotes[0].article_ids == [harbour.id, copy.id] and story_articles  # listing every article carrying it


# -- degraded mode ------------------------------------------------------------------------------------------------


def test_works_without_spacy_and_with_the_hashing_encoder(monkeypatch):
    monkeypatch.setenv("TIDINGS_NO_SPACY", "1")
    with using_encoder(HashingEncoder()):
        story = run(strike_articles())
    lead = fact_with(story, "walked off the job")
    assert lead.independent_sources >= 2
    assert any("dockworker" in c.about for c in story.conflicts)
    assert fact_with(story, "fish market").exclusive_to == "Harbour Gazette"


# -- corpus -------------------------------------------------------------------------------------------------------


def seed_articles(seeds_dir: Path) -> list[Article]:
    """Articles from the seed files, built simply: first line title, the rest text, file name as site."""
    articles = []
    for path in sorted(seeds_dir.glob("*.txt")):
        raw = normalize_text(path.read_text(encoding="utf-8"))
        title, _, body = raw.partition("\n")
        articles.append(Article(id=stable_id(path.name, prefix="a"), origin=str(path), title=title.strip(),
                                text=body.strip(), site=path.stem))  # fmt: skip
    return articles


@pytest.mark.corpus
def test_seed_story_facts_and_exclusives(seeds_dir: Path):
    articles = seed_articles(seeds_dir)
    story = run(articles)
    assert story.independent_sources == len(articles)
    shared = [f for f in story.facts if f.independent_sources >= 2]
    assert len(shared) >= 5
    for article in articles:
        assert any(f.exclusive_to == article.outlet for f in story.facts), article.site
    assert any(f.counts == "troops" and f.value == 100_000 for f in story.figures)


@pytest.mark.corpus
def test_seed_story_does_not_over_claim_corroboration(seeds_dir: Path):
    """The over-claims a reader found: a verbatim quote one outlet carries shown as '4 of 5 sources', and one
    outlet's 'absolutely confident in German solidarity' chained to other outlets' sentences about sovereignty."""
    story = run(seed_articles(seeds_dir))
    quote = fact_with(story, "seriousness of purpose")
    assert quote.independent_sources == len({m.article_id for m in quote.mentions})
    assert all("seriousness of purpose" in m.text for m in quote.mentions)
    solidarity = fact_with(story, "German solidarity")
    assert not any("sovereignty" in m.text for m in solidarity.mentions)
    for fact in story.facts:
        assert fact.independent_sources == len({m.site for m in fact.mentions})
        assert fact.text in {m.text for m in fact.mentions}
    for words in ("5,000 military helmets", "Nord Stream", "8,500", "Paris"):
        assert any(words in m.text for f in story.facts for m in f.mentions), words


def test_a_fact_another_outlet_echoes_in_other_words_is_no_exclusive():
    """A fact takes one sentence per article. When one outlet says a thing twice and another once, the second
    saying stays a one-source fact, but the other outlet reports it too: it is not 'only in' the first."""
    gazette = make_article(
        "The Marrowby council approved the new harbour budget on Monday.\n\n"
        "Harbour master Ines Caldo welcomed the vote.\n\n"
        "On Monday the harbour budget was approved by the town council, Caldo said.\n\n"
        "A brass band played outside the town hall during the vote.",
        "Council passes harbour budget",
        "Harbour Gazette",
        "2025-03-10T08:00:00+00:00",
    )
    ledger = make_article(
        "The town council of Marrowby approved the harbour budget on Monday.\n\n"
        "The budget pays for a new breakwater and two tugs.",
        "Harbour budget approved",
        "Coastal Ledger",
        "2025-03-10T09:00:00+00:00",
    )
    story = run([gazette, ledger])
    approved = [f for f in story.facts if any("approved" in m.text for m in f.mentions)]
    assert any(f.independent_sources == 2 for f in approved)
    assert all(f.exclusive_to is None for f in approved)  # the one-source saying is echoed by the Ledger
    assert fact_with(story, "brass band").exclusive_to == "Harbour Gazette"
    assert fact_with(story, "breakwater").exclusive_to == "Coastal Ledger"


def test_a_fact_is_shown_by_a_mention_that_reads_whole():
    # The Gazette, first, lost the closing quotation mark; the Ledger's whole version of the same sentence is shown.
    gazette = make_article(
        'The port authority called its offer of a 4 percent raise "final and generous, its chairman told reporters.'
        "\n\nAbout 3,200 dockworkers walked off the job at the port of Marrowby on Monday.",
        "Marrowby offer final",
        "Harbour Gazette",
        "2025-03-03T08:00:00+00:00",
    )
    ledger = make_article(
        "Some 4,000 dockworkers walked off the job at Marrowby port on Monday to demand higher pay.\n\n"
        'The port authority called its offer of a 4 percent raise "final and generous," its chairman told reporters.',
        "Marrowby strike",
        "Coastal Ledger",
        "2025-03-03T09:00:00+00:00",
    )
    offer = fact_with(run([gazette, ledger]), "final and generous")
    assert {m.article_id for m in offer.mentions} == {gazette.id, ledger.id}
    assert offer.text == next(m.text for m in offer.mentions if m.article_id == ledger.id)
    assert offer.text.count('"') == 2


def _pair(first: str, second: str) -> list[Article]:
    return [
        make_article(first, "Marrowby", "North Desk", "2025-01-01T08:00:00+00:00"),
        make_article(second, "Marrowby", "South Desk", "2025-01-01T09:00:00+00:00"),
    ]


def test_the_same_event_dated_differently_is_a_conflict_in_active_and_passive():
    story = run(
        _pair(
            "The port authority on Tuesday ordered the Marrowby cranes shut for safety checks.",
            "The Marrowby cranes were ordered shut for safety checks on Wednesday by the port authority.",
        )
    )
    assert len(story.facts[0].article_ids) == 2
    assert [sorted(x.value for x in c.claims) for c in story.conflicts] == [["tuesday", "wednesday"]]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # statements made on different days
        (
            "Port chief Tessa Hollin said on Tuesday that the Marrowby strike would end soon.",
            "Port chief Tessa Hollin said on Wednesday that the Marrowby strike would end soon.",
        ),
        # a weekday that names a deadline, not when something happened
        (
            "Marrowby dockworkers face a Friday deadline to accept the port authority's offer.",
            "Marrowby dockworkers must accept the port authority's offer, officials said on Monday.",
        ),
    ],
)
def test_dates_of_statements_or_deadlines_are_no_conflict(first: str, second: str):
    story = run(_pair(first, second))
    assert len(story.facts[0].article_ids) == 2  # one fact, so their dates were compared
    assert not [c for c in story.conflicts if c.about == "date"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # the same verb, different things done: two events
        (
            "Marrowby councillors passed the budget on Tuesday after a long debate on the dock strike and the port.",
            "Marrowby councillors passed a strike levy on Wednesday after a long debate on the dock strike and the"
            " port.",
        ),
        # the date goes with the finite verb, not with the purpose after 'to': the plan's unveiling and its vote
        (
            "Marrowby councillors unveiled a plan on Monday to close the old Marrowby dock for repairs.",
            "Marrowby councillors on Wednesday approved a plan to close the old Marrowby dock for repairs.",
        ),
    ],
)
def test_two_acts_dated_on_two_days_are_two_facts_and_no_conflict(first: str, second: str):
    story = run(_pair(first, second))
    assert all(len(f.article_ids) == 1 for f in story.facts)
    assert not [c for c in story.conflicts if c.about == "date"]


@pytest.mark.parametrize(
    "expected",
    [
        "Economists had been expecting 4,000 jobs in March from Marrowby employers, the statistics office said.",
        "Marrowby employers set a goal of 4,000 jobs in March, the statistics office said.",
    ],
)
def test_an_expected_figure_is_no_conflict_with_the_reported_one(expected: str):
    reported = "Marrowby employers added 3,200 jobs in March, the statistics office said."
    # An expectation and a result may be one fact or two alike ones (the same-fact model reads a figure given on
    # one side only as another statement): either way their counted figures are compared (in one fact, or as alike
    # sentences of different facts), as another reported count shows.
    assert [c.about for c in run(_pair(reported, reported.replace("3,200", "4,000"))).conflicts] == ["jobs"]
    assert not run(_pair(reported, expected)).conflicts


def test_conflicts_sharing_a_claim_are_one_conflict():
    a = Claim("a1", "Some 3,200 workers struck.", "3,200 workers")
    b = Claim("a2", "Some 4,000 workers struck.", "4,000 workers")
    c = Claim("a3", "About 5,000 workers struck.", "5,000 workers")
    other = Conflict("ships", [Claim("a1", "40 ships wait.", "40 ships"), Claim("a2", "60 ships wait.", "60 ships")])
    pairs = [Conflict("workers", [a, b]), other, Conflict("workers", [b, c]), Conflict("workers", [a, c])]
    merged = merge_conflicts(pairs)
    assert [(m.about, [x.value for x in m.claims]) for m in merged] == [
        ("workers", ["3,200 workers", "4,000 workers", "5,000 workers"]),
        ("ships", ["40 ships", "60 ships"]),
    ]


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # amounts of the same thing
        (
            "The Marrowby council approved a $2 million harbour budget on Tuesday after a long debate.",
            "The Marrowby council approved a $2.5 million harbour budget on Tuesday after a long debate.",
            [["$2 million", "$2.5 million"]],
        ),
        # amounts of two things: a budget and a car park (the sentences are otherwise one fact, cosine ~0.92, far
        # from the fact threshold, so that the figures are compared on any CPU)
        (
            "The Marrowby council approved the new ferry timetable and a $2 million harbour budget on Tuesday after a "
            "long debate.",
            "The Marrowby council approved the new ferry timetable and a $5 million parking scheme on Tuesday after "
            "a long debate.",
            [],
        ),
        # a rate is no count
        (
            "Marrowby recorded 52 births per 1,000 women last year, a record low, the statistics office said.",
            "Marrowby recorded 3,400 births last year, a record low, the statistics office said.",
            [],
        ),
    ],
)
def test_amounts_conflict_only_when_they_are_of_the_same_thing(first: str, second: str, expected: list[list[str]]):
    story = run(_pair(first, second))
    assert len(story.facts[0].article_ids) == 2  # one fact, so the figures were compared
    assert [sorted(x.value for x in c.claims) for c in story.conflicts] == expected
    assert all(c.about == "harbour budget (USD)" for c in story.conflicts)  # what the amounts are of


def test_disagreements_are_not_merged_when_an_article_would_give_two_values():
    july = Claim("a1", "Employers added 943,000 jobs in July.", "943,000 jobs")
    august = Claim("a2", "Employers added 235,000 jobs last month.", "235,000 jobs")
    revised = Claim("a2", "July saw more than 1 million jobs, after revision.", "more than 1 million jobs")
    merged = merge_conflicts([Conflict("jobs", [july, august]), Conflict("jobs", [july, revised])])
    assert [[x.value for x in m.claims] for m in merged] == [
        ["943,000 jobs", "235,000 jobs"],
        ["943,000 jobs", "more than 1 million jobs"],
    ]


def test_a_sentence_cut_off_by_its_source_is_no_exclusive():
    teaser = make_article(
        "About 3,200 dockworkers walked off the job at the port of Marrowby on Monday.\n\n"
        "The port authority said it would meet the union leaders on...",
        "Marrowby strike",
        "Harbour Gazette",
        "2025-03-03T08:00:00+00:00",
    )
    other = make_article(
        "Some 4,000 dockworkers walked off the job at Marrowby port on Monday to demand higher pay.",
        "Marrowby strike",
        "Coastal Ledger",
        "2025-03-03T09:00:00+00:00",
    )
    story = run([teaser, other])
    assert [f.independent_sources for f in story.facts] == [2]
    assert not any("union leaders" in m.text for f in story.facts for m in f.mentions)


def test_fact_features_tell_whether_two_sentences_report_the_same_act() -> None:
    """The act features read verbs and counted numbers by rules (no tagger): one feature per name, and two
    sentences about one plan that report different acts (released vs passed) share no verb."""
    from tidings.analyze import FACT_FEATURES, _acts, _counted, fact_features
    from tidings.text import words

    released = "Democrats on Tuesday released the $3.5 trillion spending plan for 1,200 schools."
    passed = "The Senate passed the $3.5 trillion spending plan on Tuesday."
    unveiled = "Senate Democrats unveiled the $3.5 trillion plan late Tuesday, officials said."
    verbs, subject = _acts(words(released))
    assert verbs == {"releas"} and subject == {"democrat", "tuesday"}
    assert _acts(words("Lawmakers will vote to approve the bill, he said."))[0] == {"vot", "approv"}
    assert _counted(released) == {("3.5", "spend"), ("1200", "school")}
    features = dict(zip(FACT_FEATURES, fact_features(0.8, released, passed, frozenset(), frozenset()), strict=True))
    assert features["no shared verb"] == 1.0 and features["verb jaccard"] == 0.0
    assert features["counted numbers share"] == 1.0
    again = dict(zip(FACT_FEATURES, fact_features(0.8, released, released, frozenset(), frozenset()), strict=True))
    assert again["no shared verb"] == 0.0 and again["verb jaccard"] == 1.0 and again["subject jaccard"] == 1.0
    other = dict(zip(FACT_FEATURES, fact_features(0.8, unveiled, passed, frozenset(), frozenset()), strict=True))
    assert other["counted numbers share"] == 0.0  # '3.5 plan' vs '3.5 spending': the numbers count other words


@pytest.mark.parametrize(
    ("a", "b", "common", "edits"),
    [
        ("the senate passed the bill", "the senate passed the bill", 5, 0),
        ("the senate passed the bill", "the house passed the bill", 4, 1),  # one word replaced
        ("the senate passed the bill", "the bill the senate passed", 3, 4),  # reordered
        ("the senate passed the bill", "", 0, 5),
        ("a b a b c", "b a b a", 3, 2),
    ],
)
def test_word_subsequence_and_edit_distance(a: str, b: str, common: int, edits: int) -> None:
    """The bit-parallel longest common subsequence and word edit distance (what the MT-metric features read)."""
    from tidings.analyze import common_subsequence, edit_distance

    ta, tb = a.split(), b.split()
    assert common_subsequence(ta, tb) == common_subsequence(tb, ta) == common
    assert edit_distance(ta, tb) == edit_distance(tb, ta) == edits


def test_a_negated_sentence_or_another_figure_is_not_the_same_fact() -> None:
    """At the same cosine, a sentence that negates the other, or gives another figure instead of the same one,
    scores lower than a rewording that keeps both; the features say why (fixed cosine: no model in the test)."""
    from tidings.analyze import FACT_FEATURES, fact_features, fact_probability

    settings = AnalyzeSettings()
    said = "The council approved 120 new homes on the river site on Tuesday."
    reworded = "On Tuesday the council approved 120 new homes on the river site."
    negated = "The council did not approve 120 new homes on the river site on Tuesday."
    other_figure = "The council approved 450 new homes on the river site on Tuesday."

    def features(text: str) -> dict[str, float]:
        return dict(zip(FACT_FEATURES, fact_features(0.9, said, text, frozenset(), frozenset()), strict=True))

    assert features(negated)["negation differs"] == 1.0 and features(reworded)["negation differs"] == 0.0
    assert features(other_figure)["no shared number"] == 1.0 and features(other_figure)["same numbers"] == 0.0
    assert features(reworded)["no shared number"] == 0.0 and features(reworded)["same numbers"] == 1.0
    assert features(reworded)["word edit distance"] > 0 and features(reworded)["common subsequence of the shorter"] < 1

    def probability(text: str) -> float:
        return fact_probability(fact_features(0.9, said, text, frozenset(), frozenset()), settings)

    assert probability(said) > probability(negated)
    assert probability(said) > probability(other_figure)


# -- bounded cost of a big story ------------------------------------------------------------------------------------
def _member(n: int, site: str, day: int, copy_of: str | None = None) -> Article:
    return Article(id=f"m{n:03d}", origin="o", title=f"t{n}", text="", site=site, published=f"2026-03-{day:02d}",
                   copy_of=copy_of)


def test_a_big_story_briefing_reads_originals_from_every_outlet_newest_first():
    from tidings.analyze import briefing_articles

    story = [_member(n, f"site{n % 3}.example", 1 + n) for n in range(9)]  # three outlets, three articles each
    story += [_member(9, "wire.example", 28, copy_of="m000"), _member(10, "loner.example", 2)]
    assert briefing_articles(story, 20) == story  # under the cap: every article, in the story's order
    chosen = briefing_articles(story, 5)
    assert [a.id for a in chosen] == ["m005", "m006", "m007", "m008", "m010"]  # in the story's order
    # each of the four outlets' newest original once before any outlet's second; the copy last
    assert {a.site for a in chosen} == {"site0.example", "site1.example", "site2.example", "loner.example"}
    assert [a.id for a in briefing_articles(list(reversed(story)), 5)] == ["m010", "m008", "m007", "m006", "m005"]


def test_alike_sentences_bring_at_most_the_capped_number_of_candidate_pairs():
    from tidings.analyze import _candidate_pairs

    rng = np.random.default_rng(0)
    base = rng.normal(size=16)
    emb = base + 0.05 * rng.normal(size=(60, 16))  # sixty near-identical sentences: 1,770 pairs above any floor
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    every = _candidate_pairs(emb.astype(np.float32), 0.45, 7, max_neighbours=100)
    assert len(every) == 60 * 59 // 2 and every == sorted(every)
    capped = _candidate_pairs(emb.astype(np.float32), 0.45, 7, max_neighbours=5)
    assert len(capped) <= 60 * 5 and set(capped) <= set(every)
    degree = np.bincount([i for p in capped for i in p[:2]], minlength=60)
    assert degree.min() >= 5  # each sentence keeps its five most similar


def test_a_story_over_the_article_cap_lists_every_article_and_reads_the_chosen(tmp_path, db):
    from tidings.pipeline import Pipeline
    from tidings.settings import Settings

    rows = [{"title": f"Gullholm ferry strike, day {n}", "site": f"outlet{n % 4}.example", "story": "ferry",
             "published": f"2026-03-{1 + n:02d}", "text": f"Ferry workers in Gullholm struck on day {n} of the "
             f"dispute over pay.\n\nHarbourmaster Ivo Lenk said {100 + n} workers had joined the strike."}
            for n in range(12)]  # fmt: skip
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    settings = Settings()
    settings.analyze.max_story_articles = 5
    [story] = Pipeline(settings, db=db).run([str(src)], group_by="story").stories
    assert len(story.article_ids) == len(story.timeline) == 12 and story.independent_sources == 4  # outlets
    assert story.first_seen == "2026-03-01" and story.last_seen == "2026-03-12"
    cited = {i for f in story.facts for i in f.article_ids} | {i for s in story.summary for i in s.article_ids}
    newest = {t.article_id for t in story.timeline[-5:]}  # four outlets' newest, then outlet 3's second newest
    assert cited and cited <= newest


def test_advice_to_the_reader_is_no_fact():
    a = make_article(HARBOUR, "Dock strike", "Harbour Gazette", "2025-03-03T08:00:00+00:00")
    b = make_article(f"{TIDEWATER}\n\nDon't travel to Marrowby port until the strike is over.", "Strike at the docks",
                     "Tidewater Times", "2025-03-03T09:00:00+00:00")
    story = run([a, b])
    assert not any("Don't travel" in m.text for f in story.facts for m in f.mentions)
