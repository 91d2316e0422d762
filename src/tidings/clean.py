"""Clean: from raw documents to articles, with page junk removed and kept aside.

HTML goes through trafilatura (main-content extraction with metadata); plain text goes as it is. Both then
pass the same junk filter, which works on lines and combines signals that do not depend on one site:

- body anchors: lines that end like a sentence and are long enough. The article runs from the first to the
  last anchor; page chrome (section labels, captions, dates, language switchers) sits before it, comment
  forms and related links after it.
- lexical form: no final punctuation (title-like), codes and ids ('RU UA EN', '123017372 hi073356170'),
  date-only lines, and the share of words from a small multilingual lexicon of interface words (comment,
  subscribe, browser, newsletter...). The lexicon is one signal among several: a line is never dropped for
  one such word inside the body unless it is also far from the article's topic.
- cue blocks: a short cue line ('...:', or a short line followed by headlines) and the run of headline-like
  lines under it.
- repetition: a non-anchor line seen next to different text in several articles of the run (or two of the
  same site) is template text. The counter lives in the :class:`Cleaner`, so it spans batches.
- topical distance: cosine of a candidate line to the article (MiniLM sentence embeddings), computed only
  for the few lines whose fate depends on it, and only for languages the encoder knows.

In-body subheadings stay (also listed in ``Article.headings``); credit lines go to ``Article.credits``,
bylines to ``Article.authors``; everything removed is kept in ``Article.removed``.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from . import resources
from .model import Article, Document, Skip
from .settings import CleanSettings
from .text import content_hash, fold_whitespace, normalize_text, stable_id

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
    "mobile version channel headlines loading read previous next prev more site",
    # de
    "kommentar kommentare kommentieren antworten antwort abonnieren abonnement anmelden abmelden registrieren "
    "passwort teilen datenschutz impressum werbung anzeige weiterlesen zurück startseite drucken empfehlen "
    "autor autorin folgen herunterladen abspielen aktivieren verwandte ähnliche beliebt meistgelesen lesen",
    # fr
    "commentaire commentaires répondre abonner abonnez abonnement inscrivez inscription connexion partager "
    "partagez publicité suivez suivre télécharger lire accueil navigateur vidéo auteur confidentialité",
    # es
    "comentario comentarios responder suscríbete suscribirse boletín compartir comparte publicidad síguenos "
    "descargar leer lee inicio navegador autor privacidad relacionados relacionadas",
    # it, pt, nl
    "commento commenti rispondi iscriviti condividi pubblicità seguici scarica leggi accedi registrati "
    "comentário comentários assine inscreva compartilhe compartilhar publicidade siga baixe leia "
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
_CREDIT = re.compile(
    r"contributed (?:to )?(?:this |the )?(?:report|reporting|story|article)|contributed reporting"
    r"|(?:additional |with )?reporting by\b|\b(?:editing|edited|writing|written|compiled) by\b"
    r"|\bmit material von\b|\bcon información de\b|\bavec (?:l')?afp\b",
    re.I,
)
_CREDIT_HINTS = ("contribut", "reporting", " by ", "material", "información", "afp")
_BYLINE = re.compile(
    r"^(?:by|von|par|por|di|door|av|przez|автор|від)\s+([A-ZÀ-ÖØ-ÞА-ЯІЇЄ][\w.'’-]*(?:[\s,&]+[\w.'’-]+){0,7})$",
    re.I,
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|&|\band\b|\bund\b|\bet\b|\by\b|\bi\b)\s*")
_DATE_NUMERIC = re.compile(r"^\d{1,4}[./-]\d{1,2}(?:[./-]\d{1,4})?$")
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
    content: frozenset[str] = frozenset()

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


def _count_words(text: str) -> int:
    return len(text.split()) + len(_CJK.findall(text)) // 2


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
    if not tokens or len(tokens) > 7:
        return False
    if _DATE_NUMERIC.match(text.strip()):
        return True
    names = _calendar_words()
    has_name = False
    for token in tokens:
        if token in names:
            has_name = True
        elif not (_ORDINAL.match(token) or (token.isdigit() and len(token) == 4)):
            return False
    return has_name


def _features(unit: _Unit, settings: CleanSettings) -> _Unit:
    text = unit.text
    unit.n_words = _count_words(text)
    colon = text.endswith(":")
    unit.cue = colon and unit.n_words <= settings.cue_max_words
    unit.terminal = bool(_SENT_END.search(text)) or (colon and not unit.cue)
    tokens = _WORD.findall(text.lower())
    stop = _stop_words()
    unit.content = frozenset(
        t
        for t in tokens
        if len(t) >= settings.content_word_chars and not t.isdigit() and t not in stop and t not in UI_LEXICON
    )
    unit.ui = len([t for t in tokens if t in UI_LEXICON]) / len(tokens) if tokens else 0.0
    unit.code = _is_code(text)
    unit.date = unit.n_words <= 7 and not unit.code and _is_date(text)
    lower = text.lower()
    unit.credit = (
        unit.n_words <= settings.credit_max_words
        and any(hint in lower for hint in _CREDIT_HINTS)
        and bool(_CREDIT.search(text))
    )
    match = _PREFIX_CUE.match(text) if ":" in text else None
    if match and len(match.group(1).split()) <= 4 and not _SENT_END.search(match.group(2)):
        prefix = _WORD.findall(match.group(1).lower())
        unit.prefix_cue = any(t in UI_LEXICON for t in prefix)
    unit.key = hash(" ".join(tokens))
    return unit


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
    """Units of trafilatura's XML body: headings, paragraphs, list items and table rows keep their kind."""
    units: list[_Unit] = []
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
        elif tag == "graphic":
            continue
        else:
            units.extend(_split_block(normalize_text(_element_text(el)), "p", wrap))
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


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
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

    def overlap(self, i: int) -> float | None:
        """Share of the line's content words found in the body elsewhere; None for lines too short."""
        words = self.units[i].content
        if len(words) < self.s.lexical_min_words:
            return None
        own = i in self.anchor_set
        vocab = self.page.vocabulary
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

    def hard_junk(self, i: int) -> bool:
        u = self.units[i]
        return u.code or u.repeated or u.prefix_cue or u.date

    def kept(self, i: int) -> str:
        u = self.units[i]
        return "heading" if u.titleish(self.s) and u.kind in ("p", "head") else "body"

    # -- decision ---------------------------------------------------------------------------------

    def decide(self) -> _Decision:
        s = self.s
        anchors = list(self.page.anchors)
        labels, title, authors = self.label(anchors)
        # Body sentences cut off from the body by junk at the very end (or start) are page text when
        # they are off-topic: 'This site uses ... to reduce spam.' after a comment form.
        demoted: set[int] = set()
        for segment in self.edge_segments(labels, anchors):
            verdicts = [self.near(a, s.ui_max_cosine) for a in segment]
            off = [v is False or (v is None and self.units[a].ui > 0) for a, v in zip(segment, verdicts, strict=True)]
            if all(off):
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
                elif not (u.kind == "title_line" or self.hard_junk(i) or self.suspect_ui(i)):
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
            elif title and fold_whitespace(u.text).lower() == fold_whitespace(title).lower():
                labels[i] = "drop"
            elif (m := _BYLINE.match(u.text)) and u.n_words <= s.byline_max_words:
                labels[i] = "author"
                authors.extend(a for a in _split_authors(m.group(1)) if a not in authors)
            elif u.kind == "title_line" or self.hard_junk(i) or self.suspect_ui(i):
                labels[i] = "removed"
            elif page.from_html and self.near(i, s.edge_drop_cosine_html) is not False:
                labels[i] = self.kept(i)  # extracted HTML: the extractor's choice stands unless off-topic

        for i in range(first, n):  # body and bottom
            u = units[i]
            if i in self.anchor_set:
                labels[i] = "body"
            elif u.credit and after[i] <= s.credit_max_trailing_anchors:
                labels[i] = "credit"
            elif i in in_block or u.kind == "title_line" or self.hard_junk(i) or self.suspect_ui(i):
                labels[i] = "removed"
            elif i < last:
                labels[i] = self.kept(i)
            elif page.from_html:  # after the body of extracted HTML: kept unless off-topic
                if self.near(i, s.edge_drop_cosine_html) is not False:
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
            if i > last or (u.ui > 0 and (u.cue or u.n_words <= s.cue_max_words)):
                out.update(block)
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


