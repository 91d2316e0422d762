"""Named entities of a story, merged across spellings.

spaCy's NER (``resources.get_nlp()``) finds PERSON, ORG, GPE, LOC, NORP and EVENT mentions, one pass per
paragraph, cached by paragraph text so that quote extraction reuses the same pass. Without spaCy a rule-based
recogniser (capitalised sequences, acronyms, titles) stands in.

Mentions of one story are then merged into entities:

- same skeleton: case, diacritics, doubled letters and transliteration endings folded (Nato/NATO,
  Zelensky/Zelenskyy/Zelenskiy, Sergei/Sergey);
- transliteration variants: same first letter and same consonants, close skeletons (Kiev/Kyiv);
- titles dropped (Mr Blinken, President Biden), surname or first name to the unique full name (Blinken -> Antony
  Blinken);
- acronym and expansion ("North Atlantic Treaty Organization (NATO)", or initials matching a longer form);
- the type of each merged entity by majority vote of its mentions (spaCy sometimes tags "Blinken" GPE).

No list of specific names is involved: only generic rules on spelling.
"""

from __future__ import annotations

import difflib
import re
import threading
import unicodedata
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .model import Article, Entity, EntSpan, Reading, Sentence
from .settings import AnalyzeSettings
from .text import paragraphs, read_paragraphs


def wordset(text: str) -> frozenset[str]:
    """A frozen set of the whitespace-separated words of ``text`` (for readable word lists)."""
    return frozenset(text.split())


KEPT_TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC")
"""spaCy labels kept as entities (dates, numbers and works of art are not)."""

# Honorifics and offices that precede a name; dropped when comparing names ("Mr Blinken" = "Blinken").
TITLES = wordset(
    """mr mrs ms miss mx dr prof professor sir dame lord lady president vice prime minister foreign secretary general
    gen sen senator rep representative gov governor mayor king queen prince princess pope chancellor ambassador
    judge justice chief deputy director spokesman spokeswoman spokesperson commander col colonel lt lieutenant
    capt captain sgt sergeant adm admiral rev reverend father sheikh emir sultan premier speaker leader
    congressman congresswoman councillor councilman councilwoman attorney state defense defence interior finance
    economy health trade head former acting interim us u.s. uk u.k. un u.n. eu nato"""
)
# Picture agencies: a name glued to one ('David Becker Getty Images') is a photo credit left in the text, and the
# agency itself is in a story only through its credits: neither is one of the story's entities.
PHOTO_AGENCIES = ("getty images", "shutterstock", "alamy", "istock", "ap photo", "afp photo", "epa-efe")
_PHOTO_CREDIT = re.compile(r"(?:^|\s)(?:" + "|".join(re.escape(a) for a in PHOTO_AGENCIES) + r")$", re.IGNORECASE)
_OFFICES = TITLES - {"us", "u.s.", "uk", "u.k.", "un", "u.n.", "eu", "nato"}
"""Title words that are not names on their own ("State" of "Secretary of State" tagged ORG)."""
_CONNECTORS = wordset("of the and for de du des da di la le van von der den al bin ibn el on in")
# Words that open no person's name: connectors, and a day that runs into a name NER did not tag ('On Sunday Nadhim
# Zahawi insisted').
_NOT_LEADING = _CONNECTORS | wordset("monday tuesday wednesday thursday friday saturday sunday today yesterday tonight")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
# A determiner the tagger kept in a name ('a Department of Health and Human Services', 'this L.A. Times'): no part of
# it. 'An', 'This' and 'That' open no name of ours either way; 'A' is cut only before another capitalised word.
_LEADING_DETERMINER = re.compile(r"^(?:(?:the|The|THE|an|An|AN|this|This|that|That|these|These|those|Those)\s+"
                                 r"|[aA]\s+(?=[A-Z]))")
_TOKEN = re.compile(r"[^\W\d_][\w.'’-]*|\d+")


# ---------------------------------------------------------------------------------------------------------------
# Recognition (spaCy, cached per paragraph; rule-based fallback)
# ---------------------------------------------------------------------------------------------------------------



_cache: OrderedDict[str, tuple[EntSpan, ...]] = OrderedDict()
_cache_lock = threading.Lock()


# Plural nouns of a group of people ('Virginia Democrats', 'House Republicans'): a name ending in one is a group, never
# a person, whatever the tagger says (spaCy's small model tagged 'Virginia Democrats' PERSON, and a 'he said' went
# to it). A table, not a suffix rule: surnames end in -ers and -ans too (Sanders, Evans).
GROUP_NAME_HEADS = wordset(
    """democrats republicans conservatives liberals progressives libertarians socialists independents tories
    americans europeans britons californians texans floridians virginians israelis palestinians ukrainians
    russians iranians afghans syrians iraqis mexicans canadians voters lawmakers senators legislators"""
)


# Well-known organisations the small model types as people or places by their shape ('Twitter' PERSON 21 times,
# 'Pfizer' 15, 'Moderna' 7, 'Netflix' GPE 6, 'SpaceX' PERSON, in runs of the AllSides crawl and the
# article-extraction-benchmark pages): a mention that is exactly one of these names (or its possessive), or one of
# them and one capitalised word more (a branch, a unit, a product: 'Gallup Korea' GPE on Mozilla's readability test
# pages, 'Google Maps'), is the organisation. Names that are also common words or places ('Amazon', 'Apple', 'Meta')
# are not listed.
KNOWN_ORGANISATIONS = frozenset(
    {"Twitter", "Facebook", "Instagram", "YouTube", "TikTok", "WhatsApp", "Snapchat", "Reddit", "Netflix", "Spotify",
     "SpaceX", "Pfizer", "Moderna", "BioNTech", "AstraZeneca", "Novavax", "Huawei", "Alibaba", "Airbnb", "Uber",
     "Microsoft", "Google",
     # news and data firms typed as places or people in a survey's or a poll's credit ('in a Bloomberg survey of
     # economists' GPE 4 times, 'Politico' PERSON 3, 'Refinitiv' PERSON 2, 'Axios' NORP: AllSides crawl)
     "Bloomberg", "Politico", "Refinitiv", "Axios", "Reuters",
     # pollsters, named in a poll's credit ('A Gallup Korea poll released on Friday')
     "Gallup", "Ipsos", "YouGov", "Quinnipiac", "Rasmussen"}
)  # fmt: skip

