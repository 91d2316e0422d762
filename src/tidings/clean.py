"""Clean: from raw documents to articles, with page junk removed and kept aside.

HTML goes through trafilatura (main-content extraction with metadata); plain text goes as it is. Both then
pass the same junk filter, which works on lines and combines signals that do not depend on one site:

- body anchors: lines that end like a sentence and are long enough. The article runs from the first to the
  last anchor; page chrome (section labels, captions, datelines, language switchers) sits before it, comment
  forms and related links after it. In raw text, lines outside the body go unless they are about the article;
  in extracted HTML (trafilatura already dropped most chrome) they stay unless a junk signal fires.
- lexical form: no final punctuation (title-like), codes and ids ('RU UA EN', '123017372 hi073356170'),
  date-only lines, copyright notices, and the share of words from a small multilingual lexicon of interface
  words (comment, subscribe, browser, newsletter...). The lexicon is one signal among several: a short line
  with such words goes only when it is also off-topic, a long one only when they are dense.
- cue blocks: a short cue line ('...:', or a short line followed by headlines) and the run of headline-like
  lines under it.
- repetition: a non-anchor line seen next to different text in several articles (or two of the same site) is
  template text. The memory is a :class:`LineMemory` (in this process), or the pipeline's, kept in its store so
  that it spans runs; what a page adds to it depends on the page alone, so it ends the same whatever the order.
- form: page chrome (``text.FURNITURE``: gallery captions, photo credits, buttons, section labels) and a site's
  promotion of itself (``PROMO_PATTERNS``) go wherever they stand; a page that is a list of headlines or a short
  notice (``NON_ARTICLE_PATTERNS``: error, search, login, paywall, cookie, delivery area) is skipped with the reason.
- topical distance: shared content words with the body say a line is on-topic; otherwise the cosine of its
  MiniLM embedding to the article's title (or lead) decides. Embeddings are computed only for the few lines
  whose fate depends on them, only in languages the encoder knows, and cached for the run.

An article's id is :func:`document_id` of its raw document, so that it never depends on the memory.
In-body subheadings stay (also listed in ``Article.headings``); credit lines go to ``Article.credits``,
bylines to ``Article.authors``; everything removed is kept in ``Article.removed``. The thresholds live in
:class:`~tidings.settings.CleanSettings`; benchmarks/extraction.py measures the result against trafilatura
alone, readability-lxml and jusText.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from . import resources
from .ingest import error_line, url_problem
from .model import Article, Document, Skip
from .outlets import outlet_from_credits
from .settings import CleanSettings
from .text import FURNITURE, PROMOTION, content_hash, fold_whitespace, normalize_text, stable_id

log = logging.getLogger(__name__)

# Interface words of web pages in the languages of the corpora (en, de, fr, es, it, pt, nl, pl, ru, uk).
# Matched as whole lower-case words; a line's share of them is one junk signal among several.
_UI_WORDS = (
    # en
    "comment comments commenting reply replies respond subscribe subscribed subscriber subscription newsletter "
    "newsletters unsubscribe login logout signup register registration password username email mail inbox "
    "share shares shared sharing tweet retweet facebook twitter whatsapp instagram linkedin pinterest telegram "
    "youtube tiktok reddit cookie cookies javascript browser enable disabled app apps download install click "
    "tap advertisement advertising advert ads sponsored trending popular recommended related menu navigation "
    "skip homepage print copyright privacy terms author authors bio follow followers notifications premium "
    "paywall video videos play played playing podcast gallery slideshow spam captcha required fields website "
    "mobile version channel headlines loading read previous next prev more site your",
    # de
    "kommentar kommentare kommentieren antworten antwort abonnieren abonnement anmelden abmelden registrieren "
    "passwort teilen datenschutz impressum werbung anzeige weiterlesen zurück startseite drucken empfehlen "
    "autor autorin folgen herunterladen abspielen aktivieren verwandte ähnliche beliebt meistgelesen lesen "
    "gelesen",
    # fr
    "commentaire commentaires répondre abonner abonnez abonnement inscrivez inscription connexion partager "
    "partagez publicité suivez suivre télécharger lire accueil navigateur vidéo auteur confidentialité votre",
    # es
    "comentario comentarios responder suscríbete suscribirse boletín compartir comparte publicidad síguenos "
    "cancelar descargar leer lee lea vea mira mire inicio navegador autor privacidad relacionados relacionadas",
    # it, pt, nl
    "commento commenti rispondi iscriviti condividi pubblicità seguici scarica leggi accedi registrati "
    "comentário comentários assine inscreva compartilhe compartilhar publicidade siga baixe leia veja "
    "reactie reacties reageer abonneer delen volg lees inloggen",
    # pl, ru, uk
    "komentarz komentarze odpowiedz subskrybuj udostępnij reklama czytaj zaloguj obserwuj pobierz "
    "комментарий комментарии ответить подписаться подпишитесь поделиться реклама читайте читать войти видео "
    "браузер скачать коментар коментарі відповісти підписатися підпишіться поділитися читати увійти відео "
    "завантажити",
)
UI_LEXICON = frozenset(word for line in _UI_WORDS for word in line.split())

_SENT_END = re.compile(r"[.!?…。！？؟][\"'”’»)\]]*$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_WORD = re.compile(r"\w+", re.UNICODE)
_PREFIX_CUE = re.compile(r"^([^:]{2,40}):\s+(\S.*)$")
_SYNDICATION_CREDIT = (
    r"\b(?:article|story|report|content) (?:was |is |has been )?(?:supplied|provided|syndicated|distributed) by\b"
)
_CREDIT = re.compile(
    r"contributed (?:to )?(?:this |the )?(?:report|reporting|story|article)|contributed reporting"
    r"|(?:additional |with )?reporting by\b|\b(?:editing|edited|writing|written|compiled) by\b"
    r"|\bmit material von\b|\bcon información de\b|\bavec (?:l')?afp\b|" + _SYNDICATION_CREDIT,
    re.I,
)
_SYNDICATION = re.compile(_SYNDICATION_CREDIT, re.I)


def is_syndication_credit(line: str) -> bool:
    """Whether a credit line says the text came from elsewhere ('This article was supplied by Continental Press
    Service.'): the page is a copy, unlike a newsroom's own credit ('X contributed to this report')."""
    return bool(_SYNDICATION.search(line))
_CREDIT_HINTS = ("contribut", "reporting", " by ", "material", "información", "afp")  # cheap test before _CREDIT

_CHROME = re.compile("|".join(f"(?:{p})" for _, p in FURNITURE), re.I)


def is_boilerplate(text: str, ui_share: float, max_words: int = 30) -> bool:
    """A line or paragraph that is no article content whatever its context: mostly interface words (at least
    ``ui_share`` of them), or short (``max_words``) and page chrome or the site's promotion of itself."""
    tokens = _WORD.findall(text.lower())
    if not tokens:
        return True
    if sum(tokens.count(t) for t in set(tokens) & UI_LEXICON) >= ui_share * len(tokens):
        return True
    return len(tokens) <= max_words and bool(_CHROME.fullmatch(text.strip()) or PROMOTION.search(text))

# Pages that are not articles: what their text says, one named pattern per kind. A page is skipped as one when its
# cleaned text is short (``CleanSettings.non_article_max_words``) and such lines make up most of it or its title.
NON_ARTICLE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("an error page", r"\b(?:error 404|404 (?:error|not found|page)|(?:page|article|story|content) (?:you (?:were|are) "
     r"looking for )?(?:was |could )?not (?:be )?found|(?:this|the) page (?:does not|doesn't|no longer) exists?"
     r"|internal server error|service unavailable|something went wrong|access denied|403 forbidden|bad gateway"
     r"|page (?:has been )?(?:removed|moved))\b"),
    # 'N results for', 'Results for: ...', 'results for "..."' (not prose: 'mixed results for the Republican Party')
    ("a search page", r"\b(?:search results|\d[\d,]*\s+results? for\b|results for\s*[:\"“'‘«]|^\s*results for\b"
     r"|no results (?:were )?found|your search (?:for .{1,60} )?(?:did not|didn't) match|refine your search"
     r"|showing (?:\d+\s*(?:-|–|to|of)\s*\d+|results)|sort by relevance)"),
    ("an availability notice", r"\b(?:not (?:in|within) our (?:deliverable|delivery|service) area|zip ?code|postcode"
     r"|(?:is )?not available in your (?:country|region|area|location)|unavailable in your (?:country|region|area)"
     r"|outside (?:of )?(?:the|our) (?:delivery|service) area)\b"),
    ("a login page", r"\b(?:sign in to|log in to|login to|forgot (?:your )?password|create (?:an|your|a free) account"
     r"|(?:don't|do not) have an account|sign in with|log in with|remember me)\b"),
    ("a paywall", r"\b(?:subscribe (?:now )?to (?:continue|keep) reading|to continue reading|subscribers? only"
     r"|already a subscriber|you have reached (?:your|the) (?:limit|maximum)|free articles? (?:left|remaining)"
     r"|this (?:article|content) is (?:for|available to) (?:subscribers|members))\b"),
    ("a cookie notice", r"\b(?:we use cookies|(?:use|uses) of cookies|cookie (?:policy|settings|preferences|consent)"
     r"|accept (?:all )?cookies|manage (?:your )?(?:cookie|privacy) (?:settings|preferences)|privacy choices)\b"),
    ("a browser check", r"\b(?:enable javascript|javascript is (?:disabled|required)|(?:update|upgrade) your browser"
     r"|(?:browser|device) is not supported|are you a robot|verify (?:that )?you are (?:a )?human|captcha)\b"),
)
_NON_ARTICLE = [(reason, re.compile(p, re.I)) for reason, p in NON_ARTICLE_PATTERNS]
_BYLINE = re.compile(
    r"^(?:by|von|par|por|di|door|av|przez|автор|від)\s+([A-ZÀ-ÖØ-ÞА-ЯІЇЄ][\w.'’-]*(?:[\s,&]+[\w.'’-]+){0,7})$",
    re.I,
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|&|\band\b|\bund\b|\bet\b|\by\b|\bi\b)\s*")
_DATE_NUMERIC = re.compile(r"^\d{1,4}[./-]\d{1,2}(?:[./-]\d{1,4})?$")
_DATE_IN_TEXT = re.compile(r"(?<!\d)(?:\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2}))(?!\d)")
_ORDINAL = re.compile(r"^\d{1,2}(?:st|nd|rd|th|er|e|º|ª)?$", re.I)
_STOP_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "uk")
_MONTH_KEYS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)  # fmt: skip
_BLOCK_TAGS = (
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "dt", "dd",
    "section", "article", "header", "footer", "figcaption", "table", "ul", "ol", "td", "th",
)  # fmt: skip


