"""Direct quotations and who said them.

Works paragraph by paragraph on the article text, in three steps:

1. **Quotation marks** are classified as opening or closing from their neighbours (curly, straight, guillemets)
   and paired into segments. News conventions and scraping defects are handled: a paragraph that opens a quote
   and does not close it continues in the next paragraph when that one starts with an opening mark; an opening
   mark with no closing mark before ", Blinken said" is cut there; a closing mark with no opening one ('... we
   are ready," Blinken said.' at the start of a paragraph) starts the quote at the paragraph start.
2. **Attribution**: a speech verb (the cue) and its speaker next to the quote: after it ('"…," X said',
   '"…," said X', '"…" X told reporters', '"…" ― X'), before it ('X said: "…"', 'according to X, "…"'), a
   transcript label ('PENCE: …'), at the end of the quotation's sentence ('… "a serious path" to peace,
   X said.'), in the same sentence for a quotation inside indirect speech ('X said the plan is "not final"'), or
   the speaker of the previous paragraph for a quote paragraph that follows it. '"First," she said, "second."'
   and '"First," she said. "Second."' are one quote. A sentence that ends in a colon with no speech verb gives
   the floor to its subject ('Politico lists the facts: "…"', 'Pollsters agree - Jane Roe: "…"'), and a speech
   verb coordinated with an earlier one takes its clause's subject ('Roe stood up and said: "…"').
3. **Speaker**: with spaCy's dependency parser (``quote_parser``; run only on articles with quotation marks), the
   speaker is the subject of the speech verb, whatever other name is near ('said Harbour Watch investigator Jane
   Roe', not Harbour Watch; a participle takes its sentence's subject: 'Days after revealing he would divorce his
   wife Ann Lind, Roe turned to his campaign in an announcement declaring "…"' is Roe's); a person named next to a
   description is the speaker ('his wife, Ann Lind,'; 'one girl named Dakota'), and a statement speaks for whom it
   is by ('a statement on behalf of his family'). A name becomes the full name used in the article (Mr Blinken,
   Blinken -> Antony Blinken; a surname shared by several people goes to the one of matching title gender, then to
   the one mentioned last). he/she is the person the sentences before are about (going back sentence by sentence:
   the subject of a speech verb, then of the main clause, then of another clause, then the first other person named;
   of a compatible gender), not the nearest name ('Roe visited the clinic after being visited by Ivo Lind. He said:
   "…"' is Roe's; a name inside the clause of the subject he/she is not its referent: 'During his tour of Midway, he
   paused'); 'it said' is the organisation that was last a subject; 'they said' the organisation, group of people
   ('the protesters') or pair of names ('Roe and Lind') that was last a subject (``quote_they``); 'the statement
   said' whoever issued the last statement before it ('X issued a statement', 'X said in a statement': a table of
   document nouns and issuing verbs, ``quote_document_issuer``). Names NER misses count as people: a lone
   surname of someone the article names in full ('According to Ham', for he/she), a nicknamed name ('John "Tig"
   Tiegen', which NER cuts at the marks; for every speaker); a participle opening the sentence that NER glues to
   a name is cut off it ('Hosting Jane Roe, the town ...': Jane Roe; ``ING_NAMES`` keep 'Sterling'). A subject
   'it' or 'they' is not the same person as 'he' (the search goes on past it in its sentence). PolNeAR
   pronoun row (``benchmarks/quotes.py``): dev 0.798 -> 0.816 strict, 0.868 -> 0.886 lenient; test unchanged
   (0.802, 0.820); then 0.825 -> 0.833 dev (README: 'He/she'). 'the secretary of state' becomes
   the one person the article gives that role ("Secretary of State Antony Blinken", "Blinken, the secretary of state,"),
   else a short definite description ('the Texas Republican', "New York's mayor", 'the company') the person or
   organisation the ``quote_description_max_sentences`` sentences before it are about (not one of its own sentence;
   'the spokesperson' after 'a police spokesperson said' stays that spokesperson). Without the parser, he/she goes
   back sentence by sentence to who speaks in it or the person it opens with (its subject), then to the last person
   named, of a compatible gender (learnt from titles and pronouns). Otherwise the descriptive
   phrase is kept ("a State Department spokesperson"). Organisations stay as named ("the Kremlin said" ->
   "Kremlin"). Speaker accuracy: benchmarks/quotes.py (PolNeAR) and benchmarks/speakers.py (hand labels on real
   news).

Scare quotes and partial quotes: a quoted stretch inside indirect speech is a quote of the sentence's speaker only
when a speech verb of the sentence attributes it, it has at least ``quote_embedded_min_words`` (12) words and it
ends the sentence inside the marks (``quote_embedded_sentence_end``): 'X said the plan "offers a serious path
toward peace for the fishermen and the port workers of both towns."' is a quote; 'calls it "not sufficient"' and
'X said the plan offers "a serious path toward peace" for both sides' are the reporter's sentence with a quoted
phrase in it (PolNeAR annotates those as indirect speech; on its train split such phrases were direct quotes
113 times out of 180 with both rules, 189 out of 548 without). Likewise a quotation that starts inside the
reporter's sentence needs that many words even when an attribution follows ('The country "has made dramatic
changes," X said': ``quote_mid_sentence_min_words``), and so does a quotation right after 'X said' that opens in
lower case and after which the reporter's sentence goes on ('X testified "thousands" of emails were kept'; PolNeAR
dev strict precision 0.914 -> 0.921, test 0.897 -> 0.900, recall unchanged: ``benchmarks/quotes.py``).
The exception is a quotation that is the whole clause
reported by its verb, however short ('X says that "we will win."': ``quote_whole_clause``), since the reporter
added no words of their own. A
short quoted Title Case phrase ("Morning Joe", "Unfit") is a name, not a quote. A quotation with no attribution at
all is dropped unless ``quote_keep_unattributed`` (then kept with speaker None when it is a sentence of its own of
at least ``quote_unattributed_min_words`` words). English only: other languages get no quotes.

People come from spaCy NER (cached with :mod:`tidings.entities`), or from capitalised sequences without spaCy.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .entities import FUNCTION_WORDS, TITLES, clean_surface, name_tokens, recognize, skeleton, wordset
from .model import Article, EntSpan, Parse, Quote, Sentence
from .settings import AnalyzeSettings
from .text import paragraphs, parse_paragraphs, words

# ---------------------------------------------------------------------------------------------------------------
# Lexicon: speech verbs and the small words around them (English grammar, no names)
# ---------------------------------------------------------------------------------------------------------------

CUES = wordset(
    """say says said tell tells told ask asks asked add adds added write writes wrote stated explain explains
    explained noted declare declares declared insist insists insisted argue argues argued claimed warn warns warned
    continued remarked replies replied respond responds responded recalls recalled announce announces
    announced acknowledge acknowledges acknowledged admit admits admitted concede concedes conceded complain
    complains complained cautions cautioned stressed emphasized emphasised emphasizes emphasises observed
    suggest suggests suggested tweeted posted quipped joked boasted vowed pledged promised predicted concluded
    countered shouted yelled urge urges urged charged alleged alleges mused reiterate reiterates reiterated repeated
    answered agreed testified contend contends contended maintained confirmed confirms denied exclaimed whispered
    retorted underscored underlined concludes stresses observes predicts testifies maintains denies retorts mocked
    scoffed interjected pleaded proclaimed lamented reasoned recounted wondered screamed chanted yells elaborated
    reads"""
)
"""Speech verbs, in forms that are verbs rather than nouns ('notes', 'claims', 'state', 'recall' are left out)."""
ING_CUES = wordset(
    """saying adding telling asking writing noting explaining arguing insisting warning declaring stressing
    suggesting urging acknowledging recalling calling tweeting posting reading chanting shouting yelling screaming
    proclaiming answering responding replying concluding stating joking quipping"""
)
"""Participles of speech ('X said, adding, "…"'): their speaker is the subject of the clause before."""
EMBED_CUES = wordset(
    "called calls described describes branded brands dubbed labeled labelled labeling labelling describing branding"
)
"""Verbs that attribute a quoted description ('He called Burma a "good news story in an era when …"'): they
attribute quotations inside the sentence only, and with the usual minimum length (scare quotes stay out)."""
TELL_CUES = wordset("told tells tell telling warned warns warning assured assures reminded reminds")
"""Speech verbs with the hearer as object before the reported clause ('told reporters that "…"')."""
LOOSE_CUES = wordset(
    """notes claims states recalls writes argues quips jokes boomed joked quipped snapped exclaimed answers counters
    mocks beamed retaliated cried sighed griped fumed sang sings shouts read echoed"""
)
"""Speech verbs that are nouns too ('notes', 'claims'): a cue only right after a quotation, with a name or a
pronoun as speaker ('"…," he notes')."""
PARTICLE_VERBS = wordset("went goes go shot shoots fired fires pointed points chimed chimes cut")
_PARTICLES = wordset("on back out in")
_PASSIVE = wordset("was were been being is are be when if once while after before as who which that whom")
"""Words before a cue that make it passive, a time clause or a relative clause ('when asked', 'who said')."""
_AUX = wordset(
    """has had have also later then again once earlier previously repeatedly further would will could might may
    reportedly recently quickly simply just however still already first finally even often never always did does
    do not"""
)
_TIME_PREPOSITIONS = wordset("on in at during by")
_PRONOUNS: dict[str, str | None] = {"he": "m", "she": "f", "they": None, "it": None, "we": None, "i": None}
_NOMINAL_START = wordset("the a an his her their its our one two three several some many most other another both all")
_NOMINAL_BAD = wordset(
    """may might can could would will should must do does did is are was were has have had be been being not that
    this these those which who what said says told"""
)
_NOMINAL_STOP = wordset(
    """and but or while though although because as that which who whom whose where when if so than then also
    not to in on at by with from into over after before during since until for about against amid"""
)
_SMALL = wordset("of the and a an in on for to at with de la del von van")
# A speaker made of these words only names nobody ('the two write', 'another said', 'one said', 'to have her ask'):
# the quote is kept without a speaker rather than shown under "two" or "another".
UNNAMED_SPEAKER_WORDS = _NOMINAL_START | frozenset(_PRONOUNS) | wordset("him them us me these those others")
_SENT_END = frozenset(".!?")
_DASHES = frozenset("―—–-")
_OPENERS = "“«„"
_CLOSERS = "”»"
_MARK_CHARS = _OPENERS + _CLOSERS + '"'
_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[\w’'‘]+(?:[-.][\w’'‘]+)*|[^\w\s]")
_ABBREV = wordset("mr mrs ms dr prof sen rep gov gen lt col st jr sr no vs capt sgt adm rev")
_QUOTED_SPAN = re.compile(r"[“«][^”»]*[”»]|\"[^\"]*\"")
_LABEL = re.compile(r"^([A-Z][A-Z.'’ -]{1,40}[A-Z])\s*:\s+")
"""A transcript speaker label at the start of a quotation ('PENCE: Well, …')."""


def _is_cue(tok: _Tok) -> bool:
    return tok.text.islower() and tok.low in CUES


def _is_ing_cue(tok: _Tok) -> bool:
    return tok.text.islower() and tok.low in ING_CUES


def _abbreviation_dot(toks: list[_Tok], j: int) -> bool:
    """Is the '.' at ``toks[j]`` part of an abbreviation ('Mr.', 'R-Ky.,') rather than a sentence end?"""
    if j == 0:
        return False
    nxt = toks[j + 1].text if j + 1 < len(toks) else ""
    prev = toks[j - 1].text
    return prev.lower() in _ABBREV or (len(prev) == 1 and prev.isupper()) or nxt in (",", ")") or nxt[:1].islower()


def _loose_cue(toks: list[_Tok], j: int) -> tuple[str, int] | None:
    """A speech verb that needs a named or pronoun speaker next to it: 'notes', 'claims' (nouns too), 'went on',
    'shot back', 'pointed out'. Returns the cue text and the index of its first token."""
    t = toks[j]
    if not t.text.islower():
        return None
    if t.low in LOOSE_CUES:
        return t.text, j
    if j > 0 and t.low in _PARTICLES and toks[j - 1].text.islower() and toks[j - 1].low in PARTICLE_VERBS:
        return f"{toks[j - 1].text} {t.text}", j - 1
    if t.low in PARTICLE_VERBS and j + 1 < len(toks) and toks[j + 1].low in _PARTICLES:
        return f"{t.text} {toks[j + 1].text}", j
    return None


def _is_title_case(text: str) -> bool:
    """Every word capitalised (small words aside): a name of a show, a slogan, a title. An exclamation or a
    question ('What a Great Night!') is an utterance, not a title."""
    if text.rstrip(_MARK_CHARS + "’' ")[-1:] in "!?":
        return False
    ws = re.findall(r"[^\W\d_][\w’'-]*", text)
    return bool(ws) and all(w[0].isupper() or w.lower() in _SMALL for w in ws) and ws[0][0].isupper()


# ---------------------------------------------------------------------------------------------------------------
# Paragraph model
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Tok:
    start: int
    end: int
    text: str

    @property
    def low(self) -> str:
        return self.text.lower()


@dataclass
class _Para:
    """One body paragraph: text, tokens, entity spans and sentence starts."""

    index: int
    text: str
    ents: tuple[EntSpan, ...]
    sent_starts: list[int]
    toks: list[_Tok] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.toks = [_Tok(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(self.text)]
        self._tok_starts = [t.start for t in self.toks]

    def tokens(self, start: int, end: int) -> list[_Tok]:
        """Tokens wholly inside [start, end)."""
        i = bisect_right(self._tok_starts, start - 1)
        out = []
        for t in self.toks[i:]:
            if t.end > end:
                break
            out.append(t)
        return out

    def sentence_start(self, offset: int) -> int:
        i = bisect_right(self.sent_starts, offset) - 1
        return self.sent_starts[i] if i >= 0 else 0

    def sentence_end(self, offset: int) -> int:
        i = bisect_right(self.sent_starts, offset)
        return self.sent_starts[i] if i < len(self.sent_starts) else len(self.text)

    def ent_ending_at(self, end: int) -> EntSpan | None:
        for e in self.ents:
            if e.end == end:
                return e
        return None

    def ent_starting_at(self, start: int) -> EntSpan | None:
        for e in self.ents:
            if e.start == start:
                return e
        return None


_REGEX_SENT = re.compile(r"[.!?…]['\"”’)]*\s+(?=['\"“‘(]?[A-Z0-9])")


def _sentence_starts(text: str, sentences: list[str]) -> list[int]:
    """Start offsets of the given sentences in ``text``; a regex split when they cannot all be found."""
    starts: list[int] = []
    pos = 0
    for s in sentences:
        i = text.find(s, pos)
        if i < 0:
            starts = []
            break
        starts.append(i)
        pos = i + len(s)
    if starts:
        return starts
    out = [0]
    for m in _REGEX_SENT.finditer(text):
        before = text[: m.start()].split()
        word = before[-1].lower().strip(".") if before else ""
        if word not in _ABBREV and not re.fullmatch(r"[a-z]", word):
            out.append(m.end())
    return out


def _drop_parentheses(toks: list[_Tok]) -> list[_Tok]:
    """'Rep. Jim Clyburn (D-S.C.)' -> 'Rep. Jim Clyburn'."""
    out: list[_Tok] = []
    depth = 0
    for t in toks:
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(t)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Segments and attributions
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Seg:
    """A quoted stretch of one paragraph."""

    para: int  # position in the paragraph list
    start: int  # first character inside the marks
    end: int  # end (exclusive) of the quoted text
    open_at: int | None  # offset of the opening mark, None when it is missing
    after: int  # offset just after the closing mark (= end when there is none)
    closed: bool = True
    continues: bool = False  # runs on into the next paragraph


@dataclass
class _Phrase:
    """A speaker phrase in a paragraph: where it is, its text, and what it is (name, pronoun, nominal)."""

    para: int
    start: int
    end: int
    text: str
    kind: str  # name | pronoun | nominal | label
    label: str | None = None  # NER label of a name


@dataclass
class _Attr:
    """An attribution: the cue (speech verb) and its speaker; ``kind`` says where it was found."""

    cue: str | None
    cue_at: int
    para: int
    speaker: _Phrase | None
    kind: str  # tail | head | label | embedded
    end: int = 0  # offset after the attribution (cue and speaker)


_SPACED_CLOSE_AFTER = frozenset(",.!?…")


def _ends_attribution(before: str) -> bool:
    """The text before a mark ends with a comma after a speech verb ('Garrard said,', 'told reporters,'): the mark
    opens the quote that attribution introduces."""
    head = before.removesuffix(",").split() if before.endswith(",") else []
    return bool(head) and (head[-1].lower() in CUES or (len(head) > 1 and head[-2].lower() in TELL_CUES))


def _classify_marks(p: str) -> list[tuple[int, str]]:
    """Offsets of quotation marks with 'open' or 'close', from the characters around them."""
    out: list[tuple[int, str]] = []
    inside = False
    n = len(p)
    for i, c in enumerate(p):
        if c not in _MARK_CHARS:
            continue
        prev = p[i - 1] if i else " "
        nxt = p[i + 1] if i + 1 < n else " "
        can_open = (i == 0 or prev.isspace() or prev in "([{—–-―/") and not nxt.isspace()
        can_close = (i == n - 1 or nxt.isspace() or nxt in ".,;:!?)]}—–-―…") and not prev.isspace()
        if can_open and not can_close:
            kind = "open"
        elif can_close and not can_open:
            kind = "close"
        elif c in _OPENERS:
            kind = "open"
        elif c in _CLOSERS:
            kind = "close"
        elif (before := p[:i].rstrip())[-1:] in _SPACED_CLOSE_AFTER and not _ends_attribution(before):
            kind = "close"  # a mark spaced on both sides after a quote's own stop: 'biodiversity, " said Roe'
        else:
            kind = "close" if inside else "open"
        inside = kind == "open"
        out.append((i, kind))
    return out


_NICKNAMED = re.compile(r"\b[A-Z][\w’'-]+ [“\"][A-Z][\w.’'-]*[”\"] [A-Z][\w’'-]+")
"""A name with a nickname in quotation marks ('John “Tig” Tiegen', 'Marcia "Cia" Price')."""


def _nicknamed(text: str, ents: tuple[EntSpan, ...]) -> tuple[EntSpan, ...]:
    """The paragraph's entities with each nicknamed name one person: NER cuts it at the marks ('Marine John “Tig'
    PERSON, 'Tiegen' ORG), so the surname would name no one the article knows in full."""
    for m in _NICKNAMED.finditer(text):
        a, b = m.span()
        if any(e.label == "PERSON" and e.start <= a < e.end for e in ents):  # NER saw a person's first name there
            ents = (*(e for e in ents if e.end <= a or e.start >= b), EntSpan(a, b, "PERSON", m.group()))
    return tuple(sorted(ents, key=lambda e: e.start))


_OPENING_PARTICIPLE = re.compile(r"([A-Z][a-z]{3,}ing)\s+(?=[A-Z])")
"""A sentence's first word that is a gerund or participle ('Hosting', 'Welcoming'), before a capitalised word."""
ING_NAMES = wordset("sterling channing manning fleming browning harding golding downing cushing")
"""Names that end like a participle: kept at the start of a person's name ('Sterling Roe said')."""


