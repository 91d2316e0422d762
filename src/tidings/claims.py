"""What a figure claims: whether it is a quantity at all, and the scope two figures must share to disagree.

Two sources disagree about a figure only when both give the same quantity of the same thing at the same time.
The rules below are data: each names a cue (a pattern on the figure's clause) and what the cue means.

- *Not a quantity*: a number that labels something ('the 5.50 update', 'No. 3', 'the 14th Amendment', 'aged 84'),
  a count that is no whole number or names one thing ('5.50 update' counts no updates), a rate ('52 births per
  1,000 women'), a range ('between 70 and 72'), a forecast or target ('expecting 4,000 jobs'), a conditional
  ('Biden should finish with 306 votes', 'would confirm 240,000 deaths'), a threshold ('the 90% enrichment required').
- *Scope*: a part of a total ('21 of the schoolgirls', 'including 12 leaders'), more of it ('128 other
  politicians', 'six more bodies', 'another 40', 'the other two cities'), a total ('a total of 140', 'so far', 'has
  so far lost'), all of a group ('all five appointees', the nine of 'eight of the nine members'), a change or an
  earlier value ('rose by 235,000', 'up from 8,200'), a rate ('25,000 new cases a day'), a toll that counts the
  attacker ('four people were killed (including the shooter)'). Figures conflict only within one scope.
- *Qualifiers*: the words between the number and the noun and the 'of' phrase after it ('three fellow gymnasts',
  'four Olympic gymnasts'); two figures whose qualifiers share no word count different groups.
- *Time*: the years, months and periods ('last month', 'the prior fiscal year'), market sessions ('in afternoon
  trading', 'to close at') and clock times ('by 1420 GMT') the sentence names; two figures dated differently are of
  different times.
- *Predicate*: what a share is of, from the words after it ('37% of adults were fully vaccinated' / '55% of adults
  have received one dose'); two shares whose next words share none are of different things. What a count is of,
  from the acts of a small table next to it ('killed', 'injured', 'missing', 'won'); two counts whose acts differ,
  or that only one of them names ('six children were found alive' / 'four children were killed', 'five children have
  been taken to hospital' / 'four children were killed'), are of different groups.
- *Places*: the places the figure's clause names (``FigureMention.places``), and the place phrase right after it
  ('170,000 people in the province' / '230,000 people in 13 countries', '14 miles north of Healdsburg' / '20 miles
  north of Santa Rosa'), or the place names after a count's participle ('168,000 people were killed in Aceh');
  figures of different places differ.
- *Referent*: whose, or which one of several, the figure is (``REFERENT_CUES``): the name that holds it ('IBM ranked
  second with 24 percent share'), a place opening the sentence ('But in San Francisco, ...') or a group's origin
  ('20 students from West Boca Raton High School'), named on one side and not in the other sentence; or two
  different terms ('30-year' / '10-year'), versions ('Senate-passed' / 'House-passed'), possessors or 'who' groups
  of one verb ('who took finasteride' / 'who took the placebo'). Figures of two referents differ. So do figures
  held by two named subjects (``SUBJECT_CUES``: "Lowe's reported a 12 percent jump" / 'Home Depot reported a nearly 8
  percent rise'; 'Kerry was viewed favorably by 66 percent'), when both sentences name one.
- *Main figure*: a figure listed after another ('six rifles, 12 magazines and 300 rounds', '20 points and eight
  rebounds') is a detail of a list, not compared (:func:`listed`): outlets list different details.
- *Sourcing* is no quantity: 'four officials familiar with the matter said' counts whom an outlet asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .figures import MONTHS, WEEKDAYS, FigureMention, number_start, singular
from .text import words

Where = Literal["before", "number", "after", "rest"]

# The clause of a figure ends at these (a comma, a semicolon, a dash, a parenthesis, a quotation mark), but not at
# the comma inside a number: 'had been looking for 845,000 new jobs and a headline unemployment rate of 5.7%' keeps
# its forecast cue.
_CLAUSE_BREAK = re.compile(r"[;:—–()\"“”]|,(?!\d{3}(?!\d))|\s-\s")


@dataclass(frozen=True)
class Cue:
    """One rule: ``pattern`` searched in one part of the figure's clause (``before`` the figure, lower-cased and
    ending where the figure starts; the ``number`` with what follows it inside the figure, 'other politicians';
    ``after`` the figure, starting where it ends; the ``rest`` of the sentence after it, past any clause break);
    ``means`` is 'not a quantity' or the scope it gives."""

    name: str
    where: Where
    pattern: re.Pattern[str]
    means: str


def _cue(name: str, where: Where, pattern: str, means: str) -> Cue:
    return Cue(name, where, re.compile(pattern, re.IGNORECASE), means)


NOT_A_QUANTITY = "not a quantity"
_DETERMINERS = r"(?:the|them|those|these|its|their|his|her|our|your|all|whom|which|us)"

CUES: tuple[Cue, ...] = (
    # -- numbers that label, rank or identify --
    _cue("label word before", "before", r"\b(?:versions?|v|no|nos|number|model|rank(?:ed)?|route|flight|levels?|phase|"
         r"grade|seed(?:ed)?|chapter|section|article|page|episode|season|round|tier|category|class|stage|channel|"
         r"gate|room|district|precinct|amendment|item|paragraph|volume|issue|aged?|ages|code|id|ios|windows|"
         r"android|firmware|score|scored)\.?\s*#?$", NOT_A_QUANTITY),
    _cue("version or release after", "number", r"^\S+\s+(?:updates?|versions?|patch(?:es)?|releases?|builds?|"
         r"editions?|firmware|models?|series|generation)\b", NOT_A_QUANTITY),
    _cue("ordinal", "number", r"^\d+(?:st|nd|rd|th)\b", NOT_A_QUANTITY),
    _cue("rate per", "after", r"^\s*(?:per\b|(?:a|an|each|every)\s+(?:capita|head|person)\b)", NOT_A_QUANTITY),
    _cue("range", "before", r"\b(?:between|from\s+(?:about|around|roughly)?)\s*$", NOT_A_QUANTITY),
    _cue("range end", "after", r"^\s*(?:to|-|–)\s*(?:\$|£|€)?\d", NOT_A_QUANTITY),
    _cue("forecast or target", "before", r"\b(?:expect\w*|forecast\w*|predict\w*|project(?:ed|ing|ions?)|"
         r"anticipat\w*|looking\s+for|hop(?:e|es|ed|ing)\s+for|consensus|estimates?\s+(?:of|for)|targets?|goals?|"
         r"aim(?:s|ed|ing)?\s+(?:for|at))\b[^.]*$", NOT_A_QUANTITY),
    _cue("requirement", "before", r"\b(?:need(?:s|ed)?|requir(?:e|es|ed|ing)|majority\s+of|threshold\s+of)\s*$",
         NOT_A_QUANTITY),
    # 'Biden should finish with 306 votes', 'the U.S. would confirm 240,000 deaths': a conditional, not a report
    _cue("hypothetical", "before", r"\b(?:would|could|should|might)(?:\s+[\w-]+){0,4}\s*$", NOT_A_QUANTITY),
    # 'are needed', 'the 90% enrichment required for a weapon': a threshold, not a level reached
    _cue("requirement after", "after", r"^\s*(?:[\w-]+\s+)?(?:(?:are|is|were|was|would\s+be|will\s+be)\s+)?"
         r"(?:needed|required|necessary)\b", NOT_A_QUANTITY),
    # -- an outlet's own sourcing: 'four officials familiar with the matter said' counts whom it asked --
    _cue("sourcing", "after", r"^\s*(?:[\w.'’-]+\s+){0,3}?(?:familiar\s+with|with\s+(?:direct\s+)?knowledge|"
         r"briefed\s+on|close\s+to\s+the|who\s+(?:spoke|asked|requested|declined|were\s+not\s+authori[sz]ed)|"
         r"(?:said|say|says|told)\b)", NOT_A_QUANTITY),
    # -- a part of a total --
    _cue("partitive", "number", rf"^\S+(?:\s+(?:hundred|thousand|million|billion))?\s+(?:out\s+)?of\s+"
         rf"{_DETERMINERS}\b", "part"),
    _cue("listed part", "before", r"\b(?:including|includes|include|among\s+them|among\s+whom|of\s+whom|of\s+which|"
         r"of\s+them|of\s+those|incl\.?)\s*$", "part"),
    _cue("part follows", "after", r"^\s*(?:of\s+(?:whom|which|them)|were\s+among|are\s+among)\b", "part"),
    # -- more of it --
    _cue("other or more", "number", r"^\S+(?:\s+(?:hundred|thousand|million|billion))?\s+(?:\w+\s+)?(?:other|more|"
         r"additional|new|further|extra|fresh)\b", "additional"),
    _cue("the other", "before", r"\bother\s*$", "additional"),  # 'the other two cities' besides the one named
    _cue("another", "before", r"\b(?:another|an?\s+(?:additional|further|extra|new))\s*$",
         "additional"),
    Cue("someone and", "before", re.compile(r"(?:\b[A-Z][a-z]+|\b(?:a|an)\s+(?:[a-z]+\s+){0,3}[a-z]+)\s+and$"),
        "additional"),  # 'Simone Vale and three fellow gymnasts', 'an aid worker and nine members of his family'
    # -- a total, or all of a group --
    _cue("total", "before", r"\b(?:total(?:ing|led|s)?|totalling|in\s+all|altogether|overall|cumulative|combined|"
         r"tally\s+of|toll\s+(?:of|to|at)|since)\b[^.]*$", "total"),
    _cue("so far", "after", r"\b(?:so\s+far|to\s+date|in\s+all|in\s+total|altogether|overall|since)\b", "total"),
    _cue("so far before", "before", r"\b(?:so\s+far|thus\s+far|to\s+date)\b[^.]*$", "total"),  # 'has so far lost'
    # 'Four people were killed (including the shooter)', 'left four people dead, including the assailant': a toll
    # that counts the attacker is not the toll of his victims ('the gunman who killed three people')
    _cue("attacker counted", "rest", r"^[^.;]{0,40}?\bincluding\s+(?:the\s+|a\s+|one\s+)?(?:suspected\s+|"
         r"alleged\s+)?(?:assailant|attacker|gunm[ae]n|shooter|bomber|perpetrator|killer|hijacker)s?\b",
         "with attacker"),
    # the total of a partitive: 'eight of the nine members' (the nine were aboard, not killed)
    _cue("whole of a part", "before", r"\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
         r"dozens?|hundreds?|thousands?|some|most|many|half)\s+(?:out\s+)?of\s+(?:the|its|their|his|her|these|those)\s*$"
         r"|\b\d[\d,.]*\s+(?:out\s+)?of\s*$", "whole"),  # 'completed 28 of 41 passes': the 41 is the whole
    _cue("all of a group", "before", r"\b(?:all|the\s+entire|every\s+one\s+of)\s*(?:of\s+the\s+)?$", "whole"),
    # -- a change, an earlier value, a rate --
    _cue("change", "before", r"\b(?:(?:rose|fell|increased|decreased|grew|jumped|dropped|climbed|declined|"
         r"revised\s+\w+)(?:\s+by)?|(?:gained|lost|shed)\s+by|up|down|(?:increase|decrease|drop|jump|rise|fall|"
         r"gain|loss)\s+of)\s*$", "change"),  # not a bare 'by': 'the strike by 4,000 workers
    _cue("earlier value", "before", r"\b(?:up|down)\s+from\s*$|\bfrom\s*$", "earlier"),
    _cue("per period", "after", r"^\s*(?:a|an|each|every|per)\s+(?:day|week|month|year|hour|minute|second)\b",
         "rate"),
    _cue("periodic", "number", r"\b(?:daily|weekly|monthly|yearly|annual|average)\b", "rate"),
)

# Counted nouns that are plural without an -s: '40 police', '300 staff'.
_UNMARKED_PLURALS = {
    "police", "staff", "personnel", "aircraft", "sheep", "deer", "fish", "offspring", "crew", "cattle", "livestock",
    "clergy", "infantry", "youth", "people", "military", "media", "data", "faithful", "elderly", "wounded", "dead",
    "injured", "homeless", "poor", "unemployed", "vaccinated", "unvaccinated", "public",
}  # fmt: skip
_NUMBER_WORDS = {"hundred", "thousand", "million", "billion", "trillion", "dozen", "of", "out", "a", "an", "the"}
_QUALIFIER_STOP = {
    "of", "the", "a", "an", "and", "or", "in", "on", "at", "to", "for", "from", "with", "by", "its", "his", "her",
    "their", "our", "them", "those", "these", "this", "that", "all", "some", "other", "more", "new", "additional",
    "further", "extra", "fresh", "whom", "which", "us", "u.s", "about", "than",
}  # fmt: skip
# Times a figure can be of: years, months and periods ('last month'). Weekdays and 'this week' are left out: in news
# they mostly date the statement ('officials said on Thursday'), and outlets writing on different days name
# different ones for the same figure.
# A share is of what its sentence says next: two shares of one group whose next words share none are of two things.
_PREDICATE_WORDS = 4
_PREDICATE_STOP = {
    "were", "was", "are", "is", "have", "has", "had", "been", "will", "would", "could", "the", "and", "who", "that",
    "which", "least", "against", "with", "for", "from", "than", "more", "less", "about", "now", "still", "say", "said",
}  # fmt: skip
# A count is of the group its verb defines ('12 people were injured' / '9 people were killed'): the acts of the
# classes below next to it (the last words of the clause before it, the first after it); two counts whose acts share
# none, or of which only one names an act, are of two groups (a count of the dead and a count that says nothing of
# death are not the same count to a reader; seen sets of benchmarks/conflicts.py: 11 false pairs dropped, no true
# one). Other words say nothing (outlets word one act differently: 'walked out' / 'the strike by'), and money and
# measures keep no act.
_ACT_WORDS_BEFORE = 3
_ACT_WORDS_AFTER = 4
_ACT_CLASSES = {
    "kill": "death", "killed": "death", "killing": "death", "die": "death", "died": "death", "dead": "death",
    "death": "death", "deaths": "death", "perished": "death", "lost": "death", "fatal": "death", "slain": "death",
    "injure": "injury", "injured": "injury", "injuring": "injury", "wounded": "injury", "wounding": "injury",
    "hurt": "injury", "hospitalized": "injury", "hospitalised": "injury",
    "arrested": "arrest", "arresting": "arrest", "detained": "arrest", "detaining": "arrest", "held": "arrest",
    "missing": "missing", "unaccounted": "missing",
    "rescued": "rescue", "saved": "rescue", "evacuated": "evacuation", "displaced": "evacuation",
    "won": "win", "winning": "win", "secured": "win", "captured": "win", "carried": "win",
    "protest": "protest", "protested": "protest", "protesting": "protest", "marched": "protest",
    "needed": "requirement", "required": "requirement",
    "shot": "shooting", "shooting": "shooting", "alive": "survival", "survived": "survival",
}  # fmt: skip
# A place phrase right after a figure: a preposition of place, or a distance's direction from somewhere, and the
# next words (up to 3).
_WHERE = re.compile(
    r"^\s*(?:in|around|across|throughout|near|outside|(?:(?:north|south|east|west)[\w-]*[\s-]+)+of)\s+"
    r"((?:[\w'’.-]+\s*){1,3})",
    re.IGNORECASE,
)
# The place after the participle of a count ('168,000 people were killed in Indonesia's Aceh province', '220,000
# people dead in Indonesia, Sri Lanka ...'): only its names are kept ('12 people were injured in the riots' / '18
# people had been injured in the violence' name no place, and are one count).
_WHERE_AFTER_VERB = re.compile(
    r"^\s*(?:(?:were|was|are|is|had\s+been|have\s+been|has\s+been)\s+)?(?:[a-z]+ed|dead|hurt|killed|injured|wounded)"
    r"\s+(?:in|across|throughout)\s+((?:[\w'’.-]+\s*){1,4})"
)
# Also the session of a market day ('in afternoon trading', 'to close at', 'in the first hour') and a clock time
# ('by 1420 GMT', 'at 10:55 a.m.'): a price at the close is not the price at midday.
_TIME_RE = re.compile(
    r"\b(?:(?:19|20)\d\d|(?:last|next|past|previous|prior|coming)\s+(?:fiscal\s+)?(?:month|year|quarter|decade|"
    r"spring|summer|fall|autumn|winter)|"
    # a month is capitalised: 'may' is a verb, 'a protest march' no month
    r"(?-i:" + "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True)) + r"))\b\.?"
    r"|\b(?:early|late|morning|midday|mid-day|afternoon|after-hours|overnight|pre-open|premarket|pre-market|electronic)"
    r"\s+(?:\w+\s+){0,4}?(?:trading|trade|dealings|session)\b|\bin\s+the\s+first\s+hour\b"
    r"|\b(?:to\s+close|closed|closing)\s+(?:at|up|down|higher|lower)\b|\bat\s+the\s+close\b"
    r"|\b\d{4}\s+GMT\b|\b\d{1,2}:\d{2}\s*[ap]\.\s?m\b",
    re.IGNORECASE,
)
_CLOSE_WORDS = {"to", "at", "closed", "closing"}  # how a time found by _TIME_RE names the close


# -- The referent: whose, or which one of several, a figure is --
# Two figures that share a noun and a sentence shape may still be of two things: two firms' shares ('Microsoft came in
# third with an 18 percent share' / 'IBM ranked second with 24 percent share'), two notes' yields ('the 30-year bond'
# / 'the 10-year note'), a drug group and the placebo group ('men who took finasteride' / 'men who took the placebo'),
# one chamber's plan and the other's ('the Senate-passed plan' / 'the House-passed plan'), a city and the whole
# ('But in San Francisco, ... 59 percent of women'). Each cue below finds the words that say so; what a cue's words
# mean is its kind:
# - 'name': the capitalised words of a holder or a place; a figure of a name that the other sentence does not name
#   (fewer than half its words there) is of another thing. One side is enough: a name is specific, and a sentence
#   that names another holder, or none, does not give that holder's figure.
# - any other kind ('term', 'version', 'possessor', 'group'): a contrast; two figures whose words of one kind each
#   hold a word the other sentence lacks are of two things. Both sides must name one: outlets word a thing
#   differently or leave it out ('President Biden's $1.2 trillion package' / 'a nearly $1 trillion package': one bill).
Part = Literal["before", "after", "sentence", "sentence before", "restated"]
Name = tuple[str, ...]  # a name's lower-cased words


@dataclass(frozen=True)
class ReferentCue:
    """One rule of the referent: ``pattern`` searched (every match) in one ``part`` of the figure's sentence ('before'
    and 'after' as for :class:`Cue`; 'sentence' the whole sentence; 'sentence before' all of it before the figure;
    'restated' the clause a figure restates after 'or': '24 percent of men who took placebo, or 1,147 men'); its
    last group holds the words (a 'who' clause's first is its verb); ``kind`` says how they are compared (above)."""

    name: str
    part: Part
    pattern: re.Pattern[str]
    kind: str


_NAME_WORD = r"[A-Z][\w&.'’-]*\s+"  # a capitalised word and the space after it
_NAME = rf"(?:{_NAME_WORD}){{1,4}}"  # up to four of them
_COUNT_WORD = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|fifty)"
_PHRASE = r"((?:[\w'’-]+\s*){1,4})"  # up to four words
_AUX = r"(?:(?:have|has|had|were|was|are|is|had\s+been|have\s+been)\s+)?"  # 'who have fled': the verb is 'fled'

