"""The umpire seat and the players' arguments in the client, headless, driven by real pygame events.

The session's checkpoints are tested directly (pure); the desk, the orders panel and the debrief
through the scenes, with clicks, key presses and typed text.
"""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import attrs  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402
from pygame_gui.elements import UIButton  # noqa: E402

from wargame.bots import make_bots  # noqa: E402
from wargame.client.app import App  # noqa: E402
from wargame.client.scenes.briefing import BriefingScene  # noqa: E402
from wargame.client.scenes.game import GameScene  # noqa: E402
from wargame.client.scenes.gameover import GameOverScene  # noqa: E402
from wargame.client.scenes.handover import HandoverScene  # noqa: E402
from wargame.client.scenes.menu import MenuScene  # noqa: E402
from wargame.client.scenes.results import TurnResultsScene  # noqa: E402
from wargame.client.session import REACTION, TURN_START, Session  # noqa: E402
from wargame.engine import (  # noqa: E402
    UMPIRE_TYPES,
    Adjudicate,
    EndOrders,
    FireInject,
    FreeInject,
    Note,
    Order,
    Publish,
    React,
    SetStat,
    seats_to_act,
)
from wargame.persist import Autosaver, SavedGame  # noqa: E402

SEATS = ("russia", "ukraine", "nato_hawk", "nato_cautious")
RATIONALE = "Moscow's partner ships early to test the front"
NOTE = "Watch whether NATO hawks overreach next turn"


# --- driving the client ------------------------------------------------------------------------

def press(app, key, unicode=""):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=unicode, scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode=unicode, scancode=0))
    app.pump()
    settle(app)


def past_briefing(app):
    """Read a seat's first-turn briefing and go on (Enter), if it is on screen."""
    if isinstance(app.scene, BriefingScene):
        press(app, pygame.K_RETURN)


def settle(app):
    """Pump until pygame_gui's follow-up events (a press, then a list's selection) are handled."""
    for _ in range(5):
        if not pygame.event.peek():
            break
        app.pump()


def click(app, pos):
    for etype, extra in ((pygame.MOUSEMOTION, {"rel": (0, 0), "buttons": (0, 0, 0)}),
                         (pygame.MOUSEBUTTONDOWN, {"button": 1}), (pygame.MOUSEBUTTONUP, {"button": 1})):
        pygame.event.post(pygame.event.Event(etype, pos=pos, touch=False, **extra))
        app.pump()
    settle(app)


def type_text(app, text):
    """Keys as SDL sends them for typing: a KEYDOWN with the character, then a TEXTINPUT."""
    for ch in text:
        key = ord(ch.lower()) if ch.isascii() and ch.isalnum() else pygame.K_SPACE if ch == " " else 0
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=ch, scancode=0))
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode=ch, scancode=0))
    app.pump()
    settle(app)  # the entry's change event arrives on the next pass


def type_into(app, entry, text):
    click(app, entry.rect.center)
    type_text(app, text)


def button(app, text) -> UIButton:
    found = [e for e in app.manager.get_sprite_group().sprites() if isinstance(e, UIButton) and e.text == text]
    assert found, f"no button {text!r} on screen"
    return found[0]


def press_button(app, text):
    btn = button(app, text)
    assert btn.is_enabled, f"{text!r} is disabled"
    click(app, btn.rect.center)


def choose(app, menu, text):
    """Open a drop-down with a click and click one of its options (unless it is chosen already)."""
    if menu.selected_option[0] == text:
        return
    click(app, menu.rect.center)
    items = menu.current_state.options_selection_list.item_list
    item = next(i for i in items if i["text"] == text)
    assert item["button_element"] is not None, f"{text!r} is not visible in the open list"
    click(app, item["button_element"].rect.center)


def pick_item(app, selection_list, text):
    item = next(i for i in selection_list.item_list if i["text"].startswith(text))
    assert item["button_element"] is not None
    click(app, item["button_element"].rect.center)


def widget_texts(app) -> str:
    out = []
    for e in app.manager.get_sprite_group().sprites():
        for attr in ("text", "html_text", "tool_tip_text"):
            value = getattr(e, attr, None)
            if isinstance(value, str):
                out.append(value)
        out += [i.get("text", "") for i in getattr(e, "item_list", None) or []]
    return "\n".join(out)


def logged(session, kind=None):
    inputs = [li.input for li in session.game.inputs]
    return [i for i in inputs if kind is None or isinstance(i, kind)]


