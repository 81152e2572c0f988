"""Save files through the Python API: round trips, seeking, branches, versions, atomic writes, autosaves."""

from __future__ import annotations

import errno
import functools
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import msgpack
import pytest

import wargame
from wargame import files
from wargame.bots import make_bots
from wargame.engine import UMPIRE_SEAT, seats_to_act, state_hash
from wargame.persist import (
    FORMAT_VERSION,
    Autosaver,
    Header,
    SavedGame,
    SaveError,
    branch,
    fileformat,
    game as game_module,
    latest_autosave,
    load_bytes,
    load_save,
    save_game,
    saves_home,
    upgrades,
    verify,
)
from wargame.persist.game import LoggedInput
from wargame.ruleset import load_ruleset

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "data" / "rulesets" / "tiny"
SAVES = REPO / "tests" / "data" / "saves"
FIXED = dict(created="2024-01-01T00:00:00+00:00")


def shipped_rulesets() -> list[Path]:
    """Every ruleset folder the project ships (rulesets/*/ with a ruleset.toml), and the tiny test one."""
    found = [d for d in sorted((REPO / "rulesets").iterdir()) if (d / "ruleset.toml").is_file()]
    return found + [TINY]


@functools.lru_cache(maxsize=None)
def ruleset(path: Path | str = TINY):
    return load_ruleset(path)


def play(rs, bots: str = "doctrine", seed: int = 0, *, scenario=None, turn_limit=None, stop=None,
         auto_react=(), game_id=None) -> SavedGame:
    """A bot game kept as a SavedGame; `stop(game)` ends it early (e.g. in the middle of a turn)."""
    players = make_bots(rs, bots, seed)
    game, _ = SavedGame.new(rs, seed=seed, scenario=scenario, seats={f: bots for f in rs.factions},
                            turn_limit=turn_limit, auto_react=auto_react, title=f"{bots} {seed}",
                            game_id=game_id, **FIXED)
    while game.state.outcome is None and not (stop and stop(game)):
        seat = seats_to_act(rs, game.state)[0]
        game.apply(players[seat].choose(rs, game.state, seat))
    return game


def replayed(rs, template: SavedGame, inputs) -> SavedGame:
    """A game with template's header, moved on by `inputs` (LoggedInput or plain inputs)."""
    h = template.header
    game, _ = SavedGame.new(rs, seed=h.seed, scenario=h.scenario, seats=h.seats, auto_react=h.auto_react,
                            turn_limit=h.turn_limit, title=h.title, created=h.created, game_id=h.game_id)
    for inp in inputs:
        game.apply(inp.input if isinstance(inp, LoggedInput) else inp)
    return game


def to_bytes(game: SavedGame) -> bytes:
    return fileformat.pack(game.to_body())


def assert_same_game(loaded: SavedGame, original: SavedGame) -> None:
    assert loaded.turns == original.turns
    assert loaded.header == original.header
    assert loaded.hashes == original.hashes
    assert loaded.inputs == original.inputs
    assert loaded.captions == original.captions
    assert loaded.ruleset.content_hash == original.ruleset.content_hash
    assert loaded.state == original.state
    assert state_hash(loaded.state) == state_hash(original.state)
    for turn in range(loaded.turns + 1):
        st = loaded.state_at(turn)
        assert state_hash(st) == loaded.hashes[turn] == original.hashes[turn], turn
        assert st == original.state_at(turn)


# --- round trips -----------------------------------------------------------------------------------

ROUND_TRIPS = [(folder, bots, seed) for folder in shipped_rulesets() for bots in ("random", "doctrine")
               for seed in (0, 1, 2)]


@pytest.mark.parametrize("folder,bots,seed", ROUND_TRIPS,
                         ids=[f"{f.name}-{b}-{s}" for f, b, s in ROUND_TRIPS])
