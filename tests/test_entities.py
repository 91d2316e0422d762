"""Entities of a story merged across spellings (hand-written articles; the seeds are read at run time)."""

from __future__ import annotations

from array import array
from collections import Counter
from pathlib import Path

import pytest

from tidings.entities import (
    _merge,
    _retyped,
    canonical_name,
    extract_entities,
    name_tokens,
    recognize,
    skeleton,
)
from tidings.model import Article, Entity, EntSpan, Reading
from tidings.settings import AnalyzeSettings
from tidings.text import normalize_text


def story(*texts: str) -> list[Entity]:
    articles = [Article(id=f"a{i}", origin="test", title=None, text=t) for i, t in enumerate(texts, 1)]
    return extract_entities(articles, {})


def entity(entities: list[Entity], name: str) -> Entity:
    [found] = [e for e in entities if e.name == name or name in e.aliases]
    return found


def test_transliteration_variants_merge() -> None:
    ents = story(
        "Russian Foreign Minister Sergei Lavrov flew to Kyiv on Monday.",
        "Foreign Minister Sergey Lavrov arrived in Kiev late on Monday. Lavrov met officials there.",
        "President Volodymyr Zelensky met the delegation. Mr Zelenskyy said talks would go on.",
        "The mediators were thanked by Zelenskiy on Tuesday.",
    )
    lavrov = entity(ents, "Lavrov")
    assert lavrov.type == "PERSON"
    assert lavrov.name in ("Sergei Lavrov", "Sergey Lavrov")
    assert {"Sergei Lavrov", "Sergey Lavrov", "Lavrov"} == {lavrov.name, *lavrov.aliases}
    assert lavrov.article_ids == ["a1", "a2"]
    assert lavrov.mentions == 3
    kyiv = entity(ents, "Kyiv")
    assert {kyiv.name, *kyiv.aliases} == {"Kyiv", "Kiev"}
    zelensky = entity(ents, "Zelenskyy")
    assert zelensky.name == "Volodymyr Zelensky"  # the most complete form
    assert {"Zelenskyy", "Zelenskiy"} <= set(zelensky.aliases)


def test_case_titles_and_acronyms_merge() -> None:
    ents = story(
        "The North Atlantic Treaty Organization (NATO) answered on Friday. Secretary of State Antony Blinken spoke.",
        "Nato allies met in Brussels. Mr Blinken said NATO was united.",
    )
    nato = entity(ents, "NATO")
    assert nato.type == "ORG"
    assert {nato.name, *nato.aliases} == {"NATO", "Nato", "North Atlantic Treaty Organization"}
    blinken = entity(ents, "Blinken")
    assert blinken.name == "Antony Blinken"
    assert canonical_name("Mr Blinken", ents) == "Antony Blinken"
    assert canonical_name("Secretary of State Antony Blinken", ents) == "Antony Blinken"


def test_entities_are_sorted_by_articles_then_mentions() -> None:
    ents = story(
        "Talks in Oslo ended. Oslo was quiet. Oslo slept. Marta Keller left.",
        "Marta Keller flew home from Oslo.",
        "Marta Keller spoke to reporters.",
    )
    names = [e.name for e in ents]
    assert names.index("Marta Keller") < names.index("Oslo")  # 3 articles before 2
    keller = entity(ents, "Marta Keller")
    assert (keller.article_ids, keller.mentions) == (["a1", "a2", "a3"], 3)


def test_similar_names_of_different_things_stay_apart() -> None:
    ents = story(
        "Austria and Australia signed a trade deal. Iran and Iraq sent observers.",
        "German officials said Germany would host the next round in Austria.",
    )
    names = {e.name for e in ents}
    assert {"Austria", "Australia", "Iran", "Iraq"} <= names
    assert entity(ents, "Germany") is not entity(ents, "German")


def test_type_vote_fixes_a_mistagged_mention_and_surnames_join_full_names() -> None:
    mentions = [
        ("Antony Blinken", "PERSON", "a1"),
        ("Blinken", "PERSON", "a1"),
        ("Blinken", "GPE", "a2"),  # the tagger's mistake
        ("Blinken", "PERSON", "a3"),
        ("Washington", "GPE", "a1"),
        ("Washington", "GPE", "a2"),
        ("George Washington", "PERSON", "a3"),
    ]
    groups = _merge(mentions, [], AnalyzeSettings())
    by_forms = {frozenset(g.surfaces): g for g in groups}
    blinken = by_forms[frozenset({"Antony Blinken", "Blinken"})]
    assert blinken.label == "PERSON"
    assert blinken.article_ids == {"a1", "a2", "a3"}
    assert by_forms[frozenset({"Washington"})].label == "GPE"  # the city is not the person


