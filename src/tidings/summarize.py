"""An extractive, cited summary of a story and a neutral headline.

Every body sentence of the story is a candidate (a copy's sentences are taken from its original). Its relevance
mixes what the sources agree on and what the story is about: lexical agreement (share of its content words the
other independent sources also use), corroboration (independent sources of its fact, from the analyze stage's
alignment), centrality (cosine to the story's centroid, each article weighing the same, and the TextRank-style
word-overlap degree among the story's sentences), closeness to the articles' titles and its place in its article
(news leads first), minus penalties for sentences that do not stand alone (a dangling 'He said...', a quote
fragment, unbalanced quotes, too short or too long) and for quotations; a broken sentence (the tail of a split
quotation, quotation marks that do not pair up, an ellipsis where the source cut it off) and then a fragment (under
``fragment_words`` words, or a question) are left out whenever the story has anything else. Maximal marginal
relevance picks 4-7 of them, never two from one fact nor two closer than ``redundancy_threshold``, and marks down a
sentence whose word pairs the summary already has (``repeat_weight``: an outlet's rewording of a chosen
sentence). A summary left short of its word budget may then take a set-aside sentence (too close, or of a used fact
when ``fill_same_fact``) that is no near-paraphrase, under ``fill_threshold``, and brings mostly new words. The
summary is ordered as an inverted pyramid (most relevant first; ``order`` can put them by first appearance in the
articles instead) and each sentence cites every article that reports it, in the story's order of articles.

A summary is read cold, without its articles: a sentence that leans on what came before it (``LEANING_OPENERS``, a
table of openings: 'He said...', 'But the...', 'It was...', 'They...', 'This...') is taken only straight after the
sentence before it in its own article, and one that names what an earlier sentence introduced ('The vote was 285
to 120.') or gives background ('In 2005, ...') never opens the summary; otherwise the next best sentence takes its
place.

The headline is the article title most central to the others, stripped of a site suffix (' - Site', ' | Site');
question, exclamation and loaded-word titles lose.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from .cluster import parse_time
from .dedupe import source_groups
from .figures import singular
from .model import Article, Fact, Sentence, Story, SummarySentence
from .resources import get_embedder
from .settings import SummarizeSettings
from .text import (
    argues,
    fold_whitespace,
    is_advice,
    is_broken,
    is_furniture,
    is_question,
    is_tail,
    quoted_share,
    strip_dateline,
    unbalanced_quotes,
    words,
    writer_voice,
)

_Q = r"[\"“‘'(]?"  # an opening quotation mark or parenthesis before the first word
_TIME_NOUN = (
    r"(?:week|weekend|month|year|morning|afternoon|evening|night|spring|summer|fall|autumn|winter|season|time|days|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b"
)
# 'It' that points forward to its clause, not back: 'It is unclear whether ...', 'It's hard to believe now, but ...',
# 'It's really tragic that ...'.
_EXPLETIVE = (
    r"(?:['’]s|\s+(?:is|was|isn['’]t|wasn['’]t|remains|remained|may be|might be|will be|would be|could be|has been|"
    r"had been|seems|seemed|appears|appeared))(?:\s+(?:not|still|also|now|yet|already|almost|far|too|very|more|less|"
    r"\w+ly))*\s+(?:(?:clear|unclear|likely|unlikely|possible|impossible|hard|difficult|easy|unknown|important|"
    r"worth|the case|true|too early|known|expected|estimated|believed|thought|feared|reported|rare|time|necessary|"
    r"essential|critical|crucial)\b|(?!(?:with|for|in|on|at|by|from|about|as|like|of)\b)\w+,? "
    r"(?:that|to|whether|if|how|when|why|what)\b)"
)
_GENERIC_NOUN = (
    r"(?:vote|decision|move|announcement|statement|order|ruling|memo|report|study|bill|measure|law|plan|deal|"
    r"proposal|policy|changes?|mandate|incident|attack|shooting|case|company|firm|agency|officials?|group|suspect|"
    r"victim|couple|pair|court|judge|panel|committee|pill|drug|effort|event|meeting|talks|agreement|poll|survey|"
    r"findings|results?|figures?|numbers?|data|letter|video|post|tweet|comments|remarks|request|lawsuit|complaint|"
    r"charges|investigation|probe|program|initiative)"
)
_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_COUNT = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|many|a few|some|\w+ty)"
FOLLOWS = "follows"
"""A sentence that reads right only straight after the sentence before it in its own article."""
NOT_FIRST = "not first"
"""A sentence that needs something said before it, though not one sentence in particular."""
# Sentences that lean on what came before them in their article (issue #14), by how they open: name, what they
# need (FOLLOWS: 'He said...', 'But the...', 'It was...', 'They...', 'This...' may not open a summary nor follow
# any sentence but the one before them in their own article; NOT_FIRST: 'The vote was 285 to 120.' names what an
# earlier sentence introduced, 'In 2005, ...' is background, so neither opens a summary), and the pattern matched
# at the sentence's start (case-insensitive; a row with a 'year' group matches only a year before its article's).
# Written reading the summaries of the AllSides crawl; each exception keeps a kind of sentence that stands alone
# there: 'This week, ...', 'It is unclear whether ...', 'So far, ...', 'Instead of ...', 'Both Smith and Jones ...',
# 'Then-President ...', a quoted 'I' or 'we' (the named speaker).
LEANING_OPENERS: tuple[tuple[str, str, str], ...] = (
    ("third-person pronoun", FOLLOWS, rf"{_Q}(?:he|she|they|him|them|his|her|hers|its|their|theirs)\b"),
    ("'it' pointing back", FOLLOWS, rf"{_Q}it\b(?!{_EXPLETIVE})"),
    ("first or second person, unquoted", FOLLOWS, r"(?:i|we|you|my|our|your|(?-i:us))\b"),
    ("demonstrative", FOLLOWS, rf"{_Q}(?:this|that|these|those|such)\b(?! {_TIME_NOUN})"),
    ("conjunction", FOLLOWS, rf"{_Q}(?:but|and|or|nor|yet|plus|so(?! far| many| much| long))\b"),
    (
        "connective",
        FOLLOWS,
        rf"{_Q}(?:also|however|still|instead(?! of)|meanwhile|moreover|furthermore|nevertheless|nonetheless|besides|"
        r"otherwise|thus|hence|therefore|then(?!-)|again|too|likewise|similarly|additionally|accordingly|"
        r"consequently|indeed|regardless|anyway|here)\b|"
        r"(?:later|earlier|afterwards?)(?:,| that\b| the same\b| in the\b)",
    ),
    (
        "referring phrase",
        FOLLOWS,
        rf"{_Q}(?:in (?:addition|response|turn|contrast|fact)|as a result|at the same time|by contrast|even so|"
        r"for (?:his|her|their|its) part|on the other hand|after that|despite (?:this|that|it)|the (?:latter|former|"
        r"same)|another|others?|neither|both(?= (?-i:[a-z]))(?! the\b))\b",
    ),
    # a person named only by a role or party points back at the sentence that named them ('The Democrat argued that
    # voters would rather...' after 'Sen. Brian Schatz said Monday...')
    (
        "person by role",
        FOLLOWS,
        rf"{_Q}the (?:democrat|republican|senator|lawmaker|congressman|congresswoman|governor|mayor|actor|actress|"
        r"singer|rapper|star|billionaire|justice|defendant|\d+-year-old)\b(?!['’]s\b| of\b)",
    ),
    # a sentence that is all one quotation names no speaker: who said it is in the sentence before ('Any final
    # agreement ... We have no further comment.' opened a summary)
    ("unattributed quotation", FOLLOWS, r"[“\"][^“”\"]{3,}[”\"]\s*$"),
    (
        "pronoun speaker",
        FOLLOWS,
        r".*[,”\"’] (?:he|she|they) (?:said|says|added|adds|told|tells|continued|wrote|writes|noted|explained)\b",
    ),
    (
        "bare generic noun",
        NOT_FIRST,
        rf"{_Q}the (?:[\d,.–-]+ )?{_GENERIC_NOUN}(?:,| (?:was|were|is|are|has|have|had|will|would|could|came|comes|"
        r"follows|followed|marks|marked|means|applies|took|takes|also|passed|drew)\b)",
    ),
    (
        "background",
        NOT_FIRST,
        rf"{_Q}(?:back )?in (?:(?:early|late|mid-?|the (?:spring|summer|fall|autumn|winter) of) ?)?(?:{_MONTH},? )?"
        rf"(?P<year>(?:1[89]|20)\d\d)s?\b|{_Q}(?:back )?in the (?:1[89]|20)\d0s\b|{_Q}{_COUNT} (?:years?|decades?) "
        r"ago\b|(?:years|decades) ago\b",
    ),
)
_LEANING = tuple((name, need, re.compile(pattern, re.IGNORECASE)) for name, need, pattern in LEANING_OPENERS)


def leaning(text: str, year: int | None = None) -> tuple[str, str] | None:
    """(name, need) of the first ``LEANING_OPENERS`` row the sentence matches, or None when it stands alone.
    ``year`` is its article's year of publication: 'In 2019, ...' is background only in a later article."""
    t = text.strip()
    for name, need, pattern in _LEANING:
        m = pattern.match(t)
        if m is None:
            continue
        said = m.groupdict().get("year")
        if said is not None and (year is None or int(said) >= year):
            continue
        return name, need
    return None


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FUNCTION_WORDS = _wordset(
    """a an the in on at to of for from by with and but or nor if when while after before as since though because
    so yet this that these those there here he she it they we i you his her its their our my your him them us me
    who whom whose what which where why how all some any each every both either neither other another such than
    then also still even just only not no is are was were be been being has have had do does did will would shall
    should can could may might must said says say told according about over into onto upon against between among
    through during without within across around near per via amid despite toward towards up down out off again
    more most much many few very new mr mrs ms"""
)
_TERMINAL = re.compile(r"[.!?…][\"”’')\]]*$")
_SITE_SUFFIX = re.compile(r"\s+[-–—|•·:]\s+([^-–—|•·:]{2,60})$")
_LOADED = {
    "slams", "slammed", "blasts", "blasted", "rips", "ripped", "destroys", "destroyed", "panic", "doom", "outrage",
    "outrageous", "shocking", "stunning", "disaster", "disgrace", "disgraceful", "bombshell", "epic", "furious",
    "humiliates", "humiliating", "insane", "scandal", "meltdown", "chaos", "chaotic", "brutal", "savage",
    "unhinged", "radical", "socialist", "extremist", "lies", "lying", "caves", "smacks", "torches", "crushes",
    "eviscerates", "owns", "fumes", "mocks", "whines", "must", "finally", "just", "wow", "you", "your",
}  # fmt: skip


