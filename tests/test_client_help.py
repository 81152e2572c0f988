"""The help screen and the hover text on the track, driven by real pygame events: F1 opens the
glossary from the menu and the game screen and Esc comes back to the same screen; the glossary
names every rung, red line and ending with its payoffs from the ruleset and nothing hidden; the
pointer over a rung or a red line shows its description, and a line's resolve only to its owner."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import pygame
import pytest
from attrs import evolve

from test_client_fit import game_seat
from test_client_game import click, press, widget_texts
from wargame.client import palette as P
from wargame.client.app import App
from wargame.client.glossary import payoff_words, sections
from wargame.client.scenes.game import GameScene
from wargame.client.scenes.help import HelpScene
from wargame.client.scenes.menu import MenuScene


@pytest.fixture
def app(tmp_path):
    a = App((1366, 768), saves_dir=tmp_path, window=False)
    yield a
    pygame.display.quit()


def all_text(rs) -> str:
    return "\n".join(f"{s.title}\n" + "\n".join(f"{t}\n{x}" for t, x in s.entries) for s in sections(rs))


def test_the_glossary_names_every_rung_line_and_ending_from_the_ruleset(rs):
    text = all_text(rs)
    for rung in rs.rungs:
        assert f"Rung {rung.level}: {rung.name}" in text and rung.description in text
    for rl in rs.red_lines.values():
        assert rl.name in text and rl.description in text
    for o in rs.outcomes:
        assert o.name in text and payoff_words(rs, o) in text
        assert f"{rs.factions['russia'].name} {o.payoffs['russia']:+d}" in payoff_words(rs, o)
    for term in ("Credibility", "Resolve", "Red line", "Orders", "Consensus", "Reaction", "Escalation update"):
        assert any(term == t for s in sections(rs) for t, _ in s.entries), term


def test_the_glossary_tells_nothing_hidden(rs):
    """Changing every line's hidden tolerance, resolve and patience changes no word of it."""
    hidden = evolve(rs, red_lines={lid: evolve(rl, tolerance=rl.tolerance + 3, resolve=1 - rl.resolve,
                                              patience=rl.patience + 2)
                                   for lid, rl in rs.red_lines.items()})
    assert all_text(hidden) == all_text(rs)


def test_f1_opens_help_from_the_game_and_esc_comes_back_to_the_same_screen(app):
    scene = game_seat(app, "ukraine")
    press(app, pygame.K_DOWN)
    press(app, pygame.K_RETURN)
    picks = list(scene.picks)
    assert picks
    press(app, pygame.K_F1)
    assert isinstance(app.scene, HelpScene)
    assert "Help and glossary" in widget_texts(app)
    # Down moves through the sections, and the text box shows the chosen one
    press(app, pygame.K_DOWN)
    assert app.scene.index == 1 and "Consensus" in app.scene.text.html_text
    press(app, pygame.K_ESCAPE)
    assert app.scene is scene and scene.picks == picks


def test_help_from_the_menu_by_key_and_back_by_its_button(app):
    menu = MenuScene(app)
    app.switch(menu)
    app.pump()
    press(app, pygame.K_F1)
    assert isinstance(app.scene, HelpScene)
    back = next(e for e in app.manager.get_sprite_group().sprites() if getattr(e, "text", "") == "Back [Esc]")
    click(app, back.rect.center)
    assert app.scene is menu
    # the menu's own Help button
    button = next(e for e in app.manager.get_sprite_group().sprites() if getattr(e, "text", "") == "Help  [F1]")
    click(app, button.rect.center)
    assert isinstance(app.scene, HelpScene)


def point_at(app, scene, kind, ident=None):
    track = scene.layout["track"]
    row = next(r for r, k, i in scene.board.track.hits if k == kind and (ident is None or i == ident))
    pos = (track.x + row.centerx, track.y + row.centery)
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(1, 1), buttons=(0, 0, 0), touch=False))
    app.pump()
    return pos


def tip_colour_near(app, pos) -> int:
    """Pixels of the tooltip's background in a box around `pos`."""
    w, h = app.screen.get_size()
    return sum(1 for x in range(max(0, pos[0] - 300), min(w, pos[0] + 300), 5)
               for y in range(max(0, pos[1] - 100), min(h, pos[1] + 200), 5)
               if app.screen.get_at((x, y))[:3] == P.TOOLTIP_BG)


def test_pointing_at_a_rung_shows_what_it_means(app, rs):
    scene = game_seat(app, "ukraine")
    assert isinstance(scene, GameScene)
    before = tip_colour_near(app, (app.size[0] - 200, 300))
    pos = point_at(app, scene, "rung", 11)
    rung = rs.rungs[11]
    assert scene.track_tip()[0] == f"Rung 11: {rung.name}" and rung.description in scene.track_tip()
    assert tip_colour_near(app, pos) > before + 50, "no hover box drawn"
    # away from the track, the tip goes
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=scene.layout["map"].center, rel=(1, 1),
                                         buttons=(0, 0, 0), touch=False))
    app.pump()
    assert scene.track_tip() == []


def test_a_red_lines_hover_text_shows_resolve_only_to_its_owner(app, rs, tmp_path):
    lid = next(lid for lid, rl in rs.red_lines.items() if rl.owner == "russia")
    scene = game_seat(app, "ukraine")
    point_at(app, scene, "line", lid)
    tip = scene.track_tip()
    assert tip[0].startswith(rs.red_lines[lid].name) and rs.red_lines[lid].description in tip
    assert any(t.startswith("Credibility ") for t in tip)
    assert not any("resolve" in t.lower() for t in tip)
    pygame.display.quit()
    owner_app = App((1366, 768), saves_dir=tmp_path, window=False)
    try:
        scene = game_seat(owner_app, "russia")
        point_at(owner_app, scene, "line", lid)
        assert any(t.startswith("Hidden resolve") for t in scene.track_tip())
    finally:
        pygame.display.quit()
