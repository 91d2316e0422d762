"""Text helpers shared by the stages: normalisation, hashing, paragraphs and sentence segmentation."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from .model import Article, Sentence
from .resources import get_nlp

# Every Unicode space that is not a plain space or newline folds to a plain space.
_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_WORD = re.compile(r"\w+", re.UNICODE)


def normalize_text(text: str) -> str:
    """NFC, odd spaces folded to ' ', zero-width characters dropped, line ends unified, lines right-stripped."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    text = "\n".join(re.sub(r" {2,}", " ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def fold_whitespace(text: str) -> str:
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """Lower-cased word tokens (Unicode-aware)."""
    return _WORD.findall(text.lower())


def content_hash(text: str) -> str:
    """Hash of the words of a text: equal for copies that differ only in case, punctuation or spacing."""
    return hashlib.sha1(" ".join(words(text)).encode("utf-8")).hexdigest()


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


def _split_fallback(paragraph: str) -> list[str]:
    """Regex sentence splitter used when spaCy is not installed."""
    parts: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        parts.append(paragraph[start : match.end()].strip())
        start = match.end()
    parts.append(paragraph[start:].strip())
    out: list[str] = []
    for part in parts:
        if out and _ABBREV.search(out[-1]):
            out[-1] = out[-1] + " " + part
        elif part:
            out.append(part)
    return out


def _quote_balance(text: str) -> int:
    """Open minus closed curly/straight double quotes (straight quotes alternate)."""
    opens = text.count("“") + text.count("«")
    closes = text.count("”") + text.count("»")
    straight = text.count('"')
    return opens - closes + (straight % 2)


def _merge_open_quotes(sentences: list[str]) -> list[str]:
    """Join a sentence that opens a quotation with the following ones until it is closed, so that
    '“We are open. We prefer diplomacy,” he said.' stays one sentence (at most 3 joins, to survive typos)."""
    out: list[str] = []
    pending: str | None = None
    joins = 0
    for s in sentences:
        if pending is None:
            pending, joins = s, 0
        else:
            pending, joins = pending + " " + s, joins + 1
        if _quote_balance(pending) <= 0 or joins >= 3:
            out.append(pending)
            pending = None
    if pending is not None:
        out.append(pending)
    return out


def split_sentences(paragraph_texts: list[str]) -> list[list[str]]:
    """Sentences of each paragraph. spaCy's senter, fed paragraph by paragraph (fed whole documents it merges
    across blank lines); regex fallback without spaCy."""
    nlp = get_nlp()
    if nlp is None:
        raw = [_split_fallback(p) for p in paragraph_texts]
    else:
        raw = [
            [s.text.strip() for s in doc.sents if s.text.strip()]
            for doc in nlp.pipe(paragraph_texts, batch_size=64, disable=["ner", "tagger"])
        ]
    return [_merge_open_quotes(sents) for sents in raw]


def segment(article: Article) -> list[Sentence]:
    """Sentences and headings of an article, in order."""
    paras = paragraphs(article.text)
    headings = {h.strip() for h in article.headings}
    body_idx = [i for i, p in enumerate(paras) if p not in headings and not looks_like_heading(p)]
    split = dict(zip(body_idx, split_sentences([paras[i] for i in body_idx]), strict=True))
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
