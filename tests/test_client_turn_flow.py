"""The turn's results, the confirmations and the greyed orders, played through real pygame events:
the results screen comes after a turn resolves and before the next seat's handover, shows only
public events and comes back with R; handing in no orders, leaving and closing the window ask
first (Enter confirms, Esc cancels, one press acts once); actions a seat cannot order stay in the
orders list, greyed, with the engine's reason in plain words."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import random

import pygame
import pytest
from pygame_gui.elements import UIButton

from test_client_game import new_session, play_screen, press, widget_texts
from wargame.bots import make_bots
from wargame.client.app import App
from wargame.client.results import public_events, results_html, turn_results
from wargame.client.scenes.game import GameScene
from wargame.client.scenes.handover import HandoverScene
from wargame.client.scenes.menu import MenuScene
from wargame.client.scenes.results import TurnResultsScene
from wargame.client.wording import GENERIC, requirement_words
from wargame.engine import EndOrders, Order, apply, errors as E, legal_inputs, month_label, new_game
from wargame.engine.events import EventKind as K
from wargame.engine.legal import action_refusal, legal_orders
from wargame.engine.state import PHASE_ORDERS, replace
from wargame.persist.game import turn_events
from wargame.ruleset import load_ruleset


@pytest.fixture
def app(tmp_path):
    a = App((1280, 800), saves_dir=tmp_path, window=False)
    yield a
    pygame.display.quit()


def key(etype, k):
    pygame.event.post(pygame.event.Event(etype, key=k, mod=0, unicode="", scancode=0))


def logged(session, kind, seat="ukraine"):
    return [li.input for li in session.game.inputs if isinstance(li.input, kind) and li.input.faction == seat]


# --- the turn's results ----------------------------------------------------------------------------

def test_the_results_come_after_the_turn_and_before_the_handover(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("ukraine", "nato_hawk"), seed=4)
    app.switch(GameScene(app, session))
    app.pump()
    handed_in = []
    while session.game.turns == 0:
        scene = play_screen(app)
        assert session.game.turns == 0, "the turn resolved without its results"
        if scene.phase == "orders":
            press(app, pygame.K_DOWN)
            press(app, pygame.K_RETURN)
            handed_in.append(scene.picks[0].action)
            press(app, pygame.K_f)
        elif scene.phase == "consensus":
            press(app, pygame.K_a)
        else:
            press(app, pygame.K_0)
    results = app.scene
    assert isinstance(results, TurnResultsScene) and results.turn == 1
    assert isinstance(results.then, HandoverScene), "the handover comes after the results"
    text = widget_texts(app)
    assert "Results of turn 1" in text
    executed = [e for e in session.log if e.turn == 1 and e.kind == K.EXECUTED]
    assert executed
    for e in executed:  # every side's public acts, by name
        assert rs.actions[e.data["action"]].name in text
    for action in handed_in:
        assert rs.actions[action].name in text
    secret = [e for e in session.log if e.turn == 1 and e.audience is not None]
    assert secret, "a turn always has private events (the seats' own orders at least)"
    for e in secret:
        assert e.text not in text, f"the results show a private event: {e.text}"
    assert "_" not in text.replace("#results_text", ""), "an id on screen"
    press(app, pygame.K_RETURN)
    assert isinstance(app.scene, HandoverScene)
    scene = play_screen(app)
    # R shows the last turn's results again; Continue comes back to the same screen
    picks = list(scene.picks)
    press(app, pygame.K_r)
    assert isinstance(app.scene, TurnResultsScene) and app.scene.turn == 1 and app.scene.then is scene
    press(app, pygame.K_RETURN)
    assert app.scene is scene and scene.picks == picks and session.game.turns == 1


def test_one_person_against_bots_goes_on_without_a_results_screen(app, rs, tmp_path):
    """With one human seat and bots, F hands in and the next turn's orders come at once: the game
    screen says how the track moved and R shows the turn's results (no extra Enter every turn)."""
    session = new_session(rs, tmp_path, humans=("ukraine",), seed=4)
    app.switch(GameScene(app, session))
    app.pump()
    scene = play_screen(app)  # the briefing, before the first turn
    for turn in (1, 2):
        assert scene.phase == "orders" and session.state.turn == turn
        press(app, pygame.K_DOWN)
        press(app, pygame.K_RETURN)
        assert scene.picks
        press(app, pygame.K_f)
        while app.scene is scene and scene.phase != "orders":  # a crossing of Ukraine's line: let it pass
            press(app, pygame.K_0)
        assert app.scene is scene, type(app.scene).__name__
        assert session.game.turns == turn and session.state.turn == turn + 1 and scene.phase == "orders"
        before, after = (session.game.state_at(t).escalation for t in (turn - 1, turn))
        assert scene.notice.startswith(f"Turn {turn} resolved: escalation ")
        assert (f"rung {before} to {after}" if before != after else f"stayed at rung {after}") in scene.notice
        assert "R." in scene.notice
    press(app, pygame.K_r)
    assert isinstance(app.scene, TurnResultsScene) and app.scene.turn == 2 and app.scene.then is scene
    assert "Results of turn 2" in widget_texts(app)
    press(app, pygame.K_RETURN)
    assert app.scene is scene and session.state.turn == 3


