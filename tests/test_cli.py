"""The ``tidings`` command as a user runs it: outputs, bad inputs, exit codes, re-runs, interruption."""

from __future__ import annotations

import contextlib
import gzip
import http.server
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from typer.testing import CliRunner

from tidings.cli import app, samples_dir

runner = CliRunner()

ARTICLE = (
    "Ferry service to Gullholm resumes after storm\n\n"
    "The ferry between Brackwater and Gullholm island resumed on Thursday after three days of gales.\n\n"
    "Harbourmaster Ivo Lenk said the first crossing carried 140 passengers and a load of fresh supplies.\n\n"
    "\u201cThe sea is calm enough now,\u201d Lenk said.\n"
)


def tidings(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    p = tmp_path / "inputs" / "ferry.txt"
    p.parent.mkdir()
    p.write_text(ARTICLE, encoding="utf-8")
    return p


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/slow":
            time.sleep(3)
        self.send_response(404 if self.path == "/missing" else 200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.end_headers()
        if self.path not in ("/missing",):
            with contextlib.suppress(BrokenPipeError):
                self.wfile.write(ARTICLE.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_run_writes_valid_outputs(good_file, tmp_path, db, schema):
    import jsonschema

    out = tmp_path / "out"
    res = tidings("run", str(good_file), "--out", str(out), "--db", db)
    assert res.exit_code == 0, res.output
    data = json.loads((out / "stories.json").read_text())
    jsonschema.validate(data, schema)
    assert data["articles"][0]["origin"] == str(good_file)
    assert data["articles"][0]["title"] == "Ferry service to Gullholm resumes after storm"
    assert (out / "index.html").exists() and (out / "stories.md").exists()
    assert "Ferry service" in (out / "stories.md").read_text()


def test_every_bad_input_is_skipped_with_one_line(good_file, tmp_path, db, http_server):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    (bad / "empty.txt").write_bytes(b"")
    (bad / "undecodable.txt").write_bytes(bytes(range(128, 256)) * 20 + b"\x00")
    (bad / "broken.jsonl").write_text('{"title": "ok", "text": "A line that parses fine enough here."}\n{oops\n')
    (bad / "huge.txt").write_bytes(b"word " * (1024 * 1024 // 5 * 2))  # 2 MB against a 1 MB cap
    out = tmp_path / "out"
    res = tidings(
        "run", str(good_file), str(bad), f"{http_server}/missing", f"{http_server}/slow",
        "--out", str(out), "--db", db, "--max-mb", "1", "--timeout", "1",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    skipped = json.loads((out / "stories.json").read_text())["skipped"]
    origins = " ".join(s["origin"] for s in skipped)
    for name in ("binary.txt", "empty.txt", "undecodable.txt", "broken.jsonl", "huge.txt", "/missing", "/slow"):
        assert name in origins, (name, skipped)
        line = next(line for line in res.output.splitlines() if name in line and "skipped" in line)
        assert line.strip()
    assert all(s["reason"] and "\n" not in s["reason"] for s in skipped)
    assert any("404" in s["reason"] for s in skipped if "/missing" in s["origin"])
    assert any("time" in s["reason"].lower() for s in skipped if "/slow" in s["origin"])


def test_exit_codes(good_file, tmp_path, db):
    (tmp_path / "empty.txt").write_text("")
    assert tidings("run", str(tmp_path / "empty.txt"), "--db", db).exit_code == 2
    assert tidings("run", str(good_file), str(tmp_path / "empty.txt"), "--db", db).exit_code == 0
    assert tidings("run", str(good_file), str(tmp_path / "empty.txt"), "--db", db, "--strict").exit_code == 1
    assert tidings("run", str(tmp_path / "nope.txt"), "--db", db).exit_code == 2


def test_rerun_changes_nothing_and_exports_same_stories(good_file, tmp_path, db):
    out1, out2 = tmp_path / "o1", tmp_path / "o2"
    assert tidings("run", str(good_file), "--out", str(out1), "--db", db).exit_code == 0
    before = sqlite3.connect(db).execute("select count(*) from articles").fetchone()
    assert tidings("run", str(good_file), "--out", str(out2), "--db", db).exit_code == 0
    after = sqlite3.connect(db).execute("select count(*) from articles").fetchone()
    assert before == after
    s1 = json.loads((out1 / "stories.json").read_text())["stories"]
    s2 = json.loads((out2 / "stories.json").read_text())["stories"]
    strip = lambda stories: [{k: v for k, v in s.items() if k != "updated_at"} for s in stories]  # noqa: E731
    assert strip(s1) == strip(s2)


def test_stdin_jsonl_and_gzip(tmp_path, db):
    line = json.dumps({"title": "Gullholm ferry back", "text": ARTICLE.split("\n\n", 1)[1], "site": "isles.example"})
    res = tidings("run", "-", "--db", db, input=line + "\n")
    assert res.exit_code == 0, res.output
    gz = tmp_path / "ferry.txt.gz"
    gz.write_bytes(gzip.compress(ARTICLE.encode()))
    assert tidings("run", str(gz), "--db", db).exit_code == 0


def test_stories_and_show(good_file, db):
    tidings("run", str(good_file), "--db", db)
    listing = tidings("stories", "--db", db)
    assert listing.exit_code == 0 and "Ferry service" in listing.output
    from tidings.store import Store

    story_id = Store(db).list_stories()[0].id
    shown = tidings("show", story_id[:6], "--db", db)
    assert shown.exit_code == 0 and "Ferry service" in shown.output and "--full" in shown.output  # the digest
    assert "Sources" not in shown.output
    full = tidings("show", story_id[:6], "--db", db, "--full")
    assert full.exit_code == 0 and "Everything else" in full.output and "Sources" in full.output
    assert tidings("show", "nosuchstory", "--db", db).exit_code == 1


def test_show_by_a_prefix_names_the_same_event_in_other_languages(tmp_path):
    from conftest import linked_store

    db = str(tmp_path / "linked.db")
    linked_store(db).close()
    for story_id in ("s-en", "s-e"):  # a whole id, a unique prefix
        shown = tidings("show", story_id, "--db", db)
        assert shown.exit_code == 0 and "Also in: Deutsch (1 article, story s-de)" in shown.output


def test_kill_during_run_leaves_database_consistent(tmp_path):
    """SIGKILL a real `tidings run` mid-way: the database opens, passes integrity_check, and a re-run completes."""
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(120):
        (folder / f"{i:03d}.txt").write_text(
            f"Report {i} on the Gullholm ferry\n\nThe ferry made crossing number {i} on Thursday with "
            f"{100 + i} passengers aboard.\n\nHarbourmaster Ivo Lenk said crossing {i} went smoothly.\n"
        )
    db = tmp_path / "kill.db"
    cmd = [sys.executable, "-m", "tidings.cli", "run", str(folder), "--db", str(db), "--quiet"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if (
            db.exists()
            and sqlite3.connect(db).execute("select count(*) from sqlite_master where name='articles'").fetchone()[0]
        ):
            n = sqlite3.connect(db).execute("select count(*) from articles").fetchone()[0]
            if n > 0:
                break
        time.sleep(0.05)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    con.close()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from articles").fetchone()[0] == 120
    assert con.execute("select count(*) from stories where dirty = 1").fetchone()[0] == 0


LONG_TITLE = (
    "Ferry service to Gullholm resumes after a storm that kept every boat of the Brackwater line in port for days"
)


@pytest.mark.parametrize("command", [["stories"], ["show", "s123"], ["serve", "--port", "0"]])
def test_a_read_command_on_a_missing_database_is_an_error_naming_it_and_creates_nothing(tmp_path, command):
    missing = tmp_path / "nope.db"
    res = tidings(*command, "--db", str(missing))
    assert res.exit_code == 2
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and str(missing) in lines[0]
    assert not missing.exists()
    assert list(tmp_path.iterdir()) == []


def test_output_that_is_not_a_terminal_is_not_wrapped(tmp_path, db):
    path = tmp_path / "ferry.txt"
    path.write_text(LONG_TITLE + "\n\n" + ARTICLE.split("\n\n", 1)[1], encoding="utf-8")
    ran = tidings("run", str(path), "--db", db, "--out", str(tmp_path / "out"))
    assert ran.exit_code == 0
    assert any(line.startswith("read 1 articles") and line.endswith("stories.md)") for line in ran.output.splitlines())
    listing = tidings("stories", "--db", db)
    assert listing.exit_code == 0
    assert any(LONG_TITLE in line for line in listing.output.splitlines())  # one row, not cut at 80 columns
    from tidings.store import Store

    story_id = Store(db).list_stories()[0].id
    shown = tidings("show", story_id, "--db", db)
    assert f"## {LONG_TITLE}" in shown.output.splitlines()  # the Markdown itself, headline on one line


def test_stories_json_and_limit(tmp_path, db):
    for n, title in enumerate(("Ferry service to Gullholm resumes", "Ashcombe bake sale raises funds")):
        line = {"title": title, "text": ARTICLE.split("\n\n", 1)[1] if n == 0 else
                "A bake sale at Ashcombe primary school raised money for the village library roof on Saturday.\n\n"
                "Volunteers sold lemon cakes, scones and apple pies to hundreds of visitors.",
                "site": f"site{n}.example", "published": f"2026-03-0{n + 1}"}  # fmt: skip
        assert tidings("run", "-", "--db", db, input=json.dumps(line) + "\n").exit_code == 0
    listed = json.loads(tidings("stories", "--db", db, "--json").output)
    assert [s["headline"] for s in listed] == ["Ashcombe bake sale raises funds", "Ferry service to Gullholm resumes"]
    assert set(listed[0]) >= {"id", "headline", "articles", "independent_sources", "sites", "last_seen"}
    assert listed[0]["articles"] == 1 and listed[0]["sites"] == ["site1.example"]
    one = json.loads(tidings("stories", "--db", db, "--json", "--limit", "1").output)
    assert one == listed[:1]
    assert tidings("stories", "--db", db, "--limit", "0").exit_code == 2


def _options(command) -> list[tuple[str, bool]]:
    """(option string, is a flag) of every option of a click command (typer vendors click: no isinstance)."""
    return [(opt, bool(p.is_flag)) for p in command.params if p.param_type_name == "option" for opt in p.opts]


def test_flags_show_as_flags_and_every_option_is_in_the_readme():
    import re

    import typer

    root = typer.main.get_command(app)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    commands = {"": (root, tidings("--help").output)}
    commands |= {name: (command, tidings(name, "--help").output) for name, command in root.commands.items()}
    for name, (command, help_text) in commands.items():
        assert "<bool>" not in help_text, name
        for opt, is_flag in _options(command):
            if opt == "--help" or not opt.startswith("--"):
                continue
            line = next(line for line in help_text.splitlines() if re.search(rf"{opt}\b", line))
            takes_value = re.search(rf"{opt} <", line) is not None
            assert takes_value != is_flag, (name, line)  # '--strict', but '--db <str>'
            assert f"`{opt}" in readme, f"`tidings {name} {opt}` is not in README.md"


HEAVY = ("spacy", "onnxruntime", "datasketch", "usearch", "trafilatura", "fastapi", "uvicorn")


def _modules_loaded_by(*args: str) -> tuple[int, set[str]]:
    """Run `tidings ARGS` in a fresh interpreter; its exit code and which heavy libraries it imported."""
    code = (
        "import sys\nfrom tidings.cli import app\n"
        f"try:\n    app({list(args)!r})\nexcept SystemExit as exc:\n    status = exc.code\n"
        f"print('loaded:', status, *sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    _, status, *loaded = done.stdout.splitlines()[-1].split()
    return int(status), set(loaded)


def test_commands_that_do_no_model_work_load_no_model(good_file, db, http_server):
    assert tidings("run", str(good_file), "--db", db).exit_code == 0
    assert _modules_loaded_by("stories", "--db", db) == (0, set())
    from tidings.store import Store

    story_id = Store(db).list_stories()[0].id
    assert _modules_loaded_by("show", story_id, "--db", db) == (0, set())
    # a run whose only input answers 404 reads nothing: no model, no index library
    assert _modules_loaded_by("run", f"{http_server}/missing", "--db", db) == (2, set())


def test_on_a_terminal_the_progress_line_says_what_was_read_and_what_runs(good_file, db, monkeypatch):
    import io

    from rich.console import Console

    from tidings import cli

    screen = io.StringIO()
    monkeypatch.setattr(cli, "err", Console(file=screen, force_terminal=True, width=160))
    assert tidings("run", str(good_file), "--db", db).exit_code == 0
    shown = screen.getvalue()
    assert "read 1, stored 1 new" in shown  # counted per input, with the stage it is in
    assert "briefings" in shown


def _run_with_workers(tmp_path: Path, db: Path) -> tuple[subprocess.Popen, list[psutil.Process]]:
    """A real `tidings run` of the samples with two spaCy worker processes, once its workers are up."""
    cmd = [sys.executable, "-m", "tidings.cli", "run", str(samples_dir() / "articles"), "--db", str(db), "--quiet"]
    env = {**os.environ, "TIDINGS_SPACY_WORKERS": "2"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    parent = psutil.Process(proc.pid)
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        workers = parent.children()
        if len(workers) == 2:  # forked at the start of the run, before anything is read
            return proc, workers
        time.sleep(0.05)
    proc.kill()
    pytest.fail(f"the run never started two workers: {proc.communicate()[1].decode()[-2000:]}")


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_a_killed_run(tmp_path, how):
    proc, workers = _run_with_workers(tmp_path, tmp_path / "kill.db")
    proc.send_signal(how)
    code = proc.wait(timeout=30)
    _gone, alive = psutil.wait_procs(workers, timeout=5)
    for orphan in alive:  # never leave them running, even when the test fails
        orphan.kill()
    assert alive == [], f"{len(alive)} spaCy worker(s) outlived the run"
    # SIGTERM ends the run as Ctrl-C does: exit status 130, or (when the interrupt lands outside the run's own
    # handler, e.g. while it stops its workers) Python's own exit by SIGINT, which a shell also reports as 130
    assert code == -signal.SIGKILL if how == signal.SIGKILL else code in (130, -signal.SIGINT)


def test_stories_search_is_ranked_and_filtered(tmp_path):
    from conftest import search_store

    db = str(tmp_path / "search.db")
    search_store(db).close()
    found = tidings("stories", "--db", db, "--search", "dock", "--json")
    assert found.exit_code == 0, found.output
    assert [s["id"] for s in json.loads(found.output)] == ["s0", "s1"]
    found = tidings("stories", "--db", db, "--since", "2026-03-03", "--until", "2026-03-04", "--language", "de",
                    "--json")  # fmt: skip
    assert [s["id"] for s in json.loads(found.output)] == ["s2"]
    bad = tidings("stories", "--db", db, "--until", "soon")
    assert bad.exit_code == 2 and "--until 'soon'" in bad.output