@pytest.fixture
def app(tmp_path):
    a = App((1280, 800), saves_dir=tmp_path)
    yield a
    # not pygame.quit(): the chart's and map's font caches would outlive the font module
    pygame.display.quit()


def umpire_session(rs, tmp_path, humans=(), bots="doctrine", seed=3, autosave=True):
    seats = {f: ("human" if f in humans else bots) for f in rs.factions} | {"umpire": "human"}
    game, events = SavedGame.new(rs, seed=seed, seats=seats)
    return Session.start(game, events, autosaver=Autosaver(tmp_path) if autosave else None)


def session_at_crossing(rs, tmp_path, seed=0):
    """Bots play under an umpire until the desk opens for a red-line crossing."""
    s = umpire_session(rs, tmp_path, seed=seed, autosave=False)
    for _ in range(60):
        s.play_bots()
        if s.checkpoint() == REACTION:
            return s
        assert s.checkpoint() == TURN_START, "the game ended without a crossing"
        s.release()
    raise AssertionError("no crossing")


def desk(app, rs):
    scene = app.scene
    assert isinstance(scene, GameScene) and scene.seat == "umpire", getattr(scene, "seat", type(scene).__name__)
    assert scene.umpire_panel is not None
    return scene.umpire_panel


# --- the session's checkpoints (pure) ---------------------------------------------------------

def test_without_an_umpire_nothing_waits_for_one(rs, tmp_path):
    game, events = SavedGame.new(rs, seed=3, seats={f: "doctrine" for f in rs.factions})
    s = Session.start(game, events)
    assert not s.has_umpire and s.checkpoint() is None
    assert s.play_bots(limit=5) and s.human_to_act() is None


def test_the_turn_begins_at_the_umpire_desk_and_bots_wait(rs, tmp_path):
    s = umpire_session(rs, tmp_path, autosave=False)
    assert s.people() == ["umpire"]
    assert s.checkpoint() == TURN_START and s.human_to_act() == "umpire"
    assert s.play_bots() == [] and logged(s) == [], "a bot moved before the umpire's desk"
    s.release()
    assert logged(s) == [], "releasing is facilitation, not a game input"
    moves = s.play_bots()
    assert moves and s.human_to_act() == "umpire"
    # the next stop is the next turn's desk or a crossing, never a bot's answer to it
    assert s.checkpoint() in (TURN_START, REACTION)
    if s.checkpoint() == TURN_START:
        assert s.state.turn == 2 and not s.state.done


def test_a_crossing_waits_for_the_umpire_then_its_owner_answers(rs, tmp_path):
    s = session_at_crossing(rs, tmp_path)
    crossing = s.state.crossings[0]
    assert s.human_to_act() == "umpire"
    assert not [i for i in logged(s, React) if i.red_line == crossing.red_line], "the owner answered first"
    s.leave_to_owner(crossing.red_line)
    assert crossing not in s.unreviewed()
    if s.checkpoint() is None:  # the only crossing: the owner's bot answers now
        s.play_bots(limit=1)
        assert [i for i in logged(s, React) if i.red_line == crossing.red_line]


# --- the desk on screen -----------------------------------------------------------------------