def hover_tip(app, button, monkeypatch) -> str:
    """The hover text pygame_gui draws after the pointer rests on `button` (a real motion event;
    pygame_gui asks SDL where the pointer is, and the dummy driver has no pointer to move)."""
    from pygame_gui.elements import UITooltip

    monkeypatch.setattr(pygame.mouse, "get_pos", lambda: button.rect.center)
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=button.rect.center, rel=(1, 1),
                                         buttons=(0, 0, 0), touch=False))
    app.pump()
    for _ in range(3):  # the tooltip waits for the pointer to rest
        app.pump(1.0)
    tips = [e for e in app.manager.get_sprite_group().sprites() if isinstance(e, UITooltip)]
    assert len(tips) == 1, "no hover box over the button"
    return tips[0].text_block.html_text


def continue_button(app):
    return next(e for e in app.manager.get_sprite_group().sprites()
                if isinstance(e, UIButton) and e.text.endswith("[Enter]"))


def test_continue_after_r_says_it_goes_back_to_the_game(app, rs, tmp_path, monkeypatch):
    """From R in mid-turn, the results' button goes back to the game screen and its hover text
    says so; after a turn resolves it goes on with the game and says that."""
    session = new_session(rs, tmp_path, humans=("ukraine", "nato_hawk"), seed=4)
    app.switch(GameScene(app, session))
    app.pump()
    while not isinstance(app.scene, TurnResultsScene):  # the first turn, handed in by keys
        scene = play_screen(app)
        if scene.phase == "orders":
            press(app, pygame.K_f)
            press(app, pygame.K_RETURN)  # yes, no orders
        elif scene.phase == "consensus":
            press(app, pygame.K_a)
        else:
            press(app, pygame.K_0)
    after_turn = hover_tip(app, continue_button(app), monkeypatch).lower()
    assert "go on" in after_turn and "back to the game" not in after_turn
    press(app, pygame.K_RETURN)
    scene = play_screen(app)
    press(app, pygame.K_r)
    assert isinstance(app.scene, TurnResultsScene) and app.scene.then is scene
    button = continue_button(app)
    tip = hover_tip(app, button, monkeypatch).lower()
    assert "back to the game" in tip and "next seat" not in tip and "go on" not in tip
    assert "back to the game" in button.text.lower()
    press(app, pygame.K_RETURN)
    assert app.scene is scene and session.game.turns == 1


def test_an_umpire_with_bots_still_shows_the_room_the_results(app, rs, tmp_path):
    """The umpire alone at the computer is a facilitator before a room: the results get their screen."""
    from wargame.client.session import Session
    from wargame.persist import Autosaver, SavedGame

    seats = {**{f: "doctrine" for f in rs.factions}, "umpire": "human"}
    game, events = SavedGame.new(rs, seed=4, seats=seats)
    session = Session.start(game, events, autosaver=Autosaver(tmp_path))
    assert session.has_a_room()
    app.switch(GameScene(app, session))
    app.pump()
    for _ in range(20):
        if isinstance(app.scene, TurnResultsScene):
            break
        press(app, pygame.K_f)  # release the umpire's checkpoint
    assert isinstance(app.scene, TurnResultsScene) and app.scene.turn == 1


def test_results_name_every_rise_crossing_and_answer_in_public_words(rs, tmp_path):
    """Bots play twelve turns; each turn's results (from its recomputed events) explain every
    move of the track and give every public crossing with its answer, and nothing private."""
    from wargame.client.session import Session
    from wargame.persist import SavedGame

    game, events = SavedGame.new(rs, seed=7, seats={f: "doctrine" for f in rs.factions})
    session = Session.start(game, events)
    while session.game.turns < 12 and not session.over:
        session.play_bots(limit=50)
    rises = crossings = 0
    for turn in range(1, session.game.turns + 1):
        evs = list(turn_events(session.game, turn))
        evs_turn = [e for e in session.log if e.turn == turn]
        r = turn_results(rs, evs_turn, turn, month_label(rs, session.state, turn),
                         session.game.state_at(turn - 1).escalation, session.game.state_at(turn).escalation)
        public = [e for e in public_events(evs_turn)]
        moves = [e for e in public if e.kind in (K.ESCALATION, K.INADVERTENT)]
        assert len(r.moves) == len(moves)
        rises += sum(1 for e in moves if e.data["to"] > e.data["from"])
        for text, e in zip(r.moves, moves):
            assert f"Rung {e.data['from']} to {e.data['to']}" in text
            assert "an effect moved the track" not in text  # every cause named
        assert len(r.crossings) == sum(1 for e in public if e.kind == K.CROSSING)
        answers = sum(1 for e in public if e.kind in (K.RESPONSE, K.UNANSWERED))
        assert sum(1 for c in r.crossings if c.answer) == answers
        crossings += len(r.crossings)
        html = results_html(r)
        for e in evs:
            if e.audience is not None and e.turn == turn:
                assert e.text not in html
        assert "_" not in html
    assert rises and crossings, "twelve turns of doctrine bots should raise the track and cross a line"


