"""Choosing an action with Up and Down updates the orders panel in place (the list's highlight, the
detail box, the Pick button and its Enter key) and shows exactly what a full rebuild shows."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import pygame
import pytest

from test_client_fit import game_seat
from test_client_game import press
from wargame.client.app import App


@pytest.fixture
def app(tmp_path):
    a = App((1920, 1080), saves_dir=tmp_path, window=False, text_scale=1.3)
    yield a
    pygame.display.quit()


def panel_state(scene):
    chosen = [item["text"] for item in scene.action_list.item_list if item["selected"]]
    return (chosen, scene.detail.html_text, scene.pick_button.is_enabled, pygame.K_RETURN in scene.keys)


def test_up_and_down_show_the_same_panel_as_a_rebuild(app):
    scene = game_seat(app, "nato_hawk")
    assert scene.options and scene.unavailable
    steps = len(scene.options) + len(scene.unavailable)
    seen = set()
    for _ in range(steps):
        list_before = scene.action_list
        press(app, pygame.K_DOWN)
        assert scene.action_list is list_before, "Down rebuilt the widgets"
        fast = panel_state(scene)
        assert fast[0] and scene.item_actions[fast[0][0]] == scene.selected
        app.rebuild()
        assert panel_state(scene) == fast
        seen.add((fast[2], fast[3]))
    # both an action that can be picked (button and Enter on) and a greyed one (both off) were chosen
    assert (True, True) in seen and (False, False) in seen
    for _ in range(steps):
        press(app, pygame.K_UP)
    assert scene.selected == scene.options[0].action.id
    picks = len(scene.picks)
    press(app, pygame.K_RETURN)
    assert len(scene.picks) == picks + 1
