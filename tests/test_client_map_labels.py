"""The map is legible at the sizes seminars use: no name drawn over another at the default zoom,
the theatre fills the map panel, and the legend keeps clear of the names."""

import itertools
import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import pygame
import pytest
from attrs import evolve

from wargame.client import palette as P
from wargame.client.app import App
from wargame.client.board import Board
from wargame.client.scenes.game import GameScene
from wargame.client.scenes.handover import HandoverScene
from wargame.client.session import Session
from wargame.persist import load_save, saves_home
from wargame.persist.game import branch

SIZES = [((1366, 768), 1.0), ((1366, 768), 1.3), ((1366, 768), 1.5),
         ((1920, 1080), 1.0), ((1920, 1080), 1.3), ((1920, 1080), 1.5)]


def busy_game_screen(size, scale, tmp_path):
    """A game branched from history in mid-2023 (a crowded front), Ukraine at the screen."""
    history = load_save(saves_home() / "history-2022-2024.wgsave")
    game = branch(history, 17)
    game.header = evolve(game.header, seats={f: ("human" if f == "ukraine" else "doctrine")
                                             for f in game.ruleset.factions})
    app = App(size, saves_dir=tmp_path, window=False, text_scale=scale)
    scene = GameScene(app, Session.start(game))
    app.switch(scene)
    app.pump()
    if isinstance(app.scene, HandoverScene):
        app.scene.ready()
        app.pump()
    app.pump()
    return app, scene


@pytest.fixture
def quit_pygame():
    yield
    pygame.display.quit()


GAP = 2  # pixels between two drawn texts (halos included); closer, two names read as one


def overlaps(labels) -> list[tuple[str, str]]:
    """Every pair of drawn texts (region names, each line apart, strength chips, city names)
    whose inked boxes come closer than GAP pixels: touching names count as an overlap."""
    return [(a, b) for (a, ra), (b, rb) in itertools.combinations(labels, 2)
            if ra.inflate(GAP, GAP).colliderect(rb.inflate(GAP, GAP))]


@pytest.mark.parametrize("size,scale", SIZES, ids=[f"{w}x{h}@{s}" for (w, h), s in SIZES])
def test_no_name_is_drawn_over_another(size, scale, tmp_path, quit_pygame):
    app, scene = busy_game_screen(size, scale, tmp_path)
    m = scene.board.map
    labels = m.placed_labels
    assert len(labels) >= 30, "most regions and cities are named"
    assert overlaps(labels) == []
    frame = m.frame
    assert all(frame.contains(rect) for _, rect in labels), "a name runs off the map"
    legend = m._legend()[0]
    assert all(not legend.colliderect(rect) for _, rect in labels)
    for r in scene.rs.regions.values():  # no name over a city's marker
        for c in r.city:
            x, y = m.ipoint(c.lon, c.lat)
            rad = 6 if c.major else 4
            marker = pygame.Rect(x - rad, y - rad, 2 * rad + 1, 2 * rad + 1)
            assert not [t for t, rect in labels if rect.colliderect(marker)], f"a name over {c.name}'s marker"
    if size == (1366, 768) and scale == 1.5:
        # the smallest screen at the largest text: one zoom step in names every major city
        scene.board.zoom(scene.layout["map"], 1.25)
        scene.board.draw_map(app.screen, scene.layout["map"])
        labels = scene.board.map.placed_labels
        assert overlaps(labels) == []
    names = {text for text, _ in labels}
    rs = scene.rs
    for c in (c for r in rs.regions.values() for c in r.city if c.major):
        assert c.name in names, f"{c.name} is a major city"  # its own name or its region's


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_outlines_of_an_orders_targets_leave_the_names_readable(size, tmp_path, quit_pygame):
    """Picking a strike outlines its targets over the map; the names on the map stay as drawn."""
    app, scene = busy_game_screen(size, 1.0, tmp_path)
    rect = scene.layout["map"]
    board = scene.board
    plain = app.screen.copy()
    board.draw_map(plain, rect)
    targets = [rid for rid, r in scene.rs.regions.items() if r.country in ("ukraine", "russia")]
    outlined = app.screen.copy()
    board.draw_map(outlined, rect, targets=targets, chosen=targets[:3], hover=targets[0])
    changed = sum(1 for x in range(rect.x, rect.right, 3) for y in range(rect.y, rect.bottom, 3)
                  if plain.get_at((x, y)) != outlined.get_at((x, y)))
    assert changed > 500, "no outlines drawn"
    # the letters and their halos (pixels of exactly the text's colours) are what must stay
    ink = {tuple(P.TEXT), tuple(P.HALO)}
    hidden, letters = [], 0
    for text, r in board.map.placed_labels:
        box = r.move(rect.topleft)
        pixels = [(x, y) for x in range(box.x, box.right) for y in range(box.y, box.bottom)
                  if tuple(plain.get_at((x, y)))[:3] in ink]
        letters += len(pixels)
        # (an outline's colour is far from the text's; the blend at a letter's edge moves a few levels)
        if any(max(abs(a - b) for a, b in zip(plain.get_at(p)[:3], outlined.get_at(p)[:3])) > 40 for p in pixels):
            hidden.append(text)
    assert letters > 1000
    assert hidden == [], "outlines drawn over these names"


def test_the_map_opens_on_the_theatre_and_zooms_out_to_the_whole_map():
    from wargame.simulate import ruleset_for

    rs = ruleset_for(None)
    board = Board(rs)
    rect = pygame.Rect(0, 0, 740, 400)
    theatre, whole = board.map.bounds, board.whole
    assert (theatre[1] - theatre[0]) < (whole[1] - whole[0])  # Ukraine closer than the Baltic
    ukraine = [p for r in rs.regions.values() if r.country == "ukraine" for p in r.polygon]
    assert all(theatre[0] <= lon <= theatre[1] and theatre[2] <= lat <= theatre[3] for lon, lat in ukraine)
    for _ in range(20):
        board.zoom(rect, 1 / 1.25)
    assert board.map.bounds[1] - board.map.bounds[0] == pytest.approx(whole[1] - whole[0])
    board.reset_zoom()
    assert board.map.bounds == theatre