def test_a_surname_that_joins_a_full_name_is_that_person_whatever_its_tags() -> None:
    # 'the Trump administration', 'Trump Tower': the tagger says ORG for the surname more often than it names him
    tagged_org = [("Trump", "ORG", f"a{k}") for k in (2, 3, 4)]
    mentions = [("Donald Trump", "PERSON", "a1"), ("Trump", "PERSON", "a1"), *tagged_org]
    [trump] = _merge(mentions, [], AnalyzeSettings())
    assert set(trump.surfaces) == {"Donald Trump", "Trump"}
    assert trump.label == "PERSON"


def test_a_person_with_a_common_noun_or_a_digit_in_it_is_a_thing(monkeypatch: pytest.MonkeyPatch) -> None:
    ferries = ("Harpoon ferries", "PERSON")  # the tagger's mistakes
    fever = ("GRAYFEVER-24", "PERSON")
    texts = {
        "Pilot Ursula von der Leyden steered the Harpoon ferries home.": [("Ursula von der Leyden", "PERSON"), ferries],
        "Bashar al-Nouri and the Harpoon ferries docked.": [("Bashar al-Nouri", "PERSON"), ferries],
        "Cases of GRAYFEVER-24 rose again.": [fever],
        "GRAYFEVER-24 reached the coast.": [fever],
    }

    found = tagged_story(monkeypatch, texts)
    assert entity(found, "Ursula von der Leyden").type == "PERSON"
    assert entity(found, "Bashar al-Nouri").type == "PERSON"
    assert entity(found, "Harpoon ferries").type == "MISC"
    assert entity(found, "GRAYFEVER-24").type == "MISC"  # a name with a digit is no person


def test_a_place_with_a_model_number_is_a_thing(monkeypatch: pytest.MonkeyPatch) -> None:
    browser = ("HX9", "GPE")  # the tagger's mistake: a browser's version read as a place
    texts = {
        "Brindle patched HX9 on Tuesday after attacks in Varden.": [browser, ("Varden", "GPE")],
        "Users of HX9 in Varden were told to update.": [browser, ("Varden", "GPE")],
    }

    found = tagged_story(monkeypatch, texts)
    assert entity(found, "HX9").type == "MISC"
    assert entity(found, "Varden").type == "GPE"


def test_shared_surname_goes_to_the_dominant_full_name_only() -> None:
    base = [("Donald Trump", "PERSON", "a1")] * 4 + [("Melania Trump", "PERSON", "a1")]
    groups = _merge([*base, ("Trump", "PERSON", "a2")], [], AnalyzeSettings())
    assert {frozenset(g.surfaces) for g in groups} == {
        frozenset({"Donald Trump", "Trump"}),
        frozenset({"Melania Trump"}),
    }
    even = [("Donald Trump", "PERSON", "a1"), ("Melania Trump", "PERSON", "a1"), ("Trump", "PERSON", "a2")]
    assert len(_merge(even, [], AnalyzeSettings())) == 3  # ambiguous: the surname stays on its own


def test_people_with_different_middle_initials_stay_apart() -> None:
    mentions = [
        ("Harold J. Penrose", "PERSON", "a1"),  # the father
        ("Harold K. Penrose", "PERSON", "a2"),  # the son
        ("Harold Penrose", "PERSON", "a3"),
        ("Edith M. Quayle", "PERSON", "a1"),
        ("Edith Quayle", "PERSON", "a2"),
    ]
    groups = [set(g.surfaces) for g in _merge(mentions, [], AnalyzeSettings())]
    assert {"Harold J. Penrose"} <= next(g for g in groups if "Harold J. Penrose" in g)
    assert not any({"Harold J. Penrose", "Harold K. Penrose"} <= g for g in groups)
    assert {"Edith M. Quayle", "Edith Quayle"} in groups  # one initial more or less is the same person