def _participle_trimmed(ents: tuple[EntSpan, ...], starts: list[int]) -> tuple[EntSpan, ...]:
    """The paragraph's entities with a sentence's opening participle cut off a person's name: NER glues it to the
    name after it ('Hosting Jane Roe, the mayor said': 'Hosting Jane Roe' PERSON), which then names the speaker."""
    out = []
    for e in ents:
        m = _OPENING_PARTICIPLE.match(e.text)
        if e.label == "PERSON" and m and e.start in starts and m.group(1).lower() not in ING_NAMES:
            e = EntSpan(e.start + m.end(), e.end, e.label, e.text[m.end() :])
        out.append(e)
    return tuple(out)


class _Extractor:
    """Quote extraction for one article: its paragraphs, people and speech events."""

    def __init__(self, article: Article, sentences: list[Sentence], settings: AnalyzeSettings) -> None:
        self.article = article
        self.settings = settings
        texts = paragraphs(article.text)
        heading_paras = {s.paragraph for s in sentences if s.is_heading}
        by_para: dict[int, list[str]] = defaultdict(list)
        for s in sentences:
            if not s.is_heading:
                by_para[s.paragraph].append(s.text)
        keep = [i for i, t in enumerate(texts) if i not in heading_paras]
        ents = recognize([texts[i] for i in keep], settings)
        self.paras = []
        for n, i in enumerate(keep):
            starts = _sentence_starts(texts[i], by_para.get(i, []))
            found = _participle_trimmed(_nicknamed(texts[i], ents[n]), starts)
            self.paras.append(_Para(i, texts[i], found, starts))
        self.people = _People(self.paras, settings)
        texts_kept = [p.text for p in self.paras]
        parses = (
            parse_paragraphs(texts_kept)
            if settings.quote_parser and any(c in article.text for c in _MARK_CHARS)
            else None
        )
        self.grammar = _Grammar(self.paras, parses, self.people)

    # -- 1. segments -------------------------------------------------------------------------------------------

    def segments(self) -> list[list[_Seg]]:
        """Quoted segments of each paragraph, in order."""
        out: list[list[_Seg]] = []
        for k, para in enumerate(self.paras):
            p = para.text
            segs: list[_Seg] = []
            open_at: int | None = None
            for pos, kind in _classify_marks(p):
                if kind == "open":
                    if open_at is not None:  # an opening mark while open: the previous close went missing
                        segs.append(self._unclosed(k, open_at, pos))
                    open_at = pos
                elif open_at is not None:
                    segs.append(_Seg(k, open_at + 1, pos, open_at, pos + 1))
                    open_at = None
                else:  # a closing mark with no opening one: the quote started with the paragraph
                    segs = [_Seg(k, 0, pos, None, pos + 1)]
            if open_at is not None:
                seg = self._unclosed(k, open_at, len(p))
                nxt = self.paras[k + 1].text.lstrip() if k + 1 < len(self.paras) else ""
                if seg.end == len(p) and nxt[:1] in _MARK_CHARS and not _LABEL.match(nxt[1:].lstrip()):
                    seg.continues = True
                segs.append(seg)
            out.append(segs)
        return out

    def _unclosed(self, k: int, open_at: int, limit: int) -> _Seg:
        """A quote opened at ``open_at`` whose closing mark is missing before ``limit``: cut it before an
        attribution (', Blinken said') when there is one, else let it run to ``limit``."""
        text = self.paras[k].text
        for m in re.finditer(r",\s+", text[open_at + 1 : limit]):
            if self._tail(k, open_at + 1 + m.end(), strong=True, limit=limit) is not None:
                cut = open_at + 1 + m.start()
                return _Seg(k, open_at + 1, cut, open_at, cut, closed=False)
        return _Seg(k, open_at + 1, limit, open_at, limit, closed=False)

    def _chains(self, segs: list[list[_Seg]]) -> list[list[_Seg]]:
        """Segments joined across paragraphs (news convention, or a missing opening mark on the next one)."""
        chains: list[list[_Seg]] = []
        used: set[tuple[int, int]] = set()
        for k, para_segs in enumerate(segs):
            for n, seg in enumerate(para_segs):
                if (k, n) in used:
                    continue
                chain, cur, ck, cn = [seg], seg, k, n
                while (
                    ck + 1 < len(segs)
                    and segs[ck + 1]
                    and len(chain) < self.settings.quote_max_paragraphs
                    and cn == len(segs[ck]) - 1
                    and not cur.closed
                    and cur.end == len(self.paras[ck].text)
                    and (cur.continues or segs[ck + 1][0].open_at is None)
                    and segs[ck + 1][0].start <= 1
                ):
                    ck, cn = ck + 1, 0
                    cur = segs[ck][0]
                    used.add((ck, cn))
                    chain.append(cur)
                chains.append(chain)
        return chains

    # -- 2. attribution ----------------------------------------------------------------------------------------

    def _tail(self, k: int, offset: int, strong: bool, limit: int | None = None) -> _Attr | None:
        """Attribution right after a quotation ('", Blinken said', '" said the minister', '" he added',
        '" ― Jane Roe')."""
        para = self.paras[k]
        toks = para.tokens(offset, len(para.text) if limit is None else limit)
        i = 0
        if toks and toks[0].text == ",":
            i, strong = 1, True
        if i >= len(toks):
            return None
        first = toks[i]
        if first.text in _DASHES and i + 1 < len(toks) and toks[i + 1].text[:1].isupper():
            speaker = self._speaker_after(k, toks, i + 1)
            if speaker is not None and speaker.kind == "name":
                return _Attr(None, first.start, k, speaker, "tail", speaker.end)
            return None
        # Cue first: '"…," said Antony Blinken.'
        if _is_cue(first) or (first.low == "according" and i + 1 < len(toks) and toks[i + 1].low == "to"):
            according = first.low == "according"
            speaker = self._speaker_after(k, toks, i + (2 if according else 1))
            if speaker is None:
                return None
            attr = _Attr("according to" if according else first.text, first.start, k, speaker, "tail", speaker.end)
            return self._finish_tail(k, attr, strong)
        # Speaker first: '"…," the secretary of state said.'
        # (an appositive between commas may be long: ', Malkia Cyril, the executive director at …, told')
        if first.low in _NOMINAL_STOP or first.low in ING_CUES or first.low.endswith("ing"):
            return None  # ', adding that the plan …' is not a speaker
        for j in range(i, min(len(toks), i + self.settings.quote_attribution_max_tokens)):
            t = toks[j]
            if (t.text in _SENT_END and not _abbreviation_dot(toks, j)) or t.text in _MARK_CHARS or t.text in ";:":
                break
            if j > i and _is_cue(t) and toks[j - 1].low not in _PASSIVE:
                if not self._speaker_shaped(toks[i:j]):
                    return None
                speaker = self._speaker_before(k, toks[i:j])
                if speaker is None:
                    return None
                return self._finish_tail(k, _Attr(t.text, t.start, k, speaker, "tail", t.end), strong)
            loose = _loose_cue(toks, j) if j > i else None
            if loose is not None:  # '"…," he notes.', '"…," Trump went on.'
                if not self._speaker_shaped(toks[i:j]):
                    return None
                speaker = self._speaker_before(k, toks[i:j])
                if speaker is None or speaker.kind not in ("name", "pronoun"):
                    return None
                end = toks[j + len(loose[0].split()) - 1].end
                return self._finish_tail(k, _Attr(loose[0], t.start, k, speaker, "tail", end), strong)
        # Strong context only: a name or pronoun, then an -ed verb ('"…," Blinken invited …').
        if strong and (first.text[:1].isupper() or first.low in _PRONOUNS):
            for j in range(i + 1, min(len(toks), i + self.settings.quote_name_max_words + 1)):
                t = toks[j]
                if t.text.islower() and len(t.text) > 4 and t.text.endswith("ed"):
                    speaker = self._speaker_before(k, toks[i:j])
                    if speaker is not None and speaker.kind in ("name", "pronoun"):
                        return _Attr(t.text, t.start, k, speaker, "tail", t.end)
                    break
                if not (t.text[:1].isupper() or t.text == "."):
                    break
        return None

    def _speaker_shaped(self, toks: list[_Tok]) -> bool:
        """Words between a quotation and its speech verb: a speaker phrase, maybe with appositives between commas
        (', Jane Roe, a lawyer who …, said'), not a clause ('" is the answer to …, Roe replied')."""
        commas = [n for n, t in enumerate(toks) if t.text == ","]
        core = toks[: commas[0]] if commas else toks
        return 0 < len(core) <= self.settings.quote_speaker_max_words

    def _finish_tail(self, k: int, attr: _Attr, strong: bool) -> _Attr | None:
        """After '."', accept 'X said …' as the attribution only when its sentence ends soon (no 'that' clause)."""
        if strong:
            return attr
        para = self.paras[k]
        rest: list[_Tok] = []
        for t in para.tokens(attr.end, len(para.text)):
            if t.text in _SENT_END or t.text in _MARK_CHARS:
                break
            rest.append(t)
        if len(rest) > self.settings.quote_tail_max_words or any(t.low in ("that", "whether") for t in rest):
            return None
        return attr

    def _head(self, k: int, open_at: int, quoted: list[_Seg]) -> _Attr | None:
        """Attribution before a quotation in its sentence: direct ('X said: "…"', 'said X, "…"', 'X shot back,
        "…"') or, when the quotation is inside indirect speech ('X said the plan is "not final"'), embedded.
        The words of earlier quotations (``quoted``) are not searched."""
        para = self.paras[k]
        toks = [
            t
            for t in para.tokens(para.sentence_start(open_at), open_at)
            if t.text not in _MARK_CHARS and not any(q.start <= t.start < q.end for q in quoted)
        ]
        ends = [n for n, t in enumerate(toks) if t.text in _SENT_END and not _abbreviation_dot(toks, n)]
        if ends:
            toks = toks[ends[-1] + 1 :]  # a cue of the previous sentence is not this quote's
        if len(toks) >= 2 and toks[-1].text in ",:":  # 'Hillary shot back, "…"', 'Trump boomed: "…"'
            cue = _loose_cue(toks, len(toks) - 2)
            if cue is not None:
                speaker = self._speaker_before(k, toks[: cue[1]]) or self._coordinated_subject(k, toks[: cue[1]])
                if speaker is not None and speaker.kind in ("name", "pronoun"):
                    return _Attr(cue[0], toks[cue[1]].start, k, speaker, "head", toks[-2].end)
        for j in range(len(toks) - 1, -1, -1):
            t = toks[j]
            if t.low == "according" and j + 1 < len(toks) and toks[j + 1].low == "to":
                speaker = self._speaker_after(k, toks, j + 2)
                if speaker is not None:
                    return _Attr("according to", t.start, k, speaker, "head", speaker.end)
                continue
            if j == 0 and t.low in CUES and t.text[:1].isupper():  # 'Said Ellis: "…"'
                speaker = self._speaker_after(k, toks, 1)
                if speaker is not None:
                    return _Attr(t.low, t.start, k, speaker, "head", speaker.end)
                continue
            embed_only = t.text.islower() and t.low in EMBED_CUES
            if not (_is_cue(t) or _is_ing_cue(t) or embed_only) or (j and toks[j - 1].low in _PASSIVE):
                continue
            after = toks[j + 1 :]
            direct = (
                len(after) <= self.settings.quote_head_gap_words
                and (not after or after[-1].text in ",:")
                and not any(x.low in ("that", "whether", "if", "how", "why", "what") for x in after)
            )
            if _is_ing_cue(t):
                speaker = self._clause_subject(k, toks[:j])
            else:
                speaker = self._speaker_before(k, toks[:j]) or self._coordinated_subject(k, toks[:j])
                if speaker is None and direct and after:
                    speaker = self._speaker_after(k, toks, j + 1)  # 'said Blinken: "…"'
            if speaker is not None:
                kind = "head" if direct and not embed_only else "embedded"
                return _Attr(t.text, t.start, k, speaker, kind, t.end)
        starts_sentence = para.text[open_at + 1 : open_at + 2].isupper()
        if self.settings.quote_colon_subject and len(toks) >= 2 and toks[-1].text == ":" and starts_sentence:
            speaker = self._colon_subject(k, toks[:-1])
            if speaker is not None:
                return _Attr(None, toks[-1].start, k, speaker, "head", toks[-1].end)
        return None

    def _colon_subject(self, k: int, toks: list[_Tok]) -> _Phrase | None:
        """Who a sentence ending in a colon gives the floor to, with no speech verb ('Politico lists the facts:
        "…"', 'The lesson - Jane Roe: "…"'): a name just before the colon after a dash, else the subject at the
        start of the clause (a pronoun or a name of a person or organisation)."""
        para = self.paras[k]
        toks = _drop_parentheses(toks)
        if not toks or len(toks) > self.settings.quote_attribution_max_tokens:
            return None
        ent = para.ent_ending_at(toks[-1].end)
        if ent is not None and ent.label in ("PERSON", "ORG"):
            idx = next(i for i, t in enumerate(toks) if t.start >= ent.start)
            if idx == 0 or toks[idx - 1].text in _DASHES:
                return _Phrase(k, ent.start, ent.end, ent.text, "name", ent.label)
        i = 0
        while i < len(toks) and toks[i].low in ("but", "and", "so", "then", "still", "yet"):
            i += 1
        if i >= len(toks):
            return None
        if toks[i].low in ("he", "she", "they", "we", "it") and i + 1 < len(toks) and toks[i + 1].text.islower():
            return _Phrase(k, toks[i].start, toks[i].end, toks[i].text, "pronoun")
        ent = para.ent_starting_at(toks[i].start)
        if ent is None and toks[i].low.strip(".") in TITLES and i + 1 < len(toks):
            ent = para.ent_starting_at(toks[i + 1].start)
        if ent is not None and ent.label in ("PERSON", "ORG"):
            nxt = next((t for t in toks if t.start >= ent.end), None)
            if nxt is not None and nxt.text.islower():  # the name is the subject of a verb
                return _Phrase(k, toks[i].start, ent.end, para.text[toks[i].start : ent.end], "name", ent.label)
        return None

    def _coordinated_subject(self, k: int, toks: list[_Tok]) -> _Phrase | None:
        """The subject of a speech verb coordinated with an earlier verb ('Roe stood up and said: "…"')."""
        if not self.settings.quote_coordinated_subject or not toks or toks[-1].low != "and":
            return None
        return self._clause_subject(k, toks[:-1])

    def _clause_subject(self, k: int, toks: list[_Tok]) -> _Phrase | None:
        """Subject of the clause before a participle: 'Blinken said, adding …' -> Blinken."""
        for j in range(len(toks) - 1, -1, -1):
            if _is_cue(toks[j]) and (j == 0 or toks[j - 1].low not in _PASSIVE):
                return self._speaker_before(k, toks[:j]) or self._speaker_after(k, toks, j + 1)
        # no speech verb before: the first person of the sentence ('Dean, a former chairman, …, tweeting',
        # 'When he returned he began by saying')
        para = self.paras[k]
        for t in toks:
            if t.low in ("he", "she"):
                return _Phrase(k, t.start, t.end, t.text, "pronoun")
            ent = para.ent_starting_at(t.start)
            if ent is not None and ent.label == "PERSON":
                return _Phrase(k, ent.start, ent.end, ent.text, "name", ent.label)
        return None

    def _sentence_tail(self, k: int, seg: _Seg) -> _Attr | None:
        """', X said.' closing the quotation's sentence ('… "potential for progress" in arms control, X said.')."""
        para = self.paras[k]
        end = para.sentence_end(seg.after)
        text = para.text[seg.after : end]
        if any(c in text for c in _MARK_CHARS):
            return None
        for m in reversed(list(re.finditer(r",\s+", text))):
            attr = self._tail(k, seg.after + m.end(), strong=True, limit=end)
            if attr is not None:
                attr.kind = "embedded"
                return attr
        return None

    def _attribute(self, chain: list[_Seg], segs: list[list[_Seg]]) -> _Attr | None:
        first, last = chain[0], chain[-1]
        inner = self._text(chain)
        m = _LABEL.match(inner)
        if m and first.start <= 1 and sum(c.isalpha() for c in m.group(1)) >= 2:
            p = self.paras[first.para]
            at = p.text.find(m.group(1), first.start)
            return _Attr(
                None, at, first.para, _Phrase(first.para, at, at + len(m.group(1)), m.group(1), "name"), "label"
            )
        k_last = last.para
        idx_last = segs[k_last].index(last)
        next_open = segs[k_last][idx_last + 1].open_at if idx_last + 1 < len(segs[k_last]) else None
        limit = next_open if next_open is not None else len(self.paras[k_last].text)
        quote_end = self.paras[k_last].text[last.start : last.end].rstrip().rstrip("'’ ")
        strong = quote_end[-1:] != "." or not last.closed  # after '."' a new sentence may start
        attr = self._tail(k_last, last.after, strong=strong, limit=limit) if last.after < limit else None
        if (
            attr is not None
            and next_open is not None
            and quote_end[-1:] in (".", "?", "!")
            and self.paras[k_last].text[attr.end : next_open].strip()[-1:] in (",", ":")
        ):
            attr = None  # '"Did you know?" He answered, "No."': the attribution introduces the next quotation
        if attr is not None:
            return attr
        if first.open_at is not None:
            idx_first = segs[first.para].index(first)
            head = self._head(first.para, first.open_at, segs[first.para][:idx_first])
            if head is not None and head.kind == "head":
                return head
            tail = self._sentence_tail(k_last, last)
            return tail if tail is not None else head
        return self._sentence_tail(k_last, last)

    def _colon_head(self, k: int) -> _Attr | None:
        """'X said:' closing paragraph ``k`` introduces the quote paragraph after it."""
        if k < 0 or k >= len(self.paras):
            return None
        text = self.paras[k].text.rstrip()
        if not text.endswith(":"):
            return None
        attr = self._head(k, len(text), [])
        return attr if attr is not None and attr.kind == "head" else None

    # -- 3. speaker phrases ------------------------------------------------------------------------------------

    def _speaker_before(self, k: int, toks: list[_Tok]) -> _Phrase | None:
        """The subject right before a speech verb: pronoun, name (titles included), or a descriptive phrase."""
        para = self.paras[k]
        toks = _drop_parentheses(toks)
        while toks and (toks[-1].low in _AUX or self._adverb(toks)):
            toks.pop()
        when = para.ent_ending_at(toks[-1].end) if toks else None
        if when is not None and when.label in ("DATE", "TIME") and when.start > toks[0].start:
            toks = [t for t in toks if t.start < when.start]  # 'Roe on Tuesday said': the time is not the speaker
            if toks and toks[-1].low in _TIME_PREPOSITIONS:
                toks.pop()
            while toks and toks[-1].low in _AUX:
                toks.pop()
        if toks and toks[-1].text == ",":  # 'Blinken, the secretary of state, said' / 'X, however, said'
            commas = [i for i, t in enumerate(toks[:-1]) if t.text == ","]
            toks = toks[: commas[-1]] if commas else toks[:-1]
        toks = toks[-self.settings.quote_speaker_max_words :]
        if not toks or any(t.text in _SENT_END and not _abbreviation_dot(toks, n) for n, t in enumerate(toks)):
            return None
        last = toks[-1]
        if last.low in _PRONOUNS:
            return _Phrase(k, last.start, last.end, last.text, "pronoun")
        ent = para.ent_ending_at(last.end)
        if ent is not None and ent.label in ("GPE", "LOC"):
            # 'Jim Clyburn of South Carolina said', 'a senator from Ohio said': the speaker is before the place
            idx = next((n for n, t in enumerate(toks) if t.start >= ent.start), len(toks))
            if idx >= 2 and toks[idx - 1].low in ("of", "from"):
                person = para.ent_ending_at(toks[idx - 2].end)
                if person is not None and person.label == "PERSON" and person.start >= toks[0].start:
                    return self._name_phrase(k, toks[: idx - 1], person.start, person.end, "PERSON")
        if ent is not None and ent.start >= toks[0].start and ent.label not in ("DATE", "TIME", "CARDINAL"):
            phrase = self._name_phrase(k, toks, ent.start, last.end, ent.label)
            if phrase is not None:
                return phrase
        if last.text[:1].isupper():  # a capitalised run: NER missed the name, or spaCy is absent
            j = len(toks)
            while j > 0 and (toks[j - 1].text[:1].isupper() or (toks[j - 1].text == "." and j > 1)):
                j -= 1
            while j < len(toks) and (toks[j].low in _NOMINAL_START or toks[j].low in _NOMINAL_STOP):
                j += 1
            if j < len(toks):
                return self._name_phrase(k, toks, toks[j].start, last.end, None)
        return self._nominal_before(k, toks)

    @staticmethod
    def _adverb(toks: list[_Tok]) -> bool:
        """The last word is an adverb before the verb ('Roe quickly said'), not a noun in -ly after a determiner
        ('his family said', 'an ally said')."""
        last = toks[-1]
        if not (last.low.endswith("ly") and last.text.islower()):
            return False
        return len(toks) < 2 or toks[-2].low not in _NOMINAL_START

    def _name_phrase(self, k: int, toks: list[_Tok], start: int, end: int, label: str | None) -> _Phrase | None:
        """A name, or a descriptive phrase when the capitalised words are only titles ('the Secretary of State')
        or the name is the object of 'a spokesman for …'."""
        para = self.paras[k]
        idx = next((i for i, t in enumerate(toks) if t.start >= start), len(toks))
        words = [w.lower().strip(".") for w in re.findall(r"[\w.’']+", para.text[start:end])]
        titled = idx > 0 and toks[idx - 1].low.strip(".") in ("mr", "mrs", "ms", "dr", "miss")
        if label != "PERSON" and not titled and all(w in TITLES or w in _SMALL for w in words):
            return self._nominal_before(k, toks)
        if idx >= 2 and toks[idx - 1].low in ("for", "of", "at", "with", "from"):
            head = self._nominal_before(k, toks[: idx - 1])
            if head is not None and head.text.split()[0].lower() in _NOMINAL_START:
                return _Phrase(k, head.start, end, para.text[head.start : end], "nominal")
        j = idx  # titles written before the name belong to the phrase (Secretary of State Antony Blinken)
        while j > 0 and (
            (toks[j - 1].low.strip(".") in TITLES and toks[j - 1].text[:1].isupper())
            or toks[j - 1].low == "of"
            or (toks[j - 1].text == "." and j > 1 and toks[j - 2].low in _ABBREV)
        ):
            j -= 1
        begin = toks[j].start if j < idx else start
        return _Phrase(k, begin, end, para.text[begin:end], "name", label)

    def _nominal_before(self, k: int, toks: list[_Tok]) -> _Phrase | None:
        """'the secretary of state', 'a senior official', 'officials in Moscow' right before the verb."""
        para = self.paras[k]
        j = len(toks)
        while j > 0 and toks[j - 1].text not in ",;:()—–―" and toks[j - 1].text not in _MARK_CHARS:
            low = toks[j - 1].low
            if low in _NOMINAL_STOP and low not in ("of", "for", "in", "at", "from"):
                break
            j -= 1
            if low in _NOMINAL_START:
                break
        words = toks[j:]
        while words and words[0].low in ("of", "for", "in", "at", "from"):
            words = words[1:]
        if not words or len(words) > self.settings.quote_speaker_max_words or any(w.low in _NOMINAL_BAD for w in words):
            return None
        first = words[0].low
        if not (first in _NOMINAL_START or first.endswith(("’s", "'s")) or words[-1].low.endswith("s")):
            return None
        return _Phrase(k, words[0].start, words[-1].end, para.text[words[0].start : words[-1].end], "nominal")

    def _speaker_after(self, k: int, toks: list[_Tok], i: int) -> _Phrase | None:
        """The speaker after an inverted cue ('said Antony Blinken', 'said the minister', '― Jane Roe')."""
        para = self.paras[k]
        if i >= len(toks):
            return None
        first = toks[i]
        if first.low in _PRONOUNS:
            return _Phrase(k, first.start, first.end, first.text, "pronoun")
        j = i  # titles before an entity ('said Secretary of State Antony Blinken')
        ent = para.ent_starting_at(first.start)
        while ent is None and j + 1 < len(toks) and (toks[j].low.strip(".") in TITLES or toks[j].text in ".of"):
            j += 1
            ent = para.ent_starting_at(toks[j].start)
        if ent is not None and ent.label in ("NORP", "ORG", "GPE"):
            # a party, chamber or country in the title of a person: 'said Republican Sen. Shelley Moore Capito',
            # 'said House Majority Leader Steny Hoyer', 'said U.S. Ambassador Jane Roe'
            n = j
            while n < len(toks) and n - j < self.settings.quote_name_max_words + 2:
                person = para.ent_starting_at(toks[n].start)
                if person is not None and person.label == "PERSON":
                    return _Phrase(k, first.start, person.end, para.text[first.start : person.end], "name", "PERSON")
                if not (toks[n].text[:1].isupper() or toks[n].text in ".-" or toks[n].low.strip(".") in TITLES):
                    break
                n += 1
        if ent is not None and ent.label not in ("DATE", "TIME", "CARDINAL", "ORDINAL"):
            return _Phrase(k, first.start, ent.end, para.text[first.start : ent.end], "name", ent.label)
        if first.low not in _NOMINAL_START and (ent is not None or first.low in FUNCTION_WORDS):
            return None  # 'said Tuesday'
        j = i  # lower-case role words before a name: 'said harbour master Jon Brandt'
        while (
            j - i < self.settings.quote_name_max_words
            and j < len(toks)
            and toks[j].text.isalpha()
            and toks[j].text.islower()
        ):
            if toks[j].low in _NOMINAL_START or toks[j].low in _NOMINAL_STOP:
                break
            j += 1
        if i < j < len(toks) and toks[j].text[:1].isupper() and toks[j].low not in FUNCTION_WORDS:
            i, first = j, toks[j]
        j = i
        while j < len(toks) and (
            (toks[j].text[:1].isupper() and toks[j].low not in FUNCTION_WORDS)
            or (toks[j].low == "of" and j > i)
            or (toks[j].text == "." and j > i)
        ):
            j += 1
        while j > i and toks[j - 1].text == ".":
            j -= 1
        if j > i and first.low not in _NOMINAL_START:
            return _Phrase(k, first.start, toks[j - 1].end, para.text[first.start : toks[j - 1].end], "name")
        if first.low in _NOMINAL_START:
            j = i + 1
            stops = _NOMINAL_STOP - {"of", "for"}
            while (
                j < len(toks)
                and j - i < self.settings.quote_speaker_max_words
                and toks[j].text not in ",.;:!?()"
                and toks[j].low not in stops
            ):
                if toks[j].text in _MARK_CHARS:
                    break
                j += 1
            if j > i + 1:
                return _Phrase(k, first.start, toks[j - 1].end, para.text[first.start : toks[j - 1].end], "nominal")
        return None

    def speech_events(self) -> list[tuple[tuple[int, int], _Phrase]]:
        """Every 'X said' of the article (quoted or not) with its subject, in order: antecedents for he/she."""
        events: list[tuple[tuple[int, int], _Phrase]] = []
        for k, para in enumerate(self.paras):
            for j, t in enumerate(para.toks):
                if not _is_cue(t) or j == 0 or para.toks[j - 1].low in _PASSIVE:
                    continue
                before = para.tokens(para.sentence_start(t.start), t.start)
                marks = [n for n, x in enumerate(before) if x.text in _MARK_CHARS]
                if marks:
                    before = before[marks[-1] + 1 :]
                    if before and before[0].text == ",":
                        before = before[1:]
                phrase = self._speaker_before(k, before) if before else None
                if phrase is None:
                    phrase = self._speaker_after(k, para.toks, j + 1)
                if phrase is not None and phrase.kind != "pronoun":
                    events.append(((k, t.start), phrase))
        return events

    # -- assembly ----------------------------------------------------------------------------------------------

    def _text(self, chain: list[_Seg]) -> str:
        parts = [self.paras[s.para].text[s.start : s.end].strip().strip(_MARK_CHARS).strip() for s in chain]
        return " ".join(p for p in parts if p).strip()

    def _starts_sentence(self, seg: _Seg) -> bool:
        """Nothing but a finished sentence (or nothing) before the opening mark."""
        if seg.open_at is None:
            return seg.start == 0
        para = self.paras[seg.para]
        before = para.text[para.sentence_start(seg.open_at) : seg.open_at].strip()
        return not before or before[-1] in ".!?…" or (before[-1] in _CLOSERS + '"' and before[-2:-1] in (".", "!", "?"))

    def _stands_alone(self, chain: list[_Seg]) -> bool:
        """The quotation is a sentence of its own (starts a sentence, ends one or the paragraph)."""
        if not self._starts_sentence(chain[0]):
            return False
        last = chain[-1]
        para = self.paras[last.para]
        inner = para.text[last.start : last.end].rstrip()
        rest = para.text[last.after :].lstrip()
        return bool(inner) and (inner[-1] in ".!?…" or not rest or rest[:1] in ".!?")

    def _only_punctuation(self, k: int, start: int, end: int | None) -> bool:
        return not re.search(r"\w", self.paras[k].text[start:end])

    def _is_nickname(self, chain: list[_Seg]) -> bool:
        """'Marcia "Cia" Price': one or two quoted words between capitalised words are part of a name."""
        seg = chain[0]
        if len(chain) > 1 or seg.open_at is None:
            return False
        text = self.paras[seg.para].text
        before = text[: seg.open_at].split()
        after = text[seg.after :].split()
        inner = text[seg.start : seg.end].split()
        return (
            len(inner) <= 2
            and bool(before)
            and bool(after)
            and before[-1][:1].isupper()
            and after[0][:1].isupper()
            and not re.search(r"[,.!?]$", text[seg.start : seg.end])
        )

    def extract(self) -> list[Quote]:
        segs = self.segments()
        settings = self.settings
        events = self.people.events(self.speech_events())
        self.grammar.build([[(s.open_at if s.open_at is not None else s.start, s.after) for s in ps] for ps in segs])
        quotes: list[Quote] = []
        self.kinds: list[str] = []  # how each quote was attributed (benchmarks/quotes.py reads it)
        raw_parts: list[list[str]] = []
        prev: tuple[list[_Seg], _Attr, int] | None = None  # last kept chain, its attribution, quote index
        for chain in self._chains(segs):
            first = chain[0]
            text = self._text(chain)
            attr = self._attribute(chain, segs)
            label = _LABEL.match(text)
            if attr is not None and attr.kind == "label" and label:
                text = text[label.end() :]
            n_words = len(re.findall(r"\w+", text))
            if n_words == 0 or re.fullmatch(r"\(.*\)\W*", text) or self._is_nickname(chain):
                continue  # '(CROSSTALK.)', 'Marcia "Cia" Price'
            if (
                (attr is None or attr.kind != "tail")
                and 1 <= n_words <= settings.quote_title_max_words
                and (_is_title_case(text))
            ):
                continue  # a title or a name: 'told MSNBC's "Morning Joe"', 'on "New Day."'
            if prev is not None and self._continues(prev, chain, attr):
                p_idx = prev[2]
                raw_parts[p_idx].append(text)
                quotes[p_idx].text = _join(raw_parts[p_idx])
                prev = (chain, prev[1], p_idx)
                continue
            alone = (
                first.start <= 1 and chain[-1].closed and self._only_punctuation(chain[-1].para, chain[-1].after, None)
            )
            if attr is None and alone and prev is not None and prev[0][-1].para == first.para - 1:
                attr = prev[1]  # a paragraph that is only a quote, after a quote paragraph: same speaker
            if attr is None and alone:
                attr = self._colon_head(first.para - 1)
            if attr is None:
                if (
                    settings.quote_keep_unattributed
                    and self._stands_alone(chain)
                    and (n_words >= settings.quote_unattributed_min_words)
                ):
                    quotes.append(Quote(None, text, self.article.id, None))
                    self.kinds.append("unattributed")
                    raw_parts.append([text])
                prev = None
                continue
            if 2 <= n_words <= settings.quote_title_max_words and _is_title_case(text):
                continue  # a title or a name, even right before a speech verb
            if (
                attr.kind == "embedded"
                and not self._whole_clause(chain, attr)
                and (
                    n_words < settings.quote_embedded_min_words
                    or (not first.closed and first.open_at is not None)
                    or (settings.quote_embedded_sentence_end and text.rstrip(_MARK_CHARS + "’' ")[-1:] not in _SENT_END)
                )
            ):
                continue
            if attr.kind == "head" and n_words < settings.quote_embedded_min_words and self._runs_on(chain):
                continue  # 'X testified "thousands" of emails were kept': a phrase in the reporter's sentence
            if (
                settings.quote_mid_sentence_min_words
                and attr.kind == "tail"
                and first.open_at is not None
                and n_words < settings.quote_embedded_min_words
                and not self._starts_sentence(first)
            ):
                continue  # 'The country "has made dramatic changes," X said': a phrase in the reporter's sentence
            speaker = self._speaker(attr, segs, events)
            if speaker and set(speaker.lower().split()) <= UNNAMED_SPEAKER_WORDS:
                speaker = None
            quotes.append(Quote(speaker, text, self.article.id, attr.cue))
            self.kinds.append(attr.kind)
            raw_parts.append([text])
            prev = (chain, attr, len(quotes) - 1)
        for q in quotes:
            q.text = q.text.rstrip(",;:—–― ").strip()
        return quotes

    def _speaker(
        self, attr: _Attr, segs: list[list[_Seg]], events: list[tuple[tuple[int, int], str, str]]
    ) -> str | None:
        """Who said it. With a parse, the subject of the speech verb is the speaker, whatever other name is near
        ('said Amnesty International investigator Jane Roe', 'Roe, on a call with Ivo Lind, said'); he/she is the
        person the sentences before are about (their subjects first), not the last name mentioned; a short
        definite description ('the Texas Republican', 'the company') is the person or organisation named before
        it. Without a parse, or when it finds nothing, the rules above decide."""
        phrase = attr.speaker
        if attr.cue and attr.kind != "label" and attr.cue != "according to":
            parsed = self.grammar.subject_of(attr.para, attr.cue_at)
            if parsed is not None and not any(s.start <= parsed.start < s.end for s in segs[parsed.para]):
                phrase = parsed  # (a subject inside the quotation is the parser's mistake)
        if phrase is None:
            return None
        if self.grammar.parses is not None:
            if phrase.kind == "nominal" and self.settings.quote_document_issuer:
                phrase = self.grammar.issuer(phrase.para, phrase.start, phrase.text) or phrase  # 'the statement'
            low = phrase.text.lower()
            if phrase.kind == "pronoun" and low in ("he", "she", "it"):
                want = "org" if low == "it" else "person"
                name = self.grammar.antecedent(phrase.para, phrase.start, want, _PRONOUNS[low])
                if name is not None:
                    return name
            elif phrase.kind == "pronoun" and low == "they" and self.settings.quote_they:
                name = self.grammar.group(phrase.para, phrase.start)
                if name is not None:
                    return name
            elif phrase.kind == "nominal" and self.people.person(phrase) is None:
                name = self.grammar.description(phrase.para, phrase.start, phrase.text)
                if name is not None:
                    return name
        return self.people.resolve(phrase, events)

    def _runs_on(self, chain: list[_Seg]) -> bool:
        """A quotation that opens in lower case and after which the reporter's sentence goes on ('said "dozens" of
        ships had left'): part of the reporter's sentence, not the speaker's."""
        first, last = chain[0], chain[-1]
        if not last.closed:
            return False
        para = self.paras[last.para]
        opening = para.text[first.start : first.end].lstrip(_MARK_CHARS + "’' ….")[:1]
        rest = para.text[last.after : para.sentence_end(last.after)]
        return opening.islower() and bool(re.match(r"\s*[\w(]", rest))

    def _whole_clause(self, chain: list[_Seg], attr: _Attr) -> bool:
        """Is the quotation the whole reported clause of its speech verb ('X says that "we will win."', 'X told
        them: "Enough."')? Nothing but 'that' (or a colon) between the verb and the opening mark, and nothing but
        the full stop between the closing mark and the end of the sentence: the reporter added no word of their
        own, so it is a direct quote however short (PolNeAR annotates it so)."""
        if not self.settings.quote_whole_clause or len(chain) > 1:
            return False
        seg = chain[0]
        if seg.open_at is None or attr.para != seg.para or attr.cue_at > seg.open_at or not seg.closed:
            return False
        para = self.paras[seg.para]
        between = para.text[attr.end : seg.open_at].split()
        words = [w.lower().strip(",:") for w in between]
        n_object = self.settings.quote_whole_clause_object_words
        if words[-1:] == ["that"] and attr.cue and attr.cue.lower() in TELL_CUES and len(words) <= n_object:
            words = []  # 'told her supporters that "…"'
        elif (
            attr.cue
            and attr.cue.lower() in EMBED_CUES
            and 0 < len(words) <= n_object
            and len(re.findall(r"\w+", para.text[seg.start : seg.end])) >= n_object
        ):
            words = []
        if words not in ([], ["that"]):
            return False
        rest = para.text[seg.after : para.sentence_end(seg.after)].strip()
        return not re.search(r"\w", rest)

    def _continues(self, prev: tuple[list[_Seg], _Attr, int], chain: list[_Seg], attr: _Attr | None) -> bool:
        """Is ``chain`` more of the previous quote? '"A," she said, "B."' and '"A," she said, referring to X,
        "B."' (the same cue), '"A," she said. "B."' (no attribution of its own, same paragraph), and a quote
        paragraph with no attribution right after (``quote_join_paragraphs``)."""
        p_chain, p_attr, _ = prev
        p_last, first = p_chain[-1], chain[0]
        if first.open_at is None:
            return False
        if p_last.para == first.para:
            if attr is None:
                para = self.paras[first.para]
                if para.sentence_start(first.open_at) <= p_last.start:
                    return True  # more of the same sentence
                between = para.text[max(p_last.after, p_attr.end if p_attr.para == first.para else 0) : first.open_at]
                return self._starts_sentence(first) and len(between.split()) <= self.settings.quote_join_gap_words
            return (attr.para, attr.cue_at) == (p_attr.para, p_attr.cue_at)
        return (
            self.settings.quote_join_paragraphs
            and attr is None
            and first.start <= 1
            and p_last.para == first.para - 1
            and p_attr.kind != "label"
        )