def test_a_session_with_an_umpire_and_four_players(app, rs, tmp_path):
    session = umpire_session(rs, tmp_path, humans=SEATS)
    app.switch(GameScene(app, session))
    app.pump()
    assert isinstance(app.scene, HandoverScene)
    assert "Pass the computer to Umpire" in widget_texts(app)
    press(app, pygame.K_RETURN)
    panel = desk(app, rs)
    assert logged(session) == [], "a seat acted before the umpire's desk"
    # fire a scenario inject with a rationale
    pick_item(app, panel.inject_list, "Shells from abroad")
    assert desk(app, rs).desk.inject == "shells_from_abroad"
    ammo = session.state.stats["russia"]["ammunition"]
    type_into(app, desk(app, rs).rationale, RATIONALE)
    press_button(app, "Fire now")
    assert FireInject("shells_from_abroad", 0, RATIONALE) in logged(session)
    assert session.state.stats["russia"]["ammunition"] == min(rs.factions["russia"].stat_max, ammo + 3)
    # a private note, then hand the game back
    press(app, pygame.K_n)
    type_into(app, desk(app, rs).rationale, NOTE)
    press_button(app, "Keep the rationale as a note")
    assert Note(NOTE) in logged(session)
    assert NOTE in widget_texts(app), "the umpire's notes list should show the note"
    press(app, pygame.K_f)
    # every player screen this turn: the inject's effect is public, its rationale and the note are not
    seen_public = seen_results = False
    steps = 0
    while not (isinstance(app.scene, GameScene) and app.scene.seat == "umpire" and session.state.turn == 2):
        steps += 1
        assert steps < 60
        if isinstance(app.scene, TurnResultsScene):  # the room sees the turn's public results
            text = widget_texts(app)
            assert NOTE not in text and RATIONALE not in text, "the results show the umpire's private words"
            seen_results |= "Umpire: inject Shells from abroad fired." in text
            press(app, pygame.K_RETURN)
            continue
        if isinstance(app.scene, HandoverScene):
            text = widget_texts(app)
            assert NOTE not in text and RATIONALE not in text
            press(app, pygame.K_RETURN)
            continue
        if isinstance(app.scene, BriefingScene):
            text = widget_texts(app)
            assert NOTE not in text and RATIONALE not in text, "a briefing shows the umpire's words"
            press(app, pygame.K_RETURN)
            continue
        scene = app.scene
        if scene.seat == "umpire":  # a crossing this turn: leave it to its owner
            press(app, pygame.K_f)
            continue
        text = widget_texts(app)
        assert NOTE not in text and RATIONALE not in text, f"{scene.seat}'s screen shows the umpire's words"
        seen_public |= "Umpire: inject Shells from abroad fired." in text
        if scene.phase == "orders":
            press(app, pygame.K_f)
            assert scene.confirm.open, "handing in no orders should ask first"
            press(app, pygame.K_RETURN)
        elif scene.phase == "consensus":
            press(app, pygame.K_a)
        else:
            press(app, pygame.K_0)
    assert seen_public, "the players never saw that the umpire fired an inject"
    assert seen_results, "the turn's results did not tell the room that the umpire fired an inject"
    # turn 2: the desk comes first again; publish the note
    panel = desk(app, rs)
    assert not session.state.done
    press(app, pygame.K_n)
    index = next(i for i, n in enumerate(session.state.notes) if n.text == NOTE)
    pick_item(app, desk(app, rs).note_list, f"{index}. [private]")
    press_button(app, "Publish the chosen note")
    assert Publish(index, "") in logged(session)
    press(app, pygame.K_f)
    if isinstance(app.scene, HandoverScene):
        press(app, pygame.K_RETURN)
    scene = app.scene
    assert scene.seat in SEATS
    text = widget_texts(app)
    assert NOTE in text, "a published note should reach the players"
    assert RATIONALE not in text, "an unpublished rationale must stay with the umpire"


def test_a_free_inject_built_with_the_drop_downs(app, rs, tmp_path):
    session = umpire_session(rs, tmp_path)
    app.switch(GameScene(app, session))
    app.pump()
    app.pump()
    desk(app, rs)
    press(app, pygame.K_e)
    type_into(app, desk(app, rs).name_entry, "Port strike")
    type_into(app, desk(app, rs).description_entry, "Dockers stop shipments")
    menus = desk(app, rs).field_menus
    choose(app, menus["faction"], "Ukraine")
    choose(app, desk(app, rs).field_menus["stat"], "Reserves")
    choose(app, desk(app, rs).field_menus["delta"], "-2")
    press_button(app, "Add effect")
    choose(app, desk(app, rs).field_menus["kind"], "Alliance cohesion")
    choose(app, desk(app, rs).field_menus["delta"], "-2")
    press_button(app, "Add effect")
    assert "1. Ukraine reserves -2" in widget_texts(app) and "2. alliance cohesion -2" in widget_texts(app)
    before = session.state
    type_into(app, desk(app, rs).rationale, "logistics under strain")
    press_button(app, "Fire free inject")
    fired = logged(session, FreeInject)
    assert fired == [FreeInject("Port strike", "Dockers stop shipments",
                                ({"kind": "stat", "faction": "ukraine", "stat": "reserves", "delta": -2},
                                 {"kind": "cohesion", "delta": -2}), "logistics under strain")]
    assert session.state.stats["ukraine"]["reserves"] == before.stats["ukraine"]["reserves"] - 2
    assert session.state.cohesion == before.cohesion - 2
    assert desk(app, rs).desk.effects == [], "a fired inject's effects should be cleared"


def test_a_blank_rationale_is_refused_with_a_notice(app, rs, tmp_path):
    session = umpire_session(rs, tmp_path)
    app.switch(GameScene(app, session))
    app.pump()
    app.pump()
    desk(app, rs)
    press_button(app, "Fire now")
    assert "rationale" in app.scene.notice
    press(app, pygame.K_a)
    press_button(app, "Apply the adjustment")
    assert "rationale" in app.scene.notice
    assert not [i for i in logged(session) if isinstance(i, UMPIRE_TYPES)]