@pytest.mark.parametrize(
    ("mentions", "apart"),
    [
        # an organisation's acronym is no surname of a person
        ([("Lee Tae Un", "PERSON", "a1"), ("UN", "ORG", "a2")], ("Lee Tae Un", "UN")),
        # a place's initials name no organisation
        ([("D.C.", "GPE", "a1"), ("District Court", "ORG", "a2")], ("D.C.", "District Court")),
        # a mistagged organisation is no full name for its first word
        ([("U.S. Senate", "PERSON", "a1"), ("U.S.", "GPE", "a2")], ("U.S. Senate", "U.S.")),
        # a span that runs past an owner's name is no full name for either part
        ([("Pfizer’s COVID-19", "PERSON", "a1"), ("Pfizer", "ORG", "a2"), ("COVID-19", "ORG", "a2")],
         ("Pfizer", "COVID-19")),
    ],
)
def test_names_of_different_things_do_not_merge(mentions: list[tuple[str, str, str]], apart: tuple[str, str]) -> None:
    groups = [set(g.surfaces) for g in _merge(mentions, [], AnalyzeSettings())]
    assert not any(set(apart) <= g for g in groups)


def test_skeleton_folds_spelling() -> None:
    assert skeleton("Zelenskyy") == skeleton("Zelenskiy") == skeleton("Zelensky")
    assert skeleton("Sergei") == skeleton("Sergey")
    assert skeleton("Ōsaka") == skeleton("Osaka")
    assert skeleton("Kharkiv") == skeleton("Harkiv")


def test_canonical_name_of_unknown_names_is_unchanged() -> None:
    ents = story("Marta Keller met Jon Brandt in Oslo.")
    assert canonical_name("Keller", ents) == "Marta Keller"
    assert canonical_name("Ilse Varga", ents) == "Ilse Varga"
    assert canonical_name("", ents) == ""


def test_recognition_is_cached_per_paragraph() -> None:
    text = "Ms Ilse Varga of the Harbour Council met Jon Brandt in Port Valen."
    first = recognize([text])
    assert recognize([text, text]) == [first[0], first[0]]


def test_rule_based_fallback_without_spacy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIDINGS_NO_SPACY", "1")
    ents = story(
        "Secretary of State Antony Blinken met Nato envoys in Brussels on Monday.",
        "Blinken said NATO stood together, according to the State Department.",
    )
    blinken = entity(ents, "Blinken")
    assert (blinken.name, blinken.type) == ("Antony Blinken", "PERSON")
    nato = entity(ents, "NATO")
    assert nato.type == "ORG" and "Nato" in nato.aliases
    assert entity(ents, "State Department").type == "ORG"


SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


@pytest.mark.corpus
def test_seed_story_entities() -> None:
    if not SEEDS.exists():
        pytest.skip(f"{SEEDS} is absent (tests read ../shared at run time; nothing from it is copied here)")
    articles = []
    for path in sorted(SEEDS.glob("*.txt")):
        title, _, body = normalize_text(path.read_text(encoding="utf-8")).partition("\n")
        articles.append(Article(id=path.stem, origin=str(path), title=title, text=body.strip()))
    ents = extract_entities(articles, {})
    people = [e for e in ents if e.type == "PERSON"]
    assert people[0].name == "Antony Blinken"
    assert len(people[0].article_ids) == len(articles)
    nato = entity(ents, "NATO")
    assert nato.type == "ORG" and len(nato.article_ids) == len(articles)
    # no entity is named by a bare surname when the story gives the full name
    names = Counter(e.name.split()[-1] for e in people)
    assert all(n == 1 for n in names.values())
    # a weapon the tagger calls a person is not listed among the people
    assert not any("missiles" in e.name.lower() for e in people)


def test_the_words_around_a_name_type_it_whatever_the_tagger_says() -> None:
    text = (
        "Agnes Threlfall, the mayor of Millbrook Ford, said the town was ready.\n\n"
        "A criminal group calling itself Greyfin demanded a ransom, the security firm Blackthorn Labs said.\n\n"
        "Ingrid Solberg-Hale, regional director of the carrier Tessaly Line, said three sailings had moved."
    )
    article = Article("a1", "t.txt", "Town ready", text)
    types = {e.name: e.type for e in extract_entities([article], {}, AnalyzeSettings())}
    assert types.get("Agnes Threlfall") == "PERSON"  # 'X, the mayor of': a person
    assert types.get("Greyfin") == "ORG"  # 'a group calling itself X'
    assert types.get("Blackthorn Labs") == "ORG"  # a name ending in 'Labs'
    assert types.get("Tessaly Line") == "ORG"  # 'the carrier X'


