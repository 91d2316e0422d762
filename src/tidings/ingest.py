"""Ingest: turn files, folders, URLs, feeds and JSONL on stdin into :class:`Document` items.

Every input either yields documents or a :class:`Skip` with a one-line reason; one bad input never stops the
iteration: each source (and each file of a folder) is read inside a skip boundary, and every document passes
:func:`checked` on its way out (metadata fields of the wrong type or an unparseable url skip it; lone surrogates and
NUL characters, which no encoder or database takes, are replaced).

Formats are chosen by file extension (``.gz`` is unwrapped first, its decompressed size capped); URLs and ``.xml``
files are sniffed for RSS/Atom. Bytes are decoded as UTF-8, or with the declared charset, or
with the encoding charset-normalizer detects; text is Unicode-normalised (NFC, odd spaces folded). HTML is
passed on whole: the clean stage extracts the article with trafilatura.
"""

from __future__ import annotations

import calendar
import gzip
import io
import json
import logging
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import charset_normalizer
import httpx

from .model import Document, Skip
from .settings import IngestSettings
from .text import normalize_text

log = logging.getLogger(__name__)

Item = Document | Skip

TEXT_EXTENSIONS = {".txt", ".text", ".md", ".markdown"}
HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}
JSON_EXTENSIONS = {".json"}
JSONL_EXTENSIONS = {".jsonl", ".ndjson"}
WARC_EXTENSIONS = {".warc"}
FEED_EXTENSIONS = {".xml", ".rss", ".atom"}
SUPPORTED = TEXT_EXTENSIONS | HTML_EXTENSIONS | JSON_EXTENSIONS | JSONL_EXTENSIONS | WARC_EXTENSIONS | FEED_EXTENSIONS

# Fields of a JSON/JSONL record that are carried into Document.meta, with the JSON types each may have (checked at
# the ingest boundary by :func:`checked`: a wrong type skips the record with a one-line reason).
META_TYPES: dict[str, tuple[type, ...]] = {
    "title": (str,),
    "url": (str,),
    "published": (str, int, float),  # an ISO date or a Unix timestamp
    "site": (str,),
    "language": (str,),
    "story": (str, int),  # a story key of a labelled data set may be a number
    "author": (str,),
    "authors": (str, list),  # a list of strings
}
META_FIELDS = tuple(META_TYPES)

