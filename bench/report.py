"""After-action report benchmark: time to write the report of the 35-turn history save.

Prints the median of a few runs of the whole command in a fresh process (what a facilitator
waits for, imports included), the median of in-process runs, and where the in-process time
goes (load, collect, pictures, render, write). Above the goal, or with --profile, a cProfile
top 10 follows. No figure here is asserted anywhere.

    python bench/report.py [--repeat 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from wargame.persist import load_save, saves_home  # noqa: E402
from wargame.report import document, html, images, markdown, write_report  # noqa: E402
from wargame.report.collect import collect  # noqa: E402

SAVE = saves_home() / "history-2022-2024.wgsave"
GOAL_S = 3.0


def command_once(out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "wargame.cli", "report", str(SAVE), "--out", str(out)],
                   check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def stages(out: Path) -> dict[str, float]:
    """Seconds per stage of one in-process report (the same steps write_report takes)."""
    times, t = {}, time.perf_counter()

    def lap(name):
        nonlocal t
        now = time.perf_counter()
        times[name] = now - t
        t = now

    game = load_save(SAVE)
    lap("load")
    report = collect(game)
    lap("collect (events of every turn)")
    pictures = images.all_pictures(game, report)
    lap("pictures (chart, 3 maps)")
    blocks = document.build(report)
    md, page = markdown.render(blocks), html.render(blocks, pictures, report.title)
    lap("render HTML and Markdown")
    write_report(SAVE, out)
    lap("one whole write_report")
    times["(report.html size, MB)"] = len(page.encode()) / 1e6
    times["(report.md size, KB)"] = len(md.encode()) / 1e3
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print the cProfile top 10 even under the goal")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        cold = [command_once(out / f"cmd{i}") for i in range(args.repeat)]
        warm = []
        for i in range(args.repeat):
            start = time.perf_counter()
            write_report(SAVE, out / f"warm{i}")
            warm.append(time.perf_counter() - start)
        split = stages(out / "stages")
        print(f"report of {SAVE.name} ({load_save(SAVE).turns} turns), median of {args.repeat} runs:")
        print(f"  `wargame report` in a fresh process: {statistics.median(cold):.3f} s "
              f"(min {min(cold):.3f}, max {max(cold):.3f})   goal < {GOAL_S} s")
        print(f"  write_report in a warm process:     {statistics.median(warm):.3f} s "
              f"(min {min(warm):.3f}, max {max(warm):.3f})")
        print("  one warm run, by stage:")
        for name, value in split.items():
            print(f"    {name:<34} {value:8.3f}" + ("" if name.startswith("(") else " s"))
        if args.profile or statistics.median(cold) >= GOAL_S:
            prof = cProfile.Profile()
            prof.enable()
            write_report(SAVE, out / "profiled")
            prof.disable()
            print("\ncProfile, top 10 by cumulative time (one in-process run):")
            pstats.Stats(prof).sort_stats("cumulative").print_stats(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