@dataclass
class Candidate:
    """One sentence that could go into the summary."""

    sentence: Sentence
    article_index: int
    position: int
    fact: Fact | None
    cites: list[str]
    sources: int
    group: str
    relevance: float = 0.0
    need: str | None = None
    """FOLLOWS or NOT_FIRST when the sentence leans on what came before it (``LEANING_OPENERS``), else None."""

    @property
    def text(self) -> str:
        """The sentence as the summary shows it: verbatim, without a leading dateline or label."""
        return strip_dateline(self.sentence.text)


# ---------------------------------------------------------------------------------------------------------------
# Sentence quality
# ---------------------------------------------------------------------------------------------------------------


def is_fragment(text: str, settings: SummarizeSettings) -> bool:
    """A sentence too short to report anything alone, a question, or one that ends in a colon: it introduces a
    list, a post or a quote that follows ('Trump took to Twitter to fire back at George Will:'; 32 of PolNeAR's
    summary sentences). NeuS val ROUGE-2 20.58 -> 20.56. (Also counting every sentence without a full stop, such
    as a pull quote, cost 0.11: many are whole sentences that lost it.)"""
    t = text.strip()
    return len(t.split()) < settings.fragment_words or is_question(t) or t.endswith(":")


def standalone_penalty(text: str, settings: SummarizeSettings) -> float:
    """0 for a sentence a reader understands alone; up to 1 for a fragment, a dangling reference, or a sentence
    far too short or long."""
    t = text.strip()
    n = len(t.split())
    penalty = 0.0
    lean = leaning(t)
    if lean is not None and lean[1] == FOLLOWS:
        penalty += 0.5  # 'He said...', 'But the...': a dangling reference
    if is_tail(t):
        penalty += 1.0  # the tail of a split quotation
    if unbalanced_quotes(t):
        penalty += 0.5
    if not _TERMINAL.search(t):
        penalty += 0.5
    if t.rstrip("\"”’') ").endswith(("?", "!")):
        penalty += 0.5  # a question or an exclamation is not a report
    if n < settings.min_words:
        penalty += 1.0
    elif n > settings.max_words:
        penalty += 0.5
    return min(penalty, 1.0)