# A ministry's field on its own names no organisation: the tagger cuts 'Education' out of 'the Florida Departments of
# Health and Education' and 'Commerce' out of 'US Interior and Commerce' (the fields that are also titles, 'Health',
# 'Interior', are in TITLES).
PORTFOLIOS = wordset(
    """education commerce energy agriculture transportation transport labor labour housing government veterans
    environment"""
)
# Diseases are no people, places or organisations: the small model tags 'Covid' and 'COVID' PERSON (26 stories of
# the AllSides crawl) or GPE. A mention that is exactly one of these (any case) is dropped.
DISEASES = wordset("covid coronavirus sars mers ebola zika mpox monkeypox measles polio malaria cholera influenza")
# A time zone or a clock time is no organisation: the tagger's 'GMT', 'CST', 'AEST' ORG and '8:44AM' or '11:39am UK'
# in a dateline (ECB+ topics 1-35; 'ET' PERSON on the AllSides crawl).
TIME_ZONES = wordset("gmt utc bst cet cest eet est edt cst cdt mst mdt pst pdt akst hst ist jst aest aedt nzst nzdt et")
_CLOCK = re.compile(r"\d:\d\d")


# Last words of a company's or an institution's name: a 'person' of two or more words ending in one is an
# organisation, for quotes too ('Dick Clark Productions' tagged PERSON took a label's statement).
ORGANISATION_NAME_HEADS = wordset(
    """productions records studios pictures entertainment media inc ltd llc corp corporation company group holdings
    partners foundation institute university association agency bank airlines motors industries technologies
    pharmaceuticals labs"""
)


def _retyped(span: EntSpan) -> EntSpan:
    """The span with the type the tables give a 'person': named by a group noun (:data:`GROUP_NAME_HEADS`), a group
    (NORP); of two or more words ending in an organisation's head word (:data:`ORGANISATION_NAME_HEADS`), an
    organisation."""
    words = span.text.split()
    if span.label != "PERSON" or not words:
        return span
    last = words[-1].lower().rstrip(".,")
    if last in GROUP_NAME_HEADS:
        return EntSpan(span.start, span.end, "NORP", span.text)
    if len(words) >= 2 and last in ORGANISATION_NAME_HEADS:
        return EntSpan(span.start, span.end, "ORG", span.text)
    return span


_BRANCH = re.compile(r"[A-Z][a-z]+")  # the one word after an organisation's name: 'Korea' of 'Gallup Korea'


def _known_type(text: str, label: str) -> str:
    """A well-known organisation's name (:data:`KNOWN_ORGANISATIONS`, or its possessive; alone or with one word of a
    branch or a product after it: 'Gallup Korea') is an organisation in the story's entity list whatever the tagger
    said. (Quotes keep the tagger's types: their attribution rules were measured with them.)"""
    words = text.removesuffix("'s").removesuffix("’s").split()
    if not words or words[0] not in KNOWN_ORGANISATIONS or len(words) > 2:
        return label
    return "ORG" if len(words) == 1 or _BRANCH.fullmatch(words[1]) else label


# A person's name runs on over the one capitalised proper noun that follows it after a space, in no other entity: the
# small model cuts three-part names after two ('Yoon Suk' of 'President Yoon Suk Yeol over his ...', 'John Bel' of
# 'John Bel Edwards’ veto'). Not over a word that is no part of a person's name (a weekday, a month, a function word,
# an organisation's or a group's word: 'Trump Administration'), nor past an owner's name or a punctuation mark
# ("Donald Trump’s Facebook", 'Musser, Anne M.; Hand') or such a word ('... Johnson Foundation Trustee'), nor in a
# title-cased line (every word capitalised), nor when the capitals go on after that word ('Dr. Sanjay Gupta Surgeon
# General', 'Abraham Lincoln National Cemetery').
_NAME_PART = re.compile(r"[A-Z][a-z]+")
_RUNS_ON = re.compile(r" [A-Z]")


def _whole_names(reading: Reading) -> tuple[EntSpan, ...]:
    """The reading's entities, each person's name run on over the proper noun the tagger left after it."""
    if title_cased(reading.text):
        return reading.ents
    text = reading.text
    after = {a - 1: (a, b, tag) for a, b, tag in reading.tokens}  # a token by the space before it
    out = []
    for e in reading.ents:
        nxt = after.get(e.end) if e.label == "PERSON" and text[e.end : e.end + 1] == " " else None
        if (
            nxt is None or nxt[2] != "NNP" or not e.text[-1:].isalpha() or _POSSESSIVE.search(e.text)
            or e.text.split()[-1].lower() in _NOT_NAME_PARTS  # 'Robert Wood Johnson Foundation' Trustee
            or not _NAME_PART.fullmatch(word := text[nxt[0] : nxt[1]]) or word.lower() in _NOT_NAME_PARTS
            or any(x.start <= nxt[0] < x.end for x in reading.ents) or _RUNS_ON.match(text, nxt[1])
        ):  # fmt: skip
            out.append(e)
        else:
            out.append(EntSpan(e.start, nxt[1], e.label, text[e.start : nxt[1]]))
    return tuple(out)