def test_round_trip_of_bot_games(tmp_path, folder, bots, seed):
    rs = ruleset(folder)
    scenarios = sorted(rs.scenarios)
    game = play(rs, bots, seed, scenario=scenarios[seed % len(scenarios)])
    assert game.state.outcome is not None and game.turns >= 1
    path = tmp_path / "game.wgsave"
    save_game(path, game)
    loaded = load_save(path)
    assert_same_game(loaded, game)
    assert loaded.state_at(loaded.turns) == game.state  # a finished game's last snapshot is its end
    ok, first, message = verify(loaded)
    assert (ok, first) == (True, None), message
    assert to_bytes(loaded) == path.read_bytes()  # saving a loaded game writes the same bytes


def test_round_trip_in_the_middle_of_every_turn_and_phase():
    """Saved after any input: loads to the same state, and playing on gives the original's record."""
    rs = ruleset(REPO / "rulesets" / "default")
    every_phase = {"orders", "consensus", "reaction"}
    full = next(g for g in (play(rs, "doctrine", seed) for seed in range(1, 30))
                if every_phase <= {li.phase for li in g.inputs})
    phases = set()
    for cut in range(len(full.inputs) + 1):
        partial = replayed(rs, full, full.inputs[:cut])
        phases.add(partial.state.phase)
        loaded = load_bytes(to_bytes(partial))
        assert loaded.state == partial.state, cut
        assert loaded.inputs == full.inputs[:cut]
        assert loaded.hashes == full.hashes[:loaded.turns + 1]
        for logged in full.inputs[cut:]:
            loaded.apply(logged.input)
        assert loaded.hashes == full.hashes and loaded.state == full.state, cut
    assert every_phase <= phases


def test_new_game_header():
    rs = ruleset()
    game, events = SavedGame.new(rs, seed=5, seats={f: "human" for f in rs.factions}, title="t")
    h = game.header
    assert (h.engine_version, h.ruleset_id, h.ruleset_hash) == (wargame.__version__, rs.id, rs.content_hash)
    assert (h.seed, h.scenario, h.title, h.parent_id, h.branch_turn) == (5, rs.info.default_scenario, "t", None, None)
    assert len(h.game_id) == 32 and h.created
    assert game.turns == 0 and game.inputs == [] and len(game.hashes) == 1
    with pytest.raises(ValueError):
        SavedGame.new(rs, seed=5, seats={"russia": "human"})
    with pytest.raises(ValueError):
        SavedGame.new(rs, seed=5, seats={f: "genius" for f in rs.factions})


# --- the Python API --------------------------------------------------------------------------------

def test_load_save_api(tmp_path):
    rs = ruleset()
    game = play(rs, "doctrine", 4)
    save_game(tmp_path / "g.wgsave", game)
    loaded = load_save(tmp_path / "g.wgsave")
    assert isinstance(loaded.header, Header) and loaded.header.seed == 4
    assert loaded.turns == game.turns >= 4
    assert all(isinstance(li, LoggedInput) for li in loaded.inputs)
    assert [li.turn for li in loaded.inputs] == sorted(li.turn for li in loaded.inputs)
    assert loaded.state_at(0).turn == 1 and loaded.state_at(3).turn == 4
    for bad in (-1, loaded.turns + 1, 10**6):
        with pytest.raises(SaveError, match="no turn"):
            loaded.state_at(bad)


def test_state_at_reads_the_snapshot_without_replaying(monkeypatch):
    rs = ruleset()
    finished = play(rs, "doctrine", 2)
    in_progress = play(rs, "doctrine", 2, stop=lambda g: g.turns == 5 and g.state.done)
    blob_finished = to_bytes(finished)
    loaded_in_progress = load_bytes(to_bytes(in_progress))  # loading replays the turn in progress

    def no_engine(*args, **kwargs):
        raise AssertionError("state_at must not run the engine")

    monkeypatch.setattr(game_module, "apply", no_engine)
    monkeypatch.setattr(game_module, "new_game", no_engine)
    loaded = load_bytes(blob_finished)  # a finished game has no turn in progress: no engine at all
    for game, original in ((loaded, finished), (loaded_in_progress, in_progress)):
        for turn in range(game.turns + 1):
            assert state_hash(game.state_at(turn)) == original.hashes[turn]


