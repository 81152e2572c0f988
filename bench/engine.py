"""Engine benchmark: decisions per second of random bots, against python-chess random playouts.

A decision is one input chosen by a bot: list the legal inputs, pick one, apply it (the same
work as a chess playout step: list the legal moves, pick one, push it). Both run in this one
process on one core, for about the same wall time each.

    python bench/engine.py [--seconds 5] [--profile]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wargame.bots import play_game  # noqa: E402
from wargame.ruleset import load_ruleset  # noqa: E402


def wargame_rate(seconds: float) -> tuple[float, int, int]:
    rs = load_ruleset()
    decisions = games = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        record = play_game(rs, seed=games, bots="random")
        decisions += record.decisions
        games += 1
    return decisions / (time.perf_counter() - start), decisions, games


def chess_rate(seconds: float) -> tuple[float, int, int]:
    import chess

    rng = random.Random(0)
    decisions = games = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        board = chess.Board()
        while not board.is_game_over():
            moves = list(board.legal_moves)
            board.push(moves[rng.randrange(len(moves))])
            decisions += 1
        games += 1
    return decisions / (time.perf_counter() - start), decisions, games


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time per side (default 5)")
    parser.add_argument("--profile", action="store_true", help="profile the wargame side with cProfile")
    args = parser.parse_args()
    if args.profile:
        import cProfile
        import pstats

        with cProfile.Profile() as prof:
            wargame_rate(args.seconds)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        return 0
    w_rate, w_dec, w_games = wargame_rate(args.seconds)
    c_rate, c_dec, c_games = chess_rate(args.seconds)
    print(f"wargame random bots : {w_rate:10.0f} decisions/s ({w_dec} decisions, {w_games} games)")
    print(f"python-chess random : {c_rate:10.0f} decisions/s ({c_dec} moves, {c_games} games)")
    print(f"ratio               : {w_rate / c_rate:10.2f}x (goal: at least 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
