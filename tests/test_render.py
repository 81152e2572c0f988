"""The headless renderer: map and escalation track drawn from player views into a Surface."""

import copy
import os
from collections import Counter

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame
import pytest

from wargame.client import MapView, TrackView, layout, palette, render_view
from wargame.client.mapview import reset_fonts
from wargame.engine import new_game, player_view
from wargame.persist import load_save, saves_home

SIZE = (1280, 800)


@pytest.fixture(scope="module", autouse=True)
def _pygame():
    pygame.init()
    reset_fonts()  # an earlier test module may have quit pygame, which kills cached fonts
    yield


@pytest.fixture(scope="module")
def start(rs):
    st, _ = new_game(rs, seed=1)
    return rs, player_view(rs, st, "ukraine")


@pytest.fixture(scope="module")
def history():
    game = load_save(saves_home() / "history-2022-2024.wgsave")
    return game.ruleset, player_view(game.ruleset, game.state_at(30), "umpire")


def _pixels(surface):
    return bytes(pygame.image.tobytes(surface, "RGB"))


def _colours(surface):
    w, h = surface.get_size()
    return {surface.get_at((x, y))[:3] for x in range(0, w, 3) for y in range(0, h, 3)}


def _dominant(surface, centre, radius=7):
    """The most common colour in a small square around `centre`: labels may sit on the exact pixel."""
    x0, y0 = centre
    counts = Counter(surface.get_at((x, y))[:3]
                     for x in range(x0 - radius, x0 + radius + 1)
                     for y in range(y0 - radius, y0 + radius + 1))
    return counts.most_common(1)[0][0]


@pytest.mark.parametrize("which", ["start", "history"])
def test_render_is_sane(which, request, tmp_path):
    rs, view = request.getfixturevalue(which)
    before = copy.deepcopy(view)
    img = render_view(rs, view, SIZE)
    path = tmp_path / f"{which}.png"
    pygame.image.save(img, str(path))
    assert path.stat().st_size > 10_000
    loaded = pygame.image.load(str(path))
    assert loaded.get_size() == SIZE
    assert len(_colours(img)) > 8
    assert view == before, "drawing changed the view"

    _, map_rect, _ = layout(SIZE)
    mv = MapView(rs, map_rect)
    assert _dominant(img, mv.centre("crimea")) == palette.RUSSIA
    assert _dominant(img, mv.centre("lviv")) == palette.UKRAINE


@pytest.mark.parametrize("which", ["start", "history"])
def test_drawing_is_pure(which, request):
    rs, view = request.getfixturevalue(which)
    before = copy.deepcopy(view)
    assert _pixels(render_view(rs, view, SIZE)) == _pixels(render_view(rs, view, SIZE))
    _, map_rect, track_rect = layout(SIZE)
    mv, tv = MapView(rs, map_rect), TrackView(rs)
    a, b = pygame.Surface(SIZE), pygame.Surface(SIZE)
    for s in (a, b):
        mv.draw(s, map_rect, view, hover="kyiv")
        tv.draw(s, track_rect, view)
    assert _pixels(a) == _pixels(b)
    assert view == before


def test_region_at_round_trips_every_label_point(rs):
    _, map_rect, _ = layout(SIZE)
    mv = MapView(rs, map_rect)
    for rid, region in rs.regions.items():
        pos = mv.project(*region.label)
        assert map_rect.collidepoint(pos), f"{rid}: label point off the map"
        assert mv.region_at(pos) == rid, f"label point of {rid} hits {mv.region_at(pos)}"
    assert mv.region_at((-50, -50)) is None


def test_front_line_follows_control(start, history):
    for rs, view in (start, history):
        mv = MapView(rs)
        assert mv.front_segments(view), "no front drawn"
    rs, view = start
    quiet = copy.deepcopy(view)
    for r in quiet["regions"].values():
        if r["control"] != "neutral":
            r["control"] = "ukraine"
    assert MapView(rs).front_segments(quiet) == []


def test_other_sizes_and_hover(start):
    rs, view = start
    small = render_view(rs, view, (1024, 640), hover="donetsk")
    assert small.get_size() == (1024, 640)
    assert len(_colours(small)) > 8


def test_the_rendered_screen_is_a_still_scene_that_ignores_input():
    """`wargame render` draws the still scene (not a mode of the game scene): keys and clicks do nothing."""
    from wargame.client.app import App
    from wargame.client.scenes.still import StillScene
    from wargame.engine import month_label

    game = load_save(saves_home() / "history-2022-2024.wgsave")
    rs, st = game.ruleset, game.state_at(3)
    app = App((1366, 768), window=False)
    app.open("still", rs, player_view(rs, st, "ukraine"), title="still", month_of=lambda t: month_label(rs, st, t))
    assert isinstance(app.scene, StillScene)
    app.tick(0.0)
    before = _pixels(app.screen)
    for event in (pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="\x1b", scancode=0),
                  pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=(700, 300))):
        app.handle(event)
    app.tick(0.0)
    assert app.running and isinstance(app.scene, StillScene)
    assert _pixels(app.screen) == before