REFERENT_CUES: tuple[ReferentCue, ...] = (
    # 'IBM ranked second with 24 percent share', 'Vaughn finished with 16 points', 'Jones has 193 yards': the name
    # that opens the clause (or the part after 'and'/'but') and holds the figure
    ReferentCue("holder", "before", re.compile(
        rf"(?:^|\b(?:and|but|while|whereas)\s+)({_NAME})(?:[a-z][\w'’-]*\s+){{0,4}}?(?:with|has|had|have|holds|held|"
        r"owns|owned)(?:\s+(?:an?|just|only|about|nearly|almost|some|over|more\s+than))*\s*$"), "name"),
    # 'But in San Francisco, 80 percent of men ...': a place that opens the sentence is the place of all its figures
    ReferentCue("opening place", "sentence", re.compile(
        r"^\W*(?i:(?:but|and|yet|still|meanwhile)\s*,?\s+)?(?i:in|at|across|throughout|outside|inside)\s+"
        r"(?:the\s+)?((?:[A-Z][\w.'’-]*\s*){1,4}),"), "name"),
    # '20 students from West Boca Raton High School': a group named by where it is from (all the names of the phrase:
    # 'refugees from the Nuba mountains region of South Kordofan' are of Nuba, South, Kordofan); not 'at' (a place,
    # as 'in': one outlet names it, another leaves it out) nor 'from a ridge'
    ReferentCue("named origin", "after", re.compile(r"^\s*(?i:from)\s+(?:the\s+)?([A-Z](?:[\w&.'’-]+\s*){1,8})"),
                "name"),
    # 'the 30-year bond' / 'the 10-year note', 'two-year leases' / 'one-year renewals' (not an age: '6-year-old')
    ReferentCue("term", "sentence before", re.compile(
        rf"\b({_COUNT_WORD}-(?:year|month|week|day))\b(?!-old)", re.IGNORECASE), "term"),
    # 'the Senate-passed prescription drug plan' / 'the House-passed plan'
    ReferentCue("version", "sentence", re.compile(
        r"\b([A-Z][\w]*)-(?:passed|backed|led|sponsored|proposed|approved|drafted|written|controlled)\b"), "version"),
    # "Microsoft's 18 percent share", "the Senate's bipartisan $1.2 trillion bill"
    ReferentCue("possessor", "before", re.compile(
        r"((?:[A-Z][\w.&-]*\s+){0,3}[A-Z][\w.&-]*)['’]s(?:\s+[\w-]+){0,3}\s*$"), "possessor"),
    # '18 percent of the men who took finasteride' / '24 percent of men who took the placebo': a group by what its
    # members did; two groups only when the verb is the same and its objects differ ('who suffocated in a trailer' /
    # 'who died from suffocation' is one group told twice), so the kind is the verb and the words what follows it
    ReferentCue("who clause", "after", re.compile(rf"^\s*who\s+{_AUX}([\w'’-]+)\s+{_PHRASE}", re.IGNORECASE),
                "group"),
    ReferentCue("restated who clause", "restated", re.compile(rf"\bwho\s+{_AUX}([\w'’-]+)\s+{_PHRASE}",
                re.IGNORECASE), "group"),
)
# The subject of a figure's clause, when it holds what the figure measures: the name that opens the sentence (after
# an appositive: "Lowe's, with about half as many stores, reported ..."), then a verb of this table whose object holds
# the figure, with no new clause between ("Lowe's reported a 12 percent jump in same-store sales" / 'Home Depot
# reported a nearly 8 percent rise'); or the subject of a passive whose agent is the figure ('Kerry was viewed
# favorably by 66 percent'). Verbs that act on a thing another holds are not in it ('The House delayed a vote on the
# $1 trillion bill' / "Biden ... advancing a $1.2 trillion bill": one bill). Two subjects differ only when both
# sentences name one and neither name is in the other sentence: an outlet may leave the subject out.
HOLDING_VERBS = frozenset({
    "reported", "reports", "posted", "posts", "earned", "earns", "recorded", "records", "logged", "booked",
    "gained", "gains", "lost", "loses", "won", "wins", "scored", "scores", "received", "receives", "got", "gets",
    "rose", "rises", "fell", "falls", "jumped", "jumps", "climbed", "climbs", "dropped", "drops", "slipped", "slips",
    "grew", "grows", "declined", "declines", "increased", "decreased", "added", "adds", "shed", "sheds",
    "saw", "sees", "enjoyed", "suffered", "owns", "owned", "holds", "held", "employs", "employed",
})  # fmt: skip
_SUBJECT_NAME = r"((?:[A-Z][\w&.'’-]*\s+){0,3}[A-Z][\w&.'’-]*)"
_SUBJECT_AUX = r"(?:\s+(?:also|has|have|had|will|would|just|then|again|not|had\s+been))*"
# what may stand between the verb and the figure: no new clause (a conjunction, a relative pronoun) nor a break
_SUBJECT_REST = r"(?:(?!\b(?:and|but|while|whereas|which|who|that|when|as|after|before|although|because|if)\b)" \
    r"[^;:—–()\"“”])*$"
