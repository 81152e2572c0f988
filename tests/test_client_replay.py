"""The replay viewer, driven headless by real pygame events: seek, play, perspectives, branching."""

import copy
import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import pygame
import pytest

from wargame.client import app as app_module, palette
from wargame.client.app import App
from wargame.client.scenes.menu import MenuScene
from wargame.client.scenes.replay import PLAY_STEP_S, ReplayScene
from wargame.client.text import esc
from wargame.engine import player_view, state_hash
from wargame.persist import load_save, saves_home

HISTORY = saves_home() / "history-2022-2024.wgsave"


# --- driving the client with events ------------------------------------------------------------

def settle(app, rounds=4):
    """Pump a few times: widgets answer one event by posting another (click -> pressed -> moved)."""
    for _ in range(rounds):
        app.pump()


def press(app, key, unicode="", mod=0):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode=unicode, scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=mod, unicode=unicode, scancode=0))
    settle(app)


def type_text(app, text):
    for ch in text:
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    settle(app)


def move(app, pos):
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0), touch=False))
    app.pump()


def click(app, target):
    """Click a widget, a rectangle or a point."""
    target = getattr(target, "rect", target)
    pos = target.center if isinstance(target, pygame.Rect) else target
    move(app, pos)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1, touch=False))
    app.pump()
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1, touch=False))
    settle(app)


def choose(app, menu, text):
    """Open a pygame_gui drop-down with a click and click the option that starts with `text`."""
    click(app, menu)
    items = menu.current_state.options_selection_list.item_list
    item = next(i for i in items if i["text"].startswith(text))
    click(app, item["button_element"])


def shown_view(scene):
    return scene.board.view


@pytest.fixture(scope="module")
def history():
    return load_save(HISTORY)


@pytest.fixture
def app(tmp_path):
    # no pygame.quit() afterwards: the map's font cache would outlive the font module and break
    # later tests that draw (see wargame.client.mapview.font)
    return App((1280, 800), saves_dir=tmp_path)


@pytest.fixture
def viewer(app, history):
    app.switch(ReplayScene(app, history, path=HISTORY))
    app.pump()
    return app.scene


def assert_shows(scene, t, seat):
    rs = scene.game.ruleset
    assert scene.turn == t
    assert scene.seat == seat
    assert shown_view(scene) == player_view(rs, scene.game.state_at(t), seat)
    assert scene.slider.get_current_value() == t


# --- tests -------------------------------------------------------------------------------------

def test_menu_opens_the_history_in_the_viewer(app, history):
    app.switch(MenuScene(app))
    press(app, pygame.K_h)
    scene = app.scene
    assert isinstance(scene, ReplayScene)
    assert scene.game.header.game_id == history.header.game_id
    assert scene.turns == 35
    assert_shows(scene, 0, "umpire")
    assert "Start" in scene.title_left()
    press(app, pygame.K_ESCAPE)
    assert isinstance(app.scene, MenuScene)


def test_seek_with_keys(app, viewer):
    press(app, pygame.K_RIGHT)
    press(app, pygame.K_RIGHT)
    assert_shows(viewer, 2, "umpire")
    press(app, pygame.K_LEFT)
    assert_shows(viewer, 1, "umpire")
    press(app, pygame.K_END)
    assert_shows(viewer, 35, "umpire")
    press(app, pygame.K_RIGHT)  # stays at the end
    assert_shows(viewer, 35, "umpire")
    press(app, pygame.K_HOME)
    assert_shows(viewer, 0, "umpire")
    press(app, pygame.K_LEFT)  # stays at the start
    assert_shows(viewer, 0, "umpire")


def test_seek_with_buttons_and_slider(app, viewer):
    r = viewer.rects
    click(app, r["forward"])
    click(app, r["forward"])
    click(app, r["back"])
    assert_shows(viewer, 1, "umpire")
    click(app, viewer.slider.right_button)
    click(app, viewer.slider.right_button)
    assert_shows(viewer, 3, "umpire")
    click(app, viewer.slider.left_button)
    assert_shows(viewer, 2, "umpire")
    click(app, r["last"])
    assert_shows(viewer, 35, "umpire")
    click(app, r["first"])
    assert_shows(viewer, 0, "umpire")