# Text that no encoder, XML tree or database takes: lone UTF-16 surrogates (a JSON '\\ud800', a non-UTF-8 file name
# decoded with surrogateescape) become U+FFFD; C0 controls but tab and line ends go (lxml refuses them in a tree,
# PostgreSQL text cannot hold NUL), vertical tab and form feed (whitespace in HTML) become spaces, and the
# noncharacters U+FFFE and U+FFFF go.
_UNENCODABLE = re.compile(r"[\ud800-\udfff]")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A numeric character reference to a surrogate or past U+10FFFF: feedparser raises on it ('&#xD800;').
_BAD_CHARREF = re.compile(rb"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_FEED_SNIFF = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.I)
_HTML_SNIFF = re.compile(rb"<(!doctype html|html|head|body)[\s>]", re.I)
_MD_HEADING = re.compile(r"^#{1,6}\s+", re.M)
_CHARSET_PARAM = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


class _TooLarge(Exception):
    """A stream grew past the size cap."""


def iter_documents(
    sources: Iterable[str],
    settings: IngestSettings,
    *,
    client: httpx.Client | None = None,
    stdin: IO[bytes] | None = None,
) -> Iterator[Document | Skip]:
    """Documents (or skips) from each source in order: a file, a folder (recursive, sorted, hidden files
    left out), an http(s) URL (page, feed or data file), or '-' for JSONL on stdin.

    ``client`` replaces the default httpx client (tests, proxies); ``stdin`` replaces ``sys.stdin.buffer``.
    """
    own_client: httpx.Client | None = None
    try:
        for source in sources:
            items: Iterator[Item]
            if source == "-":
                stream = stdin if stdin is not None else sys.stdin.buffer
                items = _iter_jsonl_stream(stream, "<stdin>", settings)
            elif source.startswith(("http://", "https://")):
                if client is None and own_client is None:
                    own_client = make_client(settings)
                items = iter_url(source, client or own_client, settings)  # type: ignore[arg-type]
            else:
                items = _iter_path(source, settings)
            for item in guarded(scrub(source), items):
                yield checked(item)
    finally:
        if own_client is not None:
            own_client.close()


def guarded(origin: str, items: Iterator[Item]) -> Iterator[Item]:
    """``items``, or, when reading them raises, a Skip naming ``origin`` and the error (the items already read stay
    read): the skip boundary around each source and each file of a folder."""
    try:
        yield from items
    except Exception as exc:  # a parser's bug on odd input must cost that input, not the run
        log.warning("reading %s failed", origin, exc_info=True)
        yield Skip(origin, f"unreadable ({error_line(exc)})")


def error_line(exc: BaseException) -> str:
    """'TypeName: first line of the message', at most 160 characters."""
    message = (str(exc).splitlines() or [""])[0]
    return scrub(f"{type(exc).__name__}: {message}" if message else type(exc).__name__)[:160]


def scrub(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD and control characters (but tab and line ends) removed:
    storable, printable and fit for an XML tree."""
    return _NOT_XML.sub(_space_or_nothing, _UNENCODABLE.sub("\ufffd", text))


def _space_or_nothing(match: re.Match[str]) -> str:
    return " " if match.group() in "\x0b\x0c" else ""


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrub_value(v) for v in value]
    if isinstance(value, dict):
        return {scrub(str(k)): _scrub_value(v) for k, v in value.items()}
    return value


def meta_problem(meta: dict[str, Any]) -> str | None:
    """Why a document's metadata cannot be used (a field of the wrong type, an unparseable url), or None."""
    for key, types in META_TYPES.items():
        value = meta.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, types):
            return f"field {key!r} must be {' or '.join(_TYPE_NAMES[t] for t in types)}, not {_json_type(value)}"
        if key == "authors" and isinstance(value, list) and not all(isinstance(v, str) for v in value):
            return "field 'authors' must be a list of strings"
    url = meta.get("url")
    if url is not None and (reason := url_problem(url)):
        return f"invalid url {url[:100]!r} ({reason})"
    return None


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be parsed (a bad IPv6 host, a port out of range), or None."""
    try:
        parts = urlsplit(url)
        _ = parts.hostname, parts.port
    except ValueError as exc:
        return str(exc)
    return None


_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", list: "a list", dict: "an object"}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    return _TYPE_NAMES.get(type(value), f"a {type(value).__name__}")


def checked(item: Item) -> Item:
    """An item as it leaves ingest: every string scrubbed (:func:`scrub`), metadata checked (:func:`meta_problem`);
    a document with bad metadata becomes a Skip naming its origin and the field."""
    if isinstance(item, Skip):
        return Skip(scrub(item.origin), scrub(item.reason))
    origin = scrub(item.origin)
    meta = _scrub_value(item.meta or {})
    problem = meta_problem(meta)
    if problem:
        return Skip(origin, problem)
    return Document(origin, scrub(item.content), item.kind, meta)


def make_client(settings: IngestSettings) -> httpx.Client:
    """The HTTP client ingest uses: timeouts, redirects and a user agent from the settings."""
    return httpx.Client(
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        timeout=httpx.Timeout(settings.http_timeout),
        headers={"User-Agent": settings.user_agent, "Accept": "text/html, application/xhtml+xml, */*;q=0.8"},
    )


# ---------------------------------------------------------------------------------------------- paths


def _iter_path(source: str, settings: IngestSettings) -> Iterator[Item]:
    path = Path(source)
    if not path.exists():
        yield Skip(source, "no such file")
    elif path.is_dir():
        for child in _walk(path):
            name = os.path.join(source, child)
            yield from guarded(scrub(name), _iter_file(name, settings))  # a non-UTF-8 name is read, shown with U+FFFD
    else:
        yield from _iter_file(source, settings)


def _walk(folder: Path) -> list[str]:
    """Relative paths of the files under ``folder``, sorted, hidden files and folders left out."""
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel_root = os.path.relpath(root, folder)
        for name in sorted(files):
            if not name.startswith("."):
                found.append(name if rel_root == "." else os.path.join(rel_root, name))
    return sorted(found)


def _suffixes(name: str) -> tuple[str, bool]:
    """(format extension, gzipped?) of a file or URL path: 'a.warc.gz' -> ('.warc', True)."""
    lower = name.lower()
    gz = lower.endswith(".gz")
    if gz:
        lower = lower[:-3]
    return os.path.splitext(lower)[1], gz


def _iter_file(origin: str, settings: IngestSettings) -> Iterator[Item]:
    ext, gz = _suffixes(origin)
    if ext not in SUPPORTED:
        yield Skip(origin, f"unsupported extension {ext or '(none)'!r}")
        return
    try:
        size = os.path.getsize(origin)
        if size == 0:
            yield Skip(origin, "empty file")
            return
        if size > settings.max_bytes:
            yield Skip(origin, f"file too large ({_mb(size)} > {_mb(settings.max_bytes)} cap)")
            return
        if ext in WARC_EXTENSIONS:  # warcio reads .warc and record-compressed .warc.gz itself
            with open(origin, "rb") as fh:
                yield from _iter_warc(fh, origin, settings)
            return
        with open(origin, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        yield Skip(origin, f"cannot read ({exc.strerror or exc})")
        return
    if gz:
        unpacked = _gunzip_or_skip(origin, data, settings)
        if isinstance(unpacked, Skip):
            yield unpacked
            return
        data = unpacked
    yield from _iter_bytes(origin, ext, data, settings, {})


def _gunzip_or_skip(origin: str, data: bytes, settings: IngestSettings) -> bytes | Skip:
    """Decompressed bytes, or the Skip that says why they could not be had."""
    try:
        return _gunzip(data, settings)
    except _TooLarge:
        return Skip(origin, f"decompressed size over the {_mb(settings.max_bytes)} cap")
    except (OSError, EOFError, zlib.error) as exc:
        return Skip(origin, f"corrupt gzip ({exc})")


def _gunzip(data: bytes, settings: IngestSettings) -> bytes:
    """Decompress, stopping as soon as the output passes the size cap (gzip bombs)."""
    out = bytearray()
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
        while chunk := gz.read(settings.read_chunk_bytes):
            out += chunk
            if len(out) > settings.max_bytes:
                raise _TooLarge
    return bytes(out)


def _iter_bytes(
    origin: str, ext: str, data: bytes, settings: IngestSettings, meta: dict[str, Any], charset: str | None = None
) -> Iterator[Item]:
    """Dispatch decoded content by format (``charset``: the one an HTTP header declared)."""
    if not data.strip():
        yield Skip(origin, "empty file")
        return
    if ext in FEED_EXTENSIONS:
        yield from _iter_feed(origin, data, settings)
        return
    if ext in WARC_EXTENSIONS:
        yield from _iter_warc(io.BytesIO(data), origin, settings)
        return
    text, reason = decode_bytes(data, settings, html=ext in HTML_EXTENSIONS, declared=charset)
    if text is None:
        yield Skip(origin, reason)
        return
    if ext in HTML_EXTENSIONS:
        yield Document(origin, text, "html", dict(meta))
    elif ext in JSON_EXTENSIONS:
        yield from _iter_json(origin, text)
    elif ext in JSONL_EXTENSIONS:
        yield from _iter_jsonl_lines(io.StringIO(text), origin)
    else:
        yield from _text_document(origin, text, markdown=ext in {".md", ".markdown"}, meta=meta)


# ------------------------------------------------------------------------------------------- decoding


def decode_bytes(
    data: bytes, settings: IngestSettings, html: bool = False, declared: str | None = None
) -> tuple[str | None, str]:
    """(text, '') or (None, reason). BOM, then UTF-8, then a declared charset (``declared``: an HTTP header's;
    else an XML declaration's or an HTML meta tag's), then charset-normalizer (:func:`detect`); NUL bytes or many
    control characters mean a binary file."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data.decode(codec), settings)
            except UnicodeDecodeError:
                return None, f"undecodable text (bad {codec})"
    if b"\x00" in data[: settings.sniff_bytes * 4]:
        return None, "binary file (NUL bytes)"
    try:
        return _check_text(data.decode("utf-8"), settings)
    except UnicodeDecodeError:
        pass
    head = data[: settings.sniff_bytes]
    found = _XML_ENCODING.search(head) or (_DECLARED_CHARSET.search(head) if html else None)
    label = declared or (found.group(1).decode("ascii") if found else None)
    if label:
        try:
            return _check_text(data.decode(_WHATWG_LABELS.get(label.strip().lower(), label.strip())), settings)
        except (LookupError, UnicodeDecodeError):
            pass
    text = detect(data, settings)
    if text is None:
        return None, "undecodable text (no encoding fits)"
    return _check_text(text, settings)


# Declared labels that browsers read as a superset (the WHATWG Encoding Standard): a page that says latin-1 and
# uses curly quotes (bytes 0x80-0x9F) means Windows-1252, not C1 control characters.
_WHATWG_LABELS = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "l1": "cp1252",
    "us-ascii": "cp1252", "ascii": "cp1252", "iso-8859-9": "cp1254", "latin5": "cp1254", "tis-620": "cp874",
}  # fmt: skip