# ---------------------------------------------------------------------------------------------------------------
# Candidates and relevance
# ---------------------------------------------------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(words(text))


def _candidates(
    story: Story, articles: list[Article], sentences: dict[str, list[Sentence]], settings: SummarizeSettings
) -> list[Candidate]:
    groups = source_groups(articles)  # a candidate's sources are outlets, as a fact's are
    fact_of: dict[tuple[str, str], Fact] = {}
    for fact in story.facts:
        for m in fact.mentions:
            fact_of[(m.article_id, _key(m.text))] = fact
    # Articles holding the very same sentence (copies) cite it together even when it is not in a kept fact.
    holders: dict[str, list[str]] = {}
    for article in articles:
        for s in sentences.get(article.id, []):
            if not s.is_heading:
                holders.setdefault(_key(s.text), [])
                if article.id not in holders[_key(s.text)]:
                    holders[_key(s.text)].append(article.id)
    in_story = {a.id for a in articles}
    story_order = {aid: i for i, aid in enumerate(story.article_ids)}
    out: list[Candidate] = []
    for ai, article in enumerate(articles):
        if article.copy_of and article.copy_of in in_story:
            continue  # the original's sentence is preferred; the copy is cited through the fact
        body = [s for s in sentences.get(article.id, []) if not s.is_heading]
        year = int(article.published[:4]) if article.published and article.published[:4].isdigit() else None
        for pos, s in enumerate(body[: settings.max_candidates_per_article]):
            if is_furniture(s.text):
                continue  # page furniture ('Hide Caption 3 of 9 Photos', 'Photos:') never opens a summary
            key = _key(s.text)
            if not key:
                continue
            fact = fact_of.get((article.id, key))
            cites = list(fact.article_ids) if fact else []
            for other in holders.get(key, [article.id]):
                if other not in cites:
                    cites.append(other)
            if article.id not in cites:
                cites.append(article.id)
            cites.sort(key=lambda c: story_order.get(c, len(story_order)))  # marks read [1][3], never [3][1]
            sources = len({groups[c] for c in cites if c in groups})
            cand = Candidate(s, ai, pos, fact, cites, sources, groups[article.id])
            lean = leaning(cand.text, year)
            cand.need = lean[1] if lean else None
            out.append(cand)
    return out