def test_jump_box_by_keyboard_and_mouse(app, viewer):
    press(app, pygame.K_t, "t")
    type_text(app, "t12")  # the "t" that focused the box is not a digit and is refused
    assert viewer.turn_entry.get_text() == "12"
    press(app, pygame.K_RIGHT)  # arrows edit the text while typing; they do not seek
    assert viewer.turn == 0
    press(app, pygame.K_RETURN)
    assert_shows(viewer, 12, "umpire")
    assert not viewer.typing()
    press(app, pygame.K_RIGHT)  # and after Enter the shortcuts work again
    assert_shows(viewer, 13, "umpire")

    click(app, viewer.turn_entry)
    type_text(app, "7")
    click(app, viewer.rects["go"])
    assert_shows(viewer, 7, "umpire")


def test_bad_turn_gives_a_message_not_a_crash(app, viewer):
    press(app, pygame.K_t)
    type_text(app, "99")
    press(app, pygame.K_RETURN)
    assert viewer.turn == 0
    assert viewer.message_window is not None and viewer.message_window.alive()
    assert "0 (the start) to 35" in viewer.message_window.text_block.html_text
    press(app, pygame.K_ESCAPE)  # Esc closes the message first
    assert isinstance(app.scene, ReplayScene)
    assert not viewer.message_window
    click(app, viewer.rects["go"])  # an empty box
    assert viewer.message_window.alive() and viewer.turn == 0


def test_perspective_keys_and_menu(app, viewer, history):
    press(app, pygame.K_END)
    press(app, pygame.K_2)
    assert_shows(viewer, 35, "ukraine")
    press(app, pygame.K_1)
    assert_shows(viewer, 35, "russia")
    press(app, pygame.K_u)
    assert_shows(viewer, 35, "umpire")
    click(app, viewer.seat_menu)
    press(app, pygame.K_ESCAPE)  # Esc closes the open list first, and stays in the viewer
    assert isinstance(app.scene, ReplayScene)
    assert viewer.seat_menu.current_state is viewer.seat_menu.menu_states["closed"]
    choose(app, viewer.seat_menu, "NATO hawks")
    assert_shows(viewer, 35, "nato_hawk")
    assert viewer.seat_menu.selected_option[1] == "nato_hawk"
    assert "Viewing as: NATO hawks" == viewer.title_right()


def test_no_secrets_leak_to_another_seat(app, viewer, history):
    rs = history.ruleset
    russian = [lid for lid, line in rs.red_lines.items() if line.owner == "russia"]
    assert russian
    press(app, pygame.K_RIGHT)
    for _ in range(7):
        press(app, pygame.K_RIGHT)
    assert viewer.turn == 8
    press(app, pygame.K_2)  # Ukraine
    lines = shown_view(viewer)["red_lines"]
    for lid in russian:
        assert "tolerance" not in lines[lid] and "resolve" not in lines[lid] and "pressure" not in lines[lid]
    russia_only = [e for e in viewer._events[8] if e.audience == frozenset({"russia"})]
    assert russia_only, "turn 8 should have events only Russia sees"
    for e in russia_only:
        assert esc(e.text) not in viewer.events_box.html_text
    assert all(e.visible_to("ukraine") for e in viewer.events())

    press(app, pygame.K_u)  # the umpire sees the true tolerance and resolve, and every event
    lines = shown_view(viewer)["red_lines"]
    for lid in russian:
        assert "tolerance" in lines[lid] and "resolve" in lines[lid]
    for e in russia_only:
        assert esc(e.text) in viewer.events_box.html_text


def test_captions_follow_the_turn(app, viewer, history):
    for t in (1, 8, 17):
        viewer.seek(t)
        app.pump()
        caption = history.captions[t]
        assert esc(caption.caption) in viewer.caption_box.html_text
        assert esc(caption.sources[0]) in viewer.caption_box.html_text
        assert history.captions[t].date in viewer.caption_box.html_text
        assert f"after turn {t} of 35" in viewer.title_left()