SUBJECT_CUES: tuple[re.Pattern[str], ...] = (
    re.compile(
        rf"^\W*(?:(?:But|And|Meanwhile|Still|Yet)\s*,?\s+)?{_SUBJECT_NAME}(?:\s*,[^,;:]{{1,80}},)?{_SUBJECT_AUX}"
        rf"\s+(?:{'|'.join(sorted(HOLDING_VERBS))})\b{_SUBJECT_REST}"
    ),
    re.compile(
        rf"^\W*{_SUBJECT_NAME}{_SUBJECT_AUX}\s+(?:was|were|is|are)(?:\s+not)?(?:\s+[a-z]+){{0,2}}\s+by\s+$"
    ),
)
# Capitalised words that name no holder or place: pronouns, articles and titles at the start of a sentence or name.
_NOT_NAMES = {
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "this", "that", "these", "those", "his", "her",
    "its", "their", "our", "there", "here", "but", "and", "or", "so", "yet", "in", "on", "at", "by", "for", "with",
    "from", "after", "before", "when", "while", "if", "as", "also", "mr", "mrs", "ms", "dr", "president", "rep", "sen",
    "gov", "sir", "chief", "inc", "corp", "co", "ltd", "plc", "company", "group",
}  # fmt: skip


@dataclass(frozen=True)
class ClaimScope:
    """What a figure is a quantity of, beyond its counted noun: its scope tags, qualifiers and time references."""

    scope: frozenset[str]
    qualifiers: frozenset[str]
    times: frozenset[str]
    predicate: frozenset[str] = frozenset()  # a share's first words after it ('were fully vaccinated')
    places: frozenset[str] = frozenset()  # the places the figure is of (FigureMention.places)
    acts: frozenset[str] = frozenset()  # a count's act classes (_ACT_CLASSES: 'were killed' -> death)
    where: frozenset[str] = frozenset()  # the words of a place phrase right after it ('in the province')
    names: frozenset[Name] = frozenset()  # the names of its holder or place (REFERENT_CUES of kind 'name')
    contrasts: frozenset[tuple[str, str]] = frozenset()  # (kind, word) of its other REFERENT_CUES ('term', '30-year')
    text: str = ""  # its sentence, lower-cased: where the other figure's referent is looked for
    subjects: frozenset[Name] = frozenset()  # the name of the subject that holds it (SUBJECT_CUES)


