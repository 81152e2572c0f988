"""The save manager, driven by real pygame events: reached from the menu with M, it lists saves
with readable names (scenario, turn, people, date) and autosaves apart, shows broken and hostile
files as unreadable with their reason, renames (never over another save) and deletes only after
the question is confirmed; reading the list never crashes."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import msgpack
import pygame
import pytest

from test_client_fit import saves_folder
from test_client_game import press, widget_texts
from wargame import files
from wargame.client.app import App
from wargame.client.saves import SaveFileProblem, entry_label, list_saves, rename_save
from wargame.client.scenes.briefing import BriefingScene
from wargame.client.scenes.game import GameScene
from wargame.client.scenes.menu import MenuScene
from wargame.client.scenes.saves import SaveManagerScene
from wargame.persist import SavedGame, SaveError, save_game
from wargame.persist.fileformat import MAGIC, checksum
from wargame.persist.header import read_save_info


@pytest.fixture
def app(tmp_path):
    a = App((1366, 768), saves_dir=tmp_path, window=False)
    yield a
    pygame.display.quit()


def hostile_files(folder):
    """Files that must show as unreadable, each with the words its reason must hold."""
    cases = {
        "empty": (b"", "empty"),
        "text": (b"hello, not a save at all", "not a wargame save"),
        "truncated": (MAGIC + b"\x81", "truncated"),
        "bad-checksum": (MAGIC + msgpack.packb({"a": 1}) + b"\x00" * 32, "checksum"),
        "not-a-map": (MAGIC + msgpack.packb([1, 2]) + checksum(MAGIC + msgpack.packb([1, 2])), "not a save body"),
        "bad-header": (None, "header is malformed"),
        "huge-array": (None, "cannot be decoded"),
    }
    body = {"format": "wargame-save", "version": 1, "header": {"seats": 5}, "snapshots": [b""], "hashes": [""]}
    payload = MAGIC + msgpack.packb(body, use_bin_type=True)
    cases["bad-header"] = (payload + checksum(payload), cases["bad-header"][1])
    # an array header claiming four billion items in a few bytes
    payload = MAGIC + b"\xdd\xff\xff\xff\xff"
    cases["huge-array"] = (payload + checksum(payload), cases["huge-array"][1])
    for name, (blob, _) in cases.items():
        (folder / f"{name}.wgsave").write_bytes(blob)
    os.mkfifo(folder / "fifo.wgsave")
    (folder / "folder.wgsave").mkdir()
    (folder / "device.wgsave").symlink_to("/dev/zero")  # endless bytes: refused before it is opened
    (folder / "dangling.wgsave").symlink_to(folder / "nowhere")
    return {**{k: why for k, (_, why) in cases.items()}, "fifo": "named pipe", "folder": "folder",
            "device": "character device", "dangling": "no such file"}


def test_broken_and_hostile_files_are_listed_as_unreadable_with_their_reason(tmp_path, rs):
    expected = hostile_files(tmp_path)
    game, _ = SavedGame.new(rs, seed=1, seats={f: "doctrine" for f in rs.factions}, title="Good one")
    save_game(tmp_path / "good.wgsave", game)
    saves, autosaves = list_saves(tmp_path)
    assert autosaves == []
    by_name = {e.path.stem: e for e in saves}
    assert set(by_name) == set(expected) | {"good"}
    for name, why in expected.items():
        e = by_name[name]
        assert e.info is None and why in e.problem, (name, e.problem)
        assert "unreadable" in entry_label(e)
        with pytest.raises(SaveError):  # the list says what a load would
            read_save_info(e.path)
    good = by_name["good"].info
    assert good is not None and good.scenario_name == rs.scenario(rs.info.default_scenario).name
    assert good.turns == 0 and good.over is False and good.faction_names["nato_hawk"] == rs.factions["nato_hawk"].name


def test_the_manager_lists_readable_names_and_autosaves_apart(app, tmp_path, rs):
    saves_folder(tmp_path)
    hostile_files(tmp_path)
    app.switch(MenuScene(app))
    app.pump()
    press(app, pygame.K_m)
    scene = app.scene
    assert isinstance(scene, SaveManagerScene)
    assert len(scene.autosaves) == 2 and all(e.autosave for e in scene.autosaves)
    assert not any(e.autosave for e in scene.saves)
    text = widget_texts(app)
    assert "Autosaves (2)" in text
    scenario = rs.scenario(rs.info.default_scenario).name
    # autosaves by their game's title, not their coded file name; a bots-only game says so
    assert "Seminar group 1  -  " in text and "bots only" in text and "1 person" in text
    assert scenario[:12] in text
    # the details of the chosen save: its seats in words
    while scene.selected.info is None or scene.selected.autosave:
        press(app, pygame.K_DOWN)
    details = scene.details.html_text
    assert "Ukraine: person" in details and "Russia: bot (doctrine)" in details and scenario in details
    # an unreadable file chosen: its reason shown, Load refused with words, nothing crashes
    while scene.selected.path.name != "fifo.wgsave":
        press(app, pygame.K_UP)
    assert "named pipe" in scene.details.html_text
    press(app, pygame.K_l)
    assert app.scene is scene


def type_text(app, text):
    for ch in text:
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
    app.pump()


def open_manager(app, tmp_path):
    saves_folder(tmp_path)
    menu = MenuScene(app)
    app.switch(menu)
    app.pump()
    press(app, pygame.K_m)
    scene = app.scene
    while scene.selected.path.name != "seminar-group-1-with-a-rather-long-file-name.wgsave":
        press(app, pygame.K_DOWN)
    return scene


def test_rename_by_keys_and_never_over_another_save(app, tmp_path):
    scene = open_manager(app, tmp_path)
    old = scene.selected.path
    press(app, pygame.K_n)
    assert scene.renaming and scene.typing()
    for _ in range(len(scene.rename_entry.get_text())):
        press(app, pygame.K_BACKSPACE)
    type_text(app, "Monday group")
    press(app, pygame.K_RETURN)
    assert not scene.renaming
    assert not old.exists() and (tmp_path / "Monday-group.wgsave").is_file()
    assert scene.selected.path.name == "Monday-group.wgsave"
    assert "Renamed to Monday-group.wgsave" in widget_texts(app)
    # the same name as another save: refused, both files as they were
    other = tmp_path / "seminar-group-2-with-a-rather-long-file-name.wgsave"
    before = other.read_bytes()
    press(app, pygame.K_n)
    for _ in range(len(scene.rename_entry.get_text())):
        press(app, pygame.K_BACKSPACE)
    type_text(app, other.stem)
    press(app, pygame.K_RETURN)
    assert other.read_bytes() == before and (tmp_path / "Monday-group.wgsave").is_file()
    assert "exists already" in widget_texts(app)
    # Esc cancels a rename
    press(app, pygame.K_n)
    type_text(app, "x")
    press(app, pygame.K_ESCAPE)
    assert not scene.renaming and (tmp_path / "Monday-group.wgsave").is_file()
    assert isinstance(app.scene, SaveManagerScene)


def test_delete_asks_first(app, tmp_path):
    scene = open_manager(app, tmp_path)
    path = scene.selected.path
    press(app, pygame.K_DELETE)
    assert scene.confirm.open and "Delete" in widget_texts(app)
    press(app, pygame.K_ESCAPE)
    assert not scene.confirm.open and path.exists()
    press(app, pygame.K_DELETE)
    press(app, pygame.K_RETURN)
    assert not path.exists() and path not in [e.path for e in scene.entries]
    assert scene.selected is not None  # the next one is chosen


def test_load_from_the_manager_and_back_to_the_menu(app, tmp_path):
    scene = open_manager(app, tmp_path)
    press(app, pygame.K_ESCAPE)
    assert isinstance(app.scene, MenuScene)
    press(app, pygame.K_m)
    scene = app.scene
    while scene.selected.path.name != "seminar-group-2-with-a-rather-long-file-name.wgsave":
        press(app, pygame.K_DOWN)
    press(app, pygame.K_l)
    app.pump()
    # one person (Ukraine) at turn 1 of a new game: the briefing first, then the game screen
    assert isinstance(app.scene, BriefingScene) and app.scene.briefing.seat == "ukraine"
    press(app, pygame.K_RETURN)
    assert isinstance(app.scene, GameScene) and app.scene.seat == "ukraine"


def test_rename_and_delete_helpers(tmp_path):
    a, b = tmp_path / "a.wgsave", tmp_path / "b.wgsave"
    a.write_bytes(b"one")
    b.write_bytes(b"two")
    with pytest.raises(FileExistsError):
        files.rename_new(a, b)
    assert a.read_bytes() == b"one" and b.read_bytes() == b"two"
    (tmp_path / "dir.wgsave").mkdir()
    with pytest.raises(files.NotARegularFile):
        files.remove_regular(tmp_path / "dir.wgsave")
    saves, _ = list_saves(tmp_path)
    entry = next(e for e in saves if e.path == a)
    with pytest.raises(SaveFileProblem, match="autosaves"):
        rename_save(entry, "autosave-mine")
    assert rename_save(entry, "../../etc/x").name == "etc-x.wgsave"  # no way out of the folder


def test_the_menu_starts_beside_links_to_nowhere(tmp_path):
    """A dangling link named like a save or an autosave stops neither the menu's list nor its
    offer to resume (both once sorted by a stat that raised)."""
    (tmp_path / "autosave-0123456789ab-0003.wgsave").symlink_to(tmp_path / "nowhere")
    (tmp_path / "old.wgsave").symlink_to(tmp_path / "nowhere")
    app = App((1366, 768), saves_dir=tmp_path, window=False)
    try:
        app.switch(MenuScene(app, offer_resume=True))
        app.pump()
        # listed as unreadable, as the save manager lists them (so they can be deleted there)
        assert app.scene.resume_path is None
        assert sorted(p.name for p in app.scene.saves) == ["autosave-0123456789ab-0003.wgsave", "old.wgsave"]
        assert all("unreadable" in item["text"] for item in app.scene.save_list.item_list)
        press(app, pygame.K_m)
        assert {e.path.name for e in app.scene.saves + app.scene.autosaves} == {
            "old.wgsave", "autosave-0123456789ab-0003.wgsave"}
    finally:
        pygame.display.quit()


def test_the_menus_save_list_has_readable_lines_and_loads_the_chosen_save(app, tmp_path):
    """The menu lists saves as the save manager does (name, scenario, turn, people, date), not as
    bare file names; an autosave goes by its game's title, and Down chooses the newest."""
    saves_folder(app.saves_dir)
    app.switch(MenuScene(app))
    app.pump()
    menu = app.scene
    lines = [item["text"] for item in menu.save_list.item_list]
    assert len(lines) == len(menu.saves) >= 5
    text = "\n".join(lines)
    assert "Spring 2024" in text and "turn 1" in text and "1 person" in text and "bots only" in text
    assert "Seminar group 1" in text and "autosave-" not in text, "an autosave shown by its file name"
    assert "unreadable" in text  # the broken file stays listed
    press(app, pygame.K_DOWN)
    assert menu.selected_save == menu.saves[0]
    chosen = [item["text"] for item in menu.save_list.item_list if item["selected"]]
    assert chosen == [menu.save_labels[menu.saves[0]]]