def test_play_and_pause(app, viewer):
    press(app, pygame.K_SPACE)
    assert viewer.playing and viewer.animating
    assert viewer.play_button.text == "Pause"
    for _ in range(round(3 * PLAY_STEP_S / 0.1) + 1):  # a little over three steps
        app.tick(0.1)
    assert_shows(viewer, 3, "umpire")
    press(app, pygame.K_SPACE)
    assert not viewer.playing and not viewer.animating
    for _ in range(30):
        app.tick(0.1)
    assert viewer.turn == 3

    viewer.seek(33)
    click(app, viewer.rects["play"])
    for _ in range(60):
        app.tick(0.1)
    assert_shows(viewer, 35, "umpire")
    assert not viewer.playing and not viewer.animating  # it stops at the end
    press(app, pygame.K_SPACE)  # Play at the end starts again from the beginning
    assert viewer.playing and viewer.turn == 0
    press(app, pygame.K_RIGHT)  # stepping pauses
    assert not viewer.playing and viewer.turn == 1


def test_hover_shows_what_the_seat_sees(app, viewer):
    viewer.seek(8)
    app.pump()
    r = viewer.rects["map"]
    viewer.board.map.fit(pygame.Rect(0, 0, *r.size))
    cx, cy = viewer.board.map.centre("kharkiv")
    move(app, (r.x + cx, r.y + cy))
    assert viewer.hover == "kharkiv"
    move(app, (r.right + 50, r.y + 10))  # over the track: no region
    assert viewer.hover is None


def test_screen_is_sane_and_drawing_changes_nothing(app, viewer, tmp_path, history):
    viewer.seek(8)
    press(app, pygame.K_2)
    view = copy.deepcopy(shown_view(viewer))
    before = state_hash(history.state_at(8))
    app.draw()
    app.draw()
    path = tmp_path / "replay.png"
    pygame.image.save(app.screen, str(path))
    img = pygame.image.load(str(path))
    assert img.get_size() == (1280, 800)
    r = viewer.rects["map"]
    colours = {img.get_at((x, y))[:3] for x in range(0, 1280, 5) for y in range(0, 800, 5)}
    assert len(colours) > 30
    map_colours = {img.get_at((x, y))[:3] for x in range(r.x, r.right, 3) for y in range(r.y, r.bottom, 3)}
    assert palette.RUSSIA in map_colours and palette.UKRAINE in map_colours
    assert shown_view(viewer) == view
    assert state_hash(history.state_at(8)) == before


def test_resize_and_text_scale_keep_turn_and_perspective(app, viewer):
    viewer.seek(12)
    press(app, pygame.K_3)
    app.resize((1600, 1000))
    app.pump()
    assert app.scene is viewer
    assert_shows(viewer, 12, "nato_hawk")
    assert viewer.rects["map"].width > 1000
    assert viewer.seat_menu.selected_option[1] == "nato_hawk"
    assert viewer.rects["controls"].bottom == 1000
    press(app, pygame.K_EQUALS, mod=pygame.KMOD_CTRL)
    press(app, pygame.K_EQUALS, mod=pygame.KMOD_CTRL)
    assert app.text_scale > 1.0
    assert_shows(viewer, 12, "nato_hawk")
    press(app, pygame.K_RIGHT)  # the shortcuts are bound again after the rebuild
    assert_shows(viewer, 13, "nato_hawk")
    # every control still lies inside the window
    for name in ("first", "slider", "turn_entry", "seat_menu", "continue"):
        assert app.screen.get_rect().contains(viewer.rects[name]), name


class FakeGameScene(app_module.Scene):
    """Stands in for the game screen (tested elsewhere): records the session it was given."""

    def __init__(self, app, session, *, resumed=False):
        super().__init__(app)
        self.session = session


FakeGameScene.__name__ = "GameScene"