@lru_cache(maxsize=1)
def _calendar_words() -> frozenset[str]:
    """Month and weekday names (and abbreviations of 3+ letters) in every language dateparser knows."""
    words: set[str] = set()
    try:
        from dateparser.languages.loader import default_loader

        for locale in default_loader.get_locales():
            for key in _MONTH_KEYS:
                words.update(w.lower().rstrip(".") for w in locale.info.get(key, []) if len(w) >= 3)
    except Exception:  # dateparser missing: English names only
        import calendar

        words.update(n.lower() for n in list(calendar.month_name) + list(calendar.day_name) if n)
        words.update(n.lower() for n in list(calendar.month_abbr) + list(calendar.day_abbr) if n)
    return frozenset(words)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """Function words of the corpora's languages, from spaCy's lists (read from its files, without
    importing spaCy); empty without spaCy. They never count as evidence that a line is on-topic."""
    import importlib.util

    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    base = Path(next(iter(spec.submodule_search_locations))) / "lang"
    words: set[str] = set()
    for lang in _STOP_LANGUAGES:
        path = base / lang / "stop_words.py"
        try:
            module_spec = importlib.util.spec_from_file_location(f"_tidings_stop_{lang}", path)
            if module_spec is None or module_spec.loader is None:
                continue
            module = importlib.util.module_from_spec(module_spec)
            module_spec.loader.exec_module(module)
            words.update(w.lower() for w in module.STOP_WORDS)
        except (OSError, AttributeError, SyntaxError):
            continue
    return frozenset(words)


@lru_cache(maxsize=1)
def _not_content() -> frozenset[str]:
    """Words that never show what a line is about: function words and interface words."""
    return _stop_words() | UI_LEXICON


# ------------------------------------------------------------------------------------------ units


@dataclass
class _Unit:
    """One line or paragraph of a page, with the features the junk filter reads."""

    text: str
    kind: str  # p | head | item | table | title_line
    n_words: int = 0
    terminal: bool = False
    cue: bool = False
    ui: float = 0.0
    code: bool = False
    date: bool = False
    credit: bool = False
    prefix_cue: bool = False
    key: int = 0
    repeated: bool = False
    dated: bool = False  # mentions a date (datelines, 'Updated: ...')
    legal: bool = False  # copyright notices and photo credits ('© 2024 ...', '... © AFP')
    chrome: bool = False  # a caption, photo credit, button, section label or promotion (CHROME_, PROMO_PATTERNS)
    _content: frozenset[str] | None = None

    def content(self, settings: CleanSettings) -> frozenset[str]:
        """Words that say what the line is about (computed when first needed: most lines never are)."""
        if self._content is None:
            distinct = set(_WORD.findall(self.text.lower())) - _not_content()
            self._content = frozenset(t for t in distinct if len(t) >= settings.content_word_chars and not t.isdigit())
        return self._content

    @property
    def body_like(self) -> bool:
        return not self.cue and self.kind != "title_line"

    def titleish(self, settings: CleanSettings) -> bool:
        """No sentence ending, short enough to be a heading or a headline."""
        return (
            not self.terminal
            and self.n_words <= settings.heading_max_words
            and self.kind not in ("table",)
            and self.n_words < settings.fragment_min_words
        )


