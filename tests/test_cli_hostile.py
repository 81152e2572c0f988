"""The command line against hostile input: control characters and escape sequences in rulesets,
saves, paths and arguments never reach the terminal raw; huge or impossible numbers, FIFOs and
devices give one clean line, never a traceback or a hang."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wargame import cli
from wargame.bots import make_bots
from wargame.cli import main
from wargame.engine import seats_to_act
from wargame.persist import SavedGame, save_game
from wargame.ruleset import load_ruleset

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "data" / "rulesets" / "tiny"

# clear the screen, set the window title, an 8-bit CSI, a bell, a carriage return and a newline
EVIL = "\x1b[2J\x1b]0;pwned\x07\x9b31m\r\n"
EVIL_TOML = "".join(f"\\u{ord(c):04x}" for c in EVIL)  # the same, escaped in a TOML string
RAW = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # every control character but the newline


def assert_clean(text: str) -> None:
    found = RAW.search(text)
    if found is not None:
        near = text[max(0, found.start() - 80):found.end() + 20]
        pytest.fail(f"raw control character {found.group()!r} in the output: {near!r}")


def hostile_ruleset(tmp_path: Path) -> Path:
    """The tiny ruleset with escape sequences in every kind of name and description."""
    folder = tmp_path / "evil"
    shutil.copytree(TINY, folder)
    for path in [*folder.glob("*.toml"), *folder.glob("scenarios/*.toml")]:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r'^(\s*(?:name|description) = ")', lambda m: m[1] + EVIL_TOML, text, flags=re.M)
        text = re.sub(r'(\{ id = "\w+", name = ")', lambda m: m[1] + EVIL_TOML, text)
        if path.name == "map.toml":  # labels for every region (drawing still needs them)
            text = re.sub(r"^polygon = \[\[([\d.]+), ([\d.]+)\].*\n(?!label)",
                          lambda m: f"{m[0]}label = [{float(m[1]) + 1}, {float(m[2]) + 0.5}]\n", text, flags=re.M)
        path.write_text(text, encoding="utf-8")
    rs = load_ruleset(folder)  # still a valid ruleset: names may hold any text
    assert EVIL in rs.info.name and EVIL in rs.factions["russia"].name
    assert all(r.label for r in rs.regions.values())
    return folder


def bot_game(rs, title: str, seed: int = 1) -> SavedGame:
    bots = make_bots(rs, "doctrine", seed)
    game, _ = SavedGame.new(rs, seed=seed, seats={f: "doctrine" for f in rs.factions}, title=title)
    while game.state.outcome is None:
        seat = seats_to_act(rs, game.state)[0]
        game.apply(bots[seat].choose(rs, game.state, seat))
    return game


def run_main(capsys, *args: str) -> tuple[int, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("evil")
    folder = hostile_ruleset(tmp)
    rs = load_ruleset(folder)
    save = tmp / f"game{EVIL.strip()}.wgsave"  # a hostile file name as well
    save_game(save, bot_game(rs, title=f"title{EVIL}end"))
    return folder, save


@pytest.mark.parametrize("command", [
    ["ruleset", "check", "{rs}"],
    ["simulate", "--ruleset", "{rs}", "--games", "3"],
    ["sweep", "--ruleset", "{rs}", "--games", "2", "--set", "settings.inadvertent_base=0.1,0.2"],
    ["balance", "--ruleset", "{rs}", "--games", "1", "--probe", "russia:*"],
    ["play", "--terminal", "--ruleset", "{rs}", "--seed", "3", "--no-autosave"],
    ["replay", "{save}"],
    ["replay", "{save}", "--at", "2", "--as", "ukraine"],
    ["replay", "{save}", "--verify"],
    ["replay", "{save}", "--umpire-log"],
    ["render", "{save}", "--turn", "1", "--out", "{tmp}/x.png"],
    ["report", "{save}", "--out", "{tmp}/report"],
    ["simulate", "--ruleset", "{rs}", "--scenario", "no" + EVIL],
    ["replay", "{save}", "--as", "seat" + EVIL],
    ["replay", "{tmp}/missing" + EVIL + ".wgsave"],
], ids=lambda c: " ".join(x.encode("unicode_escape").decode()[:24] for x in c if "{" not in x))
def test_no_command_prints_raw_control_characters(capsys, evil, tmp_path, command):
    folder, save = evil
    args = [a.format(rs=folder, save=save, tmp=tmp_path) for a in command]
    code, output = run_main(capsys, *args)
    assert code in (0, 1), output
    assert_clean(output)
    if command[0] == "report":  # the files too: `cat report.md` must not run escape sequences
        for name in ("report.md", "report.html"):
            text = (tmp_path / "report" / name).read_text(encoding="utf-8")
            assert_clean(text.replace("\n", " "))
            assert "x1b" in text and "pwned" in text  # the hostile names are there, escaped
    if command[0] in ("simulate", "play", "replay") and code == 0 and "--verify" not in command \
            and "--umpire-log" not in command:
        assert "\\x1b" in output  # the hostile text was shown, escaped


def test_hostile_ids_and_conditions_in_the_problems_of_a_ruleset(capsys, tmp_path):
    folder = tmp_path / "bad"
    shutil.copytree(TINY, folder)
    actions = folder / "actions.toml"
    text = actions.read_text(encoding="utf-8")
    text = text.replace('id = "offensive"', f'id = "off{EVIL_TOML}ensive"', 1)
    text = text.replace('factions = ["russia"]', f'factions = ["rus{EVIL_TOML}sia"]', 1)
    actions.write_text(text + f'\n[[action]]\nid = "x"\nrequires = "{EVIL_TOML} and 1"\n', encoding="utf-8")
    (folder / "scenarios" / f"s{EVIL.strip()}.toml").write_text("[scenario\n", encoding="utf-8")
    code, output = run_main(capsys, "ruleset", "check", folder)
    assert code == 1
    assert_clean(output)
    assert "\\x1b" in output and "problem(s) found" in output
    problems = [line for line in output.splitlines() if line.strip()]
    assert len(problems) >= 3  # one line per problem, even when the problem quotes a newline


def test_unknown_arguments_with_escapes_are_shown_escaped():
    """argparse quotes unknown arguments as they are; `wargame` passes them through SafeStream."""
    proc = subprocess.run([sys.executable, "-m", "wargame", "simulate", "--games", "1", "extra" + EVIL],
                          capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 2
    assert "unrecognized arguments" in proc.stderr
    assert_clean(proc.stdout + proc.stderr)
    assert "Traceback" not in proc.stderr


def test_the_progress_bar_draws_with_carriage_returns_on_a_terminal():
    """The one place output is meant to move the cursor: the progress bar writes past the filter."""
    import io

    from wargame.simulate import progress_bar
    from wargame.text import SafeStream

    class Tty(io.StringIO):
        def isatty(self):
            return True

    raw = Tty()
    show = progress_bar(SafeStream(raw))
    show(1, 2)
    show(2, 2)
    assert raw.getvalue().count("\r") == 2 and raw.getvalue().endswith("2/2 games\n")


def test_main_puts_the_streams_back(capsys):
    before = sys.stdout, sys.stderr
    assert main(["ruleset", "check", str(TINY)]) == 0
    assert (sys.stdout, sys.stderr) == before
    assert "ok: ruleset 'tiny'" in capsys.readouterr().out


def test_python_dash_m_wargame_works():
    proc = subprocess.run([sys.executable, "-m", "wargame", "--help"], capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: wargame")
    assert "simulate" in proc.stdout and "render" in proc.stdout


# --- numbers on the command line ----------------------------------------------------------------

HUGE = str(10**12)
DIGITS = "9" * 5000  # past int()'s own limit on digits


@pytest.mark.parametrize("args, message", [
    (["simulate", "--games", HUGE], "must be at most 1,000,000"),
    (["simulate", "--games", DIGITS], "expected a whole number"),
    (["simulate", "--seed", str(2**64)], "must be at most"),
    (["simulate", "--seed", str(2**200)], "must be at most"),
    (["simulate", "--seed", "-1"], "must be at least 0"),
    (["simulate", "--seed", str(2**64 - 1), "--games", "2"], "use a smaller --seed"),
    (["simulate", "--jobs", HUGE], "must be at most"),
    (["sweep", "--set", "settings.inadvertent_base=0.1", "--games", HUGE], "must be at most 1,000,000"),
    (["sweep", "--set", "settings.inadvertent_base=0.1", "--seed", str(2**65)], "must be at most"),
    (["sweep", "--set", "settings.inadvertent_base=0.1", "--seed", str(2**64 - 5), "--games", "10"],
     "use a smaller --seed"),
    (["balance", "--games", HUGE], "must be at most 1,000,000"),
    (["balance", "--seed", str(2**64)], "must be at most"),
    (["balance", "--jobs", HUGE], "must be at most"),
    (["history", "calibrate", "--seeds", HUGE], "must be at most 1,000,000"),
    (["history", "calibrate", "--seed", str(2**64)], "must be at most"),
    (["play", "--terminal", "--seed", str(2**64)], "must be at most"),
    (["play", "--terminal", "--seed", "-3"], "must be at least 0"),
    (["replay", "x.wgsave", "--at", HUGE], "must be at most 100,000"),
    (["render", "x.wgsave", "--turn", HUGE, "--out", "x.png"], "must be at most 100,000"),
], ids=lambda a: " ".join(x[:12] for x in a) if isinstance(a, list) else None)
def test_numbers_out_of_range_are_usage_errors(capsys, args, message):
    with pytest.raises(SystemExit) as info:
        main(args)
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert message in err, err
    assert len(err.splitlines()[-1]) < 300  # a 5,000-digit argument is not echoed whole


def test_the_largest_seed_plays_and_saves(tmp_path, capsys):
    top = 2**64 - 1
    code = main(["simulate", "--ruleset", str(TINY), "--games", "2", "--seed", str(top - 1),
                 "--save-dir", str(tmp_path), "--json"])
    assert code == 0, capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"game-{top - 1}.wgsave", f"game-{top}.wgsave"]
    assert main(["replay", str(tmp_path / f"game-{top}.wgsave"), "--verify"]) == 0


@pytest.mark.parametrize("command", ["simulate", "sweep", "balance"])
def test_jobs_above_the_cores_are_capped_with_a_note(capsys, monkeypatch, command):
    monkeypatch.setattr("wargame.simulate.default_jobs", lambda: 2)
    extra = ["--set", "settings.inadvertent_base=0.1"] if command == "sweep" else []
    parser = cli.build_parser()
    args = parser.parse_args([command, "--jobs", "500", *extra])
    cli._check_ranges(parser, args)
    assert args.jobs == 2
    assert "note: --jobs 500 is more than the 2 core(s) available; using 2" in capsys.readouterr().err


def test_jobs_are_not_capped_for_a_cluster(capsys, monkeypatch):
    monkeypatch.setattr("wargame.simulate.default_jobs", lambda: 2)
    parser = cli.build_parser()
    args = parser.parse_args(["simulate", "--jobs", "500", "--scheduler", "tcp://h:8786"])
    cli._check_ranges(parser, args)
    assert args.jobs == 500 and "note" not in capsys.readouterr().err


# --- FIFOs, devices and folders where a file is wanted --------------------------------------------

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="this system has no FIFOs")


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.wgsave"
    os.mkfifo(path)
    return path


def _run(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "wargame", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO)  # a hang fails as TimeoutExpired


@pytest.mark.parametrize("command", [
    ["replay", "{f}"],
    ["replay", "{f}", "--verify"],
    ["render", "{f}", "--turn", "0", "--out", "{tmp}/o.png"],
    ["report", "{f}", "--out", "{tmp}/r"],
    ["report", str(REPO / "saves" / "history-2022-2024.wgsave"), "--parent", "{f}", "--out", "{tmp}/r"],
    ["history", "build", "--history", "{f}", "--out", "{tmp}/h.wgsave"],
    ["history", "calibrate", "--history", "{f}", "--seeds", "1"],
    ["replay", "/dev/zero"],
    ["replay", "{tmp}"],
], ids=lambda c: " ".join(c[:2]))
@needs_fifo
def test_a_fifo_device_or_folder_as_a_file_is_one_clean_line(fifo, tmp_path, command):
    args = [a.format(f=fifo, tmp=tmp_path) for a in command]
    proc = _run(*args)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "named pipe (FIFO)" in lines[0] or "character device" in lines[0] or "folder" in lines[0]


@needs_fifo
def test_a_fifo_inside_a_ruleset_folder_is_a_problem_not_a_hang(tmp_path):
    folder = tmp_path / "rs"
    shutil.copytree(TINY, folder)
    (folder / "actions.toml").unlink()
    os.mkfifo(folder / "actions.toml")
    os.mkfifo(folder / "scenarios" / "pipe.toml")
    for args in (["ruleset", "check", folder], ["simulate", "--ruleset", folder, "--games", "1"]):
        proc = _run(*args)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        out = proc.stdout + proc.stderr
        assert "actions.toml: is a named pipe (FIFO), not a regular file" in out
        assert "scenarios/pipe.toml: is a named pipe (FIFO), not a regular file" in out


def test_an_error_quoting_a_huge_argument_is_one_short_line(capsys):
    from wargame.text import LINE_LIMIT

    code = main(["simulate", "--ruleset", str(TINY), "--scenario", "s" * 100_000])
    err = capsys.readouterr().err
    assert code == 1 and len(err.splitlines()) == 1, err[:200]
    assert len(err) <= 2 * LINE_LIMIT + 40 and "sss...(100002 characters)...sss" in err, err[:200]


def test_a_nul_in_names_is_drawn_escaped_by_render_and_report(capsys, tmp_path):
    """pygame refuses to draw a NUL (ValueError): the client's fonts draw it escaped instead."""
    folder = tmp_path / "nul"
    shutil.copytree(TINY, folder)
    for path in (folder / "factions.toml", folder / "map.toml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r'^(name = ")', r"\1nul\\u0000", text, flags=re.M), encoding="utf-8")
    rs = load_ruleset(folder)
    assert "\x00" in rs.factions["russia"].name and "\x00" in rs.regions["kyiv"].name
    save = tmp_path / "nul.wgsave"
    save_game(save, bot_game(rs, title="nul\x00title"))
    code, output = run_main(capsys, "render", save, "--turn", "1", "--out", tmp_path / "x.png", "--size", "640x480")
    assert code == 0 and (tmp_path / "x.png").stat().st_size > 0, output
    code, output = run_main(capsys, "report", save, "--out", tmp_path / "report", "--size", "640x480")
    assert code == 0 and (tmp_path / "report" / "report.html").exists(), output
    assert_clean(output)