def content_words(text: str) -> set[str]:
    """Content words of a text, lower-cased, crudely singular ('troops' -> 'troop'), function words dropped."""
    return {singular(w) for w in words(text) if w not in _FUNCTION_WORDS and not w.isdigit() and len(w) > 1}


def lexical_agreement(cands: list[Candidate]) -> np.ndarray:
    """For each candidate, the share of its content words that the other independent sources also use, averaged
    over those sources: agreement in wording, a softer corroboration than aligned facts (NeuS train: the single
    feature most correlated with a sentence's ROUGE-2 precision against the neutral roundup). Linear in the
    story's words: each word's count of sources is taken once."""
    cand_words = [content_words(c.text) for c in cands]
    vocab: dict[str, set[str]] = {}
    for c, w in zip(cands, cand_words, strict=True):
        vocab.setdefault(c.group, set()).update(w)
    sources: dict[str, int] = {}
    for group_words in vocab.values():
        for w in group_words:
            sources[w] = sources.get(w, 0) + 1
    others = len(vocab) - 1
    out = np.zeros(len(cands))
    if others <= 0:
        return out
    for i, w in enumerate(cand_words):
        if w:
            out[i] = sum(sources[x] - 1 for x in w) / (others * len(w))
    return out


def lexical_centrality(cands: list[Candidate]) -> np.ndarray:
    """For each candidate, its weighted degree in the word-overlap graph of the story's sentences (TextRank's
    similarity: shared content words / (log |s1| + log |s2|)), scaled so the story's most central sentence has 1:
    what the story's sentences keep saying, within an article as across them. Built from each word's list of
    sentences, so the cost is bounded by the story's size (pairs that share a word)."""
    cand_words = [content_words(c.text) for c in cands]
    logs = [math.log(len(w)) if len(w) > 1 else 0.0 for w in cand_words]
    holders: dict[str, list[int]] = {}
    for i, w in enumerate(cand_words):
        if logs[i] > 0:
            for x in w:
                holders.setdefault(x, []).append(i)
    shared: dict[tuple[int, int], int] = {}
    for idx in holders.values():
        for a, i in enumerate(idx):
            for j in idx[a + 1 :]:
                shared[(i, j)] = shared.get((i, j), 0) + 1
    out = np.zeros(len(cands))
    for (i, j), n in shared.items():
        weight = n / (logs[i] + logs[j])
        out[i] += weight
        out[j] += weight
    top = float(out.max()) if len(out) else 0.0
    return out / top if top > 0 else out