def _is_title_again(text: str, title: str, settings: CleanSettings) -> bool:
    """The line is the title or a part of it (the deck of 'Title; Deck'), maybe with a final stop or the site name:
    no longer than the title and at least ``title_overlap`` of its words in it (a lead that repeats the title and
    goes on is longer, and no match)."""
    mine, theirs = set(_WORD.findall(text.lower())), set(_WORD.findall(title.lower()))
    return (
        len(mine) >= settings.title_min_words
        and len(mine) <= len(theirs)
        and len(mine & theirs) >= settings.title_overlap * len(mine)
    )


def _count_words(text: str) -> int:
    if len(text) > _COUNT_CHUNK:  # a megabyte at a time, cut at whitespace: a huge text's word list took gigabytes
        total, cjk, start = 0, 0, 0
        while start < len(text):
            space = _SPACE.search(text, start + _COUNT_CHUNK)
            end = space.end() if space else len(text)
            total += len(text[start:end].split())
            cjk += len(_CJK.findall(text, start, end))
            start = end
        return total + cjk // 2
    return len(text.split()) + len(_CJK.findall(text)) // 2


_COUNT_CHUNK = 1 << 20
_SPACE = re.compile(r"\s")


def _is_code(text: str) -> bool:
    """No real word in the line: language switchers ('RU UA EN'), image ids ('hi073356170'), bare numbers
    and symbols. A word has two letters or more, no digit, and is not a two- or three-letter capital code."""
    for token in text.split():
        if _CJK.search(token):
            return False
        letters = sum(ch.isalpha() for ch in token)
        if letters >= 2 and not any(ch.isdigit() for ch in token) and not (token.isupper() and letters <= 3):
            return False
    return True


def _is_date(text: str) -> bool:
    """A line made only of a date: month/weekday names, day and year numbers."""
    tokens = _WORD.findall(text.lower())
    if not tokens:
        return False
    if _DATE_NUMERIC.match(text.strip()):
        return True
    names = _calendar_words()
    has_name = has_number = False
    for token in tokens:
        if token in names:
            has_name = True
        elif _ORDINAL.match(token) or (token.isdigit() and len(token) == 4):
            has_number = True
        else:
            return False
    return has_name and has_number


def _has_date(text: str) -> bool:
    """The line mentions a date: a numeric date (2018-08-25, 11/19/2019) or a month/weekday name next to a
    day or year number."""
    if _DATE_IN_TEXT.search(text):
        return True
    tokens = _WORD.findall(text.lower())
    names = _calendar_words()
    return any(t in names for t in tokens) and any(_ORDINAL.match(t) or (t.isdigit() and len(t) == 4) for t in tokens)


_UI_SAMPLE_CHARS = 100_000


def _features(unit: _Unit, settings: CleanSettings) -> _Unit:
    text = unit.text
    unit.n_words = _count_words(text)
    colon = text.endswith(":")
    unit.cue = colon and unit.n_words <= settings.cue_max_words
    unit.terminal = bool(_SENT_END.search(text)) or (colon and not unit.cue)
    # the share of interface words, of the first _UI_SAMPLE_CHARS only: a 200 MB one-line text made a list of 35
    # million words here (gigabytes); a unit that long is no button row whatever its share
    tokens = _WORD.findall(text[:_UI_SAMPLE_CHARS].lower())
    unit.ui = sum(tokens.count(t) for t in set(tokens) & UI_LEXICON) / len(tokens) if tokens else 0.0
    unit.legal = unit.n_words <= settings.credit_max_words and ("©" in text or "ⓒ" in text)
    unit.code = unit.n_words <= settings.code_max_words and _is_code(text)
    unit.date = unit.n_words <= settings.date_max_words and not unit.code and _is_date(text)
    unit.dated = unit.date or (unit.n_words <= settings.dateline_max_words and _has_date(text))
    lower = text.lower()
    unit.credit = (
        unit.n_words <= settings.credit_max_words
        and any(hint in lower for hint in _CREDIT_HINTS)
        and bool(_CREDIT.search(text))
    )
    match = _PREFIX_CUE.match(text) if ":" in text else None
    if match and len(match.group(1).split()) <= settings.prefix_cue_max_words and not _SENT_END.search(match.group(2)):
        prefix = _WORD.findall(match.group(1).lower())
        unit.prefix_cue = any(t in UI_LEXICON for t in prefix)
    unit.chrome = (unit.n_words <= settings.chrome_max_words and bool(_CHROME.fullmatch(text.strip()))) or (
        unit.n_words <= settings.promo_max_words and bool(PROMOTION.search(text))
    )
    unit.key = line_key(" ".join(tokens))
    return unit


