"""The hot-seat client, driven headless by real pygame events: menu -> handover -> seats -> next turn."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import pygame
import pytest

from wargame.client.app import App
from wargame.client.briefing import make_briefing
from wargame.client.scenes.briefing import BriefingScene
from wargame.client.scenes.game import GameScene
from wargame.client.scenes.handover import HandoverScene
from wargame.client.scenes.menu import MenuScene
from wargame.client.scenes.results import TurnResultsScene
from wargame.client.session import Session
from wargame.engine import EndOrders, Order, React, Vote, player_view
from wargame.persist import SavedGame, load_save

SEATS = ("russia", "ukraine", "nato_hawk", "nato_cautious")


# --- driving the client with events ------------------------------------------------------------

def press(app, key, unicode=""):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=unicode, scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode=unicode, scancode=0))
    app.pump()


def click(app, pos):
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0), touch=False))
    app.pump()
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1, touch=False))
    app.pump()
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1, touch=False))
    app.pump()


def widget_texts(app, skip=()) -> str:
    """Every text the widgets on screen show (labels, buttons, text boxes, list items, tooltips)."""
    out = []
    for element in app.manager.get_sprite_group().sprites():
        if element in skip:
            continue
        for attr in ("text", "html_text"):
            value = getattr(element, attr, None)
            if isinstance(value, str):
                out.append(value)
        for item in getattr(element, "item_list", []) or []:
            out.append(item.get("text", ""))
        tip = getattr(element, "tool_tip_text", None)
        if isinstance(tip, str):
            out.append(tip)
    return "\n".join(out)


def sane(surface) -> None:
    w, h = surface.get_size()
    colours = {surface.get_at((x, y))[:3] for x in range(0, w, 7) for y in range(0, h, 7)}
    assert len(colours) > 6, "the screen is (nearly) one colour"


@pytest.fixture
def app(tmp_path):
    a = App((1280, 800), saves_dir=tmp_path)
    yield a
    pygame.quit()


def new_session(rs, tmp_path, humans, seed=3, scenario=None):
    from wargame.persist import Autosaver

    seats = {f: ("human" if f in humans else "doctrine") for f in rs.factions}
    game, events = SavedGame.new(rs, seed=seed, seats=seats, scenario=scenario)
    return Session.start(game, events, autosaver=Autosaver(tmp_path))


def play_screen(app):
    """Pass the turn's results, the handover and the briefing, if any, and return the game scene."""
    if isinstance(app.scene, TurnResultsScene):
        sane(app.screen)
        press(app, pygame.K_RETURN)
    if isinstance(app.scene, HandoverScene):
        sane(app.screen)
        press(app, pygame.K_RETURN)
    if isinstance(app.scene, BriefingScene):  # a seat's first turn of a new game
        sane(app.screen)
        press(app, pygame.K_RETURN)
    assert isinstance(app.scene, GameScene), type(app.scene).__name__
    return app.scene


def act_by_keyboard(app, scene):
    """The seat at the screen does something sensible with keys only."""
    if scene.phase == "orders":
        press(app, pygame.K_DOWN)  # first action in the list
        option = scene._selected_option()
        if option is not None:
            press(app, pygame.K_RETURN)  # pick it (first target if it has one)
        press(app, pygame.K_f)  # hand in
        if scene.confirm.open:  # nothing was picked: hand in nothing, confirmed
            press(app, pygame.K_RETURN)
    elif scene.phase == "consensus":
        press(app, pygame.K_a)
    elif scene.phase == "reaction":
        press(app, pygame.K_0)


# --- tests ---------------------------------------------------------------------------------------