def test_verify_notices_a_snapshot_that_differs_from_the_record():
    """The snapshots are what seeking shows; a changed one is refused by seeking and by verify."""
    rs = ruleset()
    game = play(rs, "doctrine", 0)
    body = game.to_body()
    snap = msgpack.unpackb(body["snapshots"][3], raw=False)
    snap["escalation"] = (snap["escalation"] + 1) % len(rs.rungs)
    body["snapshots"][3] = msgpack.packb(snap, use_bin_type=True)
    tampered = load_bytes(fileformat.pack(body))
    with pytest.raises(SaveError, match="snapshot of turn 3 .*recorded hash"):
        tampered.state_at(3)
    ok, first, message = verify(tampered)
    assert (ok, first) == (False, 3), message


def test_a_snapshot_naming_what_the_ruleset_lacks_is_damaged():
    rs = ruleset()
    game = play(rs, "doctrine", 0)
    for change in ({"scenario": "nope"}, {"escalation": 99}, {"lines": {}}, {"done": ["nobody"]},
                   {"votes_needed": [7]}):
        body = game.to_body()
        snap = msgpack.unpackb(body["snapshots"][2], raw=False)
        snap.update(change)
        body["snapshots"][2] = msgpack.packb(snap, use_bin_type=True)
        loaded = load_bytes(fileformat.pack(body))
        with pytest.raises(SaveError, match="turn 2"):
            loaded.state_at(2)
        loaded.state_at(1)
        assert verify(loaded)[:2] == (False, 2)


# --- branches --------------------------------------------------------------------------------------

def test_branch_shares_the_history_and_plays_on(tmp_path):
    rs = ruleset()
    game = play(rs, "doctrine", 0)
    before = to_bytes(game)
    b = branch(game, 5, title="what if")
    assert b.header.parent_id == game.header.game_id and b.header.branch_turn == 5
    assert b.header.game_id != game.header.game_id and b.header.title == "what if"
    assert (b.header.seed, b.header.ruleset_hash, b.header.seats) == (game.header.seed, game.header.ruleset_hash,
                                                                     game.header.seats)
    assert b.turns == 5 and b.hashes == game.hashes[:6]
    assert b.inputs == [li for li in game.inputs if li.turn <= 5]
    assert b.state == game.state_at(5)
    # the same inputs again: the branch continues the very same history
    same = branch(game, 5)
    for logged in game.inputs[len(same.inputs):]:
        same.apply(logged.input)
    assert same.hashes == game.hashes and same.state == game.state
    # other players from turn 5: a different game that still verifies, saved and loaded
    players = make_bots(rs, "random", 99)
    while b.state.outcome is None:
        seat = seats_to_act(rs, b.state)[0]
        b.apply(players[seat].choose(rs, b.state, seat))
    assert b.hashes[:6] == game.hashes[:6]
    assert to_bytes(game) == before  # playing the branch did not touch the original
    save_game(tmp_path / "branch.wgsave", b)
    loaded = load_save(tmp_path / "branch.wgsave")
    assert (loaded.header.parent_id, loaded.header.branch_turn) == (game.header.game_id, 5)
    assert_same_game(loaded, b)
    assert verify(loaded)[:2] == (True, None)
    # a branch of the loaded branch names the branch as its parent
    turn = min(7, loaded.turns - 1)  # the last completed turn may be the end
    again = branch(loaded, turn)
    assert (again.header.parent_id, again.header.branch_turn) == (loaded.header.game_id, turn)
    assert verify(load_bytes(to_bytes(again)))[0]


def test_a_branch_takes_new_seats_and_an_umpire_when_the_record_had_one():
    rs = ruleset()
    game = play(rs, "doctrine", 0)
    humans = {f: "human" for f in rs.factions}
    b = branch(game, 5, seats=humans)
    assert b.header.seats == humans  # no umpire ran the parent: none sits in the branch
    assert game.header.seats == {f: "doctrine" for f in rs.factions}  # the parent is untouched
    history = load_save(saves_home() / "history-2022-2024.wgsave")
    assert UMPIRE_SEAT not in history.header.seats  # the history's umpire is in its record, as pins
    b = branch(history, 10, seats=humans)
    assert b.header.seats == {**humans, UMPIRE_SEAT: "human"} and b.header.branch_turn == 10
    again = load_bytes(to_bytes(b))
    assert again.header.seats == b.header.seats and again.header.branch_turn == 10


