"""One key press acts once, driven by real pygame events: a held key's repeats and presses queued
behind a busy frame do not vote twice, undo twice, or go to the menu and then quit from it."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import pygame
import pytest

from test_client_game import new_session, play_screen
from wargame.client.app import App
from wargame.client.scenes.game import GameScene
from wargame.client.scenes.menu import MenuScene
from wargame.engine import Order, Vote


def key_down(key, unicode=""):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=unicode, scancode=0))


def key_up(key, unicode=""):
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode=unicode, scancode=0))


def press(app, key, unicode=""):
    key_down(key, unicode)
    key_up(key, unicode)
    app.pump()


@pytest.fixture
def app(tmp_path):
    a = App((1280, 800), saves_dir=tmp_path, window=False)
    yield a
    pygame.display.quit()


def game_with_two_picks(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("ukraine",))
    app.switch(GameScene(app, session))
    app.pump()
    scene = play_screen(app)
    for _ in range(2):
        press(app, pygame.K_DOWN)
        press(app, pygame.K_RETURN)
    assert len(scene.picks) == 2
    return scene


def test_two_escapes_queued_in_one_frame_ask_once_and_do_not_cancel(app, rs, tmp_path):
    scene = game_with_two_picks(app, rs, tmp_path)
    key_down(pygame.K_ESCAPE)
    key_down(pygame.K_ESCAPE)  # the key held while the frame was busy: a repeat
    app.pump()
    assert app.scene is scene and scene.confirm.open, "the repeat cancelled the question Esc asked"
    key_up(pygame.K_ESCAPE)
    press(app, pygame.K_RETURN)  # Enter leaves for the menu
    assert isinstance(app.scene, MenuScene)
    assert app.running
    press(app, pygame.K_ESCAPE)  # a new press on the menu does quit
    assert not app.running


def test_two_separate_escapes_in_one_busy_frame_act_once(app, rs, tmp_path):
    scene = game_with_two_picks(app, rs, tmp_path)
    for _ in range(2):  # pressed twice, both waiting for the same frame
        key_down(pygame.K_ESCAPE)
        key_up(pygame.K_ESCAPE)
    app.pump()
    assert app.scene is scene and scene.confirm.open and app.running
    press(app, pygame.K_ESCAPE)  # a second press, a frame later, cancels the question
    assert app.scene is scene and not scene.confirm.open and len(scene.picks) == 2


def test_keys_queued_behind_a_scene_switch_stay_with_the_old_scene(app, rs, tmp_path):
    game_with_two_picks(app, rs, tmp_path)
    key_down(pygame.K_ESCAPE)
    key_up(pygame.K_ESCAPE)
    key_down(pygame.K_RETURN)  # confirms leaving
    key_up(pygame.K_RETURN)
    key_down(pygame.K_RETURN)  # meant for the game screen; on the menu it would start a new game
    key_up(pygame.K_RETURN)
    app.pump()
    menu = app.scene
    assert isinstance(menu, MenuScene)
    app.pump()
    assert app.scene is menu


def test_a_held_backspace_undoes_one_pick(app, rs, tmp_path):
    scene = game_with_two_picks(app, rs, tmp_path)
    key_down(pygame.K_BACKSPACE)
    key_down(pygame.K_BACKSPACE)  # auto-repeat
    app.pump()
    assert len(scene.picks) == 1
    key_down(pygame.K_BACKSPACE)  # still held, a frame later
    app.pump()
    assert len(scene.picks) == 1
    key_up(pygame.K_BACKSPACE)
    press(app, pygame.K_BACKSPACE)  # let go and pressed again: that one undoes
    assert scene.picks == []


def test_two_backspaces_in_one_busy_frame_undo_once(app, rs, tmp_path):
    scene = game_with_two_picks(app, rs, tmp_path)
    for _ in range(2):
        key_down(pygame.K_BACKSPACE)
        key_up(pygame.K_BACKSPACE)
    app.pump()
    assert len(scene.picks) == 1


def test_a_repeated_approve_key_gives_one_vote(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("nato_hawk", "nato_cautious"))
    session.play_bots()
    session.submit_orders("nato_hawk", [Order("nato_hawk", "baltic_reinforcement"),
                                        Order("nato_hawk", "long_range_missiles")])
    session.submit_orders("nato_cautious", [])
    assert len(session.view("nato_cautious")["pending_votes"]) == 2
    app.switch(GameScene(app, session))
    app.pump()
    scene = play_screen(app)
    assert scene.seat == "nato_cautious" and scene.phase == "consensus"
    key_down(pygame.K_a)
    key_down(pygame.K_a)  # held: the second must not approve the next order too
    app.pump()
    votes = [li.input for li in session.game.inputs if isinstance(li.input, Vote)]
    assert len(votes) == 1
    assert len(session.view("nato_cautious")["pending_votes"]) == 1
    key_up(pygame.K_a)
    app.pump()
    scene = play_screen(app)
    press(app, pygame.K_v)  # the second vote is the player's own, given on purpose
    assert [v.approve for v in (li.input for li in session.game.inputs) if isinstance(v, Vote)] == [True, False]


def test_held_arrow_keys_still_move_through_the_list(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("ukraine",))
    app.switch(GameScene(app, session))
    app.pump()
    scene = play_screen(app)
    ids = [o.action.id for o in scene.options]
    key_down(pygame.K_DOWN)
    app.pump()
    for _ in range(2):  # repeats, one frame each
        key_down(pygame.K_DOWN)
        app.pump()
    key_up(pygame.K_DOWN)
    app.pump()
    assert scene.selected == ids[2]
