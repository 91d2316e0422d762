"""Ingest: every input format becomes Documents, every bad input one Skip with a reason, and the run goes on.

All inputs here are small fictional files written by the tests; URLs are served by a local http.server.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tidings.ingest import iter_documents
from tidings.model import Document, Skip
from tidings.settings import IngestSettings

ARTICLE = (
    "Harbor council approves new ferry schedule\n\n"
    "The Port Alder harbor council voted on Tuesday to add two evening ferry crossings.\n\n"
    "Council member Ines Varga said the change would start in May.\n"
)
HTML = (
    "<!doctype html><html><head><title>Ferry schedule</title></head><body><article>"
    "<h1>Ferry schedule</h1><p>The Port Alder harbor council voted on Tuesday to add two evening crossings.</p>"
    "</article></body></html>"
)
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Port Alder Courier</title><link>https://courier.example/</link><language>en</language>
<item><title>Ferry schedule changes</title><link>https://courier.example/ferry</link>
<guid>courier-ferry-1</guid><pubDate>Tue, 05 Mar 2024 09:30:00 GMT</pubDate>
<description>Short teaser about ferries.</description>
<content:encoded><![CDATA[<p>The harbor council voted to add two evening crossings.</p><p>They start in May.</p>]]>
</content:encoded></item>
<item><title>Library reopens</title><link>https://courier.example/library</link><guid>courier-library-2</guid>
<description>The town library reopened after a roof repair that took three months.</description></item>
</channel></rss>
"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Alder Notes</title><id>urn:alder-notes</id>
<updated>2024-03-06T08:00:00Z</updated>
<entry><title>Bridge inspection done</title><id>urn:alder-notes:bridge</id>
<link href="https://notes.example/bridge"/><updated>2024-03-06T08:00:00Z</updated>
<content type="html">&lt;p&gt;Engineers finished the inspection of the old stone bridge on Monday.&lt;/p&gt;</content>
</entry></feed>
"""


def run(sources: list[str], **kwargs: object) -> list[Document | Skip]:
    settings = kwargs.pop("settings", None) or IngestSettings()
    return list(iter_documents(sources, settings, **kwargs))  # type: ignore[arg-type]


def docs_of(items: list[Document | Skip]) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def skips_of(items: list[Document | Skip]) -> list[Skip]:
    return [i for i in items if isinstance(i, Skip)]


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ------------------------------------------------------------------------------------------ formats


def test_text_file_first_line_is_title_and_origin_stays_relative(cwd: Path) -> None:
    Path("ferry.txt").write_text(ARTICLE, encoding="utf-8")
    [doc] = run(["ferry.txt"])
    assert isinstance(doc, Document)
    assert doc.origin == "ferry.txt"
    assert doc.kind == "text"
    assert doc.meta["title"] == "Harbor council approves new ferry schedule"
    assert doc.content.startswith("The Port Alder harbor council")
    assert "Harbor council approves" not in doc.content


def test_markdown_heading_marks_are_dropped(cwd: Path) -> None:
    Path("notes.md").write_text("# Bridge reopens\n\nThe bridge reopened.\n\n## Traffic\n\nCars are back.\n", "utf-8")
    [doc] = run(["notes.md"])
    assert isinstance(doc, Document)
    assert doc.meta["title"] == "Bridge reopens"
    assert "## " not in doc.content and "Traffic" in doc.content


def test_text_is_normalised(cwd: Path) -> None:
    Path("spaces.txt").write_bytes("Title\u00a0line\n\nCafe\u0301 opens\u2009today.\n".encode())
    [doc] = run(["spaces.txt"])
    assert isinstance(doc, Document)
    assert doc.meta["title"] == "Title line"
    assert doc.content == "Café opens today."  # NFC, thin space folded


def test_html_file_is_passed_whole(cwd: Path) -> None:
    Path("page.html").write_text(HTML, encoding="utf-8")
    [doc] = run(["page.html"])
    assert isinstance(doc, Document)
    assert doc.kind == "html" and "<article>" in doc.content


def test_html_with_declared_legacy_charset(cwd: Path) -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>Müller’s café in Zürich.</p></body></html>'
    Path("legacy.htm").write_bytes(page.encode("cp1252"))
    [doc] = run(["legacy.htm"])
    assert isinstance(doc, Document)
    assert "Müller’s café in Zürich." in doc.content


