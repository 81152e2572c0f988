"""Calibration of the historical scenario: the history file played without the umpire's pins."""

import json

import attrs
import pytest

from wargame.cli import main
from wargame.persist.calibrate import GOALS, calibrate, format_report
from wargame.persist.history import PIN_KINDS, OrderSpec, history_path, read_history, run_history


@pytest.fixture(scope="module")
def hist():
    return read_history(history_path())


@pytest.fixture(scope="module")
def result(hist):
    return calibrate(hist, seeds=3, first_seed=5)


def test_calibration_reports_every_figure_with_sane_values(result, hist):
    for key in ("seeds", "region_drift", "russia_collapse_share", "outcome_shares", "reached_end_share",
                "escalation_drift", "refused_orders", "pins", "answers", "goals", "policy"):
        assert key in result, key
    assert result["seeds"] == 3 and result["first_seed"] == 5
    assert result["region_drift"] >= 0 and result["escalation_drift"] >= 0
    for share in (result["russia_collapse_share"], result["reached_end_share"], *result["outcome_shares"].values()):
        assert 0 <= share <= 1
    assert sum(result["outcome_shares"].values()) == pytest.approx(1)
    assert result["refused_orders"]["mean_per_seed"] >= 0
    assert all({"order", "per_seed"} <= set(item) for item in result["refused_orders"]["most_refused"])
    pins = sum(spec.kind in PIN_KINDS for turn in hist.turn for spec in turn.umpire)
    assert result["pins"]["in_file"] == pins
    assert 0 < result["pins"]["skipped_per_seed"] <= pins
    assert result["goals"] == GOALS and "let pass" in result["policy"]["unlisted_crossings"]
    assert result["record_refused_orders"] == 0  # the shipped file builds


def test_each_recorded_answer_has_a_prediction_beside_it(result, hist):
    answers = result["answers"]
    listed = {(n, r.red_line, r.response) for n, turn in enumerate(hist.turn, start=1) for r in turn.reactions}
    assert listed <= {(a["turn"], a["red_line"], a["answer"]) for a in answers}
    for a in answers:
        assert {"turn", "date", "red_line", "owner", "answer", "mean_p", "crossed_share", "record_p"} <= set(a)
        assert a["date"] == hist.turn[a["turn"] - 1].date
        assert 0 <= a["crossed_share"] <= 1
        assert (a["mean_p"] is None) == (a["crossed_share"] == 0)
        assert a["mean_p"] is None or 0 <= a["mean_p"] <= 1
    first = answers[0]  # February 2022: the first lethal aid, crossed in every game
    assert (first["date"], first["red_line"], first["crossed_share"]) == ("2022-02", "lethal_aid", 1.0)


def test_with_the_pins_kept_at_the_files_seed_nothing_drifts(hist):
    same = calibrate(hist, seeds=1, first_seed=hist.history.seed, keep_pins=True)
    assert same["region_drift"] == 0 and same["escalation_drift"] == 0
    assert same["pins"]["skipped_per_seed"] == 0 and same["refused_orders"]["mean_per_seed"] == 0
    assert same["reached_end_share"] == 1
    for a in same["answers"]:
        assert a["crossed_share"] == (1.0 if a["record_p"] is not None else 0.0)
        assert a["mean_p"] == a["record_p"]


def test_a_game_without_pins_differs_from_the_record(result):
    assert result["region_drift"] > 0  # the pins do change the map: the comparison sees it


def test_refused_orders_are_skipped_and_counted(hist):
    turns = list(hist.turn)
    turns[0] = attrs.evolve(turns[0], orders=[OrderSpec(faction="ukraine", action="defend", target="crimea"),
                                              *turns[0].orders])
    run = run_history(attrs.evolve(hist, turn=turns), strict=False)
    assert run.turns_played == len(hist.turn)
    assert [r.key for r in run.refusals] == ["ukraine/defend"] and run.refusals[0].code == "bad_target"


def test_the_text_report_shows_the_goals(result):
    text = format_report(result)
    assert "region drift" in text and "goal <= 1.5" in text and "goal <= 10%" in text
    assert "2022-02 lethal_aid" in text


def test_cli_prints_json(capsys):
    assert main(["history", "calibrate", "--seeds", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["seeds"] == 2 and "region_drift" in out


def test_cli_prints_text_and_no_progress_bar_when_not_a_terminal(capsys):
    assert main(["history", "calibrate", "--seeds", "1", "--seed", "3"]) == 0
    captured = capsys.readouterr()
    assert "1 seeds from 3" in captured.out and "Russia collapses" in captured.out
    assert captured.err == ""


@pytest.mark.parametrize("argv, message", [
    (["--seeds", "0"], "must be at least 1"),
    (["--seeds", "many"], "expected a whole number"),
    (["--seed", "-1"], "must be at least 0"),
])
def test_cli_bad_flags_are_usage_errors(capsys, argv, message):
    with pytest.raises(SystemExit) as info:
        main(["history", "calibrate", *argv])
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_unknown_history_is_one_line(capsys):
    assert main(["history", "calibrate", "--history", "2022-2O24", "--seeds", "1"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: no history file")
    assert "did you mean 2022-2024?" in err


def test_the_shipped_history_is_made_by_the_engine_not_the_umpire(hist):
    """The calibration issue's goals, over a few seeds: if tuning the shared ruleset breaks
    this, rerun `wargame history calibrate` and retune the history file or its scenario."""
    result = calibrate(hist, seeds=12, first_seed=100)
    assert result["region_drift"] <= GOALS["region_drift"], result["region_drift_by_region"]
    assert result["russia_collapse_share"] <= GOALS["russia_collapse_share"], result["outcome_shares"]
    assert result["pins"]["in_file"] <= 12  # the few the engine cannot do without, each explained


def test_a_broken_record_is_reported(hist):
    turns = list(hist.turn)
    turns[0] = attrs.evolve(turns[0], orders=[OrderSpec(faction="ukraine", action="defend", target="crimea"),
                                              *turns[0].orders])
    result = calibrate(attrs.evolve(hist, turn=turns), seeds=1)
    assert result["record_refused_orders"] == 1
    assert "WARNING: the record itself" in format_report(result)