def _bigrams(text: str) -> set[tuple[str, str]]:
    """Adjacent word pairs of a text, crudely singular, leaving out pairs of two function words ('of the')."""
    toks = [singular(w) for w in words(text)]
    return {(a, b) for a, b in pairwise(toks) if a not in _FUNCTION_WORDS or b not in _FUNCTION_WORDS}


# A number that tells a quantity (three digits or more, or a decimal: '419,000', '3.24', '5.9%'), not a day, an age or
# a year: two sentences giving the same two of them report one thing, however far apart their wording is.
_QUANTITY = re.compile(r"(?<![\w-])(?:\d{1,3}(?:,\d{3})+|\d+\.\d+|\d{3,})(?![\w-])")


def stated_quantities(text: str) -> frozenset[str]:
    """The quantities a sentence states (see :data:`_QUANTITY`), years (1900-2099) left out."""
    found = (m.group().replace(",", "") for m in _QUANTITY.finditer(text))
    return frozenset(n for n in found if not (len(n) == 4 and n[:2] in ("19", "20")))


def _centroid(vectors: np.ndarray) -> np.ndarray:
    c = vectors.mean(axis=0)
    n = float(np.linalg.norm(c))
    return c / n if n > 0 else c


def _relevance(
    cands: list[Candidate],
    emb: np.ndarray,
    title_emb: np.ndarray | None,
    n_sources: int,
    settings: SummarizeSettings,
) -> np.ndarray:
    """Relevance of each candidate (see the module docstring); also stored on the candidates."""
    by_article: dict[int, list[int]] = {}
    for i, c in enumerate(cands):
        by_article.setdefault(c.article_index, []).append(i)
    story_centroid = _centroid(np.stack([_centroid(emb[idx]) for idx in by_article.values()]))
    centrality = emb @ story_centroid
    title_sim = emb @ _centroid(title_emb) if title_emb is not None and len(title_emb) else np.zeros(len(cands))
    corroboration = np.array(
        [(c.sources - 1) / (n_sources - 1) if n_sources > 1 else 0.0 for c in cands], dtype=np.float64
    )
    agreement = lexical_agreement(cands)
    lexical = lexical_centrality(cands) if settings.lexical_centrality_weight else np.zeros(len(cands))
    position = np.array([settings.position_decay**c.position for c in cands])
    penalty = np.array([standalone_penalty(c.text, settings) for c in cands])
    quoted = np.array([quoted_share(c.text) for c in cands])
    rel = (
        settings.centrality_weight * centrality
        + settings.title_weight * title_sim
        + settings.corroboration_weight * corroboration
        + settings.agreement_weight * agreement
        + settings.lexical_centrality_weight * lexical
        + settings.position_weight * position
        - settings.standalone_weight * penalty
        - settings.quote_weight * quoted
    )
    for c, r in zip(cands, rel, strict=True):
        c.relevance = float(r)
    return rel


