"""Text helpers shared by the stages: normalisation, hashing, paragraphs and sentence segmentation."""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import unicodedata
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from .model import Article, EntSpan, Parse, Reading, Sentence
from .resources import get_nlp, load_nlp, load_parser
from .settings import AnalyzeSettings

log = logging.getLogger(__name__)

# Every Unicode space that is not a plain space or newline folds to a plain space.
_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_WORD = re.compile(r"\w+", re.UNICODE)


# UTF-8 read as Windows-1252 ('PeÃ±a' for 'Peña', 'rÃ©sumÃ©', 'Â£'): a lead byte C2-C3 shown as 'Â'/'Ã' and the
# continuation bytes 80-BF as the characters Windows-1252 (or, where it has none, Latin-1) gives them. Such a run
# is re-read as UTF-8; a run that does not decode stays as it is.
_CP1252_HIGH = "€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ"  # bytes 80-9F as Windows-1252 shows them
_MOJIBAKE = re.compile("(?:[ÂÃ][" + re.escape(_CP1252_HIGH) + "\u00a0-\u00bf])+")
_CP1252_BYTE = {ch: 0x80 + i for i, ch in enumerate(_CP1252_HIGH)} | {chr(b): b for b in range(0xA0, 0x100)}


def _unmojibake(m: re.Match[str]) -> str:
    try:
        return bytes(_CP1252_BYTE[ch] for ch in m.group()).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return m.group()


def repair_mojibake(text: str) -> str:
    """'Enrique PeÃ±a Nieto' -> 'Enrique Peña Nieto': Latin letters of UTF-8 text that was decoded as Windows-1252
    before it reached us (a feed or a scraper's mistake), see ``_MOJIBAKE``."""
    return _MOJIBAKE.sub(_unmojibake, text) if ("Ã" in text or "Â" in text) else text


# Archives and wire exports (LexisNexis, the NYT's own) write a quotation mark as two apostrophes or two backticks
# (''...'' and ``...''): read as marks, the quotes and the sentence ends inside them are found.
_TWO_MARK_QUOTE = re.compile(r"''|``")


# Two sentences glued by an extractor that dropped the break between two blocks ('the security forces.Video
# footage shows', 'policy.”Hundreds of'; 33 joins in 7 of the 181 article-extraction-benchmark pages): a word's end
# (two lower-case letters), a stop, maybe a closing curly quotation mark, then a capitalised word. Straight quotation
# marks are left alone (opening or closing, a space would go on the wrong side); abbreviations have no two
# lower-case letters before their stop ('U.S.Army' stays).
_GLUED_SENTENCES = re.compile(r"(?:(?<=[a-z]{2}[.!?])|(?<=[a-z]{2}[.!?][”’]))(?=[“‘]?[A-Z][a-z])")


