"""Cross-check the articles of one story: corroborated facts, exclusives, conflicting figures, quotes, entities.

Facts: the distinct body sentences of the story (page furniture left out) are embedded in one batch (a sentence
repeated verbatim by copies once); pairs of sentences from different articles whose cosine, plus a bonus for shared
names and shared figures, passes ``fact_similarity`` are linked, strongest first, into groups holding at most one
sentence per article. Two groups merge only when every sentence of one states the same fact as every sentence of the
other (complete link: no chaining through a middle sentence). A group is one fact, shown by its most central
mention; its independent sources are its outlets: copies count with their original, and the pages of one site
count once. A fact with one source is an exclusive of that site, unless its sentence was cut off by the source
(an excerpt's last 'The Senate voted to...') or is the tail of one, or another source comes close to it (an echo)
or prints most of its words, split into other sentences. Every fact is kept: nothing a source reports is cut.

Conflicts: figures ("3,200 workers", "$200 million in aid") of the same thing (counted noun + unit) given with
incompatible values by different sources, either inside one fact or in two sentences that are nearly the same
(``conflict_similarity``), when both are the same quantity at the same time (:mod:`tidings.claims`: a version, rank,
rate, range, forecast or conditional is no quantity; a part, 'other', 'so far', another month, another act or another
place after the figure is another scope; a figure listed after another is no main figure), each is the only value of
its thing in its sentence, and their values are neither within rounding nor more than ``conflict_max_ratio`` apart.
Dates (weekday, day of month) given differently in one fact, when they date the same event: the same verb with the same
thing after it ('ordered the cranes shut on Tuesday' / 'were ordered shut on Wednesday'), not a statement ('said on
Monday') nor a date that names something ('a Friday deadline'). Conflicts that share a claim are merged into one.

All work is bounded by the story's size: similarities are computed block by block over at most
``max_sentences_per_article`` sentences per article.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

import numpy as np

from .claims import claim_scope, listed, not_a_quantity, same_scope
from .dedupe import independent_groups, source_groups
from .entities import canonical_name, extract_entities
from .events import dated_events
from .figures import (
    MONTHS,
    WEEKDAYS,
    FigureMention,
    describe_value,
    extract_figures,
    merge_figures,
    parse_number,
    singular,
)
from .model import Article, Claim, Conflict, Entity, Fact, Mention, Quote, Reading, Sentence, Story
from .outlets import UNKNOWN_SITE
from .quotes import extract_quotes, merge_quotes
from .resources import HashingEncoder, get_embedder
from .settings import AnalyzeSettings
from .text import (
    is_advice,
    is_broken,
    is_furniture,
    is_question,
    is_tail,
    is_truncated,
    read_sentences,
    strip_dateline,
    text_head,
    words,
)

_NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
_NAME_STOP = {"the", "of", "and", "'s", "’s", "mr", "mrs", "ms", "dr", "president", "secretary", "minister"}
_CAPITALISED = re.compile(r"\b(?:[A-Z][a-z’'-]+|[A-Z]{2,})\b")
_WEEKDAY_RE = re.compile(r"\b(" + "|".join(sorted(WEEKDAYS)) + r")\b", re.IGNORECASE)
_MONTH_DAY_RE = re.compile(
    r"\b("
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b|\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?("
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMention:
    """The one weekday or day of month a sentence names, with the event it dates: the verbs it goes with, crudely
    stemmed ('on Tuesday ordered the cranes shut' -> order, shut), and the content words after the closest one
    (what the event is about). No verbs when none was found in its clause or the closest is a verb of saying."""

    value: str
    verbs: tuple[str, ...] = ()  # the closest first
    what: frozenset[str] = frozenset()


@dataclass
class Unit:
    """One body sentence taking part in fact alignment, with what we know about it."""

    sentence: Sentence
    article_index: int
    group: str  # the copy group (its root original's id)
    position: int
    source: str = ""  # the outlet: the copy group's site, or the group when no site is known
    names: frozenset[str] = frozenset()
    figures: list[FigureMention] = field(default_factory=list)
    dates: dict[str, DateMention] = field(default_factory=dict)

    @property
    def article_id(self) -> str:
        return self.sentence.article_id

    @property
    def text(self) -> str:
        return self.sentence.text


# ---------------------------------------------------------------------------------------------------------------
# Sentence features: names, figures, dates
# ---------------------------------------------------------------------------------------------------------------


def _name_tokens(text: str) -> set[str]:
    return {w for w in words(text) if w not in _NAME_STOP and len(w) > 1}


# A date that names something rather than when it happened: 'a Tuesday deadline', 'the Jan. 6 riot', "Friday's
# vote", 'by Friday', 'until Monday'.
_DATE_AS_NAME_BEFORE = re.compile(r"\b(?:a|an|the|by|until|till|before|through|next|every)\s+$", re.IGNORECASE)
_DATE_AS_NAME_AFTER = re.compile(r"^(?:['’]s\b|\s*(?:[-–]|to|through)\s*\d)")
_CLAUSE_BREAK = re.compile(r"[,;:—–()\"“”]|\s-\s")
# What follows a verb may be quoted ('ordered Tuesday to “immediately” start'): quotation marks do not end it.
_PHRASE_BREAK = re.compile(r"[,;:—–()]|\s-\s")

_AUXILIARIES = {
    "be", "is", "are", "was", "were", "been", "being", "am", "has", "have", "had", "having", "do", "does", "did",
    "will", "would", "shall", "should", "can", "could", "may", "might", "must", "'s", "’s", "'re", "’re",
}  # fmt: skip
_IRREGULAR_VERBS = {
    "said": "say", "says": "say", "told": "tell", "tells": "tell", "took": "take", "met": "meet", "made": "make",
    "gave": "give", "won": "win", "lost": "lose", "held": "hold", "left": "leave", "began": "begin",
    "came": "come", "went": "go", "saw": "see", "got": "get", "sent": "send", "spent": "spend", "found": "find",
    "fell": "fall", "rose": "rise", "ran": "run", "brought": "bring", "bought": "buy", "sold": "sell",
    "paid": "pay", "led": "lead", "kept": "keep", "struck": "strike", "shot": "shoot", "hit": "hit", "cut": "cut",
    "set": "set", "put": "put", "wrote": "write", "spoke": "speak", "chose": "choose", "broke": "break",
    "stood": "stand", "drew": "draw", "threw": "throw", "fled": "flee", "swore": "swear", "sank": "sink",
}  # fmt: skip
_EVENT_STOP = {
    "the", "and", "for", "with", "from", "that", "this", "their", "its", "his", "her", "our", "they", "them",
    "into", "onto", "over", "under", "about", "after", "before", "more", "than", "most", "some", "all", "any",
    "early", "late", "morning", "afternoon", "evening", "night", "million", "billion", "trillion", "thousand",
    "hundred", "percent", "not", "also", "will", "would", "could", "been", "have", "has", "had", "was", "were",
    "next", "last", "per", "each", "every", "year", "years", "decade", "month", "months", "week", "weeks", "day",
}  # fmt: skip
_UNTAGGED_VERB = re.compile(r"^[a-z]{3,}ed$")
# A date on a saying tells when it was said; two outlets quoting two statements made on different days do not
# disagree. Such verbs date no event here.
_REPORTING_VERBS = {"say", "tell", "add", "note", "stat", "writ", "report", "accord", "claim", "explain", "insist"}
_ADJUNCT_STARTS = {
    "after", "before", "during", "amid", "despite", "following", "since", "because", "while", "when", "until", "as",
}  # fmt: skip
_INFINITIVE_MARK = re.compile(r"\bto\s+$", re.IGNORECASE)
_EVENT_WINDOW = 6  # words after the verb that say what the event is about ('passed a $1 trillion bill')


def _event_stem(verb: str) -> str:
    """A crude stem that lets 'ordered', 'orders' and 'order' meet, and 'said' meet 'says'."""
    w = verb.lower()
    if w in _IRREGULAR_VERBS:
        return _IRREGULAR_VERBS[w]
    for suffix in ("ing", "ed", "es", "s"):
        if len(w) > len(suffix) + 2 and w.endswith(suffix):
            w = w[: -len(suffix)]
            break
    return w[:-1] if len(w) > 3 and w.endswith("e") else w


def _date_event(text: str, start: int, end: int, reading: Reading | None) -> tuple[tuple[str, ...], frozenset[str]]:
    """The verbs a date at ``[start, end)`` goes with (the two closest of its clause: no comma, dash or quotation
    mark between; auxiliaries left out; tagged by spaCy when there is a reading, else past forms) and the content
    words after the closest one."""
    if reading is not None:
        # an infinitive ('revealed a bill on Monday to create a committee') is a purpose, not the act the date
        # dates: two outlets dating the reveal and the vote on the creation would otherwise disagree
        verbs = [
            (a, b)
            for a, b, tag in reading.tokens
            if tag.startswith("VB") and not (tag == "VB" and _INFINITIVE_MARK.search(text[max(0, a - 4) : a]))
        ]
    else:
        verbs = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z]+", text)]
        verbs = [(a, b) for a, b in verbs if _UNTAGGED_VERB.match(text[a:b].lower()) or text[a:b].lower() in
                 _IRREGULAR_VERBS]  # fmt: skip
    near: list[tuple[int, str, int]] = []
    for a, b in verbs:
        word = text[a:b]
        if word.lower() in _AUXILIARIES:
            continue
        between = text[b:start] if b <= start else text[end:a]
        if not _CLAUSE_BREAK.search(between):
            near.append((len(between.split()), _event_stem(word), b))
    near.sort()
    if not near or near[0][1] in _REPORTING_VERBS:
        return (), frozenset()
    closest = near[0][2]
    after = (text[closest:start] + " " + text[end:]) if closest <= start else text[closest:]
    following: list[str] = []
    for w in words(_PHRASE_BREAK.split(after, maxsplit=1)[0]):
        if w in _ADJUNCT_STARTS or len(following) == _EVENT_WINDOW:
            break  # 'passed the budget after a long debate': what was passed ends there
        if w not in WEEKDAYS and w not in MONTHS and w not in ("on", "late", "early"):
            following.append(w)
    what = {
        _event_stem(w)
        for w in following
        if len(w) > 2 and not w.isdigit() and w not in _EVENT_STOP and parse_number(w) is None
    }
    return tuple(stem for _, stem, _ in near[:2]), frozenset(what)


def _dates(text: str, reading: Reading | None = None) -> dict[str, DateMention]:
    """The weekday and the day of month a sentence gives as when something happened, when it gives exactly one of
    each, with the verb each dates."""
    found: dict[str, list[tuple[str, int, int]]] = {"weekday": [], "day": []}
    for m in _WEEKDAY_RE.finditer(text):
        found["weekday"].append((m.group(1).lower(), m.start(), m.end()))
    for m in _MONTH_DAY_RE.finditer(text):
        month = (m.group(1) or m.group(4)).lower()[:3]  # "Jan 5" and "January 5" are the same day
        day = m.group(2) or m.group(3)
        found["day"].append((f"{month} {int(day)}", m.start(), m.end()))
    out: dict[str, DateMention] = {}
    for kind, mentions in found.items():
        if len({v for v, _, _ in mentions}) != 1:
            continue
        when = [
            (v, a, b)
            for v, a, b in mentions
            if not _DATE_AS_NAME_BEFORE.search(text[max(0, a - 12) : a]) and not _DATE_AS_NAME_AFTER.match(text[b:])
        ]
        if when:
            value, a, b = when[0]
            verbs, what = _date_event(text, a, b, reading)
            out[kind] = DateMention(value, verbs, what)
    return out


def sentence_features(
    texts: list[str],
) -> list[tuple[frozenset[str], list[FigureMention], dict[str, DateMention]]]:
    """Name tokens, figures and dates of each sentence: from spaCy's reading (NER + tags) when available, rules
    otherwise."""
    out: list[tuple[frozenset[str], list[FigureMention], dict[str, DateMention]]] = []
    readings = read_sentences(texts)
    if readings is not None:
        for text, reading in zip(texts, readings, strict=True):
            names: set[str] = set()
            for ent in reading.ents:
                if ent.label in _NAME_LABELS:
                    names |= _name_tokens(ent.text)
            out.append((frozenset(names), extract_figures(text, reading), _dates(text, reading)))
        return out
    for text in texts:
        # Without NER: capitalised words not opening the sentence, and acronyms.
        names = set()
        for m in _CAPITALISED.finditer(text):
            if m.start() > 0 or m.group().isupper():
                names |= _name_tokens(m.group())
        out.append((frozenset(names), extract_figures(text, None), _dates(text)))
    return out


def name_idf(name_sets: Iterable[frozenset[str]]) -> dict[str, float]:
    """Inverse document frequency of name tokens over a story's sentences: a name every sentence carries
    ('Blinken' in a Blinken story) says little about two sentences reporting the same thing."""
    df: dict[str, int] = defaultdict(int)
    n = 0
    for names in name_sets:
        n += 1
        for name in names:
            df[name] += 1
    return {name: math.log((1 + n) / (1 + d)) for name, d in df.items()}


def _overlap(a: frozenset[str], b: frozenset[str], idf: dict[str, float]) -> float:
    """IDF-weighted share of the smaller name set found in the other (0 when either is empty)."""
    if not a or not b:
        return 0.0
    weight_a = sum(idf.get(x, 0.0) for x in a)
    weight_b = sum(idf.get(x, 0.0) for x in b)
    smaller = min(weight_a, weight_b)
    if smaller <= 0:
        return 0.0
    return min(1.0, sum(idf.get(x, 0.0) for x in a & b) / smaller)


def _figure_values(figs: Iterable[FigureMention]) -> set[tuple[float | None, str | None]]:
    return {(f.value, f.unit) for f in figs}


def pair_bonus(
    names_a: frozenset[str],
    names_b: frozenset[str],
    figs_a: list[FigureMention],
    figs_b: list[FigureMention],
    idf: dict[str, float],
    settings: AnalyzeSettings,
) -> float:
    """What shared names and shared figures add to the cosine of two sentences (positive evidence only: a
    different figure must not split a fact, or conflicting reports could never be found)."""
    bonus = settings.fact_name_bonus * _overlap(names_a, names_b, idf)
    if _figure_values(figs_a) & _figure_values(figs_b):
        bonus += settings.fact_figure_bonus
    return bonus


# ---------------------------------------------------------------------------------------------------------------
# Same-fact score: a logistic model over the cosine and what the two sentences share (fit on MSRP train)
# ---------------------------------------------------------------------------------------------------------------

_FUNCTION_WORDS_TEXT = (
    "the a an and or but of to in on at by for with from as is are was were be been being has have had do does did "
    "that this these those it its he she they them his her their we our you your i me my not no will would can could "
    "should may might must said says say also than then there here which who whom what when where while after before "
    "about into over under more most some any all such only just so very"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())
_NEGATION = frozenset({"not", "no", "never", "nor", "none", "nobody", "nothing", "neither", "without"})
_NUMBER = re.compile(r"(?<![\w-])(?:\d[\d,.]*\d|\d)(?![\w-])")  # not in names (COVID-19, G7, 737-MAX)
FACT_FEATURES = (
    "cosine", "content jaccard", "content share of the shorter", "bigram jaccard", "length ratio", "same numbers",
    "negation differs", "name jaccard", "unmatched names", "content share of the longer", "word share of the longer",
    "word share of the shorter", "bigram share of the shorter", "cosine squared", "trigram share of the shorter",
    "log length difference", "cosine x content difference", "verb jaccard", "no shared verb",
    "counted numbers share", "subject jaccard",
    # issue #14: the word-order features of machine-translation metrics (BLEU's n-gram precisions both ways, the
    # longest common subsequence, a word edit distance like TER), what each sentence says that the other does not,
    # and numbers given on one side only (a sentence with another figure usually reports another thing; a figure
    # given differently inside one fact is still found as a conflict: find_conflicts also compares alike
    # sentences of different facts)
    "bigram share of the longer", "trigram share of the longer", "4-gram share of the shorter",
    "4-gram share of the longer", "common subsequence of the shorter", "common subsequence of the longer",
    "word edit distance", "log unmatched content words (fewer side)", "log unmatched content words (more side)",
    "no shared number", "unmatched number share", "log unmatched numbers",
)  # fmt: skip


def _content(tokens: list[str]) -> set[str]:
    return {t[:-1] if t.endswith("s") and len(t) > 4 else t for t in tokens if t not in _FUNCTION_WORDS and len(t) > 1}


def _numbers(text: str) -> set[str]:
    return {m.group().replace(",", "").rstrip(".") for m in _NUMBER.finditer(text)}


# The act a sentence reports, by rules kept as data (no tagger: the features must be the same with or without
# spaCy). A verb is an irregular form of _IRREGULAR_VERBS, a word of a past or progressive form (_VERB_FORM, less
# the nouns of _NOT_VERBS), or a word after an auxiliary or 'to' ('will pass', 'to approve'). Verbs of saying
# and auxiliaries tell no act. The subject is the content words before the first verb.
_VERB_FORM = re.compile(r"^[a-z]{3,}(?:ed|ing)$")
_VERB_AFTER = frozenset(_AUXILIARIES | {"to", "not", "never", "also", "won't", "didn't", "wasn't", "hasn't"})
_NOT_VERBS = frozenset({
    "hundred", "need", "speed", "seed", "feed", "bed", "red", "united", "limited", "during", "morning", "evening",
    "thing", "nothing", "something", "anything", "everything", "king", "ring", "spring", "building", "wedding",
    "ceiling", "shed", "bred", "sled", "breed", "creed", "greed",
})  # fmt: skip
_NOT_ACTS = frozenset(_REPORTING_VERBS | {_event_stem(w) for w in _AUXILIARIES} | {"accord", "includ", "according"})
# A number counts what the first word after it names, past scale words ('$3.5 trillion plan' -> plan).
_COUNTED = re.compile(r"(?<![\w-])(\d[\d,.]*\d|\d)([a-z]{0,2}\b)?(?=((?:\W+\w+){0,3}))", re.IGNORECASE)
_SCALE_WORDS = frozenset({
    "million", "millions", "billion", "billions", "trillion", "trillions", "thousand", "thousands", "hundred",
    "hundreds", "percent", "per", "cent", "of", "a", "an", "the", "to", "and", "or", "than", "more", "less",
})  # fmt: skip


# After these a past or -ing form modifies a noun ('the proposed plan', '$3.5 trillion spending bill').
_MODIFIER_BEFORE = frozenset(
    {"the", "a", "an", "its", "their", "his", "her", "our", "your", "this", "that", "these", "those", "of", "for",
     "in", "on", "at", "by", "with", "from", "into", "newly", "so-called"} | _SCALE_WORDS - {"to", "and", "or"}
)  # fmt: skip


def _is_verb(word: str, before: str) -> bool:
    return (
        word in _IRREGULAR_VERBS
        or (bool(_VERB_FORM.match(word)) and before not in _MODIFIER_BEFORE and not before.isdigit())
        or before in _VERB_AFTER
    ) and not (word in _NOT_VERBS or word in _FUNCTION_WORDS or word in _AUXILIARIES or word.isdigit())


def _acts(tokens: list[str]) -> tuple[set[str], set[str]]:
    """(verb stems naming acts, content words of the subject: those before the first verb) of a tokenised
    sentence."""
    flags = [_is_verb(w, p) for w, p in zip(tokens, ["", *tokens], strict=False)]
    verbs = {_event_stem(w) for w, f in zip(tokens, flags, strict=True) if f} - _NOT_ACTS
    first = flags.index(True) if True in flags else 0
    return verbs, _content(tokens[:first])


def _counted(text: str) -> set[tuple[str, str]]:
    """(number, the word it counts) of each number of a sentence: '1,200 people' -> ('1200', 'people')."""
    out: set[tuple[str, str]] = set()
    for m in _COUNTED.finditer(text):
        noun = next((w for w in words(m.group(3)) if w not in _SCALE_WORDS), "")
        out.add((m.group(1).replace(",", "").rstrip("."), _event_stem(noun)))
    return out


def _bit_masks(tokens: list[str]) -> dict[str, int]:
    """Each word's positions in ``tokens`` as the bits of an int (the bit-parallel string algorithms below)."""
    masks: dict[str, int] = {}
    for i, w in enumerate(tokens):
        masks[w] = masks.get(w, 0) | (1 << i)
    return masks