def line_key(text: str) -> int:
    """A line's key in the memory of repeated lines: stable across processes and machines (Python's ``hash`` of a
    string is salted per process), 63 bits so that it fits a signed 64-bit SQL integer."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big") >> 1


_VOLATILE_META = frozenset({"feed"})  # where a document was found, not what it is


def document_id(doc: Document) -> str:
    """An article's id, from its raw input alone: kind, metadata (title, url, date, site...) and content, never
    its path (the same input has the same id on any machine) nor what cleaning made of it (the text may change
    when the store learns a template line; the id does not)."""
    meta = {k: v for k, v in (doc.meta or {}).items() if k not in _VOLATILE_META}
    return stable_id(doc.kind, json.dumps(meta, sort_keys=True, ensure_ascii=False, default=str), doc.content,
                     prefix="a")


def _split_block(text: str, kind: str, wrap_min_chars: int) -> list[_Unit]:
    """Paragraphs (blank-line separated) of a text block into units: one per line, except hard-wrapped
    paragraphs (most line breaks continue a sentence), which stay one unit."""
    units: list[_Unit] = []
    for para in re.split(r"\n\s*\n", text):
        lines = [fold_whitespace(line) for line in para.split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) > 1 and _is_wrapped(lines, wrap_min_chars):
            units.append(_Unit(" ".join(lines), kind))
        else:
            units.extend(_Unit(line, kind) for line in lines)
    return units


def _is_wrapped(lines: list[str], min_chars: int) -> bool:
    """Hard-wrapped prose: most breaks follow a long line and continue its sentence."""
    continued = sum(
        1
        for prev, nxt in itertools.pairwise(lines)
        if len(prev) >= min_chars and (nxt[0].islower() or prev[-1] in ",;-–—(")
    )
    return continued * 2 > len(lines) - 1


def _text_units(content: str, wrap: int) -> list[_Unit]:
    return _split_block(normalize_text(content), "p", wrap)


def _element_text(el: Any, skip: tuple[str, ...] = ()) -> str:
    """Text of a trafilatura XML element: <lb/> as a line break, nested ``skip`` elements left out."""
    parts: list[str] = [el.text or ""]
    for child in el:
        if child.tag in skip:
            parts.append(child.tail or "")
            continue
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag in ("p", "head", "item", "list", "row"):
            parts.append("\n\n" + _element_text(child, skip) + "\n\n")
        else:
            parts.append(_element_text(child, skip))
        parts.append(child.tail or "")
    return "".join(parts)


def _body_units(body: Any, wrap: int) -> list[_Unit]:
    """Units of trafilatura's XML body: headings, paragraphs, list items and table rows keep their kind.
    Loose text between elements (an element's tail) is a paragraph of its own."""
    units: list[_Unit] = []

    def loose(text: str | None) -> None:
        if text and text.strip():
            units.extend(_split_block(normalize_text(text), "p", wrap))

    loose(body.text)
    for el in body:
        tag = el.tag
        if tag == "head":
            units.extend(_split_block(normalize_text(_element_text(el)), "head", wrap))
        elif tag == "list":
            for item in el.iter("item"):
                units.extend(_split_block(normalize_text(_element_text(item, skip=("list",))), "item", wrap))
        elif tag == "table":
            for row in el.iter("row"):
                cells = [fold_whitespace(normalize_text("".join(c.itertext()))) for c in row.iter("cell")]
                line = " | ".join(c for c in cells if c)
                if line:
                    units.append(_Unit(line, "table"))
        elif tag != "graphic":
            units.extend(_split_block(normalize_text(_element_text(el)), "p", wrap))
        loose(el.tail)
    return units


def _html_units(html: str, whole_page: bool, wrap: int) -> list[_Unit]:
    """Units of an HTML fragment (feed entry) or, when trafilatura finds nothing, of a whole page: block
    elements become paragraphs, <br> a line break; scripts, styles and the <head> are dropped."""
    import lxml.html

    try:
        if whole_page:
            root = lxml.html.document_fromstring(html)
        else:
            root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:
        return _text_units(re.sub(r"<[^>]+>", " ", html), wrap)
    for bad in root.xpath("//script|//style|//noscript|//template|//svg|//head|//form|//nav"):
        bad.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in root.iter(*_BLOCK_TAGS):
        el.text = "\n\n" + (el.text or "")
        el.tail = "\n\n" + (el.tail or "")
    text = normalize_text(root.text_content())
    return _split_block(text, "p", wrap)


# ------------------------------------------------------------------------------------------ metadata


def _iso_date(value: Any) -> str | None:
    """ISO 8601 from a datetime, a date or a date string in any common format; None when unparseable."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed.date().isoformat() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else parsed.isoformat()
    except ValueError:
        pass
    try:
        from dateutil import parser as date_parser

        return date_parser.parse(text).isoformat()
    except Exception:
        return None


_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DATELINE_DATES = (
    re.compile(rf"(?<![\w-]){_MONTH}\s+{_DAY}\s*,?\s+{_YEAR}(?!\d)", re.I),  # May 3, 2013 / Dec. 20 2005
    re.compile(rf"(?<![\w-]){_DAY}\s+{_MONTH},?\s+{_YEAR}(?!\d)", re.I),  # 3 May 2013 / 27 NOVEMBER, 2005
    re.compile(r"(?<![\w-])(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?![\d-])"),  # 2013-05-03
    # 27/09/2013 or 11/27/2005: only when one number is above 12 (otherwise day and month are ambiguous)
    re.compile(r"(?<![\w/.-])(?P<a>[0-3]?\d)\s?([/.])\s?(?P<b>[0-3]?\d)\s?\2\s?(?P<year>(?:19|20)\d\d)(?![\w/])"),
)
_DATELINE_TIME = re.compile(r"(?<!\d)\d{1,2}\s*[:.]\s*\d\d(?:\s*[:.]\s*\d\d)?(?:\s*[ap]\.?\s*m\b\.?)?", re.I)
_DATELINE_WORDS = frozenset(
    re.findall(
        r"\w+",
        "published posted updated update last modified created time date on at am pm a p m by and the of "
        "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun",
    )
)
# A dateline opening a paragraph: 'WASHINGTON, May 3, 2013 (AP) - ...': capitalised place words, the date,
# an optional agency in parentheses, a dash.
_LEAD_PLACE = re.compile(r"^(?:[A-Z][\w.'’-]*,?\s+){1,4}$")
_LEAD_AFTER = re.compile(r"^\s*(?:\([^)]{1,30}\)\s*)?[-–—]{1,2}\s")
_MONTHS = {m[:3]: n for n, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


def _date_in(text: str, settings: CleanSettings) -> tuple[date, re.Match[str]] | None:
    """The first full date (day, month and year) in ``text`` with a plausible publication year."""
    for pattern in _DATELINE_DATES:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            if groups.get("a"):  # numeric day and month: the one above 12 is the day
                a, b = int(groups["a"]), int(groups["b"])
                if (a > 12) == (b > 12):
                    continue
                day_number, number = (a, b) if a > 12 else (b, a)
            else:
                month = groups["month"]
                number = int(month) if month.isdigit() else _MONTHS[month[:3].lower()]
                day_number = int(groups["day"])
            try:
                found = date(int(groups["year"]), number, day_number)
            except ValueError:  # 31 February, month 13
                continue
            if settings.dateline_min_year <= found.year <= date.today().year + 1:
                return found, match
    return None


def dateline_date(lines: Iterable[str], settings: CleanSettings) -> str | None:
    """The publication date (ISO 8601, day precision) a text gives in a dateline near its top, or None.

    Conservative, because a wrong date is worse than none (the cluster stage keeps stories apart by date): only
    lines starting within ``dateline_search_chars`` of the top count, and only two forms, the first found wins:

    - a line made of a full date (day, month, year) plus at most ``dateline_other_words`` words besides times,
      weekdays, time zones and 'Published / Updated / Posted on' ('Published: Tuesday, Aug. 2 2011 7:08 p.m.',
      '23 July 2013 Last updated at 13:42 GMT');
    - a news-agency dateline opening a paragraph ('WASHINGTON, May 3, 2013 (Reuters) - The ...').

    A sentence that mentions a date ('The vote was set for May 3, 2013, officials said.') is neither; dates
    without a year ('Sunday, 22 December') or with an implausible one are not taken. English month names and ISO
    dates only.
    """
    seen = 0
    for line in lines:
        if seen >= settings.dateline_search_chars:
            break
        seen += len(line) + 1
        text = fold_whitespace(line)
        found = _date_in(text, settings)
        if found is None:
            continue
        day, match = found
        before, after = text[: match.start()], text[match.end() :]
        other = [
            w for w in _WORD.findall(_DATELINE_TIME.sub(" ", before + " " + after))
            if w.lower() not in _DATELINE_WORDS and not w.isdigit() and not (w.isupper() and len(w) <= 4)
        ]
        if len(other) <= settings.dateline_other_words and all(w[0].isupper() for w in other):
            # (not 'He died on May 3, 2013.': a sentence that mentions a date)
            return day.isoformat()
        if _LEAD_PLACE.match(before) and _LEAD_AFTER.match(after):
            return day.isoformat()
    return None


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # 'http://[x]/a': no host to take a site from
        return None
    host = host.lower()
    return host[4:] if host.startswith("www.") else (host or None)


def _split_authors(value: Any) -> list[str]:
    if not value:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        for name in _AUTHOR_SPLIT.split(str(item)):
            name = fold_whitespace(name).strip(" .")
            if name and name not in out and len(name.split()) <= 6:
                out.append(name)
    return out


# ------------------------------------------------------------------------------------------ pages


@dataclass
class _Page:
    """A document on its way to an article: units, what the container knew, and the filter's state."""

    doc: Document
    units: list[_Unit]
    title: str | None
    choose_title: bool
    url: str | None
    site: str | None
    published: str | None
    authors: list[str]
    from_html: bool
    anchors: list[int] = field(default_factory=list)
    language: str | None = None
    topic_language: bool = False
    vocabulary: Counter[str] = field(default_factory=Counter)
    cos: dict[int, float] = field(default_factory=dict)
    centroid: str = ""
    id: str = ""  # document_id of the raw document


@dataclass
class _Decision:
    labels: list[str]
    title: str | None
    authors: list[str]
    needs: set[int]


class _Judge:
    """The decisions for one page. ``probe`` mode records which lines need an embedding instead of
    deciding with one; the Cleaner then embeds them all in one call and judges again."""

    def __init__(self, cleaner: Cleaner, page: _Page, probe: bool) -> None:
        self.s = cleaner.settings
        self.page = page
        self.units = page.units
        self.probe = probe
        self.needs: set[int] = set()
        self.scale = cleaner._scale() if page.topic_language and not probe else 1.0
        self.title_candidate = cleaner._title_candidate

    # -- signals ---------------------------------------------------------------------------------

    def vocabulary(self) -> Counter[str]:
        """How many body anchors use each content word (built on first use)."""
        page = self.page
        if not page.vocabulary:
            for a in page.anchors:
                page.vocabulary.update(page.units[a].content(self.s))
        return page.vocabulary

    def overlap(self, i: int) -> float | None:
        """Share of the line's content words found in the body elsewhere; None for lines too short."""
        words = self.units[i].content(self.s)
        if len(words) < self.s.lexical_min_words:
            return None
        own = i in self.anchor_set
        vocab = self.vocabulary()
        return sum(1 for w in words if vocab[w] - own > 0) / len(words)

    def near(self, i: int, threshold: float) -> bool | None:
        """Is line ``i`` about the article? Shared content words with the body say yes; otherwise the
        cosine of sentence embeddings decides (only in languages the encoder knows); None when no signal
        (few shared words alone are no evidence against a line: paraphrase and short lines share few)."""
        ov = self.overlap(i)
        if ov is not None and ov >= self.s.lexical_on_topic:
            return True
        if self.page.topic_language:
            if self.probe:
                self.needs.add(i)
                return None
            c = self.page.cos.get(i)
            return None if c is None else c >= threshold * self.scale
        return None

    def suspect_ui(self, i: int) -> bool:
        """UI-worded line: dropped when dense and long enough, else unless clearly about the article."""
        u, s = self.units[i], self.s
        if u.ui < s.ui_density:
            return False
        if u.ui >= s.ui_strong_density and u.n_words >= s.ui_strong_min_words:
            return True
        return self.near(i, s.ui_max_cosine) is not True

    def hard_junk(self, i: int, zone: str) -> bool:
        """Junk by form alone. Inside the body, codes and numbers of extracted HTML are table or list
        content, and only short repeated lines ('Advertisement') are template text."""
        u, s = self.units[i], self.s
        if u.prefix_cue or u.date or u.legal or u.chrome:
            return True
        if u.code and (zone == "top" or not self.page.from_html):
            return True
        return u.repeated and (zone != "body" or u.n_words <= s.cue_max_words)

    def dateline(self, i: int) -> bool:
        """Outside the body, a lone short line with a date ('Updated: 19 Nov 2019 5:45 AM'); several dated
        lines in a row are a schedule, which is content."""
        units = self.units
        return units[i].dated and not any(
            0 <= j < len(units) and units[j].dated and units[j].kind != "title_line" for j in (i - 1, i + 1)
        )

    def same_as_title(self, u: _Unit, title: str) -> bool:
        """The title again, maybe with the site name added or cut: most words shared."""
        mine = set(_WORD.findall(u.text.lower()))
        theirs = set(_WORD.findall(title.lower()))
        if not mine or not theirs:
            return False
        shared = len(mine & theirs)
        return len(mine) >= self.s.title_min_words and shared / min(len(mine), len(theirs)) >= self.s.title_overlap

    def kept(self, i: int) -> str:
        u = self.units[i]
        return "heading" if u.titleish(self.s) and u.kind in ("p", "head") else "body"

    # -- decision ---------------------------------------------------------------------------------

    def decide(self) -> _Decision:
        s = self.s
        anchors = list(self.page.anchors)
        labels, title, authors = self.label(anchors)
        # Body sentences cut off from the body by junk at the very end (or start) are page text when they
        # use UI words and are off-topic: 'Spam is filtered here; see how your data is used.' after a form.
        demoted: set[int] = set()
        for segment in self.edge_segments(labels, anchors):
            if not all(self.units[a].ui > 0 for a in segment):
                continue
            verdicts = [self.near(a, s.ui_max_cosine) for a in segment]
            if all(v is False or (v is None and not self.page.topic_language) for v in verdicts):
                demoted.update(segment)
        if demoted:
            anchors = [a for a in anchors if a not in demoted]
            labels, title, authors = self.label(anchors)
            for a in demoted:
                labels[a] = "removed"
        return _Decision(labels, title, authors, self.needs)

    def edge_segments(self, labels: list[str], anchors: list[int]) -> list[list[int]]:
        """The few anchors after the last removed line that follows the body (and before the first one
        that precedes it), when the rest of the body lies on the other side of that junk."""
        out: list[list[int]] = []
        limit = self.s.tail_max_anchors
        for k in range(len(anchors) - 1, max(len(anchors) - 1 - limit, 0), -1):
            if "removed" in labels[anchors[k - 1] + 1 : anchors[k]]:
                out.append(anchors[k:])
                break
        for k in range(min(limit, len(anchors) - 1)):
            if "removed" in labels[anchors[k] + 1 : anchors[k + 1]]:
                out.append(anchors[: k + 1])
                break
        return out

    def label(self, anchors: list[int]) -> tuple[list[str], str | None, list[str]]:
        """Labels for a given set of body anchors: the body runs from the first to the last."""
        s, page, units = self.s, self.page, self.units
        n = len(units)
        self.anchor_set = set(anchors)
        labels = ["removed"] * n
        title = page.title
        authors = list(page.authors)

        if not anchors:  # no sentence anywhere: keep what is not clearly junk
            for i, u in enumerate(units):
                if page.choose_title and title is None and self.title_candidate(u):
                    labels[i], title = "title", u.text
                elif not (u.kind == "title_line" or self.hard_junk(i, "top") or self.suspect_ui(i)):
                    labels[i] = self.kept(i)
            return labels, title, authors

        first, last = anchors[0], anchors[-1]
        after = [0] * (n + 1)
        for i in range(n - 1, -1, -1):
            after[i] = after[i + 1] + (i in self.anchor_set)
        in_block = self.link_blocks(anchors)

        for i in range(first):  # top: page chrome, the title when the text carries it, bylines
            u = units[i]
            if page.choose_title and title is None and self.title_candidate(u):
                labels[i], title = "title", u.text
            elif title and self.same_as_title(u, title):
                labels[i] = "drop"
            elif (m := _BYLINE.match(u.text)) and u.n_words <= s.byline_max_words:
                labels[i] = "author"
                authors.extend(a for a in _split_authors(m.group(1)) if a not in authors)
            elif u.kind == "title_line" or self.dateline(i) or self.hard_junk(i, "top") or self.suspect_ui(i):
                labels[i] = "removed"
            elif page.from_html:
                labels[i] = self.kept(i)  # extracted HTML: the extractor's choice stands without junk signs

        for i in range(first, n):  # body and bottom
            u = units[i]
            if i in self.anchor_set:
                labels[i] = "body"
            elif u.credit and after[i] <= s.credit_max_trailing_anchors:
                labels[i] = "credit"
            elif (
                i in in_block
                or u.kind == "title_line"
                or self.hard_junk(i, "body" if i < last else "bottom")
                or (i > last and self.dateline(i))
                or self.suspect_ui(i)
            ):
                labels[i] = "removed"
            elif i < last or page.from_html:
                labels[i] = self.kept(i)
            else:  # after the body of raw text: kept only when about the article
                verdict = self.near(i, s.edge_keep_cosine)
                if verdict or (verdict is None and not page.topic_language and u.terminal):
                    labels[i] = self.kept(i)
        return labels, title, authors

    def link_blocks(self, anchors: list[int]) -> set[int]:
        """Units in blocks of headlines: a cue line and the title-like lines under it, or a run of
        headline-like lines. Junk when the cue has UI words, when after the body, or when off-topic."""
        s, units = self.s, self.units
        first, last = anchors[0], anchors[-1]
        out: set[int] = set()
        i, n = first + 1, len(units)
        while i < n:
            u = units[i]
            if i in self.anchor_set or not (u.cue or u.titleish(s)):
                i += 1
                continue
            j = i + 1
            while j < n and j not in self.anchor_set and units[j].titleish(s) and not units[j].cue:
                j += 1
            followers = list(range(i + 1, j))
            headlines = [k for k in followers if units[k].n_words >= s.headline_min_words]
            is_cue = u.cue and bool(followers)
            short_cue = u.n_words <= s.cue_max_words and len(headlines) >= 2
            run = u.n_words >= s.headline_min_words and len(headlines) + 1 >= s.run_min_lines
            if not (is_cue or short_cue or run):
                i += 1
                continue
            block = [i, *followers]
            if u.ui > 0 and (u.cue or u.n_words <= s.cue_max_words):
                out.update(block)  # 'Read more:', 'Related stories'
            elif self.page.from_html:
                pass  # lists the extractor kept after a neutral cue are mostly content (benchmarks)
            elif i > last:
                out.update(block)  # raw text: headlines under a cue after the body
            else:
                scored = [i, *headlines] if run else headlines
                verdicts = [self.near(k, s.run_max_cosine) for k in scored]
                if (
                    verdicts
                    and all(v is not None for v in verdicts)
                    and sum(v is False for v in verdicts) * 2 > len(verdicts)
                ):
                    out.update(block)
            i = j
        return out


LineRow = tuple[str, str, int, int]
"""What one page tells the memory of repeated lines: (document id, site or '', line key, body context key)."""


class LineMemory:
    """The memory of repeated lines, in this process: for each line key, the distinct body contexts it was seen next
    to, across sites and on each site (capped at the thresholds, which is all the cleaner asks). Lossy past
    ``repeat_memory_lines`` (lines seen once are forgotten). The pipeline gives its cleaner one kept in the store
    (:class:`tidings.pipeline.StoredLineMemory`) instead, so that a run sees what earlier runs saw."""

    def __init__(self, settings: CleanSettings) -> None:
        self.cap = max(settings.repeated_block_min_sites, settings.repeated_block_min_site_docs)
        self.limit = settings.repeat_memory_lines
        self._seen: dict[int, set[int]] = {}
        self._seen_site: dict[tuple[str, int], set[int]] = {}

    def add(self, rows: Iterable[LineRow]) -> None:
        for _doc, site, key, context in rows:
            seen = self._seen.setdefault(key, set())
            if len(seen) < self.cap:
                seen.add(context)
            if site:
                seen_site = self._seen_site.setdefault((site, key), set())
                if len(seen_site) < self.cap:
                    seen_site.add(context)
        if len(self._seen) > self.limit:
            self._seen = {k: v for k, v in self._seen.items() if len(v) > 1}
        if len(self._seen_site) > self.limit:
            self._seen_site = {k: v for k, v in self._seen_site.items() if len(v) > 1}

    def counts(self, pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], tuple[int, int]]:
        """For each (site, line key): distinct contexts across sites and on that site (both capped)."""
        return {
            (site, key): (len(self._seen.get(key, ())), len(self._seen_site.get((site, key), ())) if site else 0)
            for site, key in pairs
        }


