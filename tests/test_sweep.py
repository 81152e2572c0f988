"""`wargame sweep` and ruleset variants: the same games under changed rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wargame.cli import main
from wargame.ruleset.loader import read_raw
from wargame.simulate import run_games, summarise
from wargame.variants import VariantError, load_variant, parse_setting, parse_value, variant_raw

TINY = str(Path(__file__).parent / "data" / "rulesets" / "tiny")
SHELLS = "action[send_shells].rung"  # 2 in the tiny ruleset


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def sweep_json(capsys, *args: str) -> dict:
    code, out, err = cli(capsys, "sweep", "--ruleset", TINY, "--json", *args)
    assert code == 0, err
    return json.loads(out)


def test_a_variant_that_changes_nothing_gives_the_plain_ruleset_shares(capsys):
    s = sweep_json(capsys, "--games", "20", "--seed", "4", "--set", f"{SHELLS}=2,15")
    same, top = s["variants"]
    plain = summarise(run_games(TINY, 20, 4, "doctrine")[0], 0)
    assert same["set"] == {SHELLS: 2}
    assert same["outcomes"] == plain["outcomes"]
    assert same["mean_peak"] == plain["mean_peak"]
    # shells sent at the top rung: a nuclear exchange in every game
    assert top["set"] == {SHELLS: 15}
    assert top["outcomes"] == {"nuclear_exchange": 20} and top["nuclear_share"] == 1.0
    assert same["nuclear_share"] == 0.0 and top["mean_peak"] > same["mean_peak"]


def test_every_combination_in_order_and_independent_of_jobs(capsys):
    args = ("--games", "6", "--set", f"{SHELLS}=2,15", "--set", "settings.inadvertent_base=0.05,0.5,0.9")
    one = sweep_json(capsys, *args)
    two = sweep_json(capsys, *args, "--jobs", "2")
    assert [v["set"] for v in one["variants"]] == [
        {SHELLS: r, "settings.inadvertent_base": b} for r in (2, 15) for b in (0.05, 0.5, 0.9)]
    assert one["variants"] == two["variants"]


def test_the_table_has_a_row_per_variant(capsys):
    code, out, err = cli(capsys, "sweep", "--ruleset", TINY, "--games", "4", "--set", f"{SHELLS}=2,15")
    assert code == 0, err
    lines = out.splitlines()
    assert "variant" in lines[1] and "nuclear" in lines[1] and "mean peak" in lines[1]
    assert lines[2].startswith(f"{SHELLS}=2 ") and lines[3].startswith(f"{SHELLS}=15 ")
    assert "100.0%" in lines[3]


@pytest.mark.parametrize("setting, words", [
    ("settings.inadvertnt_base=0.1", ["settings.inadvertnt_base", "unknown key", "inadvertent_base"]),
    ("setings.inadvertent_base=0.1", ["setings", "did you mean settings"]),
    ("action[send_shell].rung=3", ["action[send_shell].rung", "did you mean send_shells"]),
    ("settings.inadvertent_base=lots", ["settings.inadvertent_base", "expected a number", "ruleset.toml"]),
    (f"{SHELLS}=2.5", [SHELLS, "expected an integer", "actions.toml"]),
    (f"{SHELLS}=2,2.0", [f"{SHELLS}=2.0", "expected an integer"]),  # 2 == 2.0, yet only one is valid
    ("red_line[no_jets].resolve=1.5,0.5", ["red_line[no_jets].resolve", "1.5"]),
    ("settings.inadvertent_base", ["KEY=VALUE"]),
    ("settings..x=1", ["bad key path"]),
])
def test_bad_settings_are_one_line_errors(capsys, setting, words):
    code, out, err = cli(capsys, "sweep", "--ruleset", TINY, "--games", "2", "--set", setting)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for word in words:
        assert word in lines[0], lines[0]


def test_the_same_key_twice_is_refused(capsys):
    code, _, err = cli(capsys, "sweep", "--ruleset", TINY, "--games", "2",
                       "--set", f"{SHELLS}=2", "--set", f"{SHELLS}=3")
    assert code == 1 and "given twice" in err


def test_sweep_needs_a_setting(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["sweep", "--games", "2"])
    assert exc.value.code == 2


# --- variants ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("3", 3), ("-2", -2), ("0.25", 0.25), ("true", True), ("false", False), ('"3"', "3"),
    ("formal", "formal"), ('"a, b"', "a, b"),
])
def test_values_parse_as_toml_scalars(text, value):
    parsed = parse_value(text)
    assert parsed == value and type(parsed) is type(value)


def test_values_split_on_commas_outside_quotes():
    assert parse_setting('scenario[tiny].name="a, b",c') == ("scenario[tiny].name", ["a, b", "c"])
    with pytest.raises(VariantError):
        parse_value("[1, 2]")


def test_overrides_reach_lists_by_id_and_scenarios_and_leave_the_files_alone():
    raw, _ = read_raw(Path(TINY))
    overrides = (("red_line[no_jets].resolve", 0.9), ("scenario[tiny].turn_limit", 5),
                 ("action[0].cost.ammunition", 3))  # a list item by position, as the checker may name it
    changed = variant_raw(raw, overrides)
    assert raw != changed
    assert read_raw(Path(TINY))[0] == raw  # the parsed original is not touched
    rs = load_variant(TINY, overrides)
    assert rs.red_lines["no_jets"].resolve == 0.9
    assert rs.scenarios["tiny"].turn_limit == 5
    assert rs.actions["offensive"].cost == {"ammunition": 3, "reserves": 1}
    with pytest.raises(VariantError, match="no scenario 'tiy'"):
        load_variant(TINY, (("scenario[tiy].turn_limit", 5),))


def test_sweep_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["sweep", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: wargame sweep") and "--set KEY=V1,V2,..." in out and "--scheduler" in out
