"""Every label and button text fits its box on every main screen at the sizes seminars use:
1366x768 and 1920x1080, text scale 1.0 to 1.5 (a clipped button or label is a defect)."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import pygame
import pytest
from attrs import evolve
from pygame_gui.core.utility import translate
from pygame_gui.elements import UIButton, UILabel

from wargame.client.app import App
from wargame.client.scenes.game import GameScene
from wargame.client.scenes.gameover import GameOverScene
from wargame.client.scenes.handover import HandoverScene
from wargame.client.scenes.menu import MenuScene
from wargame.client.scenes.replay import ReplayScene
from wargame.client.scenes.results import TurnResultsScene
from wargame.client.session import Session
from wargame.persist import SavedGame, load_save, saves_home
from wargame.persist.game import branch
from wargame.ruleset import load_ruleset

SIZES = [((1366, 768), 1.0), ((1366, 768), 1.3), ((1366, 768), 1.5),
         ((1920, 1080), 1.0), ((1920, 1080), 1.3), ((1920, 1080), 1.5)]
HISTORY = saves_home() / "history-2022-2024.wgsave"


def clipped(app) -> list[str]:
    """The texts of labels and buttons wider or taller than their boxes."""
    out = []
    screen = app.screen.get_rect()
    for element in app.manager.get_sprite_group().sprites():
        if not isinstance(element, (UILabel, UIButton)) or not element.visible:
            continue
        text = translate(element.text or "")  # pygame_gui's own buttons hold a key ("pygame-gui.Cancel")
        if not text.strip():
            continue
        w, h = element.font.size(text)
        if w > element.rect.width - 2 or h > element.rect.height:
            out.append(f"{type(element).__name__} {text!r}: text {w}x{h}, box {element.rect.size}")
        container = element.ui_container.get_rect() if element.ui_container is not None else screen
        in_a_list = "selection_list" in element.element_ids  # scrolled: partly hidden is fine
        if not in_a_list and (not container.contains(element.rect) or not screen.contains(element.rect)):
            out.append(f"{type(element).__name__} {text!r}: box {element.rect} outside {container}")
    return out


def game_screen(app):
    game = branch(load_save(HISTORY), 17)
    game.header = evolve(game.header, seats={f: ("human" if f == "ukraine" else "doctrine")
                                             for f in game.ruleset.factions})
    app.switch(GameScene(app, Session.start(game)))
    app.pump()
    if isinstance(app.scene, HandoverScene):
        app.scene.ready()
        app.pump()


def game_seat(app, seat, humans=None):
    game = branch(load_save(HISTORY), 17)
    humans = humans or (seat,)
    game.header = evolve(game.header, seats={f: ("human" if f in humans else "doctrine")
                                             for f in game.ruleset.factions})
    app.switch(GameScene(app, Session.start(game)))
    app.pump()
    if isinstance(app.scene, HandoverScene):
        app.scene.ready()
        app.pump()
    return app.scene


def greyed(app):
    """NATO hawks' orders with a greyed action chosen (its reason in the list and the detail)."""
    scene = game_seat(app, "nato_hawk")
    assert scene.unavailable
    scene.select_action(scene.unavailable[-1].action.id)


def confirm(app):
    """The question before handing in no orders."""
    scene = game_seat(app, "nato_hawk")
    scene.hand_in()
    assert scene.confirm.open


def results(app):
    """The results of turn 18 of the history, handed in by Ukraine and NATO hawks."""
    game_seat(app, "ukraine", humans=("ukraine", "nato_hawk"))
    for _ in range(12):
        scene = app.scene
        if isinstance(scene, TurnResultsScene):
            return
        if isinstance(scene, HandoverScene):
            scene.ready()
        elif scene.phase == "orders":
            scene.pick(scene.options[0].action.id, (scene.options[0].targets or [None])[0])
            scene.hand_in()
        elif scene.phase == "consensus":
            scene.vote(scene.view["pending_votes"][0]["index"], True)
        else:
            crossing = next(c for c in scene.view["pending_reactions"] if c["owner"] == scene.seat)
            scene.react(crossing["red_line"], None)
        app.pump()
    raise AssertionError("the turn did not resolve")