def recognize(texts: list[str], settings: AnalyzeSettings | None = None) -> list[tuple[EntSpan, ...]]:
    """Entity mentions of each text (a paragraph): spaCy NER from the shared paragraph reading
    (:func:`tidings.text.read_paragraphs`, cached, so sentences, quotes and entities of an article cost one spaCy
    pass), else the rule-based recogniser (cached per text, bounded); a 'person' named by a group's or an
    organisation's word is retyped (:func:`_retyped`)."""
    settings = settings or AnalyzeSettings()
    readings = read_paragraphs(texts)
    if readings is not None:
        return [tuple(_retyped(e) for e in _whole_names(r)) for r in readings]
    out: list[tuple[EntSpan, ...]] = []
    with _cache_lock:
        for t in texts:
            hit = _cache.get(t)
            if hit is None:
                hit = _cache[t] = rule_entities(t)
            _cache.move_to_end(t)
            out.append(tuple(_retyped(e) for e in hit))
        while len(_cache) > settings.ner_cache_paragraphs:
            _cache.popitem(last=False)
    return out


# Rule-based recogniser ------------------------------------------------------------------------------------------

FUNCTION_WORDS = wordset(
    """a an the in on at to of for from by with and but or nor if when while after before as since though although
    because so yet this that these those there here he she it they we i you his her its their our my your him them
    us me who what which where why how all some many most more much few no not one two three four five any each
    every both either neither other another such than then also still even just only however meanwhile
    nonetheless nevertheless moreover instead indeed again already according during under over into onto upon
    about against between among through without within across around near per via amid despite toward towards
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december today yesterday tomorrow read share follow click"""
)
_ORG_WORDS = wordset(
    """ministry department council party union agency bank company corporation corp inc ltd group organization
    organisation committee commission association alliance institute university college court parliament congress
    senate house office administration government army navy force forces police service services fund federation
    board authority network news times post press reuters agency foundation campaign club league"""
)
# Words that are no part of a person's name when they follow one (:func:`_whole_names`).
_NOT_NAME_PARTS = FUNCTION_WORDS | _ORG_WORDS | GROUP_NAME_HEADS | ORGANISATION_NAME_HEADS | TITLES
_SPEECH = wordset("said says told tells added adds asked warned wrote stated explained noted insisted argued")
_LOC_WORDS = wordset("river sea ocean mountain mountains lake valley region gulf strait peninsula desert")
_GPE_PREPS = wordset("in to from across near into toward towards at")
_NAME_SEQ = re.compile(
    r"(?:[A-Z][\w’'.-]*|[A-Z]{2,})(?:\s+(?:(?:of|the|and|for|de|du|da|di|van|von|der|al|bin|el)\s+)?"
    r"(?:[A-Z][\w’'.-]*))*"
)


def _is_nationality(word: str) -> bool:
    return bool(re.search(r"(?:an|ian|ese|ish|ic|i)$", word.lower())) and word[:1].isupper()


def rule_entities(text: str) -> tuple[EntSpan, ...]:
    """Capitalised sequences and acronyms with a guessed type: a fallback for spaCy's NER.

    ORG for acronyms and organisation words; LOC for geographic words; PERSON after a title or for two or more
    plain capitalised words (unless 'the' comes before: people take no article); GPE for a word after a place
    preposition; NORP for nationality adjectives (-an, -ian, -ese, -ish); MISC when nothing says.
    Sentence-initial function words ("The", "In") and leading titles ("Russian President") are not names.
    """
    spans: list[EntSpan] = []
    for m in _NAME_SEQ.finditer(text):
        start, end = m.start(), m.end()
        words = m.group().split()
        while words and words[0].lower().strip(".") in FUNCTION_WORDS:
            start = text.index(words[0], start) + len(words[0])
            start += len(text[start:]) - len(text[start:].lstrip())
            words = words[1:]
        while words and words[-1].lower() in _CONNECTORS:
            words = words[:-1]
        if not words:
            continue
        lowered = [w.lower().strip(".’'") for w in words]
        org = any(w in _ORG_WORDS for w in lowered)
        titled = False
        if not org:  # 'Russian Foreign Minister Sergei Lavrov' -> title aside, 'Sergei Lavrov'
            cut = max((i + 1 for i, w in enumerate(lowered[:-1]) if w in TITLES), default=0)
            if cut:
                titled = True
                for w in words[:cut]:
                    start = text.index(w, start) + len(w)
                start += len(text[start:]) - len(text[start:].lstrip())
                words, lowered = words[cut:], lowered[cut:]
        surface = text[start:end]
        surface = surface[: surface.rfind(words[-1]) + len(words[-1])]
        if not re.search(r"(?:^|[.\s])[A-Za-z]\.$", surface):  # keep the dot of 'U.S.'
            surface = surface.rstrip(".")
        surface = _POSSESSIVE.sub("", surface.rstrip(",;:"))
        if len(surface) < 2:
            continue
        end = start + len(surface)
        before = text[:start].split()
        prev = before[-1].lower().strip(".,") if before else ""
        prev2 = before[-2].lower().strip(".,") if len(before) > 1 else ""
        sentence_start = not before or before[-1].endswith((".", "!", "?", "”", '"', ":"))
        letters = surface.replace(".", "")
        acronym = letters.isupper() and 2 <= len(letters) <= 6 and letters.isalpha()
        if acronym and "." in surface and (prev in _GPE_PREPS or prev2 in _GPE_PREPS):
            label = "GPE"
        elif acronym or org:
            label = "ORG"
        elif any(w in _LOC_WORDS for w in lowered):
            label = "LOC"
        elif titled or prev in TITLES:
            label = "PERSON"
        elif len(words) == 1 and _is_nationality(words[0]):
            label = "NORP"
        elif prev == "the":
            label = "GPE" if prev2 in _GPE_PREPS else "MISC"  # 'in the United States', 'the Kremlin'
        elif len(words) >= 2:
            label = "PERSON"
        elif prev in _GPE_PREPS:
            label = "GPE"
        elif text[end:].split()[:1] and text[end:].split()[0].lower().strip(",.") in _SPEECH:
            label = "PERSON"  # 'Blinken said …'
        elif sentence_start:
            continue  # a capitalised first word says nothing
        else:
            label = "MISC"
        spans.append(EntSpan(start, end, label, surface))
    return tuple(spans)