def test_text_in_a_legacy_encoding_is_detected(cwd: Path) -> None:
    text = "Новый паром\n\nГородской совет одобрил два вечерних рейса парома через залив, начиная с мая.\n"
    Path("ru.txt").write_bytes(text.encode("cp1251"))
    [doc] = run(["ru.txt"])
    assert isinstance(doc, Document)
    assert doc.meta["title"] == "Новый паром"
    assert "вечерних рейса" in doc.content


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Crème brûlée\n\nThe Crème de la Crème award went to a café on Main Street, the council said.\n", "cp1252"),
        ("Crème\n\nLe chef a présenté sa crème brûlée à Noël, très appréciée.\n", "cp1252"),
        ("El niño\n\nEl niño comió jamón en la reunión del año, según el señor Núñez.\n", "cp1252"),
        ("Miasta\n\nŁódź i Kraków są dużymi miastami w Polsce, powiedział rzecznik urzędu.\n", "cp1250"),
        ("Kůň\n\nPříliš žluťoučký kůň úpěl ďábelské ódy, řekl mluvčí.\n", "cp1250"),
    ],
)
def test_western_code_pages_are_not_read_as_central_european(cwd: Path, text: str, encoding: str) -> None:
    Path("legacy.txt").write_bytes(text.encode(encoding))
    [doc] = run(["legacy.txt"])
    assert isinstance(doc, Document)
    title, body = text.strip().split("\n\n")
    assert (doc.meta["title"], doc.content) == (title, body)


def test_json_object_and_list(cwd: Path) -> None:
    record = {
        "title": "Ferry schedule",
        "text": "The council voted.",
        "url": "https://courier.example/ferry",
        "published": "2024-03-05",
        "site": "courier.example",
        "language": "en",
        "story": "ferry-2024",
    }
    Path("one.json").write_text(json.dumps(record), encoding="utf-8")
    Path("many.json").write_text(json.dumps([record, {"title": "Page", "html": HTML}, {"title": "x"}]), "utf-8")
    [one] = run(["one.json"])
    assert isinstance(one, Document) and one.kind == "text"
    assert {k: one.meta[k] for k in record if k != "text"} == {k: v for k, v in record.items() if k != "text"}
    many = run(["many.json"])
    assert [type(i).__name__ for i in many] == ["Document", "Document", "Skip"]
    assert many[1].kind == "html"  # type: ignore[union-attr]
    assert many[2].origin == "many.json#2" and "no text or html" in many[2].reason  # type: ignore[union-attr]


