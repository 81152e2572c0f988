"""The historical scenario: the shipped replay equals a fresh build, verifies, and can be branched."""

from pathlib import Path

import attrs
import pytest

from wargame.engine import month_label, player_view, seats_to_act
from wargame.persist import branch, load_save, save_game, saves_home, verify
from wargame.persist.fileformat import pack
from wargame.persist.history import (
    HistoryError,
    OrderSpec,
    UmpireSpec,
    build_history_save,
    history_path,
    play_history,
    read_history,
)

SHIPPED = saves_home() / "history-2022-2024.wgsave"


@pytest.fixture(scope="module")
def fresh():
    return build_history_save(read_history(history_path()))


def test_the_shipped_file_equals_a_fresh_build(fresh):
    assert SHIPPED.is_file(), "saves/history-2022-2024.wgsave is missing: run `wargame history build`"
    assert SHIPPED.read_bytes() == pack(fresh.to_body()), (
        "the shipped history save is out of date: run `wargame history build` and commit it")


def test_the_shipped_file_verifies():
    game = load_save(SHIPPED)
    ok, turn, message = verify(game)
    assert ok, message
    assert game.turns == 35


def test_every_month_from_february_2022_to_december_2024_has_a_caption():
    game = load_save(SHIPPED)
    rs = game.ruleset
    dates = [month_label(rs, game.state_at(t), t) for t in range(1, game.turns + 1)]
    assert dates[0] == "2022-02" and dates[-1] == "2024-12"
    assert len(set(dates)) == 35
    for turn in range(1, game.turns + 1):
        caption = game.captions[turn]
        assert caption.date == dates[turn - 1]
        assert len(caption.caption) > 40


def test_red_lines_of_the_timeline_are_argued():
    game = load_save(SHIPPED)
    umpire_inputs = [li for li in game.inputs if type(li.input).__name__.startswith("Set")]
    assert umpire_inputs and all(li.input.rationale.strip() for li in umpire_inputs)
    crossed = {lid for lid, ls in game.state_at(game.turns).lines.items() if ls.crossed}
    assert {"lethal_aid", "heavy_systems", "long_range_strikes", "fighter_jets"} <= crossed


def test_a_student_can_branch_at_any_turn_and_play_on(tmp_path):
    from wargame.bots import make_bots

    game = load_save(SHIPPED)
    for turn in (1, 17, 34):
        child = branch(game, turn)
        assert child.header.parent_id == game.header.game_id and child.header.branch_turn == turn
        bots = make_bots(child.ruleset, "doctrine", seed=turn)
        while child.state.outcome is None:
            seat = seats_to_act(child.ruleset, child.state)[0]
            child.apply(bots[seat].choose(child.ruleset, child.state, seat))
        path = Path(tmp_path) / f"branch-{turn}.wgsave"
        save_game(path, child)
        again = load_save(path)
        assert verify(again)[0]
        assert again.hashes[:turn + 1] == game.hashes[:turn + 1]  # the same history up to the branch
        player_view(again.ruleset, again.state_at(turn), "ukraine")


def _with_turn(hist, index, **changes):
    turns = list(hist.turn)
    turns[index] = attrs.evolve(turns[index], **changes)
    return attrs.evolve(hist, turn=turns)


def test_a_refused_order_names_turn_order_what_was_lacking_and_a_fix():
    hist = read_history(history_path())
    nov_2023 = 21
    short = UmpireSpec(kind="set_stat", faction="russia", stat="ammunition", value=1, rationale="a test")
    broken = _with_turn(hist, nov_2023, umpire=[short])
    with pytest.raises(HistoryError) as info:
        play_history(broken)
    first, detail = str(info.value).splitlines()[:2]
    assert first.startswith("turn 22 (2023-11): order russia/offensive at donetsk refused: [unaffordable]")
    assert "russia's ammunition as each month's orders began" in detail and "2023-11 1" in detail
    assert "set_stat" in detail  # how to fix it


def test_every_problem_is_listed_and_a_bad_target_shows_the_region():
    hist = read_history(history_path())
    bad = OrderSpec(faction="ukraine", action="defend", target="crimea")
    broken = _with_turn(_with_turn(hist, 3, orders=[bad, *hist.turn[3].orders]), 30,
                        orders=[bad, *hist.turn[30].orders])
    with pytest.raises(HistoryError) as info:
        play_history(broken)
    text = str(info.value)
    assert text.startswith("turn 4 (2022-05): order ukraine/defend at crimea refused: [bad_target]")
    assert "crimea is russia now" in text and "set_region" in text
    assert "1 more problem(s)" in text and "turn 31 (2024-08): order ukraine/defend at crimea" in text