# ---------------------------------------------------------------------------------------------------------------
# Name normalisation
# ---------------------------------------------------------------------------------------------------------------


def clean_surface(surface: str) -> str:
    """Surface form as shown: whitespace folded, a leading determiner ('the', 'a', 'this'), a list's bullet and a
    possessive dropped ('U.S.' keeps its dots)."""
    s = " ".join(surface.split()).strip(" ,;:“”\"'’‘()•·*")
    if s.endswith(".") and not re.search(r"(?:^|[.\s])[A-Za-z]\.$", s):
        s = s.rstrip(".")
    s = _POSSESSIVE.sub("", s)
    return _LEADING_DETERMINER.sub("", s)


# A nickname in quotation marks inside a person's name ('John “Tig” Tiegen'): not part of the name's key or display.
_NICKNAME = re.compile(r"\s[“\"][^”\"\s]{1,20}[”\"](?=\s)")


def name_tokens(surface: str, person: bool = True) -> list[str]:
    """Words of a name without leading titles, initials, a quoted nickname and possessives: 'Secretary of State
    Antony J. Blinken' -> ['Antony', 'Blinken'] (titles and nicknames only dropped for people)."""
    toks = _TOKEN.findall(clean_surface(_NICKNAME.sub("", surface) if person else surface))
    toks = [_POSSESSIVE.sub("", t).strip(".-") for t in toks]
    toks = [t for t in toks if t]
    if person:
        # everything up to the last title word goes: 'Russian Foreign Minister Sergei Lavrov' -> Sergei Lavrov
        cut = max((i + 1 for i, t in enumerate(toks[:-1]) if t.lower().strip(".") in TITLES), default=0)
        toks = toks[cut:]
        while len(toks) > 1 and toks[0].lower() in _NOT_LEADING:
            toks = toks[1:]
        toks = [t for t in toks if not (len(t) == 1 and t.isupper())] or toks  # initials
    return toks


def _fold(word: str) -> str:
    word = unicodedata.normalize("NFKD", word)
    return "".join(c for c in word if not unicodedata.combining(c)).lower()


def skeleton(word: str) -> str:
    """Spelling-insensitive key of a word: lower case, no diacritics, kh->h, tz->ts, ye->ie, y->i, iy/ii->i,
    doubled letters collapsed ('Zelenskyy', 'Zelenskiy', 'Zelensky' -> 'zelenski'; 'Sergey' -> 'sergei')."""
    w = re.sub(r"[^a-z0-9]", "", _fold(word))
    w = w.replace("kh", "h").replace("tz", "ts").replace("ye", "ie").replace("y", "i")
    return re.sub(r"(.)\1+", r"\1", w)


def consonants(word: str) -> str:
    """First letter plus the consonants of the skeleton: the candidate key for transliteration variants."""
    s = skeleton(word)
    return s[:1] + re.sub(r"[aeiou]", "", s[1:])


def key_of(surface: str, person: bool = True) -> str:
    """Merge key of a name: skeletons of its name words."""
    return " ".join(skeleton(t) for t in name_tokens(surface, person))


def middle_initials(surface: str) -> tuple[str, ...]:
    """The single-letter initials of a person's name: 'George H. W. Bush' -> ('H', 'W'); () for 'George Bush'."""
    toks = name_tokens(surface, person=False)
    cut = max((i + 1 for i, t in enumerate(toks[:-1]) if t.lower() in TITLES), default=0)
    return tuple(t for t in toks[cut:] if len(t) == 1 and t.isupper())


def _has_inner_possessive(surface: str) -> bool:
    """'Pfizer’s COVID-19', 'Harvard’s T.H. Chan School': a span that runs past an owner's name."""
    return bool(re.search(r"\w['’]s\s+\S", clean_surface(surface)))


def initials(surface: str) -> str:
    """Initials of the capitalised words ('North Atlantic Treaty Organization' -> 'NATO')."""
    return "".join(w[0] for w in _TOKEN.findall(surface) if w[0].isupper() and w.lower() not in _CONNECTORS)


def _is_acronym(surface: str) -> bool:
    letters = surface.replace(".", "")
    return 2 <= len(letters) <= 8 and letters.isalpha() and (letters.isupper() or surface.count(".") >= 1)


def _words_similar(a: str, b: str, settings: AnalyzeSettings) -> bool:
    """Two name words are spelling variants: equal skeletons, or same consonants and close skeletons."""
    sa, sb = skeleton(a), skeleton(b)
    if sa == sb:
        return True
    if min(len(a), len(b)) < settings.entity_fuzzy_min_chars or consonants(a) != consonants(b):
        return False
    return difflib.SequenceMatcher(None, sa, sb).ratio() >= settings.entity_fuzzy_ratio


# ---------------------------------------------------------------------------------------------------------------
# Merging
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Group:
    """Mentions that are the same entity (grows by union)."""

    surfaces: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    article_ids: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return _vote(self.labels)

    @property
    def mentions(self) -> int:
        return sum(self.surfaces.values())


_TIE_ORDER = ("GPE", "ORG", "PERSON", "LOC", "NORP", "EVENT", "FAC", "MISC")


def _vote(labels: Counter[str]) -> str:
    """Majority label (ties in a fixed order); MISC (fallback recogniser) only when nothing else was said."""
    real = Counter({k: v for k, v in labels.items() if k != "MISC"})
    pool = real or labels
    if not pool:
        return "MISC"
    rank = {k: i for i, k in enumerate(_TIE_ORDER)}
    return max(pool, key=lambda k: (pool[k], -rank.get(k, len(rank)), k))


_FAMILY = {"LOC": "GPE", "FAC": "GPE"}
"""Labels that are one kind of place for merging."""
_CONFUSED = frozenset({"PERSON", "GPE", "ORG", "MISC"})