# --- confirmations ---------------------------------------------------------------------------------

def test_handing_in_no_orders_asks_first_and_one_enter_acts_once(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("ukraine",))
    app.switch(GameScene(app, session))
    app.pump()
    scene = play_screen(app)
    press(app, pygame.K_f)
    assert scene.confirm.open and "Hand in nothing [Enter]" in widget_texts(app)
    assert not logged(session, EndOrders), "handed in before the question was answered"
    press(app, pygame.K_DOWN)  # the scene's own keys wait behind the question
    assert scene.selected is None and scene.confirm.open
    press(app, pygame.K_ESCAPE)  # cancel: still ordering, the game is not left
    assert app.scene is scene and not scene.confirm.open and not logged(session, EndOrders)
    press(app, pygame.K_f)
    app.resize((1366, 768))  # the question survives a rebuild
    assert scene.confirm.open
    key(pygame.KEYDOWN, pygame.K_RETURN)
    key(pygame.KEYDOWN, pygame.K_RETURN)  # Enter held: its repeat must not act on the next turn
    app.pump()
    app.pump()
    assert logged(session, EndOrders) == [EndOrders("ukraine")]
    assert not logged(session, Order)
    # one person against bots: no results screen, the next turn's orders at once
    assert app.scene is scene and session.state.turn == 2 and not scene.picks and not scene.confirm.open
    key(pygame.KEYUP, pygame.K_RETURN)


def test_picked_orders_hand_in_without_a_question(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("ukraine",))
    app.switch(GameScene(app, session))
    app.pump()
    scene = play_screen(app)
    press(app, pygame.K_DOWN)
    press(app, pygame.K_RETURN)
    press(app, pygame.K_f)
    assert not scene.confirm.open and len(logged(session, Order)) == 1 and logged(session, EndOrders)


def test_leaving_and_closing_the_window_ask_first(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("ukraine",))
    app.switch(GameScene(app, session))
    app.pump()
    scene = play_screen(app)
    press(app, pygame.K_ESCAPE)
    assert app.scene is scene and scene.confirm.open and "Leave the game?" in widget_texts(app)
    press(app, pygame.K_ESCAPE)
    assert app.scene is scene and not scene.confirm.open
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    app.pump()
    assert app.running and scene.confirm.open and "Quit wargame?" in widget_texts(app)
    press(app, pygame.K_ESCAPE)
    assert app.running and not scene.confirm.open
    # the dialog's buttons work with the mouse too: click Cancel, then Leave
    press(app, pygame.K_ESCAPE)
    from test_client_game import click

    click(app, scene.confirm.no_button.rect.center)
    assert app.scene is scene and not scene.confirm.open
    press(app, pygame.K_ESCAPE)
    click(app, scene.confirm.yes_button.rect.center)
    assert isinstance(app.scene, MenuScene) and app.running


def test_closing_the_window_twice_quits(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("ukraine",))
    app.switch(GameScene(app, session))
    app.pump()
    play_screen(app)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    app.pump()
    assert app.running
    press(app, pygame.K_RETURN)  # Quit [Enter]
    assert not app.running


# --- greyed orders -----------------------------------------------------------------------------------