def common_subsequence(a: list[str], b: list[str]) -> int:
    """Length of the longest common word subsequence (Allison-Dix bit-parallel: one pass over ``b``, ~50 us for
    two news sentences where the table of dynamic programming takes ~1 ms in Python). Bounded: a sentence is at
    most ``max_sentence_chars`` long (text.split_sentences cuts longer ones)."""
    if not a or not b:
        return 0
    masks, full = _bit_masks(a), (1 << len(a)) - 1
    v = full
    for w in b:
        u = v & masks.get(w, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - bin(v).count("1")


def edit_distance(a: list[str], b: list[str]) -> int:
    """Word-level Levenshtein distance: insertions, deletions and substitutions (Myers/Hyyro bit-parallel)."""
    if not a or not b:
        return max(len(a), len(b))
    masks, full, top = _bit_masks(a), (1 << len(a)) - 1, 1 << (len(a) - 1)
    pv, mv, score = full, 0, len(a)
    for w in b:
        eq = masks.get(w, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & full
        mh = pv & xh
        score += 1 if ph & top else -1 if mh & top else 0
        ph = ((ph << 1) | 1) & full
        mh = (mh << 1) & full
        pv = (mh | ~(xv | ph)) & full
        mv = ph & xv
    return score


def _jaccard(a: set[Any] | frozenset[Any], b: set[Any] | frozenset[Any]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _share(a: set[Any], b: set[Any], of: Callable[[int, int], int]) -> float:
    return len(a & b) / max(of(len(a), len(b)), 1)


@dataclass(frozen=True)
class _Parts:
    """What :func:`fact_features` needs of one sentence, computed once per sentence rather than once per pair."""

    tokens: list[str]
    unique: set[str]
    content: set[str]
    bigrams: set[tuple[str, ...]]
    trigrams: set[tuple[str, ...]]
    fourgrams: set[tuple[str, ...]]
    numbers: set[str]
    verbs: set[str]
    subject: set[str]
    counted: set[tuple[str, str]]
    negated: bool


def _parts(text: str) -> _Parts:
    tokens = words(text)
    verbs, subject = _acts(tokens)
    return _Parts(
        tokens, set(tokens), _content(tokens), set(pairwise(tokens)),
        set(zip(tokens, tokens[1:], tokens[2:], strict=False)),
        set(zip(tokens, tokens[1:], tokens[2:], tokens[3:], strict=False)), _numbers(text), verbs, subject,
        _counted(text),
        bool(_NEGATION.intersection(tokens)),
    )  # fmt: skip


def fact_features(
    cos: float, text_a: str, text_b: str, names_a: frozenset[str], names_b: frozenset[str]
) -> list[float]:
    """The features of :data:`FACT_FEATURES` for two sentences of cosine ``cos``: word and 2- to 4-gram overlap
    both ways, the longest common subsequence and the edit distance of their words, lengths, content words and
    numbers only one side gives, the same numbers on both sides, a negation on one side only, shared and unmatched
    names, and whether both report the same act: shared verbs, the same numbers of the same things, the same
    subject."""
    return _features(cos, _parts(text_a), _parts(text_b), names_a, names_b)


def _features(cos: float, a: _Parts, b: _Parts, names_a: frozenset[str], names_b: frozenset[str]) -> list[float]:
    ta, tb = a.tokens, b.tokens
    ua, ub, ca, cb, ba, bb = a.unique, b.unique, a.content, b.content, a.bigrams, b.bigrams
    na, nb, ka, kb, va, vb = a.numbers, b.numbers, a.counted, b.counted, a.verbs, b.verbs
    common = common_subsequence(ta, tb)
    return [
        cos,
        _jaccard(ca, cb),
        _share(ca, cb, min),
        _jaccard(ba, bb),
        min(len(ta), len(tb)) / max(len(ta), len(tb), 1),
        float(bool(na) and na == nb),
        float(a.negated != b.negated),
        _jaccard(names_a, names_b),
        float(bool(names_a) and bool(names_b) and not (names_a <= names_b or names_b <= names_a)),
        _share(ca, cb, max),
        _share(ua, ub, max),
        _share(ua, ub, min),
        _share(ba, bb, min),
        cos * cos,
        _share(a.trigrams, b.trigrams, min),
        math.log1p(abs(len(ta) - len(tb))),
        len(ca ^ cb) / max(len(ca | cb), 1) * cos,
        _jaccard(va, vb),
        float(bool(va) and bool(vb) and not va & vb),
        _share(ka, kb, min) if ka and kb else 0.0,
        _jaccard(a.subject, b.subject),
        _share(ba, bb, max),
        _share(a.trigrams, b.trigrams, max),
        _share(a.fourgrams, b.fourgrams, min),
        _share(a.fourgrams, b.fourgrams, max),
        common / max(min(len(ta), len(tb)), 1),
        common / max(len(ta), len(tb), 1),
        edit_distance(ta, tb) / max(len(ta), len(tb), 1),
        math.log1p(min(len(ca - cb), len(cb - ca))),
        math.log1p(max(len(ca - cb), len(cb - ca))),
        float(bool(na) and bool(nb) and not na & nb),
        len(na ^ nb) / max(len(na | nb), 1),
        math.log1p(len(na ^ nb)),
    ]


def fact_probability(features: list[float], settings: AnalyzeSettings) -> float:
    """Probability that two sentences state the same fact, by the logistic model of ``fact_weights``."""
    z = settings.fact_bias + sum(w * x for w, x in zip(settings.fact_weights, features, strict=True))
    return 1.0 / (1.0 + math.exp(-z))


def uses_fact_model(settings: AnalyzeSettings) -> bool:
    """Whether same-fact decisions use the logistic model (fit for MiniLM cosines) or cosine plus bonus (the
    hashing fallback encoder, or ``fact_weights`` emptied)."""
    return bool(settings.fact_weights) and get_embedder().name != HashingEncoder.name


def fact_threshold(settings: AnalyzeSettings) -> float:
    """The same-fact threshold for the scorer and encoder in use (the hashing fallback's cosines run lower)."""
    if get_embedder().name == HashingEncoder.name:
        return settings.fact_similarity_lexical
    return settings.fact_probability if settings.fact_weights else settings.fact_similarity


def pair_score(
    cos: float,
    a: Unit,
    b: Unit,
    idf: dict[str, float],
    settings: AnalyzeSettings,
    model: bool,
    parts: Callable[[str], _Parts] = _parts,
) -> float:
    """Same-fact score of two units: the model's probability, or cosine plus name/figure bonus. ``parts`` may serve
    each sentence's word sets from a cache (a story's sentences take part in many pairs)."""
    if model:
        return fact_probability(_features(cos, parts(a.text), parts(b.text), a.names, b.names), settings)
    return cos + pair_bonus(a.names, b.names, a.figures, b.figures, idf, settings)


# ---------------------------------------------------------------------------------------------------------------
# Alignment
# ---------------------------------------------------------------------------------------------------------------


def briefing_articles(articles: list[Article], max_articles: int) -> list[Article]:
    """The articles a story's briefing reads: all of them up to ``max_articles``; past it, a fixed choice of that
    many (``AnalyzeSettings.max_story_articles``): originals before copies, taken in turn from each outlet (outlets
    with the newest article first), each outlet's newest first; returned in the story's order. Needs no text: the
    choice is made from the stored metadata before any text is loaded."""
    if len(articles) <= max_articles:
        return articles
    present = {a.id for a in articles}
    chosen: set[str] = set()
    originals = [a for a in articles if not a.copy_of or a.copy_of not in present]
    copies = [a for a in articles if a.copy_of and a.copy_of in present]
    for kind in (originals, copies):
        newest = sorted(sorted(kind, key=lambda a: a.id), key=lambda a: a.published or "", reverse=True)
        by_outlet: dict[str, list[Article]] = {}
        for a in newest:  # outlets in the order of their newest article
            by_outlet.setdefault(a.outlet or a.id, []).append(a)
        queues = list(by_outlet.values())
        depth = 0
        while len(chosen) < max_articles and any(depth < len(q) for q in queues):
            for q in queues:
                if depth < len(q) and len(chosen) < max_articles:
                    chosen.add(q[depth].id)
            depth += 1
    return [a for a in articles if a.id in chosen]


def briefing_text(article: Article, max_chars: int) -> Article:
    """The article as a briefing reads it: its text cut to its first ``max_chars`` characters
    (``AnalyzeSettings.max_article_chars``, :func:`tidings.text.text_head`). The stored article keeps its whole
    text; only facts, quotes, entities, figures and the summary see the cut one."""
    return article if len(article.text) <= max_chars else replace(article, text=text_head(article.text, max_chars))


def _units(
    articles: list[Article], sentences: dict[str, list[Sentence]], groups: dict[str, str], settings: AnalyzeSettings
) -> list[Unit]:
    """The body sentences taking part in facts: no headings, no page furniture, no questions, none shorter than
    ``min_fact_words``; at most ``max_sentences_per_article`` per article and ``max_story_sentences`` per story
    (past which the rest of the story's sentences, in article order, take no part: a memory bound no news story
    reaches)."""
    source = source_groups(articles, groups)
    units: list[Unit] = []
    for ai, article in enumerate(articles):
        body = [s for s in sentences.get(article.id, []) if not s.is_heading and not is_furniture(s.text)]
        # a question reports nothing ('So what's the deal with the CDC's new guidance?' was one outlet's exclusive),
        # nor does advice to the reader ('Don't wear a mask.' was another),
        # nor does a sentence ending in a colon: it introduces a list ('The Doobie Brothers 50th Anniversary Tour
        # 2020 dates:' was one mention of a three-source fact)
        kept = [
            s for s in body
            if len(s.text.split()) >= settings.min_fact_words and not is_question(s.text) and not is_advice(s.text)
            and not s.text.rstrip().endswith(":")
        ]  # fmt: skip
        for pos, s in enumerate(kept[: settings.max_sentences_per_article]):
            if len(units) >= settings.max_story_sentences:
                return units
            units.append(Unit(s, ai, groups[article.id], pos, source=source[article.id]))
    return units


@dataclass
class Nodes:
    """The distinct sentence texts of a story (a wire sentence repeated by 50 copies is embedded and compared once).

    ``of[u]`` is the node of unit ``u``; ``units[n]`` the units sharing node ``n``'s text; ``emb`` one row per node.
    """

    of: list[int]
    units: list[list[int]]
    emb: np.ndarray


def make_nodes(units: list[Unit]) -> tuple[Nodes, list[str]]:
    """Group units by normalized text; returns the nodes (embeddings still empty) and one text per node."""
    index: dict[str, int] = {}
    of: list[int] = []
    members: list[list[int]] = []
    texts: list[str] = []
    for u, unit in enumerate(units):
        key = " ".join(words(unit.text)) or unit.text
        n = index.setdefault(key, len(members))
        if n == len(members):
            members.append([])
            texts.append(unit.text)
        members[n].append(u)
        of.append(n)
    return Nodes(of, members, np.zeros((len(members), 0), dtype=np.float32)), texts


def _candidate_pairs(emb: np.ndarray, floor: float, block: int, max_neighbours: int) -> list[tuple[int, int, float]]:
    """Pairs (i < j) of distinct sentence texts with cosine >= ``floor``, computed block by block, in (i, j) order.
    Each text brings at most its ``max_neighbours`` most similar others (ties: the earlier text), so the pairs are
    at most that many per text however alike a story's sentences are (a pair is kept when either side brings it)."""
    out: set[tuple[int, int]] = set()
    sims_of: dict[tuple[int, int], float] = {}
    for start in range(0, len(emb), block):
        sims = emb[start : start + block] @ emb.T
        for r in range(len(sims)):
            row, i = sims[r], start + r
            cols = np.flatnonzero(row >= floor)
            cols = cols[cols != i]
            if len(cols) > max_neighbours:  # the most similar, then the lowest index: a fixed choice
                cols = cols[np.lexsort((cols, -row[cols]))[:max_neighbours]]
            for c in cols.tolist():
                pair = (i, c) if i < c else (c, i)
                if pair not in out:
                    out.add(pair)
                    sims_of[pair] = float(row[c])
    return [(i, j, sims_of[(i, j)]) for i, j in sorted(out)]


def same_fact_pairs(
    units: list[Unit], nodes: Nodes, settings: AnalyzeSettings, margin: float = 0.0
) -> tuple[list[tuple[float, int, int, float, float]], list[tuple[int, int, float]]]:
    """Node pairs that report the same fact by the pairwise criterion (cosine plus name/figure bonus at or above
    the fact threshold minus ``margin``) as (score, p, q, bonus, cosine), strongest first; and every candidate pair
    (for conflicts)."""
    threshold = fact_threshold(settings) - margin
    model = uses_fact_model(settings)
    max_bonus = settings.fact_name_bonus + settings.fact_figure_bonus
    floor = min(settings.fact_min_cosine if model else threshold - max_bonus, settings.conflict_similarity)
    pairs = _candidate_pairs(nodes.emb, floor, settings.similarity_block, settings.fact_max_neighbours)
    idf = name_idf(units[m[0]].names for m in nodes.units)
    scored: list[tuple[float, int, int, float, float]] = []
    cache: dict[str, _Parts] = {}

    def parts(text: str) -> _Parts:
        found = cache.get(text)
        if found is None:
            found = cache[text] = _parts(text)
        return found

    for p, q, cos in pairs:
        a, b = units[nodes.units[p][0]], units[nodes.units[q][0]]
        if cos < floor:
            continue
        score = pair_score(cos, a, b, idf, settings, model, parts)
        if score >= threshold:
            scored.append((score, p, q, 0.0 if model else score - cos, cos))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    return scored, pairs


# A report that an act is expected is another statement than the act ('the CDC is expected to announce ...' / 'the
# CDC said ...'; 'DeSantis intends to sign' / 'DeSantis signed'): read multi-source facts of the AllSides crawl most
# often went wrong so. A sentence with a marker of EXPECTATION is no mention of the same fact as one with no marker
# of the future at all (PROSPECTIVE: 'will release' / 'is set to release' are one fact). Tables, matched on words.
EXPECTATION = re.compile(
    r"\b(?:(?:is|are|was|were|'s|’s|been|being)\s+(?:now\s+|also\s+|widely\s+)?"
    r"(?:expected|set|poised|likely|slated|scheduled|due|close|preparing|planning|considering|weighing|mulling)"
    # a time in between: 'is expected by next week to grant', 'is expected as soon as Monday to sign'
    r"(?:\s+(?:by|as\s+soon\s+as|within|early|later|next|this)(?:\s+[\w.-]+){1,3}?)?\s+to"
    r"|intends?\s+to|intending\s+to|plans?\s+to|is\s+(?:considering|weighing|mulling)|could\s+soon)\b",
    re.IGNORECASE,
)
PROSPECTIVE = re.compile(
    r"\b(?:will|would|could|may|might|shall|soon|upcoming|expected|plans?|planned|planning|intends?|set\s+to"
    r"|next\s+(?:week|month|year|day|session)|later\s+(?:this|in)|tomorrow)\b|['’]ll\b",
    re.IGNORECASE,
)


def expectation_vs_act(text_a: str, text_b: str) -> bool:
    """One sentence says an act is expected and the other says nothing of the future: two statements."""
    ea, eb = bool(EXPECTATION.search(text_a)), bool(EXPECTATION.search(text_b))
    return (ea and not PROSPECTIVE.search(text_b)) or (eb and not PROSPECTIVE.search(text_a))


def dated_apart(a: Unit, b: Unit) -> bool:
    """Two sentences date two different acts on different days ('Pelosi revealed a bill on Monday' / 'The House
    voted Wednesday to form the committee'): two statements, not one fact. The same act dated differently
    (:func:`_same_event`) stays one fact, so that the sources' disagreement is found as a date conflict."""
    for kind in ("weekday", "day"):
        da, db = a.dates.get(kind), b.dates.get(kind)
        if da and db and da.verbs and db.verbs and da.value != db.value and not _same_event(da, db):
            return True
    return False


def align_facts(
    units: list[Unit], nodes: Nodes, settings: AnalyzeSettings
) -> tuple[list[list[int]], list[tuple[int, int, float]], list[tuple[float, int, int, float]]]:
    """Group sentences into facts (lists of unit indexes); also return the candidate node pairs (for conflicts)
    and the *echoes*: the pairs of :func:`same_fact_pairs` that score at least ``exclusive_echo_probability``
    (a sentence with an echo in another source is no exclusive).

    Sentences with the same text start in one group (one per article). Then links between texts, strongest
    first: two groups merge only when they share no article and every pair of their texts scores at least the
    fact threshold minus ``fact_link_margin`` (``fact_link_margin_lexical`` for the hashing encoder): complete link,
    so each mention states the fact and none joins through a middle sentence. With the model, a pair must also be
    at least ``fact_same_min_cosine`` close to count as one fact (not to count as an echo), and no pair where one
    sentence expects an act the other reports (:func:`expectation_vs_act`), or that date two acts on two days
    (:func:`dated_apart`), is one fact."""
    threshold = fact_threshold(settings)
    lexical = get_embedder().name == HashingEncoder.name
    margin = settings.fact_link_margin_lexical if lexical else settings.fact_link_margin
    # the echo threshold is a probability of the same-fact model; the cosine fallbacks have no calibrated margin
    model = uses_fact_model(settings) and not lexical
    echo_margin = max(0.0, threshold - settings.exclusive_echo_probability) if model else 0.0
    same_floor = settings.fact_same_min_cosine if model else -1.0
    supported, pairs = same_fact_pairs(units, nodes, settings, margin=max(margin, echo_margin))

    def text(node: int) -> str:
        return units[nodes.units[node][0]].text

    # the pairs that may be one fact, each judged once: links of the complete-link check and merges alike
    linked = [
        t for t in supported
        if t[0] >= min(threshold, threshold - margin) and t[4] >= same_floor
        and not expectation_vs_act(text(t[1]), text(t[2]))
        and not dated_apart(units[nodes.units[t[1]][0]], units[nodes.units[t[2]][0]])
    ]  # fmt: skip
    support = {(t[1], t[2]) for t in linked if t[0] >= threshold - margin}
    scored = [t[:4] for t in linked if t[0] >= threshold]
    echoes = [t[:4] for t in supported if t[0] >= threshold - echo_margin]

    parent = list(range(len(units)))
    members: dict[int, list[int]] = {}
    arts: dict[int, set[int]] = {}
    texts: dict[int, set[int]] = {}
    for n, node_units in enumerate(nodes.units):
        head = node_units[0]
        members[head], arts[head], texts[head] = [], set(), {n}
        for u in node_units:
            if units[u].article_index in arts[head]:
                members[u], arts[u], texts[u] = [u], {units[u].article_index}, {n}  # repeated in one article
            else:
                parent[u] = head
                members[head].append(u)
                arts[head].add(units[u].article_index)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def all_linked(a: int, b: int) -> bool:
        return all(x == y or (min(x, y), max(x, y)) in support for x in texts[a] for y in texts[b])

    for _score, p, q, _bonus in scored:
        a, b = find(nodes.units[p][0]), find(nodes.units[q][0])
        if a == b or arts[a] & arts[b] or not all_linked(a, b):
            continue
        if len(members[a]) < len(members[b]):
            a, b = b, a
        parent[b] = a
        members[a] += members.pop(b)
        arts[a] |= arts.pop(b)
        texts[a] |= texts.pop(b)
    clusters = [sorted(m, key=lambda k: (units[k].article_index, units[k].position)) for m in members.values()]
    return clusters, pairs, echoes


# ---------------------------------------------------------------------------------------------------------------
# Facts
# ---------------------------------------------------------------------------------------------------------------


def _source_name(article: Article) -> str:
    """How an exclusive names its source: the outlet, else 'unknown site' (never the article's title)."""
    return article.outlet or UNKNOWN_SITE


def _echoed_units(
    units: list[Unit],
    nodes: Nodes,
    echoes: list[tuple[float, int, int, float]],
    pairs: Sequence[tuple[int, int, float]] = (),
    echo_cosine: float = 1.0,
) -> dict[int, set[str]]:
    """Units whose text another independent source also reports (the ``echoes`` of :func:`align_facts`: the
    pairwise same-fact score, a little below the fact threshold; or a candidate pair at least ``echo_cosine``
    close), whether or not the two could be aligned into one fact (a fact takes one sentence per article, and a
    group must hold together on average), with the articles that echo them: such a sentence is not an exclusive,
    even when its fact has one source."""
    echoed: dict[int, set[str]] = defaultdict(set)
    linked = [(p, q) for _score, p, q, _bonus in echoes] + [(p, q) for p, q, cos in pairs if cos >= echo_cosine]
    for p, q in linked:
        for mine, theirs in ((p, q), (q, p)):
            for u in nodes.units[mine]:
                echoed[u].update(units[v].article_id for v in nodes.units[theirs] if units[v].source != units[u].source)
    return {u: ids for u, ids in echoed.items() if ids}


def _copied_units(
    clusters: list[list[int]],
    units: list[Unit],
    sentences: dict[str, list[Sentence]],
    echoed: dict[int, set[str]],
    settings: AnalyzeSettings,
) -> dict[int, set[str]]:
    """Units of one-source facts whose words another source prints too, however it splits them into sentences: a
    quote one outlet gives in one sentence and another cuts in two around its attribution ('"We will win," he said.
    "The voters are with us."'), or wraps with other words. A unit is echoed by an article of another source when at
    least ``exclusive_copy_coverage`` of its words lie in runs of ``exclusive_copy_ngram`` words that the article
    has too (its sentences read as one word sequence, across their ends). Bounded: one look-up per word of the
    story's articles, and only the runs of one-source sentences are kept (with the articles that print them)."""
    n = settings.exclusive_copy_ngram
    candidates = sorted(
        m for members in clusters if len({units[u].source for u in members}) == 1 for m in members if m not in echoed
    )
    if not candidates or n <= 0:
        return {}
    grams_of: dict[int, list[tuple[str, ...]]] = {}
    for u in candidates:
        toks = words(units[u].text)
        grams_of[u] = [tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)]
    wanted = {g for grams in grams_of.values() for g in grams}
    source_of: dict[str, str] = {}
    for unit in units:
        source_of.setdefault(unit.article_id, unit.source)
    printed_in: dict[tuple[str, ...], set[str]] = defaultdict(set)  # a run -> the articles that print it
    for article_id in source_of:
        toks = [w for s in sentences.get(article_id, []) for w in words(s.text)]
        for i in range(len(toks) - n + 1):
            if (g := tuple(toks[i : i + n])) in wanted:
                printed_in[g].add(article_id)
    out: dict[int, set[str]] = {}
    for u in candidates:
        grams = grams_of[u]
        covered: dict[str, set[int]] = defaultdict(set)
        for i, gram in enumerate(grams):
            for article_id in printed_in.get(gram, ()):
                if source_of[article_id] != units[u].source:
                    covered[article_id].update(range(i, i + n))
        size = len(grams) + n - 1
        ids = {a for a, at in covered.items() if len(at) >= settings.exclusive_copy_coverage * size}
        if ids:
            out[u] = ids
    return out


def _build_facts(
    clusters: list[list[int]],
    units: list[Unit],
    emb: np.ndarray,
    articles: list[Article],
    groups: dict[str, str],
    settings: AnalyzeSettings,
    echoed: dict[int, set[str]] | None = None,
) -> list[Fact]:
    """Every fact of the aligned clusters, most corroborated first, then exclusives in turn per source (nothing is
    cut). A fact's count is its outlets (:func:`tidings.dedupe.source_groups`); its text the mention closest to all
    the others. A one-source fact is marked exclusive (``exclusive_to``) only when none of its sentences is
    ``echoed``; else it names the articles that echo it (``echoed_by``)."""
    echoed = echoed or {}
    by_id = {a.id: a for a in articles}
    ranked: list[tuple[tuple[Any, ...], Fact, int]] = []
    for members in clusters:
        sources = {units[k].source for k in members}
        if len(sources) == 1 and all(is_truncated(units[k].text) or is_tail(units[k].text) for k in members):
            continue  # one source's cut-off sentence ('The Senate voted to...', '...who are balking') is no fact
        article_ids = list(dict.fromkeys(units[k].article_id for k in members))
        vecs = emb[members]
        centrality = (vecs @ vecs.sum(axis=0)) if len(members) > 1 else np.ones(1)
        # The representative: an original (not a copy), then one that reads whole (not the tail of a split quote, no
        # unpaired quotation mark), then the most central mention (the one the others support most), then the
        # earliest.
        best = max(
            range(len(members)),
            key=lambda r: (
                by_id[units[members[r]].article_id].copy_of is None,
                not is_broken(units[members[r]].text),
                round(float(centrality[r]), 6),
                -units[members[r]].position,
            ),
        )
        rep = units[members[best]]
        exclusive_to = None
        echoed_ids = {a for k in members for a in echoed.get(k, ())} if len(sources) == 1 else set()
        echoed_by = [a.id for a in articles if a.id in echoed_ids] if echoed_ids else []
        if len(sources) == 1 and not echoed_by:
            # a copy's own sentence (one its original does not carry) is the copy's outlet's, not its original's
            stated_by_root = any(units[k].article_id == rep.group for k in members)
            exclusive_to = _source_name(by_id[rep.group] if stated_by_root else by_id[rep.article_id])
        fact = Fact(
            text=strip_dateline(rep.text),  # shown as the summary shows a sentence; each mention stays verbatim
            article_ids=article_ids,
            independent_sources=len(sources),
            mentions=[Mention(units[k].article_id, units[k].text, by_id[units[k].article_id].site) for k in members],
            exclusive_to=exclusive_to,
            echoed_by=echoed_by,
        )
        first = min(units[k].position for k in members)
        ranked.append(((-len(sources), first, rep.article_index), fact, rep.article_index))
    ranked.sort(key=lambda t: t[0])
    shared = [f for _, f, _ in ranked if f.independent_sources > 1]
    # Exclusives taken in turn from each source, so that every outlet is represented near the top.
    per_source: dict[int, list[Fact]] = defaultdict(list)
    for _, f, ai in ranked:
        if f.independent_sources == 1:
            per_source[ai].append(f)
    exclusives: list[Fact] = []
    for depth in range(max((len(v) for v in per_source.values()), default=0)):
        exclusives += [per_source[ai][depth] for ai in sorted(per_source) if depth < len(per_source[ai])]
    return shared + exclusives


# ---------------------------------------------------------------------------------------------------------------
# Conflicts
# ---------------------------------------------------------------------------------------------------------------


def _about(fm: FigureMention) -> str:
    if fm.counts and fm.unit and singular(fm.unit) != singular(fm.counts):
        return f"{fm.counts.lower()} ({fm.unit})"
    if fm.counts:
        return fm.counts.lower()
    return {"percent": "percentage"}.get(fm.unit or "", f"amount ({fm.unit})" if fm.unit else "number")


def _compatible(a: FigureMention, b: FigureMention, tolerance: float, approx: float | None = None) -> bool:
    lo_a, hi_a = a.interval(tolerance, approx)
    lo_b, hi_b = b.interval(tolerance, approx)
    return lo_a <= hi_b and lo_b <= hi_a


def values_disagree(a: FigureMention, b: FigureMention, settings: AnalyzeSettings) -> bool:
    """Two figures' values tell of one quantity differently: incompatible (beyond rounding and qualifiers) yet no
    more than ``conflict_max_ratio`` apart."""
    return not _compatible(a, b, settings.conflict_tolerance, settings.conflict_approx_tolerance) and (
        _comparable_values(a, b, settings.conflict_max_ratio)
    )


def _comparable_values(a: FigureMention, b: FigureMention, max_ratio: float) -> bool:
    """Values close enough to be two reports of one quantity ('nearly 80' / '84'), not of two things that share a
    noun ('11 billion doses' needed / 'two doses' each)."""
    lo, hi = sorted((abs(a.value or 0.0), abs(b.value or 0.0)))
    return lo > 0 and hi / lo <= max_ratio


def is_forecast(fm: FigureMention) -> bool:
    """Whether a figure is given as an expectation, forecast or target rather than as what happened."""
    return not_a_quantity(fm) == "forecast or target"


def _words_after(fm: FigureMention, n: int = 3) -> list[str]:
    """The next ``n`` words after a figure, within its clause."""
    return words(_CLAUSE_BREAK.split(fm.sentence[fm.end :], maxsplit=1)[0])[:n]


# Words after an amount that say only that it is some plan: '$1 trillion plan' and '$3.5 trillion plan' need more
# ('infrastructure', 'budget') to be of the same thing.
_GENERIC_THINGS = {
    "plan", "bill", "package", "proposal", "deal", "measure", "program", "programme", "legislation", "fund",
    "law", "agreement", "effort", "initiative", "project", "scheme", "version", "total", "figure", "sum",
}  # fmt: skip


def _thing(fm: FigureMention) -> frozenset[str]:
    """What an amount that names no counted noun is of, from the words after it: '$1 trillion infrastructure bill'
    -> {infrastructure}; two such amounts are the same quantity only when they share one of these."""
    return frozenset(
        _event_stem(w)
        for w in _words_after(fm)
        if len(w) > 2 and w not in _EVENT_STOP and singular(w) not in _GENERIC_THINGS
    )


def _components(n: int, linked: Callable[[int, int], bool]) -> list[list[int]]:
    """Indexes 0..n-1 grouped by ``linked`` taken transitively, each group in index order, groups by their first
    index (n is the handful of sentences or figures of one fact: all pairs are fine)."""
    label = list(range(n))
    for i in range(n):
        for j in range(i + 1, n):
            if label[i] != label[j] and linked(i, j):
                old = label[j]
                label = [label[i] if x == old else x for x in label]
    groups: dict[int, list[int]] = defaultdict(list)
    for i, lab in enumerate(label):
        groups[lab].append(i)
    return list(groups.values())


def _linked_groups(items: list[tuple[Unit, FigureMention]]) -> list[list[tuple[Unit, FigureMention]]]:
    """Amounts with no counted noun, grouped by what they are of (shared words after them, transitively)."""
    things = [_thing(fm) for _, fm in items]
    return [[items[i] for i in group] for group in _components(len(items), lambda i, j: bool(things[i] & things[j]))]


def takes_part(fm: FigureMention, need_counts: bool = False) -> bool:
    """Whether a figure can be one side of a conflict: a value with a unit (and a counted noun when ``need_counts``)
    that is a quantity (:func:`tidings.claims.not_a_quantity`) and not listed after another figure
    (:func:`tidings.claims.listed`)."""
    if fm.value is None or fm.unit is None or (need_counts and fm.counts is None):
        return False
    return not not_a_quantity(fm) and not listed(fm)


def _same_thing(a: FigureMention, b: FigureMention) -> bool:
    """Two figures of one thing: the same counted noun and unit; amounts that count no noun also share a word
    after them (:func:`_thing`)."""
    return a.key == b.key and (a.key[0] is not None or bool(_thing(a) & _thing(b)))


def pair_disagrees(
    a: FigureMention,
    b: FigureMention,
    figures_a: list[FigureMention],
    figures_b: list[FigureMention],
    settings: AnalyzeSettings,
) -> bool:
    """The conflict rules on one pair of figures of two sentences (whose figures are ``figures_a``/``figures_b``),
    as :func:`find_conflicts` applies them to the sentences it compares: both take part, are of one thing and the
    only value of it in their sentence (else ambiguous), have the same scope and disagreeing values. What
    ``benchmarks/conflicts.py --rules-only`` scores."""
    if not (takes_part(a) and takes_part(b) and _same_thing(a, b)):
        return False
    for fm, figures in ((a, figures_a), (b, figures_b)):
        if len({g.value for g in figures if takes_part(g) and _same_thing(fm, g)} | {fm.value}) > 1:
            return False
    return same_scope(claim_scope(a), claim_scope(b)) and values_disagree(a, b, settings)


def _figure_conflicts(
    members: list[int], units: list[Unit], settings: AnalyzeSettings, need_counts: bool
) -> list[Conflict]:
    """Conflicts among the figures of a set of sentences (one fact, or a pair of near-identical sentences). Left
    out: figures that are no quantity (forecasts, rates, versions, ranks: :func:`tidings.claims.not_a_quantity`) or
    listed after another ('12 magazines' in 'six rifles, 12 magazines and 300 rounds': :func:`tidings.claims.listed`),
    and amounts that name nothing they count unless another source's amount is of the same thing ('$1 trillion
    infrastructure bill' / '$1.2 trillion infrastructure package', but not '$3.5 trillion budget blueprint'). Two
    figures disagree only when they have the same scope (:func:`tidings.claims.same_scope`: '21 of the
    schoolgirls' is a part of '276 schoolgirls', '128 other politicians' are more than the leaders, 'in 2020' is
    not 'in 2021')."""
    by_key: dict[tuple[str | None, str | None], list[tuple[Unit, FigureMention]]] = defaultdict(list)
    for k in members:
        for fm in units[k].figures:
            if not takes_part(fm, need_counts):
                continue
            by_key[fm.key].append((units[k], fm))
    out: list[Conflict] = []
    for key, items in by_key.items():
        for claims in _linked_groups(items) if key[0] is None else [items]:
            out += _disagreements(claims, key[0] is not None, settings)
    return out


def _disagreements(
    claims: list[tuple[Unit, FigureMention]], counted: bool, settings: AnalyzeSettings
) -> list[Conflict]:
    """The claims of one thing grouped by pairs that disagree: sources whose figures have the same scope and
    incompatible values. A source giving two values of the thing in one sentence is ambiguous: it is left out."""
    per_group: dict[tuple[str, str], set[float | None]] = defaultdict(set)
    for unit, fm in claims:
        per_group[(unit.group, unit.text)].add(fm.value)
    kept = [(u, fm) for u, fm in claims if len(per_group[(u.group, u.text)]) == 1]
    scopes = [claim_scope(fm) for _, fm in kept]

    def disagree(i: int, j: int) -> bool:
        (ui, fi), (uj, fj) = kept[i], kept[j]
        return ui.group != uj.group and same_scope(scopes[i], scopes[j]) and values_disagree(fi, fj, settings)

    def same_claim(i: int, j: int) -> bool:  # agreeing sources are listed with the disagreement they take part in
        fi, fj = kept[i][1], kept[j][1]
        return same_scope(scopes[i], scopes[j]) and _compatible(
            fi, fj, settings.conflict_tolerance, settings.conflict_approx_tolerance
        )

    out: list[Conflict] = []
    for group in _components(len(kept), disagree):
        if len(group) < 2:
            continue
        members = set(group)
        members |= {j for j in range(len(kept)) for i in group if j not in members and same_claim(i, j)}
        ordered = [kept[i] for i in sorted(members)]
        if len({u.group for u, _ in ordered}) < 2:
            continue
        out.append(
            Conflict(
                about=_about(ordered[0][1]) if counted else _about_amount(ordered),
                claims=[Claim(u.article_id, u.text, describe_value(fm)) for u, fm in ordered],
            )
        )
    return out


def _about_amount(claims: list[tuple[Unit, FigureMention]]) -> str:
    """What amounts that name no counted noun are of, from the words after them that every claim shares
    ('$1 trillion infrastructure bill', '$1.2 trillion infrastructure package' -> 'infrastructure (USD)')."""
    shared = frozenset.intersection(*(_thing(fm) for _, fm in claims))
    fm = claims[0][1]
    named = [w for w in _words_after(fm) if _event_stem(w) in shared]
    return f"{' '.join(named)} ({fm.unit})" if named else _about(fm)


def _same_event(a: DateMention, b: DateMention) -> bool:
    """Two dates go with the same verb (the closest to one is one of the two closest to the other) followed by a
    word in common."""
    return (a.verbs[0] in b.verbs or b.verbs[0] in a.verbs) and bool(a.what & b.what)


def _date_conflicts(members: list[int], units: list[Unit]) -> list[Conflict]:
    """Sources dating the same event differently: in one fact, sentences whose weekday (or day of month) goes with
    the same verb followed by a word in common (``_same_event``: 'ordered troops to get the vaccine on Wednesday' /
    'were ordered Tuesday to start getting their troops vaccinated') and differs between sources. A fact's sentences
    may date different events ('the Senate passed the infrastructure bill on Tuesday' / 'passed a budget blueprint
    on Wednesday'), and statements are made on many days: those are no conflict."""
    out: list[Conflict] = []
    for kind in ("weekday", "day"):
        dated = [k for k in members if (m := units[k].dates.get(kind)) is not None and m.verbs]
        mentions = [units[k].dates[kind] for k in dated]
        groups = _components(len(dated), lambda i, j, m=mentions: _same_event(m[i], m[j]))  # type: ignore[misc]
        events = [[dated[i] for i in group] for group in groups]
        for event_units in events:
            per_group: dict[str, set[str]] = defaultdict(set)
            for k in event_units:
                per_group[units[k].group].add(units[k].dates[kind].value)
            values = {next(iter(v)) for v in per_group.values() if len(v) == 1}
            if len(values) > 1:
                claims = [Claim(units[k].article_id, units[k].text, units[k].dates[kind].value) for k in event_units]
                out.append(Conflict(about="date", claims=claims))
    return out


def find_conflicts(
    clusters: list[list[int]],
    pairs: list[tuple[int, int, float]],
    units: list[Unit],
    nodes: Nodes,
    settings: AnalyzeSettings,
) -> list[Conflict]:
    """Figures and dates given differently: within each multi-source fact, and between near-identical sentences
    of different facts (there only for figures that say what they count)."""
    conflicts: list[Conflict] = []
    fact_of: dict[int, int] = {}
    for ci, members in enumerate(clusters):
        for k in members:
            fact_of[k] = ci
        if len({units[k].group for k in members}) > 1:
            conflicts += _figure_conflicts(members, units, settings, need_counts=False)
            conflicts += _date_conflicts(members, units)
    for p, q, cos in sorted(pairs, key=lambda t: -t[2]):
        i, j = nodes.units[p][0], nodes.units[q][0]
        if cos < settings.conflict_similarity or fact_of[i] == fact_of[j]:
            continue
        conflicts += _figure_conflicts(nodes.units[p] + nodes.units[q], units, settings, need_counts=True)
    return merge_conflicts(conflicts)[: settings.max_conflicts]


def merge_conflicts(conflicts: list[Conflict]) -> list[Conflict]:
    """One conflict per disagreement: conflicts about the same thing that share a claim (the same figure of the same
    sentence, found in a fact and again in a pair, or in pairs A-B, B-C and A-C) become one listing every claim
    once, in the order found, unless an article would then give two values."""
    parent = list(range(len(conflicts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Each group's value per article: two disagreements are not merged when an article would give two values in
    # the result (943,000 jobs in July against 235,000 in August, and 943,000 against the revised 1 million).
    values: list[dict[str, str]] = [{x.article_id: x.value for x in c.claims} for c in conflicts]
    owner: dict[tuple[str, str, str, str], int] = {}
    for i, c in enumerate(conflicts):
        for x in c.claims:
            key = (c.about, x.article_id, x.text, x.value)
            if key not in owner:
                owner[key] = i
                continue
            a, b = find(i), find(owner[key])
            if a != b and all(values[b].get(art, v) == v for art, v in values[a].items()):
                parent[a] = b
                values[b].update(values[a])
    members: dict[int, list[int]] = {}
    for i in range(len(conflicts)):
        members.setdefault(find(i), []).append(i)
    out: list[Conflict] = []
    for group in sorted(members.values()):
        claims: list[Claim] = []
        seen: set[tuple[str, str, str]] = set()
        for i in group:
            for x in conflicts[i].claims:
                if (x.article_id, x.text, x.value) not in seen:
                    seen.add((x.article_id, x.text, x.value))
                    claims.append(x)
        out.append(Conflict(conflicts[group[0]].about, claims))
    return out


# ---------------------------------------------------------------------------------------------------------------
# The stage
# ---------------------------------------------------------------------------------------------------------------


def _quotes(
    articles: list[Article],
    sentences: dict[str, list[Sentence]],
    entities: list[Entity],
    settings: AnalyzeSettings,
) -> list[Quote]:
    """Quotes of every article, speakers as canonical names, each said once (:func:`tidings.quotes.merge_quotes`):
    a quote several articles carry (copies included) is one quote listing them all."""
    out: list[Quote] = []
    for article in articles:
        for q in extract_quotes(article, sentences.get(article.id, []), settings):
            if q.speaker:
                q.speaker = canonical_name(q.speaker, entities)
            out.append(q)
    return merge_quotes(out, settings)


def analyze_story(
    story: Story, articles: list[Article], sentences: dict[str, list[Sentence]], settings: AnalyzeSettings
) -> Story:
    """Fill the story's facts, conflicts, quotes, entities, figures and independent source count."""
    groups = independent_groups(articles)
    story.independent_sources = len(set(source_groups(articles, groups).values()))
    units = _units(articles, sentences, groups, settings)
    nodes, texts = make_nodes(units)
    nodes.emb = get_embedder().encode(texts) if texts else np.zeros((0, 1), dtype=np.float32)
    for node_units, (names, figs, dates) in zip(nodes.units, sentence_features(texts), strict=True):
        for u in node_units:
            units[u].names, units[u].figures, units[u].dates = names, figs, dates
    clusters, pairs, echoes = align_facts(units, nodes, settings)
    emb = nodes.emb[nodes.of] if units else nodes.emb
    echoed = _echoed_units(units, nodes, echoes, pairs, settings.exclusive_echo_cosine)
    echoed.update(_copied_units(clusters, units, sentences, echoed, settings))
    story.facts = _build_facts(clusters, units, emb, articles, groups, settings, echoed)
    story.conflicts = find_conflicts(clusters, pairs, units, nodes, settings)
    fact_of = {k: ci for ci, members in enumerate(clusters) for k in members}
    story.figures = merge_figures(
        ((u.article_id, fm, fact_of.get(k, -1 - k)) for k, u in enumerate(units) for fm in u.figures),
        settings.figure_merge_min_value,
    )[: settings.max_figures]
    story.entities = extract_entities(articles, sentences, settings)
    story.quotes = _quotes(articles, sentences, story.entities, settings)
    story.events = dated_events(story.facts, articles, settings, story.quotes)
    return story