def _confusable(a: str, b: str) -> bool:
    """spaCy's small model swaps these labels on rare names ('Kyiv' as PERSON, 'Blinken' as GPE)."""
    return a in _CONFUSED and b in _CONFUSED


class _UnionFind:
    """Union-find over name forms that never joins two people with different middle initials ('George H. W. Bush',
    'George W. Bush'); a form without initials joins either."""

    def __init__(self, n: int, initials: list[tuple[str, ...]] | None = None) -> None:
        self.parent = list(range(n))
        self.initials = list(initials) if initials is not None else [()] * n  # per root

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        ia, ib = self.initials[ra], self.initials[rb]
        if ia and ib and ia != ib:
            return
        root, child = min(ra, rb), max(ra, rb)
        self.parent[child] = root
        self.initials[root] = ia or ib


_EXPANSION = re.compile(
    r"((?:[A-Z][\w’'-]*\s+(?:(?:of|the|and|for|on|de|du|des)\s+)*){1,9}[A-Z][\w’'-]*)\s*\(([A-Z][A-Za-z.]{1,9})\)"
)


def _acronym_pairs(texts: Iterable[str]) -> list[tuple[str, str]]:
    """Explicit '(long form) (ACRONYM)' pairs whose initials agree."""
    pairs: list[tuple[str, str]] = []
    for text in texts:
        for m in _EXPANSION.finditer(text):
            long_form, acro = m.group(1), m.group(2).replace(".", "")
            words = long_form.split()
            # The long form may carry leading words that are not part of it ("the Kremlin's ... North Atlantic").
            for start in range(len(words)):
                cand = " ".join(words[start:])
                # an acronym may keep fewer letters than its name grew: 'Centers for Disease Control and
                # Prevention (CDC)'
                if initials(cand).upper().startswith(acro.upper()) and words[start][0].upper() == acro[0].upper():
                    pairs.append((clean_surface(cand), acro))
                    break
    return pairs


# A country before an organisation's name says whose it is, which the story already knows: 'U.S. Centers for
# Disease Control and Prevention' is the 'Centers for Disease Control and Prevention' beside it.
_NATIONAL_PREFIX = re.compile(r"^(U\.?S\.?|U\.?K\.?)\s+(?=\S+\s+\S)")