def test_a_whole_hot_seat_turn_through_the_scenes(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=SEATS)
    app.switch(GameScene(app, session))
    app.pump()
    seen_seats = []
    picked: dict[str, tuple] = {}
    while session.state.turn == 1 and not session.over:
        scene = play_screen(app)
        seat = scene.seat
        seen_seats.append((seat, scene.phase))
        assert scene.board.view == player_view(rs, session.state, seat)
        if scene.phase == "orders":
            press(app, pygame.K_DOWN)
            option = scene._selected_option()
            press(app, pygame.K_RETURN)
            assert len(scene.picks) == 1
            picked[seat] = (option.action.id, scene.picks[0].target)
            assert not any(isinstance(li.input, Order) and li.input.faction == seat for li in session.game.inputs), \
                "a pick reached the engine before the seat handed in"
            press(app, pygame.K_f)
        else:
            act_by_keyboard(app, scene)
        app.pump()
    assert [s for s, phase in seen_seats if phase == "orders"] == list(SEATS)
    assert session.state.turn == 2
    logged = [li.input for li in session.game.inputs if li.turn == 1]
    for seat, (action, target) in picked.items():
        assert Order(seat, action, target) in logged
        assert EndOrders(seat) in logged
    assert session.game.turns == 1
    assert list(tmp_path.glob("autosave-*.wgsave")), "no autosave after the turn"


def test_pick_undo_and_map_click(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("ukraine",))
    app.switch(GameScene(app, session))
    app.pump()
    scene = play_screen(app)
    assert scene.seat == "ukraine" and scene.phase == "orders"
    targeted = next(o for o in scene.options if o.targets)
    scene.select_action(targeted.action.id)
    app.pump()
    target = targeted.targets[0]
    map_rect = scene.layout["map"]
    scene.board.map.fit(pygame.Rect(0, 0, *map_rect.size))
    x, y = scene.board.map.project(*rs.regions[target].label)
    click(app, (round(x) + map_rect.x, round(y) + map_rect.y))
    assert [(p.action, p.target) for p in scene.picks] == [(targeted.action.id, target)]
    capacity_before = scene.view["factions"]["ukraine"]["capacity_left"]
    assert scene.preview_view["factions"]["ukraine"]["capacity_left"] == capacity_before - targeted.action.capacity
    press(app, pygame.K_BACKSPACE)
    assert scene.picks == []
    assert not [o for o in session.state.orders if o.faction == "ukraine"], "undo must leave the engine untouched"


def test_enter_in_the_argument_line_picks_the_order_once(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("ukraine",))
    app.switch(GameScene(app, session))
    app.pump()
    scene = play_screen(app)
    press(app, pygame.K_DOWN)
    chosen = scene.selected
    click(app, scene.argument_entry.rect.center)
    assert scene.typing()
    for ch in "hold the line":
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    app.pump()
    # Enter held a moment, as SDL sends it: a KEYDOWN, an auto-repeat, then the KEYUP
    for etype in (pygame.KEYDOWN, pygame.KEYDOWN, pygame.KEYUP):
        pygame.event.post(pygame.event.Event(etype, key=pygame.K_RETURN, mod=0, unicode="\r", scancode=0))
        app.pump()
    app.pump()
    assert [(p.action, p.rationale) for p in scene.picks] == [(chosen, "hold the line")]
    capacity = scene.preview_view["factions"]["ukraine"]["capacity_left"]
    press(app, pygame.K_RETURN)  # the next Enter: nothing is chosen, so nothing is paid twice
    assert len(scene.picks) == 1, "the next Enter picked the same order again"
    assert scene.preview_view["factions"]["ukraine"]["capacity_left"] == capacity
    assert not scene.typing() and scene.argument == ""
    press(app, pygame.K_DOWN)  # choosing the same action again, on purpose, picks it again
    press(app, pygame.K_UP)
    assert scene.selected == chosen
    press(app, pygame.K_RETURN)
    assert [p.action for p in scene.picks] == [chosen, chosen]
    assert scene.picks[1].rationale == ""  # the argument went with the first order only