class Cleaner:
    """Documents in, articles (or skips) out. Keeps a run-wide memory of lines seen, so template lines
    repeated across articles are recognised across batches."""

    def __init__(self, settings: CleanSettings) -> None:
        self.settings = settings
        self._seen: dict[int, set[int]] = {}
        self._seen_site: dict[tuple[str, int], set[int]] = {}
        self._embedder: resources.TextEncoder | None = None
        self._line_vectors: dict[str, np.ndarray] = {}

    # -- public ---------------------------------------------------------------------------------

    def clean(self, docs: list[Document]) -> list[Article | Skip]:
        pages: list[_Page | Skip] = [self._prepare(doc) for doc in docs]
        real = [p for p in pages if isinstance(p, _Page)]
        for page in real:
            self._remember(page)
        for page in real:
            self._mark_repeats(page)
        self._measure_topics(real)
        return [p if isinstance(p, Skip) else self._finish(p) for p in pages]

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
                url = url or extracted.url
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
        page = _Page(doc, units, title, choose_title, url, site or _domain(url), published, authors, from_html)
        page.anchors = [i for i, u in enumerate(units) if self._is_anchor(u)]
        for i in page.anchors:
            page.vocabulary.update(units[i].content)
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
            and u.kind != "table"
        )

    def _centroid_text(self, page: _Page) -> str:
        """What the article is about, in few words (encoding cost grows with length): the title and the
        openings of body paragraphs spread over the article."""
        budget = self.settings.centroid_chars
        parts = [page.title or ""]
        anchors = page.anchors
        if anchors:
            picks = self.settings.centroid_paragraphs
            step = max(1, len(anchors) / picks)
            chosen = sorted({anchors[min(len(anchors) - 1, int(k * step))] for k in range(picks)})
            share = max(1, budget // len(chosen))
            parts.extend(page.units[i].text[:share] for i in chosen)
        return " ".join(p for p in parts if p).strip()[: budget + len(page.title or "")]

    def _title_candidate(self, u: _Unit) -> bool:
        s = self.settings
        return (
            s.title_min_words <= u.n_words <= s.title_max_words
            and not (u.code or u.date or u.cue or u.repeated or u.prefix_cue)
            and u.ui < s.ui_density
            and not _BYLINE.match(u.text)
        )

    # -- repetition -------------------------------------------------------------------------------

    def _contexts(self, page: _Page) -> list[int]:
        """For each unit, a key of the body text next to it (the previous anchor, or the first one)."""
        anchors = page.anchors
        last = page.units[anchors[0]].key if anchors else hash(page.doc.origin)
        anchor_set = set(anchors)
        out: list[int] = []
        for i, u in enumerate(page.units):
            if i in anchor_set:
                last = u.key
            out.append(last)
        return out

    def _remember(self, page: _Page) -> None:
        """Count each non-anchor line once per article, with the body text next to it (so that copies of
        one article, which share the neighbours too, count once)."""
        s = self.settings
        cap = max(s.repeated_block_min_sites, s.repeated_block_min_site_docs)
        anchor_set = set(page.anchors)
        contexts = self._contexts(page)
        done: set[int] = set()
        for i, u in enumerate(page.units):
            if i in anchor_set or u.kind == "title_line" or u.key in done:
                continue
            done.add(u.key)
            seen = self._seen.setdefault(u.key, set())
            if len(seen) < cap:
                seen.add(contexts[i])
            if page.site:
                seen_site = self._seen_site.setdefault((page.site, u.key), set())
                if len(seen_site) < cap:
                    seen_site.add(contexts[i])
        if len(self._seen) > s.repeat_memory_lines:
            self._seen = {k: v for k, v in self._seen.items() if len(v) > 1}
        if len(self._seen_site) > s.repeat_memory_lines:
            self._seen_site = {k: v for k, v in self._seen_site.items() if len(v) > 1}

    def _mark_repeats(self, page: _Page) -> None:
        s = self.settings
        anchor_set = set(page.anchors)
        for i, u in enumerate(page.units):
            if i in anchor_set or u.kind == "title_line":
                continue
            across = len(self._seen.get(u.key, ()))
            on_site = len(self._seen_site.get((page.site, u.key), ())) if page.site else 0
            u.repeated = across >= s.repeated_block_min_sites or on_site >= s.repeated_block_min_site_docs

    # -- topical distance --------------------------------------------------------------------------

    def _encoder(self) -> resources.TextEncoder:
        if self._embedder is None:
            self._embedder = resources.get_embedder()
        return self._embedder

    def _scale(self) -> float:
        encoder = self._encoder()
        return self.settings.hashing_cosine_scale if isinstance(encoder, resources.HashingEncoder) else 1.0

    def _measure_topics(self, pages: list[_Page]) -> None:
        """Embed, in one call, the centroids and the candidate lines whose fate depends on topic. Line
        vectors are cached: template lines recur across articles."""
        wanted: list[tuple[_Page, list[int]]] = []
        for page in pages:
            if page.topic_language:
                needs = _Judge(self, page, probe=True).decide().needs
                if needs:
                    wanted.append((page, sorted(needs)))
        if not wanted:
            return
        texts = [page.centroid for page, _ in wanted]
        lines = {page.units[i].text for page, needs in wanted for i in needs} - self._line_vectors.keys()
        new_lines = sorted(lines)
        vectors = self._encoder().encode(texts + new_lines, batch_size=self.settings.embed_batch_size)
        if len(self._line_vectors) + len(new_lines) > self.settings.vector_cache_lines:
            self._line_vectors.clear()
        self._line_vectors.update(zip(new_lines, vectors[len(texts) :], strict=True))
        for row, (page, needs) in enumerate(wanted):
            centroid = vectors[row]
            for i in needs:
                page.cos[i] = float(np.dot(self._line_vectors[page.units[i].text], centroid))

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
        if not any(label == "body" for label in decision.labels):
            return Skip(page.doc.origin, "no article text left after cleaning")
        text = "\n\n".join(body)
        meta = page.doc.meta or {}
        title = decision.title
        url = page.url
        language = page.language or resources.detect_language(text)
        return Article(
            id=stable_id(url or "", title or "", text, prefix="a"),
            origin=page.doc.origin,
            title=title,
            text=text,
            url=url,
            site=page.site,
            published=page.published,
            language=str(language) if language else None,
            removed=removed,
            headings=headings,
            authors=decision.authors,
            credits=credits,
            story_key=str(meta["story"]) if meta.get("story") not in (None, "") else None,
            content_hash=content_hash(text),
        )