def _merge(mentions: list[tuple[str, str, str]], texts: list[str], settings: AnalyzeSettings) -> list[_Group]:
    """Group (surface, label, article id) mentions into entities."""
    forms: dict[str, int] = {}  # exact cleaned surface -> form index
    form_surface: list[str] = []
    form_labels: list[Counter[str]] = []
    form_articles: list[set[str]] = []
    form_count: list[int] = []
    for surface, label, article_id in mentions:
        s = clean_surface(surface)
        if not s or not any(c.isalpha() for c in s):
            continue
        if s not in forms:
            forms[s] = len(form_surface)
            form_surface.append(s)
            form_labels.append(Counter())
            form_articles.append(set())
            form_count.append(0)
        i = forms[s]
        form_labels[i][label] += 1
        form_articles[i].add(article_id)
        form_count[i] += 1
    n = len(form_surface)
    family = [_FAMILY.get(_vote(form_labels[i]), _vote(form_labels[i])) for i in range(n)]
    is_person = [f == "PERSON" for f in family]
    uf = _UnionFind(n, [middle_initials(form_surface[i]) if is_person[i] else () for i in range(n)])

    # 1. Same key (case, diacritics, titles, transliteration endings). Middle initials are not in the key ('Antony
    # J. Blinken' = 'Antony Blinken'); the union-find keeps people with different ones apart.
    by_key: dict[str, int] = {}
    for i in range(n):
        k = key_of(form_surface[i], person=is_person[i])
        if not k:
            continue
        if k in by_key:
            uf.union(by_key[k], i)
        else:
            by_key[k] = i

    # 2. Transliteration variants: same consonant skeleton per word, close skeletons (blocked by consonants).
    buckets: dict[str, list[int]] = defaultdict(list)
    for i in range(n):
        toks = name_tokens(form_surface[i], is_person[i])
        if toks:
            buckets[" ".join(consonants(t) for t in toks)].append(i)
    for members in buckets.values():
        for a_pos, a in enumerate(members):
            ta = name_tokens(form_surface[a], is_person[a])
            for b in members[a_pos + 1 :]:
                # spaCy mixes PERSON/GPE/ORG up on rare spellings, so only NORP & co. must agree ("German" is
                # not "Germany").
                if uf.find(a) == uf.find(b) or (family[a] != family[b] and not _confusable(family[a], family[b])):
                    continue
                tb = name_tokens(form_surface[b], is_person[b])
                if len(ta) == len(tb) and all(_words_similar(x, y, settings) for x, y in zip(ta, tb, strict=True)):
                    uf.union(a, b)

    # 3. Acronyms: explicit "(ACRONYM)" after a long form, then initials of multi-word organisations; an
    # organisation's name with a country before it joins the bare name.
    lower_forms = {s.lower(): i for s, i in forms.items()}
    prefixed: dict[int, list[tuple[str, int]]] = defaultdict(list)  # bare form -> (country, prefixed form)
    for i in range(n):
        m = _NATIONAL_PREFIX.match(form_surface[i])
        bare = form_surface[i][m.end() :].lower() if m else ""
        if m and not is_person[i] and bare in lower_forms and not is_person[lower_forms[bare]]:
            prefixed[lower_forms[bare]].append((m.group(1).replace(".", "").upper(), i))
    for j, forms_with_country in prefixed.items():
        if len({country for country, _ in forms_with_country}) == 1:  # 'U.S.' and 'UK Supreme Court': two courts
            for _, i in forms_with_country:
                if family[i] == family[j]:
                    uf.union(i, j)
    for long_form, acro in _acronym_pairs(texts):
        if long_form.lower() in lower_forms and acro.lower() in lower_forms:
            uf.union(lower_forms[long_form.lower()], lower_forms[acro.lower()])
    by_initials: dict[str, set[int]] = defaultdict(set)
    for i in range(n):
        words = form_surface[i].split()
        if len(words) >= 2 and not is_person[i]:
            by_initials[initials(form_surface[i]).upper()].add(uf.find(i))
    for i in range(n):
        s = form_surface[i]
        if _is_acronym(s) and not is_person[i]:
            roots = by_initials.get(s.replace(".", "").upper(), set()) - {uf.find(i)}
            # a place's initials name no organisation: 'D.C.' is not 'District Court'
            roots = {r for r in roots if family[r] == family[i] or "MISC" in (family[r], family[i])}
            if len(roots) == 1:
                uf.union(i, next(iter(roots)))

    # 4. Surname / first name -> the unique full name (by PERSON vote of the merged groups so far).
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[uf.find(i)].append(i)

    def group_label(root: int) -> str:
        total: Counter[str] = Counter()
        for i in groups[root]:
            total.update(form_labels[i])
        return _vote(total)

    def group_count(root: int) -> int:
        return sum(form_count[i] for i in groups[root])

    full_by_word: dict[str, set[int]] = defaultdict(set)
    for root, members in groups.items():
        if group_label(root) != "PERSON":
            continue
        for i in members:
            toks = name_tokens(form_surface[i])
            # 'U.S. Senate' or 'Pfizer’s COVID-19' tagged PERSON is no full name for 'U.S.' or 'COVID-19' to join
            if len(toks) >= 2 and not _is_acronym(toks[0]) and not _has_inner_possessive(form_surface[i]):
                full_by_word["last " + skeleton(toks[-1])].add(root)
                full_by_word["first " + skeleton(toks[0])].add(root)
    for root, members in list(groups.items()):
        label = group_label(root)
        if label != "PERSON" and label not in _CONFUSED and label != "NORP":
            continue
        toks_all = [name_tokens(form_surface[i]) for i in members]
        if any(len(t) >= 2 for t in toks_all) or not toks_all or not toks_all[0]:
            continue
        votes = sum(form_labels[i]["PERSON"] for i in members)
        if not votes and all(_is_acronym(form_surface[i]) for i in members):
            continue  # 'UN' is not the last name of Kim Jong Un
        word = skeleton(toks_all[0][0])
        targets = full_by_word.get("last " + word, set()) - {root}
        if not targets:
            targets = full_by_word.get("first " + word, set()) - {root}
        if not targets:
            continue
        ranked = sorted(targets, key=lambda r: -group_count(r))
        if label == "NORP" or (label != "PERSON" and not votes and group_count(root) > group_count(ranked[0])):
            # never a person, and more frequent than the full name: "Washington" the city. An organisation's tag
            # on a surname written in the articles that name the person in full ('Fauci said') is the tagger's
            # mistake; so is a group's, on a surname written only there ('Han' of 'Han Dong-hoon', 'Klitschko').
            # A group's word written anywhere else stays the group, and so does one shaped like a nationality
            # ('Australian' beside 'Australian Heritage' tagged PERSON; a short name such as 'Han' is no -an word).
            own = {a for i in members for a in form_articles[i]}
            with_full = own & {a for i in groups[ranked[0]] for a in form_articles[i]}
            if label in ("GPE", "LOC") or len(with_full) < settings.entity_surname_with_full_name * len(own):
                continue
            if label == "NORP" and (with_full != own or (_is_nationality(toks_all[0][0]) and len(toks_all[0][0]) > 3)):
                continue
        if len(ranked) == 1 or group_count(ranked[0]) >= settings.entity_surname_dominance * group_count(ranked[1]):
            uf.union(root, ranked[0])
            # the join says the surname is that person: its mentions vote PERSON ('Trump' tagged ORG in 'the Trump
            # administration' made 'Donald Trump' an ORG by majority)
            for i in members:
                form_labels[i] = Counter({"PERSON": sum(form_labels[i].values())})

    merged: dict[int, _Group] = defaultdict(_Group)
    for i in range(n):
        g = merged[uf.find(i)]
        g.surfaces[form_surface[i]] += form_count[i]
        g.labels.update(form_labels[i])
        g.article_ids |= form_articles[i]
    return list(merged.values())


def _best_name(group: _Group) -> str:
    """The most complete common form: for people the most frequent among the longest names (titles dropped);
    otherwise the most frequent spelling."""
    if group.label == "PERSON":
        by_name: Counter[str] = Counter()
        for s, c in group.surfaces.items():
            by_name[" ".join(name_tokens(s))] += c
        longest = max(len(n.split()) for n in by_name)
        pool = {n: c for n, c in by_name.items() if len(n.split()) == longest}
    else:
        pool = dict(group.surfaces)
    return max(pool, key=lambda s: (pool[s], s.isupper(), len(s), s))


def _article_texts(article: Article, sentences: list[Sentence] | None) -> list[str]:
    """Body paragraphs of an article (the text; headings included, they name people too)."""
    paras = paragraphs(article.text)
    if paras:
        return paras
    return [s.text for s in sentences or []]


# lower-case words that belong in people's names: 'Ursula von der Leyen', 'al-Assad', 'José dos Santos'
_NAME_PARTICLES = _CONNECTORS | wordset("dos das do del della delle y e ter ten zu af bint ben abu d l o")
_HONORIFICS = wordset(
    "mr mrs ms miss dr prof sir dame president senator sen rep gov governor mayor minister secretary judge ambassador"
)