def _join(parts: list[str]) -> str:
    """Pieces of one quotation: 'First,' + 'second.' -> 'First, second.'; 'respond,' + 'We…' -> 'respond. We…'."""
    out = parts[0].strip()
    for part in parts[1:]:
        part = part.strip()
        if not part:
            continue
        if part[:1].isupper() and out[-1:] in ",;:—–―" and not part.startswith("I "):
            out = out[:-1].rstrip() + "."
        elif out[-1:].isalnum():
            out += "," if part[:1].islower() else "."
        out += " " + part
    return out


# ---------------------------------------------------------------------------------------------------------------
# People of the article: full names, roles, genders; speaker resolution
# ---------------------------------------------------------------------------------------------------------------


def _role_words(words: list[str]) -> set[str]:
    out: set[str] = set()
    for w in words:
        w = re.sub(r"['’]s$", "", w.lower()).replace(".", "").strip(",")
        if w and w not in _NOMINAL_START and w not in _NOMINAL_STOP and w != "of" and not w.isdigit():
            out.add(w)
    return out


_TITLE_GENDER_WEIGHT = 3
"""A title (Mr, Ms) counts as much as three he/she after the name."""
_MALE_ROLES = wordset("chairman congressman spokesman businessman father husband son brother widower king")
_FEMALE_ROLES = wordset(
    "chairwoman congresswoman spokeswoman businesswoman mother mom wife daughter sister widow queen"
)
"""Role nouns next to a name that tell a gender as surely as a title."""
_MALE = wordset("he him his himself")
_FEMALE = wordset("she her hers herself")