def test_handover_and_seat_screens_show_no_other_seats_secrets(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=SEATS, seed=11)
    app.switch(GameScene(app, session))
    app.pump()
    names_of = {f: {a.name for a in rs.actions_by_faction[f]} for f in rs.factions}
    allies = {"nato_hawk": "nato_cautious", "nato_cautious": "nato_hawk"}  # they vote on each other's orders
    given: dict[str, set[str]] = {}  # this turn's orders, still secret until the turn resolves
    turn = session.state.turn
    checked = 0
    while session.state.turn <= 3 and not session.over and checked < 60:
        if session.state.turn != turn:
            turn, given = session.state.turn, {}
        if isinstance(app.scene, HandoverScene):
            text = widget_texts(app)
            assert "Pass the computer to" in text
            assert not any(n in text for names in names_of.values() for n in names), "the handover names an action"
            assert not any(r.name in text for r in rs.regions.values()), "the handover names a region"
            press(app, pygame.K_RETURN)
        if isinstance(app.scene, BriefingScene):  # the seat's own: no other seat's resolve
            b = app.scene.briefing
            assert b == make_briefing(rs, player_view(rs, session.state, b.seat), b.seat)
            text = widget_texts(app)
            for rl in rs.red_lines.values():
                if rl.owner != b.seat:
                    assert not any(rl.name in item and "resolve" in item for p in b.parts for item in p.items)
            assert text.count("true resolve") == sum(1 for rl in rs.red_lines.values()
                                                     if rl.owner == b.seat and session.state.lines[rl.id].active)
            press(app, pygame.K_RETURN)
            continue
        if isinstance(app.scene, TurnResultsScene):  # public results only: no odds, no pressure, no notes
            text = widget_texts(app)
            assert "P(respond)" not in text and "pressure builds" not in text
            press(app, pygame.K_RETURN)
            continue
        scene = app.scene
        assert isinstance(scene, GameScene)
        seat = scene.seat
        # the log holds earlier turns' public results (checked event by event below)
        text = widget_texts(app, skip=(scene.log,))
        for other, names in given.items():
            if other in (seat, allies.get(seat)):
                continue
            leaked = [n for n in names - names_of[seat] if n in text]
            assert not leaked, f"{seat}'s screen shows {other}'s orders {leaked}"
        assert scene.board.view == player_view(rs, session.state, seat)
        for lid, line in scene.view["red_lines"].items():
            assert ("tolerance" in line) == (rs.red_lines[lid].owner == seat)
        assert all(e.visible_to(seat) for e in session.news(seat))
        if scene.phase == "orders":
            press(app, pygame.K_DOWN)
            press(app, pygame.K_RETURN)
            given[seat] = {rs.actions[p.action].name for p in scene.picks}
            press(app, pygame.K_f)
        else:
            act_by_keyboard(app, scene)
        checked += 1
    assert checked >= 8


def test_votes_and_reactions_become_engine_inputs(app, rs, tmp_path):
    """Play several turns by keyboard with every seat human; votes and reactions reach the log."""
    session = new_session(rs, tmp_path, humans=SEATS, seed=5)
    app.switch(GameScene(app, session))
    app.pump()
    steps = 0
    while session.state.turn <= 6 and not session.over and steps < 200:
        scene = play_screen(app)
        act_by_keyboard(app, scene)
        steps += 1
    kinds = {type(li.input) for li in session.game.inputs}
    assert Order in kinds and EndOrders in kinds
    if any(p == "consensus" for p in (li.phase for li in session.game.inputs)):
        assert Vote in kinds
    if any(p == "reaction" for p in (li.phase for li in session.game.inputs)):
        assert React in kinds
    assert session.game.turns >= 5 or session.over


def test_every_scene_renders(app, rs, tmp_path):
    app.switch(MenuScene(app))
    app.pump()
    sane(app.screen)
    pygame.image.save(app.screen, str(tmp_path / "menu.png"))
    session = new_session(rs, tmp_path, humans=("ukraine", "nato_hawk"))
    app.switch(GameScene(app, session))
    app.pump()
    assert isinstance(app.scene, HandoverScene)
    sane(app.screen)
    press(app, pygame.K_RETURN)
    sane(app.screen)
    assert (tmp_path / "menu.png").stat().st_size > 5000


def test_save_window_writes_a_loadable_file(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("russia",))
    app.switch(GameScene(app, session))
    app.pump()
    scene = play_screen(app)
    press(app, pygame.K_F2)
    assert scene.save_window is not None
    scene.save_name.set_text("")
    for ch in "seminar one":
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
        app.pump()
    press(app, pygame.K_RETURN)
    assert scene.save_window is None
    path = tmp_path / "seminar-one.wgsave"
    assert path.exists(), scene.notice
    assert load_save(path).header.game_id == session.game.header.game_id