def test_continue_from_turn_17_branches_a_new_game(app, viewer, history, tmp_path, monkeypatch):
    monkeypatch.setitem(app_module._SCENES, "game", FakeGameScene)  # scenes open each other by name
    press(app, pygame.K_t)
    type_text(app, "17")
    press(app, pygame.K_RETURN)
    assert viewer.turn == 17
    press(app, pygame.K_c)
    assert viewer.dialog is not None and viewer.choosing == {f: "human" for f in history.ruleset.factions}
    press(app, pygame.K_RIGHT)  # the viewer's keys are off while the dialog is open
    assert viewer.turn == 17
    press(app, pygame.K_1)  # Russia: Human -> Bot (doctrine)
    choose(app, viewer.choice_menus["nato_hawk"], "Bot (random)")
    assert viewer.choosing["russia"] == "doctrine" and viewer.choosing["nato_hawk"] == "random"
    press(app, pygame.K_RETURN)
    scene = app.scene
    assert type(scene).__name__ == "GameScene"
    game = scene.session.game
    assert game.header.parent_id == history.header.game_id
    assert game.header.branch_turn == 17
    # the record has the umpire's pins, so the branch has an umpire seat to go on ruling
    assert game.header.seats == {"russia": "doctrine", "ukraine": "human", "nato_hawk": "random",
                                 "nato_cautious": "human", "umpire": "human"}
    assert game.turns == 17 and state_hash(game.state) == history.hashes[17]
    assert scene.session.autosaver.folder == tmp_path
    assert set(scene.session.bots) == {"russia", "nato_hawk"}
    assert history.turns == 35 and history.header.seats["russia"] == "history"  # the record is untouched


def test_continue_dialog_cancel_and_resize(app, viewer):
    viewer.seek(5)
    click(app, viewer.rects["continue"])
    assert viewer.dialog is not None
    press(app, pygame.K_2)
    app.resize((1400, 900))  # the dialog survives a rebuild with its choices
    assert viewer.dialog is not None and viewer.dialog.alive()
    assert viewer.choosing["ukraine"] == "doctrine"
    assert viewer.choice_menus["ukraine"].selected_option[1] == "doctrine"
    press(app, pygame.K_ESCAPE)  # cancels the dialog, does not leave the viewer
    assert isinstance(app.scene, ReplayScene) and viewer.dialog is None and viewer.choosing is None
    press(app, pygame.K_RIGHT)  # the viewer's keys are back
    assert viewer.turn == 6
    click(app, viewer.rects["continue"])
    click(app, viewer.dialog.close_window_button)  # the window's own close button
    assert viewer.dialog is None
    press(app, pygame.K_LEFT)
    assert viewer.turn == 5


def test_continue_refused_when_the_game_is_over(app, viewer):
    press(app, pygame.K_END)
    assert viewer.state(35).outcome is not None
    press(app, pygame.K_c)
    assert viewer.dialog is None
    assert viewer.message_window is not None and "nothing to continue" in viewer.message_window.text_block.html_text
    assert isinstance(app.scene, ReplayScene)


def test_continue_opens_the_real_game_screen(app, viewer, history):
    viewer.seek(17)
    press(app, pygame.K_c)
    press(app, pygame.K_RETURN)
    scene = app.scene
    scene = getattr(scene, "game_scene", scene)  # people hand the computer over first
    assert type(scene).__name__ == "GameScene"
    assert scene.session.game.header.parent_id == history.header.game_id
    assert scene.session.game.header.branch_turn == 17
    app.pump(0.05)  # the game screen takes over without errors


def test_the_caption_marks_what_the_umpire_forced(viewer, history):
    from wargame.engine import Note, Publish

    forced = [li for li in history.umpire_log() if not isinstance(li.input, (Note, Publish))]
    assert forced, "the shipped history has no umpire pins left to show"
    pinned = {li.turn for li in forced}
    for li in forced:
        viewer.seek(li.turn)
        app_text = viewer.caption_box.html_text
        assert "Forced by the umpire" in app_text
        assert li.input.rationale[:40].replace("&", "&amp;") in app_text or li.input.rationale[:20] in app_text
    free = next(t for t in range(1, history.turns + 1) if t not in pinned)
    viewer.seek(free)
    assert "Forced by the umpire" not in viewer.caption_box.html_text
    assert "Decided by the engine" in viewer.caption_box.html_text