def _titled_person(e: EntSpan) -> EntSpan | None:
    """A span spaCy did not tag PERSON that is a title and a name ('State Ilse Varga' tagged ORG): the person."""
    words = e.text.split()
    cut = max((i + 1 for i, w in enumerate(words[:-1]) if w.lower().strip(".") in TITLES), default=0)
    rest = words[cut:]
    if not cut or len(rest) < 2 or not all(w[:1].isupper() and w.isalpha() for w in rest):
        return None
    # (the words may be apart by any white space: 'Ilse\nVarga' from the rules)
    found = re.search(r"\s+".join(map(re.escape, rest)) + r"$", e.text)
    if found is None:
        return None
    return EntSpan(e.start + found.start(), e.end, "PERSON", found.group())


class _People:
    """Who is named in the article: full names by surname and first name, their roles and genders.

    People are keyed by the skeleton of their full name; someone named by one word only (no full name in the
    article) is keyed 'word <skeleton>'.
    """

    def __init__(self, paras: list[_Para], settings: AnalyzeSettings) -> None:
        self.settings = settings
        self.paras = paras
        self.full: dict[str, Counter[str]] = defaultdict(Counter)  # key -> spellings of the full name
        self.single: dict[str, Counter[str]] = defaultdict(Counter)  # 'word x' key -> spellings of the one word
        self.by_word: dict[str, set[str]] = defaultdict(set)  # 'last x' / 'first x' -> keys
        self.mentions: list[tuple[tuple[int, int], str]] = []  # (paragraph, offset) -> key, in order
        self.roles: dict[str, set[str]] = defaultdict(set)
        self.gender_votes: dict[str, Counter[str]] = defaultdict(Counter)
        singles: list[tuple[int, _Para, EntSpan, str]] = []
        quoted: set[tuple[int, int]] = set()  # mentions inside quotation marks name no antecedent for he/she
        for k, para in enumerate(paras):
            spans = [m.span() for m in _QUOTED_SPAN.finditer(para.text)]
            quoted |= {(k, e.start) for e in para.ents if any(a < e.start < b for a, b in spans)}
            for e in para.ents:
                if e.label != "PERSON":
                    e = _titled_person(e)
                    if e is None:
                        continue
                toks = name_tokens(e.text)
                if len(toks) >= 2:
                    key = " ".join(skeleton(t) for t in toks)
                    self.full[key][" ".join(toks)] += 1
                    self.by_word["last " + skeleton(toks[-1])].add(key)
                    self.by_word["first " + skeleton(toks[0])].add(key)
                    self.mentions.append(((k, e.start), key))
                    self._learn(para, e, key)
                elif toks:
                    singles.append((k, para, e, toks[0]))
        for k, para, e, word in singles:
            key = self._unique(word) or "word " + skeleton(word)
            self.single[key][word] += 1
            self._learn(para, e, key)
            self.mentions.append(((k, e.start), key))
        self.mentions = sorted(m for m in self.mentions if m[0] not in quoted)

    def _unique(self, word: str) -> str | None:
        for side in ("last ", "first "):
            keys = self.by_word.get(side + skeleton(word), set())
            if len(keys) == 1:
                return next(iter(keys))
        return None

    def _learn(self, para: _Para, e: EntSpan, key: str) -> None:
        """Titles before a mention ('Secretary of State', 'Mr'), an appositive after it (', the …,') and the
        first he/she after it give roles and a gender."""
        before = para.text[: e.start].split()
        title_words = [w for w in e.text.split()[:-1] if w.lower().strip(".") in TITLES]
        j = len(before)
        while j > 0 and len(title_words) < self.settings.quote_speaker_max_words:
            w = before[j - 1]
            bare = w.lower().strip(".,")
            if w.endswith((":", ";", "”", '"', ")")) or (w.endswith(",") and j < len(before)):
                break
            if w.endswith(".") and bare not in _ABBREV and not re.fullmatch(r"(?:[A-Za-z]\.)+", w):
                break  # the previous sentence
            if bare in TITLES or bare in ("of", "to") or (w[:1].isupper() and bare not in _NOMINAL_START):
                title_words.insert(0, w.strip(","))
                j -= 1
                continue
            break
        m = re.match(r",\s+(?:the|a|an)\s+([^,.;:“”\"()]{2,80})[,.;]", para.text[e.end :])
        role_words = [w.strip(",").lower() for w in before[-3:]] + (m.group(1).split() if m else [])
        for w in title_words + role_words:
            low = w.lower().strip(".")
            if low == "mr" or low in _MALE_ROLES:
                self.gender_votes[key]["m"] += _TITLE_GENDER_WEIGHT
            elif low in ("mrs", "ms", "miss") or low in _FEMALE_ROLES:
                self.gender_votes[key]["f"] += _TITLE_GENDER_WEIGHT
        self.roles[key] |= _role_words(title_words)
        if m:
            self.roles[key] |= _role_words(m.group(1).split())
        following = re.findall(r"[\w’']+", para.text[e.end :])[: self.settings.quote_gender_window_words]
        for w in following:
            low = w.lower()
            if low in _MALE:
                self.gender_votes[key]["m"] += 1
                break
            if low in _FEMALE:
                self.gender_votes[key]["f"] += 1
                break
            if w[:1].isupper() and any(
                x.start > e.end and x.label == "PERSON" and x.text.startswith(w) for x in para.ents
            ):
                break  # another person comes first: the pronoun may be theirs

    def gender(self, key: str) -> str | None:
        votes = self.gender_votes.get(key)
        if not votes:
            return None
        (best, n), *rest = votes.most_common()
        return best if not rest or n > rest[0][1] else None

    def name_of(self, key: str) -> str:
        spellings = self.full.get(key) or self.single.get(key)  # 'Harris', not its skeleton 'Haris'
        if not spellings:
            return key.removeprefix("word ").title() if key.startswith("word ") else key
        return max(spellings, key=lambda s: (spellings[s], len(s), s))

    def _recent(self, keys: set[str], pos: tuple[int, int]) -> str | None:
        best = None
        for p, key in self.mentions:
            if p > pos:
                break
            if key in keys:
                best = key
        return best

    def resolve_name(self, text: str, pos: tuple[int, int]) -> tuple[str, str]:
        """(display name, person key) for a name phrase; the key is 'word x' when no full name matches."""
        toks = name_tokens(text)
        while len(toks) > 1 and toks[0].lower() in _OFFICE_WORDS:  # 'PM Modi'
            toks = toks[1:]
        if not toks:
            return clean_surface(text), "word " + skeleton(text)
        if toks[-1].isupper() and len(toks[-1]) > 3:
            toks = [t.title() for t in toks]  # transcript labels: 'PENCE'
        title = re.match(r"\s*(Mr|Mrs|Ms|Miss)\b", text)
        want = None if title is None else ("m" if title.group(1) == "Mr" else "f")
        if len(toks) >= 2:
            key = " ".join(skeleton(t) for t in toks)
            if key in self.full:
                return self.name_of(key), key
            cands = self.by_word.get("last " + skeleton(toks[-1]), set()) & self.by_word.get(
                "first " + skeleton(toks[0]), set()
            )  # 'Antony J. Blinken' vs 'Antony Blinken'
            if len(cands) == 1:
                key = next(iter(cands))
                return self.name_of(key), key
            return " ".join(toks), key
        word = skeleton(toks[0])
        for side in ("last ", "first "):
            keys = self.by_word.get(side + word, set())
            if want is not None and len(keys) > 1:
                keys = {k for k in keys if self.gender(k) in (None, want)} or keys
            if len(keys) == 1:
                key = next(iter(keys))
                return self.name_of(key), key
            if len(keys) > 1:
                # sorted: a tie goes the same way in every process (set order changes with the hash seed)
                key = self._recent(keys, pos) or max(sorted(keys), key=lambda k: sum(self.full[k].values()))
                return self.name_of(key), key
        return toks[0], "word " + word

    def resolve_role(self, text: str) -> str | None:
        """Key of the one person the article gives this role ('the secretary of state')."""
        words = _role_words(re.findall(r"[\w.’']+", text))
        if not words:
            return None
        cands = [k for k, r in self.roles.items() if words <= r]
        if len(cands) == 1:
            return cands[0]
        exact = [k for k in cands if self.roles[k] == words]
        return exact[0] if len(exact) == 1 else None

    def _personlike(self, phrase: _Phrase) -> bool:
        if phrase.kind != "name":
            return False
        if phrase.label in (None, "PERSON"):
            return True
        toks = name_tokens(phrase.text)
        return bool(toks) and self._unique(toks[-1]) is not None  # 'Blinken' tagged GPE

    def _salient(self, pos: tuple[int, int], want: str, events: list[tuple[tuple[int, int], str, str]]) -> list[str]:
        """Person keys a he/she at ``pos`` may refer to, most salient first, without a parse: going back sentence
        by sentence, who speaks in it, then the person it opens with (its subject: 'Roe defended his stay at
        the home of Lind.' is about Roe); then, as before, anyone named, the last first. A sentence that opens
        with the same pronoun is about the same person ('He said he met Lind.'): the search goes on before it.
        Other names inside a sentence are left to the end: without a parse they are often no person at all
        (the rules tag 'Faneuil Hall' PERSON)."""
        by_sentence: dict[tuple[int, int], list[tuple[int, int, str]]] = defaultdict(list)
        for (k, at), _name, key in events:
            if (k, at) < pos:
                by_sentence[k, self.paras[k].sentence_start(at)].append((0, -at, key))
        for (k, at), key in self.mentions:
            start = self.paras[k].sentence_start(at)
            before = self.paras[k].text[start:at].split()
            if (k, at) < pos and all(w.lower().strip(".,") in TITLES for w in before):  # 'Sen. Jane Roe voted'
                by_sentence[k, start].append((1, at, key))
        out: list[str] = []
        here = (pos[0], self.paras[pos[0]].sentence_start(pos[1]))
        for k, start in sorted(by_sentence, reverse=True):
            opening = re.match(r"[\w’']+", self.paras[k].text[start:])
            if (k, start) != here and opening is not None and _PRONOUNS.get(opening.group().lower()) == want:
                continue
            out += [key for _rank, _at, key in sorted(by_sentence[k, start]) if key not in out]
        out += [key for p, key in reversed(self.mentions) if p < pos and key not in out]
        return out

    def person(self, phrase: _Phrase) -> tuple[str, str] | None:
        """(name, key) when the phrase names a person or a role held by one."""
        if self._personlike(phrase):
            return self.resolve_name(phrase.text, (phrase.para, phrase.start))
        if phrase.kind == "nominal":
            key = self.resolve_role(phrase.text)
            if key is not None:
                return self.name_of(key), key
        return None

    def events(self, found: list[tuple[tuple[int, int], _Phrase]]) -> list[tuple[tuple[int, int], str, str]]:
        """Speech events with a person as subject: (position, name, key), in order."""
        out = []
        for pos, phrase in found:
            who = self.person(phrase)
            # an antecedent for he/she must be known as a person: tagged PERSON, or a full name of the article
            if who is not None and (phrase.label == "PERSON" or who[1] in self.full or phrase.kind == "nominal"):
                out.append((pos, who[0], who[1]))
        return sorted(out)

    def resolve(self, phrase: _Phrase, events: list[tuple[tuple[int, int], str, str]]) -> str | None:
        """Display name of a speaker phrase: full name, organisation, or the descriptive phrase; he/she -> the
        last named speaker before it of a compatible gender."""
        pos = (phrase.para, phrase.start)
        if phrase.kind == "pronoun":
            want = _PRONOUNS.get(phrase.text.lower())
            if want is None:
                return None
            earlier = self._salient(pos, want, events)
            window = earlier[: self.settings.quote_pronoun_gender_lookback]
            for key in window:  # a person known to be of this gender, among the first few
                if self.gender(key) == want:
                    return self.name_of(key)
            for key in earlier:
                if self.gender(key) in (None, want):
                    return self.name_of(key)
            return None
        who = self.person(phrase)
        if who is not None:
            return who[0]
        if phrase.kind == "name":
            return clean_surface(phrase.text)
        return phrase.text