def normalize_text(text: str) -> str:
    """NFC, mojibake of Latin letters repaired, two-apostrophe quotation marks made '"', odd spaces folded to ' ',
    zero-width characters dropped, sentences glued by an extractor parted, line ends unified, lines right-stripped."""
    text = repair_mojibake(unicodedata.normalize("NFC", text))
    text = _TWO_MARK_QUOTE.sub('"', text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    text = _GLUED_SENTENCES.sub(" ", text)
    text = "\n".join(re.sub(r" {2,}", " ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def fold_whitespace(text: str) -> str:
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """Lower-cased word tokens (Unicode-aware)."""
    return _WORD.findall(text.lower())


def content_hash(text: str) -> str:
    """Hash of the words of a text: equal for copies that differ only in case, punctuation or spacing. Read a
    megabyte at a time (cut at whitespace, so no word is split): a 200 MB text's word list took gigabytes."""
    digest = hashlib.sha1()
    sep, start = b"", 0
    while start < len(text):
        space = _SPACE.search(text, start + _HASH_CHUNK)
        end = space.end() if space else len(text)
        found = words(text[start:end])
        if found:
            digest.update(sep + " ".join(found).encode("utf-8"))
            sep = b" "
        start = end
    return digest.hexdigest()


_SPACE = re.compile(r"\s")
_HASH_CHUNK = 1 << 20


def stable_id(*parts: str | None, prefix: str = "", length: int = 16) -> str:
    digest = hashlib.sha1("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()
    return prefix + digest[:length]


def paragraphs(text: str) -> list[str]:
    """Paragraphs of a cleaned text (separated by blank lines)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


_TERMINAL = re.compile(r"[.!?…:;\"”’')\]]$")
_OPEN_QUOTES = '“"«„'
_CLOSE_QUOTES = '”"»“'


def looks_like_heading(paragraph: str) -> bool:
    """A short single line without sentence-final punctuation: a subheading, not a sentence."""
    p = paragraph.strip()
    if "\n" in p or not p:
        return False
    n_words = len(p.split())
    return n_words <= 14 and not _TERMINAL.search(p) and p[0].isupper()


_BOUNDARY = re.compile(r"[.!?…][\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|St|Jr|Sr|U\.S|U\.K|No|Inc|Corp|Co)\.$")


def _split_fallback(paragraph: str) -> list[tuple[int, int]]:
    """Sentence spans by regex: used without spaCy, and by copy detection."""
    parts: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        parts.append((start, match.end()))
        start = match.end()
    parts.append((start, len(paragraph)))
    out: list[tuple[int, int]] = []
    for a, b in parts:
        while a < b and paragraph[a].isspace():
            a += 1
        while b > a and paragraph[b - 1].isspace():
            b -= 1
        if out and _ABBREV.search(paragraph[out[-1][0] : out[-1][1]]):
            out[-1] = (out[-1][0], b)
        elif b > a:
            out.append((a, b))
    return out


def _quote_balance(text: str) -> int:
    """Open minus closed curly/straight double quotes (straight quotes alternate)."""
    opens = text.count("“") + text.count("«")
    closes = text.count("”") + text.count("»")
    straight = text.count('"')
    return opens - closes + (straight % 2)


def is_tail(text: str) -> bool:
    """The tail of a split quotation or sentence: starts in lower case or with closing punctuation."""
    t = text.strip()
    return t[:1].islower() or t[:1] in "”’…,;:-–—" or t.startswith(("...", "“…", '"…'))


# A single quotation mark that opens a quote (after a space or a dash, before a letter: "says, 'Meth.") and one
# that may close it (after a word or a stop, before a space or a stop). An apostrophe ('We're', "aides' plans",
# 'the '90s') opens nothing; a possessive that looks like a close only makes the check more lenient.
_SINGLE_OPEN = re.compile(r"(?:^|[\s(\[—–-])['‘](?=[A-Za-z])")
_SINGLE_CLOSE = re.compile(r"(?<=[\w.,!?])['’](?=[\s.,;:!?)\]—–-]|$)")


def unbalanced_quotes(text: str) -> bool:
    """Quotation marks that do not pair up: a quote the source left open, or half of one (a sentence splitter cut
    "South Dakota says, 'Meth. We're on it.'" after 'Meth.')."""
    if text.count("“") + text.count("«") != text.count("”") + text.count("»") or text.count('"') % 2 == 1:
        return True
    opened = _SINGLE_OPEN.search(text)
    return bool(opened) and not _SINGLE_CLOSE.search(text, opened.end())


_TRUNCATED = re.compile(r"(?:\.\.\.|…)[\"”’')\]]*$")


def is_truncated(text: str) -> bool:
    """A sentence cut off by its source: it ends in an ellipsis ('Senate...', 'she added in the letter,...'), as
    excerpts, teasers and feed summaries do."""
    return bool(_TRUNCATED.search(text.strip()))


# Page furniture: lines of a page's layout that reach an article's text (gallery counters, photo captions and
# credits, buttons, section labels). The cleaner removes a short line matching one of these patterns (whole line,
# case-insensitive) as page chrome; a sentence matching one that survives cleaning is never a fact nor a summary
# sentence. One named pattern per row, so a new kind is one line, in one table.
FURNITURE: tuple[tuple[str, str], ...] = (
    ("gallery caption", r"(?:hide|show|view|expand|close) caption"
     r"(?:\s+\d+\s+of\s+\d+(?:\s+(?:photos?|images?|slides?))?)?"),
    ("gallery counter", r"(?:(?:photo|image|picture|slide)s?\s+)?\d+\s+(?:of|/)\s+\d+"
     r"(?:\s+(?:photos?|images?|slides?|pictures?))?"),
    ("photo credit", r"\(?(?:photo|photograph|image|picture|pictured|video|graphic|illustration)s?(?:\s+credit)?"
     r"\s*(?:[:|]|by)\s*[^.!?]{1,80}?(?:/|\b(?:getty|images?|reuters|afp|ap|epa|shutterstock|courtesy|file|pool)\b)"
     r"[^.!?]{0,40}\)?"),
    ("photo credit", r"[^.!?]{1,60}/\s*(?:getty images|afp|reuters|ap|epa|shutterstock|afp via getty images)\)?"
     r"|\(?(?:ap|afp|reuters|epa)\s+photos?\s*/\s*[^.!?]{1,40}"),
    ("button", r"(?:close|close x|x|×|✕|✖|open|expand|collapse|toggle|back to top|skip to (?:main )?content"
     r"|skip ad|skip advertisement|replay|play video|watch video|watch live|listen live|mute|unmute|load more"
     r"|show more|see more|click to tweet|tweet this)"),
    ("section label", r"(?:[\w.&'’-]+\s*[|/>»›•·]\s*){0,3}"
     r"(?:news|world|u\.?s\.?|us|uk|politics|business|markets|money|economy|tech|technology|science|health|sports?|opinion|opinions|analysis|entertainment|culture|arts|lifestyle|style"
     r"|travel|food|weather|local|national|international|europe|asia|americas|africa|middle east|australia|china"
     r"|india|top stories|latest news|breaking news|live|live updates|exclusive|editorial|commentary|features?"
     r"|investigations?|video|videos|photos|gallery|podcasts?|education|climate|environment|crime|justice|media)"),
    ("gallery counter", r"(?:hide|show|expand|close)?\s*caption\s*\d+\s*(?:of|/)\s*\d+(?:\s*photos?)?"),
    ("gallery counter", r"(?:photo|image|picture|slide)s?\s*\d+\s*(?:of|/)\s*\d+"),
    ("caption button", r"(?:hide|show|expand|close)\s+caption"),
    ("gallery label", r"(?:photos?|images?|pictures?|gallery|video|watch|listen|audio)\s*:?"),
    ("gallery label", r"(?:photos?|in pictures|gallery|video)\s*:.{0,80}"),
    ("button", r"(?:close|open|menu|share|share this|print|email|comments?|read more|see more|more|advertisement|"
     r"skip advertisement|sign up|subscribe|continue reading|back to top|next|previous|play|replay|enlarge this "
     r"image|toggle caption|loading)[.:…]*"),
    ("credit", r"(?:photo|image|picture|video|graphic|illustration)s?\s*(?:credit)?\s*(?:by|:)\s*.{0,80}"),
    ("credit", r".{0,120}\((?:photo|image|picture)\s*(?:by|:|credit)[^)]{0,80}\)\.?"),
    ("credit", r".{0,160}(?:getty images|/\s*getty|\bAFP via getty|\bAP photo|/\s*AP\b|/\s*reuters\b|/\s*AFP\b|"
     r"shutterstock|\bEPA-EFE\b|pool photo)\s*\)?\.?"),
    ("section label", r"(?:related|related coverage|related articles?|more on this story|more from [\w ]{1,30}|"
     r"recommended|trending|most read|latest|top stories|opinion|analysis|breaking news|live updates?|"
     r"what we know|read next|also read|see also|editor'?s note)\s*[:|]?"),
    ("section label", r"(?:related|read more|see also|also read|more)\s*:.{0,120}"),
    # a related link: 'Also on rt.com Kanye West claims he's tried to divorce ...' (a site's name, then a headline)
    ("related link", r"(?:also on|more on|read more on|more from|also from)\s+[\w-]+(?:\.[\w-]+)+\s+\S.{5,200}"),
    # a wire photo's caption: 'Crews bring down the rest of the tower, late Sunday, July 4, 2021, in Surfside, Fla.'
    # (a weekday, month, day and year set off by commas, then where; prose says 'on Sunday')
    ("photo caption", r"[^!?]{10,300}?,\s+(?:(?:early|late)\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day,\s+"
     r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},\s+(?:19|20)\d\d,?\s+"
     r"(?:in|at|near|outside|inside|on)\s+[^!?]{2,120}"),
    # a time stamp alone: 'Aug. 05, 2013 | 2:47 p.m.', 'Updated 3:15 PM ET, Mon December 3, 2012', 'Posted:
    # 12/03/2012 10:15 am' (a date, a clock time, their labels and separators, nothing else)
    ("time stamp", r"(?=.*\d)(?:(?:last\s+)?(?:updated|posted|published|modified|first published|created)"
     r"(?:\s+on|\s+at)?\s*:?\s*)?(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
     r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"
     r"|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(?:19|20)\d\d"
     r"|\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d\d)?"
     r"(?:\s*[|,•·-]?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*(?:a\.?\s?m\.?|p\.?\s?m\.?))?(?:\s*(?:[a-z]{2,4}|gmt|utc))?)?"
     r"(?:\s*[|,•·-]?\s*(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
     r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+(?:19|20)\d\d)?"),
)
_FURNITURE = re.compile("|".join(f"(?:{pattern})" for _, pattern in FURNITURE), re.IGNORECASE)

# Promotion of the site itself, found anywhere in a short line ('Chat with us in Facebook Messenger. Find out what's
# happening in the world as it unfolds.'): removed like chrome, and never evidence that two articles are copies.
PROMO_PATTERNS: tuple[tuple[str, str], ...] = (
    ("contact us", r"\b(?:chat with us (?:on|in|via)|message us (?:on|in|via)|contact us (?:at|on|via|today)"
     r"|send us (?:a|your) (?:news )?(?:tip|message)s?)\b"),
    ("follow us", r"\b(?:follow us|like us|find us|join us|connect with us) on (?:facebook|twitter|x|instagram"
     r"|linkedin|youtube|tiktok|telegram|whatsapp|social media)\b"),
    ("newsletter", r"\b(?:sign up for (?:our|the|a) [\w\s]{0,30}newsletters?|subscribe to (?:our|the) [\w\s]{0,30}"
     r"(?:newsletters?|channel|podcast)|get (?:our|the) [\w\s]{0,20}(?:newsletter|briefing) (?:in|delivered))"),
    ("app", r"\b(?:download (?:our|the) [\w\s]{0,20}app|get (?:our|the) [\w\s]{0,20}app|available on the app store)"),
    ("like the page", r"\blike (?:the|our|this) (?:facebook )?page\b"),
    ("let us know", r"\b(?:leave a comment and let us know|let us know in the comments)\b"),
    # the writer's contact line at the foot of a story ('Amy Roe may be reached at aroe@example.com. Follow her on
    # Twitter @AmyRoe.')
    ("writer's contact", r"\b(?:may|can) be reached at\s+\S+@|(?:^|[.!?]\s+)follow (?:him|her|them) on (?:twitter"
     r"|facebook|instagram|x)\b"),
    ("deals", r"\b(?:price guides?\b.{0,60}\bfor the (?:latest|best|lowest) (?:deals|prices)"
     r"|for the (?:latest|best|lowest) (?:deals|prices) (?:on|and)\b)"),
    ("click here", r"^\W*click here\b"),
    ("subscription", r"\bdelivered (?:to|through) your (?:door|doorstep|letterbox|letter box|mailbox|inbox)\b"),
    ("site slogan", r"\b(?:find out what's happening in the world as it unfolds|share this (?:story|article|page)"
     r"|support (?:our|independent|local) journalism)\b"),
    # The comment form's heading in the languages of _UI_WORDS (and cs, ja, zh): the whole line, so a sentence that
    # says 'declined to add a comment' stays
    ("comment form", r"^\W*(?:leave a (?:reply|comment)|post a comment|add a comment|write a comment"
     r"|(?:einen )?kommentar (?:schreiben|hinterlassen|verfassen)|schreibe einen kommentar"
     r"|deja (?:una respuesta|un comentario)|dejar un comentario|laisser un commentaire|laissez un commentaire"
     r"|lascia un commento|deixe (?:um comentário|uma resposta)|laat een reactie achter|zostaw (?:komentarz|odpowiedź)"
     r"|napsat komentář|přidat komentář|оставить комментарий|оставьте комментарий|добавить комментарий"
     r"|залишити коментар|залиште коментар|додати коментар|コメントを(?:書く|残す|投稿)|发表评论|留下评论)"
     r"\W*$"),
)
PROMOTION = re.compile("|".join(f"(?:{p})" for _, p in PROMO_PATTERNS), re.I)
"""Any row of :data:`PROMO_PATTERNS`, searched anywhere in a line."""


# Labels a newsroom puts at the head of a paragraph ('Why it matters: The move will...', Axios' house style): a
# sentence that opens with one is shown without it. Matched case-sensitively, followed by a colon.
LEAD_IN_LABELS: tuple[str, ...] = (
    "Why it matters", "Driving the news", "Between the lines", "State of play", "The big picture", "Zoom in",
    "Zoom out", "Go deeper", "The bottom line", "Bottom line", "What they're saying", "What they’re saying",
    "What we're watching", "What we’re watching", "By the numbers", "Yes, but", "What's next", "What’s next",
    "Flashback", "Catch up quick", "The backstory", "Be smart", "Reality check", "Our thought bubble",
    "The intrigue", "Where it stands", "The latest", "Details", "Context", "Key quote", "The other side",
)  # fmt: skip
_DATELINE = re.compile(
    r"^(?:\((?:CNN|AP|AFP|Reuters|UPI|dpa|Bloomberg)\)\s*[-—–]*\s*"
    r"|[A-Z][\w.]+(?:,?\s[A-Z][\w.]+){0,3}\s?\((?:CNN|AP|AFP|Reuters|UPI|dpa|Bloomberg)(?:\s[A-Z]\w+)?\)\s*[-—–]*\s*"
    r"|(?:VIDEO|WATCH|UPDATE|UPDATED|BREAKING|EXCLUSIVE|LIVE)\s*:\s*"
    r"|(?:" + "|".join(re.escape(label) for label in LEAD_IN_LABELS) + r")\s*:\s*"
    r"|[A-Z][A-Z'’.-]+(?:\s[A-Z][A-Z'’.-]+){0,3}(?:,\s[A-Z][\w.]+(?:\s(?:[A-Z][\w.]+|\d{1,2}))?){0,2}"
    r"(?:\s*\([^)]{1,30}\))?\s*[—–-]{1,2}\s*)"
)

def strip_dateline(text: str) -> str:
    """'WASHINGTON (Reuters) - The...' -> 'The...'; '(CNN)Stabbings...' -> 'Stabbings...'; 'VIDEO: ...' -> '...';
    'Why it matters: The...' -> 'The...' (:data:`LEAD_IN_LABELS`). How a summary or a fact shows a sentence.

    What remains is still a verbatim part of the article; nothing is stripped when the rest would not start a
    sentence."""
    m = _DATELINE.match(text)
    if not m:
        return text
    rest = text[m.end() :]
    return rest if rest and (rest[:1].isupper() or rest[:1] in '"“‘') else text


def is_furniture(text: str) -> bool:
    """A line of the page's layout, not of the article ('Hide Caption 24 of 25 Photos', 'Photos:', 'CLOSE',
    'Related:', '(Photo by X/Getty Images)': see :data:`FURNITURE`), a row of a table ('1 | Kyle Busch | 5040 | 5'),
    or a sentence of the site's promotion of itself that the cleaner left inside a longer paragraph ('Sign up for
    the free daily newsletter.', :data:`PROMO_PATTERNS`): never a fact nor a summary sentence."""
    t = text.strip()
    return bool(_FURNITURE.fullmatch(t)) or t.count("|") >= 2 or bool(PROMOTION.search(t))


# An opinion piece (a column, an editorial) argues; its title ('Why Beijing will bring slaughter to Hong Kong', 'Royal
# Self-Indicting Arrogance') is no neutral headline for the story while a report's title is there, and its
# sentences are verdicts, not reports. Told by the section its address names, or by the label its title carries.
# Tables, matched on the URL path's segments and on the title.
OPINION_SECTIONS = frozenset(
    {"opinion", "opinions", "commentisfree", "columnists", "columnist", "columns", "column", "editorial",
     "editorials", "op-ed", "op-eds", "oped", "commentary", "perspectives", "voices", "ideas"}
)  # fmt: skip
OPINION_SLUG_PREFIXES = ("opinion-", "op-ed-", "oped-", "editorial-", "commentary-")
"""How a segment of a page's path opens when it names the page an opinion piece ('/news/opinion-the-second-...')."""
OPINION_LABEL = re.compile(
    r"^(?:opinion|editorial|commentary|column|op-ed)\s*[|:]|\|\s*(?:opinion|editorial|commentary)\s*$"
    r"|^the [\w ]{1,40} view on\b",
    re.IGNORECASE,
)


# A title that argues rather than reports: an order to the reader ('Stop listening to the CDC', 'Don't Kill Remote
# Learning'), a retort ('No, Delta doesn't mean...'), a 'Why ...' explainer, or a 'should'/'must' of the writer's
# own (no one is said to say it, no 'CDC:' names whose it is). Written reading the AllSides crawl's titles, whose
# labels (benchmarks/opinion.py) it then matched in 10 more OPINION pieces than the addresses do, 7 ANALYSIS, 2 FACT
# CHECK and none of the 1,228 reports; then read on NeuS' 8,277 titles: of the 76 it matches, about 6 are reports
# ('Why Kyle Rittenhouse Faces No Charges ...'), the rest columns, explainers and fact checks.
ARGUMENT_TITLE = re.compile(
    # no one is said to say it ('Don't censor Trump, top House Republican says' reports)
    r"^(?!.*\b(?:says?|said|saying|urges?|asks?|asking|argues?|claims?|thinks?|tells?|warns?|wants?|believes?"
    r"|insists?|rules?|ruled|orders?|ordered|suggests?|suggested)\b)"
    r"(?:(?:stop|don[’']t|do not|defend|let[’']s|forget|quit|abolish|ignore|listen|dump|ditch|remember)(?![\w-])"
    r"|(?:no|yes|sorry)[,:.!]\s"
    r"|why\b"
    # the modal neither quoted, nor asked, nor someone's ('CDC: ... should'), nor 'who should' / 'whether ... should'
    r"|(?![^:]*:)(?![^?]*\b(?:who|whether)\b[^?]*\b(?:should|must)\b)[^'‘“\"?]*"
    r"\b(?:should|must(?![- ](?:win|see|read|have|watch))|ought to)\b)",
    re.IGNORECASE,
)


def argues(article: Article) -> bool:
    """Whether the article argues rather than reports: an opinion piece (:func:`is_opinion`), or a title of
    :data:`ARGUMENT_TITLE` (an analysis or a fact check argues too). Its title heads no story that has a report's,
    and its sentences weigh less in a neutral summary; only :func:`is_opinion` labels a page 'opinion'."""
    return is_opinion(article) or bool(article.title and ARGUMENT_TITLE.search(article.title.strip()))


# The writer speaking as 'I' outside any quotation ('As I explained last night, ...', 'The Games, I'm afraid, ...'):
# a column's or a review's voice, not a report. 'I' after a capitalised word is a numeral ('World War I', 'Title I').
_NUMBERED = frozenset({"Title", "Phase", "Class", "Type", "Stage", "Level", "Grade", "Chapter", "Part", "Section",
                       "Article", "Book", "Volume", "Act", "Division", "Category", "War", "Schedule", "Tier"})
_FIRST_PERSON = re.compile(r"\b(?:I(?:[’'](?:m|ve|d|ll))?(?![\w’'.-])|[Mm]y\b|me\b)")


# Names that end in an exclamation mark: a sentence ending with one exclaims nothing ('... reports Yahoo!').
_BANG_NAME = re.compile(r"\b(?:Yahoo|Jeopardy|Democracy Now|Hello|oOh|Wham|Oklahoma|Mamma Mia|Yum)!\W*$")


def writer_voice(text: str) -> bool:
    """Whether a sentence speaks in the writer's first person, before any quotation mark, or exclaims outside any
    quotation ('Obama Administration Restores Endangered Species Act Protections!' opened a summary of ECB+)."""
    head = re.split(r"[“”\"]", text, maxsplit=1)[0]
    if head == text and text.rstrip(" )]’'").endswith("!") and not _BANG_NAME.search(text):
        return True
    for m in _FIRST_PERSON.finditer(head):
        before = head[: m.start()].split()
        numeral = (
            m.group() == "I" and bool(before) and before[-1][:1].isupper() and before[-1][-1] not in ",;:"
            and (len(before) > 1 or before[-1] in _NUMBERED)
        )  # fmt: skip
        if not numeral:
            return True
    return False


def is_opinion(article: Article) -> bool:
    """Whether the article is an opinion piece, by its address's section or its title's label."""
    path = urlsplit(article.url).path.lower() if article.url and "://" in article.url else ""
    segments = [p for p in path.split("/") if p]
    if OPINION_SECTIONS & set(segments) or any(p.startswith(OPINION_SLUG_PREFIXES) for p in segments):
        return True
    return bool(article.title and OPINION_LABEL.search(article.title.strip()))


# A quotation: from an opening mark to its closing one, or to the end of a sentence its source cut off ('...,
# according to the opinion, "Treasury must furnish...').
_QUOTED = re.compile(r"[“\"«]([^”\"»]*)(?:[”\"»]|$)")


def quoted_share(text: str) -> float:
    """Share of a sentence's words inside quotation marks."""
    total = len(text.split())
    if not total:
        return 0.0
    inside = sum(len(m.group(1).split()) for m in _QUOTED.finditer(text))
    return min(1.0, inside / total)


# Advice to the reader ('Don't wear a mask.', 'Please check with your doctor.'): an explainer's instruction, not a
# report; unquoted, at the start ('Never urged Ukraine to ...' is a list of a testimony's points, so 'never' is not
# one; nor is a participle: 'Always wanting more, ...').
_ADVICE = re.compile(
    r"^(?:don[’']t|do not|please|always)\s+(?!\w+ing\b)[a-z]"
    # an order opening the sentence: a verb of instruction, then what it acts on ('Apply the fix ...', 'Wear a
    # mask.', 'Check out some notes ...', 'Take your pick.'); 'Share prices fell' or 'Check fraud rose' go on with
    # a noun, so they are no order
    r"|^(?:apply|ask|avoid|book|bring|buy|call|check|click|consider|consult|contact|download|enter|find|follow|"
    r"get|give|go|imagine|install|join|keep|learn|let|listen|look|make|note|protect|read|register|remember|see|"
    r"seek|send|share|sign|start|stay|stop|subscribe|take|tell|test|try|turn|update|use|visit|wash|watch|wear)"
    r"\s+(?:the|a|an|your|our|this|these|those|that|it|them|us|me|him|her|out|up|more|here|back|on|off|sure|"
    r"advantage|care|note|for|to)\b|^(?:take|let|imagine|consider|note|remember)\s*,",
    re.IGNORECASE,
)

# ... unless someone is said to say it: 'Don't panic, the mayor said.', 'Please leave now, police told residents.'
_ADVICE_SAID = re.compile(
    r"[,;—–-]\s+(?:[\w’'.-]+\s+){1,5}(?:said|says|told|tells|added|urged|urges|warned|warns|wrote|writes)\b[^,;]{0,60}"
    r"[.!?]$"
)


def is_advice(text: str) -> bool:
    """A sentence that tells the reader what to do: no fact to corroborate nor to call one outlet's own."""
    t = text.strip()
    return bool(_ADVICE.match(t)) and not _ADVICE_SAID.search(t)


def is_question(text: str) -> bool:
    """A sentence that asks (its last mark before closing quotes or brackets is '?'): it reports nothing."""
    return text.rstrip("\"”’') ").endswith("?")


def is_broken(text: str) -> bool:
    """A sentence no summary or fact list should show when there is another: the tail of a split quotation, one
    whose quotation marks do not pair up (a reader cannot tell where the quote ends or who speaks), or one cut off
    by its source."""
    return is_tail(text) or unbalanced_quotes(text) or is_truncated(text)


# A sentence that ends in an attribution ('…, Blinken told reporters.', '…, he said.', '…, said Mr Roe.') has said
# all it quotes, even when its closing mark was lost in scraping ('sets out “a serious path, Blinken said.').
_ATTRIBUTION_END = re.compile(
    r"[,;—–-]\s+(?:(?:[A-Z][\w’'.-]*|he|she|they|we|I)\s+){1,5}"
    r"(?:said|says|told|tells|added|adds|stated|wrote|writes|explained|noted|insisted|warned|declared|argued|"
    r"continued|asked|replied|recalled|acknowledged|announced)\b[^“”\",]{0,60}[.!?]$"
    r"|[,;—–-]\s+(?:said|says|added|adds|wrote|writes|explained|noted|insisted|warned|declared|argued|continued|"
    r"asked|replied)\s+(?:[A-Z][\w’'.-]*\s*){1,5}[^“”\",]{0,60}[.!?]$"
)


# Lower-case words that start a name, so may start a sentence ('de Blasio said ...').
_LOWER_NAME_STARTS = frozenset({"de", "van", "von", "der", "al", "el", "da", "di", "du", "la", "le", "bin", "ibn"})


def _join_false_breaks(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a sentence to the one before when it starts with a lower-case word: the tagger cut after an
    abbreviation ('... Sen. Bernie Sanders (I-Vt.) | during the 2020 campaign, looks ...'). A word with a capital
    inside ('iPhone', 'eBay') or a name particle ('de Blasio') starts a sentence."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        first = text[start:end].split(maxsplit=1)
        word = first[0] if first else ""
        continues = word[:1].islower() and word == word.lower() and word.strip(".,'’") not in _LOWER_NAME_STARTS
        if out and continues:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _merge_open_quotes(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a sentence that opens a quotation with the following ones until it is closed, so that
    '“We are open. We prefer diplomacy,” he said.' stays one sentence (at most 3 joins, to survive typos); a
    sentence that ends in an attribution closes it anyway."""
    out: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None
    joins = 0
    for start, end in spans:
        if pending is None:
            pending, joins = (start, end), 0
        else:
            pending, joins = (pending[0], end), joins + 1
        if (
            _quote_balance(text[pending[0] : pending[1]]) <= 0
            or joins >= 3
            or _ATTRIBUTION_END.search(text[start:end])
        ):
            out.append(pending)
            pending = None
    if pending is not None:
        out.append(pending)
    return out


# One spaCy pass per paragraph (tok2vec, tagger, senter, ner) serves every stage that reads language: sentences
# here, entities and quotes (entities.recognize), names and figures of sentences (analyze). Readings are cached,
# bounded, least recently used out: a story's paragraphs are read once while it is analyzed.
_readings: OrderedDict[str, Reading] = OrderedDict()
_sentence_at: OrderedDict[str, tuple[Reading, int, int]] = OrderedDict()
_readings_lock = threading.Lock()
_ANALYZE = AnalyzeSettings()
READING_CACHE_PARAGRAPHS = _ANALYZE.ner_cache_paragraphs

# spaCy runs on one core. A large batch of paragraphs is shared out to worker processes, one per core, forked
# from this one so that they start at once with the model already loaded. Forked, not spawned: a spawned worker
# imports the caller's main module again, which re-runs any script without an ``if __name__ == "__main__"`` guard.
# The workers only run spaCy; onnxruntime's threads, the one thing here that forking could upset, are idle
# (never spinning, see resources.OnnxMiniLM) and never used in a worker. The pipeline starts them before it loads
# its indexes (``start_workers``), while this process is small: a worker's memory is then the model and its own
# work, and freezing what it inherited keeps its garbage collector from copying the parent's pages.
_pool: ProcessPoolExecutor | None = None
_pool_workers = 0
_pool_lock = threading.Lock()


def spacy_workers() -> int:
    """How many processes read large batches: ``TIDINGS_SPACY_WORKERS``, else the setting (0 = one per core)."""
    env = os.environ.get("TIDINGS_SPACY_WORKERS", "")
    workers = int(env) if env.isdigit() else _ANALYZE.spacy_workers
    return workers or os.cpu_count() or 1


PARENT_POLL_SECONDS = 0.5
"""How often a worker checks that its parent is alive (the portable half of :func:`_die_with_parent`)."""
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent(parent: int, forked_by_main_thread: bool) -> None:
    """End this worker when the process ``parent`` ends, however it ends (SIGKILL included): a killed run must not
    leave its workers (230 MB each) behind.

    On Linux the kernel sends SIGKILL on the parent's death (``prctl(PR_SET_PDEATHSIG)``); it fires when the
    *thread* that forked the worker ends, so only when that was the main thread (a server may start the pool from
    a request thread that ends early). Everywhere, a daemon thread polls ``os.getppid()``: the worker is
    re-parented when its parent dies."""
    if forked_by_main_thread and sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError) as exc:  # no prctl here: the watch thread does the job
            log.debug("prctl(PR_SET_PDEATHSIG) unavailable: %s", exc)
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)  # no cleanup to do: the worker holds nothing but the model and its current chunk

    threading.Thread(target=watch, name="tidings-parent-watch", daemon=True).start()


def _worker_init(parent: int, forked_by_main_thread: bool) -> None:
    gc.freeze()  # what the worker inherited is never collected here: its pages stay shared with the parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops the workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's handler (cli.py) is not the worker's
    _die_with_parent(parent, forked_by_main_thread)


def _read_in_worker(texts: list[str]) -> list[Reading]:
    nlp = load_nlp()
    if nlp is None:
        raise RuntimeError("spaCy model unavailable in the worker process")
    return _read(nlp, texts)


def _reader_pool(workers: int) -> ProcessPoolExecutor:
    global _pool, _pool_workers
    with _pool_lock:
        if _pool is None or _pool_workers != workers:
            if _pool is not None:
                _pool.shutdown(cancel_futures=True)
            fork = multiprocessing.get_context("fork")
            # the pool forks its workers from the thread that submits first: this one (start_workers)
            main = threading.current_thread() is threading.main_thread()
            _pool = ProcessPoolExecutor(
                workers, mp_context=fork, initializer=_worker_init, initargs=(os.getpid(), main)
            )
            _pool_workers = workers
        return _pool


def start_workers() -> None:
    """Start the spaCy worker processes now, if large batches will use them (spaCy installed and on, more than one
    worker), rather than at the first large batch."""
    workers = spacy_workers()
    if workers < 2 or get_nlp() is None:
        return
    pool = _reader_pool(workers)
    for done in [pool.submit(os.getpid) for _ in range(workers)]:  # a fork-context pool forks on first use
        done.result()


def stop_workers(now: bool = False) -> None:
    """Stop the spaCy worker processes (they also stop when this process exits, however it exits). ``now``: kill
    them without waiting for the chunks they are reading (an interrupted run)."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            if now:
                # the executor has no public way to end busy workers (Python 3.14 adds terminate_workers)
                for process in list(getattr(_pool, "_processes", {}).values()):
                    process.kill()
            _pool.shutdown(cancel_futures=True)
            _pool = None


def _read_many(nlp: Any, texts: list[str]) -> list[Reading]:
    """``_read`` over worker processes when the batch is large enough to pay for it; in this process otherwise,
    or when the workers fail (the run goes on, slower)."""
    workers = spacy_workers()
    if workers < 2 or len(texts) < _ANALYZE.spacy_parallel_min_paragraphs:
        return _read(nlp, texts)
    # several chunks per worker so that a chunk of long paragraphs does not leave the other worker idle
    size = max(_ANALYZE.ner_batch_size, -(-len(texts) // (4 * workers)))
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    try:
        read = [r for part in _reader_pool(workers).map(_read_in_worker, chunks) for r in part]
    except Exception as exc:  # a broken pool must not stop a run
        log.warning("spaCy worker processes failed (%s); reading in this process", exc)
        stop_workers()
        return _read(nlp, texts)
    # tags crossed a process boundary as new strings: intern them again (thousands of readings stay cached)
    return [Reading(r.text, r.sentences, r.offsets, tuple(sys.intern(t) for t in r.tags), r.ents) for r in read]


def _pieces(text: str, cap: int) -> list[tuple[int, str]]:
    """A paragraph cut into pieces of at most ``cap`` characters, at sentence ends when there are any (else at
    spaces, else anywhere), each with its offset: spaCy refuses texts over its ``max_length`` and its memory grows
    with a text's length."""
    out: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > cap:
        window = text[start : start + cap]
        cut = max((m.end() for m in _PIECE_BREAK.finditer(window)), default=0)
        if cut < cap // 4:
            cut = window.rfind(" ") + 1 or cap
        out.append((start, text[start : start + cut]))
        start += cut
    out.append((start, text[start:]))
    return out


_PIECE_BREAK = re.compile(r"[.!?…][\"”’)]*\s+")


def _joined(text: str, parts: list[tuple[int, Reading]]) -> Reading:
    """One reading of ``text`` from the readings of its pieces (offsets shifted by each piece's start)."""
    return Reading(
        text,
        tuple((a + at, b + at) for at, r in parts for a, b in r.sentences),
        array("I", [x + at for at, r in parts for x in r.offsets]),
        tuple(t for _, r in parts for t in r.tags),
        tuple(EntSpan(e.start + at, e.end + at, e.label, e.text) for at, r in parts for e in r.ents),
    )


def _read(nlp: Any, texts: list[str]) -> list[Reading]:
    """spaCy's reading of each text; a text longer than ``spacy_max_chars`` is read in pieces cut at sentence ends
    and joined again, so no paragraph can make spaCy fail or its memory run away."""
    cap = _ANALYZE.spacy_max_chars
    if all(len(t) <= cap for t in texts):
        return _read_short(nlp, texts)
    pieces = [_pieces(t, cap) for t in texts]
    flat = _read_short(nlp, [piece for ps in pieces for _, piece in ps])
    out, k = [], 0
    for text, ps in zip(texts, pieces, strict=True):
        out.append(_joined(text, [(at, flat[k + n]) for n, (at, _) in enumerate(ps)]))
        k += len(ps)
    return out


def _read_short(nlp: Any, texts: list[str]) -> list[Reading]:
    out = []
    for doc in nlp.pipe(texts, batch_size=_ANALYZE.ner_batch_size):
        sentences = []
        for sent in doc.sents:
            start, end = sent.start_char, sent.end_char
            while start < end and doc.text[start].isspace():
                start += 1
            while end > start and doc.text[end - 1].isspace():
                end -= 1
            if end > start:
                sentences.append((start, end))
        tokens = [t for t in doc if not t.is_space]
        out.append(
            Reading(
                doc.text,
                tuple(sentences),
                array("I", [x for t in tokens for x in (t.idx, t.idx + len(t.text))]),
                tuple(sys.intern(t.tag_) for t in tokens),
                tuple(EntSpan(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents),
            )
        )
    return out


def clear_readings() -> None:
    """Forget every cached reading (benchmarks time spaCy from a cold start)."""
    with _readings_lock:
        _readings.clear()
        _sentence_at.clear()
        _parses.clear()


def read_paragraphs(texts: list[str]) -> list[Reading] | None:
    """spaCy's reading of each paragraph (cached), or None without spaCy."""
    nlp = get_nlp()
    if nlp is None:
        return None
    return _cached(_readings, texts, lambda todo: _read_many(nlp, todo))


def _cached(cache: OrderedDict[str, Any], texts: list[str], compute: Callable[[list[str]], list[Any]]) -> list[Any]:
    """Each text's value from ``cache`` (least recently used first out, at most ``READING_CACHE_PARAGRAPHS``), the
    missing ones computed in one call and kept."""
    found: dict[str, Any] = {}
    with _readings_lock:
        for t in texts:
            hit = cache.get(t)
            if hit is not None:
                cache.move_to_end(t)
                found[t] = hit
    todo = list(dict.fromkeys(t for t in texts if t not in found))
    if todo:
        new = dict(zip(todo, compute(todo), strict=True))
        found.update(new)
        with _readings_lock:
            cache.update(new)
            while len(cache) > READING_CACHE_PARAGRAPHS:
                cache.popitem(last=False)
    return [found[t] for t in texts]


_parses: OrderedDict[str, Parse] = OrderedDict()


def parse_paragraphs(texts: list[str]) -> list[Parse] | None:
    """The dependency parse of each paragraph (cached like readings, bounded), or None without spaCy's parser.
    Only quote attribution asks for it, and only for articles with quotations: the parser is the slowest part of
    spaCy's pipeline and the reading pass leaves it out."""
    nlp = load_parser() if get_nlp() is not None else None
    if nlp is None:
        return None
    return _cached(_parses, texts, lambda todo: _parse_many(nlp, todo))


def _parse_many(nlp: Any, texts: list[str]) -> list[Parse]:
    """Parse each text, a text longer than ``spacy_max_chars`` in pieces whose offsets are shifted back."""
    cap = _ANALYZE.spacy_max_chars
    pieces = [_pieces(t, cap) if len(t) > cap else [(0, t)] for t in texts]
    flat = [piece for ps in pieces for _, piece in ps]
    docs = list(nlp.pipe(flat, batch_size=_ANALYZE.ner_batch_size))
    out: list[Parse] = []
    k = 0
    for ps in pieces:
        offsets: list[int] = []
        heads: list[int] = []
        deps: list[str] = []
        for at, _piece in ps:
            doc, base = docs[k], len(deps)
            k += 1
            keep = [t for t in doc if not t.is_space]
            index = {t.i: n for n, t in enumerate(keep)}
            for t in keep:
                offsets += (t.idx + at, t.idx + len(t.text) + at)
                heads.append(base + index.get(t.head.i, index[t.i]))
                deps.append(sys.intern(t.dep_))
        out.append(Parse(array("I", offsets), array("I", heads), tuple(deps)))
    return out


def read_sentences(texts: list[str]) -> list[Reading] | None:
    """spaCy's reading of each sentence: cut from its paragraph's reading when the sentence came from
    :func:`split_sentences` (context helps the tagger and NER), else read on its own. None without spaCy."""
    if get_nlp() is None:
        return None
    out: list[Reading | None] = [None] * len(texts)
    with _readings_lock:
        for i, t in enumerate(texts):
            hit = _sentence_at.get(t)
            if hit is not None:
                reading, start, end = hit
                out[i] = reading.within(start, end)
    alone = [i for i, r in enumerate(out) if r is None]
    if alone:
        read = read_paragraphs([texts[i] for i in alone]) or []
        for i, r in zip(alone, read, strict=True):
            out[i] = r.within(0, len(r.text))
    return [r for r in out if r is not None]


def text_head(text: str, max_chars: int) -> str:
    """The first ``max_chars`` characters of ``text``, cut at the last paragraph break before the cap, else the
    last space (a word is never halved), else at the cap: what a stage that reads a bounded amount of each article
    reads (``max_article_chars`` settings)."""
    if len(text) <= max_chars:
        return text
    window = text[:max_chars]
    cut = window.rfind("\n")
    if cut < max_chars // 2:
        cut = window.rfind(" ")
    if cut < max_chars // 2:
        cut = max_chars
    return window[:cut].rstrip()


def _bounded(text: str, spans: Iterable[tuple[int, int]], cap: int) -> list[tuple[int, int]]:
    """``spans`` with each one longer than ``cap`` characters cut into pieces of at most ``cap``, at spaces (else
    anywhere): the models after the splitter (quotes, facts, summary) cost more with a sentence's length."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        while end - start > cap:
            cut = text.rfind(" ", start + 1, start + cap)
            cut = cut if cut > start + cap // 2 else start + cap
            out.append((start, cut))
            start = cut
            while start < end and text[start].isspace():
                start += 1
        if end > start:
            out.append((start, end))
    return out


def split_sentences(paragraph_texts: list[str], model: bool = True) -> list[list[str]]:
    """Sentences of each paragraph. spaCy's senter, fed paragraph by paragraph (fed whole documents it merges
    across blank lines); the regex splitter without spaCy or with ``model=False`` (copy detection, which only
    needs the same cut on both sides, takes that fast path)."""
    cap = _ANALYZE.max_sentence_chars
    readings = read_paragraphs(paragraph_texts) if model else None
    if readings is None:
        return [[p[a:b] for a, b in _bounded(p, _merge_open_quotes(p, _split_fallback(p)), cap)]
                for p in paragraph_texts]
    out: list[list[str]] = []
    with _readings_lock:
        for reading in readings:
            sentences = []
            spans = _merge_open_quotes(reading.text, _join_false_breaks(reading.text, reading.sentences))
            for start, end in _bounded(reading.text, spans, cap):
                text = reading.text[start:end]
                sentences.append(text)
                _sentence_at[text] = (reading, start, end)
                _sentence_at.move_to_end(text)
            out.append(sentences)
        while len(_sentence_at) > 2 * READING_CACHE_PARAGRAPHS:
            _sentence_at.popitem(last=False)
    return out


def segment(article: Article, model: bool = True) -> list[Sentence]:
    """Sentences and headings of an article, in order (``model=False``: the fast regex sentence splitter)."""
    paras = paragraphs(article.text)
    headings = {h.strip() for h in article.headings}
    body_idx = [i for i, p in enumerate(paras) if p not in headings and not looks_like_heading(p)]
    split = dict(zip(body_idx, split_sentences([paras[i] for i in body_idx], model), strict=True))
    out: list[Sentence] = []
    for i, para in enumerate(paras):
        if i not in split:
            out.append(Sentence(article.id, len(out), para, paragraph=i, is_heading=True))
            continue
        for text in split[i]:
            out.append(Sentence(article.id, len(out), text, paragraph=i))
    return out


def segment_many(articles: Iterable[Article]) -> dict[str, list[Sentence]]:
    return {a.id: segment(a) for a in articles}
