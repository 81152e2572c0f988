"""The after-action report: what happened in a saved game, for a seminar debrief.

    paths = write_report("saves/history-2022-2024.wgsave", "out/")

writes out/report.html (one self-contained file) and out/report.md with its pictures in
out/images/. `collect` gathers the facts, `document` puts them in reading order, `images` draws
the pictures with the client's own chart and map code, and `html` and `markdown` write them;
`parent` finds and compares the game a branch came from, and `records` holds the plain facts.
"""

from __future__ import annotations

from pathlib import Path

from .. import __version__
from ..files import clean_stray_temps, write_all_atomic
from ..persist import load_save, saves_home
from . import document, html, images, markdown
from .collect import collect
from .parent import compare_with_parent
from .records import Report

__all__ = ["Report", "collect", "make_report", "write_report"]


def write_report(save_path, out_dir, parent_path=None, **options) -> list[Path]:
    """Write the report of a save into `out_dir`; returns the files written (report.html first).

    For a branch, the parent game is `parent_path`, or else found by its id next to the save or
    in the project's saves folder. The files are written all or none (OSError: none). Options: see `make_report`.
    """
    return make_report(save_path, out_dir, parent_path, **options)[1]


def make_report(save_path, out_dir, parent_path=None, *, game=None, map_size=images.MAP_SIZE,
                search_dirs=None) -> tuple[Report, list[Path]]:
    """`write_report`, also returning the gathered facts (the command line tells what was missing).

    `game` is the save already loaded (from `save_path`); `search_dirs` replaces the saves folder
    as the place to look for a branch's parent.
    """
    save_path, out = Path(save_path), Path(out_dir)
    game = game if game is not None else load_save(save_path)
    dirs = (saves_home(),) if search_dirs is None else tuple(search_dirs)
    comparison = None
    if game.header.parent_id:
        comparison = compare_with_parent(game, save_path, Path(parent_path) if parent_path else None, dirs)
    report = collect(game, comparison)
    pictures = images.all_pictures(game, report, map_size)
    blocks = document.build(report, generated=f"Written by wargame {__version__} from {save_path.name}.")
    # everything is rendered before the first byte is written: a failure writes nothing
    md_text = markdown.render(blocks).encode("utf-8")
    html_text = html.render(blocks, pictures, report.title).encode("utf-8")
    written = [out / markdown.image_name(key) for key in pictures]
    md_path, html_path = out / "report.md", out / "report.html"
    for folder in {out, *(p.parent for p in written)}:  # what an earlier, killed report left
        clean_stray_temps(folder, (".html", ".md", ".png"))
    # all or nothing: every file goes to a temporary file first, and only when all are on disk
    # are they renamed into place; report.html last, so it appears only once the rest is there
    write_all_atomic([*zip(written, pictures.values()), (md_path, md_text), (html_path, html_text)])
    return report, [html_path, md_path, *written]