def detect(data: bytes, settings: IngestSettings) -> str | None:
    """Text of bytes in an undeclared encoding (charset-normalizer), or None when none fits.

    On Western text the detector cannot tell the single-byte code pages of Latin scripts apart (cp1250, cp1252,
    cp1257 and ISO 8859-10 score alike on French or English) and returns the first it tried: "Crème" came out as
    "Crčme". ``settings.preferred_encoding`` (Windows-1252) wins such a tie: when one of the equally scored
    candidates could be it and the bytes decode with it. Polish in cp1250 or Russian in cp1251, which cp1252 reads
    worse, keep the detector's choice."""
    results = charset_normalizer.from_bytes(data)
    best = results.best()
    if best is None or best.chaos > settings.max_decode_chaos:
        return None
    prefer = settings.preferred_encoding
    for match in results:
        if match.chaos <= best.chaos and match.coherence >= best.coherence and prefer in match.could_be_from_charset:
            try:
                return data.decode(prefer)
            except UnicodeDecodeError:
                break
    return str(best)


def _check_text(text: str, settings: IngestSettings) -> tuple[str | None, str]:
    if not text.strip():
        return None, "empty file"
    sample = text[: settings.sniff_bytes * 4]
    if len(_CONTROL.findall(sample)) > settings.binary_max_control_ratio * len(sample):
        return None, "binary file (control characters)"
    return text, ""