def test_jsonl_malformed_line_is_skipped_with_its_line_number(cwd: Path) -> None:
    lines = [
        json.dumps({"title": "A", "text": "First article text."}),
        '{"title": "B", "text": "unterminated',
        "",
        json.dumps({"title": "C", "html": "<p>Third article.</p>"}),
        json.dumps({"title": "D"}),
    ]
    Path("feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = run(["feed.jsonl"])
    assert [type(i).__name__ for i in items] == ["Document", "Skip", "Document", "Skip"]
    bad = items[1]
    assert isinstance(bad, Skip)
    assert str(bad).startswith("feed.jsonl:2: malformed JSON (")
    assert "\n" not in str(bad)
    assert items[3].origin == "feed.jsonl:5" and "no text or html" in str(items[3])


def test_gzip_file_is_unwrapped(cwd: Path) -> None:
    with gzip.open("ferry.txt.gz", "wt", encoding="utf-8") as fh:
        fh.write(ARTICLE)
    [doc] = run(["ferry.txt.gz"])
    assert isinstance(doc, Document)
    assert doc.origin == "ferry.txt.gz" and doc.meta["title"].startswith("Harbor council")


def test_gzip_over_the_decompressed_cap_is_skipped(cwd: Path) -> None:
    with gzip.open("bomb.txt.gz", "wb") as fh:
        fh.write(b"a" * 200_000)
    assert os.path.getsize("bomb.txt.gz") < 5_000
    [skip] = run(["bomb.txt.gz"], settings=IngestSettings(max_bytes=50_000))
    assert isinstance(skip, Skip) and "decompressed size" in skip.reason


def test_corrupt_gzip_is_skipped(cwd: Path) -> None:
    Path("broken.html.gz").write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    [skip] = run(["broken.html.gz"])
    assert isinstance(skip, Skip) and "gzip" in skip.reason


def _write_warc(path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.suffix == ".gz")
        for uri, ctype, body in (
            ("https://courier.example/ferry", "text/html; charset=utf-8", HTML.encode()),
            ("https://courier.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers)
            writer.write_record(record)


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_html_responses_become_documents(cwd: Path, name: str) -> None:
    _write_warc(Path(name))
    [doc] = run([name])
    assert isinstance(doc, Document)
    assert doc.kind == "html" and "<article>" in doc.content
    assert doc.meta["url"] == "https://courier.example/ferry"
    assert doc.origin == f"{name}#https://courier.example/ferry"


def test_rss_feed_file_one_document_per_entry(cwd: Path) -> None:
    Path("courier.rss").write_text(RSS, encoding="utf-8")
    first, second = run(["courier.rss"])
    assert isinstance(first, Document) and isinstance(second, Document)
    assert first.origin == "courier.rss#courier-ferry-1"
    assert first.kind == "html" and "two evening crossings" in first.content  # content:encoded, not the teaser
    assert first.meta["title"] == "Ferry schedule changes"
    assert first.meta["url"] == "https://courier.example/ferry"
    assert first.meta["published"].startswith("2024-03-05T09:30:00")
    assert first.meta["language"] == "en"
    assert "roof repair" in second.content  # no full content: the summary


def test_atom_feed_found_by_sniffing_an_xml_file(cwd: Path) -> None:
    Path("notes.xml").write_text(ATOM, encoding="utf-8")
    [doc] = run(["notes.xml"])
    assert isinstance(doc, Document)
    assert doc.origin == "notes.xml#urn:alder-notes:bridge"
    assert "stone bridge" in doc.content and doc.meta["url"] == "https://notes.example/bridge"


def test_xml_that_is_not_a_feed_is_skipped(cwd: Path) -> None:
    Path("config.xml").write_text("<?xml version='1.0'?><settings><depth>3</depth></settings>", "utf-8")
    [skip] = run(["config.xml"])
    assert isinstance(skip, Skip) and "feed" in skip.reason


def test_folder_is_read_recursively_sorted_without_hidden_files(cwd: Path) -> None:
    Path("corpus/b").mkdir(parents=True)
    Path("corpus/.cache").mkdir()
    Path("corpus/b/two.txt").write_text("Two\n\nSecond text.\n", "utf-8")
    Path("corpus/a.txt").write_text("One\n\nFirst text.\n", "utf-8")
    Path("corpus/.hidden.txt").write_text("Hidden\n\nNot read.\n", "utf-8")
    Path("corpus/.cache/x.txt").write_text("Cached\n\nNot read.\n", "utf-8")
    items = run(["corpus"])
    assert [i.origin for i in items] == ["corpus/a.txt", "corpus/b/two.txt"]


# ------------------------------------------------------------------------------------------ bad input


def test_bad_files_are_skipped_and_the_run_goes_on(cwd: Path) -> None:
    Path("binary.txt").write_bytes(b"Title\n\x00\x01\x02\x00\xff binary payload")
    Path("empty.txt").write_bytes(b"")
    Path("blank.md").write_text("   \n\n  \n", "utf-8")
    Path("garbled.txt").write_bytes(bytes(range(0x80, 0x100)) * 3)
    Path("photo.png").write_bytes(b"\x89PNG\r\n")
    Path("big.txt").write_text("Big\n\n" + "word " * 5000, "utf-8")
    Path("good.txt").write_text(ARTICLE, "utf-8")
    sources = ["binary.txt", "empty.txt", "blank.md", "garbled.txt", "photo.png", "missing.txt", "big.txt", "good.txt"]
    items = run(sources, settings=IngestSettings(max_bytes=10_000))
    reasons = {i.origin: i.reason for i in skips_of(items)}
    assert "binary" in reasons["binary.txt"]
    assert reasons["empty.txt"] == "empty file"
    assert reasons["blank.md"] == "empty file"
    assert "undecodable" in reasons["garbled.txt"]
    assert "unsupported extension" in reasons["photo.png"]
    assert reasons["missing.txt"] == "no such file"
    assert "too large" in reasons["big.txt"]
    assert [d.origin for d in docs_of(items)] == ["good.txt"]
    assert all("\n" not in str(s) for s in skips_of(items))


def test_stdin_jsonl(cwd: Path) -> None:
    stream = io.BytesIO(
        (
            json.dumps({"title": "Stdin one", "text": "Read from standard input."})
            + "\nnot json at all\n"
            + json.dumps({"title": "Stdin two", "html": "<p>Second.</p>"})
            + "\n"
        ).encode()
    )
    items = run(["-"], stdin=stream)
    assert [type(i).__name__ for i in items] == ["Document", "Skip", "Document"]
    assert items[0].meta["title"] == "Stdin one"  # type: ignore[union-attr]
    assert str(items[1]).startswith("<stdin>:2: malformed JSON")


class _Chunks(io.RawIOBase):
    """A stream of ``size`` bytes of one line, made as it is read (never whole in memory), then ``tail``."""

    def __init__(self, size: int, tail: bytes) -> None:
        self.left, self.tail, self.largest = size, tail, 0

    def readable(self) -> bool:
        return True

    def read1(self, n: int = -1) -> bytes:
        self.largest = max(self.largest, n)
        if self.left > 0:
            part = min(n, self.left)
            self.left -= part
            return b"x" * part
        out, self.tail = self.tail[:n], self.tail[n:]
        return out

    def readline(self, *args: object) -> bytes:  # reading a whole line is what a huge line must never get
        raise AssertionError("a line was read whole")

    __iter__ = None  # type: ignore[assignment]


def test_a_huge_stdin_line_is_skipped_without_reading_it_whole(cwd: Path) -> None:
    good = json.dumps({"title": "After", "text": "The line after the huge one is read."}).encode()
    stream = _Chunks(50 * 1024 * 1024, b"\n" + good + b"\n")
    settings = IngestSettings(max_bytes=1024 * 1024)
    items = run(["-"], stdin=stream, settings=settings)
    assert [type(i).__name__ for i in items] == ["Skip", "Document"]
    assert str(items[0]) == "<stdin>:1: line too large (50.0 MB > 1.0 MB cap)"
    assert items[1].meta["title"] == "After"  # type: ignore[union-attr]
    assert stream.largest == settings.read_chunk_bytes


# ------------------------------------------------------------------------------------------ URLs


class _Handler(BaseHTTPRequestHandler):
    seen_agents: ClassVar[list[str]] = []

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.seen_agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/article":
            self._send(200, HTML.encode(), "text/html; charset=utf-8")
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/article")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/feed":
            self._send(200, RSS.encode(), "application/xml")
        elif self.path == "/data.jsonl":
            self._send(200, json.dumps({"title": "T", "text": "Served text."}).encode(), "application/octet-stream")
        elif self.path == "/slow":
            time.sleep(1.5)
            self._send(200, HTML.encode(), "text/html")
        elif self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()  # no Content-Length: the cap must be enforced while streaming
            for _ in range(40):
                self.wfile.write(b"<p>" + b"x" * 1000 + b"</p>")
        else:
            self._send(404, b"not here", "text/plain")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_url_page_redirect_feed_and_data(server: str) -> None:
    settings = IngestSettings(user_agent="tidings-test/1.0 (+tests)")
    items = run([f"{server}/article", f"{server}/moved", f"{server}/feed", f"{server}/data.jsonl"], settings=settings)
    docs = docs_of(items)
    assert not skips_of(items)
    assert docs[0].kind == "html" and docs[0].meta["url"] == f"{server}/article"
    assert docs[1].meta["url"] == f"{server}/article"  # followed the redirect
    assert [d.origin for d in docs[2:4]] == [f"{server}/feed#courier-ferry-1", f"{server}/feed#courier-library-2"]
    assert docs[4].meta["title"] == "T"
    assert "tidings-test/1.0 (+tests)" in _Handler.seen_agents


def test_url_errors_are_skips(server: str) -> None:
    settings = IngestSettings(http_timeout=0.4, max_bytes=20_000)
    closed = "http://127.0.0.1:9"  # discard port: nothing listens
    sources = [f"{server}/nothing", f"{server}/slow", f"{server}/huge", closed, f"{server}/article"]
    items = run(sources, settings=settings)
    reasons = [str(i) for i in items]
    assert reasons[0] == f"{server}/nothing: HTTP 404 Not Found"
    assert "timed out" in reasons[1]
    assert "cap" in reasons[2]
    assert "connection error" in reasons[3]
    assert isinstance(items[4], Document)