def select(cands: list[Candidate], emb: np.ndarray, rel: np.ndarray, settings: SummarizeSettings) -> list[int]:
    """Maximal marginal relevance: the next sentence maximises lambda * relevance - (1 - lambda) * its highest
    cosine to those already chosen - ``repeat_weight`` * the share of its word pairs already in the summary; a
    sentence of an already used fact, too close to a chosen one, or giving two or more quantities one chosen sentence
    gives (:func:`stated_quantities`), is out.

    When that leaves the summary short (under ``min_sentences`` or ``target_words``: a story of few, short
    articles, or a budget the first pass cannot fill), a second pass fills it from the sentences set aside as too
    close (and, with ``fill_same_fact``, those of a used fact), most relevant first, taking only one that is no
    near-paraphrase of a chosen sentence (cosine under ``fill_threshold``) and whose content words are mostly new
    (``fill_novelty``)."""
    chosen: list[int] = []
    used_facts: set[int] = set()
    words_so_far = 0
    # Broken sentences (a split or unclosed quotation) are left out whenever the story has anything else: a short
    # summary reads better than a garbled one (NeuS train ROUGE-2 at the budget: -0.03 and -0.07 on the two parts).
    broken = np.array([is_broken(c.text) for c in cands], dtype=bool)
    # So are fragments and questions ('Zilch.', 'What is the lawsuit about?'): MMR's novelty term favours them, as
    # a sentence of two words is far from every other.
    fragment = np.array([is_fragment(c.text, settings) for c in cands], dtype=bool)
    # ... and advice to the reader ('Apply the urgent fix ...', 'Take your pick.'): a briefing reports, it does not
    # instruct
    advice = np.array([is_advice(c.text) for c in cands], dtype=bool)
    available = next(
        (ok for ok in (~(broken | fragment | advice), ~broken) if ok.any()), np.ones(len(cands), dtype=bool)
    )
    # A sentence that leans on the one before it in its article ('He said...', 'But the...') is taken only straight
    # after that sentence, and one that needs some context ('The vote was 285 to 120.') never first (issue #14):
    # until it fits, the next best is taken instead.
    follows = np.array([c.need == FOLLOWS for c in cands], dtype=bool)
    leans = follows | np.array([c.need == NOT_FIRST for c in cands], dtype=bool)
    at = {(c.article_index, c.position): i for i, c in enumerate(cands)}
    before = np.array([at.get((c.article_index, c.position - 1), -1) for c in cands])
    max_sim = np.zeros(len(cands))
    set_aside: list[int] = []
    pairs = [_bigrams(c.text) for c in cands]
    cand_words = [content_words(c.text) for c in cands]
    said: set[tuple[str, str]] = set()
    repeated = np.zeros(len(cands))
    covered: set[str] = set()
    # A sentence whose two or more quantities one chosen sentence already gives says it again ('totaled 419,000 ...,
    # up 51,000' after 'soared by 51,000 to 419,000', cosine 0.56): set aside, never filled in.
    quantities = [stated_quantities(c.text) for c in cands]

    def restates(i: int) -> bool:
        return len(quantities[i]) >= 2 and any(quantities[i] <= quantities[j] for j in chosen)

    def take(i: int) -> None:
        nonlocal words_so_far, max_sim
        chosen.append(i)
        words_so_far += len(cands[i].text.split())
        if cands[i].fact is not None:
            used_facts.add(id(cands[i].fact))
        max_sim = np.maximum(max_sim, emb @ emb[i])
        said.update(pairs[i])
        repeated[:] = [len(p & said) / len(p) if p else 0.0 for p in pairs]
        covered.update(cand_words[i])

    def novelty(i: int) -> float:
        new_words = cand_words[i]
        return len(new_words - covered) / len(new_words) if new_words else 0.0

    def full() -> bool:
        return len(chosen) >= settings.max_sentences or (
            len(chosen) >= settings.min_sentences and words_so_far >= settings.target_words
        )

    def fits(i: int) -> bool:
        return not leans[i] if not chosen else not follows[i] or before[i] == chosen[-1]

    while available.any() and not full():
        if chosen:
            placeable = available & (~follows | (before == chosen[-1]))
        else:  # the opening: a sentence that stands alone; failing that (a story of leaning sentences) the least bad
            placeable = next((ok for ok in (available & ~leans, available & ~follows) if ok.any()), available)
        if not placeable.any():
            break
        score = settings.mmr_lambda * rel - (1 - settings.mmr_lambda) * max_sim - settings.repeat_weight * repeated
        i = int(np.argmax(np.where(placeable, score, -np.inf)))
        available[i] = False
        fact = cands[i].fact
        if fact is not None and id(fact) in used_facts:
            if settings.fill_same_fact:
                set_aside.append(i)
            continue
        repeats = max_sim[i] >= settings.novelty_cosine and novelty(i) < settings.min_novelty
        if max_sim[i] >= settings.redundancy_threshold or (chosen and repeats):
            set_aside.append(i)
            continue
        if restates(i):
            continue
        take(i)
    for i in sorted(set_aside, key=lambda j: -rel[j]):
        if full():
            break
        if not fits(i):
            continue
        fact = cands[i].fact
        same_fact = fact is not None and id(fact) in used_facts
        if (same_fact and not settings.fill_same_fact) or max_sim[i] >= settings.fill_threshold:
            continue
        if novelty(i) < settings.fill_novelty:
            continue
        take(i)
    return chosen