# ---------------------------------------------------------------------------------------------------------------
# The dependency parse: who is the subject of a speech verb, and who each sentence is about
# ---------------------------------------------------------------------------------------------------------------

SUBJECT_DEPS = wordset("nsubj nsubjpass")
"""Relations of a verb's subject (active or passive: 'X was asked' is about X)."""
FINITE_CLIMB_DEPS = wordset("conj xcomp")
"""Relations through which a speech verb with no subject of its own takes its governor's: a coordinated verb
('Roe stood up and said'), a complement ('Roe went on to say')."""
MODIFIER_DEPS = wordset("det poss amod compound nmod nummod case advmod quantmod")
"""Left dependents that belong to a speaker phrase ('the local fishing group', "New York's mayor")."""
RELATIVE_PRONOUNS = wordset("who that which")
_NOT_SPEAKERS = wordset("DATE TIME CARDINAL ORDINAL PERCENT MONEY QUANTITY")
PHRASE_PREPOSITIONS = wordset("of for at from in with")
"""Prepositions whose phrase belongs to a speaker description ('a spokesman for Disney', 'officials in Moscow')."""
PHRASE_BREAKS = frozenset(",;:()[]—–―" + _MARK_CHARS + "‘’'")
"""Tokens a speaker phrase does not run across ('made public ― Trump boasted': Trump)."""
_INDEFINITE = wordset("a an one another some")
HONORIFICS = wordset("mr mrs ms miss dr sir dame")
"""Words that make the next one a person's name, whatever NER says ('Mr Callaghan' tagged ORG; 'Mr. King')."""
PERSON_TITLES = HONORIFICS | wordset("prince princess king queen lord lady sen senator rep gov governor mayor judge")
"""Titles that make the one capitalised word after them a person when it is a subject NER left untagged."""
DOCUMENT_NOUNS = wordset("statement post tweet letter note message memo release video report filing email complaint")
"""A statement is not a speaker: who it is by is ('a statement on behalf of his family said'; '"…," the statement
continued' after 'X issued a statement')."""
ISSUING_VERBS = wordset(
    """issue issues issued issuing release releases released releasing put puts putting post posts posted posting
    publish publishes published publishing send sends sent sending file files filed share shares shared sharing
    write writes wrote writing tweet tweets tweeted submit submits submitted provide provides provided"""
)
"""Verbs whose object document is by their subject ('X issued a statement', 'X put out a letter', 'X filed a
complaint'); passive, by their agent ('a statement was released by X')."""
VERB_DOCUMENTS = {
    "filed": "filing", "files": "filing", "tweeted": "tweet", "tweets": "tweet", "posted": "post", "posts": "post",
    "emailed": "email", "emails": "email", "wrote": "letter", "writes": "letter",
}  # fmt: skip
"""Verbs that make a document of their subject without naming it ('X filed for bankruptcy' ... 'the filing says';
'X posted on Instagram' ... 'the post said')."""
DOCUMENT_PREPOSITIONS = wordset("in through via")
"""'X said in a statement', 'X denied it via a post': the document is by the subject of the verb."""
POSSESSIVE_PRONOUNS = {"its": "it", "their": "they", "his": "he", "her": "she"}
"""'in its statement': the document is by whom the pronoun refers to."""
ISSUER_CLIMB_DEPS = wordset("conj xcomp advcl")
"""Relations through which an issuing verb with no subject takes its governor's ('X met the press and issued a
statement', 'X hit back, issuing a statement')."""
GROUP_NOUNS = wordset(
    """police staff team family government administration crowd people campaign group protesters
    demonstrators critics residents supporters opponents organizers organisers witnesses researchers students
    parents workers voters members investigators prosecutors authorities officials lawmakers executives leaders
    lawyers attorneys experts analysts scientists activists campaigners doctors teachers fans players
    representatives negotiators employees"""
)
"""Head nouns of a description of people that 'they' may refer to ('the protesters', 'the police'): an
organisation or people, not any plural ('his first six albums')."""
PERSON_NOUNS = (
    wordset(
        """official officer spokesperson mp lawmaker legislator politician republican democrat star singer rapper
        artist actor actress player coach manager executive ceo founder chairman chairwoman owner boss leader
        lawyer doctor scientist expert analyst economist writer author journalist reporter host presenter anchor
        businessman businesswoman billionaire candidate nominee diplomat envoy general commander figure
        activist campaigner veteran"""
    )
    | TITLES
)
"""Head nouns of a description of one person ('the Texas Republican', 'the rock star', 'the former prime
minister'): a definite description with one of them refers to a person named before it."""
ORG_NOUNS = wordset("company firm bank lender airline carrier retailer giant maker manufacturer operator insurer")
"""Head nouns of a description of one organisation ('the company', 'the central bank'): it refers to the
organisation the article spoke of last."""
NAMED_ORG_NOUNS = wordset(
    """party agency ministry department council commission committee union club league court foundation institute
    university"""
)
"""Head nouns that organisations carry in their names ('the commission'): it refers to the last organisation
spoken of whose name has the noun (the Commission on Debates), not to any organisation."""
DESCRIPTION_MAX_WORDS = 4
"""A definite description refers back when it is this short ('the Texas Republican'); a longer one usually
names its referent itself ('the local fishing industry group of the northern ports')."""


