"""A timeline of events: the story's facts that say when something happened, placed on a date scale.

A date in a sentence is read by a table of named rules (below) and resolved against the publication date of the
article that says it: a weekday is the most recent such day on or before publication ('on Wednesday') or the day
after it (the dateline's day in a time zone ahead: 'Saturday' in Seoul in an article stamped Friday 22:00 UTC), a
day of a month is that day in the publication year, or the year before when that would be after publication
('January 26' in an article of 3 February), a year given is kept ('January 26, 2022'), and 'yesterday', 'today',
'last night' count from publication. A sentence that speaks of the future ('will meet on Friday', 'is due to end on
Thursday, March 5') resolves forward instead: the next such weekday, the day of month in the publication year. A
date that names a thing rather than when it happened ('a Friday deadline', 'by Friday', "Friday's vote") is left
out, and so is a sentence that gives two different days. A speaker's 'tonight' or 'on Monday' counts from when they
spoke, which the article does not say (a speech reported two days later): a relative date inside a quotation dates
nothing, nor does a day of a month without its year, which a speaker uses as a name ('the unprecedented nature of
January 6th'); a full date there still does.

Why a rule table and not dateparser: news dates its events with a handful of English forms; dateparser (a large
multi-language regex set, ~0.5 s to import) parses one string it is given, so it needs a span finder anyway, its
``search_dates`` also takes 'may' and 'march' for months and needs ``RELATIVE_BASE`` set per article, and past-or-
future choice still has to be ours. spaCy's DATE entities would find the spans but also 'this week', '50 years'
and 'the 1990s', which date no day. The rules and ``datetime`` do exactly the resolution the issue asks for.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta

from .model import Article, Event, Fact, Quote
from .settings import AnalyzeSettings

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip
# Capitalised month names only: 'may' and 'march' are verbs too. 'May' is never abbreviated with a dot.
_MONTH = (
    r"(?P<month>Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?"
    r"|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
_WEEKDAY = r"(?P<weekday>" + "|".join(_WEEKDAY_NAMES) + r")"

Resolver = Callable[[re.Match[str], date, bool], date | None]


_NEXT_DAYS = 2  # days after publication that a day of a month without a year may name and stay in its year


def _month_day(m: re.Match[str], published: date, future: bool) -> date | None:
    year = int(m.group("year")) if m.group("year") else published.year
    try:
        day = date(year, _MONTHS[m.group("month")[:3].lower()], int(m.group("day")))
    except ValueError:  # 'February 30'
        return None
    # a day or two after publication is this year's: a dateline written for the next morning, or another time zone
    # ('WASHINGTON, Dec. 8' in an article stamped Dec. 7); further on, 'January 26' in an article of 3 February is
    # last year's
    if not m.group("year") and day > published + timedelta(days=_NEXT_DAYS) and not future:
        try:
            day = day.replace(year=year - 1)  # 'January 26' in an article of 3 February: last year's
        except ValueError:  # 29 February
            return None
    return day


def _weekday(m: re.Match[str], published: date, future: bool) -> date | None:
    target = _WEEKDAY_NAMES.index(m.group("weekday").capitalize())  # the rule ignores case: "TUESDAY", "tuesday"
    rel = (m.group("rel") or "").lower()
    if rel == "next" or (future and rel != "last"):
        return published + timedelta(days=(target - published.weekday()) % 7 or (7 if rel == "next" else 0))
    back = (published.weekday() - target) % 7
    if back == 6 and rel != "last":
        # the day after publication, as for a day of a month (_NEXT_DAYS): the dateline's day in a time zone ahead
        # ('Saturday' in Seoul in an article stamped Friday 22:00 UTC), not six days back. 'last Saturday' is.
        return published + timedelta(days=1)
    if rel == "last" and back == 0:
        back = 7
    return published - timedelta(days=back)


def _offset(days: int) -> Resolver:
    return lambda m, published, future: published + timedelta(days=days)


# The rules, most specific first: a sentence is dated by the first rule that matches it.
DATE_RULES: tuple[tuple[str, re.Pattern[str], Resolver], ...] = (
    ("month day", re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b{_YEAR}"), _month_day),
    ("day month", re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b{_YEAR}"), _month_day),
    ("weekday", re.compile(rf"\b(?:(?P<rel>last|next|this)\s+)?{_WEEKDAY}\b", re.IGNORECASE), _weekday),
    ("yesterday", re.compile(r"\byesterday\b|\blast night\b", re.IGNORECASE), _offset(-1)),
    ("today", re.compile(r"\btoday\b|\bthis (?:morning|afternoon|evening)\b|\btonight\b", re.IGNORECASE), _offset(0)),
    ("tomorrow", re.compile(r"\btomorrow\b", re.IGNORECASE), _offset(1)),
)
# A date that names something rather than when it happened: 'a Friday deadline', 'by Friday', "Friday's vote".
# So is either end of a range ('from 28 May to 3 June').
_NAMES_BEFORE = re.compile(
    r"\b(?:a|an|the|by|until|till|before|through|every|since|from|to|between|and)\s+$", re.IGNORECASE
)
_NAMES_AFTER = re.compile(
    r"^(?:['’]s\b|\s*(?:[-–]|to|through|and)\s*\w"
    # a day that names an event and what came of it: 'the Jan. 6 committee', 'the 9/11 attacks', 'a June 4 vigil'
    r"|\s+(?:Capitol\s+)?(?:insurrection|riots?|rioters|attacks?|committee|panel|commission|probe|investigation"
    r"|select|hearings|anniversary|memorial|vigil)\b)"
)
# 'Today, plague infections are rare': a sentence that opens with 'Today,' and reports no past act means nowadays.
_NOWADAYS = re.compile(r"^\W*(?:today|these days),", re.IGNORECASE)
# 'the form of government under which we still live today', 'even more out of reach today': nowadays, any sentence.
_STILL_TODAY = re.compile(r"\b(?:still|even|remains?|to this day)\b[^,;:.!?]{0,60}$", re.IGNORECASE)
# Words that put what a sentence tells in the future.
_FUTURE = re.compile(
    r"\b(?:will|won't|would|shall|is due|are due|due to|expected to|set to|scheduled|plans? to|is to|are to|"
    r"going to|set for|slated|upcoming|"
    # what a court sets: 'remanded in custody to appear before the Crown Court on 19 August', 'an arraignment set for
    # Feb. 17', 'to be sentenced on June 3'
    r"to appear|to be sentenced|to stand trial)\b",
    re.IGNORECASE,
)


# Where the clause that a date belongs to starts: punctuation (but not the comma of 'Thursday, March 5') or a word
# that opens a clause of its own ('will reopen in June after the council approved it on Thursday').
_CLAUSE_START = re.compile(
    r"(?:[;:—–()\"“”]|,(?!\s*$)|\b(?:after|when|because|since|while|as|once)\b"
    # 'before' opens a clause, but not in 'appear before a court'
    r"|(?<!appear\s)(?<!appears\s)(?<!appeared\s)(?<!testify\s)(?<!testified\s)\bbefore\b)",
    re.IGNORECASE,
)
_PAST_VERB = re.compile(
    r"\b(?:[a-z]{3,}ed|said|told|met|gave|took|made|won|held|began|came|went|sent|struck|fell|rose|broke)\b",
    re.IGNORECASE,
)


def _speaks_of_future(before: str) -> bool:
    """Whether the clause leading to a date is about the future: a future word ('will', 'is due to') in it, with
    no past verb after that word."""
    before = re.sub(rf",?\s*{_WEEKDAY},?\s*$", "", before)  # 'on Thursday, March 5': the date's own weekday
    starts = [m.end() for m in _CLAUSE_START.finditer(before)]
    clause = before[starts[-1] :] if starts else before
    marks = list(_FUTURE.finditer(clause))
    return bool(marks) and not _PAST_VERB.search(clause[marks[-1].end() :])


def published_day(value: str | None) -> date | None:
    """The calendar day of an ISO 8601 publication date or timestamp (in its own time zone), or None."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