def _parts(fm: FigureMention) -> dict[Where, str]:
    """The places a cue is looked for: the clause before the figure, the figure from its number on, the clause after
    it, and the rest of the sentence after it."""
    before = _CLAUSE_BREAK.split(fm.sentence[: fm.start])[-1]
    after = _CLAUSE_BREAK.split(fm.sentence[fm.end :], maxsplit=1)[0]
    number = fm.sentence[number_start(fm) : fm.end]
    return {"before": before.rstrip(), "number": number, "after": after, "rest": fm.sentence[fm.end :]}


# A count written with a decimal point is a version or rating ('2.0 ports' of 'three USB 2.0 ports'), unless a scale
# word makes it a whole number ('2.5 million people').
_DECIMAL_COUNT = re.compile(r"\d+\.\d+(?!\d|\s*(?:hundred|thousand|million|billion|trillion)\b)", re.IGNORECASE)


def _is_count(fm: FigureMention) -> bool:
    """A figure counting a noun ('21 schoolgirls'), not an amount of a unit ('$5 million', '3 tons')."""
    return bool(fm.counts) and fm.unit == (fm.counts or "").lower()


def not_a_quantity(fm: FigureMention) -> str | None:
    """The name of the rule by which a figure is no quantity that sources could disagree about, or None."""
    parts = _parts(fm)
    for cue in CUES:
        if cue.means == NOT_A_QUANTITY and cue.pattern.search(parts[cue.where]):
            return cue.name
    if _is_count(fm) and fm.value is not None:
        if fm.value != int(fm.value) or _DECIMAL_COUNT.match(parts["number"]):
            return "fractional count"  # '5.50 update', 'three USB 2.0 ports': a count is a whole number
        head = (fm.counts or "").lower()
        if fm.value > 1 and singular(head) == head and head not in _UNMARKED_PLURALS:
            return "singular noun"  # '737 jet', 'a 10 point lead': the number names or sizes one thing
    return None