def test_unavailable_actions_are_greyed_with_the_reason(app, rs, tmp_path):
    seat = "nato_hawk"
    session = new_session(rs, tmp_path, humans=(seat,))
    app.switch(GameScene(app, session))
    app.pump()
    scene = play_screen(app)
    available = {o.action.id for o in scene.options}
    greyed = {u.action.id for u in scene.unavailable}
    assert greyed and not available & greyed
    assert available | greyed == {a.id for a in rs.actions_by_faction[seat]}, "an action is hidden"
    legal = legal_inputs(rs, session.state, seat)
    for u in scene.unavailable:  # the engine refuses each greyed one, at every region
        targets = [None] + list(rs.regions)
        assert not any(Order(seat, u.action.id, t) in legal for t in targets), u.action.id
    listed = [(i["text"], i["object_id"]) for i in scene.action_list.item_list]
    grey_items = [t for t, oid in listed if oid == "#unavailable_action"]
    assert len(grey_items) == len(greyed)
    assert all(" - " in t for t in grey_items)
    # Down goes on past the actions it may order into the greyed ones; the detail tells why
    for _ in range(len(scene.options) + 1):
        press(app, pygame.K_DOWN)
    chosen = scene._selected_unavailable()
    assert chosen is not None
    detail = scene.detail.html_text
    assert "Not available now." in detail and chosen.action.name in detail
    words = detail.split("Not available now.")[1].split("<br>")[0]
    assert "_" not in words and "==" not in words and "flags." not in words, words
    press(app, pygame.K_RETURN)  # nothing to pick
    assert scene.picks == []
    assert not scene.confirm.open


def test_a_seat_out_of_capacity_sees_every_action_greyed(app, rs, tmp_path):
    seat = "nato_cautious"
    session = new_session(rs, tmp_path, humans=(seat,))
    app.switch(GameScene(app, session))
    app.pump()
    scene = play_screen(app)
    for _ in range(10):
        options = [o for o in scene.options if not o.targets]
        if not options:
            break
        scene.pick(options[0].action.id, None)
    assert scene.options == []
    assert {u.refusal.what for u in scene.unavailable} == {"capacity"}
    assert all(t.endswith(" - no capacity left") for t, oid in
               [(i["text"], i["object_id"]) for i in scene.action_list.item_list] if oid == "#unavailable_action")
    picks = list(scene.picks)
    press(app, pygame.K_f)  # orders were picked: handed in at once
    assert not scene.confirm.open
    assert logged(session, Order, seat) == picks


def test_action_refusal_agrees_with_legal_orders(rs):
    """For every seat and action in many reached states: refused iff not among the legal orders,
    and each kind of reason in its place."""
    rng = random.Random(5)
    st, _ = new_game(rs, seed=3)
    bots = make_bots(rs, "random", 9)
    checked = 0
    kinds = set()
    for _ in range(400):
        if st.outcome is not None:
            break
        if st.phase == PHASE_ORDERS:
            for seat in rs.factions:
                if seat in st.done:
                    continue
                legal = {a for a, _ in legal_orders(rs, st, seat)}
                for action in rs.actions_by_faction[seat]:
                    refusal = action_refusal(rs, st, seat, action)
                    assert (refusal is None) == (action.id in legal), (seat, action.id, refusal)
                    if refusal is not None:
                        kinds.add(refusal.code)
                    checked += 1
        from wargame.engine import seats_to_act

        seat = rng.choice(seats_to_act(rs, st))
        st, _ = apply(rs, st, bots[seat].choose(rs, st, seat))
    assert checked > 500
    assert {E.REQUIREMENT, E.LIMIT_REACHED} <= kinds
    # the others, made on purpose
    st, _ = new_game(rs, seed=3)
    seat = "nato_hawk"
    costly = next(a for a in rs.actions_by_faction[seat] if a.cost and not a.requires)
    stat = next(iter(costly.cost))
    poor = replace(st, stats={**st.stats, seat: {**st.stats[seat], stat: 0}})
    r = action_refusal(rs, poor, seat, costly)
    assert (r.code, r.what, r.have) == (E.UNAFFORDABLE, stat, 0)
    r = action_refusal(rs, replace(st, capacity={**st.capacity, seat: 0}), seat, costly)
    assert (r.code, r.what) == (E.UNAFFORDABLE, "capacity")
    def lock_matters(a):  # affordable now: the lock is told before any requirement
        r = action_refusal(rs, st, seat, a)
        return a.alliance and (r is None or r.code == E.REQUIREMENT)

    alliance = next(a for a in rs.actions_by_faction[seat] if lock_matters(a))
    assert action_refusal(rs, replace(st, cohesion=0), seat, alliance).code == E.LOCKED


def test_every_requirement_reads_in_words():
    rs = load_ruleset("default")
    required = [a for a in rs.actions.values() if a.requires]
    assert len(required) > 10
    for action in required:
        text = requirement_words(rs, action.requires)
        assert text != GENERIC, action.requires
        assert "_" not in text and "." not in text and "==" not in text and '"' not in text, text
    assert requirement_words(rs, "flags.talks or escalation >= 5") == "talks, or escalation at rung 5 or higher"
    assert requirement_words(rs, 'regions.kharkiv.control != "russia"') == "Kharkiv not held by Russia"
    assert requirement_words(rs, "cities('russia') >= 2") == GENERIC  # a form without words: no expression shown