def _head_noun(text: str) -> str:
    """The head word of a description, lower-cased: the last word before a preposition ('the President of the
    Republic' -> 'president', 'a spokesman for Disney' -> 'spokesman'), else the last word ('the Texas Republican'
    -> 'republican')."""
    words = re.findall(r"[\w’'-]+", text)
    cut = next((i for i, w in enumerate(words) if i and w.lower() in PHRASE_PREPOSITIONS), len(words))
    return words[cut - 1].lower() if cut else ""


def _only_titles(text: str) -> bool:
    """Only titles and small words ('President of the Republic', 'Home Secretary'): a description, not a name."""
    words = [w.lower().strip(".") for w in re.findall(r"[\w.’'-]+", text)]
    return bool(words) and all(w in TITLES or w in _SMALL or w in _OFFICE_WORDS for w in words)


_OFFICE_WORDS = wordset(
    """pm mp republic nation country government home house senate congress parliament assembly council court
    department ministry office"""
)
"""Words of an office's name besides titles ('President of the Republic', 'Home Secretary', 'PM')."""


MENTION = 3
"""The rank of a mention that is no subject."""


@dataclass
class _Candidate:
    """Someone or something a sentence is about: a subject (``rank`` 0 of a speech verb: who speaks is whom 'he
    said' goes on with; 1 of the main clause; 2 of another clause) or another mention of a person or organisation
    (``rank`` 3)."""

    para: int
    start: int
    sentence: int  # start offset of its sentence in the paragraph
    rank: int
    kind: str  # person | org | pronoun | description
    key: str  # person key, organisation name, pronoun or description text
    name: str