# A figure that follows another number in an enumeration ('six AK-47 rifles, 12 magazines and 300 rounds', '20
# points and eight rebounds', 'three women and six children'): the number before it, up to four words, then a
# comma, semicolon, 'and' or 'or'.
_LISTED = re.compile(
    r"(?:\d[\d,.]*\w*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|hundred|thousand|"
    r"million|billion))%?(?:\s+[\w'’-]+){0,4}\s*(?:[,;]\s*(?:and\s+|or\s+)?|\s(?:and|or)\s+)$",
    re.IGNORECASE,
)


def listed(fm: FigureMention) -> bool:
    """Whether a figure is listed after another in an enumeration: a detail of a list, not the main figure of its
    clause. Outlets list different details (two operations' seized arms, two players' rebounds), so a listed figure
    is not compared (benchmarks/conflicts.py)."""
    return bool(_LISTED.search(fm.sentence[: number_start(fm)]))


# An amount of two things together ('$334 million in cash and stock', '$50 million in loans and grants') is not the
# amount of one of them ('$281 million in cash'); 'in cash and 57 million shares' lists another figure instead.
_IN_ONE_THING = re.compile(r"\bin\s+[a-z-]+$", re.IGNORECASE)
_AND_ANOTHER_THING = re.compile(r"\s*and\s+[a-z-]+\b(?!\s+(?:of|in)\b)", re.IGNORECASE)


