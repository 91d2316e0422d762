"""Regenerate the README's screenshot of a story page (docs/story.png) from the bundled demo corpus.

Runs the pipeline over the demo articles into a temporary store, writes the static export and photographs the
page of the story with a disagreement and the most independent sources in Debian's Chromium through Playwright
(as the browser tests do). Usage: ``python scripts/screenshot.py [--out docs/story.png] [--width 1280]
[--height 2600]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tidings.cli import samples_dir
from tidings.pipeline import Pipeline
from tidings.render.html import write_site
from tidings.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/story.png"), help="PNG to write")
    parser.add_argument("--width", type=int, default=1280, help="viewport width in CSS pixels")
    parser.add_argument("--height", type=int, default=2600, help="height of the shot: the top of the page")
    parser.add_argument("--chromium", type=Path, default=CHROMIUM, help="the Chromium executable")
    args = parser.parse_args()
    if not args.chromium.exists():
        print(f"{args.chromium}: no such browser (make browser installs Debian's chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        pipeline = Pipeline(Settings(), f"{tmp}/demo.db")
        result = pipeline.run([str(samples_dir() / "articles")])
        articles = pipeline.export_articles(result.stories, result.articles)
        pipeline.store.close()
        write_site(Path(tmp) / "site", result.stories, articles)
        # A story with a disagreement shows every part of the digest; then the most sources.
        story = min(result.stories, key=lambda s: (not s.conflicts, -s.independent_sources, -len(s.article_ids), s.id))
        page_file = Path(tmp) / "site" / "stories" / f"{story.id}.html"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(args.chromium), args=["--headless=new", "--no-sandbox"])
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            page.goto(page_file.as_uri())
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            browser.close()
    print(f"{args.out}: {story.headline} ({args.width}x{args.height}, {args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