class _Grammar:
    """What the dependency parse says about an article's paragraphs: the subject of a speech verb, and who each
    sentence is about (for he/she and 'the company'). Without a parse every answer is None and the rules of the
    extractor stand alone."""

    def __init__(self, paras: list[_Para], parses: list[Parse] | None, people: _People) -> None:
        self.paras = paras
        self.parses = parses
        self.people = people
        self.children: dict[int, list[list[int]]] = {}
        self.candidates: list[_Candidate] = []
        self.documents: list[tuple[int, int, str, _Phrase | None]] = []  # (paragraph, offset, noun, issuer)
        self.orgs = frozenset(clean_surface(e.text) for p in paras for e in p.ents if e.label == "ORG")

    def _kids(self, k: int) -> list[list[int]]:
        if k not in self.children:
            parse = self.parses[k]  # type: ignore[index]
            kids: list[list[int]] = [[] for _ in range(len(parse))]
            for i, h in enumerate(parse.heads):
                if h != i:
                    kids[h].append(i)
            self.children[k] = kids
        return self.children[k]

    def token_at(self, k: int, offset: int) -> int | None:
        if self.parses is None:
            return None
        parse = self.parses[k]
        i = bisect_right(parse.offsets, offset, lo=0) // 2  # offsets are start, end pairs
        for j in (i - 1, i, i + 1):
            if 0 <= j < len(parse) and parse.span(j)[0] == offset:
                return j
        return None

    def subject_of(self, k: int, offset: int) -> _Phrase | None:
        """The subject of the speech verb at ``offset`` (the cue). A finite verb with none takes the subject of the
        verb it is coordinated with ('Roe stood up and said'); a participle ('..., saying', 'in an announcement
        declaring') the subject of its sentence's main verb (where the parser attaches a participle deep inside a
        clause it is usually wrong), unless it follows a person's name ('footage of Jane Roe asking')."""
        i = self.token_at(k, offset)
        if i is None:
            return None
        para, parse, kids = self.paras[k], self.parses[k], self._kids(k)  # type: ignore[index]
        a, b = parse.span(i)
        participle = para.text[a:b].lower() in ING_CUES
        if participle and i > 0:
            ent = next((e for e in para.ents if e.end == parse.span(i - 1)[1]), None)
            named = _Phrase(k, ent.start, ent.end, ent.text, "name", ent.label) if ent is not None else None
            who = self.people.person(named) if named is not None else None
            if named is not None and who is not None and (named.label == "PERSON" or who[1] in self.people.full):
                return named
        for _ in range(12):
            subjects = [j for j in kids[i] if parse.deps[j] in SUBJECT_DEPS and self._word(k, j)]
            if subjects and (not participle or parse.heads[i] == i):
                s = subjects[0]
                sa, sb = parse.span(s)
                if para.text[sa:sb].lower() in RELATIVE_PRONOUNS and parse.deps[i] == "relcl":
                    s = parse.heads[i]  # 'Roe, who said': Roe
                return self.phrase(k, s)
            if parse.heads[i] == i or not (participle or parse.deps[i] in FINITE_CLIMB_DEPS):
                return None
            i = parse.heads[i]
        return None

    def _word(self, k: int, i: int) -> bool:
        a, b = self.parses[k].span(i)  # type: ignore[index]
        return any(c.isalnum() for c in self.paras[k].text[a:b])

    def phrase(self, k: int, s: int) -> _Phrase | None:
        """The speaker phrase headed by token ``s``: a pronoun; the person a description names next to it ('his
        wife, Jane Roe', "Roe's widow Ann Lind", 'one girl named Dakota'); who a statement is by ('a statement on
        behalf of his family'); a name; or a description ('the Texas Republican', "New York's often-feckless
        mayor", 'the secretary of state')."""
        para, parse, kids = self.paras[k], self.parses[k], self._kids(k)  # type: ignore[index]
        a, b = parse.span(s)
        word = para.text[a:b]
        if word.lower() in _PRONOUNS:
            return _Phrase(k, a, b, word, "pronoun")
        ent = next((e for e in para.ents if e.start <= a and b <= e.end), None)
        if ent is None or ent.label != "PERSON":
            named = self._named_next_to(k, s)
            if named is not None:
                return named
        if word.lower() in DOCUMENT_NOUNS:
            author = self._author(k, s)
            if author is not None:
                return author
        left = s
        stack = [j for j in kids[s] if j < s and parse.deps[j] in MODIFIER_DEPS]
        while stack:
            j = stack.pop()
            left = min(left, j)
            stack += [x for x in kids[j] if x < j]
        for j in range(s - 1, left - 1, -1):  # a phrase does not run across punctuation ('made public ― Trump')
            if para.text[slice(*parse.span(j))] in PHRASE_BREAKS:
                left = j + 1
                break
        start, end = parse.span(left)[0], b
        for j in kids[s]:  # 'the secretary of state', 'a spokesman for Disney', 'officials in Moscow'
            if j > s and parse.deps[j] == "prep" and para.text[slice(*parse.span(j))].lower() in PHRASE_PREPOSITIONS:
                last = max(parse.span(x)[1] for x in self._subtree(k, j))
                if len(para.text[start:last].split()) <= self.people.settings.quote_speaker_max_words:
                    end = max(end, last)
        determined = any(parse.deps[j] in ("det", "poss") for j in kids[s] if j < s)
        # 'the Times', 'the Kremlin' are names; 'the Texas Republican' (a NORP word) is a description
        if ent is not None and ent.label not in _NOT_SPEAKERS and (ent.label != "NORP" or not determined):
            before = para.text[: ent.start].split()[-1:]
            if before and before[0].strip(".").lower() in HONORIFICS:  # 'Mr Callaghan' tagged ORG, 'Mrs. Trump'
                at = para.text.rindex(before[0], 0, ent.start)  # the title stays: it tells the gender
                return _Phrase(k, at, ent.end, para.text[at : ent.end], "name", "PERSON")
            if not _only_titles(ent.text):
                return _Phrase(k, ent.start, ent.end, ent.text, "name", ent.label)
        if word[:1].isupper() and not determined and not _only_titles(para.text[start:end]):
            return _Phrase(k, start, b, para.text[start:b], "name")
        return _Phrase(k, start, end, para.text[start:end], "nominal")

    def _named_next_to(self, k: int, s: int) -> _Phrase | None:
        """A person named right after the head of a description: in apposition ('his wife, Jane Roe'), glued to it
        ("Roe's widow Ann Lind") or after 'named' ('one girl named Dakota')."""
        para, parse, kids = self.paras[k], self.parses[k], self._kids(k)  # type: ignore[index]
        after = parse.span(s)[1]
        gap = para.text[after : after + 40]
        m = re.match(r"(?:,\s*|\s+(?:named|called)\s+|\s+)", gap)
        at = after + (m.end() if m else 0)
        person = next((e for e in para.ents if e.label == "PERSON" and e.start == at), None)
        if person is not None and any(parse.deps[j] in ("appos", "acl", "compound", "npadvmod") for j in kids[s]):
            return _Phrase(k, person.start, person.end, person.text, "name", "PERSON")
        chain = [j for j in kids[s] if parse.deps[j] == "appos"]  # 'the artist's manager, John Woolf,'
        while chain:
            j = chain.pop(0)
            ja, jb = parse.span(j)
            person = next((e for e in para.ents if e.label == "PERSON" and e.start <= ja and jb <= e.end), None)
            if person is not None:
                return _Phrase(k, person.start, person.end, person.text, "name", "PERSON")
            chain += [x for x in kids[j] if parse.deps[x] == "appos"]
        called = re.match(r"\s+(?:named|called)\s+((?:[A-Z][\w’'-]+\s?)+)", gap)  # NER often misses a lone name
        if called is not None:
            name = called.group(1).strip()
            return _Phrase(k, after + called.start(1), after + called.start(1) + len(name), name, "name", "PERSON")
        return None

    def _author(self, k: int, s: int) -> _Phrase | None:
        """Who a statement, post or letter is by: the object of its first 'by', 'from' or 'of' ('a statement
        released on behalf of his family', 'a post by Jane Roe')."""
        parse, kids = self.parses[k], self._kids(k)  # type: ignore[index]
        text = self.paras[k].text
        queue = list(kids[s])
        while queue:
            j = queue.pop(0)
            governor = text[slice(*parse.span(parse.heads[j]))].lower()
            if parse.deps[j] == "pobj" and governor in ("by", "from", "of") and text[slice(*parse.span(j))] != "behalf":
                return self.phrase(k, j)
            if parse.deps[j] not in ("relcl", "appos"):
                queue += kids[j]
        return None

    def _subtree(self, k: int, i: int) -> list[int]:
        kids, out, stack = self._kids(k), [], [i]
        while stack:
            j = stack.pop()
            out.append(j)
            stack += kids[j]
        return out

    def _speech_verb(self, k: int, v: int) -> bool:
        a, b = self.parses[k].span(v)  # type: ignore[index]
        word = self.paras[k].text[a:b]
        return word.islower() and (word in CUES or word in ING_CUES or word in LOOSE_CUES)

    def _main_clause(self, k: int, s: int) -> bool:
        parse = self.parses[k]  # type: ignore[index]
        verb = parse.heads[s]
        while parse.deps[verb] == "conj" and parse.heads[verb] != verb:
            verb = parse.heads[verb]
        return parse.heads[verb] == verb

    def build(self, quoted: list[list[tuple[int, int]]]) -> None:
        """Who each sentence is about, outside quotations (``quoted``: spans inside quotation marks per
        paragraph): its subjects, then the other people and organisations it names."""
        if self.parses is None:
            return
        out: list[_Candidate] = []
        for k, para in enumerate(self.paras):
            parse = self.parses[k]

            def inside(offset: int, k: int = k) -> bool:
                return any(a <= offset < b for a, b in quoted[k])

            covered: list[tuple[int, int]] = []
            for s, dep in enumerate(parse.deps):
                if dep not in SUBJECT_DEPS or inside(parse.span(s)[0]) or not self._word(k, s):
                    continue
                phrase = self.phrase(k, s)
                if phrase is None:
                    continue
                rank = 0 if self._speech_verb(k, parse.heads[s]) else 1 if self._main_clause(k, s) else 2
                cand = self._candidate(k, phrase, rank)
                if cand is not None:
                    out.append(cand)
                    if cand.kind in ("person", "org"):
                        covered.append((phrase.start, phrase.end))
                    if cand.kind == "person":
                        out += self._pair(k, s, cand)
            for e in para.ents:
                if inside(e.start) or any(a <= e.start < b for a, b in covered):
                    continue
                cand = self._candidate(k, _Phrase(k, e.start, e.end, e.text, "name", e.label), MENTION)
                if cand is not None:
                    out.append(cand)
            out += self._untagged_surnames(k, covered, inside)
            for j in range(len(parse)):  # documents and who issued them ('X issued a statement')
                a, b = parse.span(j)
                noun = para.text[a:b].lower()
                if (noun in DOCUMENT_NOUNS or noun in VERB_DOCUMENTS) and not inside(a):
                    issuer = self._issuer(k, j) if noun in DOCUMENT_NOUNS else self._verb_subject(k, j)
                    if issuer is not None and inside(issuer.start):
                        issuer = None
                    if issuer is not None or self._indefinite(k, j):  # 'a report' of no known issuer: a new one
                        self.documents.append((k, a, VERB_DOCUMENTS.get(noun, noun), issuer))
        self.candidates = sorted(out, key=lambda c: (c.para, c.start))

    def _pair(self, k: int, s: int, cand: _Candidate) -> list[_Candidate]:
        """A person and another person or an organisation joined by 'and' as a subject ('Roe and Lind criticised
        the label'): a group 'they' may refer to."""
        parse, kids = self.parses[k], self._kids(k)  # type: ignore[index]
        for j in kids[s]:
            other = self.phrase(k, j) if parse.deps[j] == "conj" else None
            found = self._candidate(k, other, cand.rank) if other is not None else None
            if found is not None and found.kind in ("person", "org") and found.key != cand.key:  # (NER often
                # tags the second of two names ORG)
                name = f"{cand.name} and {found.name}"
                return [_Candidate(k, cand.start, cand.sentence, cand.rank, "group", name, name)]
        return []

    def _issuer(self, k: int, j: int) -> _Phrase | None:
        """Who the document at token ``j`` is by: the subject of the verb that issues it ('X issued a statement',
        'X said in a statement'), the agent of a passive ('a statement was released by X'), its possessor ('the
        company's statement', 'its statement'), or who it is from ('a letter from X')."""
        parse, kids, text = self.parses[k], self._kids(k), self.paras[k].text  # type: ignore[index]
        head, dep = parse.heads[j], parse.deps[j]
        governor = text[slice(*parse.span(head))].lower()
        if dep == "dobj" and governor in ISSUING_VERBS:
            return self._verb_subject(k, head)
        verb = parse.heads[head]
        if dep == "pobj" and governor in DOCUMENT_PREPOSITIONS and verb != head and self._speech_verb(k, verb):
            return self._verb_subject(k, verb)  # 'X said in a statement', not 'X saw evidence in the report'
        if dep == "nsubjpass" and governor in ISSUING_VERBS:  # 'a statement was released by X', 'sent from X'
            agents = [x for x in kids[head] if parse.deps[x] == "agent" or text[slice(*parse.span(x))] == "from"]
            objects = [x for a in agents for x in kids[a] if parse.deps[x] == "pobj"]
            return self.phrase(k, objects[0]) if objects else None
        for x in kids[j]:
            if parse.deps[x] != "poss":
                continue
            a, b = parse.span(x)
            word = text[a:b].lower()
            if word in POSSESSIVE_PRONOUNS:
                return _Phrase(k, a, b, POSSESSIVE_PRONOUNS[word], "pronoun")
            return self.phrase(k, x)
        return self._author(k, j)

    def _indefinite(self, k: int, j: int) -> bool:
        """The noun at token ``j`` has an indefinite determiner ('a report', 'another statement')."""
        parse, text = self.parses[k], self.paras[k].text  # type: ignore[index]
        dets = [text[slice(*parse.span(x))].lower() for x in self._kids(k)[j] if parse.deps[x] == "det"]
        return any(d in _INDEFINITE for d in dets)

    def _verb_subject(self, k: int, v: int) -> _Phrase | None:
        """The subject of verb ``v``, or of the verb it is coordinated with or depends on ('X met the press and
        issued a statement'); 'X, which issued a statement': X."""
        parse, kids, text = self.parses[k], self._kids(k), self.paras[k].text  # type: ignore[index]
        for _ in range(12):
            subjects = [j for j in kids[v] if parse.deps[j] in SUBJECT_DEPS and self._word(k, j)]
            if subjects:
                s = subjects[0]
                if text[slice(*parse.span(s))].lower() in RELATIVE_PRONOUNS and parse.deps[v] == "relcl":
                    s = parse.heads[v]
                return self.phrase(k, s)
            if parse.heads[v] == v or parse.deps[v] not in ISSUER_CLIMB_DEPS:
                return None
            v = parse.heads[v]
        return None

    def issuer(self, k: int, offset: int, text: str) -> _Phrase | None:
        """Who issued the document a definite description at (``k``, ``offset``) names ('the statement', 'the
        bankruptcy filing'): the issuer of the last document of the same noun before it, or None."""
        words = re.findall(r"[\w’'-]+", text)
        if not words or words[0].lower() not in ("the", "this", "that") or len(words) > DESCRIPTION_MAX_WORDS + 1:
            return None
        noun = _head_noun(text)
        if noun not in DOCUMENT_NOUNS:
            return None
        found = None  # the last document of this noun: one 'a report' of unknown issuer hides an earlier one's
        for para, start, kind, phrase in self.documents:
            if (para, start) >= (k, offset):
                break
            if kind == noun:
                found = phrase
        return found

    def group(self, k: int, offset: int) -> str | None:
        """Whom 'they' at (``k``, ``offset``) refers to: going back sentence by sentence, the nearest subject that is
        an organisation, a plural or collective description ('the protesters', 'the company'), or two people
        joined by 'and'."""
        return next((name for name, _ in self._people_before(k, offset, "group", None, 0)), None)

    def _untagged_surnames(
        self, k: int, covered: list[tuple[int, int]], inside: Callable[[int], bool]
    ) -> list[_Candidate]:
        """Mentions of people NER left untagged: a lone capitalised word inside a sentence that is the surname of
        exactly one person the article names in full ('According to Ham, ...' where it names Carter Ham)."""
        para, parse = self.paras[k], self.parses[k]  # type: ignore[index]
        out = []
        for i in range(len(parse)):
            a, b = parse.span(i)
            word = para.text[a:b]
            if not (word[:1].isupper() and word[1:].islower() and word.isalpha()) or inside(a):
                continue
            if para.sentence_start(a) == a or any(e.start <= a < e.end for e in para.ents):
                continue  # a sentence's first word is capitalised anyway
            if any(x <= a < y for x, y in covered):
                continue
            before = para.text[slice(*parse.span(i - 1))] if i else ""
            after = para.text[slice(*parse.span(i + 1))] if i + 1 < len(parse) else ""
            if after[:1].isupper() or (before[:1].isupper() and before.lower().strip(".") not in TITLES):
                continue  # part of a longer name NER missed ('Ham Radio')
            keys = self.people.by_word.get("last " + skeleton(word), set())
            if len(keys) == 1:
                key = next(iter(keys))
                out.append(_Candidate(k, a, para.sentence_start(a), MENTION, "person", key, self.people.name_of(key)))
        return out

    def _candidate(self, k: int, phrase: _Phrase, rank: int) -> _Candidate | None:
        sentence = self.paras[k].sentence_start(phrase.start)
        if phrase.kind == "pronoun":
            return _Candidate(k, phrase.start, sentence, rank, "pronoun", phrase.text.lower(), phrase.text)
        starts = phrase.start == sentence
        if phrase.kind == "name" and phrase.label is None and starts and _head_noun(phrase.text) in GROUP_NOUNS:
            # 'Critics of the program see ...': capitalised because it starts the sentence, a description
            return _Candidate(k, phrase.start, sentence, rank, "description", phrase.text, phrase.text)
        who = self.people.person(phrase)
        if phrase.kind == "nominal" and who is None:
            return _Candidate(k, phrase.start, sentence, rank, "description", phrase.text, phrase.text)
        # a subject of two or more capitalised words NER did not tag ('On Sunday Nadhim Zahawi insisted') is a person
        untagged = phrase.label is None and rank < MENTION and len(name_tokens(phrase.text)) >= 2
        words = phrase.text.split()  # 'Prince Edmund defended his stay', NER tagging nothing: a person too
        titled = len(words) == 2 and words[0].lower().strip(".") in PERSON_TITLES and words[1][:1].isupper()
        untagged = untagged or (phrase.label is None and rank < MENTION and phrase.kind == "name" and titled)
        if untagged and who is not None and who[1] not in self.people.full and clean_surface(phrase.text) in self.orgs:
            untagged = False  # 'Big Machine have denied' where NER tags Big Machine ORG elsewhere: an organisation
            phrase = _Phrase(phrase.para, phrase.start, phrase.end, phrase.text, phrase.kind, "ORG")
        if who is not None and (
            phrase.label == "PERSON" or who[1] in self.people.full or phrase.kind == "nominal" or untagged
        ):
            return _Candidate(k, phrase.start, sentence, rank, "person", who[1], who[0])
        if phrase.label == "ORG" or (phrase.label == "NORP" and rank < MENTION):
            name = clean_surface(phrase.text)
            return _Candidate(k, phrase.start, sentence, rank, "org", name, name)
        return None

    def antecedent(
        self, k: int, offset: int, want: str, gender: str | None = None, depth: int = 0, noun: str | None = None
    ) -> str | None:
        """Who a pronoun or a definite description at (``k``, ``offset``) refers to: going back sentence by
        sentence, the subject of the main clause, then of another clause, then another mention; a person of a
        compatible ``gender`` (``want`` 'person'; one known to be of it among the first
        ``quote_pronoun_gender_lookback`` when that is set) or an organisation (``want`` 'org'). A sentence whose
        subject is the same pronoun is about the same person: the search goes on before it. ``noun``: only an
        organisation whose name has this word."""
        found = self._referent(k, offset, want, gender, depth, noun)
        return found[0] if found else None

    def _referent(
        self, k: int, offset: int, want: str, gender: str | None, depth: int, noun: str | None = None
    ) -> tuple[str, str | None] | None:
        people = [
            (name, key) for name, key in self._people_before(k, offset, want, gender, depth, noun)
            if want != "org" or noun is None or noun in name.lower().split()
        ]
        lookback = self.people.settings.quote_pronoun_gender_lookback
        for name, key in people[:lookback]:
            if key is not None and self.people.gender(key) == gender:
                return name, key
        for name, key in people:
            if key is None or gender is None or self.people.gender(key) in (None, gender):
                return name, key
        return None

    def _people_before(
        self, k: int, offset: int, want: str, gender: str | None, depth: int, noun: str | None = None
    ) -> Iterator[tuple[str, str | None]]:
        """(name, person key or None) of the candidates before (``k``, ``offset``), most salient first; for a
        description (``noun``) only in the last ``quote_description_max_sentences`` sentences."""
        sentences: dict[tuple[int, int], list[_Candidate]] = defaultdict(list)
        for c in self.candidates:
            if (c.para, c.start) < (k, offset):
                sentences[c.para, c.sentence].append(c)
        here = (k, self.paras[k].sentence_start(offset))
        keys = sorted(sentences, reverse=True)
        if noun is not None:  # a description is not someone else of its own sentence ('asked by Roe, the senator said')
            keys = [key for key in keys if key != here][: self.people.settings.quote_description_max_sentences]
        for key in keys:
            # after 'he' as a subject only a subject before it in the sentence can be its referent, not a name its
            # clause holds ('During his tour of Midway, he paused', 'After meeting Roe, he said': not Midway, Roe)
            limit, mentions = (offset, False) if key == here else (None, True)
            # subjects, the nearest first; then other mentions, the first first (the topic comes early)
            for c in sorted(sentences[key], key=lambda c: (c.rank, -c.start if c.rank < MENTION else c.start)):
                if (limit is not None and c.start > limit) or (c.rank == MENTION and not mentions):
                    continue
                if want == "group":
                    if c.kind == "pronoun" and c.key == "they" and c.rank <= 1:
                        limit, mentions = c.start, False  # 'They criticised …': the same group as ours, said before
                    elif c.rank < MENTION and c.kind in ("org", "group"):
                        yield c.name, None
                    elif c.rank < MENTION and c.kind == "description" and depth == 0:
                        head = _head_noun(c.key)
                        if head in ORG_NOUNS or head in NAMED_ORG_NOUNS:  # 'the company' -> who it is
                            found = self._description(c.para, c.start, c.key, depth + 1)
                            if found is not None:
                                yield found
                        elif head in GROUP_NOUNS:
                            yield c.name, None
                    continue
                if want == "org":
                    if c.kind == "org" and c.rank < MENTION:  # one that did something, not one named in passing
                        yield c.name, None
                elif c.kind == "person":
                    yield c.name, c.key
                elif c.kind == "pronoun" and c.rank < MENTION and gender is not None and _PRONOUNS.get(c.key) == gender:
                    # 'He said he thought ...': the same person as ours, so is a name after 'he' in another clause
                    # ('It is implied that he won't stand in Roe's way'). Not 'it' or 'they': 'It has become an
                    # issue, with Jane Roe attacking the plan. "…," she said' is Roe's
                    limit, mentions = c.start, mentions and c.rank > 1
                elif c.kind == "description" and c.rank < MENTION and noun is not None and _head_noun(c.key) == noun:
                    if c.key.split()[0].lower() in _INDEFINITE:  # 'a police spokesperson said' ... 'the spokesperson'
                        yield c.name, None
                elif c.kind == "description" and c.rank < MENTION and depth == 0 and _head_noun(c.key) in PERSON_NOUNS:
                    found = self._description(c.para, c.start, c.key, depth + 1)
                    if found is not None:
                        yield found

    def description(self, k: int, offset: int, text: str) -> str | None:
        """The person or organisation a short definite description refers to ('the Texas Republican' -> the last
        person the article spoke of; 'the company' -> the last organisation), or None."""
        found = self._description(k, offset, text)
        return found[0] if found else None

    def _description(self, k: int, offset: int, text: str, depth: int = 0) -> tuple[str, str | None] | None:
        words = re.findall(r"[\w’'-]+", text)
        possessive = any(w.endswith(("'s", "’s")) for w in words[:-1])
        definite = (bool(words) and words[0].lower() == "the") or possessive or _only_titles(text)
        if not words or len(words) > DESCRIPTION_MAX_WORDS + 1 or not definite:
            return None
        head = _head_noun(text)
        if head in ORG_NOUNS:
            return self._referent(k, offset, "org", None, depth)
        if head in NAMED_ORG_NOUNS:
            return self._referent(k, offset, "org", None, depth, noun=head)
        if head in PERSON_NOUNS:
            gender = "m" if head in _MALE_ROLES else "f" if head in _FEMALE_ROLES else None
            return self._referent(k, offset, "person", gender, depth, noun=head)
        return None