def test_resume_offer_after_a_crash(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("ukraine",))
    session.play_bots()
    scene = GameScene(app, session)
    app.switch(scene)
    app.pump()
    scene = play_screen(app)
    press(app, pygame.K_f)  # hand in no orders (and confirm): the turn completes, an autosave appears
    press(app, pygame.K_RETURN)
    assert list(tmp_path.glob("autosave-*.wgsave"))
    game_id = session.game.header.game_id
    # "crash": a fresh client starts with the autosave on disk
    app.switch(MenuScene(app, offer_resume=True))
    app.pump()
    menu = app.scene
    assert menu.dialog is not None
    confirm = menu.dialog.confirm_button
    click(app, confirm.rect.center)
    for _ in range(3):  # button press -> dialog's confirmation event -> the menu loads the save
        app.pump()
    resumed = play_screen(app)
    assert resumed.session.game.header.game_id == game_id
    assert resumed.session.state.turn == 2


def _crash_with_an_autosave(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("ukraine",))
    session.play_bots()
    app.switch(GameScene(app, session))
    app.pump()
    play_screen(app)
    press(app, pygame.K_f)  # hand in nothing, confirmed: the turn completes, an autosave appears
    press(app, pygame.K_RETURN)
    return session.game.header.game_id


def test_enter_on_the_resume_question_resumes_and_starts_nothing_behind_it(app, rs, tmp_path):
    game_id = _crash_with_an_autosave(app, rs, tmp_path)
    before = set(tmp_path.glob("autosave-*.wgsave"))
    app.switch(MenuScene(app, offer_resume=True))
    app.pump()
    assert app.scene.dialog is not None
    press(app, pygame.K_RETURN)
    for _ in range(3):
        app.pump()
    resumed = play_screen(app)
    assert resumed.session.game.header.game_id == game_id  # the autosaved game, not a new one
    assert resumed.session.state.turn == 2
    # the news of the turn before the crash is back: the seat sees what happened in turn 1
    news = resumed.session.news(resumed.seat)
    assert news and any(e.turn == 1 for e in news)
    assert "Nothing new" not in widget_texts(app)
    assert {p.name.split("-")[1] for p in set(tmp_path.glob("autosave-*.wgsave")) - before} <= {game_id[:12]}


def test_esc_on_the_resume_question_declines_and_the_menu_keys_work_again(app, rs, tmp_path):
    _crash_with_an_autosave(app, rs, tmp_path)
    app.switch(MenuScene(app, offer_resume=True))
    app.pump()
    menu = app.scene
    press(app, pygame.K_ESCAPE)
    app.pump()
    assert app.scene is menu and menu.dialog is None and menu.resume_path is None
    press(app, pygame.K_RETURN)  # now Enter is the menu's own: start a new game
    app.pump()
    assert not isinstance(app.scene, MenuScene)


def test_resize_and_text_scale_keep_the_picks(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("ukraine",))
    app.switch(GameScene(app, session))
    app.pump()
    scene = play_screen(app)
    press(app, pygame.K_DOWN)
    press(app, pygame.K_RETURN)
    picks = list(scene.picks)
    app.resize((1600, 1000))
    app.pump()
    assert app.scene is scene and scene.picks == picks
    assert scene.layout["map"].width > 700
    before = app.text_scale
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_EQUALS, mod=pygame.KMOD_LCTRL, unicode="="))
    app.pump()
    assert app.text_scale > before
    sane(app.screen)


def test_idle_client_does_not_redraw(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("ukraine",))
    app.switch(GameScene(app, session))
    app.pump()
    play_screen(app)
    app.pump()
    assert app.tick(0.1) is False, "nothing changed, yet the client drew a frame"
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(500, 300), rel=(1, 1), buttons=(0, 0, 0),
                                         touch=False))
    assert app.pump() is True


def test_orders_handed_in_survive_a_crash_mid_turn(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("ukraine", "nato_hawk"))
    app.switch(GameScene(app, session))
    app.pump()
    scene = play_screen(app)
    first = scene.seat
    press(app, pygame.K_DOWN)
    press(app, pygame.K_RETURN)
    press(app, pygame.K_f)  # hand in: the handover to the next seat autosaves the half-played turn
    assert isinstance(app.scene, HandoverScene)
    assert session.state.turn == 1 and first in session.state.done
    app.switch(MenuScene(app, offer_resume=True))  # a fresh start after a crash
    app.pump()
    click(app, app.scene.dialog.confirm_button.rect.center)
    for _ in range(3):
        app.pump()
    resumed = play_screen(app)
    assert resumed.session.state.turn == 1
    assert first in resumed.session.state.done
    assert resumed.seat != first


