"""What ``tidings watch`` follows: naming a source (URL or local path) and its kind, and OPML lists of feeds.

OPML is read and written with the standard library's ElementTree: an OPML file is a flat XML list of ``outline``
elements whose ``xmlUrl`` (a feed) or ``url`` (a link) attribute is all tidings needs, so a parser library
(listparser) would add a dependency for one ``iter("outline")``. The expat under ElementTree refuses entity
expansion bombs (expat >= 2.4.1), and the file is size-capped before it is parsed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from .ingest import FEED_EXTENSIONS
from .model import WatchSource

OPML_EXTENSIONS = {".opml"}


class SourceError(ValueError):
    """A source or an OPML file that cannot be used; the message is one line naming it and why."""


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def normalize_source(value: str) -> str:
    """How a source is stored: a URL as given (trimmed), a local path made absolute (so the store means the same
    file whatever the working directory of the next ``tidings watch``)."""
    value = value.strip()
    if not value:
        raise SourceError("empty source")
    if is_url(value):
        return value
    if "://" in value:
        raise SourceError(f"{value}: only http(s) URLs and local paths can be watched")
    return str(Path(value).expanduser().resolve())


def source_kind(value: str) -> str:
    """'feed' for a URL (corrected to 'page' by the first poll if it serves a page) or a local feed file,
    'folder' for a local folder or other file (re-read each cycle; files already stored are not read again)."""
    if is_url(value):
        return "feed"
    path = Path(value)
    if not path.exists():
        raise SourceError(f"{value}: no such file or folder")
    if path.is_file() and path.suffix.lower() in FEED_EXTENSIONS:
        return "feed"
    return "folder"


def read_opml(path: str | Path, max_bytes: int) -> list[str]:
    """The feed (``xmlUrl``) and link (``url``) addresses of an OPML file, in document order, without repeats."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(f"{path}: OPML file too large ({size} bytes > {max_bytes} cap)")
        root = ET.parse(path).getroot()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except ET.ParseError as exc:
        raise SourceError(f"{path}: not well-formed XML ({exc})") from None
    if root.tag.lower() != "opml":
        raise SourceError(f"{path}: not an OPML file (root element <{root.tag}>)")
    found: list[str] = []
    for outline in root.iter("outline"):
        address = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not address and (outline.get("type") or "").lower() == "link":
            address = (outline.get("url") or "").strip()
        if address:
            found.append(address)
    return list(dict.fromkeys(found))


def write_opml(sources: Iterable[WatchSource], title: str = "tidings sources") -> str:
    """An OPML 2.0 document of the sources: feeds as ``type="rss"`` outlines (``xmlUrl``), pages and local
    folders as ``type="link"`` outlines (``url``), so that :func:`read_opml` reads back the same list."""
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC))
    body = ET.SubElement(opml, "body")
    for source in sources:
        if source.kind == "feed":
            ET.SubElement(body, "outline", type="rss", text=source.url, xmlUrl=source.url)
        else:
            ET.SubElement(body, "outline", type="link", text=source.url, url=source.url)
    ET.indent(opml)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(opml, encoding="unicode") + "\n"