def test_render_at_a_small_size_prints_only_its_own_line(tmp_path):
    """At small sizes several text sizes round to one; pygame_gui's warning about loading a font
    twice must not reach stderr (an error would then not be one line either)."""
    rs = load_ruleset(TINY)
    save = tmp_path / "g.wgsave"
    save_game(save, bot_game(rs, title="small"))
    env = {**os.environ, "PYTHONPATH": str(REPO), "SDL_VIDEODRIVER": "dummy"}
    for args in (["render", save, "--turn", "1", "--out", tmp_path / "x.png", "--size", "320x240"],
                 ["report", save, "--out", tmp_path / "report", "--size", "320x240"]):
        proc = subprocess.run([sys.executable, "-m", "wargame", *map(str, args)], capture_output=True, text=True,
                              timeout=120, cwd=tmp_path, env=env)
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr[:300]
        assert len(proc.stdout.splitlines()) == 1, proc.stdout


def test_a_usage_error_quoting_a_huge_argument_is_one_short_line(capsys):
    from wargame.text import LINE_LIMIT

    with pytest.raises(SystemExit):
        main(["history", "calibrate", "--jobs", "9" * 5000])
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert "error:" in lines[-1] and len(lines[-1]) <= 2 * LINE_LIMIT + 40, lines[-1][:200]