def test_map_zooms_pans_and_keeps_clicks_true(app, rs, tmp_path):
    session = new_session(rs, tmp_path, humans=("ukraine",))
    app.switch(GameScene(app, session))
    app.pump()
    scene = play_screen(app)
    board, rect = scene.board, scene.layout["map"]
    theatre = board.map.bounds  # the map opens on the theatre
    pygame.mouse.set_pos(rect.center)
    for _ in range(3):
        press(app, pygame.K_EQUALS)
    assert board.zoom_level > 1.9
    zoomed = board.map.bounds
    assert zoomed[1] - zoomed[0] < theatre[1] - theatre[0]
    # drag with the right button: the map moves, no order is picked
    for etype, extra in ((pygame.MOUSEBUTTONDOWN, {"button": 3}),
                         (pygame.MOUSEMOTION, {"rel": (40, 0), "buttons": (0, 0, 1)}),
                         (pygame.MOUSEBUTTONUP, {"button": 3})):
        pygame.event.post(pygame.event.Event(etype, pos=rect.center, touch=False, **extra))
        app.pump()
    assert board.map.bounds[0] < zoomed[0] and scene.picks == []
    # a click on a target region still picks that region at this zoom
    targeted = next(o for o in scene.options if o.targets)
    scene.select_action(targeted.action.id)
    app.pump()
    target = next((t for t in targeted.targets if board.map.bounds[0] < rs.regions[t].label[0] < board.map.bounds[1]
                   and board.map.bounds[2] < rs.regions[t].label[1] < board.map.bounds[3]), None)
    if target is not None:
        board.map.fit(pygame.Rect(0, 0, *rect.size))
        x, y = board.map.project(*rs.regions[target].label)
        click(app, (round(x) + rect.x, round(y) + rect.y))
        assert [p.target for p in scene.picks] == [target]
    press(app, pygame.K_z)
    assert board.map.bounds == theatre
    for _ in range(30):
        press(app, pygame.K_MINUS)
    assert board.map.bounds == board.whole, "zooming out stops at the whole map"
    press(app, pygame.K_z)
    assert board.map.bounds == theatre


def test_a_failing_autosave_does_not_end_the_game(app, rs, tmp_path):
    blocked = tmp_path / "not_a_folder"
    blocked.write_text("a file where the saves folder should be")
    session = new_session(rs, blocked, humans=("ukraine",))
    app.switch(GameScene(app, session))
    app.pump()
    scene = play_screen(app)
    press(app, pygame.K_f)  # hand in nothing, confirmed: the turn completes; its autosave cannot be written
    press(app, pygame.K_RETURN)
    scene = play_screen(app)
    assert session.state.turn == 2
    assert session.autosave_problem.startswith("Autosave failed")
    assert scene.notice == session.autosave_problem


def test_a_seat_that_uses_its_whole_capacity_can_hand_in(app, rs, tmp_path):
    """The engine marks a seat done when its last order uses up its capacity; handing in (the F
    key) must then move on instead of refusing for ever (a soft-lock)."""
    seat = "nato_cautious"
    session = new_session(rs, tmp_path, humans=(seat,))
    app.switch(GameScene(app, session))
    app.pump()
    scene = play_screen(app)
    assert scene.seat == seat and scene.phase == "orders"
    for _ in range(10):  # untargeted orders until the scene takes no more
        options = [o for o in scene.session.order_options(seat, scene.picks) if not o.targets]
        before = len(scene.picks)
        scene.pick(options[0].action.id, None)
        if len(scene.picks) == before:
            break
    picks = list(scene.picks)
    assert "No capacity left" in scene.notice
    assert sum(rs.actions[p.action].capacity for p in picks) >= rs.factions[seat].capacity
    press(app, pygame.K_f)
    app.pump()
    assert "refused" not in scene.notice, scene.notice
    logged = [li.input for li in session.game.inputs if li.turn == 1 and getattr(li.input, "faction", "") == seat]
    assert [i for i in logged if isinstance(i, Order)] == picks  # each order handed in once, in this turn
    assert session.state.turn > 1 or seat not in session.waiting()  # the game moved on