class Cleaner:
    """Documents in, articles (or skips) out. Template lines repeated across articles are recognised through a
    :class:`LineMemory` (in this process by default; the pipeline passes one kept in its store)."""

    def __init__(self, settings: CleanSettings, memory: LineMemory | Any | None = None) -> None:
        self.settings = settings
        self.memory = memory if memory is not None else LineMemory(settings)
        self._vectors: dict[str, np.ndarray] = {}

    # -- public ---------------------------------------------------------------------------------

    def clean(self, docs: list[Document], remember: bool = True) -> list[Article | Skip]:
        """Clean ``docs``. Their lines are first added to the memory (``remember=False`` when the memory already
        holds them: cleaning stored documents again after it learned a template line)."""
        pages: list[_Page | Skip] = [self._guarded(doc.origin, self._prepare, doc) for doc in docs]
        real = [p for p in pages if isinstance(p, _Page)]
        if remember:
            self.memory.add([row for page in real for row in self.line_rows(page)])
        self._mark_repeats(real)
        self._measure_topics(real)
        return [p if isinstance(p, Skip) else self._guarded(p.doc.origin, self._finish, p) for p in pages]

    @staticmethod
    def _guarded(origin: str, step: Any, arg: Any) -> Any:
        """``step(arg)``, or a Skip naming ``origin`` when it raises: one odd document costs itself, not its batch."""
        try:
            return step(arg)
        except Exception as exc:
            log.warning("cleaning %s failed", origin, exc_info=True)
            return Skip(origin, f"could not be cleaned ({error_line(exc)})")

    # -- preparation ------------------------------------------------------------------------------

    def _prepare(self, doc: Document) -> _Page | Skip:
        meta = doc.meta or {}
        s = self.settings
        title = normalize_text(str(meta["title"])) if meta.get("title") else None
        choose_title = False
        url = meta.get("url")
        site = meta.get("site")
        published = _iso_date(meta.get("published"))
        authors = _split_authors(meta.get("authors") or meta.get("author"))
        units: list[_Unit]
        from_html = doc.kind == "html"
        if from_html and meta.get("fragment"):
            units = _html_units(doc.content, whole_page=False, wrap=s.wrap_min_chars)
        elif from_html:
            units, extracted = self._extract(doc.content, url)
            if extracted is not None:
                title = title or (normalize_text(extracted.title) if extracted.title else None)
                url = url or (extracted.url if extracted.url and not url_problem(extracted.url) else None)
                published = published or _iso_date(extracted.date)
                authors = authors or _split_authors(extracted.author)
                site = site or _domain(url) or extracted.sitename
        else:
            units = _text_units(doc.content, s.wrap_min_chars)
        if meta.get("title_from") == "first_line" and title:
            units.insert(0, _Unit(fold_whitespace(title), "title_line"))
            title, choose_title = None, True
        elif not title:
            choose_title = True
        units = [_features(u, s) for u in units if len(u.text.strip()) >= max(s.min_paragraph_chars, 1)]
        if not units:
            return Skip(doc.origin, "no text found in the document")
        published = published or dateline_date((u.text for u in units), s)
        page = _Page(doc, units, title, choose_title, url, site or _domain(url), published, authors, from_html)
        page.id = document_id(doc)
        page.anchors = [i for i, u in enumerate(units) if self._is_anchor(u)]
        # the text opens with its title as a sentence ('Clinton wins Delaware primary.'), or with the title's second
        # half, its deck ('Title; Deck'): page top, not body, so the top rules drop it as the title again instead of
        # the summary quoting the headline as news (at most two lines: a title and its deck)
        for _ in range(2):
            if title and page.anchors and _is_title_again(units[page.anchors[0]].text, title, s):
                page.anchors.pop(0)
        page.centroid = self._centroid_text(page)
        cap = s.language_sample_chars
        sample = " ".join(units[i].text for i in page.anchors)[:cap] or " ".join(u.text for u in units)[:cap]
        lang = meta.get("language") or resources.detect_language(sample)
        page.language = str(lang) if lang else None
        if s.use_embeddings and page.centroid and page.language:
            page.topic_language = page.language.split("-")[0].lower() in s.topic_languages
        return page

    def _extract(self, html: str, url: str | None) -> tuple[list[_Unit], Any]:
        """trafilatura's main content as units (and its result for metadata); whole-page blocks when it
        finds nothing."""
        import trafilatura

        mode = self.settings.trafilatura_mode
        try:
            result = trafilatura.bare_extraction(
                html,
                url=url,
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                fast=mode == "fast",
                favor_precision=mode == "precision",
                favor_recall=mode == "recall",
            )
        except Exception as exc:  # trafilatura can trip on odd markup; fall back to plain blocks
            log.debug("trafilatura failed on %s: %s", url, exc)
            result = None
        if result is not None and result.body is not None and len(result.body):
            units = _body_units(result.body, self.settings.wrap_min_chars)
            if units:
                return units, result
        return _html_units(html, whole_page=True, wrap=self.settings.wrap_min_chars), result

    def _is_anchor(self, u: _Unit) -> bool:
        s = self.settings
        body_like = u.body_like and (u.terminal or u.n_words >= s.fragment_min_words)
        return (
            body_like
            and u.n_words >= s.anchor_min_words
            and u.ui < s.ui_density
            and not u.credit
            and not u.prefix_cue
            and not u.chrome
            and u.kind != "table"
        )

    def _centroid_text(self, page: _Page) -> str:
        """What the article is about, in few words (encoding cost grows with length): its title, which
        sums up a news article best; without one, the openings of body paragraphs spread over it."""
        title = page.title
        if title is None:
            first = page.anchors[0] if page.anchors else len(page.units)
            title = next((u.text for u in page.units[:first] if self._title_candidate(u)), None)
        if title and len(title.split()) >= self.settings.title_min_words:
            return title
        budget = self.settings.centroid_chars
        anchors = page.anchors
        if not anchors:
            return title or ""
        picks = self.settings.centroid_paragraphs
        step = max(1, len(anchors) / picks)
        chosen = sorted({anchors[min(len(anchors) - 1, int(k * step))] for k in range(picks)})
        share = max(1, budget // len(chosen))
        return " ".join([title or "", *(page.units[i].text[:share] for i in chosen)]).strip()

    def _title_candidate(self, u: _Unit) -> bool:
        s = self.settings
        return (
            s.title_min_words <= u.n_words <= s.title_max_words
            and not (u.code or u.date or u.cue or u.repeated or u.prefix_cue or u.chrome)
            and u.ui < s.ui_density
            and not _BYLINE.match(u.text)
        )

    # -- repetition -------------------------------------------------------------------------------

    def _contexts(self, page: _Page) -> list[int]:
        """For each unit, a key of the body text next to it (the previous anchor, or the first one)."""
        anchors = page.anchors
        last = page.units[anchors[0]].key if anchors else line_key(page.id)
        anchor_set = set(anchors)
        out: list[int] = []
        for i, u in enumerate(page.units):
            if i in anchor_set:
                last = u.key
            out.append(last)
        return out

    def _candidates(self, page: _Page) -> list[int]:
        """Units whose fate repetition can decide: not body anchors, not the title line."""
        anchor_set = set(page.anchors)
        return [i for i, u in enumerate(page.units) if i not in anchor_set and u.kind != "title_line"]

    def line_rows(self, page: _Page) -> list[LineRow]:
        """Each candidate line once per article, with the body text next to it (so that copies of one article,
        which share the neighbours too, count once). Depends on the page alone, so the memory is the same
        whatever order pages come in."""
        contexts = self._contexts(page)
        rows: dict[int, LineRow] = {}
        for i in self._candidates(page):
            key = page.units[i].key
            if key not in rows:
                rows[key] = (page.id, page.site or "", key, contexts[i])
        return list(rows.values())

    def _mark_repeats(self, pages: list[_Page]) -> None:
        s = self.settings
        wanted = {(page.site or "", page.units[i].key) for page in pages for i in self._candidates(page)}
        counts = self.memory.counts(wanted) if wanted else {}
        for page in pages:
            for i in self._candidates(page):
                u = page.units[i]
                across, on_site = counts.get((page.site or "", u.key), (0, 0))
                u.repeated = across >= s.repeated_block_min_sites or on_site >= s.repeated_block_min_site_docs

    # -- topical distance --------------------------------------------------------------------------

    def _encoder(self) -> resources.TextEncoder:
        """The encoder in use now (the pipeline may install a cached one for its run)."""
        return resources.get_embedder()

    def _scale(self) -> float:
        lexical = self._encoder().name == resources.HashingEncoder.name
        return self.settings.hashing_cosine_scale if lexical else 1.0

    def _measure_topics(self, pages: list[_Page]) -> None:
        """Embed, in one call, the topics (centroids) and the candidate lines whose fate depends on topic.
        Vectors are cached for the run: template lines and titles recur across articles."""
        wanted: list[tuple[_Page, list[int]]] = []
        for page in pages:
            if page.topic_language:
                needs = _Judge(self, page, probe=True).decide().needs
                if needs:
                    wanted.append((page, sorted(needs)))
        if not wanted:
            return
        cut = self.settings.embed_line_chars
        texts = {page.centroid for page, _ in wanted} | {page.units[i].text[:cut] for page, n in wanted for i in n}
        new = sorted(texts - self._vectors.keys())
        if new:
            vectors = self._encoder().encode(new, batch_size=self.settings.embed_batch_size)
            if len(self._vectors) + len(new) > self.settings.vector_cache_lines:
                self._vectors.clear()
            self._vectors.update(zip(new, vectors, strict=True))
        for page, needs in wanted:
            centroid = self._vectors[page.centroid]
            for i in needs:
                page.cos[i] = float(np.dot(self._vectors[page.units[i].text[:cut]], centroid))

    # -- pages that are not articles ----------------------------------------------------------------

    def _non_article(self, page: _Page, decision: _Decision) -> str | None:
        """Why a page is no article (a list of headlines, an error, search, login, paywall, cookie or delivery
        notice), or None. Only short texts are judged by what they say (NON_ARTICLE_PATTERNS): an article may
        mention cookies or a zip code."""
        s, units, labels = self.settings, page.units, decision.labels
        anchor_set = set(page.anchors)
        sentences = [i for i, label in enumerate(labels) if label == "body" and i in anchor_set]
        headlines = [  # a schedule or a list of results is content: its lines carry dates
            u for u in units if u.titleish(s) and u.n_words >= s.headline_min_words and not (u.chrome or u.dated)
        ]
        sentence_words = sum(units[i].n_words for i in sentences)
        if (
            len(sentences) <= s.list_max_sentences
            and len(headlines) >= s.list_min_headlines
            and sum(u.n_words for u in headlines) >= s.list_headline_share * sentence_words
        ):
            return f"a list of headlines ({len(headlines)} headlines, {len(sentences)} sentences)"
        body = [u for u, label in zip(units, labels, strict=True) if label in ("body", "heading")]
        body = body or units  # nothing kept: what the page said tells what it was
        n_words = sum(u.n_words for u in body)
        if n_words > s.non_article_max_words:
            return None
        title = decision.title or ""
        for reason, pattern in _NON_ARTICLE:
            hits = [u for u in body if pattern.search(u.text)]
            by_title = n_words <= s.non_article_title_max_words and pattern.search(title)
            if by_title or (hits and sum(u.n_words for u in hits) * 2 >= n_words):
                quoted = fold_whitespace(hits[0].text if hits else title)
                return f"{reason} ({quoted[:60]!r})"
        return None

    # -- output ----------------------------------------------------------------------------------------

    def _finish(self, page: _Page) -> Article | Skip:
        decision = _Judge(self, page, probe=False).decide()
        body: list[str] = []
        headings: list[str] = []
        removed: list[str] = []
        credits: list[str] = []
        for unit, label in zip(page.units, decision.labels, strict=True):
            text = fold_whitespace(unit.text)
            if label == "body":
                body.append(text)
            elif label == "heading":
                body.append(text)
                headings.append(text)
            elif label == "credit":
                credits.append(text)
            elif label == "removed":
                removed.append(text)
        reason = self._non_article(page, decision)
        if reason:
            return Skip(page.doc.origin, f"not an article: {reason}")
        if not any(label == "body" for label in decision.labels):
            return Skip(page.doc.origin, "no article text left after cleaning")
        text = "\n\n".join(body)
        meta = page.doc.meta or {}
        title = decision.title
        url = page.url
        language = page.language or resources.detect_language(text)
        return Article(
            id=page.id,
            origin=page.doc.origin,
            title=title,
            text=text,
            url=url,
            site=page.site or outlet_from_credits(credits + decision.authors),  # "CBS News contributed to ..."
            published=page.published,
            language=str(language) if language else None,
            removed=removed,
            headings=headings,
            authors=decision.authors,
            credits=credits,
            story_key=str(meta["story"]) if meta.get("story") not in (None, "") else None,
            content_hash=content_hash(text),
        )
