"""Figures: numbers in a sentence with their normalized value, unit and what they count.

"283 tons of ammunition" -> 283, unit "tons", counts "ammunition"; "$200 million" -> 200000000, unit "USD";
"more than 100,000 troops" -> 100000, unit "troops", qualifier "more than". Dates, times, ages and ordinals are
not figures. Number spans come from spaCy's CARDINAL/MONEY/QUANTITY/PERCENT entities when the model is
installed (plus the regex for numbers it left untagged) and from the regex alone otherwise; what a number counts
is read from the words after it (spaCy's part-of-speech tags when available, a word heuristic otherwise).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from .model import Figure, Reading

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12,
}  # fmt: skip
_CURRENCY_SYMBOLS = {
    "us$": "USD",
    "$": "USD",
    "£": "GBP",
    "€": "EUR",
    "¥": "JPY",
    "usd": "USD",
    "eur": "EUR",
    "gbp": "GBP",
}
_CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP",
    "sterling": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "rouble": "RUB", "roubles": "RUB",
    "ruble": "RUB", "rubles": "RUB", "rupee": "INR", "rupees": "INR", "hryvnia": "UAH", "hryvnias": "UAH",
    "francs": "CHF", "franc": "CHF",
}  # fmt: skip
_MEASURES = {
    "ton": "tons", "tons": "tons", "tonne": "tonnes", "tonnes": "tonnes", "kg": "kg", "kilogram": "kg",
    "kilograms": "kg", "kilo": "kg", "kilos": "kg", "gram": "g", "grams": "g", "lb": "lb", "lbs": "lb",
    "km": "km", "kilometre": "km", "kilometres": "km", "kilometer": "km", "kilometers": "km", "mile": "miles",
    "miles": "miles", "metre": "m", "metres": "m", "meter": "m", "meters": "m", "foot": "feet", "feet": "feet",
    "acre": "acres", "acres": "acres", "hectare": "hectares", "hectares": "hectares", "barrel": "barrels",
    "barrels": "barrels", "gallon": "gallons", "gallons": "gallons", "litre": "litres", "litres": "litres",
    "liter": "litres", "liters": "litres", "degree": "degrees", "degrees": "degrees", "megawatt": "MW",
    "megawatts": "MW", "mw": "MW", "gigawatt": "GW", "gigawatts": "GW", "gw": "GW", "sq": "sq",
    "square": "square", "cubic": "cubic", "percent": "percent", "per": "percent", "%": "percent",
    "points": "points", "basis": "basis",
}  # fmt: skip
# Measure words that take a second unit word: '420 cubic metres', '12 square miles', '50 basis points'.
_MEASURE_PREFIXES = {"cubic", "square", "sq", "basis"}
# What a duration or a date counts: such numbers are dates/durations, not figures.
_TIME_NOUNS = {
    "second",
    "minute",
    "hour",
    "day",
    "week",
    "month",
    "year",
    "decade",
    "century",
    "am",
    "pm",
    "a.m.",
    "p.m.",
    "o'clock",
    "yesterday",
    "today",
    "tomorrow",
}
WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
MONTHS = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}
_QUALIFIERS = {
    "more than": "min", "over": "min", "at least": "min", "just over": "min", "upwards of": "min",
    "up to": "max", "fewer than": "max", "less than": "max", "under": "max", "at most": "max",
    "as many as": "max", "nearly": "below", "almost": "below", "just under": "below", "close to": "below",
    "about": "approx", "around": "approx", "roughly": "approx", "approximately": "approx", "some": "approx",
    "an estimated": "approx", "estimated": "approx", "an approximate": "approx",
}  # fmt: skip
# Words that end the phrase naming what a number counts (fallback path without part-of-speech tags).
_STOP = {
    "of", "in", "on", "at", "to", "from", "for", "by", "with", "and", "or", "but", "as", "than", "that", "which",
    "who", "were", "was", "are", "is", "be", "been", "being", "have", "has", "had", "will", "would", "could",
    "should", "may", "might", "can", "did", "do", "does", "the", "a", "an", "this", "these", "those", "their",
    "its", "his", "her", "our", "per", "each", "since", "after", "before", "during", "into", "across", "near",
    "said", "says", "say", "while", "when", "where", "if", "so", "more", "less", "not", "no", "also",
}  # fmt: skip
_SINGULAR_EXCEPTIONS = {
    "people": "person",
    "persons": "person",
    "men": "man",
    "women": "woman",
    "children": "child",
    "police": "police",
    "troops": "troop",
    "staff": "staff",
    "feet": "foot",
    "news": "news",
    "series": "series",
    "species": "species",
}

# A thousands separator may be followed by a stray space ('1, 600 officers' in text re-joined from tokens): the group
# after it has exactly three digits. A day of month before a year ('March 1, 2021') is no such number
# (:func:`extract_figures` reads the number after it alone).
_NUMERAL = r"\d{1,3}(?:, ?\d{3}(?!\d))+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD_NUM = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|"
    r"eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|a dozen|dozen|a hundred|a thousand|a million|a billion)"
)
_SCALE = r"(?:hundred|thousand|million|billion|trillion)"
_NUMBER_RE = re.compile(
    rf"(?<![\w.,/$£€¥-])(?P<cur>US\$|\$|£|€|¥|(?:USD|EUR|GBP)\s?)?"
    rf"(?P<num>{_NUMERAL}|\b{_WORD_NUM}\b)"
    rf"(?:(?P<att>bn|mn|mln|tn|[kmb])\b|\s+(?P<scale>{_SCALE})\b)?"
    rf"(?:\s*(?P<pct>%|percent\b|per cent\b|percentage points?\b))?",
    re.IGNORECASE,
)
# A plural noun right after '60m' says it counts millions of something ('60m doses', '5k runners').
_COUNTED_AFTER = re.compile(r"\s+(?:[A-Za-z-]+\s+)?(?!miles\b|metres\b|meters\b|feet\b)[A-Za-z-]{3,}s\b")
_QUALIFIER_RE = re.compile(
    r"(?:^|\b)(" + "|".join(sorted((re.escape(q) for q in _QUALIFIERS), key=len, reverse=True)) + r")\s*$",
    re.IGNORECASE,
)
_TOKEN_RE = re.compile(r"(?:[A-Za-z]\.){2,}|[\w$£€¥%'’-]+|[^\w\s]", re.UNICODE)
_NON_FIGURE_LABELS = {"DATE", "TIME", "ORDINAL"}
_PLACE_LABELS = {"GPE", "LOC"}
# Where a figure's clause ends for the places it is of: a new clause joined by a conjunction, or a semicolon.
_PLACE_CLAUSE_END = re.compile(r";|,\s+(?:and|but|while|whereas|as|although)\b|\s+while\b|\s+whereas\b")
_NOUN_TAGS = {"NN", "NNS", "NNP", "NNPS"}
_MODIFIER_TAGS = {"JJ", "JJR", "JJS", "VBN", "HYPH", "NN", "NNP", "NNPS", "NNS"}


@dataclass
class FigureMention:
    """One figure as found in one sentence (the model's :class:`Figure` is the story-level merge of these)."""

    text: str
    value: float | None
    unit: str | None
    counts: str | None
    qualifier: str | None
    sentence: str
    start: int
    end: int
    # Places the figure is of ('8% of Virginia gas stations', '9 dead in New York and New Jersey'); empty without a
    # reading or when the sentence names none near it.
    places: frozenset[str] = frozenset()

    def _rounding(self) -> float:
        return _rounding_of(self.sentence[number_start(self) : self.end]) if self.sentence else 0.0

    @property
    def key(self) -> tuple[str | None, str | None]:
        """What is being counted, comparable across sources: (counted noun, singular and lower-cased; unit)."""
        return (singular(self.counts) if self.counts else None, self.unit.lower() if self.unit else None)

    def interval(self, tolerance: float, approx: float | None = None) -> tuple[float, float]:
        """The values this figure allows: 'more than 100' -> (100, inf); an exact figure +- ``tolerance``, or +- half
        its last decimal when that is more ('$1.4 trillion' covers $1.37 trillion); an 'about' figure +- ``approx``
        (default 3 x ``tolerance``)."""
        v = self.value or 0.0
        tolerance = max(tolerance, self._rounding())
        kind = _QUALIFIERS.get((self.qualifier or "").lower())
        if kind == "min":
            return (v, float("inf"))
        if kind == "max":
            return (0.0, v)
        if kind == "below":
            return (v * (1 - 3 * tolerance), v)
        if kind == "approx":
            a = 3 * tolerance if approx is None else approx
            return (v * (1 - a), v * (1 + a))
        return (v * (1 - tolerance), v * (1 + tolerance))


_DECIMAL = re.compile(r"(\d+)\.(\d+)")


def _rounding_of(text: str) -> float:
    """Relative half-unit of a figure's last decimal ('1.4' -> 0.05 / 1.4); 0 for a whole number."""
    m = _DECIMAL.search(text)
    if m is None:
        return 0.0
    shown = float(m.group())
    return 0.5 * 10 ** -len(m.group(2)) / shown if shown else 0.0


def singular(noun: str) -> str:
    """A crude English singular, lower-cased: enough to compare 'troops' with 'troop' or 'casualties'."""
    w = noun.lower().strip()
    if w in _SINGULAR_EXCEPTIONS:
        return _SINGULAR_EXCEPTIONS[w]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def parse_number(text: str) -> float | None:
    """'100,000' -> 100000; 'twenty-five' -> 25; 'a dozen' -> 12; '3.5' -> 3.5; None when not a number."""
    t = re.sub(r"(?<=\d), ?(?=\d)", "", text.lower()).strip()
    try:
        return float(t)
    except ValueError:
        pass
    total = 0.0
    current = 0.0
    seen = False
    for part in re.split(r"[\s-]+", t):
        if part in ("a", "an", "and"):
            current = current or 1.0
            continue
        if part == "dozen":
            current = (current or 1.0) * 12
        elif part in _SMALL:
            current += _SMALL[part]
        elif part in _TENS:
            current += _TENS[part]
        elif part in _SCALES and len(part) > 3:
            scale = _SCALES[part]
            if scale == 100:
                current = (current or 1.0) * 100
            else:
                total += (current or 1.0) * scale
                current = 0.0
        else:
            return None
        seen = True
    return total + current if seen else None


def _format_value(value: float) -> str:
    return f"{int(value):,}" if value == int(value) else f"{value:,.2f}".rstrip("0").rstrip(".")


@dataclass
class _Word:
    text: str
    tag: str | None
    start: int
    end: int


def _words(sentence: str, reading: Reading | None) -> list[_Word]:
    if reading is not None:
        return [_Word(reading.text[a:b], tag or None, a, b) for a, b, tag in reading.tokens]
    return [_Word(m.group(), None, m.start(), m.end()) for m in _TOKEN_RE.finditer(sentence)]


def _after(words: Sequence[_Word], pos: int) -> list[_Word]:
    return [w for w in words if w.start >= pos]


_PHRASE_BREAKS = {"last", "next", "past", "previous", "coming", "per"}


def _noun_phrase(words: Sequence[_Word], tagged: bool) -> list[_Word]:
    """The words naming what a number counts: adjectives/nouns right after it, up to the head noun."""
    out: list[_Word] = []
    for w in words[:5]:
        if w.text.lower() in _PHRASE_BREAKS:
            break  # '200 jobs last month' counts jobs, not months
        if tagged:
            if w.tag in _MODIFIER_TAGS or (w.tag == "CD" and out == []):
                if w.tag == "CD":
                    return []
                out.append(w)
                continue
            break
        low = w.text.lower()
        if not re.fullmatch(r"[A-Za-z][\w'’.-]*", w.text) or low in _STOP:
            break
        if out and low.endswith(("ed", "ing")) and low not in _MEASURES:
            break
        out.append(w)
        if (
            len(out) >= 3
            or low in _SINGULAR_EXCEPTIONS
            or (len(low) > 3 and low.endswith("s") and not low.endswith("ss"))
        ):
            break  # a plural noun ends the phrase: '100 people came' counts people
    if tagged:
        # The head is the last noun of the leading run of modifiers and nouns.
        while out and out[-1].tag not in _NOUN_TAGS:
            out.pop()
    return out


def _counts_after_of(words: Sequence[_Word], tagged: bool, preps: tuple[str, ...] = ("of",)) -> list[_Word]:
    """'... of ammunition' / '... in military aid': the phrase after a preposition, if it names a thing."""
    if len(words) >= 2 and words[0].text.lower() in preps:
        rest = list(words[1:])
        if rest and rest[0].text.lower() == "of":
            rest = rest[1:]
        if rest and rest[0].text.lower() in ("the", "a", "an", "its", "their", "his", "her", "our", "all", "your"):
            rest = rest[1:]
        return _noun_phrase(rest, tagged)
    return []


def _is_date_context(sentence: str, start: int, end: int, value: float | None, raw: str) -> bool:
    """Years, days of a month, clock times, ages, numbered names ('G7', 'COVID-19'): not figures."""
    before = sentence[max(0, start - 12) : start].lower()
    after = sentence[end : end + 12].lower()
    prev_word = re.findall(r"[a-z]+\.?$", before.strip())
    next_word = re.findall(r"^\s*([a-z.]+)", after)
    if prev_word and prev_word[0].rstrip(".") in MONTHS:
        return True
    if next_word and next_word[0].rstrip(".") in MONTHS:
        return True
    if next_word and next_word[0] in ("a.m.", "p.m.", "am", "pm", "gmt", "bst", "utc", "est", "et", "o'clock"):
        return True
    if re.match(r"^[-–]\s?year[-–]old|^[-–]\w|^:\d|^/\d", after) or re.search(r"[a-z][-–]$", before):
        return True
    # A number right after a capitalised word inside the sentence names something: 'Nord Stream 2', 'Article 5'.
    name = re.search(r"\w\W+([A-Z][a-z]+)\s$", sentence[max(0, start - 30) : start])
    if name and name.group(1).lower() not in WEEKDAYS and name.group(1).lower() not in MONTHS:
        return True
    return bool(re.fullmatch(r"(1[89]|20)\d\d", raw) and not re.match(r"^\s*(people|[a-z]+s\b)", after))


def _mention(sentence: str, words: Sequence[_Word], start: int, end: int, tagged: bool) -> FigureMention | None:
    """Describe the number found at sentence[start:end] (may include currency, scale and percent)."""
    m = _NUMBER_RE.search(sentence, start, end + 1) if start < len(sentence) else None
    if m is None or m.start() > end:
        return None
    raw = m.group("num")
    value = parse_number(raw)
    if value is None:
        return None
    if _is_date_context(sentence, m.start("num"), m.end(), value, raw):
        return None
    scale = m.group("scale") or m.group("att")
    if scale:
        if (
            m.group("att")
            and not m.group("cur")
            and m.group("att").lower() not in ("bn", "mn", "mln", "tn")
            and not _COUNTED_AFTER.match(sentence, m.end())
        ):
            scale = None  # '5m' without a currency is more likely metres; '60m doses' is 60 million
        else:
            value *= _SCALES[scale.lower()]
    fig_start, fig_end = m.start(), m.end()
    unit: str | None = None
    counts_words: list[_Word] = []
    following = _after(words, fig_end)
    if m.group("cur"):
        unit = _CURRENCY_SYMBOLS[m.group("cur").strip().lower()]
    elif m.group("pct"):
        unit = "percent"
    if unit is None and following:
        first = following[0].text.lower()
        if first in _CURRENCY_WORDS and (first not in ("pound", "pounds") or scale):
            unit = _CURRENCY_WORDS[first]
            fig_end = following[0].end
            following = following[1:]
        elif first in _MEASURES:
            unit = _MEASURES[first]
            fig_end = following[0].end
            following = following[1:]
            # A unit of two words ('cubic metres', 'square miles', 'basis points') is read whole.
            if first in _MEASURE_PREFIXES and following and following[0].text.lower() in _MEASURES:
                unit = f"{unit} {_MEASURES[following[0].text.lower()]}"
                fig_end = following[0].end
                following = following[1:]
    if unit is not None:
        money = unit in _CURRENCY_WORDS.values()
        counts_words = _counts_after_of(following, tagged, ("of", "in", "for", "worth") if money else ("of",))
        if counts_words and (singular(counts_words[-1].text) in _TIME_NOUNS or counts_words[-1].text.lower() in MONTHS):
            counts_words = []
    else:
        counts_words = _noun_phrase(following, tagged)
        if not counts_words:
            counts_words = _counts_after_of(following, tagged)
        if counts_words:
            head = counts_words[-1].text
            if singular(head) in _TIME_NOUNS or head.lower() in MONTHS:
                return None
            unit = head.lower()
    if raw.lower() in ("one", "a dozen", "dozen") and not counts_words and unit is None:
        return None  # 'one of them', 'one said': a pronoun, not a figure
    if raw.lower() == "one" and counts_words and counts_words[0].start != fig_end + 1:
        return None
    counts = counts_words[-1].text if counts_words else None
    end_char = max(fig_end, counts_words[-1].end if counts_words else fig_end)
    # Qualifiers ('more than', 'nearly') right before the number.
    qualifier = None
    prefix_start = max(0, fig_start - 24)
    q = _QUALIFIER_RE.search(sentence[prefix_start:fig_start])
    if q:
        qualifier = q.group(1).lower()
        fig_start = prefix_start + q.start(1)
    return FigureMention(
        text=sentence[fig_start:end_char].strip(),
        value=value,
        unit=unit,
        counts=counts,
        qualifier=qualifier,
        sentence=sentence,
        start=fig_start,
        end=end_char,
    )


# A number word written with a capital inside a sentence, before another capitalised word, is part of a name: 'the
# restaurant Two Meatballs in the Kitchen', 'Three Mile Island', 'Five Guys'. The sentence's first word is not
# (''Two people died').
_NAME_AFTER = re.compile(r"[ \t]+(?!(?:Hundred|Thousand|Million|Billion|Trillion)\b)[A-Z][\w’'&-]*")


def _in_name(sentence: str, m: re.Match[str]) -> bool:
    num = m.group("num")
    if not (num[:1].isupper() and num.replace("-", "").isalpha()):
        return False
    if not sentence[: m.start("num")].strip(" \"“‘'(["):
        return False
    return bool(_NAME_AFTER.match(sentence, m.end("num")))


def extract_figures(sentence: str, reading: Reading | None = None) -> list[FigureMention]:
    """Figures of one sentence. ``reading`` is spaCy's reading of ``sentence`` (tags and entities,
    :func:`tidings.text.read_sentences`) or None for the regex path.

    Numbers are found by the regex; spaCy's entities veto those inside DATE/TIME/ORDINAL spans (and its tags
    find what a number counts)."""
    words = _words(sentence, reading)
    tagged = reading is not None and any(w.tag for w in words)
    blocked: list[tuple[int, int]] = []
    if reading is not None:
        blocked = [(e.start, e.end) for e in reading.ents if e.label in _NON_FIGURE_LABELS]
    out: list[FigureMention] = []
    for m in _NUMBER_RE.finditer(sentence):
        if any(m.start("num") < be and m.end("num") > bs for bs, be in blocked) or _in_name(sentence, m):
            continue
        fig = _mention(sentence, words, m.start(), m.end(), tagged)
        if fig is None and ", " in m.group("num"):  # 'on March 1, 600 officers': a date, then the number
            tail = _NUMBER_RE.match(sentence, m.start("num") + m.group("num").rindex(", ") + 2)
            fig = _mention(sentence, words, tail.start(), tail.end(), tagged) if tail else None
        if fig is not None and not any(fig.start < o.end and fig.end > o.start for o in out):
            out.append(fig)
    if reading is not None:
        out = _with_places(out, sentence, reading)
    return out


def _with_places(figures: list[FigureMention], sentence: str, reading: Reading) -> list[FigureMention]:
    """Each figure with the places named from its number to the end of its clause or the next quantity of the
    sentence: '8.5% of gas stations in North Carolina and 7.7% in Virginia' gives North Carolina to the first
    figure only; 'eight died in New York City, and a man died in Passaic' gives Passaic to no figure."""
    places = [e for e in reading.ents if e.label in _PLACE_LABELS]
    if not places:
        return figures
    quantities = sorted(f.start for f in figures if f.unit is not None)  # a bare '2 to 86' ends no stretch
    out: list[FigureMention] = []
    for fig in figures:
        stop = next((s for s in quantities if s > fig.start), len(sentence))
        clause_end = _PLACE_CLAUSE_END.search(sentence, fig.end, stop)
        stop = clause_end.start() if clause_end else stop
        named = frozenset(_place_key(e.text) for e in places if e.start >= fig.start and e.end <= stop)
        out.append(replace(fig, places=named) if named else fig)
    return out


def _place_key(name: str) -> str:
    """'the United States' and 'United States' are one place."""
    return re.sub(r"^the\s+", "", " ".join(name.split()), flags=re.IGNORECASE).lower()


def number_start(fm: FigureMention) -> int:
    """Where the figure's number (with its currency sign) starts in its sentence, after any qualifier."""
    m = _NUMBER_RE.search(fm.sentence, fm.start, fm.end)
    return m.start() if m else fm.start


def _kind(fm: FigureMention) -> str:
    """What sort of amount a figure is: a count of things (its unit is the counted noun, or none), or a measure,
    currency or percentage (its unit)."""
    return "count" if fm.unit is None or (fm.counts and fm.unit == fm.counts.lower()) else fm.unit.lower()


@dataclass
class _Merged:
    figure: Figure
    keys: set[tuple[str | None, str | None]]
    kind: str
    facts: set[int]


def merge_figures(
    mentions: Iterable[tuple[str, FigureMention] | tuple[str, FigureMention, int]], count_min_value: float = 100.0
) -> list[Figure]:
    """Story-level figures, each figure once: mentions of the same value become one Figure listing every article
    that gives it when they are of the same thing (counted noun and unit); when one is the other without what it
    counts ('1.4 metres' / '1.4 metres of its crest'); or when both count things (or name nothing they count) and
    either are in sentences of one fact (the optional third item of a mention: '47 vessels' / '47 ships') or their
    value is at least ``count_min_value`` ('about 6,500 people' / 'about 6,500 residents': a large number given
    twice in one story is one quantity, while 'two members' and 'two sides' are not). The first wording is the
    figure's text, the others its ``aliases``. Mentions are compared only with those of equal value."""
    live: list[_Merged | None] = []
    by_value: dict[float | None, list[int]] = defaultdict(list)

    def matches(m: _Merged, fm: FigureMention, kind: str, fact: int | None) -> bool:
        if fm.key in m.keys:
            return True
        if kind != m.kind:
            return False
        if kind != "count":
            return fm.counts is None or any(k[0] is None for k in m.keys)
        return (fact is not None and fact in m.facts) or abs(fm.value or 0.0) >= count_min_value

    for item in mentions:
        article_id, fm = item[0], item[1]
        fact = item[2] if len(item) > 2 else None  # type: ignore[misc]
        kind = _kind(fm)
        found = [i for i in by_value[fm.value] if (m := live[i]) is not None and matches(m, fm, kind, fact)]
        if not found:
            by_value[fm.value].append(len(live))
            live.append(_Merged(Figure(fm.text, fm.value, fm.unit, [], fm.counts, fm.sentence), set(), kind, set()))
            found = [len(live) - 1]
        target = live[found[0]]
        assert target is not None
        for i in found[1:]:  # the mention links figures found apart: they are one
            other = live[i]
            assert other is not None
            target.keys |= other.keys
            target.facts |= other.facts
            _add(target.figure, other.figure.article_ids, [other.figure.text, *other.figure.aliases])
            live[i] = None
        target.keys.add(fm.key)
        if fact is not None:
            target.facts.add(fact)
        _add(target.figure, [article_id], [fm.text])
    return sorted((m.figure for m in live if m is not None), key=lambda f: -len(f.article_ids))


def _add(fig: Figure, article_ids: list[str], texts: list[str]) -> None:
    """Add articles and wordings to a figure, each once (wordings compared without case)."""
    fig.article_ids += [a for a in article_ids if a not in fig.article_ids]
    seen = {fig.text.lower(), *(a.lower() for a in fig.aliases)}
    for t in texts:
        if t.lower() not in seen:
            seen.add(t.lower())
            fig.aliases.append(t)


def describe_value(fm: FigureMention) -> str:
    """A claim's value as a reader sees it: the figure's text ('more than 100,000 troops')."""
    return fm.text or _format_value(fm.value or 0.0)