def _reading_order(
    chosen: list[int], cands: list[Candidate], articles: list[Article], settings: SummarizeSettings
) -> list[int]:
    """The order of the summary (``settings.order``): 'relevance' keeps the selection order (inverted pyramid);
    'position' sorts by where each sentence's fact first appears in the articles (leads first), then article
    date; 'lede' puts the most relevant sentence first and the others by position."""
    if settings.order == "relevance":
        return list(chosen)
    order_of = {a.id: i for i, a in enumerate(sorted(articles, key=lambda a: (a.published or "", a.id)))}
    index_of = {(c.sentence.article_id, _key(c.sentence.text)): c.position for c in cands}

    def first_seen(i: int) -> tuple[int, int, int]:
        c = cands[i]
        positions = [c.position]
        if c.fact is not None:
            positions += [index_of[k] for m in c.fact.mentions if (k := (m.article_id, _key(m.text))) in index_of]
        return (min(positions), order_of.get(c.sentence.article_id, 0), chosen.index(i))

    by_position = sorted(chosen, key=first_seen)
    if settings.order == "lede" and chosen:
        by_position = [chosen[0]] + [i for i in by_position if i != chosen[0]]
    return _readable(by_position, chosen, cands)


def _readable(order: list[int], chosen: list[int], cands: list[Candidate]) -> list[int]:
    """``order`` with the rules the selection kept (``LEANING_OPENERS``): a sentence taken straight after the one
    before it in its article stays straight after it, and the summary opens with a sentence that stands alone."""
    at = {(cands[i].article_index, cands[i].position): i for i in chosen}

    def predecessor(i: int) -> int | None:
        c = cands[i]
        return at.get((c.article_index, c.position - 1)) if c.need == FOLLOWS else None

    out = [i for i in order if predecessor(i) is None]
    for i in chosen:  # selection order: a predecessor is placed before the sentence that follows it
        if (j := predecessor(i)) is not None:
            out.insert(out.index(j) + 1, i)
    first = next((k for k, i in enumerate(out) if cands[i].need is None), 0)
    end = first + 1
    while end < len(out) and predecessor(out[end]) == out[end - 1]:
        end += 1  # the opening sentence brings the sentences that follow it
    return out[first:end] + out[:first] + out[end:]


def summary_sentences(
    story: Story, articles: list[Article], sentences: dict[str, list[Sentence]], settings: SummarizeSettings
) -> list[Candidate]:
    """The chosen candidates in reading order (the benchmark also reads their relevance)."""
    cands = _candidates(story, articles, sentences, settings)
    if not cands:
        return []
    encoder = get_embedder()
    titles = [a.title for a in articles if a.title]
    vectors = encoder.encode([c.text for c in cands] + titles)
    emb, title_emb = vectors[: len(cands)], vectors[len(cands) :]
    n_sources = len(set(source_groups(articles).values()))
    rel = _relevance(cands, emb, title_emb if titles else None, n_sources, settings)
    if settings.opinion_weight:
        _weigh_opinion(cands, articles, rel, settings)
    if settings.recency_weight:
        _weigh_recency(cands, articles, rel, settings)
    for c, r in zip(cands, rel, strict=True):
        c.relevance = float(r)
    chosen = select(cands, emb, rel, settings)
    return [cands[i] for i in _reading_order(chosen, cands, articles, settings)]


def _weigh_opinion(
    cands: list[Candidate], articles: list[Article], rel: np.ndarray, settings: SummarizeSettings
) -> None:
    """A neutral summary tells what the reports say: the sentences of a piece that argues (:func:`argues`: an opinion
    piece, 'Emily Maitlis did an excellent job pressing Andrew'; a 'Why ...' or 'Stop ...' title) weigh
    ``opinion_weight`` less, unless the story has nothing else; so does a sentence in the writer's own voice
    (:func:`writer_voice`: 'As I explained last night, ...') in a story of several sources (a review's or a
    column's own story is told in its voice)."""
    opinion = [argues(a) for a in articles]
    several = len({c.group for c in cands}) > 1
    weighed = np.array([opinion[c.article_index] or (several and writer_voice(c.text)) for c in cands], dtype=bool)
    if weighed.any() and not weighed.all():
        rel -= settings.opinion_weight * weighed.astype(np.float64)


