"""`wargame replay` and `wargame simulate --save-dir`, run as a user runs them (subprocess, exit code, output)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import msgpack
import pytest

from wargame.bots import make_bots
from wargame.engine import seats_to_act
from wargame.persist import SavedGame, branch, fileformat, load_save, save_game, verify
from wargame.ruleset import load_ruleset

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "data" / "rulesets" / "tiny"
HIDDEN_LINE_FIELDS = {"tolerance", "resolve", "pressure"}


def run(*args: str, cwd: Path | str = REPO, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("WARGAME_RULESETS", None)
    return subprocess.run([sys.executable, "-m", "wargame.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def assert_one_line_error(proc: subprocess.CompletedProcess) -> None:
    """Exit 1, one line on stderr starting with error:, nothing on stdout, no traceback."""
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert proc.stdout == ""


@pytest.fixture(scope="module")
def saves(tmp_path_factory) -> dict[str, Path]:
    """A finished doctrine game on the default ruleset (every phase, red lines of every owner), its branch."""
    folder = tmp_path_factory.mktemp("saves")
    rs = load_ruleset()
    for seed in range(30):  # the first game that lasts a while (seed 0 does, at the time of writing)
        players = make_bots(rs, "doctrine", seed)
        game, _ = SavedGame.new(rs, seed=seed, seats={f: "doctrine" for f in rs.factions}, title="cli test")
        while game.state.outcome is None:
            seat = seats_to_act(rs, game.state)[0]
            game.apply(players[seat].choose(rs, game.state, seat))
        if game.turns >= 6:
            break
    assert game.turns >= 6
    save_game(folder / "good.wgsave", game)
    save_game(folder / "branch.wgsave", branch(game, 3, title="a branch"))
    return {"good": folder / "good.wgsave", "branch": folder / "branch.wgsave", "folder": folder}


def tampered(saves, name: str, change) -> Path:
    """A copy of the good save with `change(body)` applied and a valid checksum: only replay can tell."""
    body = fileformat.unpack(saves["good"].read_bytes())
    change(body)
    path = saves["folder"] / name
    path.write_bytes(fileformat.pack(body))
    return path


# --- --verify ----------------------------------------------------------------------------------------

def test_verify_a_good_file(saves):
    game = load_save(saves["good"])
    proc = run("replay", str(saves["good"]), "--verify")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"ok: all {game.turns} turns match"
    proc = run("replay", str(saves["good"]), "--verify", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out == {"ok": True, "turns": game.turns, "first_divergence": None, "message": out["message"]}


def _change_hash(turn):
    def change(body):
        body["hashes"][turn] = "0" * 32
    return change


@pytest.mark.parametrize("turn", [1, 4])
def test_verify_names_the_first_diverging_turn(saves, turn):
    path = tampered(saves, f"hash{turn}.wgsave", _change_hash(turn))
    assert load_save(path).hashes[turn] == "0" * 32  # the file itself is sound: checksum and all
    proc = run("replay", str(path), "--verify")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout.startswith("FAILED:") and f"turn {turn}" in proc.stdout, proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    proc = run("replay", str(path), "--verify", "--json")
    assert proc.returncode == 1
    out = json.loads(proc.stdout)
    assert out["ok"] is False and out["first_divergence"] == turn, out


def test_verify_notices_a_changed_input(saves):
    def change(body):
        # the first order of turn 2 becomes ending orders instead: the game takes another course
        entry = next(e for e in body["inputs"] if e["turn"] == 2 and e["input"]["kind"] == "order")
        entry["input"] = {"kind": "end_orders", "faction": entry["input"]["faction"]}

    proc = run("replay", str(tampered(saves, "input.wgsave", change)), "--verify", "--json")
    assert proc.returncode == 1, proc.stderr
    out = json.loads(proc.stdout)
    assert out["ok"] is False and out["first_divergence"] == 2, out


def test_verify_notices_a_changed_snapshot(saves):
    """What --at shows is the snapshot: one that differs from the played game fails verification."""
    def change(body):
        snap = msgpack.unpackb(body["snapshots"][2], raw=False)
        snap["cohesion"] += 1
        body["snapshots"][2] = msgpack.packb(snap, use_bin_type=True)

    proc = run("replay", str(tampered(saves, "snapshot.wgsave", change)), "--verify", "--json")
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["first_divergence"] == 2


# --- --at TURN --as VIEW -------------------------------------------------------------------------------

def test_at_turn_as_a_seat(saves):
    game = load_save(saves["good"])
    rs = game.ruleset
    proc = run("replay", str(saves["good"]), "--at", "2", "--as", "russia", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert {"turn", "date", "escalation", "caption", "state_hash", "view"} <= set(out)
    assert out["turn"] == 2 and out["state_hash"] == game.hashes[2]
    assert out["escalation"] == game.state_at(2).escalation
    view = out["view"]
    assert view["seat"] == "russia"
    own = {lid for lid, line in rs.red_lines.items() if line.owner == "russia"}
    others = set(rs.red_lines) - own
    assert own and others
    for lid, entry in view["red_lines"].items():
        if lid in own:
            assert HIDDEN_LINE_FIELDS <= set(entry), lid
        else:
            assert not HIDDEN_LINE_FIELDS & set(entry), lid  # no resolve, tolerance or pressure of others
    assert all(o["faction"] == "russia" for o in view["orders"])


def test_at_turn_as_the_umpire_sees_everything(saves):
    proc = run("replay", str(saves["good"]), "--at", "2", "--json")  # --as defaults to umpire
    assert proc.returncode == 0, proc.stderr
    view = json.loads(proc.stdout)["view"]
    assert all(HIDDEN_LINE_FIELDS <= set(entry) for entry in view["red_lines"].values())


def test_at_turn_text_and_the_start(saves):
    proc = run("replay", str(saves["good"]), "--at", "0", "--as", "ukraine")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Turn 0 ") and "as ukraine" in proc.stdout


@pytest.mark.parametrize("args", [["--at", "999"], ["--at", "1", "--as", "nobody"]], ids=["turn", "seat"])
def test_at_refusals_are_one_line(saves, args):
    assert_one_line_error(run("replay", str(saves["good"]), *args))


def test_summary_and_branch(saves):
    game = load_save(saves["good"])
    proc = run("replay", str(saves["good"]))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("cli test: ruleset default")
    assert sum(line.startswith("  turn ") for line in proc.stdout.splitlines()) == game.turns
    assert "Outcome:" in proc.stdout
    proc = run("replay", str(saves["branch"]))
    assert proc.returncode == 0, proc.stderr
    assert f"branched from {game.header.game_id} at turn 3" in proc.stdout
    assert run("replay", str(saves["branch"]), "--verify").returncode == 0


# --- bad files ---------------------------------------------------------------------------------------

def _bad_files(saves) -> dict[str, bytes]:
    good = saves["good"].read_bytes()
    body = fileformat.unpack(good)
    snap = msgpack.unpackb(body["snapshots"][2], raw=False)
    snap["lines"] = {"no_such_line": snap["lines"][next(iter(snap["lines"]))]}
    bomb = fileformat.MAGIC + b"\xdd\xff\xff\xff\xff" + b"\x00" * 40
    crafted = dict(body, snapshots=[*body["snapshots"][:2], msgpack.packb(snap, use_bin_type=True),
                                    *body["snapshots"][3:]])
    return {
        "empty": b"",
        "truncated": good[: len(good) // 3],
        "flipped": good[:500] + bytes([good[500] ^ 0x10]) + good[501:],
        "random": os.urandom(3000),
        "magic": b"GIF89a" + good[6:],
        "newer": fileformat.pack(dict(body, version=fileformat.FORMAT_VERSION + 1)),
        "billions": bomb + fileformat.checksum(bomb),  # checksum right, body claims 2**32-1 items
        "crafted-snapshot": fileformat.pack(crafted),  # sound file, a snapshot naming an unknown red line
    }


BAD = ["empty", "truncated", "flipped", "random", "magic", "newer", "billions", "crafted-snapshot"]


@pytest.mark.parametrize("name", BAD)
@pytest.mark.parametrize("mode", [[], ["--verify"], ["--at", "2", "--as", "russia", "--json"]],
                         ids=["summary", "verify", "at"])
def test_bad_file_is_one_line_and_exit_1(saves, name, mode):
    path = saves["folder"] / f"bad-{name}.wgsave"
    path.write_bytes(_bad_files(saves)[name])
    proc = run("replay", str(path), *mode)
    if name == "crafted-snapshot" and mode == []:
        # the summary prints turn by turn: it stops at the damaged one
        assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and "turn 2" in proc.stderr
        assert "  turn   1 " in proc.stdout and "  turn   2 " not in proc.stdout
        return
    if name == "crafted-snapshot" and mode == ["--verify"]:
        assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
        assert proc.stdout.startswith("FAILED:") and "turn 2" in proc.stdout
        return
    assert_one_line_error(proc)
    assert str(path) in proc.stderr or name == "crafted-snapshot"


@pytest.mark.parametrize("target", ["missing.wgsave", "."], ids=["missing", "folder"])
def test_unreadable_path_is_one_line(saves, target):
    assert_one_line_error(run("replay", str(saves["folder"] / target)))


# --- simulate --save-dir ---------------------------------------------------------------------------

@pytest.mark.parametrize("ruleset", [None, str(TINY)], ids=["default", "tiny"])
def test_simulate_writes_saves_that_verify(tmp_path, ruleset):
    extra = ["--ruleset", ruleset] if ruleset else []
    proc = run("simulate", "--games", "3", "--seed", "5", "--save-dir", str(tmp_path / "out"), "--json", *extra)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    files = sorted((tmp_path / "out").glob("*.wgsave"))
    assert [f.name for f in files] == ["game-5.wgsave", "game-6.wgsave", "game-7.wgsave"]
    turns = []
    for path in files:
        game = load_save(path)
        assert verify(game)[:2] == (True, None), path
        assert game.state.outcome is not None and game.header.seed == int(path.stem.split("-")[1])
        turns.append(game.state.turn)
    assert sum(turns) / 3 == pytest.approx(summary["mean_turns"], abs=0.01)
    proc = run("replay", str(files[0]), "--verify")
    assert proc.returncode == 0 and proc.stdout.startswith("ok: "), proc.stdout + proc.stderr


def test_simulate_with_saves_plays_the_same_games(tmp_path):
    """Keeping the saves does not change the games: same summary as without --save-dir."""
    plain = run("simulate", "--games", "3", "--seed", "11", "--json")
    saved = run("simulate", "--games", "3", "--seed", "11", "--json", "--save-dir", str(tmp_path))
    assert plain.returncode == saved.returncode == 0, plain.stderr + saved.stderr
    drop = ("elapsed_s", "decisions_per_s")
    a, b = json.loads(plain.stdout), json.loads(saved.stdout)
    assert {k: v for k, v in a.items() if k not in drop} == {k: v for k, v in b.items() if k not in drop}


def test_render_draws_a_save_at_a_turn_into_a_png(tmp_path):
    import pygame

    from wargame.persist import saves_home

    out = tmp_path / "turn8.png"
    proc = subprocess.run([sys.executable, "-m", "wargame.cli", "render",
                           str(saves_home() / "history-2022-2024.wgsave"), "--turn", "8", "--as", "ukraine",
                           "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    image = pygame.image.load(str(out))
    assert image.get_size() == (1280, 800)
    colours = {tuple(image.get_at((x, y))) for x in range(0, 1280, 37) for y in range(0, 800, 29)}
    assert len(colours) > 8


def test_render_refuses_a_turn_beyond_the_save(tmp_path):
    from wargame.persist import saves_home

    proc = subprocess.run([sys.executable, "-m", "wargame.cli", "render",
                           str(saves_home() / "history-2022-2024.wgsave"), "--turn", "99",
                           "--out", str(tmp_path / "x.png")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "no turn 99" in proc.stderr and "Traceback" not in proc.stderr


def test_the_umpire_log_lists_umpire_inputs_apart_with_their_rationales():
    from wargame.persist import load_save

    history = Path(__file__).resolve().parents[1] / "saves" / "history-2022-2024.wgsave"
    expected = [li.input.rationale for li in load_save(history).umpire_log()]
    proc = run("replay", str(history), "--umpire-log", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert expected and [r["rationale"] for r in rows] == expected
    assert all(r["kind"].startswith("Set") for r in rows)  # the history's pins; no player order among them
    text = run("replay", str(history), "--umpire-log")
    assert text.returncode == 0 and len(text.stdout.splitlines()) == len(expected)