def test_an_office_before_a_name_makes_it_a_person_and_its_surname_joins_it(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = {  # the tagger's mistakes, as the small model made them on real news ('Alejandro Mayorkas' ORG)
        "Harbour Secretary Oriel Vantongeren said 212 boats were waiting.": [("Oriel Vantongeren", "ORG")],
        "Vantongeren called it a serious challenge.": [("Vantongeren", "GPE")],
        "Judge Maren Okafor ruled on Tuesday.": [("Maren Okafor", "ORG")],
    }

    found = tagged_story(monkeypatch, texts)
    assert entity(found, "Oriel Vantongeren").type == "PERSON"
    assert entity(found, "Vantongeren").name == "Oriel Vantongeren"  # one person, not a place beside an org
    assert entity(found, "Maren Okafor").type == "PERSON"


def test_photo_credits_are_no_entities() -> None:
    """A photographer's name glued to a picture agency ('David Becker Getty Images', left from a caption) is page
    furniture, and so is the agency it credits; the people of the story stay."""
    ents = story(
        "Protesters gathered outside the Dunmore courthouse on Friday. Ilse Marrow Getty Images\n\n"
        "Mayor Tessa Hollin said the square would reopen on Monday. Ana Ruiz/AFP via Getty Images"
    )
    names = {e.name for e in ents}
    assert not any("Getty" in n for n in names), names
    assert "Tessa Hollin" in names


def test_an_acronym_that_kept_fewer_letters_than_its_name_joins_it() -> None:
    texts = ["The Bureau for Coastal Safety and Rescue (BCS) closed the pier."]
    mentions = [("Bureau for Coastal Safety and Rescue", "ORG", "a1"), ("BCS", "ORG", "a1"), ("BCS", "ORG", "a2")]
    [bureau] = _merge(mentions, texts, AnalyzeSettings())
    assert set(bureau.surfaces) == {"Bureau for Coastal Safety and Rescue", "BCS"}


def test_an_organisation_with_its_country_before_it_is_the_same_organisation() -> None:
    mentions = [("U.S. Office of Tidal Affairs", "ORG", "a1"), ("Office of Tidal Affairs", "ORG", "a2")]
    assert len(_merge(mentions, [], AnalyzeSettings())) == 1
    two_countries = [*mentions, ("UK Office of Tidal Affairs", "ORG", "a3")]
    groups = [set(g.surfaces) for g in _merge(two_countries, [], AnalyzeSettings())]
    assert not any({"U.S. Office of Tidal Affairs", "UK Office of Tidal Affairs"} <= g for g in groups)


def test_a_surname_the_tagger_calls_an_organisation_joins_the_full_name_written_beside_it() -> None:
    # 'Anthony Quillfeather said ... Quillfeather added': the surname is tagged ORG in every article, more often
    # than the full name, and each of those articles names him in full
    mentions = [("Anthony Quillfeather", "PERSON", f"a{k}") for k in (1, 2)]
    mentions += [("Quillfeather", "ORG", f"a{k}") for k in (1, 1, 2, 2)]
    [person] = _merge(mentions, [], AnalyzeSettings())
    assert person.label == "PERSON"
    # alone in articles that never give the full name, it stays what it is (a firm named like a person)
    apart = [("Anthony Quillfeather", "PERSON", "a1"), *[("Quillfeather", "ORG", f"a{k}") for k in (2, 3, 4)]]
    assert len(_merge(apart, [], AnalyzeSettings())) == 2


def test_a_variant_is_no_place_and_a_code_is_no_organisation(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = {
        "The Ombra variant spread in Calder Bay.": [("Ombra", "LOC"), ("Calder Bay", "GPE")],
        "Cases of the Ombra variant doubled, and VX-41 was approved.": [("Ombra", "LOC"), ("VX-41", "ORG")],
        "VX-41 shipped.": [("VX-41", "ORG")],
    }

    found = tagged_story(monkeypatch, texts)
    assert not [e for e in found if e.name == "Ombra"]
    assert entity(found, "Calder Bay").type == "GPE"
    assert entity(found, "VX-41").type == "MISC"


def test_a_quoted_nickname_is_no_part_of_a_persons_name() -> None:
    assert name_tokens("Ivo \u201cBull\u201d Brandt") == ["Ivo", "Brandt"]
    assert name_tokens('Marta "Mara" Keller') == ["Marta", "Keller"]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Marrowby Democrats", "NORP"),  # a group named by a group noun is never a person
        ("House Republicans", "NORP"),
        ("Marrowby Harbour Productions", "ORG"),  # a company's head word
        ("Vell Records", "ORG"),
        ("Ana Sanders", "PERSON"),  # a surname that ends like a plural stays a person
        ("Ilse Evans", "PERSON"),
    ],
)
def test_a_person_named_by_a_group_or_company_word_is_none(text: str, label: str) -> None:
    assert _retyped(EntSpan(0, len(text), "PERSON", text)).label == label