def test_a_damaged_later_snapshot_gives_a_message_not_a_crash(app, history):
    """A crafted file can carry a broken snapshot with a valid checksum: seeking to it says so."""
    import msgpack

    from wargame.persist import fileformat, load_bytes

    body = history.to_body()
    snap = msgpack.unpackb(body["snapshots"][2], raw=False)
    snap["escalation"] = (snap["escalation"] + 1) % len(history.ruleset.rungs)
    body["snapshots"][2] = msgpack.packb(snap, use_bin_type=True)
    app.switch(ReplayScene(app, load_bytes(fileformat.pack(body)), path=HISTORY))
    app.pump()
    viewer = app.scene
    press(app, pygame.K_RIGHT)
    press(app, pygame.K_RIGHT)  # to turn 2: refused, the viewer stays at turn 1
    assert_shows(viewer, 1, "umpire")
    assert viewer.message_window is not None and viewer.message_window.alive()
    assert "snapshot of turn 2 is damaged" in viewer.message_window.text_block.html_text
    press(app, pygame.K_ESCAPE)
    press(app, pygame.K_END)  # the other turns still show
    assert_shows(viewer, 35, "umpire")


def test_a_branch_keeps_an_umpire_and_its_recorded_turns_count_as_history(app, viewer, history, tmp_path):
    """Continue the history save at turn 30 with bots: the record has the umpire's pins, so the
    branch seats an umpire, and its game-over and report say turns 1-30 are history, not bot play."""
    from wargame.client.scenes.game import GameScene
    from wargame.client.scenes.gameover import GameOverScene
    from wargame.client.scenes.handover import HandoverScene
    from wargame.client.scenes.results import TurnResultsScene
    from wargame.persist import save_game
    from wargame.report import make_report

    turn = 30
    press(app, pygame.K_t)
    type_text(app, str(turn))
    press(app, pygame.K_RETURN)
    press(app, pygame.K_c)
    labels = [getattr(e, "text", "") or "" for e in app.manager.get_sprite_group().sprites()]
    assert "Keys 1-4 change a seat. An umpire sits too." in labels
    for key in (pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_4):
        press(app, key)  # every faction: Human -> Bot (doctrine)
    assert set(viewer.choosing.values()) == {"doctrine"}
    press(app, pygame.K_RETURN)
    session = app.scene.session
    assert session.game.header.seats["umpire"] == "human" and session.has_umpire
    assert session.game.header.branch_turn == turn
    seen_desk = False
    for _ in range(120):  # the umpire is the only person: release each checkpoint with F
        scene = app.scene
        if isinstance(scene, GameOverScene):
            break
        if isinstance(scene, (HandoverScene, TurnResultsScene)):
            press(app, pygame.K_RETURN)
            continue
        assert isinstance(scene, GameScene) and scene.seat == "umpire"
        seen_desk = True
        press(app, pygame.K_f)
    assert isinstance(app.scene, GameOverScene) and seen_desk
    texts = "\n".join(getattr(e, "html_text", "") or "" for e in app.manager.get_sprite_group().sprites())
    assert f"Of these, turns 1–{turn} are history" in texts
    assert f"Russia (history (turns 1–{turn}), then doctrine)" in texts
    assert "Russia (doctrine)" not in texts
    # the after-action report of the branch says the same
    save_game(tmp_path / "branch.wgsave", session.game)
    report, _ = make_report(tmp_path / "branch.wgsave", tmp_path / "report", HISTORY)
    assert {s.controller for s in report.seats} == {f"history (turns 1–{turn}), then doctrine"}
    assert report.recorded_turns == turn
    md = (tmp_path / "report" / "report.md").read_text("utf-8")
    assert f"turns 1–{turn} replayed from the game this one branched from" in md
    heading = {log.turn: line for log in report.turn_logs for line in md.splitlines()
               if line.startswith("#") and f"Turn {log.turn}: {log.month}" in line}
    assert "(history" in heading[turn] and "(history" not in heading[turn + 1]