def handover(app):
    game = branch(load_save(HISTORY), 17)
    game.header = evolve(game.header, seats={f: ("human" if f in ("ukraine", "nato_hawk") else "doctrine")
                                             for f in game.ruleset.factions})
    app.switch(GameScene(app, Session.start(game)))
    app.pump()
    assert isinstance(app.scene, HandoverScene)


def game_over(app):
    rs = load_ruleset("default")
    game, events = SavedGame.new(rs, seed=11, seats={f: "doctrine" for f in rs.factions}, title="Spring 2024")
    session = Session.start(game, events)
    session.play_bots()
    app.switch(GameOverScene(app, session))


def help_screen(app, section="Red lines"):
    """The glossary from the game screen (F1), at its longest sections."""
    game_screen(app)
    app.scene.show_help()
    app.pump()
    titles = [s.title for s in app.scene.sections]
    app.scene.show(titles.index(section))


def saves_folder(folder):
    """Two games' saves and autosaves, a broken file and a hostile one (a FIFO)."""
    import os

    from wargame.persist import Autosaver, save_game

    rs = load_ruleset("default")
    for i, seats in enumerate(({f: "doctrine" for f in rs.factions},
                               {f: ("human" if f == "ukraine" else "doctrine") for f in rs.factions})):
        game, _ = SavedGame.new(rs, seed=20 + i, seats=seats, title=f"Seminar group {i + 1}")
        save_game(folder / f"seminar-group-{i + 1}-with-a-rather-long-file-name.wgsave", game)
        Autosaver(folder).save_now(game)
    (folder / "broken.wgsave").write_bytes(b"WGSAVE\r\n" + b"\x00" * 40)
    os.mkfifo(folder / "pipe.wgsave")


def resume_dialog(app):
    """The menu's "Resume the last game?" question over an unfinished game's autosave."""
    from wargame.persist import Autosaver

    rs = load_ruleset("default")
    game, _ = SavedGame.new(rs, seed=21, seats={f: ("human" if f == "ukraine" else "doctrine") for f in rs.factions})
    Autosaver(app.saves_dir).save_now(game)
    app.switch(MenuScene(app, offer_resume=True))
    assert app.scene.dialog is not None


def save_manager(app):
    """The save manager from the menu (M), with readable, broken and hostile files."""
    saves_folder(app.saves_dir)
    app.switch(MenuScene(app))
    app.pump()
    app.scene.open_save_manager()


def save_manager_rename(app):
    save_manager(app)
    app.pump()
    app.scene.ask_rename()


def briefing(app, seat="russia"):
    """A seat's briefing before its first turn (Russia's has its own red lines and the most text)."""
    from wargame.client.scenes.briefing import BriefingScene

    rs = load_ruleset("default")
    game, events = SavedGame.new(rs, seed=5, seats={f: ("human" if f == seat else "doctrine") for f in rs.factions})
    app.switch(GameScene(app, Session.start(game, events)))
    for _ in range(3):
        app.pump()
    assert isinstance(app.scene, BriefingScene)


def umpire_desk(app, section="crossings"):
    """The umpire's desk at the first red-line crossing of a game of bots, on a section's tab."""
    from wargame.client.session import TURN_START

    rs = load_ruleset("default")
    game, events = SavedGame.new(rs, seed=0, seats={f: "doctrine" for f in rs.factions} | {"umpire": "human"})
    session = Session.start(game, events)
    for _ in range(12):  # release each turn's desk until a crossing holds the bots
        session.play_bots()
        if session.checkpoint() != TURN_START:
            break
        session.release()
    assert session.unreviewed(), "no crossing in twelve turns"
    app.switch(GameScene(app, session))
    app.pump()
    if section != "crossings":
        app.scene.umpire_panel.show(section)
        app.pump()
    return app.scene