def test_a_mention_without_a_capital_names_nothing() -> None:
    from tidings.entities import _no_capital

    assert _no_capital("n’t") and _no_capital("air sacs") and _no_capital("58.4 cu.ft")
    assert not _no_capital("Ana Vell") and not _no_capital("eBay") and not _no_capital("习近平")


@pytest.mark.parametrize(
    ("text", "label"),
    [("Twitter", "ORG"), ("Pfizer’s", "ORG"), ("Ana Twitter", "PERSON"), ("Bloomberg", "ORG"),
     # a branch's or a product's one word after the name; not a longer phrase, a code or a list of names
     ("Gallup Korea", "ORG"), ("Gallup Korea poll", "PERSON"), ("Gallup and Ipsos", "PERSON"),
     ("Pfizer COVID-19", "PERSON")],
)
def test_a_well_known_organisation_is_an_organisation(text: str, label: str) -> None:
    from tidings.entities import _known_type

    assert _known_type(text, "PERSON") == label


def tagged_story(monkeypatch: pytest.MonkeyPatch, texts: dict[str, list[tuple[str, str]]]) -> list[Entity]:
    """The story's entities when the tagger finds exactly these (name, label) mentions in each paragraph (its
    mistakes written down, so that the rules, not the model's marginal decisions, are tested)."""
    from tidings import entities

    def tagged(paragraphs: list[str], settings: object = None) -> list[tuple[EntSpan, ...]]:
        return [tuple(EntSpan(t.index(n), t.index(n) + len(n), label, n) for n, label in texts[t]) for t in paragraphs]

    monkeypatch.setattr(entities, "recognize", tagged)
    return story(*texts)


@pytest.mark.parametrize(
    ("surface", "clean"),
    [
        ("a Marrowby Department of Ports", "Marrowby Department of Ports"),
        ("A Vell Harbour Authority", "Vell Harbour Authority"),
        ("this Calder Gazette", "Calder Gazette"),
        ("the Calder Gazette’s", "Calder Gazette"),
        ("• Marrowby Council", "Marrowby Council"),
        ("A. J. Quill", "A. J. Quill"),  # an initial is no article
    ],
)
def test_a_determiner_or_a_bullet_is_no_part_of_a_name(surface: str, clean: str) -> None:
    from tidings.entities import clean_surface

    assert clean_surface(surface) == clean


def test_a_name_with_a_determiner_joins_the_name_without_it(monkeypatch: pytest.MonkeyPatch) -> None:
    found = tagged_story(monkeypatch, {
        "Ships wait, a Marrowby Department of Ports official said.": [("a Marrowby Department of Ports", "ORG")],
        "The Marrowby Department of Ports closed the quay.": [("Marrowby Department of Ports", "ORG")],
    })  # fmt: skip
    assert [e.name for e in found] == ["Marrowby Department of Ports"]
    assert found[0].mentions == 2