# What the words around a name say it is, whatever the tagger said: (name of the rule, type, pattern of the text
# right before the name, pattern of the text right after it, pattern of the name itself); type '' drops the mention.
# spaCy's small model types rare names by their shape ('Agnes Threlfall' LOC, 'Blackthorn Labs' PERSON);
# benchmarks/entity_types.py measures these rules on hand-labelled names. Head words that also end place names
# ('West Bank', 'Soviet Union', 'Maginot Line') are not organisation words.
_OFFICE = (
    r"mayor|minister|secretary|spokes(?:man|woman|person)|director|chief executive|executive|chairman|chairwoman|chair"
    r"|president|governor|engineer|economist|analyst|teacher|officer|manager|leader|councillor|head|founder"
    r"|professor|captain|coach|striker|midfielder|goalkeeper|owner|farmer|resident|neighbour|member"
)
_ORG_HEADS = (
    r"Labs?|Systems|Group|Securities|Alliance|Council|Office|Board|Club|Authority|University|Athletic"
    r"|Rovers|United|Wanderers|Press|Service|Wire|Herald|Gazette|Inc|Ltd|Corp|Corporation|Company"
    r"|Association|Federation|Committee|Commission|Agency|Institute|Party|Airlines?|Holdings|Partners"
)
CONTEXT_TYPES: tuple[tuple[str, str, re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str] | None], ...] = (
    ("honorific before", "PERSON", re.compile(rf"\b(?:{'|'.join(sorted(_HONORIFICS))})\.?\s+$", re.I), None, None),
    ("office after", "PERSON", None, re.compile(rf"^,\s+(?:the\s+|a\s+|an\s+)?(?:[\w'’-]+\s+){{0,3}}(?:{_OFFICE})\b"),
     re.compile(r"^[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,2}$")),
    ("organisation word", "ORG", None, None, re.compile(rf"\s(?:{_ORG_HEADS})$")),
    ("organisation before", "ORG",
     re.compile(r"\b(?:the|a|an)\s+(?:carrier|firm|company|insurer|lender|bank|group|gang|club|union|agency|newspaper"
                r"|broker|charity|airline|operator|supplier|provider)\s+$|\bcall(?:s|ed|ing)\s+itself\s+$", re.I),
     None, None),
    # 'the Delta variant': a virus's variant is no place ('Pfizer vaccine' names the firm, so only variants)
    ("a variant's name", "", None, re.compile(r"^\s+(?:sub)?(?:variant|strain|lineage)s?\b", re.I),
     re.compile(r"^\S+$")),
    # 'COVID-19', 'F-35': a code is no organisation, person or place
    ("code name", "MISC", None, None, re.compile(r"^[A-Za-z]+-\d+$")),
    # a model or version number, a word of two or more letters and digits or a decimal ('IE6' and 'IE9' GPE, 'Windows
    # 8.1 RTM' LOC, 'SMW4' NORP on ECB+): a product, no place, group or person; not an ordinal ('21st Century Fox')
    # nor one letter and digits ('G7', '3M')
    ("model number", "MISC", None, None,
     re.compile(r"(?:^|\s)(?:(?!\d+(?:st|nd|rd|th)\b)(?=[A-Za-z]*\d)(?=\d*[A-Za-z]\d*[A-Za-z])[A-Za-z\d]+|\d+\.\d+)"
                r"(?=\s|$)")),
    # a name made with a landform's or a street's word is a place, whatever its shape says ('Mueller Glacier' PERSON,
    # 'Mt Cook' ORG, 'Zayed Road' PERSON on ECB+); after the organisation words ('Valley Hotel', 'Highway Patrol')
    ("landform word", "LOC", None, None,
     re.compile(r"^(?:Mount|Mt\.?|Lake|Cape)\s+[A-Z][\w'’-]+$|\s(?:Glacier|River|Mountains|Valley|Islands?|Peninsula"
                r"|Ridge|Peak|Canyon|Creek|Desert|Ocean|Gulf|Strait|Coast|National Park)$")),
    ("street word", "FAC", None, None,
     re.compile(r"\s(?:Road|Street|Avenue|Boulevard|Highway|Square|Airport|Bridge)$")),
)  # fmt: skip


_PLACES = ("GPE", "LOC", "FAC")


def _person_if_titled(text: str, span: EntSpan) -> str:
    """The type the words around a mention give it (``CONTEXT_TYPES``: 'Mr Zelenskyy' is a person, 'Agnes
    Threlfall, the mayor' too, 'Blackthorn Labs' an organisation), else the tagger's; a 'person' with a lower-case
    word in it that is no name particle, or a digit, is a thing ('Javelin missiles', 'COVID-19' as PERSON)."""
    before, after = text[max(0, span.start - 40) : span.start], text[span.end : span.end + 60]
    for _name, label, b, a, own in CONTEXT_TYPES:
        if (b is not None and not b.search(before)) or (a is not None and not a.search(after)):
            continue
        if own is None or own.search(span.text):
            if label == "PERSON" and span.label not in ("ORG", "GPE", "MISC", "NORP", "LOC", "FAC"):
                break
            if label in _PLACES and span.label in _PLACES:
                return span.label  # the tagger's finer place type stands ('Rhode Island' GPE)
            return label
    if span.label == "PERSON" and (
        any(w[:1].islower() and re.split(r"[-’']", w)[0] not in _NAME_PARTICLES for w in span.text.split())
        or any(c.isdigit() for c in span.text)
    ):
        return "MISC"
    return span.label


def _not_a_name(text: str) -> bool:
    """A disease (:data:`DISEASES`), a time zone (:data:`TIME_ZONES`) or a text with a clock time in it."""
    return text.lower() in DISEASES or text.lower() in TIME_ZONES or bool(_CLOCK.search(text))


def _no_capital(text: str) -> bool:
    """A mention in a script with capitals that has none names nothing: the tagger's 'n’t', 'air sacs', '58.4 cu.ft'
    (read on the article-extraction-benchmark pages). Scripts without case (Chinese, Japanese) are never dropped."""
    return any(c.islower() for c in text) and not any(c.isupper() for c in text)