def test_the_umpire_sees_p_respond_and_adjudicates(app, rs, tmp_path):
    session = session_at_crossing(rs, tmp_path)
    crossing = session.state.crossings[0]
    line = rs.red_lines[crossing.red_line]
    app.switch(GameScene(app, session))
    app.pump()
    panel = desk(app, rs)
    assert panel.desk.section == "crossings"
    text = widget_texts(app)
    assert f"P(respond): {crossing.probability:.0%}" in text and line.name in text
    response = line.responses[0]
    type_into(app, panel.rationale, "the cabinet would not sit still")
    press_button(app, f"1. {response.name} (rung {response.rung})")
    assert Adjudicate(line.id, response.id, "the cabinet would not sit still") in logged(session)
    answer = next(e for e in session.log if e.kind == "response" and e.data.get("red_line") == line.id)
    assert answer.data["decided_by"] == "umpire"
    assert not [i for i in logged(session, React) if i.red_line == line.id]


# --- players' arguments -----------------------------------------------------------------------

def test_a_typed_argument_goes_with_the_order_and_f_stays_a_letter(app, rs, tmp_path):
    game, events = SavedGame.new(rs, seed=3, seats={f: ("human" if f == "ukraine" else "doctrine")
                                                     for f in rs.factions})
    session = Session.start(game, events)
    app.switch(GameScene(app, session))
    app.pump()
    app.pump()
    past_briefing(app)
    scene = app.scene
    assert scene.seat == "ukraine" and scene.phase == "orders"
    press(app, pygame.K_DOWN)
    option = scene._selected_option()
    argument = "fortify first, fight for Kharkiv later"
    type_into(app, scene.argument_entry, argument)
    assert "ukraine" not in session.state.done and not logged(session, EndOrders), "typing f handed in"
    assert scene.argument == argument
    press(app, pygame.K_RETURN)  # Enter in the argument line picks the order
    assert [p.rationale for p in scene.picks] == [argument]
    assert argument in widget_texts(app)
    press(app, pygame.K_f)
    order = next(i for i in logged(session, Order) if i.faction == "ukraine")
    assert (order.action, order.rationale) == (option.action.id, argument)


def test_typing_f_in_the_save_window_does_not_hand_in(app, rs, tmp_path):
    game, events = SavedGame.new(rs, seed=3, seats={f: ("human" if f == "ukraine" else "doctrine")
                                                     for f in rs.factions})
    session = Session.start(game, events)
    app.switch(GameScene(app, session))
    app.pump()
    app.pump()
    past_briefing(app)
    press(app, pygame.K_F2)
    type_text(app, "ff")
    assert "ukraine" not in session.state.done
    assert "ff" in app.scene.save_name.get_text()


def test_the_debrief_shows_arguments_and_interventions(app, rs, tmp_path):
    game, events = SavedGame.new(rs, seed=11, seats={f: "human" for f in rs.factions} | {"umpire": "human"})
    game.apply(SetStat("ukraine", "reserves", 9, "a mobilisation law passed early"))
    game.apply(Note("private musing"))
    bots = make_bots(rs, "doctrine", 11)
    argued = None
    while game.state.outcome is None:
        seat = seats_to_act(rs, game.state)[0]
        inp = bots[seat].choose(rs, game.state, seat)
        if argued is None and isinstance(inp, Order) and inp.faction == "russia":
            inp = argued = attrs.evolve(inp, rationale="a show of strength before talks")
        game.apply(inp)
    scene = GameOverScene(app, Session.start(game))
    app.switch(scene)
    app.pump()
    html = scene.debrief_box.html_text
    assert "Arguments" in html and "a show of strength before talks" in html
    assert rs.actions[argued.action].name in html
    assert "a mobilisation law passed early" in html and "Ukraine reserves set to 9" in html
    assert "private musing" not in html and "1 note(s)" in html


def test_the_menu_seats_an_umpire(app, rs, tmp_path):
    app.switch(MenuScene(app))
    app.pump()
    assert "Umpire  [U]" in widget_texts(app)
    press(app, pygame.K_u)
    assert "A person (the facilitator)" in widget_texts(app)
    press(app, pygame.K_RETURN)
    app.pump()
    assert isinstance(app.scene, HandoverScene) and app.scene.seat == "umpire"
    assert app.scene.game_scene.session.game.header.seats["umpire"] == "human"