# ----------------------------------------------------------------------------------------------- text


def _text_document(origin: str, text: str, markdown: bool, meta: dict[str, Any]) -> Iterator[Item]:
    """A plain-text article: the first non-empty line is the title, the rest the content."""
    text = normalize_text(text)
    if markdown:
        text = _MD_HEADING.sub("", text)
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        yield Skip(origin, "empty file")
        return
    title = lines[first].strip()
    body = "\n".join(lines[first + 1 :]).strip()
    if not body:
        yield Skip(origin, "no text after the title line")
        return
    out = dict(meta)
    out.setdefault("title", title)
    out["title_from"] = "first_line"
    yield Document(origin, body, "text", out)


# ----------------------------------------------------------------------------------------------- JSON


def _record_document(origin: str, record: Any) -> Item:
    """One JSON object -> Document (html preferred over text), or Skip."""
    if not isinstance(record, dict):
        return Skip(origin, f"JSON value is a {type(record).__name__}, not an object")
    meta = {k: record[k] for k in META_FIELDS if record.get(k) not in (None, "")}
    html, text = record.get("html"), record.get("text")
    if isinstance(html, str) and html.strip():
        return Document(origin, html, "html", meta)
    if isinstance(text, str) and text.strip():
        return Document(origin, normalize_text(text), "text", meta)
    return Skip(origin, "JSON object has no text or html")


def _iter_json(origin: str, text: str) -> Iterator[Item]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Skip(origin, f"malformed JSON ({exc.msg} at line {exc.lineno} column {exc.colno})")
        return
    if isinstance(data, list):
        if not data:
            yield Skip(origin, "empty JSON list")
        for i, record in enumerate(data):
            yield _record_document(f"{origin}#{i}", record)
    else:
        yield _record_document(origin, data)