SCREENS = {
    "menu": lambda app: app.switch(MenuScene(app)),
    "resume": resume_dialog,
    "game": game_screen,
    "replay": lambda app: app.switch(ReplayScene(app, load_save(HISTORY), path=HISTORY)),
    "gameover": game_over,
    "greyed": greyed,
    "confirm": confirm,
    "results": results,
    "handover": handover,
    "help": help_screen,
    "help_endings": lambda app: help_screen(app, "Endings and payoffs"),
    "briefing": briefing,
    "briefing_ukraine": lambda app: briefing(app, "ukraine"),
    "umpire": umpire_desk,
    "umpire_free": lambda app: umpire_desk(app, "free"),
    "umpire_injects": lambda app: umpire_desk(app, "injects"),
    "umpire_adjust": lambda app: umpire_desk(app, "adjust"),
    "saves": save_manager,
    "saves_rename": save_manager_rename,
    "saves_delete": lambda app: (save_manager(app), app.pump(), app.scene.ask_delete()),
}


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("size,scale", SIZES, ids=[f"{w}x{h}@{s}" for (w, h), s in SIZES])
def test_every_label_fits_its_box(screen, size, scale, tmp_path):
    app = App(size, saves_dir=tmp_path, window=False, text_scale=scale)
    try:
        SCREENS[screen](app)
        for _ in range(3):
            app.pump()
        assert clipped(app) == []
    finally:
        pygame.display.quit()


@pytest.mark.parametrize("size,scale", SIZES, ids=[f"{w}x{h}@{s}" for (w, h), s in SIZES])
def test_the_ladder_and_red_lines_fit_their_rows(size, scale, tmp_path):
    """The escalation track is drawn, not widgets: each rung name, red-line name and heading
    stays in its row and none covers another."""
    app = App(size, saves_dir=tmp_path, window=False, text_scale=scale)
    try:
        game_screen(app)
        app.pump()
        texts = app.scene.board.track.texts
        assert len(texts) >= 16 + 2  # every rung and both headings
        for text, box in texts:
            assert box.inflate(2, 2).contains(text), (text, box)
        rects = [t for t, _ in texts]
        assert not [(a, b) for i, a in enumerate(rects) for b in rects[i + 1:] if a.colliderect(b)]
    finally:
        pygame.display.quit()


@pytest.mark.parametrize("size,scale", SIZES, ids=[f"{w}x{h}@{s}" for (w, h), s in SIZES])
def test_the_umpire_desk_gives_the_map_the_most_room(size, scale, tmp_path):
    """The map is the umpire's largest panel, a third of the window or more at the default text,
    and wider than the desk: the facilitator follows the front while adjudicating."""
    app = App(size, saves_dir=tmp_path, window=False, text_scale=scale)
    try:
        scene = umpire_desk(app)
        L = scene.layout
        area = size[0] * size[1]
        share = L["map"].width * L["map"].height / area
        # at the default text a third of the window; larger text needs taller desk rows
        assert share >= (1 / 3 if scale == 1.0 else 0.22), f"the map has {share:.0%} of the window"
        if scale == 1.0:
            others = ("dashboard", "log", "orders", "track")
            assert all(L["map"].width * L["map"].height > L[k].width * L[k].height for k in others)
        assert L["map"].width > L["orders"].width and L["map"].width > size[0] * 0.7
        window = app.screen.get_rect()
        for a in ("map", "orders", "dashboard", "log", "track"):  # the panels tile the window
            assert window.contains(L[a])
            for b in ("map", "orders", "dashboard", "log", "track"):
                assert a == b or not L[a].colliderect(L[b]), (a, b)
    finally:
        pygame.display.quit()