def claim_scope(fm: FigureMention) -> ClaimScope:
    """Scope tags, qualifiers and time references of a figure (see the module docstring)."""
    parts = _parts(fm)
    scope = frozenset(c.means for c in CUES if c.means != NOT_A_QUANTITY and c.pattern.search(parts[c.where]))
    if _IN_ONE_THING.search(parts["number"]) and _AND_ANOTHER_THING.match(parts["after"]):
        scope |= {"combined"}
    head = singular(fm.counts) if fm.counts else None
    inside = words(parts["number"])[1:]
    complement = words(re.split(r"\b(?:who|that|which|were|was|are|is|have|has|had)\b", parts["after"])[0])
    if not (complement[:1] == ["of"] and _is_count(fm)):
        complement = []
    qualifiers = frozenset(
        _stem(w)
        for w in inside + complement[:5]
        if w not in _QUALIFIER_STOP and w not in _NUMBER_WORDS and singular(w) != head and not w.isdigit()
        and w not in {"million", "billion"}
    )
    times = frozenset(_time_key(m.group()) for m in _TIME_RE.finditer(fm.sentence))
    predicate: frozenset[str] = frozenset()
    if fm.unit == "percent":  # '37% of adults were fully vaccinated' / '55% of adults have received one dose'
        first = words(parts["after"])[:_PREDICATE_WORDS]
        predicate = frozenset(_stem(w) for w in first if len(w) > 2 and w not in _PREDICATE_STOP)
    acts = _acts(parts) if _is_count(fm) else frozenset()
    names, contrasts = _referent(fm, parts)
    where = _where(fm.sentence[fm.end :])
    return ClaimScope(
        scope, qualifiers, times, predicate, fm.places, acts, where, names, contrasts, fm.sentence.lower(),
        _subjects(fm),
    )