def _weigh_recency(
    cands: list[Candidate], articles: list[Article], rel: np.ndarray, settings: SummarizeSettings
) -> None:
    """A developing story (dated articles a day or more apart): the latest reports tell where it stands, so a
    sentence weighs ``recency_weight`` less per ``recency_days`` the latest article reporting it (its own, or one of
    the same fact's) lags the story's latest article, at most that much less; undated articles are not moved. An
    earlier day's 'urged voters Sunday to turn back a looming recall' sat in the summary of the recall's result,
    while a fact the next day's reports repeat is as current as they are."""
    time_of = {a.id: t for a in articles if (t := parse_time(a.published)) is not None}
    if not time_of or max(time_of.values()) - min(time_of.values()) < 1.0:
        return
    latest = max(time_of.values())
    for i, c in enumerate(cands):
        reported = [time_of[a] for a in (*c.cites, articles[c.article_index].id) if a in time_of]
        if reported:
            rel[i] -= settings.recency_weight * min(1.0, (latest - max(reported)) / settings.recency_days)


# ---------------------------------------------------------------------------------------------------------------
# Headline
# ---------------------------------------------------------------------------------------------------------------


def _squashed(name: str) -> str:
    """A name's letters and digits, lower case, without 'the': 'The St Kitts Nevis Observer' -> 'stkittsnevisobserver',
    as a domain spells it."""
    return re.sub(r"[^a-z0-9]", "", re.sub(r"^the\s+", "", name.strip().lower()))


def clean_title(title: str, site: str | None = None) -> str:
    """A title without its site suffix: 'Port strike ends - Harbour Gazette' -> 'Port strike ends'."""
    t = fold_whitespace(title)
    m = _SITE_SUFFIX.search(t)
    if m:
        suffix = m.group(1).strip()
        site_words = set(words(site or ""))
        suffix_words = set(words(suffix))
        looks_like_site = (
            len(suffix.split()) <= 4
            and (not site_words or suffix_words & site_words or suffix.istitle() or "." in suffix)
        ) or (  # a longer name, when it is the site's ('- The St Kitts Nevis Observer'), spelled out or squashed
            len(suffix.split()) <= 8
            and bool(site_words)
            and (suffix_words <= site_words | {"the"} or _squashed(suffix) in map(_squashed, (site or "").split(".")))
        )
        if looks_like_site and len(t[: m.start()].split()) >= 3:
            t = t[: m.start()].strip()
    return t


def title_penalty(title: str, settings: SummarizeSettings) -> float:
    """How far a title is from a neutral headline: questions, exclamations, loaded words, shouting, odd length."""
    penalty = 0.0
    if "?" in title:
        penalty += 1.0
    if "!" in title:
        penalty += 1.0
    toks = words(title)
    penalty += 0.5 * sum(1 for w in toks if w in _LOADED)
    if sum(1 for w in title.split() if len(w) > 3 and w.isupper()) >= 2:
        penalty += 0.5
    if len(toks) < settings.headline_min_words or len(toks) > settings.headline_max_words:
        penalty += 0.5
    if quoted_share(title) > 0.5:
        penalty += 0.5
    return penalty


def headline(articles: Sequence[Article], fallback: str, settings: SummarizeSettings) -> str:
    """The neutral headline: the cleaned title closest to the other titles, with loaded titles and those of opinion
    pieces and other titles that argue (:func:`argues`) penalised."""
    penalty: dict[str, float] = {}
    for a in articles:
        if a.title and a.title.strip() and not a.copy_of:
            t = clean_title(a.title, a.site)
            extra = settings.headline_opinion_penalty if argues(a) else 0.0
            penalty[t] = min(penalty.get(t, extra), extra)
    titles = [t for t in penalty if t]
    if not titles:
        return fallback
    if len(titles) == 1:
        return titles[0]
    emb = get_embedder().encode(titles)
    sims = emb @ emb.T
    np.fill_diagonal(sims, 0.0)
    centrality = sims.sum(axis=1) / (len(titles) - 1)
    scores = [
        float(centrality[i]) - settings.headline_penalty_weight * (title_penalty(t, settings) + penalty[t])
        for i, t in enumerate(titles)
    ]
    return titles[int(np.argmax(scores))]


# ---------------------------------------------------------------------------------------------------------------
# The stage
# ---------------------------------------------------------------------------------------------------------------


def summarize_story(
    story: Story, articles: list[Article], sentences: dict[str, list[Sentence]], settings: SummarizeSettings
) -> Story:
    """Fill the story's summary (verbatim sentences, each citing every article that reports it) and headline."""
    chosen = summary_sentences(story, articles, sentences, settings)
    story.summary = [SummarySentence(c.text, c.cites) for c in chosen]
    fallback = chosen[0].text if chosen else (story.headline or "(untitled)")
    story.headline = headline(articles, fallback, settings)
    return story