def test_branch_at_the_start_and_refusals():
    rs = ruleset()
    game = play(rs, "doctrine", 1)
    start = branch(game, 0)
    assert start.turns == 0 and start.inputs == [] and start.state == game.state_at(0)
    assert verify(start)[0]
    with pytest.raises(SaveError, match="over"):
        branch(game, game.turns)  # the game ended there: nothing to continue
    with pytest.raises(SaveError, match="no turn"):
        branch(game, game.turns + 1)


def test_branch_of_a_game_in_progress():
    rs = ruleset()
    game = play(rs, "doctrine", 3, stop=lambda g: g.turns == 6 and len(g.state.done) == 2)
    b = branch(game, 4)
    assert b.turns == 4 and b.state == game.state_at(4)
    assert all(li.turn <= 4 for li in b.inputs)
    assert verify(load_bytes(to_bytes(b)))[0]


# --- versions ----------------------------------------------------------------------------------------

def test_a_fixture_for_every_shipped_format_version():
    for version in range(1, FORMAT_VERSION + 1):
        assert (SAVES / f"v{version}.wgsave").is_file(), (
            f"no fixture of format version {version}: run tests/data/saves/make_fixtures.py once")


def test_version_1_fixture_loads_and_verifies():
    """Written by format version 1 (tests/data/saves/make_fixtures.py); never regenerated."""
    game = load_save(SAVES / "v1.wgsave")
    ok, first, message = verify(game)
    assert (ok, first) == (True, None), message
    h = game.header
    assert h.engine_version == "0.1.0"
    assert h.game_id == "fixture-v1".ljust(32, "0")
    assert (h.ruleset_id, h.ruleset_hash, h.scenario) == ("tiny", "a63c5dcd60ee3cf933780070c7ea2e95", "tiny")
    assert h.seed == 7 and h.turn_limit == 6
    assert h.seats == {f: "doctrine" for f in ("russia", "ukraine", "nato_hawk", "nato_cautious")}
    assert h.auto_react == ["nato_cautious"]
    assert (h.created, h.title, h.parent_id, h.branch_turn) == ("2024-01-01T00:00:00+00:00", "format 1 fixture",
                                                                None, None)
    assert game.turns == 4 and len(game.inputs) == 35
    assert game.hashes[-1] == "a9b52c92ae2fb4d8482da7ddf58e0659"
    assert game.captions[1].caption == "Fixture caption for turn 1"
    assert game.captions[1].sources == ["tests/data/saves"]
    assert (game.state.turn, game.state.phase, game.state.outcome) == (5, "orders", None)  # turn 5 in progress
    assert sum(li.turn == 5 for li in game.inputs) == 3
    for turn in range(game.turns + 1):
        assert state_hash(game.state_at(turn)) == game.hashes[turn]


def _body(**changes) -> bytes:
    body = fileformat.unpack((SAVES / "v1.wgsave").read_bytes())
    body.update(changes)
    return fileformat.pack(body)


def test_a_newer_version_is_refused():
    with pytest.raises(SaveError, match="newer") as info:
        load_bytes(_body(version=FORMAT_VERSION + 1))
    assert str(FORMAT_VERSION + 1) in str(info.value)


@pytest.mark.parametrize("version", [0, -1, "1", True, None, 1.0, [1]])
def test_a_bad_version_is_refused(version):
    with pytest.raises(SaveError, match="version"):
        load_bytes(_body(version=version))


def test_another_format_name_is_refused():
    with pytest.raises(SaveError, match="format"):
        load_bytes(_body(format="wargame-replay"))


def test_upgrades_run_in_order(monkeypatch):
    """The upgrade chain: a version-1 body goes through each step up to the current version."""
    seen = []

    def one_to_two(body):
        seen.append(body["version"])
        return {**body, "version": 2, "header": {**body["header"], "title": "upgraded"}}

    monkeypatch.setattr(upgrades, "FORMAT_VERSION", 2)
    monkeypatch.setitem(upgrades.UPGRADES, 1, one_to_two)
    game = load_save(SAVES / "v1.wgsave")
    assert seen == [1] and game.header.title == "upgraded"
    monkeypatch.setattr(upgrades, "FORMAT_VERSION", 3)
    with pytest.raises(SaveError, match="cannot be upgraded"):
        load_save(SAVES / "v1.wgsave")


