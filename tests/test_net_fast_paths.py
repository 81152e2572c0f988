"""The server's fast paths give exactly what the plain ones give: a seat's legal inputs as wire
data, and a player view that scores only the factions it shows."""

from wargame.bots import decide, make_bots
from wargame.engine import final_scores, legal_inputs, player_view, seats_to_act
from wargame.net.room import Room
from wargame.persist.codec import input_to_data


def test_the_legal_lists_and_views_sent_match_the_engines_through_a_whole_game(rs):
    room, _ = Room.create(None, rs, seed=7)
    bots = make_bots(rs, "doctrine", 7)
    steps = 0
    while room.state.outcome is None:
        st = room.state
        for seat in rs.factions:
            assert room.legal(seat) == [input_to_data(i) for i in legal_inputs(rs, st, seat)]
        scores = final_scores(rs, st)
        for seat in [*rs.factions, "umpire", "public"]:
            shown = {f: v["payoff_now"] for f, v in player_view(rs, st, seat)["factions"].items()}
            assert shown == {f: scores[f] if seat in (f, "umpire") else None for f in rs.factions}
        seat = seats_to_act(rs, st)[0]
        room.submit(seat, decide(bots[seat], rs, st, seat))
        steps += 1
    assert steps > 50 and all(room.legal(seat) == [] for seat in rs.factions)