def test_a_ministrys_field_a_disease_or_a_time_zone_is_no_entity(monkeypatch: pytest.MonkeyPatch) -> None:
    found = tagged_story(monkeypatch, {
        "The Vellmark Departments of Health and Education issued rules.": [("Vellmark Departments of Health", "ORG"),
                                                                           ("Education", "ORG")],
        "Covid cases rose in Vellmark.": [("Covid", "PERSON"), ("Vellmark", "GPE")],
        "COVID wards filled.": [("COVID", "ORG")],
        "Vellmark, 8:44AM GMT: the ward opened.": [("8:44AM", "ORG"), ("GMT", "ORG")],
    })  # fmt: skip
    assert sorted(e.name for e in found) == ["Vellmark", "Vellmark Departments of Health"]


def test_a_common_noun_at_a_sentences_head_is_no_name(monkeypatch: pytest.MonkeyPatch) -> None:
    found = tagged_story(monkeypatch, {
        "Lanterns lit the quay at Vell.": [("Lanterns", "PERSON"), ("Vell", "GPE")],
        "The lanterns were paid for by Orla Brack.": [("Orla Brack", "PERSON")],
        "Brack said the brack water was clean.": [("Brack", "PERSON")],
        "Harbourmaster Tolle thanked Brack.": [("Tolle", "PERSON"), ("Brack", "PERSON")],
    })  # fmt: skip
    names = {e.name for e in found}
    assert "Lanterns" not in names  # written in lower case, never capitalised inside a sentence
    assert {"Vell", "Orla Brack", "Tolle"} <= names  # 'brack' in lower case too, but 'thanked Brack': a name


@pytest.mark.parametrize(
    ("name", "tagged", "typed"),
    [
        ("Vossel Glacier", "PERSON", "LOC"),
        ("Mt Arvo", "ORG", "LOC"),
        ("Quarry Road", "PERSON", "FAC"),
        ("Calder Island", "GPE", "GPE"),  # the tagger's place type stands
        ("Glacier Labs", "PERSON", "ORG"),  # an organisation's word comes first
    ],
)
def test_a_landform_or_a_streets_word_makes_a_place(
    monkeypatch: pytest.MonkeyPatch, name: str, tagged: str, typed: str
) -> None:
    found = tagged_story(monkeypatch, {f"Walkers reached {name} at noon.": [(name, tagged)]})
    assert entity(found, name).type == typed


def test_a_headline_names_only_what_its_article_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    from tidings.entities import title_cased

    found = tagged_story(monkeypatch, {
        "Orla Brack Sails Into Vell Harbour Again": [("Orla Brack Sails", "PERSON"), ("Vell Harbour Again", "ORG")],
        "Orla Brack sails into Vell on Monday, the port said.": [("Orla Brack", "PERSON"), ("Vell", "GPE")],
    })  # fmt: skip
    assert sorted(e.name for e in found) == ["Orla Brack", "Vell"]
    assert title_cased("Ferry Strike Ends After Talks")
    assert not title_cased("Brack Met Tolle Near Vell Harbour Office.")  # a sentence (its full stop)
    assert not title_cased("Brack met Tolle near the Vell Harbour Office")  # a word in lower case
    assert not title_cased("Senators Orla Brack (Vell), Ivo Tolle (Calder), Ana Quill (Marrowby), Ilse Evans (Arvo)")


def reading(words: list[tuple[str, str]], ents: list[tuple[str, str]]) -> Reading:
    """A tagger's reading of the words (each with its part-of-speech tag) joined by spaces, with these (name, label)
    entities: its mistakes written down, so that the rule, not the model, is tested."""
    text = " ".join(w for w, _ in words)
    offsets, at = [], 0
    for w, _ in words:
        offsets += [at, at + len(w)]
        at += len(w) + 1
    spans = tuple(EntSpan(text.index(n), text.index(n) + len(n), label, n) for n, label in ents)
    return Reading(text, ((0, len(text)),), array("I", offsets), tuple(t for _, t in words), spans)