# --- atomic writes ---------------------------------------------------------------------------------

def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


class _HalfWriter:
    """A file object that writes half of what it is given, then finds the disk full."""

    def __init__(self, fh, folder, seen):
        self.fh, self.folder, self.seen = fh, folder, seen

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()

    def write(self, data):
        self.fh.write(data[:len(data) // 2])
        self.fh.flush()
        self.seen.append(sorted(os.listdir(self.folder)))
        raise OSError(errno.ENOSPC, "No space left on device")

    def flush(self):
        self.fh.flush()

    def fileno(self):
        return self.fh.fileno()


def _break(monkeypatch, how: str, folder: Path, seen: list) -> None:
    if how == "fsync":
        monkeypatch.setattr(os, "fsync", _enospc)
    elif how == "replace":
        monkeypatch.setattr(os, "replace", _enospc)
    elif how == "write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: _HalfWriter(real_fdopen(fd, *a, **k), folder, seen))
    elif how == "mkstemp":
        monkeypatch.setattr(files.tempfile, "mkstemp", _enospc)


@pytest.mark.parametrize("how", ["write", "fsync", "replace", "mkstemp"])
def test_a_failed_save_leaves_the_previous_file_intact(tmp_path, monkeypatch, how):
    rs = ruleset()
    old_game = play(rs, "doctrine", 0, turn_limit=3)
    path = tmp_path / "game.wgsave"
    save_game(path, old_game)
    before = path.read_bytes()
    newer = play(rs, "doctrine", 1)
    seen: list = []
    _break(monkeypatch, how, tmp_path, seen)
    with pytest.raises(SaveError) as info:
        save_game(path, newer)
    monkeypatch.undo()
    assert "\n" not in str(info.value) and "game.wgsave" in str(info.value)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["game.wgsave"]  # no temporary file left behind
    assert load_save(path).hashes == old_game.hashes
    if how == "write":  # the test did reach a half-written temporary file
        assert len(seen) == 1 and len(seen[0]) == 2


@pytest.mark.parametrize("how", ["write", "fsync", "replace"])
def test_a_failed_first_save_leaves_nothing(tmp_path, monkeypatch, how):
    game = play(ruleset(), "doctrine", 0, turn_limit=2)
    _break(monkeypatch, how, tmp_path, [])
    with pytest.raises(SaveError):
        save_game(tmp_path / "new.wgsave", game)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_a_crash_during_a_save_leaves_the_previous_file(tmp_path):
    """The process dies between writing the temporary file and renaming it (os._exit: no cleanup)."""
    path = tmp_path / "autosave-aaaa-0003.wgsave"
    save_game(path, play(ruleset(), "doctrine", 0, turn_limit=3))
    before = path.read_bytes()
    script = textwrap.dedent("""
        import os, sys
        from attrs import evolve
        from wargame.persist import load_save, save_game
        game = load_save(sys.argv[1])
        game.header = evolve(game.header, title="changed")
        os.replace = lambda *a: os._exit(17)
        save_game(sys.argv[1], game)
    """)
    proc = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, cwd=REPO,
                          timeout=120)
    assert proc.returncode == 17, proc.stderr
    assert path.read_bytes() == before
    assert verify(load_save(path))[0]
    # what a crash leaves is a hidden temporary file, which nothing takes for a save
    leftovers = [p.name for p in tmp_path.iterdir() if p != path]
    assert leftovers and all(n.startswith(".") and n.endswith(".tmp") for n in leftovers)
    assert list(tmp_path.glob("*.wgsave")) == [path]
    assert latest_autosave(tmp_path) == path


def test_save_creates_the_folder_and_refuses_impossible_places(tmp_path):
    game = play(ruleset(), "doctrine", 0, turn_limit=2)
    save_game(tmp_path / "a" / "b" / "g.wgsave", game)
    assert verify(load_save(tmp_path / "a" / "b" / "g.wgsave"))[0]
    (tmp_path / "file").write_text("x")
    with pytest.raises(SaveError):
        save_game(tmp_path / "file" / "g.wgsave", game)
    with pytest.raises(SaveError):
        save_game(tmp_path / "a", game)  # a folder is in the way


# --- reading files -----------------------------------------------------------------------------------

def test_unreadable_paths(tmp_path, monkeypatch):
    with pytest.raises(SaveError, match="no such file"):
        load_save(tmp_path / "missing.wgsave")
    with pytest.raises(SaveError, match="folder"):
        load_save(tmp_path)
    (tmp_path / "empty.wgsave").write_bytes(b"")
    with pytest.raises(SaveError, match="empty"):
        load_save(tmp_path / "empty.wgsave")
    (tmp_path / "big.wgsave").write_bytes(b"x" * 5000)
    monkeypatch.setattr(fileformat, "MAX_FILE_SIZE", 4096)
    with pytest.raises(SaveError, match="too large"):
        load_save(tmp_path / "big.wgsave")


# --- autosaves ------------------------------------------------------------------------------------

def _autosaved_game(rs, folder, keep, seed=0, game_id=None):
    saver = Autosaver(folder, keep)
    players = make_bots(rs, "doctrine", seed)
    game, _ = SavedGame.new(rs, seed=seed, seats={f: "doctrine" for f in rs.factions}, game_id=game_id)
    written = [saver.after_input(game)]
    while game.state.outcome is None:
        seat = seats_to_act(rs, game.state)[0]
        game.apply(players[seat].choose(rs, game.state, seat))
        path = saver.after_input(game)
        if path is not None:
            written.append(path)
    assert saver.after_input(game) is None  # nothing new since the last autosave
    return game, written


@pytest.mark.parametrize("keep", [1, 3])
def test_autosave_rotation_keeps_the_last_n(tmp_path, keep):
    rs = ruleset()
    game, written = _autosaved_game(rs, tmp_path, keep)
    assert len(written) == game.turns + 1  # one per completed turn, and the start
    assert sorted(tmp_path.glob("*.wgsave")) == written[-keep:]
    for path in written[-keep:]:
        loaded = load_save(path)
        assert path.name.endswith(f"-{loaded.turns:04d}.wgsave")
        assert loaded.hashes == game.hashes[:loaded.turns + 1]
        assert verify(loaded)[0]
    assert latest_autosave(tmp_path) == written[-1]
    assert load_save(written[-1]).state == game.state


def test_autosaves_of_two_games_rotate_separately(tmp_path):
    rs = ruleset()
    _, first = _autosaved_game(rs, tmp_path, 2, seed=0, game_id="a" * 32)
    _, second = _autosaved_game(rs, tmp_path, 2, seed=1, game_id="b" * 32)
    assert sorted(tmp_path.glob("*.wgsave")) == sorted(first[-2:] + second[-2:])
    assert latest_autosave(tmp_path) == second[-1]


def test_latest_autosave_with_equal_times_takes_the_later_turn(tmp_path):
    """File systems with coarse clocks give quick autosaves the same time stamp."""
    rs = ruleset()
    _, written = _autosaved_game(rs, tmp_path, 4)
    stamp = written[-1].stat().st_mtime
    for path in reversed(written[-4:]):
        os.utime(path, (stamp, stamp))
    assert latest_autosave(tmp_path) == written[-1]


def test_latest_autosave_without_any(tmp_path):
    assert latest_autosave(tmp_path) is None
    assert latest_autosave(tmp_path / "missing") is None
    (tmp_path / "mine.wgsave").write_bytes(b"")  # not an autosave
    assert latest_autosave(tmp_path) is None


def test_autosaver_keeps_at_least_one(tmp_path):
    with pytest.raises(ValueError):
        Autosaver(tmp_path, 0)


def test_record_only_from_the_current_state():
    rs = ruleset()
    game = play(rs, "doctrine", 0, turn_limit=2)
    old = game.state_at(0)
    with pytest.raises(ValueError):
        game.record(old, game.inputs[0].input, game.state)
