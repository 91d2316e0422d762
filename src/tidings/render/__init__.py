"""Renderers of a run's stories: JSON (the stories.schema.json contract), Markdown and HTML.

The web server renders its pages with the same templates as :mod:`tidings.render.html`.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Article, Skip, Story
from .json import export_dict, write_json
from .markdown import render_markdown


def write_outputs(out_dir: Path, stories: list[Story], articles: list[Article], skipped: list[Skip]) -> list[Path]:
    """Write stories.json, stories.md, index.html and one page per story into ``out_dir``; return the paths."""
    from .html import write_site

    out_dir.mkdir(parents=True, exist_ok=True)
    written = [write_json(out_dir / "stories.json", stories, articles, skipped)]
    md = out_dir / "stories.md"
    md.write_text(render_markdown(stories, articles), encoding="utf-8")
    written.append(md)
    written += write_site(out_dir, stories, articles)
    return written


__all__ = ["export_dict", "render_markdown", "write_json", "write_outputs"]
