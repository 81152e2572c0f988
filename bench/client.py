"""Client drawing speed: milliseconds per frame of the game screen at 1280x800, headless, and
the time from a key press to the updated frame at 1920x1080.

Four measurements, each timed over many repetitions on one core:
- idle: the loop wakes with nothing to do (no redraw happens; this is what an idle client costs),
- redraw: something small changed (the pointer moved): cached map and track, widgets redrawn,
- new view: the state changed (a turn ended): map and track drawn again from the new view,
- key press: Down or Up in the orders list at 1920x1080, from the KEYDOWN event to the frame that
  shows the newly chosen action (the widgets are rebuilt; the map and track come from their caches).

Run: python bench/client.py [--frames N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # measure this checkout, as the other benches do

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402
from attrs import evolve  # noqa: E402

from wargame.client.app import App  # noqa: E402
from wargame.client.scenes.game import GameScene  # noqa: E402
from wargame.client.scenes.handover import HandoverScene  # noqa: E402
from wargame.client.session import Session  # noqa: E402
from wargame.persist import load_save, saves_home  # noqa: E402
from wargame.persist.game import branch  # noqa: E402


def game_screen(app: App) -> GameScene:
    """A hot-seat game branched from history at turn 17 (a busy map), Ukraine at the screen."""
    history = load_save(saves_home() / "history-2022-2024.wgsave")
    game = branch(history, 17)
    # factions only: the branch would seat an umpire (the record has rulings), whose desk comes first
    game.header = evolve(game.header, seats={f: ("human" if f == "ukraine" else "doctrine")
                                             for f in game.ruleset.factions})
    scene = GameScene(app, Session.start(game))
    app.switch(scene)
    app.tick(0.0)
    if isinstance(app.scene, HandoverScene):
        app.scene.ready()
        app.tick(0.0)
    scene.move_selection(+1)  # an action chosen: targets outlined on the map, details shown
    app.tick(0.0)
    return scene


def key_press(app: App, frames: int) -> tuple[list[float], list[float]]:
    """Milliseconds from posting a key press to the frame drawn after it (Down, Up, Down, ...):
    wall-clock time, and the process's CPU time (which other work on the machine does not inflate)."""
    scene = app.scene
    assert isinstance(scene, GameScene)
    wall, cpu = [], []
    for i in range(frames):
        key = pygame.K_DOWN if i % 2 == 0 else pygame.K_UP
        before = scene.selected
        t0, c0 = time.perf_counter(), time.process_time()
        for etype in (pygame.KEYDOWN, pygame.KEYUP):
            pygame.event.post(pygame.event.Event(etype, key=key, mod=0, unicode="", scancode=0))
        drew = app.pump(0.016)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        if not drew or scene.selected == before:
            raise RuntimeError("the key press did not change the screen")
    return wall, cpu


def time_frames(frames: int, step) -> list[float]:
    out = []
    for i in range(frames):
        t0 = time.perf_counter()
        step(i)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def report(name: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, round(len(ms) * 0.95))]
    print(f"{name:<34} median {statistics.median(ms):7.3f} ms   p95 {p95:7.3f} ms   ({len(ms)} frames)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300, help="frames per measurement (default 300)")
    args = parser.parse_args()
    # the key press at 1920x1080, in a client of its own
    big = App((1920, 1080), window=True)  # the dummy video driver: a real display surface, no window
    game_screen(big)
    key_ms, key_cpu = key_press(big, max(20, args.frames // 5))
    del big
    app = App((1280, 800), window=True)
    scene = game_screen(app)
    region_points = [scene.layout["map"].center, (scene.layout["map"].x + 40, scene.layout["map"].y + 40)]

    def idle(_):
        app.tick(0.016)

    def redraw(i):
        pos = region_points[i % 2]
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(1, 1), buttons=(0, 0, 0), touch=False))
        app.pump(0.016)

    views = [scene.session.view("ukraine"), scene.session.view("umpire")]

    def new_view(i):
        scene.board.set_view(views[i % 2])
        app.dirty = True
        app.tick(0.016)

    print(f"game screen 1280x800, SDL_VIDEODRIVER={os.environ['SDL_VIDEODRIVER']}, pygame {pygame.version.ver}")
    report("idle wake-up (no redraw)", time_frames(args.frames, idle))
    report("redraw (pointer moved)", time_frames(args.frames, redraw))
    report("new view (map and track redrawn)", time_frames(max(20, args.frames // 5), new_view))
    report("key press to frame (1920x1080)", key_ms)
    report("  the same, CPU time of the process", key_cpu)
    print(f"key press median {statistics.median(key_ms):.1f} ms")
    pygame.quit()


if __name__ == "__main__":
    main()