# Rules whose date counts from the moment of speaking (not resolved inside a quotation).
_RELATIVE_RULES = frozenset({"weekday", "yesterday", "today", "tomorrow"})
_OPENING_MARKS = frozenset("“«„")
_CLOSING_MARKS = frozenset("”»")


def _inside_quotation(sentence: str, at: int) -> bool:
    """Whether position ``at`` of a sentence is between quotation marks (curly marks open and close; a straight '"'
    toggles)."""
    depth, straight = 0, False
    for ch in sentence[:at]:
        if ch in _OPENING_MARKS:
            depth += 1
        elif ch in _CLOSING_MARKS:
            depth = max(0, depth - 1)
        elif ch == '"':
            straight = not straight
    return depth > 0 or straight


def resolve_date(sentence: str, published: date | None, quoted: bool = False) -> tuple[date, str] | None:
    """The day a sentence dates what it tells, with the words that say it, or None: no date, a date that names a
    thing, two different days, a relative date in an article with no publication date, or a relative date inside
    a quotation (``quoted``: the whole sentence is part of one)."""
    for name, pattern, resolve in DATE_RULES:
        found: list[tuple[date, str]] = []
        for m in pattern.finditer(sentence):
            with_year = bool(m.re.groupindex.get("year") and m.group("year"))
            if not with_year and (quoted or _inside_quotation(sentence, m.start())):
                continue
            future = _speaks_of_future(sentence[: m.start()])
            if _NAMES_BEFORE.search(sentence[max(0, m.start() - 10) : m.start()]) or _NAMES_AFTER.match(
                sentence[m.end() :]
            ):
                continue
            if name == "today" and (
                (_NOWADAYS.match(sentence) and not _PAST_VERB.search(sentence))
                or (m.group(0).lower() == "today" and _STILL_TODAY.search(sentence[: m.start()]))
            ):
                continue
            base = published
            if base is None:
                if with_year:
                    base = date(int(m.group("year")), 12, 31)  # a full date needs no publication date
                else:
                    continue
            day = resolve(m, base, future)
            if day is not None:
                found.append((day, m.group(0)))
        if len({d for d, _ in found}) > 1:
            return None  # 'from Monday to Wednesday', two events: not one day
        if found:
            return found[0]
    return None


