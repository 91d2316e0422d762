"""Direct quotations and their speakers on PolNeAR (political news with gold attribution relations).

Reads ``../shared/corpora/polnear`` at run time (the .tar.xz is read in place; nothing is copied here).

Gold. Each PolNeAR attribution has a content span (possibly in pieces), a cue and usually a source. An
attribution is a **direct quote** when at least ``--direct-share`` (0.8) of the letters and digits of its
content are inside quotation marks; the gold quote is then the quoted part of the content. Attributions with
some quoted text but less than that share are **partial quotes** ('Obama said he is "surprised and troubled"
by ...'). Where an article has several annotators, the first annotation file (sorted by name) is used.
Attributions inside the title line are left out (tidings reads the title separately).

Scores. A predicted quote matches a gold quote of the same article when the Jaccard index of their word sets is
at least ``--jaccard`` (0.5), one-to-one, best pairs first. Also reported: exact (same word sequence) and
partial overlap (overlap coefficient |P∩G|/min(|P|,|G|) >= 0.5). Two precision views: *strict* counts every
unmatched prediction as a false positive; *partial quotes neutral* does not count predictions that match a
gold partial quote (tidings also reports attributed partial quotes, by design). Speaker accuracy is measured on
matched direct quotes: the predicted speaker is right when it shares a name word with the gold source (titles,
determiners and possessives ignored; 'Antony Blinken' ~ 'Secretary of State Antony Blinken'; a phrase of such words
only, 'The senator', must be the same words). A gold source that is only a speech verb ('said': the annotator
marked the cue as the source) counts as no source. PolNeAR has no coreference, so a gold source that is an
anaphor -- a pronoun, or a definite description without a name ('the mayor', 'the president') -- is compared
with the nearest earlier source of a gold attribution of the article -- any attribution, indirect speech too
('Sen. Jane Roe said he doubted it. "...," he said') -- that could be its referent: not an anaphor itself; for
he/she and descriptions one that names someone (a capitalised word that is not a title) and, for he/she, is
not of the other gender (from its own words, 'Mr', 'chairwoman', or the first he/she after its surname in the
text); a description also counts as right when the prediction is the description itself. Anaphors with no such
earlier source are not scored (their number is printed). Two rows break the anaphors down: a gold 'they', and a
gold document ('the statement', 'the bankruptcy filing'; a description, so the description itself counts as right
and an issuer only when it is the nearest earlier gold source: read its lines with ``--errors``). This is an
approximation (the referent may be a person the article never quotes); the row on names and indefinite
descriptions needs none.

Usage::

    .venv/bin/python benchmarks/quotes.py                 # test split (84 articles)
    .venv/bin/python benchmarks/quotes.py --split dev     # the split used to choose the settings
    .venv/bin/python benchmarks/quotes.py --limit 20 --errors 10
    .venv/bin/python benchmarks/quotes.py --compare-parser   # speakers the parse changes, with hand verdicts
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tarfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
POLNEAR = SHARED / "corpora" / "polnear" / "polnear-v1.0.0-text-attributions.tar.xz"

_WORD = re.compile(r"\w+")
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "his", "her", "their"}
_IGNORE = frozenset(
    re.findall(
        r"\w+",
        "the a an of and mr mrs ms dr s president secretary state former sen senator gov governor rep candidate "
        "nominee democratic republican presidential vice u us campaign in for to on at his her their its by",
    )
)
"""Words that do not identify a speaker (titles, determiners) when comparing names."""


@dataclass
class Gold:
    words: list[str]
    source: str | None
    offset: int
    direct: bool


@dataclass
class Doc:
    name: str
    title: str
    paragraphs: list[str]
    gold: list[Gold] = field(default_factory=list)
    sources: list[tuple[int, str]] = field(default_factory=list)  # every attribution's source, quoted or not
    raw: str = ""


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def quoted_mask(text: str) -> list[bool]:
    """True for characters inside quotation marks, line by line (curly marks, straight ones alternating)."""
    mask = [False] * len(text)
    pos = 0
    for line in text.split("\n"):
        inside = False
        for i, ch in enumerate(line):
            if ch in "“«":
                inside = True
            elif ch in "”»":
                inside = False
            elif ch == '"':
                inside = not inside
            else:
                mask[pos + i] = inside
        pos += len(line) + 1
    return mask


def parse_ann(text: str) -> tuple[dict[str, tuple[str, list[tuple[int, int]]]], list[dict[str, str]]]:
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    rels: list[dict[str, str]] = []
    for line in text.splitlines():
        if line.startswith("T") and line.count("\t") >= 1:
            tid, info = line.split("\t")[:2]
            kind, rest = info.split(" ", 1)
            spans[tid] = (kind, [(int(a), int(b)) for a, b in (p.split() for p in rest.split(";"))])
        elif line.startswith("E") and "\t" in line:
            info = line.split("\t")[1]
            rels.append(dict(x.split(":", 1) for x in info.split()))
    return spans, rels


def load(split: str, direct_share: float) -> list[Doc]:
    """Articles of a PolNeAR split with their gold direct and partial quotes."""
    if not POLNEAR.exists():
        sys.exit(f"{POLNEAR} is absent: this benchmark reads ../shared at run time")
    texts: dict[str, str] = {}
    anns: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with tarfile.open(POLNEAR, "r:xz") as tar:
        for member in tar:
            parts = member.name.split("/")
            if not member.isfile() or len(parts) < 4 or parts[-3] != split:
                continue
            data = tar.extractfile(member).read().decode("utf-8")  # type: ignore[union-attr]
            if parts[-2] == "text" and parts[-1].endswith(".txt"):
                texts[parts[-1][:-4]] = data
            elif parts[-2] == "attributions" and parts[-1].endswith(".ann"):
                anns[parts[-1][:-4].rsplit("_", 1)[0]].append((parts[-1], data))
    docs: list[Doc] = []
    for name in sorted(texts):
        if name not in anns:
            continue
        raw = texts[name]
        title_end = raw.find("\n")
        lines = raw.split("\n")
        doc = Doc(name, lines[0].strip(), [ln.strip() for ln in lines[1:] if ln.strip()], raw=raw)
        mask = quoted_mask(raw)
        spans, rels = parse_ann(sorted(anns[name])[0][1])
        for rel in rels:
            content = spans.get(rel.get("Content", ""))
            if content is None:
                continue
            idx = [i for a, b in content[1] for i in range(a, b) if raw[i].isalnum()]
            if not idx or idx[0] < title_end:
                continue
            source = spans.get(rel.get("Source", ""))
            src_text = " ".join(raw[a:b] for a, b in source[1]) if source else None
            src_at = source[1][0][0] if source else -1
            if src_text:
                doc.sources.append((src_at, src_text))
            share = sum(mask[i] for i in idx) / len(idx)
            if share == 0:
                continue
            quoted = "".join(raw[i] if mask[i] else " " for a, b in content[1] for i in range(a, b))
            ws = words(quoted)
            if ws:
                doc.gold.append(Gold(ws, src_text, src_at, share >= direct_share))
        docs.append(doc)
    return docs


def jaccard(a: list[str], b: list[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def overlap(a: list[str], b: list[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / min(len(sa), len(sb)) if sa and sb else 0.0


def match(pred: list[list[str]], gold: list[list[str]], kind: str, threshold: float) -> list[tuple[int, int]]:
    """One-to-one matching of predictions to gold, best pairs first."""
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            if kind == "exact":
                score = 1.0 if p == g else 0.0
            elif kind == "jaccard":
                score = jaccard(p, g)
            else:
                score = overlap(p, g)
            if score >= threshold and score > 0:
                pairs.append((score, i, j))
    pairs.sort(reverse=True)
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for _score, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


def name_words(text: str | None) -> set[str]:
    if not text:
        return set()
    text = re.sub(r"['’]s\b", "", text)
    return {w for w in words(text) if w not in _IGNORE}


_CUE_WORDS = {"said", "says", "say", "told", "tells", "added", "according"}
"""A gold source that is only a speech verb is an annotation slip (the cue marked as source): no source."""


_DOCUMENTS = frozenset(
    re.findall(r"\w+", "statement letter report filing release email memo post tweet message note ad complaint lawsuit")
)
"""Head nouns of a gold source that is a document ('the statement', 'the bankruptcy filing'): its own row."""


def source_class(source: str) -> str | None:
    """'they' for a gold they/them, 'document' for a definite phrase that ends in a document noun, else None."""
    ws = words(source)
    if ws in (["they"], ["them"], ["their"]):
        return "they"
    # (a capitalised last word is a newspaper: 'the Post')
    if 2 <= len(ws) <= 4 and ws[0] == "the" and ws[-1] in _DOCUMENTS and source.split()[-1][:1].islower():
        return "document"
    return None


def is_anaphor(source: str) -> bool:
    """A pronoun, or a definite description with no proper name ('the mayor', 'The senator'): its referent is
    elsewhere in the article."""
    ws = source.split()
    if source.strip().lower() in _PRONOUNS:
        return True
    return len(ws) <= 4 and ws[0].lower() == "the" and not any(w[:1].isupper() for w in ws[1:])


def person_like(source: str) -> bool:
    """A gold source that names someone: a capitalised word that is not a title or determiner and is not merely
    capitalised because it starts the source ('Small groups of protesters', 'The article' are not)."""
    ws = re.findall(r"[\w.’'-]+", source)
    for n, w in enumerate(ws):
        if not w[:1].isupper() or w.lower().strip(".") in _IGNORE:
            continue
        if n > 0 or len(ws) == 1 or ws[1][:1].isupper():
            return True
    return False


_MALE_WORDS = {"mr", "he", "his", "him", "man", "chairman", "congressman", "father", "husband", "son", "king"}
_FEMALE_WORDS = {"ms", "mrs", "miss", "she", "her", "woman", "chairwoman", "congresswoman", "mother", "wife",
                 "widow", "daughter", "queen"}  # fmt: skip


def gender_of(doc: Doc, source: str) -> str | None:
    """'m', 'f' or None for a gold source: from its own words (Mr, chairwoman), else from the first he/she within
    15 words after each mention of its last name in the article text (majority). Used only to rule out an
    antecedent of the wrong gender for a gold he/she."""
    ws = words(source.split(",")[0])
    votes = {"m": sum(w in _MALE_WORDS for w in ws), "f": sum(w in _FEMALE_WORDS for w in ws)}
    if votes["m"] == votes["f"]:
        names = [w for w in re.findall(r"[A-Z][\w’'-]+", source.split(",")[0]) if w.lower() not in _IGNORE]
        if names:
            for m in re.finditer(rf"\b{re.escape(names[-1])}\b", doc.raw):
                for w in words(doc.raw[m.end() : m.end() + 120])[:15]:
                    if w in ("he", "him", "his"):
                        votes["m"] += 1
                        break
                    if w in ("she", "her"):
                        votes["f"] += 1
                        break
    if votes["m"] == votes["f"]:
        return None
    return "m" if votes["m"] > votes["f"] else "f"


def antecedents(doc: Doc, g: Gold, n: int) -> list[str]:
    """The gold source; for an anaphor (he/she, 'the mayor') the ``n`` nearest earlier sources of the article's
    attributions (quoted or not: 'Roe said he doubted it' introduces the 'he said' after it) that could be its
    referent: not anaphors themselves, and naming someone (person_like) for he/she and definite descriptions, any
    source for it/they/we. PolNeAR has no coreference: an approximation."""
    if g.source is None or not is_anaphor(g.source):
        return [g.source] if g.source else []
    low = g.source.strip().lower()
    need_person = low not in ("it", "they", "we", "their")
    want = {"he": "m", "his": "m", "she": "f", "her": "f"}.get(low)
    earlier = sorted(
        ((at, src) for at, src in doc.sources if not is_anaphor(src)
         and src.strip().lower() not in _CUE_WORDS and (person_like(src) or not need_person)
         and 0 <= at < g.offset and (want is None or gender_of(doc, src) in (None, want))),
        reverse=True,
    )  # fmt: skip
    out: list[str] = []
    for _, src in earlier:  # distinct referents
        if not any(speaker_ok(src, x) for x in out):
            out.append(src)
    return out[:n]


def speaker_ok(pred: str | None, gold: str | None) -> bool:
    """Same person: a shared name word; for phrases of ignored words only ('The senator'), the same words."""
    a, b = name_words(pred), name_words(gold)
    if a and b:
        return bool(a & b)
    return bool(pred and gold) and words(pred or "") == words(gold or "")


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="test", choices=["train", "dev", "test"])
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--jaccard", type=float, default=0.5, help="word-set Jaccard for a match")
    parser.add_argument("--direct-share", type=float, default=0.8, help="quoted share of a direct quote's content")
    parser.add_argument("--no-spacy", action="store_true", help="the rule-based fallback (no spaCy)")
    parser.add_argument("--errors", type=int, default=0, help="print up to N misses / false positives / speakers")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="an AnalyzeSettings value")
    parser.add_argument(
        "--compare-parser", action="store_true", help="quotes whose speaker the dependency parse changes, and verdicts"
    )
    args = parser.parse_args()
    if args.no_spacy:
        os.environ["TIDINGS_NO_SPACY"] = "1"

    sys.path.insert(0, str(ROOT / "src"))
    from tidings.model import Article
    from tidings.quotes import extract_quotes
    from tidings.settings import AnalyzeSettings
    from tidings.text import segment

    settings = AnalyzeSettings()
    for item in args.set:
        name, _, value = item.partition("=")
        default = getattr(settings, name)
        parsed = value.lower() in ("1", "true", "yes") if isinstance(default, bool) else type(default)(value)
        setattr(settings, name, parsed)

    docs = load(args.split, args.direct_share)[: args.limit]
    if args.compare_parser:
        compare_parser(docs, args.split, settings)
        return
    t0 = time.perf_counter()
    preds: list[list[tuple[list[str], str | None, str]]] = []
    for doc in docs:
        article = Article(id=doc.name, origin=doc.name, title=doc.title, text="\n\n".join(doc.paragraphs))
        quotes = extract_quotes(article, segment(article), settings)
        preds.append([(words(q.text), q.speaker, q.text) for q in quotes])
    seconds = time.perf_counter() - t0

    n_gold = sum(1 for d in docs for g in d.gold if g.direct)
    n_partial = sum(1 for d in docs for g in d.gold if not g.direct)
    n_pred = sum(len(p) for p in preds)
    rows = []
    speaker: dict[str, list[bool]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    for kind, threshold in (("jaccard", args.jaccard), ("exact", 1.0), ("overlap", 0.5)):
        tp = neutral = 0
        for doc, pred in zip(docs, preds, strict=True):
            direct = [g for g in doc.gold if g.direct]
            partial = [g for g in doc.gold if not g.direct]
            pairs = match([p[0] for p in pred], [g.words for g in direct], kind, threshold)
            tp += len(pairs)
            rest = [i for i in range(len(pred)) if i not in {i for i, _ in pairs}]
            pairs_partial = match([pred[i][0] for i in rest], [g.words for g in partial], kind, threshold)
            neutral += len(pairs_partial)
            if kind == "jaccard":
                score_speakers(doc, pred, direct, pairs, speaker, errors)
                hit = {j for _, j in pairs}
                errors["missed"] += [f"{doc.name}: [{g.source}] {' '.join(g.words)[:110]}" for j, g in enumerate(direct)
                                     if j not in hit]  # fmt: skip
                partial_hit = {rest[i] for i, _ in pairs_partial}
                errors["false positive"] += [f"{doc.name}: [{pred[i][1]}] {pred[i][2][:110]}" for i in rest
                                             if i not in partial_hit]  # fmt: skip
        p, r, f = prf(tp, n_pred, n_gold)
        pn, _, fn = prf(tp, n_pred - neutral, n_gold)
        label = {"jaccard": f"Jaccard >= {args.jaccard}", "exact": "exact", "overlap": "overlap coefficient >= 0.5"}
        rows.append((label[kind], tp, p, r, f, pn, fn))

    mode = "rule-based fallback, no spaCy" if args.no_spacy else "spaCy NER"
    changed = f", settings: {' '.join(args.set)}" if args.set else ""
    print(f"\n### Direct quotes, PolNeAR {args.split} ({len(docs)} articles, {mode}{changed})\n")
    print(f"gold direct quotes {n_gold}, gold partial quotes {n_partial}, predicted quotes {n_pred}; ", end="")
    print(f"{seconds:.1f} s, {len(docs) / seconds:.1f} articles/s (sentence segmentation included)\n")
    print("| match | TP | P (strict) | R | F1 (strict) | P (partial quotes neutral) | F1 (partial quotes neutral) |")
    print("|---|---|---|---|---|---|---|")
    for label, tp, p, r, f, pn, fn in rows:
        print(f"| {label} | {tp} | {p:.3f} | {r:.3f} | {f:.3f} | {pn:.3f} | {fn:.3f} |")
    print("\n### Speaker accuracy on matched direct quotes (Jaccard match)\n")
    print(f"(not scored: {len(speaker['unresolvable'])} anaphors with no compatible earlier gold source)\n")
    print("| gold source | n | accuracy |")
    print("|---|---|---|")
    named, anaphor, anaphor3 = speaker["named"], speaker["anaphor"], speaker["anaphor3"]
    for label, ok in (
        ("a name or an indefinite description", named),
        ("a pronoun or 'the <role>', vs the nearest earlier compatible gold source (approximate, strict)", anaphor),
        ("a pronoun or 'the <role>', vs any of the 3 nearest (approximate, lenient)", anaphor3),
        ("of which 'they' (strict)", speaker["they"]),
        ("of which a document, 'the statement' (strict; the description itself counts as right)", speaker["document"]),
        ("all, anaphors strict", named + anaphor),
        ("all, anaphors lenient", named + anaphor3),
    ):
        print(f"| {label} | {len(ok)} | {sum(ok) / max(len(ok), 1):.3f} |")
    if args.errors:
        for kind, items in errors.items():
            print(f"\n#### {kind} ({len(items)})")
            for line in items[: args.errors]:
                print("-", line)


CHANGES = Path(__file__).resolve().parent / "speaker_changes_polnear.tsv"


def compare_parser(docs: list[Doc], split: str, settings: object) -> None:
    """Every quote whose speaker differs with and without ``quote_parser``, and the hand verdicts of
    ``speaker_changes_polnear.tsv`` on them (which one is right, judged by reading the article): the speaker row of
    the main table scores pronouns against an approximate antecedent, this one does not."""
    import csv
    import hashlib
    from dataclasses import replace

    from tidings.model import Article
    from tidings.quotes import extract_quotes
    from tidings.text import segment

    def key(text: str) -> str:
        return hashlib.sha1(" ".join(words(text)[:12]).encode("utf-8")).hexdigest()[:10]

    verdicts: dict[tuple[str, ...], str] = {}
    if CHANGES.exists():
        with open(CHANGES, encoding="utf-8") as fh:
            for r in csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"):
                verdicts[r["split"], r["article"], r["hash"], r["rules"], r["parse"]] = r["right"]
    tally: dict[str, int] = defaultdict(int)
    for doc in docs:
        article = Article(id=doc.name, origin=doc.name, title=doc.title, text="\n\n".join(doc.paragraphs))
        sentences = segment(article)
        rules = extract_quotes(article, sentences, replace(settings, quote_parser=False))  # type: ignore[type-var]
        parse = extract_quotes(article, sentences, replace(settings, quote_parser=True))  # type: ignore[type-var]
        for a, b in zip(rules, parse, strict=True):
            if a.speaker != b.speaker:
                verdict = verdicts.get((split, doc.name, key(a.text), a.speaker or "", b.speaker or ""), "unjudged")
                tally[verdict] += 1
                if verdict == "unjudged":
                    print(f"unjudged: {doc.name}\t{key(a.text)}\t{a.speaker}\t{b.speaker}")
    print(f"\n### Quotes whose speaker the parse changes, PolNeAR {split} ({len(docs)} articles)\n")
    print("| right | quotes |")
    print("|---|---|")
    for verdict in ("new", "old", "neither", "same", "unjudged"):
        print(f"| {verdict} | {tally[verdict]} |")


def score_speakers(
    doc: Doc,
    pred: list[tuple[list[str], str | None, str]],
    direct: list[Gold],
    pairs: list[tuple[int, int]],
    speaker: dict[str, list[bool]],
    errors: dict[str, list[str]],
) -> None:
    """Speaker right or wrong for each matched direct quote whose gold has a source (a source that is only a
    speech verb, an annotation slip, counts as no source). An anaphor (he, she, 'the mayor') is right when the
    prediction is the nearest earlier gold source that could be its referent (see ``antecedents``), or, for a
    description, the description itself."""
    for i, j in pairs:
        g = direct[j]
        if g.source is None or g.source.strip().lower() in _CUE_WORDS:
            continue
        anaphor = is_anaphor(g.source)
        same = speaker_ok(pred[i][1], g.source) and g.source.strip().lower() not in _PRONOUNS  # 'the mayor'
        if anaphor and not same and not antecedents(doc, g, 1):
            speaker["unresolvable"].append(False)
            continue  # no earlier gold source can be its referent: not scored
        ok = same or any(speaker_ok(pred[i][1], a) for a in antecedents(doc, g, 1))
        speaker["anaphor" if anaphor else "named"].append(ok)
        cls = source_class(g.source)
        if cls is not None:
            speaker[cls].append(ok)
            ants = antecedents(doc, g, 1)
            errors[cls].append(
                f"{doc.name}: {'ok' if ok else 'WRONG'} pred={pred[i][1]!r} gold={g.source!r}"
                f"{f' ~ {ants[0]!r}' if ants else ''}: {pred[i][2][:70]}"
            )
        if anaphor:
            lenient = ok or any(speaker_ok(pred[i][1], a) for a in antecedents(doc, g, 3))
            speaker["anaphor3"].append(lenient)
        if not ok:
            ants = antecedents(doc, g, 1) if anaphor else []
            errors["speaker"].append(
                f"{doc.name}: pred={pred[i][1]!r} gold={g.source!r}{f' ~ {ants[0]!r}' if ants else ''}: "
                f"{pred[i][2][:90]}"
            )


if __name__ == "__main__":
    main()