_LONG_WORD = re.compile(r"[^\W\d_][\w'’-]{3,}")


def title_cased(text: str) -> bool:
    """A line with every word of four letters or more capitalised ('Lindsay Lohan Checks Into Rehab', an all-caps
    headline, no full stop at its end): capitals there say nothing of where a name starts or ends, so the tagger
    chunks verbs into names. A list of names ('Sens. Roy Blunt (Mo.), Richard Burr (N.C.), …') is no headline: three
    commas or more."""
    words = _LONG_WORD.findall(text)
    return (
        len(words) >= 4 and all(w[0].isupper() for w in words) and text.count(",") < 3
        and not text.rstrip("\"”’') ").endswith((".", "!", "?"))
    )  # fmt: skip


def headline_name(name: str, lower: set[str]) -> str:
    """A name found in a title-cased line, up to its first word the story writes in lower case elsewhere ('Yvonne
    Hiller Kills' -> 'Yvonne Hiller', 'Driver Charged' -> ''), the verbs and nouns of a headline."""
    words = name.split()
    cut = next((i for i, w in enumerate(words) if w.lower().strip(".,:;'’") in lower), len(words))
    return " ".join(words[:cut])


_LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z]+(?![\w’'-])")
_CAPITAL_INSIDE = re.compile(r"(?<=[\w,;)] )[A-Z][a-z]+(?![\w’'-])")  # a capitalised word after a word or a comma


def common_words(texts: Iterable[str], lower: set[str]) -> frozenset[str]:
    """Of the words the texts write in lower case (``lower``), those they never capitalise inside a sentence: a
    one-word 'name' among them is a common noun the tagger took for a name at the head of a sentence or a title
    ('Vaccine advisers to the FDA', 'Wildfires are raging', 'Two Meatballs in the Kitchen')."""
    inside = {w.lower() for t in texts for w in _CAPITAL_INSIDE.findall(t)}
    return frozenset(lower - inside)


def extract_entities(
    articles: list[Article], sentences: dict[str, list[Sentence]], settings: AnalyzeSettings | None = None
) -> list[Entity]:
    """Entities of a story's articles, merged across spellings, most important first (articles, then mentions)."""
    settings = settings or AnalyzeSettings()
    texts_by_article = [(a.id, _article_texts(a, sentences.get(a.id))) for a in articles]
    flat = [t for _, texts in texts_by_article for t in texts]
    spans = recognize(flat, settings)
    body = "\n".join(t for t in flat if not title_cased(t))
    lower = {w for t in flat for w in _LOWER_WORD.findall(t)}
    mentions: list[tuple[str, str, str]] = []
    pos = 0
    for article_id, texts in texts_by_article:
        for text in texts:
            headline = title_cased(text)
            for sp in spans[pos]:
                if _PHOTO_CREDIT.search(sp.text.strip()) or _no_capital(sp.text) or _not_a_name(sp.text):
                    continue
                if headline and sp.text not in body:  # 'Lindsay Lohan Checks Into Rehab' -> 'Lindsay Lohan'
                    sp = EntSpan(sp.start, sp.end, sp.label, headline_name(sp.text, lower))
                    if not sp.text or sp.text not in body:
                        continue
                if sp.label in KEPT_TYPES or sp.label in ("MISC", "PRODUCT"):
                    label = _known_type(sp.text, _person_if_titled(text, sp))  # 'Blackthorn Labs' PRODUCT: ORG
                    if label in KEPT_TYPES or label == "MISC":
                        mentions.append((sp.text, label, article_id))
            pos += 1
    groups = _merge(mentions, flat, settings)
    common = common_words(flat, lower)
    entities: list[Entity] = []
    for g in groups:
        label = g.label
        if label not in KEPT_TYPES and not (label == "MISC" and g.mentions >= 2):
            continue
        name = _best_name(g)
        lowered = name.lower()
        if lowered in _OFFICES or lowered in PORTFOLIOS or lowered in FUNCTION_WORDS or sum(map(str.isalpha, name)) < 2:
            continue  # "State" of "Secretary of State", "Education", a capitalised "The", the "D." of "(D., N.Y.)"
        if all(s.istitle() and s.lower() in common for s in g.surfaces):
            continue  # a common noun capitalised at a sentence's head: 'Vaccine', 'Wildfires'
        aliases = sorted({s for s in g.surfaces if s != name})
        entities.append(Entity(name, label, aliases, sorted(g.article_ids), g.mentions))
    entities.sort(key=lambda e: (-len(e.article_ids), -e.mentions, e.name))
    return entities


def canonical_name(name: str, entities: list[Entity]) -> str:
    """The entity name that ``name`` (any alias, title or spelling variant, or a bare surname) refers to;
    ``name`` itself when no entity matches."""
    if not name or not entities:
        return name
    settings = AnalyzeSettings()
    wanted = clean_surface(name).casefold()
    for e in entities:
        if e.name.casefold() == wanted or any(a.casefold() == wanted for a in e.aliases):
            return e.name
    key = key_of(name)
    if not key:
        return name
    for e in entities:
        if any(key_of(f, e.type == "PERSON") == key for f in [e.name, *e.aliases]):
            return e.name
    toks = name_tokens(name)

    def variant_of(e: Entity) -> bool:
        for form in [e.name, *e.aliases]:
            ft = name_tokens(form, e.type == "PERSON")
            if len(ft) == len(toks) and all(_words_similar(a, b, settings) for a, b in zip(ft, toks, strict=True)):
                return True
        return False

    hits = [e for e in entities if variant_of(e)]
    if len(hits) == 1:
        return hits[0].name
    if len(toks) == 1:
        people = [e for e in entities if e.type == "PERSON" and len(name_tokens(e.name)) >= 2]
        for pick in (-1, 0):
            hits = [e for e in people if _words_similar(name_tokens(e.name)[pick], toks[0], settings)]
            if len(hits) == 1:
                return hits[0].name
    return name