def _iter_jsonl_lines(lines: Iterable[str], origin: str, first_line: int = 1, whole: bool = True) -> Iterator[Item]:
    seen = False
    for lineno, line in enumerate(lines, first_line):
        if not line.strip():
            continue
        seen = True
        where = f"{origin}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skip(where, f"malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        yield _record_document(where, record)
    if not seen and whole:
        yield Skip(origin, "empty file")


def jsonl_pieces(origin: str, piece_bytes: int, settings: IngestSettings) -> list[tuple[int, int, int]] | None:
    """Byte ranges ``(start, end, number of its first line)`` of about ``piece_bytes`` each, cut at line breaks, that
    split a JSONL file for readers in parallel (:func:`iter_jsonl_piece`), or None when the file is to be read whole:
    only an uncompressed .jsonl/.ndjson file within ``max_bytes`` whose bytes are UTF-8 without a BOM and pass the
    text checks is split, so that its pieces give exactly the items reading it whole gives."""
    ext, gz = _suffixes(origin)
    try:
        size = os.path.getsize(origin)
        if gz or ext not in JSONL_EXTENSIONS or size <= piece_bytes or size > settings.max_bytes:
            return None
        with open(origin, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    if any(data.startswith(bom) for bom, _ in _BOMS) or b"\x00" in data[: settings.sniff_bytes * 4]:
        return None
    try:
        text, _ = _check_text(data.decode("utf-8"), settings)
    except UnicodeDecodeError:
        return None
    if text is None:
        return None
    pieces: list[tuple[int, int, int]] = []
    start, line = 0, 1
    while start < len(data):
        cut = data.find(b"\n", min(start + piece_bytes, len(data)) - 1)
        end = len(data) if cut == -1 else cut + 1
        pieces.append((start, end, line))
        line += data.count(b"\n", start, end)
        start = end
    return pieces


def iter_jsonl_piece(origin: str, start: int, end: int, first_line: int) -> Iterator[Item]:
    """The items of one piece of a JSONL file (:func:`jsonl_pieces`), with the origins (``file:line``) and the
    checks of reading the whole file."""
    try:
        with open(origin, "rb") as fh:
            fh.seek(start)
            data = fh.read(end - start)
    except OSError as exc:
        yield Skip(origin, f"cannot read ({exc.strerror or exc})")
        return
    lines = io.StringIO(data.decode("utf-8"))
    for item in guarded(scrub(origin), _iter_jsonl_lines(lines, origin, first_line, whole=False)):
        yield checked(item)


def capped_lines(stream: IO[bytes], cap: int, chunk: int) -> Iterator[tuple[bytes | None, int]]:
    """The lines of a byte stream as (line, size), read ``chunk`` bytes at a time; a line longer than ``cap`` bytes
    comes as (None, its size) and is never held whole: past the cap its bytes are counted and dropped, so a 1 GB
    line costs a chunk of memory, not a gigabyte."""
    read = getattr(stream, "read1", stream.read)  # read1: what a pipe has now, not a full chunk's wait
    line = bytearray()
    dropped = 0  # bytes of the current line thrown away past the cap
    while data := read(chunk):
        start = 0
        while (end := data.find(b"\n", start)) != -1:
            if dropped:
                yield None, dropped + len(line) + end - start + 1
            else:
                line += data[start : end + 1]
                yield (bytes(line), len(line)) if len(line) <= cap else (None, len(line))
            line.clear()
            dropped, start = 0, end + 1
        if dropped:
            dropped += len(data) - start
        else:
            line += data[start:]
            if len(line) > cap:
                dropped, line = len(line), bytearray()
    if dropped:
        yield None, dropped
    elif line:
        yield (bytes(line), len(line)) if len(line) <= cap else (None, len(line))


def _iter_jsonl_stream(stream: IO[bytes], origin: str, settings: IngestSettings) -> Iterator[Item]:
    """JSONL from a byte stream (stdin), line by line, each line capped (never read whole past the cap) and decoded
    on its own."""
    seen = False
    for lineno, (raw, size) in enumerate(capped_lines(stream, settings.max_bytes, settings.read_chunk_bytes), 1):
        where = f"{origin}:{lineno}"
        if raw is None:
            seen = True
            yield Skip(where, f"line too large ({_mb(size)} > {_mb(settings.max_bytes)} cap)")
            continue
        if not raw.strip():
            continue
        seen = True
        line, reason = decode_bytes(raw, settings)
        if line is None:
            yield Skip(where, reason)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skip(where, f"malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        yield _record_document(where, record)
    if not seen:
        yield Skip(origin, "no input on stdin")


# ----------------------------------------------------------------------------------------------- feeds


def looks_like_feed(data: bytes, settings: IngestSettings) -> bool:
    """RSS/Atom root element near the top of the bytes."""
    return bool(_FEED_SNIFF.search(data[: settings.sniff_bytes]))


def _iso_from_struct(value: Any) -> str | None:
    """feedparser's UTC struct_time -> ISO 8601."""
    if not value:
        return None
    from datetime import UTC, datetime

    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC).isoformat()


def _iter_feed(origin: str, data: bytes, settings: IngestSettings) -> Iterator[Item]:
    """One Document per RSS/Atom entry: full text from content (content:encoded), else the summary."""
    import feedparser  # here: it costs 0.1 s to import, and most runs read no feed

    try:
        parsed = feedparser.parse(_BAD_CHARREF.sub(_charref, data))
    except Exception as exc:  # feedparser trips on some broken markup
        yield Skip(origin, f"unreadable feed ({error_line(exc)})")
        return
    if not parsed.get("version") and not parsed.entries:
        reason = "not an RSS/Atom feed"
        if parsed.get("bozo") and parsed.get("bozo_exception"):
            reason += f" ({str(parsed.bozo_exception).splitlines()[0][:120]})"
        yield Skip(origin, reason)
        return
    if not parsed.entries:
        yield Skip(origin, "feed has no entries")
        return
    feed_language = parsed.feed.get("language")
    for i, entry in enumerate(parsed.entries):
        entry_id = entry.get("id") or entry.get("link") or f"entry-{i}"
        where = f"{origin}#{entry_id}"
        body, kind = _entry_body(entry)
        if not body:
            yield Skip(where, "feed entry has no content or summary")
            continue
        meta: dict[str, Any] = {"fragment": True, "feed": origin}
        if entry.get("title"):
            meta["title"] = normalize_text(entry.title)
        if entry.get("link"):
            meta["url"] = entry.link
        published = _iso_from_struct(entry.get("published_parsed") or entry.get("updated_parsed"))
        if published or entry.get("published"):
            meta["published"] = published or entry.get("published")
        if entry.get("author"):
            meta["author"] = entry.author
        if feed_language:
            meta["language"] = feed_language
        yield Document(where, body, kind, meta)


def _charref(match: re.Match[bytes]) -> bytes:
    """A numeric character reference, or U+FFFD's when it names no character (a surrogate, past U+10FFFF)."""
    ref = match.group(1)
    code = int(ref[1:], 16) if ref[:1] in (b"x", b"X") else int(ref)
    return match.group(0) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else b"&#xFFFD;"


def _entry_body(entry: Any) -> tuple[str, str]:
    """The longest full-content item of an entry, else its summary; with its kind."""
    candidates = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if candidates:
        best = max(candidates, key=lambda c: len(c["value"]))
        value, ctype = best["value"], best.get("type") or "text/html"
    elif (entry.get("summary") or "").strip():
        value, ctype = entry.summary, (entry.get("summary_detail") or {}).get("type") or "text/html"
    else:
        return "", "text"
    if "html" in ctype:
        return value, "html"
    return normalize_text(value), "text"


# ------------------------------------------------------------------------------------------------ WARC


def _iter_warc(stream: IO[bytes], origin: str, settings: IngestSettings) -> Iterator[Item]:
    """HTML response (and resource) records of a WARC file, each with its target URI as url."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    found = 0
    try:
        for record in ArchiveIterator(stream):
            if record.rec_type not in ("response", "resource"):
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or f"record-{found}"
            ctype = ""
            if record.http_headers is not None:
                ctype = record.http_headers.get_header("Content-Type") or ""
                status = record.http_headers.get_statuscode()
                if status and not str(status).startswith("2"):
                    continue
            else:
                ctype = record.rec_headers.get_header("Content-Type") or ""
            if "html" not in ctype.lower():
                continue
            where = f"{origin}#{uri}"
            body = record.content_stream().read(settings.max_bytes + 1)
            found += 1
            if len(body) > settings.max_bytes:
                yield Skip(where, f"record over the {_mb(settings.max_bytes)} cap")
                continue
            text, reason = decode_bytes(body, settings, html=True)
            if text is None:
                yield Skip(where, reason)
                continue
            yield Document(where, text, "html", {"url": uri})
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as exc:
        yield Skip(origin, f"unreadable WARC ({str(exc).splitlines()[0][:120]})")
        return
    if not found:
        yield Skip(origin, "no HTML response records in the WARC file")


# ------------------------------------------------------------------------------------------------ URLs


def iter_url(
    url: str,
    client: httpx.Client,
    settings: IngestSettings,
    headers: dict[str, str] | None = None,
    on_response: Callable[[httpx.Response], None] | None = None,
) -> Iterator[Item]:
    """Documents (or skips) of one URL, as ``iter_documents`` reads it. ``headers`` are added to the request and
    ``on_response`` sees the response (status, headers) before its body is read: the watch loop's conditional GET
    (If-None-Match / If-Modified-Since; a 304 yields nothing)."""
    try:
        with client.stream("GET", url, headers=headers) as response:
            if on_response is not None:
                on_response(response)
            if response.status_code == 304:  # not modified since the caller's conditional GET: nothing new
                return
            if response.status_code >= 400:
                yield Skip(url, f"HTTP {response.status_code} {response.reason_phrase}".strip())
                return
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > settings.max_bytes:
                yield Skip(url, f"response too large ({_mb(int(declared))} > {_mb(settings.max_bytes)} cap)")
                return
            body = bytearray()
            for chunk in response.iter_bytes(settings.read_chunk_bytes):
                body += chunk
                if len(body) > settings.max_bytes:
                    yield Skip(url, f"response over the {_mb(settings.max_bytes)} cap")
                    return
            final_url = str(response.url)
            ctype = response.headers.get("Content-Type", "").lower()
    except httpx.TimeoutException:
        yield Skip(url, f"timed out after {settings.http_timeout:g} s")
        return
    except httpx.TooManyRedirects:
        yield Skip(url, f"more than {settings.max_redirects} redirects")
        return
    except httpx.HTTPError as exc:
        yield Skip(url, f"connection error ({type(exc).__name__}: {str(exc)[:120]})")
        return
    data = bytes(body)
    ext, gz = _suffixes(httpx.URL(final_url).path)
    if gz and data[:2] == b"\x1f\x8b":
        unpacked = _gunzip_or_skip(url, data, settings)
        if isinstance(unpacked, Skip):
            yield unpacked
            return
        data = unpacked
    ext = _url_format(ext, ctype, data, settings)
    if ext is None:
        yield Skip(url, f"unsupported content type {ctype.split(';')[0] or '(none)'!r}")
        return
    meta = {"url": final_url} if ext in HTML_EXTENSIONS or ext in TEXT_EXTENSIONS else {}
    charset = _CHARSET_PARAM.search(ctype)
    yield from _iter_bytes(url, ext, data, settings, meta, charset.group(1) if charset else None)


def _url_format(ext: str, ctype: str, data: bytes, settings: IngestSettings) -> str | None:
    """The format of a fetched body as a file extension: feed sniffing first, then type, then extension."""
    if looks_like_feed(data, settings) or any(t in ctype for t in ("rss", "atom")):
        return ".xml"
    if "html" in ctype or _HTML_SNIFF.search(data[: settings.sniff_bytes]):
        return ".html"
    if "ndjson" in ctype or "jsonl" in ctype or ext in JSONL_EXTENSIONS:
        return ".jsonl"
    if "json" in ctype or ext in JSON_EXTENSIONS:
        return ".json"
    if ext in SUPPORTED:
        return ext
    if ctype.startswith("text/plain"):
        return ".txt"
    return None


def _mb(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 104_858 else f"{n} bytes"