@pytest.mark.parametrize(
    ("words", "ents", "names"),
    [
        # a three-part name cut after two runs on over the proper noun left after it
        ([("President", "NNP"), ("Yoon", "NNP"), ("Suk", "NNP"), ("Yeol", "NNP"), ("over", "IN"), ("it", "PRP")],
         [("Yoon Suk", "PERSON")], ["Yoon Suk Yeol"]),
        ([("Governor", "NNP"), ("Ana", "NNP"), ("Bel", "NNP"), ("Quill", "NNP"), ("’", "POS"), ("veto", "NN")],
         [("Ana Bel", "PERSON")], ["Ana Bel Quill"]),
        # not over a weekday, an organisation's word, another entity, an owner's name or a line of capitals
        ([("Ana", "NNP"), ("Quill", "NNP"), ("Tuesday", "NNP"), ("said", "VBD")], [("Ana Quill", "PERSON")],
         ["Ana Quill"]),
        ([("the", "DT"), ("Ana", "NNP"), ("Quill", "NNP"), ("Administration", "NNP"), ("said", "VBD")],
         [("Ana Quill", "PERSON")], ["Ana Quill"]),
        ([("Ana", "NNP"), ("Quill", "NNP"), ("Vellmark", "NNP"), ("said", "VBD")],
         [("Ana Quill", "PERSON"), ("Vellmark", "GPE")], ["Ana Quill", "Vellmark"]),
        ([("Ana", "NNP"), ("Quill", "NNP"), ("’s", "POS"), ("Vellmark", "NNP"), ("post", "NN")],
         [("Ana Quill", "PERSON")], ["Ana Quill"]),
        ([("Ana", "NNP"), ("Quill", "NNP"), ("Joins", "NNP"), ("Vellmark", "NNP"), ("Harbour", "NNP")],
         [("Ana Quill", "PERSON")], ["Ana Quill"]),
        ([("a", "DT"), ("Vell", "NNP"), ("Harbour", "NNP"), ("Foundation", "NNP"), ("Trustee", "NNP"), ("said", "VBD")],
         [("Vell Harbour Foundation", "PERSON")], ["Vell Harbour Foundation"]),
        # nor when the capitals go on after it: an office ('Surgeon General')
        ([("Name", "VB"), ("Ana", "NNP"), ("Quill", "NNP"), ("Surgeon", "NNP"), ("General", "NNP"), ("now", "RB")],
         [("Ana Quill", "PERSON")], ["Ana Quill"]),
    ],
)
def test_a_persons_name_cut_short_runs_on_over_the_proper_nouns_after_it(
    words: list[tuple[str, str]], ents: list[tuple[str, str]], names: list[str]
) -> None:
    from tidings.entities import _whole_names

    assert [e.text for e in _whole_names(reading(words, ents))] == names


def test_a_surname_tagged_a_group_joins_the_full_name_written_beside_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from tidings import entities

    tagged = {
        "Han Dong-hoon, the party leader, urged Ana Vell to step down.": [("Han Dong-hoon", "PERSON"),
                                                                          ("Ana Vell", "PERSON")],
        "Vell had ordered the arrest of Han, the leader of her own party.": [("Vell", "PERSON"), ("Han", "NORP")],
        "Han residents of the city marched.": [("Han", "NORP")],
    }  # fmt: skip

    def tagger(paragraphs: list[str], settings: object = None) -> list[tuple[EntSpan, ...]]:
        return [tuple(EntSpan(t.index(n), t.index(n) + len(n), label, n) for n, label in tagged[t]) for t in paragraphs]

    monkeypatch.setattr(entities, "recognize", tagger)
    texts = list(tagged)
    one = [Article(id="a1", origin="test", title=None, text="\n\n".join(texts[:2]))]
    found = extract_entities(one, {})
    assert entity(found, "Han").name == "Han Dong-hoon" and entity(found, "Han").type == "PERSON"
    # a group's word written in an article that names no such person stays the group
    two = [*one, Article(id="a2", origin="test", title=None, text=texts[2])]
    assert {(e.name, e.type) for e in extract_entities(two, {}) if "Han" in e.name} == {
        ("Han Dong-hoon", "PERSON"), ("Han", "NORP")}


def test_a_nationality_never_joins_a_person_named_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from tidings import entities

    tagged = {
        "The Australian Heritage list grew.": [("Australian Heritage", "PERSON")],
        "Australian officials said so.": [("Australian", "NORP")],
    }  # fmt: skip
    monkeypatch.setattr(entities, "recognize", lambda paragraphs, settings=None: [
        tuple(EntSpan(t.index(n), t.index(n) + len(n), label, n) for n, label in tagged[t]) for t in paragraphs])
    found = extract_entities([Article(id="a1", origin="test", title=None, text="\n\n".join(tagged))], {})
    assert ("Australian", "NORP") in {(e.name, e.type) for e in found}