def _quoted_sentence(text: str, quotes: list[str]) -> bool:
    """Whether a sentence is part of one of its article's quotations (a middle sentence of a long quote carries
    no marks of its own)."""
    core = text.strip(" \"“”«»„'’").rstrip(".!?,;:").strip(" \"“”'’")
    return len(core) >= 20 and any(core in q for q in quotes)


def dated_events(
    facts: list[Fact], articles: list[Article], settings: AnalyzeSettings, quotes: list[Quote] | None = None
) -> list[Event]:
    """The facts that date what they tell, as events in date order (at most ``max_events``: the most corroborated
    first when there are more). Each mention of a fact is dated against its own article's publication date; the
    day most mentions give is the event's (the earliest on a tie), told in the first wording that gives it (one
    with a day of a month first), with the articles that give it. ``quotes``: the story's quotations; a mention
    inside one has no relative date."""
    published = {a.id: published_day(a.published) for a in articles}
    quoted_texts: dict[str, list[str]] = {}
    for q in quotes or []:
        for article_id in q.article_ids:
            quoted_texts.setdefault(article_id, []).append(q.text)
    events: list[tuple[int, Event]] = []
    for rank, fact in enumerate(facts):
        days: dict[date, list[tuple[str, str, str]]] = {}
        for m in fact.mentions or []:
            quoted = _quoted_sentence(m.text, quoted_texts.get(m.article_id, []))
            found = resolve_date(m.text, published.get(m.article_id), quoted)
            if found is not None:
                days.setdefault(found[0], []).append((m.article_id, found[1], m.text))
        if not days:
            continue
        votes = Counter({d: len(v) for d, v in days.items()})
        day = min(votes, key=lambda d: (-votes[d], d))
        ids = list(dict.fromkeys(aid for aid, _, _ in days[day]))
        # Told in the wording that dates it (the fact's own text may not), a full date before a weekday.
        _, expression, text = min(days[day], key=lambda x: not any(c.isdigit() for c in x[1]))
        events.append((rank, Event(day.isoformat(), text, ids, expression)))
    if len(events) > settings.max_events:
        events = sorted(events, key=lambda e: (-facts[e[0]].independent_sources, e[0]))[: settings.max_events]
    return [e for _, e in sorted(events, key=lambda e: (e[1].date, e[0]))]