def extract_quotes(article: Article, sentences: list[Sentence], settings: AnalyzeSettings | None = None) -> list[Quote]:
    """Direct quotations of an article with their speaker (full name when the article gives it) and cue.

    English only (the speech verbs are English): an article in another language has no quotes here.
    """
    if article.language and not article.language.lower().startswith("en"):
        return []
    return _Extractor(article, sentences, settings or AnalyzeSettings()).extract()


_SHINGLE = 4  # words per shingle: quotes that share no run of this many words are never compared


def _contains(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def _described(speaker: str) -> bool:
    """A speaker given by a description, not a name ('the pharmaceutical giant', 'a spokesperson')."""
    return speaker[:1].islower()


def _better_speaker(a: str | None, b: str | None) -> str | None:
    """The speaker a merged quote keeps: the first one named, else the first described."""
    if a is None or (b is not None and _described(a) and not _described(b)):
        return b or a
    return a


def merge_quotes(quotes: list[Quote], settings: AnalyzeSettings) -> list[Quote]:
    """One quote said once: quotes of the same speaker (or one unattributed, or one given by a description: 'the
    pharmaceutical giant' of one outlet is the 'Pfizer' of another that prints the same words) with near-identical
    words (``quote_merge_similarity``) or one inside the other (``quote_merge_min_words``) become one, keeping the
    longer text, the first speaker named and every article that carries it, in the order found. Only quotes sharing a
    run of four words (or equal when shorter) are compared: an index of word shingles, no all-pairs loop."""
    tokens = [words(q.text) for q in quotes]
    parent = list(range(len(quotes)))
    speaker = [q.speaker for q in quotes]  # per group root: the speaker the group is of (an unattributed quote
    # joins one speaker's group, never two)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def same(i: int, j: int) -> bool:
        a, b = speaker[find(i)], speaker[find(j)]
        if a and b and a != b and not (_described(a) or _described(b)):
            return False
        short, long_ = sorted((tokens[i], tokens[j]), key=len)
        if len(short) >= settings.quote_merge_min_words and _contains(long_, short):
            return True
        return SequenceMatcher(None, tokens[i], tokens[j], autojunk=False).ratio() >= settings.quote_merge_similarity

    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, toks in enumerate(tokens):
        shingles = {tuple(toks[k : k + _SHINGLE]) for k in range(max(1, len(toks) - _SHINGLE + 1))}
        candidates = {j for sh in shingles for j in index[sh]}
        for j in sorted(candidates):
            if find(i) != find(j) and same(i, j):
                root = find(j)
                speaker[root] = _better_speaker(speaker[root], speaker[find(i)])
                parent[find(i)] = root
        for sh in shingles:
            index[sh].append(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(quotes)):
        groups.setdefault(find(i), []).append(i)
    out: list[Quote] = []
    for members in sorted(groups.values()):
        first = quotes[members[0]]
        text = max((quotes[k].text for k in members), key=lambda t: len(words(t)))  # max keeps the first of equals
        speaker = None
        for k in members:
            speaker = _better_speaker(speaker, quotes[k].speaker)
        cue = next((quotes[k].cue for k in members if quotes[k].cue), None)
        ids = list(dict.fromkeys(aid for k in members for aid in quotes[k].article_ids))
        out.append(Quote(speaker, text, first.article_id, cue, ids))
    return out