def _subjects(fm: FigureMention) -> frozenset[Name]:
    """The name of the subject that holds a figure (``SUBJECT_CUES``), as its lower-cased words."""
    out: set[Name] = set()
    for cue in SUBJECT_CUES:
        m = cue.search(fm.sentence[: number_start(fm)])
        if m:
            said = words(m.group(1))  # "Lowe's" is 'lowe' ('s' would be found in any sentence)
            found = [w for w in said if len(w) > 1 and w not in _NOT_NAMES and w not in WEEKDAYS and w not in MONTHS]
            if found:
                out.add(tuple(found))
    return frozenset(out)


def _referent(fm: FigureMention, parts: dict[Where, str]) -> tuple[frozenset[Name], frozenset[tuple[str, str]]]:
    """The names and contrast words of a figure's referent (``REFERENT_CUES``)."""
    before = _CLAUSE_BREAK.split(fm.sentence[: fm.start])
    restated = before[-2] if len(before) > 1 and before[-1].strip().lower() == "or" else ""
    texts: dict[Part, str] = {
        "before": parts["before"], "after": parts["after"], "sentence": fm.sentence,
        "sentence before": fm.sentence[: fm.start], "restated": restated,
    }  # fmt: skip
    names: set[Name] = set()
    contrasts: set[tuple[str, str]] = set()
    for cue in REFERENT_CUES:
        for m in cue.pattern.finditer(texts[cue.part]):
            said, kind = m.group(m.lastindex or 1), cue.kind
            if cue.kind == "group":  # the verb is part of the kind: only groups of one verb are compared
                kind = f"group {_stem(m.group(1).lower())}"
            if cue.kind == "name":  # its capitalised words
                said = " ".join(re.findall(r"(?<![\w'’])[A-Z][\w&'’-]*", said))
            found = [w for w in words(said) if w not in _NOT_NAMES and w not in WEEKDAYS and w not in MONTHS]
            if cue.kind == "name":
                if found:
                    names.add(tuple(found))
            elif cue.kind == "term":
                contrasts.add((kind, said.lower()))
            else:
                stop = _QUALIFIER_STOP | _PREDICATE_STOP
                contrasts |= {(kind, _stem(w)) for w in found if len(w) > 2 and w not in stop and not w.isdigit()}
    return frozenset(names), frozenset(contrasts)


def _absent(word: str, text: str) -> bool:
    """Whether no word of ``text`` starts with ``word`` ('government' is in 'state governments')."""
    return re.search(rf"(?<!\w){re.escape(word)}", text) is None


def _other_referent(a: ClaimScope, b: ClaimScope) -> bool:
    """Whether ``a`` names a holder or place that ``b``'s sentence does not (fewer than half of its words there)."""
    return any(2 * sum(not _absent(w, b.text) for w in name) < len(name) for name in a.names)


def _other_subject(a: ClaimScope, b: ClaimScope) -> bool:
    """Whether both figures are held by a named subject and neither subject is named in the other's sentence."""
    return bool(a.subjects and b.subjects) and all(
        2 * sum(not _absent(w, other.text) for w in name) < len(name)
        for one, other in ((a, b), (b, a))
        for name in one.subjects
    )


def _contrast(a: ClaimScope, b: ClaimScope) -> bool:
    """Whether the two referents name, in words of one kind, each a word the other's sentence lacks ('30-year' /
    '10-year', 'finasteride' / 'placebo')."""
    for kind in {k for k, _ in a.contrasts} & {k for k, _ in b.contrasts}:
        ours = [w for k, w in a.contrasts if k == kind]
        theirs = [w for k, w in b.contrasts if k == kind]
        if any(_absent(w, b.text) for w in ours) and any(_absent(w, a.text) for w in theirs):
            return True
    return False


def _where(after: str) -> frozenset[str]:
    """The words of the place phrase right after a figure ('killed 170,000 people in the province', 'about 14 miles
    north of Healdsburg'), without stop words and numbers: empty when none follows it."""
    m = _WHERE.match(after)
    if m is None:
        m = _WHERE_AFTER_VERB.match(after)
        if m is None:
            return frozenset()
        names = " ".join(re.findall(r"(?<![\w'’])[A-Z][\w'’-]*", m.group(1)))
        return frozenset(_stem(w) for w in words(names) if w not in _NOT_NAMES)
    return frozenset(_stem(w) for w in words(m.group(1)) if w not in _QUALIFIER_STOP and not w[0].isdigit())


def _acts(parts: dict[Where, str]) -> frozenset[str]:
    """The act classes (``_ACT_CLASSES``) of the words next to a count."""
    before = words(parts["before"])[-_ACT_WORDS_BEFORE:]
    after = words(parts["after"])[:_ACT_WORDS_AFTER]
    return frozenset(_ACT_CLASSES[w] for w in before + after if w in _ACT_CLASSES)


def _stem(word: str) -> str:
    """'poorest', 'poorer' and 'poor' meet; 'states' and 'state' too."""
    return re.sub(r"(?:est|er|s)$", "", word) if len(word) > 4 else word


def _time_key(text: str) -> str:
    """'Sept.' and 'September' are one month; 'last  week' is 'last week'; a session is its first word ('afternoon
    trading' and 'afternoon New York Stock Exchange trade' are 'afternoon'; 'to close at', 'closed up': 'close')."""
    t = " ".join(text.lower().rstrip(".").split())
    if t in MONTHS:
        return t[:3]
    first = t.split()[0]
    if first in _CLOSE_WORDS:
        return "close"
    if re.search(r"(?:trading|trade|dealings|session|first hour)$", t):
        return first if first != "in" else "first hour"
    return t


def same_scope(a: ClaimScope, b: ClaimScope) -> bool:
    """Whether two figures of the same thing can be the same quantity: the same scope tags, qualifiers that share
    a word (or one figure has none), and the same time references (or none on one side)."""
    if a.scope != b.scope:
        return False
    if a.qualifiers and b.qualifiers and not a.qualifiers & b.qualifiers:
        return False
    if a.predicate and b.predicate and not a.predicate & b.predicate:
        return False
    if (a.acts or b.acts) and not a.acts & b.acts:
        return False  # 'six children were found alive' / 'killing four children': an act on one side only is enough
    if a.where and b.where and not a.where & b.where:
        return False  # 'killed 170,000 people in the province' / 'killed 230,000 people in 13 countries'
    if a.places and b.places and not a.places & b.places:
        return False  # Virginia's share of dry gas stations is not North Carolina's
    if _other_referent(a, b) or _other_referent(b, a) or _contrast(a, b) or _other_subject(a, b):
        return False  # IBM's share is not Microsoft's; the 30-year bond's yield is not the 10-year note's
    return not (a.times and b.times and a.times != b.times)
